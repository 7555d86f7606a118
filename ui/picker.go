package ui

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/ladder"
	"github.com/tcpstep/tcpstep/ui/pane"
)

// convSummary is one conversation as the picker shows it, computed once
// when the capture is loaded.
type convSummary struct {
	conv   *model.Conversation
	cells  [numPickCols]string
	durNS  int64
	events int
	search string           // lower-cased cells, for the filter
	widths [numPickCols]int // the cells' widths on screen
	scan   scanState
	stale  bool // cells and widths predate the last resume
}

// The picker's columns.
const (
	colIndex = iota
	colClient
	colServer
	colPackets
	colBytesC2S
	colBytesS2C
	colDuration
	colOpened
	colEnded
	colEvents
	numPickCols
)

type pickCol struct {
	title string
	right bool // numbers align right
	minW  int  // a flexible column may shrink to this; 0: fixed
	keep  int  // columns with the lowest keep are dropped first when narrow
}

var pickCols = [numPickCols]pickCol{
	colIndex:    {"#", true, 0, 10},
	colClient:   {"client", false, 12, 9},
	colServer:   {"server", false, 12, 9},
	colPackets:  {"pkts c→s/s→c", true, 0, 8},
	colBytesC2S: {"bytes c→s", true, 0, 5},
	colBytesS2C: {"bytes s→c", true, 0, 5},
	colDuration: {"duration", true, 0, 6},
	colOpened:   {"opened", false, 0, 7},
	colEnded:    {"ended", false, 0, 7},
	colEvents:   {"events", false, 8, 4},
}

// summarize reads a conversation's segments once to say how it opened and
// ended; everything else comes from the conversation's counters.
func summarize(tl *model.Timeline, c *model.Conversation) convSummary {
	s := convSummary{conv: c}
	s.resume(tl)
	s.fresh()
	return s
}

// scanState is what summarize has read of a conversation's segments, so
// that a conversation that grows is read on from where it stopped.
type scanState struct {
	scanned                int            // segments read
	client                 model.Endpoint // the client when they were read
	firstNS, lastNS        int64
	opened                 string
	decided                bool
	finC, finS, rstC, rstS bool
}

// resume reads the segments the summary has not read yet (all of them again
// if the conversation's sides were swapped since: a late SYN showed who the
// client is) and redoes the cells.
func (s *convSummary) resume(tl *model.Timeline) {
	c := s.conv
	st := &s.scan
	if st.scanned > len(c.Segs) || (st.scanned > 0 && st.client != c.Client) {
		*st = scanState{}
	}
	if st.scanned == 0 {
		st.opened = "mid-stream"
		st.client = c.Client
	}
	for _, si := range c.Segs[st.scanned:] {
		st.scanned++
		if int(si) >= len(tl.Segments) {
			continue
		}
		seg := &tl.Segments[si]
		if st.scanned == 1 {
			st.firstNS = tl.SegTime(seg)
			switch {
			case c.Assumed:
				st.decided = true
			case seg.Flags.Has(model.SYN) && !seg.Flags.Has(model.ACK):
				st.opened = "SYN, no answer"
			case seg.Flags.Has(model.SYN | model.ACK):
				st.opened, st.decided = "SYN/ACK (SYN unseen)", true
			default:
				st.decided = true
			}
		} else if !st.decided && seg.Dir == model.S2C {
			switch {
			case seg.Flags.Has(model.SYN | model.ACK):
				st.opened = "SYN→SYN/ACK"
			case seg.Flags.Has(model.SYN):
				st.opened = "simultaneous" // crossing SYNs
			case seg.Flags.Has(model.RST):
				st.opened = "refused"
			default:
				st.opened = "SYN→" + seg.Flags.String()
			}
			st.decided = true
		}
		st.lastNS = tl.SegTime(seg)
		if seg.Flags.Has(model.FIN) {
			if seg.Dir == model.C2S {
				st.finC = true
			} else {
				st.finS = true
			}
		}
		if seg.Flags.Has(model.RST) {
			if seg.Dir == model.C2S {
				st.rstC = true
			} else {
				st.rstS = true
			}
		}
	}
	s.durNS = 0
	if st.scanned > 0 {
		s.durNS = st.lastNS - st.firstNS
	}
	s.events = 0
	for _, e := range ladder.ShortEvents {
		s.events += c.EventCounts[e.Event.String()]
	}
	s.stale = true
}

// fresh makes the summary's cells, when the conversation has changed since
// they were made. It is done for the rows on screen, and for all rows only
// when a filter or a sort by a text column needs them, so that a capture
// still being indexed does not redo 25,000 rows' text 4 times a second.
func (s *convSummary) fresh() {
	if s.stale {
		s.cellsFrom(&s.scan)
		s.stale = false
	}
}

