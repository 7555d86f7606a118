// Package picker is the conversation picker: the screen that lists a
// capture's TCP conversations as a table, filtered by what is typed and
// sorted by one column, from which one is opened in the stepper.
//
// What is typed is matched as text against the rows' cells, or, when it
// is a display filter (package filter: tcp.port == 25, ip.addr ==
// 10.0.0.0/8 && tcp.analysis.retransmission), it keeps the conversations
// with at least one frame that passes it. Which frames pass is the root's
// to find, since it may take a while on a big capture (SetMatches); a
// filter that does not compile is said under the filter line.
//
// It is a screen of its own, not one of the stepper's views, so it is not a
// pane.View: the root hands it keys already mapped from the key bindings
// (Key) and the text typed into the filter (Type), and asks it which
// conversation is selected.
package picker

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/filter"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
	"github.com/tcpstep/tcpstep/ui/theme"
)

// summary is one conversation as the picker shows it, made when the
// conversation is first listed and read on as it grows.
type summary struct {
	conv   *model.Conversation
	cells  [numCols]string
	durNS  int64
	events int
	search string       // lower-cased cells, for the filter
	widths [numCols]int // the cells' widths on screen
	scan   scanState
	stale  bool // cells and widths predate the last resume
}

// The picker's columns.
const (
	colIndex = iota
	colClient
	colServer
	colApp
	colPackets
	colBytesC2S
	colBytesS2C
	colDuration
	colOpened
	colEnded
	colEvents
	numCols
)

type column struct {
	title string
	right bool // numbers align right
	minW  int  // a flexible column may shrink to this; 0: fixed
	keep  int  // columns with the lowest keep are dropped first when narrow
}

// The application column (the protocol, and the server's name where the
// client gave it: "TLS example.com") is shown when a conversation has one;
// it narrows to the protocol's name before the endpoints narrow, and goes
// after what opened and ended the conversation and its packets.
var columns = [numCols]column{
	colIndex:    {"#", true, 0, 20},
	colClient:   {"client", false, 12, 18},
	colServer:   {"server", false, 12, 18},
	colApp:      {"app", false, 4, 17},
	colPackets:  {"pkts c→s/s→c", true, 0, 16},
	colBytesC2S: {"sent c→s", true, 0, 10},
	colBytesS2C: {"sent s→c", true, 0, 10},
	colDuration: {"duration", true, 0, 12},
	colOpened:   {"opened", false, 0, 14},
	colEnded:    {"ended", false, 0, 14},
	colEvents:   {"events", false, 8, 8},
}

// Column keeps: those up to minorKeep give way before the endpoints
// narrow, those up to majorKeep after; the rest always stay.
const (
	minorKeep = 12
	majorKeep = 17
)

// The byte columns count the payload of every segment sent, a
// retransmission's again (the follow view counts each byte once): the
// title line says so when they are shown or sorted by, in the longest of
// these that fits.
var bytesLegends = []string{"sent: payload bytes, retransmissions counted", "sent: retransmissions counted"}

// scanState is what a summary has read of its conversation's segments (to
// say how it opened and ended; everything else comes from the
// conversation's counters), so that a conversation that grows is read on
// from where it stopped.
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
func (s *summary) resume(tl *model.Timeline) {
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
	for _, e := range pane.ShortEvents {
		s.events += c.EventCounts[e.Event.String()]
	}
	s.stale = true
}

// fresh makes the summary's cells, when the conversation has changed since
// they were made. It is done for the rows on screen, and for all rows only
// when a filter or a sort by a text column needs them, so that a capture
// still being indexed does not redo 25,000 rows' text 4 times a second.
func (s *summary) fresh() {
	if s.stale {
		s.cellsFrom(&s.scan)
		s.stale = false
	}
}

