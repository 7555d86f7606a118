// Package ladder is the ladder view: the conversation as a sequence
// diagram, one row per segment (an arrow between the client's lane and the
// server's, with its flags, numbers, events and the start of its payload)
// or per frame of the conversation that is not a segment (an IP fragment,
// an ICMP error), with both sides' states where they change.
//
// A row is numbered by its frame, as the layers title, the explanation,
// dump, tshark and Wireshark number it, not by its step in the
// conversation (the screen's header says which step it is): a reader who
// looks a row up in Wireshark finds the same number.
package ladder

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/app"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
	"github.com/tcpstep/tcpstep/ui/theme"
)

// Glyphs are box-drawing and geometric characters, one cell wide in every
// terminal we know of.
const (
	arrowRight = "▶"
	arrowLeft  = "◀"
	dotted     = "┄"
	lane       = "│"
	hidden     = "?" // a field a quiz question hides
	// MatchMark marks, in the cursor's column, a row that matches the
	// display filter while the others are dimmed, so that the matches
	// read without colour too; the ladder's header line starts its word
	// on the filter with it.
	MatchMark = "•"
	// Revised marks a state that later evidence changed after the row was
	// first shown (a live capture).
	Revised = "↺"
)

// View is everything Render reads: a value, so that drawing is a pure
// function of it.
type View struct {
	TL   *model.Timeline
	Conv *model.Conversation
	Rows []pane.Row
	// Cur is the selected row, Top the first row drawn.
	Cur, Top int
	Absolute bool
	// Previews holds the printable payload preview of frames already read,
	// by frame number; a missing entry draws no preview.
	Previews map[uint32]string
	// In a quiz (Quiz set) the rows after Last are hidden, and Mask, when
	// set, is a row drawn with some of its fields hidden.
	Quiz bool
	Last int
	Mask *pane.Mask
	// Time is how the time column counts (pane.TimeFormat).
	Time pane.TimeFormat
	// Filter, when set, is the display filter on the rows: the rows that
	// do not match are dimmed, or not drawn when it hides them.
	Filter *pane.RowFilter
	// App, when set, is the conversation's application layer: an arrow
	// names the messages its segment completes in place of the payload
	// preview, unless Raw asks for the preview.
	App *app.Conv
	Raw bool
}

// key is what a drawn row depends on besides its conversation, the styles
// and the previews. Of the display filter it holds how the row is drawn
// (dimmed, marked as a match, among rows hidden), so that a row drawn
// filtered is not taken for one drawn without (in a quiz, which has no
// filter); which filter it was is the owner's to forget (FilterChanged).
type key struct {
	row, w                 int
	absolute, selected     bool
	time                   pane.TimeFormat
	dimmed, marked, hiding bool
	raw                    bool
}

// keyOf is the key of row i of v drawn w wide.
func keyOf(v *View, i, w int) key {
	return key{row: i, w: w, absolute: v.Absolute, selected: i == v.Cur, time: v.Time,
		dimmed: v.Filter.Dim(i), marked: v.Filter.Matches(i), hiding: v.Filter != nil && v.Filter.Hide, raw: v.Raw}
}

// mediumStates and shortStates are state names for narrower ladders, so
// the arrows keep room for their labels.
var (
	mediumStates = [model.NumStates]string{
		"CLOSED", "LISTEN", "SYN_SENT", "SYN_RCVD", "ESTAB", "FIN_WT1", "FIN_WT2", "CLOSE_WT", "CLOSING", "LAST_ACK", "TIME_WT",
	}
	shortStates = [model.NumStates]string{
		"CLOSED", "LISTEN", "SYNSNT", "SYNRCV", "ESTAB", "FINW1", "FINW2", "CLWAIT", "CLOSNG", "LASTAK", "TMWAIT",
	}
)

// geom is the column arithmetic of one ladder width.
type geom struct {
	// numW is the width of the frame number column, numHdr its header.
	numW, timeW, stateW, arrowW int
	numHdr                      string
	names                       *[model.NumStates]string // nil: the full names
}

