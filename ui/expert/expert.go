// Package expert is the expert information view, in the spirit of
// Wireshark's Analyze → Expert Information: every kind of finding in the
// capture (model.Expert) with how many frames show it and the selected
// conversation's count beside it, grouped by severity, errors first. A row
// opens into its frames, and a frame is one key away in the stepper, in
// whichever conversation it belongs to. The counts are the ones tcpstep
// expert prints.
package expert

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
	"github.com/tcpstep/tcpstep/ui/theme"
)

// Summary is the expert information as the view lays it out: in capture
// mode every kind of finding in the capture, with the selected
// conversation's count beside it; in conversation mode the conversation's
// findings alone, ordered as tcpstep expert --stream orders them.
type Summary struct {
	// Stream is the selected conversation, -1 for none; Conv says the
	// summary is of its findings alone.
	Stream int
	Conv   bool
	// Total is the findings counted, ConvTotal the conversation's among
	// them.
	Total, ConvTotal int
	Groups           []Group
}

// Group is the rows of one severity.
type Group struct {
	Severity    model.Severity
	Count, Conv int // the rows' counts summed
	Rows        []Row
}

// Row is one kind of finding: its count, the conversation's count, and
// the frames it opens into (the capture's in capture mode, the
// conversation's in conversation mode), in capture order.
type Row struct {
	Kind        model.ExpertKind
	Count, Conv int
	Frames      []uint32
}

// Summarise lays info, the capture's expert information, out for
// conversation stream (-1 for none), of the conversation alone when conv
// is set. A conversation's part of a row is read from the row's Streams,
// which split its frames exactly as model.Expert(tl, stream) counts them.
func Summarise(info *model.ExpertInfo, stream int, conv bool) Summary {
	s := Summary{Stream: stream, Conv: conv && stream >= 0}
	for _, g := range info.Groups {
		out := Group{Severity: g.Severity}
		for _, r := range g.Rows {
			own := streamFrames(r.Streams, stream)
			x := Row{Kind: r.Kind, Count: r.Count, Conv: len(own), Frames: r.Frames}
			if s.Conv {
				if len(own) == 0 {
					continue
				}
				x.Count, x.Frames = len(own), own
			}
			out.Rows = append(out.Rows, x)
			out.Count += x.Count
			out.Conv += x.Conv
		}
		if len(out.Rows) == 0 {
			continue
		}
		if s.Conv {
			// model.Expert's order: the highest count first, ties in the
			// kinds' order.
			slices.SortFunc(out.Rows, func(a, b Row) int {
				if a.Count != b.Count {
					return b.Count - a.Count
				}
				return int(a.Kind) - int(b.Kind)
			})
		}
		s.Groups = append(s.Groups, out)
		s.Total += out.Count
		s.ConvTotal += out.Conv
	}
	return s
}

// streamFrames is the part of a row in conversation stream (none for a
// negative stream).
func streamFrames(streams []model.ExpertStream, stream int) []uint32 {
	if stream < 0 {
		return nil
	}
	i := sort.Search(len(streams), func(i int) bool { return streams[i].Stream >= stream })
	if i < len(streams) && streams[i].Stream == stream {
		return streams[i].Frames
	}
	return nil
}

// The body's lines are a group's heading, a row, or a frame of an open row.
// They are never built as a list: a row open on a million frames is a
// million lines, of which the view draws the few on screen.
type lineKind uint8

const (
	lineGroup lineKind = iota
	lineRow
	lineFrame
)

type line struct {
	kind lineKind
	g, r int // the group and the row in it
	f    int // the frame's index in the row's Frames
}

// Open is the set of rows opened into their frames.
type Open map[model.ExpertKind]bool

// rowLines is how many lines row r takes: itself, and its frames when open.
func rowLines(r *Row, open Open) int {
	if open[r.Kind] {
		return 1 + len(r.Frames)
	}
	return 1
}

// lineCount is how many lines the body has.
func lineCount(s *Summary, open Open) int {
	n := 0
	for g := range s.Groups {
		n++
		for r := range s.Groups[g].Rows {
			n += rowLines(&s.Groups[g].Rows[r], open)
		}
	}
	return n
}

// lineAt returns body line i.
func lineAt(s *Summary, open Open, i int) (line, bool) {
	if i < 0 {
		return line{}, false
	}
	for g := range s.Groups {
		if i == 0 {
			return line{kind: lineGroup, g: g}, true
		}
		i--
		for r := range s.Groups[g].Rows {
			n := rowLines(&s.Groups[g].Rows[r], open)
			if i < n {
				if i == 0 {
					return line{kind: lineRow, g: g, r: r}, true
				}
				return line{kind: lineFrame, g: g, r: r, f: i - 1}, true
			}
			i -= n
		}
	}
	return line{}, false
}

