// Package graph is the time-sequence graph view (Stevens' tcptrace
// graph): sequence numbers against time for each direction, with the ACKs
// and the receive window, the selected step marked.
package graph

// The time-sequence graph (W. Richard Stevens' figures, tcptrace's
// xplot output, Wireshark's "Stevens" graph) drawn in the terminal: for the
// direction that sends data, the sequence number of every segment against
// time as a vertical bar from its first to its last sequence number, and
// from the other direction the ACK line (what has been acknowledged) and the
// window edge (ACK plus the advertised window: how far the sender may go).
// Bars and lines are braille dots, two across and four down per cell;
// retransmissions, SYN and FIN and the selected step are plain characters
// on top, so they read without colour too.
//
// The drawing is bucketed by dot column: each segment sets a few dots in a
// grid the size of the pane, and the ACK and window lines keep only their
// extent per column, so the work is one pass over the conversation and the
// memory the size of the screen, whether it holds ten segments or a
// million.

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
)

// Show says which directions the time-sequence graph plots.
type Show uint8

const (
	// ShowAuto plots both directions, one above the other, when the pane
	// is tall enough and both send data, else the direction that sends
	// more bytes.
	ShowAuto Show = iota
	// ShowC2S plots the client's data (and the server's ACKs of it).
	ShowC2S
	// ShowS2C plots the server's data (and the client's ACKs of it).
	ShowS2C
	// ShowBoth plots both directions when there is room for two plots.
	ShowBoth
)

// Next is the toggle's next setting.
func (g Show) Next() Show { return (g + 1) % 4 }

func (g Show) String() string {
	switch g {
	case ShowC2S:
		return "client→server"
	case ShowS2C:
		return "server→client"
	case ShowBoth:
		return "both directions"
	}
	return "auto"
}

// SelectedMark marks the selected step on a plot.
const SelectedMark = '◆'

// Glyphs of the graph's marks and axes.
const (
	graphRetrans = 'R' // a retransmission (also fast and spurious)
	graphSYN     = 'S'
	graphFIN     = 'F'
	graphCursor  = "▲" // under the selected step, on the time axis
)

// renderGraph draws the time-sequence graph of conversation conv in w×h
// cells: both directions when there is room, else the busier one. selected
// is the index in tl.Segments of the selected step (-1 for none); absolute
// labels the sequence axis with the numbers on the wire instead of
// relative ones. It reads no globals and never returns more than h lines or
// a line wider than w.
func renderGraph(st Styles, tl *model.Timeline, conv int, selected int, absolute bool, w, h int) string {
	return renderGraphShow(st, tl, conv, selected, absolute, ShowAuto, w, h)
}

// series is one line or set of bars of a plot, in unwrapped sequence space
// (relative to the data sender's base, 64 bits so that a transfer past 4 GiB
// keeps climbing).
type graphRange struct {
	lo, hi int64
	ok     bool
}

func (r *graphRange) add(lo, hi int64) {
	if !r.ok {
		r.lo, r.hi, r.ok = lo, hi, true
		return
	}
	r.lo = min(r.lo, lo)
	r.hi = max(r.hi, hi)
}

// graphUnwrap turns 32-bit sequence numbers, taken in capture order, into a
// 64-bit line: each step is the signed 32-bit difference from the previous.
type graphUnwrap struct {
	prev uint32
	val  int64
	ok   bool
}

func (u *graphUnwrap) next(x uint32) int64 {
	if !u.ok {
		u.prev, u.val, u.ok = x, int64(int32(x)), true
		return u.val
	}
	u.val += int64(int32(x - u.prev))
	u.prev = x
	return u.val
}

// graphWalker walks a conversation computing, for the plot of direction d's
// data, each segment's bar and the ACK and window edge the other direction
// announces, all unwrapped. Both passes use it so they agree exactly.
type graphWalker struct {
	c        *model.Conversation
	d        model.Dir
	seq, ack graphUnwrap
}

// step returns what segment s contributes to the plot: a bar [lo, hi) when
// it is d's and consumes sequence space, an ACK and window edge when it is
// the other direction's and acknowledges.
func (g *graphWalker) step(s *model.Segment) (lo, hi int64, bar bool, ack, win int64, acks bool) {
	base := g.c.Base[g.d]
	if s.Dir == g.d {
		lo = g.seq.next(s.Seq - base)
		n := s.SeqLen()
		return lo, lo + int64(n), n > 0, 0, 0, false
	}
	if s.Flags&model.ACK == 0 || s.Flags&model.RST != 0 {
		return 0, 0, false, 0, 0, false
	}
	ack = g.ack.next(s.Ack - base)
	wb := int64(s.Win)
	if sh := g.c.WinScale[s.Dir]; sh >= 0 && s.Flags&model.SYN == 0 {
		wb <<= uint(min(sh, 14))
	}
	return 0, 0, false, ack, ack + wb, true
}