// frameHdr names the frame number column where it is that wide already,
// or where the ladder can spare the cells to widen it to the word: at
// least frameHdrMinW cells, and widening drops no time column nor state
// names. Elsewhere "#" heads it, and the arrows keep the cells.
const (
	frameHdr     = "frame"
	frameHdrMinW = 120
)

// TimeMinWidth is the narrowest ladder with a time column: a narrower one
// gives its cells to the arrows.
const TimeMinWidth = 100

// frameWidth is the width of the largest frame number among rows: the
// last's, as rows are in frame order. It depends on the conversation, not
// on the rows on screen, so the columns stay put as the ladder scrolls.
func frameWidth(rows []pane.Row) int {
	if len(rows) == 0 {
		return 1
	}
	return len(strconv.FormatUint(uint64(max(rows[len(rows)-1].Frame, 1)), 10))
}

func geometry(v *View, w int) geom {
	digits, timeW := frameWidth(v.Rows), 0
	if w >= TimeMinWidth && len(v.Rows) > 0 {
		timeW = timeWidth(v)
	}
	g := columns(w, digits, timeW)
	if digits >= len(frameHdr) {
		g.numHdr = frameHdr // the word fits for nothing
		return g
	}
	if w < frameHdrMinW {
		return g
	}
	if f := columns(w, max(digits, len(frameHdr)), timeW); f.timeW == g.timeW && f.stateW == g.stateW && f.names == g.names {
		g = f
		g.numHdr = frameHdr
	}
	return g
}

// columns is the geometry of a w-cell ladder with a numW-cell frame number
// column and, room allowing, a timeW-cell time column: the arrows take what
// is left, and the state names shorten, then go, to keep them legible.
func columns(w, numW, timeW int) geom {
	g := geom{numW: numW, numHdr: "#", timeW: timeW, stateW: 12}
	fixed := func() int {
		t := 0
		if g.timeW > 0 {
			t = g.timeW + 1
		}
		st := 0
		if g.stateW > 0 {
			st = 2 * (g.stateW + 1)
		}
		return 1 + g.numW + 1 + t + st + 2 // marker, number, space, time, states, lanes
	}
	g.arrowW = w - fixed()
	if g.arrowW < 24 && g.timeW > 0 {
		g.timeW = 0
		g.arrowW = w - fixed()
	}
	if g.arrowW < 56 {
		g.stateW, g.names = 8, &mediumStates
		g.arrowW = w - fixed()
	}
	if g.arrowW < 20 {
		g.stateW, g.names = 6, &shortStates
		g.arrowW = w - fixed()
	}
	if g.arrowW < 10 {
		g.stateW = 0
		g.arrowW = w - fixed()
	}
	g.arrowW = max(g.arrowW, 0)
	return g
}

func fmtTime(ns int64) string {
	return strconv.FormatFloat(float64(ns)/1e9, 'f', 6, 64)
}

// timeOfDay is the layout of TimeOfDay, to the microsecond as the other
// formats are.
const timeOfDay = "15:04:05.000000"

// timeWidth is the width of the time column in v's format: that of the
// last row's time, the largest there is, so that the column does not
// depend on the rows on screen. A delta is never more than the
// conversation's span, whose width it takes.
func timeWidth(v *View) int {
	first, last := v.Rows[0], v.Rows[len(v.Rows)-1]
	switch v.Time {
	case pane.TimeConversation, pane.TimeDelta:
		return max(len(fmtTime(rowTime(v.TL, last)-rowTime(v.TL, first))), len(v.Time.String()))
	case pane.TimeOfDay:
		return len(timeOfDay)
	}
	return max(len(fmtTime(rowTime(v.TL, last))), len(v.Time.String()))
}

// timeText is row i's time in v's format.
func timeText(v *View, i int) string {
	r := v.Rows[i]
	switch v.Time {
	case pane.TimeConversation:
		return fmtTime(rowTime(v.TL, r) - rowTime(v.TL, v.Rows[0]))
	case pane.TimeDelta:
		if i == 0 {
			return fmtTime(0)
		}
		return fmtTime(rowTime(v.TL, r) - rowTime(v.TL, v.Rows[i-1]))
	case pane.TimeOfDay:
		return time.Unix(0, rowTime(v.TL, r)+v.TL.StartNS).UTC().Format(timeOfDay)
	}
	return fmtTime(rowTime(v.TL, r))
}