// lineOf returns the line of kind k's row, or with frame set of that frame
// in the row when it is open and lists it; -1 when the summary has no such
// row.
func lineOf(s *Summary, open Open, k model.ExpertKind, frame uint32) int {
	i := 0
	for g := range s.Groups {
		i++
		for r := range s.Groups[g].Rows {
			row := &s.Groups[g].Rows[r]
			if row.Kind == k {
				if frame != 0 && open[k] {
					if f, ok := slices.BinarySearch(row.Frames, frame); ok {
						return i + 1 + f
					}
				}
				return i
			}
			i += rowLines(row, open)
		}
	}
	return -1
}

// State is what the drawing shows of the view's own state: the rows open,
// the cursor's line and the first line shown (body lines, after the two
// of the heading), and the frame the stepper shows, which is marked.
type State struct {
	Open     Open
	Cur, Top int
	Step     uint32
}

// headLines is how many lines the title and the column header take in a
// view h lines high: none when it is too short for them and a few rows.
func headLines(h int) int {
	if h >= 4 {
		return 2
	}
	return 0
}

// columns are the widths of a row's columns.
type columns struct {
	count, conv, event int
	showConv           bool
}

func layout(s *Summary, w int) columns {
	c := columns{count: len("Count"), event: len("Event")}
	c.showConv = !s.Conv && s.Stream >= 0
	if c.showConv {
		c.conv = len(convHeader(s))
	}
	for _, g := range s.Groups {
		for _, r := range g.Rows {
			c.count = max(c.count, len(strconv.Itoa(r.Count)))
			c.conv = max(c.conv, len(strconv.Itoa(r.Conv)))
			c.event = max(c.event, len(r.Kind.String()))
		}
	}
	// The conversation's column gives way before the event's name is cut.
	if c.showConv && rowIndent+c.count+2+c.conv+2+c.event > w {
		c.showConv = false
	}
	return c
}

// rowIndent is the cursor's mark and a row's + or -.
const rowIndent = 4

func convHeader(s *Summary) string { return "Stream " + strconv.Itoa(s.Stream) }

func padLeft(s string, n int) string  { return strings.Repeat(" ", max(0, n-len(s))) + s }
func padRight(s string, n int) string { return s + strings.Repeat(" ", max(0, n-len(s))) }

// findings is "1 finding", "18 findings".
func findings(n int) string {
	if n == 1 {
		return "1 finding"
	}
	return strconv.Itoa(n) + " findings"
}

// Render draws the summary in w×h cells: a title saying what is counted
// and what m switches to, the column header, then the body from line
// v.Top: each severity's heading and rows, an open row's frames under it
// (frame number, time, conversation, direction, flags and length), the
// cursor's line highlighted and the stepper's frame marked •. tl is the
// timeline the summary was made from, read for the frames' details.
func Render(st Styles, tl *model.Timeline, s *Summary, v *State, w, h int) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	out := make([]string, 0, h)
	if headLines(h) > 0 {
		title := titleSpans(&st, s)
		if spansWidth(title) > w {
			title = title[:len(title)-1] // what m does goes first
		}
		out = append(out, pane.RenderSpans(cut(title, w, st.Ellipsis), w, nil))
		out = append(out, pane.RenderSpans([]pane.Span{{Text: headerText(s, layout(s, w), w), Style: &st.Header}}, w, nil))
	}
	if len(s.Groups) == 0 {
		what := "the capture"
		if s.Conv {
			what = "stream " + strconv.Itoa(s.Stream)
		}
		for _, l := range pane.Wrap("No findings in "+what+".", w) {
			if len(out) < h {
				out = append(out, pane.RenderSpans([]pane.Span{{Text: l, Style: &st.Empty}}, w, nil))
			}
		}
		return strings.Join(out, "\n")
	}
	c := layout(s, w)
	digits := len(strconv.Itoa(len(tl.Frames)))
	for i := max(v.Top, 0); len(out) < h; i++ {
		ln, ok := lineAt(s, v.Open, i)
		if !ok {
			break
		}
		var bg *lipgloss.Style
		mark := "  "
		if i == v.Cur && ln.kind != lineGroup {
			bg, mark = &st.Cursor, theme.Cursor+" "
		}
		spans := []pane.Span{{Text: mark, Style: &st.Marker}}
		switch ln.kind {
		case lineGroup:
			spans = groupSpans(&st, s, &s.Groups[ln.g])
		case lineRow:
			spans = append(spans, rowSpans(&st, c, &s.Groups[ln.g].Rows[ln.r], v.Open)...)
		case lineFrame:
			spans = append(spans, frameSpans(&st, tl, s, s.Groups[ln.g].Rows[ln.r].Frames[ln.f], v.Step, digits)...)
		}
		out = append(out, pane.RenderSpans(cut(spans, w, st.Ellipsis), w, bg))
	}
	return strings.Join(out, "\n")
}

func spansWidth(spans []pane.Span) int {
	n := 0
	for _, sp := range spans {
		n += pane.Width(sp.Text)
	}
	return n
}

// cut ends spans with an ellipsis where they run past w cells, so that a
// summary or a note cut short says so.
func cut(spans []pane.Span, w int, ellipsis string) []pane.Span {
	used := 0
	for i, sp := range spans {
		sw := pane.Width(sp.Text)
		if used+sw > w {
			sp.Text = ansi.Truncate(sp.Text, max(w-used, 0), ellipsis)
			return append(spans[:i:i], sp)
		}
		used += sw
	}
	return spans
}