// graphPlot is one direction's plot: its ranges from the first pass, then
// its grid.
type graphPlot struct {
	d          model.Dir
	data, acks graphRange
	win        graphRange
	lo, hi     int64 // the sequence axis
	ticks      []int64
	labels     []string
	rows, cols int // cells
	dots       []uint8
	layer      []uint8 // per cell: 0 none, 1 window, 2 ack, 3 data
	mark       []rune
	markPri    []uint8
	heading    string
}

// Settings is what the graph's keys change: which directions it plots
// and how far it zooms into time.
type Settings struct {
	Show Show
	// Zoom halves the time span shown at each step, centred on the selected
	// step (0 shows the whole conversation). A late segment, a keep-alive
	// or a reset a minute after a burst, squeezes everything else into a few
	// columns; zooming in brings the burst back.
	Zoom int
}

// renderGraphShow is renderGraph with the directions to plot chosen.
func renderGraphShow(st Styles, tl *model.Timeline, conv int, selected int, absolute bool, show Show, w, h int) string {
	return renderGraphView(st, tl, conv, selected, absolute, Settings{Show: show}, w, h)
}

// renderGraphView is renderGraph with the directions and the zoom chosen.
func renderGraphView(st Styles, tl *model.Timeline, conv int, selected int, absolute bool, v Settings, w, h int) string {
	return newGraphBase(st, tl, conv, selected, absolute, v, w, h).render(st, selected)
}

// graphCheckEvery is how many of the conversation's segments apart the
// second pass records its walkers, so that the selected step's mark can
// be placed by replaying at most that many segments.
const graphCheckEvery = 1024

// graphBase is the graph drawn without the selected step: the walk over
// the whole conversation, done once. Stepping changes only the selected
// step's marks (one cell of a plot, one of the time axis), which render
// puts on top, so a step costs the same in a conversation of a million
// segments as in one of ten. Unzoomed, nothing in it depends on the
// selected step; zoomed, the span is centred on it.
type graphBase struct {
	tl  *model.Timeline
	c   *model.Conversation
	w   int
	h   int
	msg string // when set, the whole drawing (nothing to plot)

	t0, t1   int64
	dotW     int
	cols     int
	labelW   int
	plotX    int
	axisRows int
	headings bool
	legend   string // "" when the height leaves no room for it
	shown    []*graphPlot
	rows     [][]string // each shown plot's rendered rows, without the step
	tickAt   []map[int]string
	// passes are the shown plots that were drawn, and check the walkers
	// of each (in that order) before every graphCheckEvery-th segment of
	// c.Segs.
	passes []*graphPlot
	check  [][]graphWalker
}