func rowTime(tl *model.Timeline, r pane.Row) int64 {
	if r.Seg >= 0 && int(r.Seg) < len(tl.Segments) {
		return tl.SegTime(&tl.Segments[r.Seg])
	}
	if i := int(r.Frame) - 1; i >= 0 && i < len(tl.Frames) {
		return tl.Frames[i].TimeNS - tl.StartNS
	}
	return 0
}

// Render draws the ladder's column header and rows [v.Top, v.Top+h-1) in
// exactly w×h cells. Only the rows on screen are built, so its cost does
// not depend on the conversation's length.
func Render(st Styles, v View, w, h int) string {
	return render(&st, &v, nil, w, h)
}

// render is Render with the rows already drawn in cache, which it fills;
// nil draws every row afresh. The cache's owner clears it when anything but
// the key can change a row: another conversation, new styles, new rows, a
// preview arriving.
func render(st *Styles, v *View, cache map[key]string, w, h int) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	g := geometry(v, w)
	lines := make([]string, 0, h)
	lines = append(lines, header(st, v, g, w))

	// The state columns show a side's state where it changes, so find the
	// states before the first row drawn: those after the previous segment
	// (drawn: with rows hidden, a state shows where it differs from the
	// last one drawn).
	prevC, prevS, first := v.Conv.InitClient, v.Conv.InitServer, true
	for i := v.Filter.Prev(min(v.Top, len(v.Rows))); i >= 0 && i < len(v.Rows); i = v.Filter.Prev(i) {
		if r := v.Rows[i]; r.Seg >= 0 {
			s := &v.TL.Segments[r.Seg]
			prevC, prevS, first = s.Client(), s.Server(), false
			break
		}
	}
	if v.Filter != nil && v.Filter.Hide && v.Filter.Count() == 0 && v.Filter.Judged() == len(v.Rows) && h > 1 {
		lines = append(lines, pane.RenderSpans([]pane.Span{{Text: "  no row matches the display filter", Style: &st.Dim}}, w, nil))
	}
	for i := v.Top; i < len(v.Rows) && len(lines) < h; i++ {
		if v.Quiz && i > v.Last {
			break
		}
		if !v.Filter.Shown(i) {
			continue
		}
		r := v.Rows[i]
		if v.Mask != nil && i == v.Mask.Row && r.Seg >= 0 && int(r.Seg) < len(v.TL.Segments) {
			s := &v.TL.Segments[r.Seg]
			lines = append(lines, pane.RenderSpans(maskedSpans(st, v, g, i, s, prevC, prevS, first), w, nil))
			prevC, prevS, first = s.Client(), s.Server(), false
			continue
		}
		var bg *lipgloss.Style
		if i == v.Cur {
			bg = &st.Cursor
		}
		k := keyOf(v, i, w)
		line, cached := cache[k]
		var spans []pane.Span
		if r.Seg >= 0 && int(r.Seg) < len(v.TL.Segments) {
			s := &v.TL.Segments[r.Seg]
			if !cached {
				spans = segmentSpans(st, v, g, i, s, prevC, prevS, first)
			}
			prevC, prevS, first = s.Client(), s.Server(), false
		} else if !cached {
			spans = extraSpans(st, v, g, i, r)
		}
		if !cached {
			if v.Filter.Dim(i) {
				dim(st, spans)
			}
			line = pane.RenderSpans(spans, w, bg)
			if cache != nil {
				cache[k] = line
			}
		}
		lines = append(lines, line)
	}
	for len(lines) < h {
		lines = append(lines, strings.Repeat(" ", w))
	}
	return strings.Join(lines, "\n")
}

// dim draws a row that does not match the display filter: every span in
// the dimmed style but the cursor's mark.
func dim(st *Styles, spans []pane.Span) {
	for i := range spans {
		if spans[i].Style != nil && spans[i].Style != &st.Marker {
			spans[i].Style = &st.Dim
		}
	}
}

// filterCount says how many of n rows match the filter: "12/29 rows", or
// that the rows are still being judged.
func filterCount(f *pane.RowFilter, n int) string {
	if f.Judged() < n {
		return "filtering" + theme.Ellipsis
	}
	return fmt.Sprintf("%d/%d rows", f.Count(), n)
}