// titleSpans say what is counted: the whole capture with the
// conversation's count beside it, or the conversation alone, and what m
// switches to.
func titleSpans(st *Styles, s *Summary) []pane.Span {
	stream := "stream " + strconv.Itoa(s.Stream)
	if s.Conv {
		return []pane.Span{
			{Text: "Stream " + strconv.Itoa(s.Stream) + ": " + findings(s.Total), Style: &st.Title},
			{Text: "   m: whole capture", Style: &st.Hint},
		}
	}
	spans := []pane.Span{{Text: "Whole capture: " + findings(s.Total), Style: &st.Title}}
	if s.Stream >= 0 {
		spans = append(spans,
			pane.Span{Text: ", " + strconv.Itoa(s.ConvTotal) + " in " + stream, Style: &st.Conv},
			pane.Span{Text: "   m: " + stream + " alone", Style: &st.Hint})
	}
	return spans
}

// headerText is the column header, the summary's column when there is room
// for a few of its words.
func headerText(s *Summary, c columns, w int) string {
	t := strings.Repeat(" ", rowIndent) + padLeft("Count", c.count)
	if c.showConv {
		t += "  " + padLeft(convHeader(s), c.conv)
	}
	t += "  " + padRight("Event", c.event)
	if w-len(t) >= 2+len("Summary") {
		t += "  Summary"
	}
	return strings.TrimRight(t, " ")
}

// groupSpans are a severity's heading: "Warnings (3; 2 in stream 0)".
func groupSpans(st *Styles, s *Summary, g *Group) []pane.Span {
	sev := &st.Severity[min(int(g.Severity), model.NumSeverities-1)]
	if s.Conv || s.Stream < 0 {
		return []pane.Span{{Text: g.Severity.Plural() + " (" + strconv.Itoa(g.Count) + ")", Style: sev}}
	}
	return []pane.Span{
		{Text: g.Severity.Plural() + " (" + strconv.Itoa(g.Count), Style: sev},
		{Text: "; " + strconv.Itoa(g.Conv) + " in stream " + strconv.Itoa(s.Stream), Style: &st.Conv},
		{Text: ")", Style: sev},
	}
}

// rowSpans are a row after the cursor's mark: + or -, the counts, the
// kind's name and its words.
func rowSpans(st *Styles, c columns, r *Row, open Open) []pane.Span {
	tree := "+ "
	if open[r.Kind] {
		tree = "- "
	}
	spans := []pane.Span{
		{Text: tree, Style: &st.Tree},
		{Text: padLeft(strconv.Itoa(r.Count), c.count), Style: &st.Count},
	}
	if c.showConv {
		cs := &st.Conv
		if r.Conv == 0 {
			cs = &st.Zero
		}
		spans = append(spans, pane.Span{Text: "  "}, pane.Span{Text: padLeft(strconv.Itoa(r.Conv), c.conv), Style: cs})
	}
	spans = append(spans,
		pane.Span{Text: "  "},
		pane.Span{Text: padRight(r.Kind.String(), c.event), Style: &st.Event},
		pane.Span{Text: "  "},
		pane.Span{Text: r.Kind.Words(), Style: &st.Summary})
	return spans
}

// frameSpans are a frame of an open row after the cursor's mark: the
// stepper's mark, the frame's number, its time since the capture's first
// frame, its conversation (in capture mode), and for a segment its
// direction, flags and length, or what else the frame is.
func frameSpans(st *Styles, tl *model.Timeline, s *Summary, n uint32, step uint32, digits int) []pane.Span {
	mark := "  "
	if n == step {
		mark = "• "
	}
	spans := []pane.Span{{Text: mark, Style: &st.Step}, {Text: "  "}}
	if n == 0 || int(n) > len(tl.Frames) {
		return append(spans, pane.Span{Text: "frame " + strconv.FormatUint(uint64(n), 10), Style: &st.Other})
	}
	f := &tl.Frames[n-1]
	style := &st.Frame
	if int(f.Stream) != s.Stream {
		style = &st.Other
	}
	t := "frame " + padLeft(strconv.FormatUint(uint64(n), 10), digits) + "  " +
		strconv.FormatFloat(float64(f.TimeNS-tl.StartNS)/1e9, 'f', 6, 64) + " s"
	if !s.Conv && f.Stream >= 0 {
		t += "  stream " + strconv.Itoa(int(f.Stream))
	}
	if si := tl.SegOf(n); si >= 0 {
		seg := &tl.Segments[si]
		dir := "C→S"
		if seg.Dir == model.S2C {
			dir = "S→C"
		}
		t += "  " + dir + "  " + seg.Flags.String() + "  len " + strconv.FormatUint(uint64(seg.Len), 10)
	} else {
		t += "  " + f.Kind.String()
		if note := tl.Note(n); note != "" {
			t += ": " + model.Visible(note)
		}
	}
	return append(spans, pane.Span{Text: t, Style: style})
}