// cellsFrom writes the summary's cells from what was read and the
// conversation's counters.
func (s *convSummary) cellsFrom(st *scanState) {
	c := s.conv
	opened, finC, finS, rstC, rstS := st.opened, st.finC, st.finS, st.rstC, st.rstS
	var ended string
	switch {
	case finC && finS:
		ended = "FIN both"
	case finC:
		ended = "FIN client"
	case finS:
		ended = "FIN server"
	}
	if rstC || rstS {
		if ended != "" {
			ended += "+RST"
		} else {
			ended = "RST"
		}
	}
	if ended == "" {
		ended = "open"
	}
	var ev []string
	for _, e := range ladder.ShortEvents {
		if n := c.EventCounts[e.Event.String()]; n > 0 {
			ev = append(ev, fmt.Sprintf("%s %d", e.Name, n))
		}
	}
	s.cells = [numPickCols]string{
		colIndex:    strconv.Itoa(c.Index),
		colClient:   c.Client.String(),
		colServer:   c.Server.String(),
		colPackets:  fmt.Sprintf("%d/%d", c.Packets[model.C2S], c.Packets[model.S2C]),
		colBytesC2S: pane.HumanBytes(c.Bytes[model.C2S]),
		colBytesS2C: pane.HumanBytes(c.Bytes[model.S2C]),
		colDuration: humanDuration(s.durNS),
		colOpened:   opened,
		colEnded:    ended,
		colEvents:   strings.Join(ev, " "),
	}
	s.search = "" // made when a filter needs it (searchText)
	for c, cell := range s.cells {
		s.widths[c] = cellWidth(cell)
	}
}

func humanDuration(ns int64) string {
	d := time.Duration(ns)
	switch {
	case d < 0:
		return "-"
	case d < time.Second:
		return strconv.FormatFloat(float64(d)/1e6, 'f', 1, 64) + "ms"
	case d < time.Minute:
		return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + "s"
	default:
		return d.Round(time.Second).String()
	}
}

// searchText is what the filter matches: the cells, lower-cased, made
// once per summary when first needed.
func (s *convSummary) searchText() string {
	s.fresh()
	if s.search == "" {
		s.search = strings.ToLower(strings.Join(s.cells[:], " "))
	}
	return s.search
}

// cellWidth is a cell's width on screen; most cells are ASCII, whose width
// is their length, and are spared the grapheme walk.
func cellWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return ansi.StringWidth(s)
		}
	}
	return len(s)
}

// picker is the conversation table: filtered by what was typed, sorted by
// one column.
type picker struct {
	all  []convSummary
	seen int // how many of the timeline's conversations all covers
	// nat is each column's widest cell over all rows, kept by refresh so
	// that drawing does not measure every row.
	nat [numPickCols]int
	// rows is how many rows the picker showed at the last scroll.
	rows    int
	growing bool  // the capture is still being indexed: more may come
	view    []int // indices into all, filtered and sorted
	cur     int   // index into view
	top     int
	filter  string
	sortCol int
	desc    bool
}

func newPicker(tl *model.Timeline) picker {
	p := picker{all: make([]convSummary, 0, len(tl.Conversations))}
	p.update(tl, nil)
	p.freshAll()
	return p
}

// freshAll makes every row's cells, for exact column widths and the
// filter: once a capture is indexed.
func (p *picker) freshAll() {
	for i := range p.all {
		p.all[i].fresh()
	}
	p.refresh()
}

// update brings the picker up to a timeline that grew: rows for the new
// conversations, fresh rows for the changed ones, then the filter and the
// sort again (the selected conversation stays selected).
func (p *picker) update(tl *model.Timeline, changed map[*model.Conversation]bool) {
	for i := range p.all {
		if changed[p.all[i].conv] {
			p.all[i].resume(tl)
		}
	}
	for ; p.seen < len(tl.Conversations); p.seen++ {
		if c := tl.Conversations[p.seen]; c != nil {
			s := convSummary{conv: c}
			s.resume(tl)
			p.all = append(p.all, s)
		}
	}
	p.refresh()
}

// sortable lists the columns tab cycles through.
var sortable = []int{colIndex, colPackets, colBytesC2S, colBytesS2C, colDuration, colEvents, colClient, colServer, colOpened, colEnded}