// filterNote is the header line's word on the display filter, the longest
// of its forms that fits in room cells ("" when none does).
func filterNote(v *View, room int) string {
	f := v.Filter
	if f == nil {
		return ""
	}
	count := filterCount(f, len(v.Rows))
	expr := model.Visible(f.Expr)
	hid := ""
	if f.Hide {
		hid = ", others hidden"
	}
	for _, t := range []string{
		MatchMark + " " + expr + ": " + count + hid,
		MatchMark + " " + expr + ": " + count,
		MatchMark + " filter " + count,
		MatchMark + " " + count,
	} {
		if pane.Width(t) <= room {
			return t
		}
	}
	return ""
}

func header(st *Styles, v *View, g geom, w int) string {
	left := 1 + g.numW + 1
	if g.timeW > 0 {
		left += g.timeW + 1
	}
	c := "client " + v.Conv.Client.String()
	s := "server " + v.Conv.Server.String()
	room := w - left
	if room <= 0 {
		return strings.Repeat(" ", w)
	}
	half := room / 2
	if pane.Width(c)+pane.Width(s)+1 > room {
		c = ansi.Truncate(c, max(half-1, 0), theme.Ellipsis)
		s = ansi.Truncate(s, max(room-half-1, 0), theme.Ellipsis)
	}
	gap := max(room-pane.Width(c)-pane.Width(s), 0)
	var timeHdr string
	if g.timeW > 0 {
		timeHdr = fmt.Sprintf("%*s ", g.timeW, v.Time.String())
	}
	lead := fmt.Sprintf(" %*s ", g.numW, g.numHdr) + timeHdr
	// The display filter's word sits between the two names, a space or
	// more from each.
	note := filterNote(v, gap-4)
	pre := (gap - pane.Width(note)) / 2
	return pane.RenderSpans([]pane.Span{
		{Text: lead, Style: &st.Number},
		{Text: c, Style: &st.Column},
		{Text: strings.Repeat(" ", pre), Style: nil},
		{Text: note, Style: &st.Filter},
		{Text: strings.Repeat(" ", gap-pre-pane.Width(note)), Style: nil},
		{Text: s, Style: &st.Column},
	}, w, nil)
}

// leadSpans are the marker, frame number and time that start every row.
func leadSpans(st *Styles, v *View, g geom, i int, r pane.Row) []pane.Span {
	marker := " "
	switch {
	case i == v.Cur:
		marker = theme.Cursor
	case v.Filter.Matches(i) && !v.Filter.Hide:
		marker = MatchMark
	}
	return numberSpans(st, v, g, i, pane.Span{Text: marker, Style: &st.Marker})
}

// numberSpans are row i's marker, its frame number and its time.
func numberSpans(st *Styles, v *View, g geom, i int, marker pane.Span) []pane.Span {
	out := []pane.Span{marker, {Text: fmt.Sprintf("%*d ", g.numW, v.Rows[i].Frame), Style: &st.Number}}
	if g.timeW > 0 {
		out = append(out, pane.Span{Text: fmt.Sprintf("%*s ", g.timeW, timeText(v, i)), Style: &st.Time})
	}
	return out
}

// stateCell is one side's state column: the state where it changes, and
// Revised in the gap beside the lane when later evidence revised it.
func stateCell(s model.State, g geom, show, right, revised bool) string {
	if g.stateW == 0 {
		return ""
	}
	gap := " "
	if revised {
		gap, show = Revised, true
	}
	t := ""
	if show {
		t = s.String()
		if g.names != nil && int(s) < len(g.names) {
			t = g.names[s]
		}
	}
	t = ansi.Truncate(t, g.stateW, "")
	pad := strings.Repeat(" ", g.stateW-pane.Width(t))
	if right {
		return gap + t + pad
	}
	return pad + t + gap
}

