// Package isn is the ISN view: every host's initial sequence numbers over
// the capture, how they grow, and whether the next one could be guessed.
package isn

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
	"github.com/tcpstep/tcpstep/ui/theme"
)

// isnVerdict renders a series' verdict in its style.
func verdict(st Styles, s *model.ISNSeries) string {
	switch {
	case s.Pattern == model.ISNTooFew:
		return st.TooFew.Render(s.Verdict())
	case s.Predictable:
		return st.Predictable.Render(s.Verdict())
	}
	return st.Unpredictable.Render(s.Verdict())
}

// Render draws the ISN analysis in at most w columns and h lines: a list
// of every host's series with its verdict (sel marked), then the selected
// series: its verdict and reason, its table (as many rows as fit, the latest
// last) and a braille plot of ISN against time when there is room.
func Render(st Styles, series []model.ISNSeries, sel, w, h int) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	cut := func(lines []string) string {
		if len(lines) > h {
			lines = lines[:h]
		}
		for i, l := range lines {
			lines[i] = ansi.Truncate(l, w, st.Ellipsis)
		}
		return strings.Join(lines, "\n")
	}
	if len(series) == 0 {
		return cut([]string{st.TooFew.Render("No SYN in the capture: no initial sequence numbers to analyse.")})
	}
	sel = max(0, min(sel, len(series)-1))
	s := &series[sel]

	// The list: at most a third of the height, scrolled to keep sel.
	listH := min(len(series), max(1, h/3))
	top := max(0, min(sel-listH/2, len(series)-listH))
	var lines []string
	for i := top; i < top+listH; i++ {
		x := &series[i]
		verb := "opened"
		if x.Role == model.ISNPassive {
			verb = "accepted"
		}
		mark, name := "  ", st.Row
		if i == sel {
			mark, name = theme.Cursor+" ", st.Selected
		}
		lines = append(lines, mark+name.Render(fmt.Sprintf("%s %s %d", x.Host, verb, len(x.Samples)))+"  "+verdict(st, x))
	}
	rest := h - len(lines)
	if rest <= 1 {
		return cut(lines)
	}
	lines = append(lines, "")
	head := st.Title.Render(fmt.Sprintf("%s, connections %s", s.Host, s.Role)) + ": " + verdict(st, s)
	if s.Pattern != model.ISNTooFew {
		head += st.Why.Render(" (" + s.Pattern.String() + ")")
	}
	lines = append(lines, head)
	why := pane.Wrap(s.Why(), w)
	rest = h - len(lines)
	// The reason, the table and the plot share what is left: the plot gets
	// up to half of it once the table has its rows.
	table := table(st, s, w)
	plotH := 0
	if len(s.Samples) >= 2 && rest-len(why)-2 >= 6 {
		plotH = min(12, (rest-len(why)-1)/2)
	}
	tableRoom := rest - len(why) - plotH
	if plotH > 0 {
		tableRoom-- // the blank line before the plot
	}
	if tableRoom < 2 {
		table = nil
	} else if len(table) > tableRoom {
		// Header first, then the latest rows.
		table = append(table[:1:1], table[len(table)-(tableRoom-1):]...)
	}
	if len(table) < 2 && plotH > 0 {
		plotH = 0
	}
	for _, l := range why {
		lines = append(lines, st.Why.Render(l))
	}
	lines = append(lines, table...)
	if plotH > 0 {
		lines = append(lines, "")
		lines = append(lines, plot(st, s, w, plotH)...)
	}
	return cut(lines)
}

