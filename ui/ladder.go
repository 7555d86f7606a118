package ui

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
)

// ladderView is everything renderLadder reads: a value, so the function is
// pure and testable.
type ladderView struct {
	tl       *model.Timeline
	conv     *model.Conversation
	rows     []pane.Row
	cur, top int
	absolute bool
	// previews holds the printable payload preview of frames already read,
	// by frame number; a missing entry draws no preview.
	previews map[uint32]string
	// cache holds rows already drawn; nil draws every row afresh. Its owner
	// clears it when anything but the key can change a row: another
	// conversation, new styles, a preview arriving.
	cache map[ladderKey]string
	// In quiz mode (quiz set) the rows after last are hidden, and mask, when
	// set, is a row drawn with some of its fields hidden.
	quiz bool
	last int
	mask *quizMask
}

// ladderKey is what a drawn ladder row depends on besides its conversation,
// the styles and the previews.
type ladderKey struct {
	row, w             int
	absolute, selected bool
}

// shortEvents names events briefly enough for a ladder row.
var shortEvents = []struct {
	e    model.Event
	name string
}{
	{model.Retransmission, "retrans"},
	{model.FastRetransmission, "fast-retrans"},
	{model.SpuriousRetransmission, "spurious-retrans"},
	{model.OutOfOrder, "out-of-order"},
	{model.LostSegment, "prev-seg-lost"},
	{model.AckLostSegment, "acked-unseen"},
	{model.DuplicateAck, "dup-ack"},
	{model.ZeroWindow, "zero-window"},
	{model.ZeroWindowProbe, "zw-probe"},
	{model.ZeroWindowProbeAck, "zw-probe-ack"},
	{model.KeepAlive, "keep-alive"},
	{model.KeepAliveAck, "keep-alive-ack"},
	{model.WindowUpdate, "win-update"},
	{model.WindowFull, "win-full"},
	{model.ReusedPorts, "reused-ports"},
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

// ladderGeom is the column arithmetic of one ladder width.
type ladderGeom struct {
	numW, timeW, stateW, arrowW int
	names                       *[model.NumStates]string // nil: the full names
}

func ladderGeometry(v ladderView, w int) ladderGeom {
	g := ladderGeom{numW: len(strconv.Itoa(max(len(v.rows), 1))), stateW: 12}
	if w >= 100 && len(v.rows) > 0 {
		g.timeW = len(fmtTime(rowTime(v.tl, v.rows[len(v.rows)-1])))
	}
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

func rowTime(tl *model.Timeline, r pane.Row) int64 {
	if r.Seg >= 0 && int(r.Seg) < len(tl.Segments) {
		return tl.SegTime(&tl.Segments[r.Seg])
	}
	if i := int(r.Frame) - 1; i >= 0 && i < len(tl.Frames) {
		return tl.Frames[i].TimeNS - tl.StartNS
	}
	return 0
}

// renderLadder draws the ladder's column header and rows [top, top+h-1) in
// exactly w×h cells. Only the rows on screen are built, so its cost does not
// depend on the conversation's length.
func renderLadder(st *Styles, v ladderView, w, h int) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	g := ladderGeometry(v, w)
	lines := make([]string, 0, h)
	lines = append(lines, ladderHeader(st, v, g, w))

	// The state columns show a side's state where it changes, so find the
	// states before the first row drawn: those after the previous segment.
	prevC, prevS, first := v.conv.InitClient, v.conv.InitServer, true
	for i := v.top - 1; i >= 0 && i < len(v.rows); i-- {
		if r := v.rows[i]; r.Seg >= 0 {
			s := &v.tl.Segments[r.Seg]
			prevC, prevS, first = s.Client(), s.Server(), false
			break
		}
	}
	for i := v.top; i < len(v.rows) && len(lines) < h; i++ {
		if v.quiz && i > v.last {
			break
		}
		r := v.rows[i]
		if v.mask != nil && i == v.mask.row && r.Seg >= 0 && int(r.Seg) < len(v.tl.Segments) {
			s := &v.tl.Segments[r.Seg]
			lines = append(lines, pane.RenderSpans(maskedSpans(st, v, g, i, s, prevC, prevS, first), w, nil))
			prevC, prevS, first = s.Client(), s.Server(), false
			continue
		}
		var bg *lipgloss.Style
		if i == v.cur {
			bg = &st.Ladder.Cursor
		}
		k := ladderKey{row: i, w: w, absolute: v.absolute, selected: i == v.cur}
		line, cached := v.cache[k]
		var spans []pane.Span
		if r.Seg >= 0 && int(r.Seg) < len(v.tl.Segments) {
			s := &v.tl.Segments[r.Seg]
			if !cached {
				spans = segmentSpans(st, v, g, i, s, prevC, prevS, first)
			}
			prevC, prevS, first = s.Client(), s.Server(), false
		} else if !cached {
			spans = extraSpans(st, v, g, i, r)
		}
		if !cached {
			line = pane.RenderSpans(spans, w, bg)
			if v.cache != nil {
				v.cache[k] = line
			}
		}
		lines = append(lines, line)
	}
	for len(lines) < h {
		lines = append(lines, strings.Repeat(" ", w))
	}
	return strings.Join(lines, "\n")
}

func ladderHeader(st *Styles, v ladderView, g ladderGeom, w int) string {
	left := 1 + g.numW + 1
	if g.timeW > 0 {
		left += g.timeW + 1
	}
	c := "client " + v.conv.Client.String()
	s := "server " + v.conv.Server.String()
	room := w - left
	if room <= 0 {
		return strings.Repeat(" ", w)
	}
	half := room / 2
	if pane.Width(c)+pane.Width(s)+1 > room {
		c = ansi.Truncate(c, max(half-1, 0), glyphEllipsis)
		s = ansi.Truncate(s, max(room-half-1, 0), glyphEllipsis)
	}
	gap := max(room-pane.Width(c)-pane.Width(s), 0)
	var timeHdr string
	if g.timeW > 0 {
		timeHdr = fmt.Sprintf("%*s ", g.timeW, "time")
	}
	lead := fmt.Sprintf(" %*s ", g.numW, "#") + timeHdr
	return pane.RenderSpans([]pane.Span{
		{Text: lead, Style: &st.Ladder.Number},
		{Text: c, Style: &st.Ladder.Column},
		{Text: strings.Repeat(" ", gap), Style: nil},
		{Text: s, Style: &st.Ladder.Column},
	}, w, nil)
}

// leadSpans are the marker, row number and time that start every row.
func leadSpans(st *Styles, v ladderView, g ladderGeom, i int, r pane.Row) []pane.Span {
	marker := " "
	if i == v.cur {
		marker = glyphCursor
	}
	out := []pane.Span{
		{Text: marker, Style: &st.Ladder.Marker},
		{Text: fmt.Sprintf("%*d ", g.numW, i+1), Style: &st.Ladder.Number},
	}
	if g.timeW > 0 {
		out = append(out, pane.Span{Text: fmt.Sprintf("%*s ", g.timeW, fmtTime(rowTime(v.tl, r))), Style: &st.Ladder.Time})
	}
	return out
}

// stateCell is one side's state column: the state where it changes, and
// glyphRevised in the gap beside the lane when later evidence revised it.
func stateCell(s model.State, g ladderGeom, show, right, revised bool) string {
	if g.stateW == 0 {
		return ""
	}
	gap := " "
	if revised {
		gap, show = glyphRevised, true
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

func segmentSpans(st *Styles, v ladderView, g ladderGeom, i int, s *model.Segment, prevC, prevS model.State, first bool) []pane.Span {
	spans := leadSpans(st, v, g, i, v.rows[i])
	spans = append(spans,
		pane.Span{Text: stateCell(s.Client(), g, first || s.Client() != prevC, false, v.conv.WasRevised(uint32(v.rows[i].Seg), true)), Style: &st.Ladder.State},
		pane.Span{Text: glyphLane, Style: &st.Ladder.Lane})

	label := segmentLabel(st, v, s)
	aw := g.arrowW
	var body []pane.Span
	if s.Dir == model.C2S {
		body = append(body, pane.Span{Text: glyphLine + " ", Style: &st.Ladder.Lane})
		body = append(body, label...)
		body = fillArrow(body, aw, glyphArrowRight, &st.Ladder.Lane)
	} else {
		body = append(body, pane.Span{Text: glyphArrowLeft + glyphLine + " ", Style: &st.Ladder.Lane})
		body = append(body, label...)
		body = fillArrow(body, aw, glyphLine, &st.Ladder.Lane)
	}
	spans = append(spans, body...)
	spans = append(spans,
		pane.Span{Text: glyphLane, Style: &st.Ladder.Lane},
		pane.Span{Text: stateCell(s.Server(), g, first || s.Server() != prevS, true, v.conv.WasRevised(uint32(v.rows[i].Seg), false)), Style: &st.Ladder.State})
	return spans
}

// fillArrow cuts the arrow's spans (its head and label) so that they, the
// line drawn after them and the tail take exactly aw cells.
func fillArrow(body []pane.Span, aw int, tail string, lane *lipgloss.Style) []pane.Span {
	if aw <= 0 {
		return nil
	}
	tailW := pane.Width(tail)
	room := aw - tailW
	if room <= 0 {
		return []pane.Span{{Text: ansi.Truncate(tail, aw, ""), Style: lane}}
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
		line := " " + strings.Repeat(glyphLine, fill-1)
		out = append(out, pane.Span{Text: line, Style: lane})
	}
	out = append(out, pane.Span{Text: tail, Style: lane})
	return out
}

// segmentLabel is the text on a segment's arrow: flags, SEQ, ACK, length,
// events and the start of the payload, in the active numbering.
func segmentLabel(st *Styles, v ladderView, s *model.Segment) []pane.Span {
	flagSt := &st.Ladder.ACK
	switch {
	case s.Flags.Has(model.RST):
		flagSt = &st.Ladder.RST
	case s.Flags.Has(model.SYN):
		flagSt = &st.Ladder.SYN
	case s.Flags.Has(model.FIN):
		flagSt = &st.Ladder.FIN
	case s.Len > 0:
		flagSt = &st.Ladder.Data
	}
	seq, ack := s.RelSeq, s.RelAck
	if v.absolute {
		seq, ack = s.Seq, s.Ack
	}
	nums := " seq " + strconv.FormatUint(uint64(seq), 10)
	if s.Flags.Has(model.ACK) {
		nums += " ack " + strconv.FormatUint(uint64(ack), 10)
	}
	nums += " len " + strconv.FormatUint(uint64(s.Len), 10)
	out := []pane.Span{{Text: s.Flags.String(), Style: flagSt}, {Text: nums, Style: &st.Ladder.ACK}}
	for _, e := range shortEvents {
		if s.Events.Has(e.e) {
			out = append(out, pane.Span{Text: " [" + e.name + "]", Style: &st.Ladder.Event})
		}
	}
	if s.Len > 0 {
		if p, ok := v.previews[s.Frame]; ok && p != "" {
			out = append(out, pane.Span{Text: " \"" + p + "\"", Style: &st.Ladder.Payload})
		}
	}
	return out
}

// extraSpans draws a frame that is not a segment as a dotted line across
// both lanes with what it is.
func extraSpans(st *Styles, v ladderView, g ladderGeom, i int, r pane.Row) []pane.Span {
	spans := leadSpans(st, v, g, i, r)
	spans = append(spans, pane.Span{Text: stateCell(0, g, false, false, false), Style: &st.Ladder.State}, pane.Span{Text: glyphLane, Style: &st.Ladder.Lane})
	text := extraText(v.tl, r.Frame)
	aw := g.arrowW
	t := glyphDotted + " " + text + " "
	t = ansi.Truncate(t, aw, glyphEllipsis)
	if fill := aw - pane.Width(t); fill > 0 {
		t += strings.Repeat(glyphDotted, fill)
	}
	spans = append(spans, pane.Span{Text: t, Style: &st.Ladder.Extra}, pane.Span{Text: glyphLane, Style: &st.Ladder.Lane})
	return spans
}

// extraText says what a non-segment frame of a conversation is, from the
// decoder's records (fragment, ICMP error) or its note.
func extraText(tl *model.Timeline, frame uint32) string {
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