func segmentSpans(st *Styles, v *View, g geom, i int, s *model.Segment, prevC, prevS model.State, first bool) []pane.Span {
	spans := leadSpans(st, v, g, i, v.Rows[i])
	spans = append(spans,
		pane.Span{Text: stateCell(s.Client(), g, first || s.Client() != prevC, false, v.Conv.WasRevised(uint32(v.Rows[i].Seg), true)), Style: &st.State},
		pane.Span{Text: lane, Style: &st.Lane})

	label := segmentLabel(st, v, int(v.Rows[i].Seg), s)
	spans = append(spans, arrow(st, s.Dir, label, g.arrowW)...)
	spans = append(spans,
		pane.Span{Text: lane, Style: &st.Lane},
		pane.Span{Text: stateCell(s.Server(), g, first || s.Server() != prevS, true, v.Conv.WasRevised(uint32(v.Rows[i].Seg), false)), Style: &st.State})
	return spans
}

// arrow is a segment's arrow between the lanes, aw cells wide, with its
// label: pointing at the server for the client's segments, at the client
// for the server's.
func arrow(st *Styles, dir model.Dir, label []pane.Span, aw int) []pane.Span {
	var body []pane.Span
	if dir == model.C2S {
		body = append(body, pane.Span{Text: theme.Line + " ", Style: &st.Lane})
		body = append(body, label...)
		return fillArrow(body, aw, arrowRight, &st.Lane)
	}
	body = append(body, pane.Span{Text: arrowLeft + theme.Line + " ", Style: &st.Lane})
	body = append(body, label...)
	return fillArrow(body, aw, theme.Line, &st.Lane)
}

// fillArrow cuts the arrow's spans (its head and label) so that they, the
// line drawn after them and the tail take exactly aw cells.
func fillArrow(body []pane.Span, aw int, tail string, laneSt *lipgloss.Style) []pane.Span {
	if aw <= 0 {
		return nil
	}
	tailW := pane.Width(tail)
	room := aw - tailW
	if room <= 0 {
		return []pane.Span{{Text: ansi.Truncate(tail, aw, ""), Style: laneSt}}
	}
	out := make([]pane.Span, 0, len(body)+2)
	used := 0
	for _, s := range body {
		sw := pane.Width(s.Text)
		if used+sw > room {
			t := ansi.Truncate(s.Text, room-used, "")
			if t != "" {
				out = append(out, pane.Span{Text: t, Style: s.Style})
				used += pane.Width(t)
			}
			break
		}
		out = append(out, s)
		used += sw
	}
	fill := room - used
	if fill > 0 {
		line := " " + strings.Repeat(theme.Line, fill-1)
		out = append(out, pane.Span{Text: line, Style: laneSt})
	}
	out = append(out, pane.Span{Text: tail, Style: laneSt})
	return out
}

// segmentLabel is the text on a segment's arrow: flags, SEQ, ACK, length,
// events and the application messages of segment seg (an index in
// TL.Segments) or the start of its payload, in the active numbering.
func segmentLabel(st *Styles, v *View, seg int, s *model.Segment) []pane.Span {
	flagSt := &st.ACK
	switch {
	case s.Flags.Has(model.RST):
		flagSt = &st.RST
	case s.Flags.Has(model.SYN):
		flagSt = &st.SYN
	case s.Flags.Has(model.FIN):
		flagSt = &st.FIN
	case s.Len > 0:
		flagSt = &st.Data
	}
	seq, ack := s.RelSeq, s.RelAck
	if v.Absolute {
		seq, ack = s.Seq, s.Ack
	}
	nums := " seq " + strconv.FormatUint(uint64(seq), 10)
	if s.Flags.Has(model.ACK) {
		nums += " ack " + strconv.FormatUint(uint64(ack), 10)
	}
	nums += " len " + strconv.FormatUint(uint64(s.Len), 10)
	out := []pane.Span{{Text: s.Flags.String(), Style: flagSt}, {Text: nums, Style: &st.ACK}}
	for _, e := range pane.ShortEvents {
		if s.Events.Has(e.Event) {
			out = append(out, pane.Span{Text: " [" + e.Name + "]", Style: &st.Event})
		}
	}
	if a := appSpans(st, v, seg, s); a != nil {
		return append(out, a...)
	}
	return append(out, previewSpans(st, v, s)...)
}