// newGraphBase walks the conversation and draws everything but the
// selected step's marks. selected matters only to a zoomed view, which is
// centred on it.
func newGraphBase(st Styles, tl *model.Timeline, conv int, selected int, absolute bool, v Settings, w, h int) *graphBase {
	gb := &graphBase{tl: tl, w: w, h: h}
	show := v.Show
	if w <= 0 || h <= 0 {
		return gb
	}
	if tl == nil || conv < 0 || conv >= len(tl.Conversations) || tl.Conversations[conv] == nil {
		gb.msg = graphFit([]string{st.Dim.Render("no conversation to plot")}, w, h)
		return gb
	}
	c := tl.Conversations[conv]
	gb.c = c
	selected = gb.validSel(selected)

	// The time span: the whole conversation, or the zoomed window around
	// the selected step.
	var t0, t1 int64 = math.MaxInt64, math.MinInt64
	for _, si := range c.Segs {
		if int(si) < len(tl.Segments) {
			t := tl.SegTime(&tl.Segments[si])
			t0, t1 = min(t0, t), max(t1, t)
		}
	}
	if t0 > t1 {
		gb.msg = graphFit([]string{st.Dim.Render("no segments to plot")}, w, h)
		return gb
	}
	zoomed := false
	if v.Zoom > 0 && t1 > t0 {
		span := max((t1-t0)>>min(v.Zoom, 62), 1000) // no narrower than a microsecond
		if span < t1-t0 {
			centre := t0 + (t1-t0)/2
			if selected >= 0 {
				centre = tl.SegTime(&tl.Segments[selected])
			}
			a := min(max(centre-span/2, t0), t1-span)
			t0, t1, zoomed = a, a+span, true
		}
	}

	// First pass: each direction's ranges within the span. The walkers see
	// every segment, so the unwrapping is the same whatever the window; the
	// ACK line entering the window counts too.
	plots := [2]*graphPlot{{d: model.C2S}, {d: model.S2C}}
	walkers := [2]graphWalker{{c: c, d: model.C2S}, {c: c, d: model.S2C}}
	var enterAck, enterWin [2]int64
	var entered [2]bool
	for _, si := range c.Segs {
		if int(si) >= len(tl.Segments) {
			continue
		}
		s := &tl.Segments[si]
		ts := tl.SegTime(s)
		for d := range plots {
			lo, hi, bar, ack, win, acks := walkers[d].step(s)
			switch {
			case ts < t0:
				if acks {
					enterAck[d], enterWin[d], entered[d] = ack, win, true
				}
			case ts > t1:
			default:
				if bar {
					plots[d].data.add(lo, hi)
				}
				if acks {
					plots[d].acks.add(ack, ack)
					plots[d].win.add(win, win)
				}
			}
		}
	}
	for d := range plots {
		if entered[d] {
			plots[d].acks.add(enterAck[d], enterAck[d])
			plots[d].win.add(enterWin[d], enterWin[d])
		}
	}

	// Rows: a legend, the plots with a heading each, the time axis and its
	// labels, as many of these as the height allows.
	legend := h >= 7
	axisRows := 0
	switch {
	case h >= 5:
		axisRows = 2
	case h >= 3:
		axisRows = 1
	}
	rest := h - axisRows
	if legend {
		rest--
	}
	var shown []*graphPlot
	busier := plots[model.C2S]
	if c.Bytes[model.S2C] > c.Bytes[model.C2S] {
		busier = plots[model.S2C]
	}
	switch {
	case show == ShowC2S:
		shown = []*graphPlot{plots[model.C2S]}
	case show == ShowS2C:
		shown = []*graphPlot{plots[model.S2C]}
	case show == ShowBoth && rest >= 8,
		show == ShowAuto && rest >= 12 && (c.Bytes[model.C2S] > 0) == (c.Bytes[model.S2C] > 0):
		// (Auto leaves out a direction that sends no data at all, as its
		// plot would only show the handshake.)
		// The server's data above, as the server is drawn on the right of
		// the ladder and usually sends more; the client's below.
		shown = []*graphPlot{plots[model.S2C], plots[model.C2S]}
	default:
		shown = []*graphPlot{busier}
	}
	headings := rest/len(shown) >= 4
	for i, p := range shown {
		p.rows = rest / len(shown)
		if i == 0 {
			p.rows += rest % len(shown)
		}
		if headings {
			p.rows--
		}
		p.rows = max(p.rows, 0)
	}

	// The sequence axis of each plot and the width of its labels.
	labelW := 0
	for _, p := range shown {
		p.axis(c, absolute)
		for _, l := range p.labels {
			labelW = max(labelW, len(l))
		}
	}
	plotX := labelW + 1 // the labels, then the axis line
	if w-plotX < 12 {
		labelW, plotX = 0, 0
		for _, p := range shown {
			p.labels = nil
		}
	}
	cols := w - plotX
	for _, p := range shown {
		p.cols = cols
		p.dots = make([]uint8, p.rows*p.cols)
		p.layer = make([]uint8, p.rows*p.cols)
		p.mark = make([]rune, p.rows*p.cols)
		p.markPri = make([]uint8, p.rows*p.cols)
	}
	gb.t0, gb.t1, gb.dotW, gb.cols = t0, t1, cols*2, cols
	gb.labelW, gb.plotX, gb.axisRows, gb.headings, gb.shown = labelW, plotX, axisRows, headings, shown

	// Second pass: draw, recording the walkers now and then for the
	// selected step's mark.
	var passes []*graphPass
	for _, p := range shown {
		if p.rows > 0 && p.cols > 0 {
			passes = append(passes, newGraphPass(p, c, gb.dotW))
			gb.passes = append(gb.passes, p)
		}
	}
	if len(passes) > 0 {
		gb.check = make([][]graphWalker, 0, len(c.Segs)/graphCheckEvery+1)
		for i, si := range c.Segs {
			if i%graphCheckEvery == 0 {
				ws := make([]graphWalker, len(passes))
				for k, g := range passes {
					ws[k] = g.walk
				}
				gb.check = append(gb.check, ws)
			}
			if int(si) >= len(tl.Segments) {
				continue
			}
			s := &tl.Segments[si]
			x := gb.xOf(tl.SegTime(s))
			for _, g := range passes {
				g.visit(s, x, false)
			}
		}
		for _, g := range passes {
			g.finish()
		}
	}

	// Everything but the step, drawn.
	if legend {
		gb.legend = graphLegend(st, c, shown, absolute, zoomed, v.Zoom, w)
	}
	for _, p := range shown {
		tickAt := p.tickRows()
		gb.tickAt = append(gb.tickAt, tickAt)
		out := make([]string, 0, p.rows)
		for r := range p.rows {
			out = append(out, p.renderRow(st, r, labelW, plotX, tickAt, -1))
		}
		gb.rows = append(gb.rows, out)
	}
	return gb
}

// validSel is selected, or -1 when it is not a segment of the
// conversation.
func (gb *graphBase) validSel(selected int) int {
	if selected >= len(gb.tl.Segments) || (selected >= 0 && gb.tl.SegStream(&gb.tl.Segments[selected]) != gb.c.Index) {
		return -1
	}
	return selected
}