func (p *picker) compare(a, b *convSummary) int {
	var r int
	switch sortable[p.sortCol] {
	case colIndex:
		r = cmp.Compare(a.conv.Index, b.conv.Index)
	case colPackets:
		r = cmp.Compare(a.conv.Packets[0]+a.conv.Packets[1], b.conv.Packets[0]+b.conv.Packets[1])
	case colBytesC2S:
		r = cmp.Compare(a.conv.Bytes[model.C2S], b.conv.Bytes[model.C2S])
	case colBytesS2C:
		r = cmp.Compare(a.conv.Bytes[model.S2C], b.conv.Bytes[model.S2C])
	case colDuration:
		r = cmp.Compare(a.durNS, b.durNS)
	case colEvents:
		r = cmp.Compare(a.events, b.events)
	case colClient:
		r = compareEndpoints(a.conv.Client, b.conv.Client)
	case colServer:
		r = compareEndpoints(a.conv.Server, b.conv.Server)
	default:
		c := sortable[p.sortCol]
		r = strings.Compare(a.cells[c], b.cells[c])
	}
	if p.desc {
		r = -r
	}
	if r == 0 {
		r = cmp.Compare(a.conv.Index, b.conv.Index)
	}
	return r
}

func compareEndpoints(a, b model.Endpoint) int {
	if r := a.Addr.Compare(b.Addr); r != 0 {
		return r
	}
	return cmp.Compare(a.Port, b.Port)
}

// refresh re-applies the filter and the sort, keeping the selected
// conversation selected when it is still shown.
func (p *picker) refresh() {
	sel := -1
	if p.cur >= 0 && p.cur < len(p.view) {
		sel = p.view[p.cur]
	}
	if col := sortable[p.sortCol]; col == colOpened || col == colEnded {
		for i := range p.all {
			p.all[i].fresh() // sorted by their text
		}
	}
	p.nat = [numPickCols]int{}
	for i := range p.all {
		for c, w := range p.all[i].widths {
			p.nat[c] = max(p.nat[c], w)
		}
	}
	words := strings.Fields(strings.ToLower(p.filter))
	p.view = p.view[:0]
	for i := range p.all {
		ok := true
		for _, w := range words {
			if !strings.Contains(p.all[i].searchText(), w) {
				ok = false
				break
			}
		}
		if ok {
			p.view = append(p.view, i)
		}
	}
	slices.SortStableFunc(p.view, func(a, b int) int { return p.compare(&p.all[a], &p.all[b]) })
	p.cur = 0
	for i, v := range p.view {
		if v == sel {
			p.cur = i
			break
		}
	}
	p.freshen()
}

// freshen makes the cells of the rows on screen (as of the last scroll),
// and widens the columns for them.
func (p *picker) freshen() {
	for i := p.top; i < len(p.view) && i < p.top+max(p.rows, 1); i++ {
		s := &p.all[p.view[i]]
		s.fresh()
		for c, w := range s.widths {
			p.nat[c] = max(p.nat[c], w)
		}
	}
}

// selected returns the conversation under the cursor, or nil.
func (p *picker) selected() *model.Conversation {
	if p.cur >= 0 && p.cur < len(p.view) {
		return p.all[p.view[p.cur]].conv
	}
	return nil
}

func (p *picker) move(d, rows int) {
	if len(p.view) == 0 {
		p.cur = 0
		return
	}
	p.cur = min(max(p.cur+d, 0), len(p.view)-1)
	p.scroll(rows)
}

func (p *picker) scroll(rows int) {
	rows = max(rows, 1)
	defer p.freshen()
	p.rows = rows
	if p.cur < p.top {
		p.top = p.cur
	}
	if p.cur >= p.top+rows {
		p.top = p.cur - rows + 1
	}
	p.top = max(min(p.top, len(p.view)-rows), 0)
}

// pickerRows is how many table rows fit in h lines (title and header take
// two).
func pickerRows(h int) int { return max(h-2, 1) }