// isnTable formats a series' table: a header and one row per ISN, columns
// dropped from the least needed when the width is short.
func table(st Styles, s *model.ISNSeries, w int) []string {
	type col struct {
		name  string
		cells []string
		right bool
		prio  int // lower stays longer
	}
	n := len(s.Samples)
	cols := []col{
		{name: "stream", right: true, prio: 3},
		{name: "time", right: true, prio: 2},
		{name: "ISN", right: true, prio: 0},
		{name: "difference", right: true, prio: 1},
		{name: "Δt", right: true, prio: 4},
		{name: "per second", right: true, prio: 5},
	}
	for i, x := range s.Samples {
		diff, dt, rate := "", "", ""
		if i > 0 {
			diff = strconv.FormatUint(uint64(x.Diff), 10)
			dt = dur(x.DtNS)
			rate = "-"
			if x.DtNS > 0 {
				rate = strconv.FormatFloat(x.Rate, 'f', 0, 64)
			}
		}
		vals := []string{strconv.Itoa(x.Stream), strconv.FormatFloat(float64(x.TimeNS)/1e9, 'f', 6, 64),
			strconv.FormatUint(uint64(x.ISN), 10), diff, dt, rate}
		for c := range cols {
			cols[c].cells = append(cols[c].cells, vals[c])
		}
	}
	widths := make([]int, len(cols))
	for c := range cols {
		widths[c] = pane.Width(cols[c].name)
		for _, v := range cols[c].cells {
			widths[c] = max(widths[c], pane.Width(v))
		}
	}
	// Keep the most needed columns that fit, two spaces apart.
	keep := make([]bool, len(cols))
	used := 0
	for p := 0; p <= 5; p++ {
		for c := range cols {
			if cols[c].prio == p && used+widths[c]+2 <= w+2 {
				keep[c] = true
				used += widths[c] + 2
			}
		}
	}
	row := func(get func(c int) string, style lipgloss.Style) string {
		var parts []string
		for c := range cols {
			if !keep[c] {
				continue
			}
			v := get(c)
			pad := strings.Repeat(" ", max(0, widths[c]-pane.Width(v)))
			parts = append(parts, pad+v)
		}
		return style.Render(strings.Join(parts, "  "))
	}
	out := []string{row(func(c int) string { return cols[c].name }, st.Header)}
	for i := range n {
		out = append(out, row(func(c int) string { return cols[c].cells[i] }, st.Row))
	}
	return out
}

func dur(ns int64) string {
	switch a := max(ns, -ns); {
	case a < 1e6:
		return strconv.FormatFloat(float64(ns)/1e3, 'f', 0, 64) + " µs"
	case a < 1e9:
		return strconv.FormatFloat(float64(ns)/1e6, 'f', 1, 64) + " ms"
	}
	return strconv.FormatFloat(float64(ns)/1e9, 'f', 2, 64) + " s"
}

// isnPlot draws the series' ISNs against time in braille, h lines in all:
// h-1 rows of plot with the ISN range on the left, and a time axis. Each
// character cell holds 2×4 dots.
func plot(st Styles, s *model.ISNSeries, w, h int) []string {
	lo, hi := s.Samples[0].ISN, s.Samples[0].ISN
	t0, t1 := s.Samples[0].TimeNS, s.Samples[0].TimeNS
	for _, x := range s.Samples {
		lo, hi = min(lo, x.ISN), max(hi, x.ISN)
		t0, t1 = min(t0, x.TimeNS), max(t1, x.TimeNS)
	}
	hiL, loL := strconv.FormatUint(uint64(hi), 10), strconv.FormatUint(uint64(lo), 10)
	labelW := max(len(hiL), len(loL))
	pw := w - labelW - 2 // label, space, axis
	ph := h - 1
	if pw < 4 || ph < 2 {
		return nil
	}
	cells := make([][]rune, ph)
	for r := range cells {
		cells[r] = make([]rune, pw)
		for c := range cells[r] {
			cells[r][c] = 0x2800
		}
	}
	dotsX, dotsY := pw*2, ph*4
	for _, x := range s.Samples {
		dx := 0
		if t1 > t0 {
			dx = int(float64(x.TimeNS-t0) / float64(t1-t0) * float64(dotsX-1))
		}
		dy := dotsY - 1
		if hi > lo {
			dy = int(float64(hi-x.ISN) / float64(hi-lo) * float64(dotsY-1))
		}
		dx, dy = max(0, min(dx, dotsX-1)), max(0, min(dy, dotsY-1))
		cells[dy/4][dx/2] |= brailleBit(dx%2, dy%4)
	}
	out := make([]string, 0, h)
	for r := range cells {
		label := ""
		switch r {
		case 0:
			label = hiL
		case ph - 1:
			label = loL
		}
		label = strings.Repeat(" ", labelW-len(label)) + label
		out = append(out, st.Axis.Render(label+" │")+st.Plot.Render(string(cells[r])))
	}
	left := "0 s"
	right := dur(t1-t0) + " later"
	axis := strings.Repeat(" ", labelW) + " └"
	span := pw - len([]rune(left)) - len([]rune(right))
	if span >= 1 {
		axis += left + strings.Repeat("─", span) + right
	} else {
		axis += strings.Repeat("─", pw)
	}
	return append(out, st.Axis.Render(axis))
}