// xOf maps a time to a dot column: -1 before the span, dotW after it.
func (gb *graphBase) xOf(t int64) int {
	tspan := gb.t1 - gb.t0
	switch {
	case t < gb.t0:
		return -1
	case t > gb.t1:
		return gb.dotW
	case tspan == 0 || gb.dotW <= 1:
		return 0
	}
	return int(float64(t-gb.t0) / float64(tspan) * float64(gb.dotW-1))
}

// selMarks returns, for each of gb.passes, the cell the selected segment's
// mark takes (-1 for none): the walkers are replayed from the last record
// before it, as the second pass saw them.
func (gb *graphBase) selMarks(selected int) []int {
	marks := make([]int, len(gb.passes))
	for k := range marks {
		marks[k] = -1
	}
	if selected < 0 || len(gb.passes) == 0 {
		return marks
	}
	segs := gb.c.Segs
	pos := sort.Search(len(segs), func(i int) bool { return int(segs[i]) >= selected })
	if pos >= len(segs) || int(segs[pos]) != selected {
		pos = slices.Index(segs, uint32(selected)) // Segs out of order: never in practice
		if pos < 0 {
			return marks
		}
	}
	from := pos / graphCheckEvery * graphCheckEvery
	walk := slices.Clone(gb.check[pos/graphCheckEvery])
	for _, si := range segs[from:pos] {
		if int(si) < len(gb.tl.Segments) {
			for k := range walk {
				walk[k].step(&gb.tl.Segments[si])
			}
		}
	}
	s := &gb.tl.Segments[selected]
	x := gb.xOf(gb.tl.SegTime(s))
	for k, p := range gb.passes {
		lo, hi, bar, ack, _, ok := walk[k].step(s)
		if x < 0 || x >= gb.dotW {
			continue
		}
		y, in := 0, false
		switch {
		case ok:
			y, in = p.rowOf(ack)
		case s.Dir != p.d:
		case !bar:
			y, in = p.rowOf(lo)
		default:
			y, in = p.rowOf(min(max(hi, p.lo), p.hi))
		}
		if in && y < p.rows*4 {
			marks[k] = (y/4)*p.cols + x/2
		}
	}
	return marks
}

// render draws the graph with the selected step (an index in
// tl.Segments, -1 for none) marked in its plots and on the time axis.
func (gb *graphBase) render(st Styles, selected int) string {
	if gb.c == nil || gb.msg != "" {
		return gb.msg
	}
	selected = gb.validSel(selected)
	marks := gb.selMarks(selected)
	lines := make([]string, 0, gb.h)
	if gb.legend != "" {
		lines = append(lines, gb.legend)
	}
	for i, p := range gb.shown {
		if gb.headings {
			lines = append(lines, ansi.Truncate(st.Heading.Render(p.heading), gb.w, "…"))
		}
		mark := -1
		if k := slices.Index(gb.passes, p); k >= 0 {
			mark = marks[k]
		}
		for r, l := range gb.rows[i] {
			if mark >= 0 && mark/p.cols == r {
				l = p.renderRow(st, r, gb.labelW, gb.plotX, gb.tickAt[i], mark)
			}
			lines = append(lines, l)
		}
	}
	if gb.axisRows > 0 {
		selCol := -1
		if selected >= 0 {
			if x := gb.xOf(gb.tl.SegTime(&gb.tl.Segments[selected])); x >= 0 && x < gb.dotW {
				selCol = x / 2
			}
		}
		lines = append(lines, graphTimeAxis(st, gb.t0, gb.t1, gb.cols, gb.plotX, gb.labelW, selCol, gb.axisRows, gb.xOf)...)
	}
	return graphFit(lines, gb.w, gb.h)
}

// axis chooses the plot's sequence range and its ticks. The range holds the
// data and the ACK line; the window edge joins it unless it would squash
// them (a window far above a small transfer): then the range gets a little
// headroom and the edge is drawn where it fits.
func (p *graphPlot) axis(c *model.Conversation, absolute bool) {
	r := p.data
	if p.acks.ok {
		r.add(p.acks.lo, p.acks.hi)
	}
	if !r.ok {
		r = graphRange{lo: 0, hi: 1, ok: true}
	}
	if p.win.ok {
		span := r.hi - r.lo
		if p.win.hi <= r.hi+span/2 || span == 0 {
			r.add(p.win.lo, p.win.hi)
		} else {
			r.hi += max(span/4, 1)
		}
	}
	if r.hi <= r.lo {
		r.hi = r.lo + 1
	}
	p.lo, p.hi = r.lo, r.hi
	// Labels: the relative numbers, or the wire's (base + offset, modulo
	// 2^32); ticks fall on round values of what is printed.
	var offset int64
	if absolute {
		offset = int64(c.Base[p.d])
	}
	n := max(p.rows/3, 1)
	p.ticks, p.labels = nil, nil
	p.heading = graphHeading(c, p.d)
	if p.rows < 2 {
		return
	}
	step := graphNiceStep(float64(p.hi-p.lo) / float64(n))
	istep := max(int64(step), 1)
	first := graphCeilDiv(p.lo+offset, istep) * istep
	for v := first; v <= p.hi+offset; v += istep {
		p.ticks = append(p.ticks, v-offset)
		if absolute {
			p.labels = append(p.labels, strconv.FormatUint(uint64(uint32(v)), 10))
		} else {
			p.labels = append(p.labels, graphCompact(v))
		}
		if len(p.ticks) > p.rows {
			break
		}
	}
}