// columnWidths fits the columns into w: natural widths first, then the
// flexible columns shrunk, then the least important columns dropped. A
// width of 0 means the column is not shown.
func (p *picker) columnWidths(w int) [numPickCols]int {
	var nat [numPickCols]int
	for c := range numPickCols {
		nat[c] = max(ansi.StringWidth(pickCols[c].title), p.nat[c])
	}
	nat[colEvents] = min(nat[colEvents], 40)
	widths := nat
	total := func() int {
		t, n := 0, 0
		for _, x := range widths {
			if x > 0 {
				t += x
				n++
			}
		}
		return t + max(n-1, 0)*2 + 2 // two spaces between columns, margin for the cursor
	}
	shrink := func(c int) {
		if over := total() - w; over > 0 && pickCols[c].minW > 0 && widths[c] > pickCols[c].minW {
			widths[c] -= min(over, widths[c]-pickCols[c].minW)
		}
	}
	// dropUpTo drops the least important shown column whose keep is at
	// most limit, reporting whether it dropped one.
	dropUpTo := func(limit int) bool {
		drop, lowest := -1, limit+1
		for c := range numPickCols {
			if widths[c] > 0 && pickCols[c].keep < lowest {
				drop, lowest = c, pickCols[c].keep
			}
		}
		if drop < 0 {
			return false
		}
		widths[drop] = 0
		return true
	}
	// Narrow screens lose the event list's tail first, then the minor
	// columns, then the endpoints' tails, then what opened and ended it;
	// the index and endpoints always stay (the line is cut instead).
	shrink(colEvents)
	for total() > w && dropUpTo(6) {
	}
	// The endpoints share the cut, the longer one giving more.
	for total() > w && (widths[colClient] > pickCols[colClient].minW || widths[colServer] > pickCols[colServer].minW) {
		c := colClient
		if widths[colServer] > widths[colClient] {
			c = colServer
		}
		if widths[c] <= pickCols[c].minW {
			c = colClient + colServer - c
		}
		widths[c]--
	}
	for total() > w && dropUpTo(8) {
	}
	return widths
}

// renderPicker draws the picker in exactly w×h.
func renderPicker(st *Styles, p picker, w, h int) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	lines := make([]string, 0, h)
	sortName := pickCols[sortable[p.sortCol]].title
	dir := "↑"
	if p.desc {
		dir = "↓"
	}
	count := " " + plural(len(p.all), "conversation")
	if len(p.view) != len(p.all) {
		count = fmt.Sprintf(" %d of %s", len(p.view), plural(len(p.all), "conversation"))
	}
	if p.growing {
		count += " so far"
	}
	title := []pane.Span{
		{Text: count, Style: &st.Picker.Filter},
		{Text: "   filter ", Style: &st.Picker.Prompt},
		{Text: p.filter + "▏", Style: &st.Picker.Filter},
		{Text: "   sort ", Style: &st.Picker.Prompt},
		{Text: sortName + " " + dir, Style: &st.Picker.Sorted},
	}
	lines = append(lines, pane.RenderSpans(title, w, nil))
	if h == 1 {
		return lines[0]
	}
	widths := p.columnWidths(w)
	cell := func(c int, text string) string {
		cw := widths[c]
		text = ansi.Truncate(text, cw, glyphEllipsis)
		pad := strings.Repeat(" ", cw-ansi.StringWidth(text))
		if pickCols[c].right {
			return pad + text
		}
		return text + pad
	}
	var hdr []pane.Span
	hdr = append(hdr, pane.Span{Text: "  ", Style: nil})
	sep := ""
	for c := range numPickCols {
		if widths[c] == 0 {
			continue
		}
		hs := &st.Picker.Header
		if c == sortable[p.sortCol] {
			hs = &st.Picker.Sorted
		}
		hdr = append(hdr, pane.Span{Text: sep, Style: nil}, pane.Span{Text: cell(c, pickCols[c].title), Style: hs})
		sep = "  "
	}
	lines = append(lines, pane.RenderSpans(hdr, w, nil))
	rows := pickerRows(h)
	if len(p.view) == 0 {
		msg := "no conversation matches the filter (esc clears it)"
		if len(p.all) == 0 {
			msg = "no TCP conversations in this capture"
		}
		lines = append(lines, pane.RenderSpans([]pane.Span{{Text: "  " + msg, Style: &st.Picker.Empty}}, w, nil))
	}
	for i := p.top; i < len(p.view) && i < p.top+rows; i++ {
		s := &p.all[p.view[i]]
		var bg *lipgloss.Style
		marker := "  "
		if i == p.cur {
			bg = &st.Picker.Cursor
			marker = glyphCursor + " "
		}
		row := []pane.Span{{Text: marker, Style: &st.Picker.Marker}}
		sep := ""
		for c := range numPickCols {
			if widths[c] == 0 {
				continue
			}
			cs := &st.Picker.Row
			switch s.cells[c] {
			case "refused", "RST":
				cs = &st.Picker.Refused
			}
			if c == colEvents && s.events > 0 {
				cs = &st.Picker.Event
			}
			row = append(row, pane.Span{Text: sep, Style: nil}, pane.Span{Text: cell(c, s.cells[c]), Style: cs})
			sep = "  "
		}
		lines = append(lines, pane.RenderSpans(row, w, bg))
	}
	for len(lines) < h {
		lines = append(lines, strings.Repeat(" ", w))
	}
	return strings.Join(lines, "\n")
}

// plural is "1 conversation", "2 conversations".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