// isnBrailleBit is the dot of a braille cell at column x (0-1), row y (0-3).
func brailleBit(x, y int) rune {
	bits := [2][4]rune{{0x01, 0x02, 0x04, 0x40}, {0x08, 0x10, 0x20, 0x80}}
	return bits[x][y]
}

// Pane is the ISN view as the stepper holds it: the capture's series,
// analysed once per timeline when the view is about to be shown, the
// selected series, and the last drawing.
type Pane struct {
	st     Styles
	tl     *model.Timeline // the timeline the series were analysed for
	series []model.ISNSeries
	sel    int
	memo   struct {
		key  memoKey
		out  string
		done bool
	}
}

// memoKey is everything a drawing depends on: it is the same at every step
// of a conversation.
type memoKey struct {
	tl   *model.Timeline
	sel  int
	w, h int
}

// NewPane returns the view, with nothing analysed yet.
func NewPane(st Styles) *Pane { return &Pane{st: st} }

// SetStyles changes the view's colours (the terminal's background was
// learnt).
func (p *Pane) SetStyles(st Styles) {
	p.st = st
	p.memo.done = false
}

// SetDark builds the view's styles for the terminal's background.
func (p *Pane) SetDark(isDark bool) { p.SetStyles(NewStyles(isDark)) }

// Title is what the view's border adds to its name: nothing.
func (p *Pane) Title(pane.Context) string { return "" }

// Prepare analyses ctx's capture unless it already has: the root calls it
// when the view is about to be shown, so a capture nobody looks at the ISNs
// of is never analysed.
func (p *Pane) Prepare(ctx pane.Context, _, _ int) {
	if p.tl == ctx.TL {
		return
	}
	p.tl = ctx.TL
	p.series = model.AnalyzeISNs(ctx.TL)
	p.sel = defaultSeries(p.series, ctx.Conv)
	p.memo.done = false
}

// Invalidate forgets the analysis: the capture grew.
func (p *Pane) Invalidate() { p.tl = nil }

// Grew forgets the analysis: any conversation's SYNs may be new.
func (p *Pane) Grew(pane.Context, func(*model.Conversation) bool) { p.Invalidate() }

// ConversationChanged selects the series of the newly selected
// conversation, if the capture is analysed.
func (p *Pane) ConversationChanged(ctx pane.Context) {
	if p.tl == ctx.TL {
		p.sel = defaultSeries(p.series, ctx.Conv)
	}
}

// Selected is the index of the selected series.
func (p *Pane) Selected() int { return p.sel }

// View draws the analysis in w×h cells, or says it is on its way.
func (p *Pane) View(ctx pane.Context, w, h int) string {
	if p.tl != ctx.TL {
		return p.st.Wait.Render("analysing" + theme.Ellipsis)
	}
	k := memoKey{tl: p.tl, sel: p.sel, w: w, h: h}
	if !p.memo.done || p.memo.key != k {
		p.memo.key, p.memo.out, p.memo.done = k, Render(p.st, p.series, p.sel, w, h), true
	}
	return p.memo.out
}

// Key moves the selection among the series (↑ and ↓); the stepper stays
// where it is.
func (p *Pane) Key(_ pane.Context, k pane.Key, _, _ int) pane.Result {
	switch k {
	case pane.KeyDown:
		p.sel = min(p.sel+1, max(len(p.series)-1, 0))
	case pane.KeyUp:
		p.sel = max(p.sel-1, 0)
	default:
		return pane.Unused
	}
	p.memo.done = false
	return pane.Used()
}

// defaultSeries is the series of conversation c's client opening
// connections, else its server accepting them, else the first.
func defaultSeries(series []model.ISNSeries, c *model.Conversation) int {
	if c == nil {
		return 0
	}
	for _, want := range []struct {
		host model.Endpoint
		role model.ISNRole
	}{{c.Client, model.ISNActive}, {c.Server, model.ISNPassive}} {
		for i := range series {
			if series[i].Host == want.host.Addr && series[i].Role == want.role {
				return i
			}
		}
	}
	return 0
}