// graphHeading names a plot: who sends to whom, and how much.
func graphHeading(c *model.Conversation, d model.Dir) string {
	role, peer := "client", "server"
	src, dst := c.Client, c.Server
	if d == model.S2C {
		role, peer = "server", "client"
		src, dst = c.Server, c.Client
	}
	h := role + " " + src.String() + " → " + peer + " " + dst.String() + " · " + strconv.FormatUint(c.Bytes[d], 10) + " bytes"
	if c.WinScale[d^1] < 0 && (!c.BaseFromSYN[0] || !c.BaseFromSYN[1]) {
		h += " · window scale unknown (handshake not seen)"
	}
	return h
}

// rowOf maps a sequence value to a dot row, 0 at the top; ok is false
// outside the axis.
func (p *graphPlot) rowOf(v int64) (int, bool) {
	dots := p.rows * 4
	if v < p.lo || v > p.hi || dots == 0 {
		return 0, false
	}
	return dots - 1 - int(float64(v-p.lo)/float64(p.hi-p.lo)*float64(dots-1)+0.5), true
}

// braille dot bits by (column, row) within a cell.
var graphBrailleBit = [2][4]uint8{{0x01, 0x02, 0x04, 0x40}, {0x08, 0x10, 0x20, 0x80}}

func (p *graphPlot) dot(x, y int, layer uint8) {
	if x < 0 || y < 0 || x >= p.cols*2 || y >= p.rows*4 {
		return
	}
	i := (y/4)*p.cols + x/2
	p.dots[i] |= graphBrailleBit[x&1][y&3]
	p.layer[i] = max(p.layer[i], layer)
}

// vline sets the dots of column x from row a to row b.
func (p *graphPlot) vline(x, a, b int, layer uint8) {
	if a > b {
		a, b = b, a
	}
	for y := max(a, 0); y <= b && y < p.rows*4; y++ {
		p.dot(x, y, layer)
	}
}

func (p *graphPlot) setMark(x, y int, r rune, pri uint8) {
	if x < 0 || y < 0 || x >= p.cols*2 || y >= p.rows*4 {
		return
	}
	i := (y/4)*p.cols + x/2
	if pri > p.markPri[i] {
		p.mark[i], p.markPri[i] = r, pri
	}
}

// graphStepLine is the ACK line or the window edge, kept per dot column: its
// lowest and highest value in the column and the last one, so the line can
// be drawn as steps once every segment has been seen.
type graphStepLine struct {
	lo, hi, last []int64
	has          []bool
	pre          int64 // the last value before the first column
	hasPre       bool
	post         bool // a value came after the last column
}

func newGraphStepLine(n int) graphStepLine {
	return graphStepLine{lo: make([]int64, n), hi: make([]int64, n), last: make([]int64, n), has: make([]bool, n)}
}

func (l *graphStepLine) add(x int, v int64) {
	if x < 0 {
		l.pre, l.hasPre = v, true
		return
	}
	if x >= len(l.has) {
		l.post = true
		return
	}
	if !l.has[x] {
		l.lo[x], l.hi[x], l.has[x] = v, v, true
	} else {
		l.lo[x], l.hi[x] = min(l.lo[x], v), max(l.hi[x], v)
	}
	l.last[x] = v
}

// draw plots the line as a staircase: flat from one value to the next
// column that changes it, then up (or down) through that column's values.
func (l *graphStepLine) draw(p *graphPlot, layer uint8) {
	clamp := func(v int64) int {
		// Values beyond the axis are drawn at its edge when the line has
		// to pass through them (a window edge above the range).
		v = min(max(v, p.lo), p.hi)
		y, _ := p.rowOf(v)
		return y
	}
	end := -1
	for x := len(l.has) - 1; x >= 0; x-- {
		if l.has[x] {
			end = x
			break
		}
	}
	prev, started := l.pre, l.hasPre
	if l.post && (started || end >= 0) {
		end = len(l.has) - 1 // the line runs on past the span
	}
	for x := 0; x <= end; x++ {
		if l.has[x] {
			lo, hi := l.lo[x], l.hi[x]
			if started {
				lo, hi = min(lo, prev), max(hi, prev)
			}
			if lo > p.hi {
				prev, started = l.last[x], true
				continue // entirely above the axis: not drawn
			}
			p.vline(x, clamp(lo), clamp(hi), layer)
			prev, started = l.last[x], true
		} else if started && prev >= p.lo && prev <= p.hi {
			y, _ := p.rowOf(prev)
			p.dot(x, y, layer)
		}
	}
}