// previewSpans are the quoted start of a segment's payload, when read.
func previewSpans(st *Styles, v *View, s *model.Segment) []pane.Span {
	if s.Len > 0 {
		if p, ok := v.Previews[s.Frame]; ok && p != "" {
			return []pane.Span{{Text: " \"" + p + "\"", Style: &st.Payload}}
		}
	}
	return nil
}

// MalformedTag marks, on an arrow, an application message that does not
// parse, before the reason.
const MalformedTag = "⚠ malformed: "

// appSpans name the application messages segment seg completes ("SMTP
// VRFY root"; "SMTP 252 2.1.5 root, 250 OK"), each malformed one tagged
// after its summary ("SMTP QUIT ⚠ malformed: line not ended by CRLF"), or
// say the segment carries part of a message, before its
// preview. They are nil where the ladder previews the payload instead: Raw
// asked for it, the application layer is not read yet, or says nothing of
// the segment.
func appSpans(st *Styles, v *View, seg int, s *model.Segment) []pane.Span {
	if v.Raw || v.App == nil {
		return nil
	}
	as := v.App.Seg(seg)
	if as == nil {
		return nil
	}
	if len(as.Messages) == 0 {
		if s.Len == 0 {
			return nil
		}
		part := " (part of a message)"
		if name := v.App.Proto.String(); name != "" {
			part = " (part of " + article(name) + " " + name + " message)"
		}
		return append([]pane.Span{{Text: part, Style: &st.Part}}, previewSpans(st, v, s)...)
	}
	var out []pane.Span
	last := app.Unknown
	for i := range as.Messages {
		m := &as.Messages[i]
		sep := " "
		if i > 0 {
			sep = ", "
		}
		if name := m.Proto.String(); name != "" && (m.Proto != last || i == 0) {
			out = append(out, pane.Span{Text: sep + model.Visible(name), Style: &st.App})
			sep, last = " ", m.Proto
		}
		if m.Summary != "" {
			out = append(out, pane.Span{Text: sep + model.Visible(m.Summary), Style: &st.AppText})
			sep = " "
		}
		if m.Malformed != "" {
			out = append(out, pane.Span{Text: sep + MalformedTag + model.Visible(m.Malformed), Style: &st.Malformed})
		}
	}
	return out
}

// article is "an" before a protocol name read with a vowel's sound (an
// SMTP, an HTTP, an FTP, an IMAP, an SSH message), "a" otherwise (a TLS, a
// DNS, a POP message).
func article(name string) string {
	switch name {
	case "TLS", "DNS", "POP":
		return "a"
	}
	return "an"
}

// maskedSpans draws the row a quiz question is about: its direction, and
// of its flags, numbers, states and events only those the question shows;
// the rest are "?". Its payload is never previewed.
func maskedSpans(st *Styles, v *View, g geom, i int, s *model.Segment, prevC, prevS model.State, first bool) []pane.Span {
	shows := v.Mask.Shows
	hid := &st.Hidden
	spans := numberSpans(st, v, g, i, pane.Span{Text: hidden, Style: hid})
	state := func(x model.State, changed, right bool) pane.Span {
		if shows.Has(model.ShowStates) {
			return pane.Span{Text: stateCell(x, g, first || changed, right, false), Style: &st.State}
		}
		if g.stateW == 0 {
			return pane.Span{Text: "", Style: nil}
		}
		pad := strings.Repeat(" ", g.stateW-1)
		if right {
			return pane.Span{Text: " " + hidden + pad, Style: hid}
		}
		return pane.Span{Text: pad + hidden + " ", Style: hid}
	}
	spans = append(spans, state(s.Client(), s.Client() != prevC, false), pane.Span{Text: lane, Style: &st.Lane})

	num := func(name string, x uint32, shown bool) []pane.Span {
		if shown {
			return []pane.Span{{Text: fmt.Sprintf(" %s %d", name, x), Style: &st.ACK}}
		}
		return []pane.Span{{Text: " " + name + " ", Style: &st.ACK}, {Text: hidden, Style: hid}}
	}
	var label []pane.Span
	if shows.Has(model.ShowFlags) {
		label = append(label, pane.Span{Text: s.Flags.String(), Style: &st.ACK})
	} else {
		label = append(label, pane.Span{Text: hidden, Style: hid})
	}
	seq, ack := s.RelSeq, s.RelAck
	if v.Absolute {
		seq, ack = s.Seq, s.Ack
	}
	label = append(label, num("seq", seq, shows.Has(model.ShowSeq))...)
	if s.Flags.Has(model.ACK) || !shows.Has(model.ShowFlags) {
		label = append(label, num("ack", ack, shows.Has(model.ShowAck))...)
	}
	label = append(label, num("len", s.Len, shows.Has(model.ShowLen))...)
	if shows.Has(model.ShowEvents) {
		for _, e := range pane.ShortEvents {
			if s.Events.Has(e.Event) {
				label = append(label, pane.Span{Text: " [" + e.Name + "]", Style: &st.Event})
			}
		}
	} else {
		label = append(label, pane.Span{Text: " [", Style: &st.Lane}, pane.Span{Text: hidden, Style: hid}, pane.Span{Text: "]", Style: &st.Lane})
	}
	spans = append(spans, arrow(st, s.Dir, label, g.arrowW)...)
	spans = append(spans, pane.Span{Text: lane, Style: &st.Lane}, state(s.Server(), s.Server() != prevS, true))
	return spans
}