// cellsFrom writes the summary's cells from what was read and the
// conversation's counters.
func (s *summary) cellsFrom(st *scanState) {
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
	for _, e := range pane.ShortEvents {
		if n := c.EventCounts[e.Event.String()]; n > 0 {
			ev = append(ev, fmt.Sprintf("%s %d", e.Name, n))
		}
	}
	s.cells = [numCols]string{
		colIndex:    strconv.Itoa(c.Index),
		colClient:   c.Client.String(),
		colServer:   c.Server.String(),
		colApp:      appCell(c.App),
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

// appFit is an application cell cut to w cells: whole if it fits, else
// the protocol and as much of the server's name as leaves a few letters of
// it, else the protocol alone ("TLS", not "TLS …").
func appFit(text string, w int) string {
	if ansi.StringWidth(text) <= w {
		return text
	}
	proto, _, _ := strings.Cut(text, " ")
	if ansi.StringWidth(proto)+1+4 <= w {
		return ansi.Truncate(text, w, theme.Ellipsis)
	}
	return proto
}

// appCell is the application column's cell: the protocol, and the
// server's name when known.
func appCell(h model.AppHint) string {
	return strings.TrimSpace(model.Visible(h.Proto) + " " + model.Visible(h.Server))
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
func (s *summary) searchText() string {
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

// Picker is the conversation table: filtered by what was typed, sorted by
// one column. The zero Picker lists nothing and has no styles until SetDark.
type Picker struct {
	st   Styles
	all  []summary
	seen int // how many of the timeline's conversations all covers
	// nat is each column's widest cell over all rows, kept by refresh so
	// that drawing does not measure every row.
	nat [numCols]int
	// rows is how many rows the picker showed at the last scroll.
	rows    int
	growing bool  // the capture is still being indexed: more may come
	view    []int // indices into all, filtered and sorted
	cur     int   // index into view
	top     int
	filter  string
	// df is the display filter typed, nil when the filter is matched as
	// text; dfErr is why the text typed does not compile as one, shown
	// when it looks like one or the text matches nothing.
	df    *filter.Filter
	dfErr *filter.Error
	// match says, by conversation index, which conversations have a
	// frame that passes display filter matchExpr, as found over the
	// timeline's first matchFrames frames (SetMatches); nil before the
	// first answer.
	match       []bool
	matchExpr   string
	matchFrames int
	sortCol     int
	desc        bool
	// stale lists conversations changed while the picker was not on
	// screen: their rows are redone when it is shown (CatchUp).
	stale map[*model.Conversation]bool
}

// SetDark gives the picker its styles for a dark or light background.
func (p *Picker) SetDark(isDark bool) { p.st = NewStyles(isDark) }

// Load lists tl's conversations afresh, in the order they opened, with no
// filter; the styles stay.
func (p *Picker) Load(tl *model.Timeline) {
	*p = Picker{st: p.st, all: make([]summary, 0, len(tl.Conversations))}
	p.Update(tl, nil)
	p.FreshAll()
}

// SetGrowing says whether the capture is still being indexed, so that the
// count of conversations says "so far".
func (p *Picker) SetGrowing(growing bool) { p.growing = growing }

// FreshAll makes every row's cells, for exact column widths and the
// filter: once a capture is indexed.
func (p *Picker) FreshAll() {
	for i := range p.all {
		p.all[i].fresh()
	}
	p.refresh()
}

// Update brings the picker up to a timeline that grew: rows for the new
// conversations, fresh rows for the changed ones, then the filter and the
// sort again (the selected conversation stays selected).
func (p *Picker) Update(tl *model.Timeline, changed map[*model.Conversation]bool) {
	for i := range p.all {
		if changed[p.all[i].conv] {
			p.all[i].resume(tl)
		}
	}
	for ; p.seen < len(tl.Conversations); p.seen++ {
		if c := tl.Conversations[p.seen]; c != nil {
			s := summary{conv: c}
			s.resume(tl)
			p.all = append(p.all, s)
		}
	}
	p.refresh()
}

// Behind reports whether tl has conversations the picker has not listed
// yet (Update lists them).
func (p *Picker) Behind(tl *model.Timeline) bool { return p.seen < len(tl.Conversations) }

// Defer notes conversations that changed while the picker is not on
// screen, instead of redoing their rows at every refresh of a capture
// being indexed; CatchUp redoes them when the picker is shown.
func (p *Picker) Defer(changed map[*model.Conversation]bool) {
	if p.stale == nil {
		p.stale = map[*model.Conversation]bool{}
	}
	for c := range changed {
		p.stale[c] = true
	}
}

// CatchUp brings the picker up to tl before it is shown: the rows Defer
// noted, and the conversations opened since.
func (p *Picker) CatchUp(tl *model.Timeline) {
	if len(p.stale) == 0 && !p.Behind(tl) {
		return
	}
	p.Update(tl, p.stale)
	clear(p.stale)
}

// sortable lists the columns tab cycles through.
var sortable = []int{colIndex, colPackets, colBytesC2S, colBytesS2C, colDuration, colEvents, colClient, colServer, colOpened, colEnded, colApp}

func (p *Picker) compare(a, b *summary) int {
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
func (p *Picker) refresh() {
	sel := -1
	if p.cur >= 0 && p.cur < len(p.view) {
		sel = p.view[p.cur]
	}
	if col := sortable[p.sortCol]; col == colOpened || col == colEnded || col == colApp {
		for i := range p.all {
			p.all[i].fresh() // sorted by their text
		}
	}
	p.nat = [numCols]int{}
	for i := range p.all {
		for c, w := range p.all[i].widths {
			p.nat[c] = max(p.nat[c], w)
		}
	}
	words := strings.Fields(strings.ToLower(p.filter))
	if p.df != nil {
		words = nil // not text: the display filter's matches, if known yet
	}
	p.view = p.view[:0]
	for i := range p.all {
		ok := true
		if p.df != nil && p.match != nil {
			ix := p.all[i].conv.Index
			ok = ix >= 0 && ix < len(p.match) && p.match[ix]
		}
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
func (p *Picker) freshen() {
	for i := p.top; i < len(p.view) && i < p.top+max(p.rows, 1); i++ {
		s := &p.all[p.view[i]]
		s.fresh()
		for c, w := range s.widths {
			p.nat[c] = max(p.nat[c], w)
		}
	}
}

// Selected returns the conversation under the cursor, or nil.
func (p *Picker) Selected() *model.Conversation {
	if p.cur >= 0 && p.cur < len(p.view) {
		return p.all[p.view[p.cur]].conv
	}
	return nil
}

// Select puts the cursor on c's row, when it is shown.
func (p *Picker) Select(c *model.Conversation) {
	for i, v := range p.view {
		if p.all[v].conv == c {
			p.cur = i
		}
	}
}

// Total is how many conversations the picker lists, shown or filtered out.
func (p *Picker) Total() int { return len(p.all) }

// First returns the first conversation listed, in the order they opened
// whatever the sort, or nil.
func (p *Picker) First() *model.Conversation {
	if len(p.all) == 0 {
		return nil
	}
	return p.all[0].conv
}

// Shown returns the conversations the filter lets through, as sorted.
func (p *Picker) Shown() []*model.Conversation {
	out := make([]*model.Conversation, len(p.view))
	for i, v := range p.view {
		out[i] = p.all[v].conv
	}
	return out
}

// Filter is the text typed into the filter.
func (p *Picker) Filter() string { return p.filter }

// DisplayFilter is the display filter typed, or nil when what is typed is
// matched as text: empty, plain words (tcp, 192.0.2.20, FIN both), or
// text that does not compile as a filter.
func (p *Picker) DisplayFilter() *filter.Filter { return p.df }

// FilterError is why the text typed does not compile as a display filter,
// when it is shown (it looks like a filter, or matches no row as text);
// else nil.
func (p *Picker) FilterError() *filter.Error {
	if p.df == nil && p.dfErr != nil && (looksLikeFilter(p.filter) || len(p.view) == 0) {
		return p.dfErr
	}
	return nil
}

// MatchedFor is the display filter and the number of frames of the
// timeline that the matches the picker holds were found for.
func (p *Picker) MatchedFor() (expr string, frames int) { return p.matchExpr, p.matchFrames }

// Pending says the display filter typed waits for its matches: none came
// for it yet, so the rows shown are an earlier filter's.
func (p *Picker) Pending() bool { return p.df != nil && p.matchExpr != p.df.String() }

// SetMatches gives the picker the conversations that have a frame passing
// display filter expr (by conversation index), found over the first
// frames frames of the timeline, the picker being drawn h lines high. An
// answer for a filter that is no longer the one typed is dropped.
func (p *Picker) SetMatches(expr string, frames int, convs []bool, h int) {
	if p.df == nil || p.df.String() != expr {
		return
	}
	p.match, p.matchExpr, p.matchFrames = convs, expr, frames
	p.refresh()
	p.scroll(p.rowsIn(h))
}

// setFilter takes the text typed and decides what it is: a display filter
// when it compiles and is not a plain word, else text to match.
func (p *Picker) setFilter(text string) {
	p.filter, p.df, p.dfErr = text, nil, nil
	if strings.TrimSpace(text) == "" {
		return
	}
	f, err := filter.Compile(text)
	switch {
	case err == nil && !plainWord(text):
		p.df = f
	case err != nil:
		if fe, ok := err.(*filter.Error); ok {
			p.dfErr = fe
		}
	}
}

// plainWord reports whether text is one word of letters, digits, - and _,
// such as tcp or ip: a display filter that every frame of its protocol
// passes, but more likely the start of a word looked for as text.
func plainWord(text string) bool {
	t := strings.TrimSpace(text)
	for _, r := range t {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return t != ""
}

// looksLikeFilter reports whether text that does not compile was meant as
// a display filter: it has an operator, a bracket or a quote in it, a
// logical word, or a dotted word that starts like a field (tcp.prot).
func looksLikeFilter(text string) bool {
	if strings.ContainsAny(text, "=!<>&|~()[]{}\"") {
		return true
	}
	for _, w := range strings.Fields(strings.ToLower(text)) {
		switch w {
		case "and", "or", "not", "xor", "in", "contains", "matches", "eq", "ne", "gt", "lt", "ge", "le":
			return true
		}
		for _, proto := range []string{"frame.", "ip.", "ipv6.", "tcp.", "icmp.", "icmpv6.", "tcpstep."} {
			if strings.HasPrefix(w, proto) {
				return true
			}
		}
	}
	return false
}

// SortedBy returns the title of the column the rows are sorted by, and
// whether they are sorted in descending order.
func (p *Picker) SortedBy() (column string, desc bool) {
	return columns[sortable[p.sortCol]].title, p.desc
}

// Key is what the root asks of the picker, mapped from its key bindings
// (and the mouse wheel), so that the picker does not know the key map.
type Key int

const (
	KeyUp Key = iota
	KeyDown
	KeyPageUp
	KeyPageDown
	KeyFirst
	KeyLast
	// The mouse wheel over the picker (three rows a notch).
	KeyWheelUp
	KeyWheelDown
	KeySortNext    // sort by the next column
	KeySortReverse // reverse the sort
	KeyClear       // clear the filter
	KeyBackspace   // delete the filter's last character
)

// Key does what k asks, the picker being drawn h lines high. It reports
// false when there was nothing to do for a key that has another use then:
// KeyClear with no filter to clear, which goes back to the stepper.
func (p *Picker) Key(k Key, h int) bool {
	rows := p.rowsIn(h)
	switch k {
	case KeyUp:
		p.move(-1, rows)
	case KeyDown:
		p.move(1, rows)
	case KeyPageUp:
		p.move(-rows, rows)
	case KeyPageDown:
		p.move(rows, rows)
	case KeyFirst:
		p.move(-len(p.view), rows)
	case KeyLast:
		p.move(len(p.view), rows)
	case KeyWheelUp:
		p.move(-3, rows)
	case KeyWheelDown:
		p.move(3, rows)
	case KeySortNext:
		p.sortCol = (p.sortCol + 1) % len(sortable)
		p.refresh()
		p.scroll(rows)
	case KeySortReverse:
		p.desc = !p.desc
		p.refresh()
		p.scroll(rows)
	case KeyClear:
		if p.filter == "" {
			return false
		}
		p.setFilter("")
		p.refresh()
		p.scroll(p.rowsIn(h))
	case KeyBackspace:
		r := []rune(p.filter)
		if len(r) == 0 {
			return false
		}
		p.setFilter(string(r[:len(r)-1]))
		p.refresh()
		p.scroll(p.rowsIn(h))
	default:
		return false
	}
	return true
}

// Type adds text typed to the filter, the picker being drawn h lines high;
// text with nothing printable in it, or with controls, is not a filter.
func (p *Picker) Type(text string, h int) {
	if text == "" || ansi.StringWidth(text) == 0 || model.Visible(text) != text {
		return
	}
	p.setFilter(p.filter + text)
	p.refresh()
	p.top = 0
	p.scroll(p.rowsIn(h))
}

// Click selects the row drawn on line y of the picker. It reports whether
// that row was selected already: a second click, which opens it.
func (p *Picker) Click(y int) bool {
	head := p.headFor(p.rows)
	i := p.top + y - head
	if y < head || i < 0 || i >= len(p.view) {
		return false
	}
	if i == p.cur {
		return true
	}
	p.cur = i
	return false
}

// Scroll brings the cursor into sight of the picker drawn h lines high.
func (p *Picker) Scroll(h int) { p.scroll(p.rowsIn(h)) }

func (p *Picker) move(d, rows int) {
	if len(p.view) == 0 {
		p.cur = 0
		return
	}
	p.cur = min(max(p.cur+d, 0), len(p.view)-1)
	p.scroll(rows)
}

func (p *Picker) scroll(rows int) {
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

// rowsIn is how many table rows fit in h lines: the title, the lines
// under it that say why the filter does not compile, and the header come
// first.
func (p *Picker) rowsIn(h int) int { return max(h-p.headLines(h), 1) }

// headLines is how many of h lines come before the rows: the title, the
// filter's error lines that fit, the header.
func (p *Picker) headLines(h int) int { return 2 + p.errorLines(h) }

// errorLines is how many lines under the title say why the filter does not
// compile, in a picker h lines high: the error, when three rows still fit,
// and a caret under the filter typed, when four do.
func (p *Picker) errorLines(h int) int {
	if p.FilterError() == nil {
		return 0
	}
	switch {
	case h >= 2+2+4:
		return 2
	case h >= 2+1+3:
		return 1
	}
	return 0
}

// headFor is how many lines come before the rows when rows of them are
// shown: the headLines of the height that shows that many.
func (p *Picker) headFor(rows int) int {
	for e := 2; e > 0; e-- {
		if p.errorLines(rows+2+e) == e {
			return 2 + e
		}
	}
	return 2
}

// columnWidths fits the columns into w: natural widths first, then the
// flexible columns shrunk, then the least important columns dropped. A
// width of 0 means the column is not shown.
func (p *Picker) columnWidths(w int) [numCols]int {
	var nat [numCols]int
	for c := range numCols {
		nat[c] = max(ansi.StringWidth(columns[c].title), p.nat[c])
	}
	nat[colEvents] = min(nat[colEvents], 40)
	nat[colApp] = min(nat[colApp], 32)
	if p.nat[colApp] == 0 {
		nat[colApp] = 0 // no conversation's protocol is known: no column
	}
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
		if over := total() - w; over > 0 && columns[c].minW > 0 && widths[c] > columns[c].minW {
			widths[c] -= min(over, widths[c]-columns[c].minW)
		}
	}
	// dropUpTo drops the least important shown column whose keep is at
	// most limit, reporting whether it dropped one.
	dropUpTo := func(limit int) bool {
		drop, lowest := -1, limit+1
		for c := range numCols {
			if widths[c] > 0 && columns[c].keep < lowest {
				drop, lowest = c, columns[c].keep
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
	for total() > w && dropUpTo(minorKeep) {
	}
	shrink(colApp)
	// The endpoints share the cut, the longer one giving more.
	for total() > w && (widths[colClient] > columns[colClient].minW || widths[colServer] > columns[colServer].minW) {
		c := colClient
		if widths[colServer] > widths[colClient] {
			c = colServer
		}
		if widths[c] <= columns[c].minW {
			c = colClient + colServer - c
		}
		widths[c]--
	}
	for total() > w && dropUpTo(majorKeep) {
	}
	return widths
}

// View draws the picker in exactly w×h.
func (p *Picker) View(w, h int) string { return render(&p.st, p, w, h) }

// render draws p in exactly w×h.
func render(st *Styles, p *Picker, w, h int) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	lines := make([]string, 0, h)
	sortName := columns[sortable[p.sortCol]].title
	dir := "↑"
	if p.desc {
		dir = "↓"
	}
	count := " " + plural(len(p.all), "conversation")
	switch {
	case p.Pending():
		count = " " + theme.Ellipsis + " of " + plural(len(p.all), "conversation")
	case len(p.view) != len(p.all):
		count = fmt.Sprintf(" %d of %s", len(p.view), plural(len(p.all), "conversation"))
	}
	if p.growing {
		count += " so far"
	}
	prompt := "   filter "
	if p.df != nil {
		prompt = "   display filter "
	}
	typed := model.Visible(p.filter)
	title := []pane.Span{
		{Text: count, Style: &st.Filter},
		{Text: prompt, Style: &st.Prompt},
		{Text: typed + "▏", Style: &st.Filter},
		{Text: "   sort ", Style: &st.Prompt},
		{Text: sortName + " " + dir, Style: &st.Sorted},
	}
	widths := p.columnWidths(w)
	if sc := sortable[p.sortCol]; widths[colBytesC2S] > 0 || widths[colBytesS2C] > 0 || sc == colBytesC2S || sc == colBytesS2C {
		used := 0
		for _, s := range title {
			used += ansi.StringWidth(s.Text)
		}
		for _, l := range bytesLegends {
			if gap := w - used - ansi.StringWidth(l) - 1; gap >= 3 {
				title = append(title, pane.Span{Text: strings.Repeat(" ", gap), Style: nil}, pane.Span{Text: l, Style: &st.Legend})
				break
			}
		}
	}
	lines = append(lines, pane.RenderSpans(title, w, nil))
	if h == 1 {
		return lines[0]
	}
	if e := p.FilterError(); e != nil {
		n := p.errorLines(h)
		if n == 2 {
			// The caret under the filter typed, where the title shows it
			// whole; else a line of nothing, rather than a caret elsewhere.
			at := ansi.StringWidth(count + prompt)
			caret := ""
			if marks := strings.SplitN(e.Caret(), "\n", 2); len(marks) == 2 && at+ansi.StringWidth(typed)+1 <= w {
				caret = strings.Repeat(" ", at) + marks[1]
			}
			lines = append(lines, pane.RenderSpans([]pane.Span{{Text: caret, Style: &st.Error}}, w, nil))
		}
		if n >= 1 {
			lines = append(lines, pane.RenderSpans([]pane.Span{{Text: " " + ansi.Truncate(model.Visible(e.Error()), max(w-1, 0), theme.Ellipsis), Style: &st.Error}}, w, nil))
		}
	}
	cell := func(c int, text string) string {
		cw := widths[c]
		if c == colApp {
			text = appFit(text, cw)
		}
		text = ansi.Truncate(text, cw, theme.Ellipsis)
		pad := strings.Repeat(" ", cw-ansi.StringWidth(text))
		if columns[c].right {
			return pad + text
		}
		return text + pad
	}
	var hdr []pane.Span
	hdr = append(hdr, pane.Span{Text: "  ", Style: nil})
	sep := ""
	for c := range numCols {
		if widths[c] == 0 {
			continue
		}
		hs := &st.Header
		if c == sortable[p.sortCol] {
			hs = &st.Sorted
		}
		hdr = append(hdr, pane.Span{Text: sep, Style: nil}, pane.Span{Text: cell(c, columns[c].title), Style: hs})
		sep = "  "
	}
	lines = append(lines, pane.RenderSpans(hdr, w, nil))
	rows := p.rowsIn(h)
	if len(p.view) == 0 {
		msg := "no conversation matches the filter (esc clears it)"
		switch {
		case len(p.all) == 0:
			msg = "no TCP conversations in this capture"
		case p.df != nil && !p.Pending():
			msg = "no conversation has a frame that passes the display filter (esc clears it)"
		}
		lines = append(lines, pane.RenderSpans([]pane.Span{{Text: "  " + msg, Style: &st.Empty}}, w, nil))
	}
	for i := p.top; i < len(p.view) && i < p.top+rows; i++ {
		s := &p.all[p.view[i]]
		var bg *lipgloss.Style
		marker := "  "
		if i == p.cur {
			bg = &st.Cursor
			marker = theme.Cursor + " "
		}
		row := []pane.Span{{Text: marker, Style: &st.Marker}}
		sep := ""
		for c := range numCols {
			if widths[c] == 0 {
				continue
			}
			cs := &st.Row
			switch s.cells[c] {
			case "refused", "RST":
				cs = &st.Refused
			}
			if c == colEvents && s.events > 0 {
				cs = &st.Event
			}
			row = append(row, pane.Span{Text: sep, Style: nil}, pane.Span{Text: cell(c, s.cells[c]), Style: cs})
			sep = "  "
		}
		lines = append(lines, pane.RenderSpans(row, w, bg))
	}
	for len(lines) < h {
		lines = append(lines, strings.Repeat(" ", w))
	}
	// Two lines hold the title and the header, and no room for the row
	// (or the line saying there is none) that rowsIn still counts.
	return strings.Join(lines[:h], "\n")
}

// plural is "1 conversation", "2 conversations".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