// graphPass is one plot's state during the second pass.
type graphPass struct {
	p          *graphPlot
	walk       graphWalker
	acks, wins graphStepLine
	// lastLo and lastHi remember the rows last drawn in each dot column so
	// that a bar inside them (a burst of retransmissions of the same data)
	// costs nothing: the work per segment stays constant.
	lastLo, lastHi []int32
}

func newGraphPass(p *graphPlot, c *model.Conversation, dotW int) *graphPass {
	g := &graphPass{p: p, walk: graphWalker{c: c, d: p.d}, acks: newGraphStepLine(dotW), wins: newGraphStepLine(dotW),
		lastLo: make([]int32, dotW), lastHi: make([]int32, dotW)}
	for i := range g.lastLo {
		g.lastLo[i] = -1
	}
	return g
}

// visit draws what segment s, at dot column x, adds to the plot.
func (g *graphPass) visit(s *model.Segment, x int, isSel bool) {
	p := g.p
	lo, hi, bar, ack, win, ok := g.walk.step(s)
	if x < 0 || x >= len(g.lastLo) {
		// Outside the zoomed span: only the ACK line and window edge
		// entering it matter.
		if ok {
			g.acks.add(x, ack)
			g.wins.add(x, win)
		}
		return
	}
	if ok {
		g.acks.add(x, ack)
		g.wins.add(x, win)
		if isSel {
			if y, in := p.rowOf(ack); in {
				p.setMark(x, y, SelectedMark, 4)
			}
		}
		return
	}
	if s.Dir != p.d {
		return
	}
	if !bar {
		if isSel {
			if y, in := p.rowOf(lo); in {
				p.setMark(x, y, SelectedMark, 4)
			}
		}
		return
	}
	yTop, _ := p.rowOf(min(max(hi, p.lo), p.hi))
	yBot, _ := p.rowOf(min(max(lo, p.lo), p.hi))
	if !(g.lastLo[x] >= 0 && int32(yTop) >= g.lastLo[x] && int32(yBot) <= g.lastHi[x]) {
		p.vline(x, yTop, yBot, 3)
		g.lastLo[x], g.lastHi[x] = int32(yTop), int32(yBot)
	}
	switch {
	case isSel:
		p.setMark(x, yTop, SelectedMark, 4)
	case s.Events.Has(model.Retransmission) || s.Events.Has(model.FastRetransmission) || s.Events.Has(model.SpuriousRetransmission):
		p.setMark(x, yTop, graphRetrans, 3)
	case s.Flags&model.SYN != 0:
		p.setMark(x, yTop, graphSYN, 2)
	case s.Flags&model.FIN != 0:
		p.setMark(x, yTop, graphFIN, 2)
	}
}

// finish draws the ACK line and the window edge, under the bars.
func (g *graphPass) finish() {
	g.wins.draw(g.p, 1)
	g.acks.draw(g.p, 2)
}

// tickRows places the tick labels: the label of each row that has one.
func (p *graphPlot) tickRows() map[int]string {
	tickAt := map[int]string{}
	for i, v := range p.ticks {
		if y, ok := p.rowOf(v); ok && i < len(p.labels) {
			if _, taken := tickAt[y/4]; !taken {
				tickAt[y/4] = p.labels[i]
			}
		}
	}
	return tickAt
}

// renderRow draws row r of the plot's grid: its tick label, the axis,
// then cells in runs of one style. The cell sel (an index in the grid, -1
// for none) shows the selected step's mark over whatever it holds.
func (p *graphPlot) renderRow(st Styles, r, labelW, plotX int, tickAt map[int]string, sel int) string {
	var b, run strings.Builder
	if plotX > 0 {
		if l, ok := tickAt[r]; ok {
			b.WriteString(st.Tick.Render(strings.Repeat(" ", max(labelW-len(l), 0)) + l))
			b.WriteString(st.Axis.Render("┤"))
		} else {
			b.WriteString(strings.Repeat(" ", labelW))
			b.WriteString(st.Axis.Render("│"))
		}
	}
	var cur *lipgloss.Style
	flush := func() {
		if run.Len() == 0 {
			return
		}
		if cur == nil {
			b.WriteString(run.String())
		} else {
			b.WriteString(cur.Render(run.String()))
		}
		run.Reset()
	}
	for col := range p.cols {
		i := r*p.cols + col
		var sty *lipgloss.Style
		var ch rune = ' '
		switch {
		case i == sel:
			ch, sty = SelectedMark, &st.Selected
		case p.markPri[i] > 0:
			ch = p.mark[i]
			switch p.markPri[i] {
			case 4:
				sty = &st.Selected
			case 3:
				sty = &st.Retrans
			default:
				sty = &st.Mark
			}
		case p.dots[i] != 0:
			ch = rune(0x2800 + int(p.dots[i]))
			switch p.layer[i] {
			case 3:
				sty = &st.Data[p.d&1]
			case 2:
				sty = &st.Ack
			default:
				sty = &st.Window
			}
		}
		if sty != cur {
			flush()
			cur = sty
		}
		run.WriteRune(ch)
	}
	flush()
	return b.String()
}