// extraSpans draws a frame that is not a segment as a dotted line across
// both lanes with what it is.
func extraSpans(st *Styles, v *View, g geom, i int, r pane.Row) []pane.Span {
	spans := leadSpans(st, v, g, i, r)
	spans = append(spans, pane.Span{Text: stateCell(0, g, false, false, false), Style: &st.State}, pane.Span{Text: lane, Style: &st.Lane})
	text := ExtraText(v.TL, r.Frame)
	aw := g.arrowW
	t := dotted + " " + text + " "
	t = ansi.Truncate(t, aw, theme.Ellipsis)
	if fill := aw - pane.Width(t); fill > 0 {
		t += strings.Repeat(dotted, fill)
	}
	spans = append(spans, pane.Span{Text: t, Style: &st.Extra}, pane.Span{Text: lane, Style: &st.Lane})
	return spans
}

// ExtraText says what a non-segment frame of a conversation is, from the
// decoder's records (fragment, ICMP error) or its note: the text of its
// row, which the stepper's search reads too.
func ExtraText(tl *model.Timeline, frame uint32) string {
	i := int(frame) - 1
	if i < 0 || i >= len(tl.Frames) {
		return fmt.Sprintf("frame %d", frame)
	}
	f := &tl.Frames[i]
	note := model.Visible(tl.Note(frame))
	switch f.Kind {
	case model.FrameFragment:
		// The decoder records fragments and ICMP errors in capture order.
		if j := sort.Search(len(tl.Fragments), func(j int) bool { return tl.Fragments[j].Frame >= frame }); j < len(tl.Fragments) && tl.Fragments[j].Frame == frame {
			fr := &tl.Fragments[j]
			t := fmt.Sprintf("IPv4 fragment id 0x%04x offset %d len %d", fr.ID, fr.Offset, fr.Len)
			if fr.MF {
				t += " MF"
			}
			if fr.DF {
				t += " DF"
			}
			if fr.Completes != 0 {
				t += fmt.Sprintf(" → frame %d", fr.Completes)
			}
			return t
		}
		if note != "" {
			return "IPv4 fragment: " + note
		}
		return "IPv4 fragment"
	case model.FrameICMP:
		if j := sort.Search(len(tl.ICMP), func(j int) bool { return tl.ICMP[j].Frame >= frame }); j < len(tl.ICMP) && tl.ICMP[j].Frame == frame {
			e := &tl.ICMP[j]
			t := fmt.Sprintf("ICMP %s from %s (type %d code %d)", strings.ReplaceAll(e.Kind, "_", " "), e.Src.Addr, e.Type, e.Code)
			if e.MTU != 0 {
				t += fmt.Sprintf(" MTU %d", e.MTU)
			}
			return t
		}
		if note != "" {
			return "ICMP error: " + note
		}
		return "ICMP error"
	}
	if note != "" {
		return f.Kind.String() + ": " + note
	}
	return f.Kind.String() + " frame"
}