// graphLegend is the line above the plots: what each mark means.
func graphLegend(st Styles, c *model.Conversation, shown []*graphPlot, absolute, zoomed bool, zoom int, w int) string {
	var b strings.Builder
	b.WriteString(st.Title.Render("stream " + strconv.Itoa(c.Index)))
	b.WriteString(st.Dim.Render(" · " + graphNumbering(absolute) + " seq"))
	if zoomed {
		b.WriteString(st.Dim.Render(" · zoom ×" + strconv.FormatUint(1<<min(zoom, 62), 10)))
	}
	b.WriteString("  ")
	for _, p := range shown {
		b.WriteString(st.Data[p.d&1].Render("⡇ " + p.d.String() + " "))
	}
	b.WriteString(st.Ack.Render("⠤ ack "))
	b.WriteString(st.Window.Render("⠤ window "))
	b.WriteString(st.Retrans.Render(string(graphRetrans)))
	b.WriteString(st.Dim.Render(" retrans "))
	b.WriteString(st.Selected.Render(string(SelectedMark)))
	b.WriteString(st.Dim.Render(" step"))
	return ansi.Truncate(b.String(), w, "…")
}

func graphNumbering(absolute bool) string {
	if absolute {
		return "absolute"
	}
	return "relative"
}

// graphTimeAxis draws the time axis under the plots: a line with a tick under
// each label and ▲ under the selected step, then the labels (seconds since
// the first frame of the capture).
func graphTimeAxis(st Styles, t0, t1 int64, cols, plotX, labelW, selCol, rows int, xOf func(int64) int) []string {
	n := max(cols/12, 1)
	step := max(int64(graphNiceStep(float64(t1-t0)/float64(n))), 1)
	decimals := 0
	for p := int64(1_000_000_000); p > step && decimals < 9; p /= 10 {
		decimals++
	}
	type tick struct {
		col   int
		label string
	}
	var ticks []tick
	for v := graphCeilDiv(t0, step) * step; v <= t1; v += step {
		ticks = append(ticks, tick{xOf(v) / 2, strconv.FormatFloat(float64(v)/1e9, 'f', decimals, 64) + "s"})
		if len(ticks) > cols {
			break
		}
	}
	if len(ticks) == 0 {
		ticks = append(ticks, tick{0, strconv.FormatFloat(float64(t0)/1e9, 'f', 6, 64) + "s"})
	}
	line := []rune(strings.Repeat("─", cols))
	for _, t := range ticks {
		if t.col >= 0 && t.col < cols {
			line[t.col] = '┬'
		}
	}
	var b strings.Builder
	if plotX > 0 {
		b.WriteString(strings.Repeat(" ", labelW))
		b.WriteString(st.Axis.Render("└"))
	}
	if selCol >= 0 && selCol < cols {
		b.WriteString(st.Axis.Render(string(line[:selCol])))
		b.WriteString(st.Selected.Render(graphCursor))
		b.WriteString(st.Axis.Render(string(line[selCol+1:])))
	} else {
		b.WriteString(st.Axis.Render(string(line)))
	}
	out := []string{b.String()}
	if rows < 2 {
		return out
	}
	labels := []rune(strings.Repeat(" ", cols))
	next := 0 // the first free column
	for _, t := range ticks {
		l := []rune(t.label)
		at := t.col
		if at+len(l) > cols {
			at = cols - len(l)
		}
		if at < next || at < 0 {
			continue
		}
		copy(labels[at:], l)
		next = at + len(l) + 2
	}
	out = append(out, strings.Repeat(" ", plotX)+st.Tick.Render(string(labels)))
	return out
}

// graphNiceStep rounds a raw step up to 1, 2 or 5 times a power of ten.
func graphNiceStep(raw float64) float64 {
	if raw <= 1 || math.IsNaN(raw) || math.IsInf(raw, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			return m * p
		}
	}
	return 10 * p
}

func graphCeilDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a > 0) == (b > 0) {
		q++
	}
	return q
}

// graphCompact prints a sequence offset short: 950, 23k, 1.5M, 4.2G.
func graphCompact(v int64) string {
	neg := v < 0
	if neg {
		v = -v
	}
	s := ""
	switch {
	case v < 10_000:
		s = strconv.FormatInt(v, 10)
	case v < 10_000_000:
		s = strings.TrimSuffix(strings.TrimRight(strconv.FormatFloat(float64(v)/1e3, 'f', 1, 64), "0"), ".") + "k"
	case v < 10_000_000_000:
		s = strings.TrimSuffix(strings.TrimRight(strconv.FormatFloat(float64(v)/1e6, 'f', 2, 64), "0"), ".") + "M"
	default:
		s = strings.TrimSuffix(strings.TrimRight(strconv.FormatFloat(float64(v)/1e9, 'f', 2, 64), "0"), ".") + "G"
	}
	if neg {
		return "-" + s
	}
	return s
}

// graphFit cuts lines to w cells and at most h lines.
func graphFit(lines []string, w, h int) string {
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if pane.Width(l) > w {
			lines[i] = ansi.Truncate(l, w, "")
		}
	}
	return strings.Join(lines, "\n")
}

// Render draws conversation conv's graph in w×h cells with the selected
// segment marked, as settings v have it.
func Render(st Styles, tl *model.Timeline, conv int, selected int, absolute bool, v Settings, w, h int) string {
	return renderGraphView(st, tl, conv, selected, absolute, v, w, h)
}

// Pane is the graph view as the stepper holds it: its settings and the last
// drawing, with the walk over the conversation kept apart so that a step
// only moves its marks.
type Pane struct {
	st       Styles
	settings Settings
	key      paneKey
	out      string
	base     *graphBase
	baseKey  paneKey
}

// paneKey is everything a drawing depends on.
type paneKey struct {
	tl        *model.Timeline
	conv, sel int
	segs      int // the conversation's segments so far: a growing timeline redraws
	absolute  bool
	settings  Settings
	w, h      int
}

// NewPane returns the view, unzoomed, choosing its directions itself.
func NewPane(st Styles) *Pane { return &Pane{st: st} }

// SetStyles changes the view's colours.
func (p *Pane) SetStyles(st Styles) {
	p.st = st
	p.Invalidate()
}

// SetDark builds the view's styles for the terminal's background.
func (p *Pane) SetDark(isDark bool) { p.SetStyles(NewStyles(isDark)) }

// Title is the view's settings, for its border.
func (p *Pane) Title(pane.Context) string { return p.Mode() }

// Invalidate forgets the drawings: the conversation grew.
func (p *Pane) Invalidate() { p.key, p.out, p.base = paneKey{}, "", nil }

// Grew forgets the drawings when the conversation shown is one that grew.
func (p *Pane) Grew(ctx pane.Context, changed func(*model.Conversation) bool) {
	if ctx.Conv != nil && changed(ctx.Conv) {
		p.Invalidate()
	}
}

// Settings are which directions the view plots and how far it zooms.
func (p *Pane) Settings() Settings { return p.settings }

// ConversationChanged zooms out: a new conversation is shown whole.
func (p *Pane) ConversationChanged(pane.Context) { p.settings.Zoom = 0 }

// Mode is the view's settings, for its title: the directions, and the zoom
// when zoomed.
func (p *Pane) Mode() string {
	t := p.settings.Show.String()
	if p.settings.Zoom > 0 {
		t += fmt.Sprintf("  zoom %d", p.settings.Zoom)
	}
	return t
}

// Key takes m (the next directions), + and - (zoom in and out); ↑ and ↓
// step, as the view shows the step.
func (p *Pane) Key(ctx pane.Context, k pane.Key, _, _ int) pane.Result {
	switch k {
	case pane.KeyMode:
		p.settings.Show = p.settings.Show.Next()
	case pane.KeyZoomIn:
		p.settings.Zoom = min(p.settings.Zoom+1, 30)
	case pane.KeyZoomOut:
		p.settings.Zoom = max(p.settings.Zoom-1, 0)
	case pane.KeyUp:
		return pane.GoTo(ctx.Row - 1)
	case pane.KeyDown:
		return pane.GoTo(ctx.Row + 1)
	default:
		return pane.Unused
	}
	return pane.Used()
}

// View draws the selected conversation's graph with the step marked, from
// the last drawing when nothing it depends on changed.
func (p *Pane) View(ctx pane.Context, w, h int) string {
	k := paneKey{tl: ctx.TL, conv: ctx.Conv.Index, sel: ctx.Seg, segs: len(ctx.Conv.Segs), absolute: ctx.Absolute, settings: p.settings, w: w, h: h}
	if p.key != k || p.out == "" {
		// Unzoomed, the walk over the conversation does not depend on the
		// step: a step only moves its marks.
		bk := k
		if k.settings.Zoom == 0 {
			bk.sel = -1
		}
		if p.base == nil || p.baseKey != bk {
			p.base = newGraphBase(p.st, ctx.TL, k.conv, k.sel, k.absolute, k.settings, w, h)
			p.baseKey = bk
		}
		p.key = k
		p.out = p.base.render(p.st, k.sel)
	}
	return p.out
}
