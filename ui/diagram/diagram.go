// Package diagram is the state diagram view: RFC 9293's Figure 5 (RFC
// 793's Figure 6) of TCP's states, with the client's and the server's
// state marked and the arrows this step took drawn heavy in each side's
// colour, the moves named under the figure, and under that where the
// capture was taken, since the states are as seen from there.
//
// The figure is fixed, so a student learns one picture and a step moves
// only marks and highlights. It comes in two drawings (figures.go): the
// full one, framed boxes and every arrow labelled in the model's words,
// and a compact one in one-line boxes for small panes; below that the
// view says the states in words.
package diagram

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
	"github.com/tcpstep/tcpstep/ui/theme"
)

// Sides, as bits: who is in a box or took an arrow.
const (
	sideClient uint8 = 1 << iota
	sideServer
	sideBoth = sideClient | sideServer
)

// scene is what one drawing shows: both sides' states, the moves of this
// step by side (either: moves that could not be told apart, see
// splitMoves), and for a side that is CLOSED the move that last took it
// there, which says which CLOSED box it is in.
type scene struct {
	client, server         model.State
	cm, sm, either         []model.Transition
	clientPrev, serverPrev model.Transition
}

// stateMoves are the transitions of one step, split by side.
type stateMoves struct {
	client, server, either []model.Transition
}

// splitMoves tells the client's transitions from the server's in moves,
// which hold the client's (a chain ending in its state) followed by the
// server's (a chain ending in its state). When both sides are in the same
// state the split can be ambiguous (the third segment of a handshake moves
// the server into ESTABLISHED, where the client already is); such moves are
// returned as either rather than guessed. Callers that know the sides use
// renderSides instead.
func splitMoves(client, server model.State, moves []model.Transition) stateMoves {
	chain := func(ms []model.Transition, end model.State) bool {
		if len(ms) == 0 {
			return true
		}
		if ms[len(ms)-1].To != end {
			return false
		}
		for i := 1; i < len(ms); i++ {
			if ms[i-1].To != ms[i].From {
				return false
			}
		}
		return true
	}
	var valid []int
	for k := 0; k <= len(moves); k++ {
		if chain(moves[:k], client) && chain(moves[k:], server) {
			valid = append(valid, k)
		}
	}
	if len(valid) == 1 {
		k := valid[0]
		return stateMoves{client: moves[:k], server: moves[k:]}
	}
	var sm stateMoves
	for _, m := range moves {
		switch {
		case len(valid) == 0 && m.To == client && m.To != server:
			sm.client = append(sm.client, m)
		case len(valid) == 0 && m.To == server && m.To != client:
			sm.server = append(sm.server, m)
		default:
			sm.either = append(sm.either, m)
		}
	}
	return sm
}

// Render draws the state diagram in at most w columns and h lines: the
// client's and the server's current states marked C and S, the
// transitions in moves (the client's, then the server's) drawn heavy and
// named below the figure. Where the full figure does not fit it draws the
// compact one, and where that does not fit it says the states in words.
func Render(st Styles, client, server model.State, moves []model.Transition, w, h int) string {
	mv := splitMoves(client, server, moves)
	return renderScene(st, scene{client: client, server: server, cm: mv.client, sm: mv.server, either: mv.either}, nil, w, h)
}

// renderSides is Render for a caller that knows which side each
// transition belongs to (model.StepTransitions tells it).
func renderSides(st Styles, client, server model.State, cm, sm []model.Transition, w, h int) string {
	return renderScene(st, scene{client: client, server: server, cm: cm, sm: sm}, nil, w, h)
}

// formFor returns the largest figure that fits w×h with a line under it
// for the moves, or nil.
func formFor(w, h int) *fig {
	for _, f := range figures {
		if w >= f.w && h >= f.h+1 {
			return f
		}
	}
	return nil
}

// renderScene draws sc in w×h: the figure, the moves under it, the
// vantage sentence (when v is not nil) and the legend, each when there is
// room for it, in that order.
func renderScene(st Styles, sc scene, v *model.Vantage, w, h int) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	f := formFor(w, h)
	var lines []string
	indent := 0
	if f != nil {
		indent = (w - f.w) / 2
		lines = f.draw(&st, sc)
	} else {
		lines = []string{summary(&st, sc)}
	}
	room := h - len(lines)
	fw := w - indent
	var short string
	var full []string
	caption := false
	if v != nil {
		short, full = vantageShort(*v), pane.Wrap(v.Sentence(), fw)
		caption = f != nil && pane.Width(short) <= f.caption
	}
	// The moves come first, on a line each or all on one; then the vantage
	// sentence, which keeps a line of its own unless the figure has a
	// corner for it.
	moveRoom := room
	if v != nil && !caption && room >= 2 {
		moveRoom--
	}
	moves := moveLines(&st, sc)
	if len(moves) > moveRoom {
		moves = []string{movesOneLine(&st, sc)}
	}
	if len(moves) > moveRoom {
		moves = moves[:moveRoom]
	}
	lines = append(lines, moves...)
	room -= len(moves)
	if v != nil {
		switch {
		case room >= len(full):
			for _, l := range full {
				lines = append(lines, st.Note.Render(l))
			}
			room -= len(full)
		case room >= 1:
			lines = append(lines, st.Note.Render(short))
			room--
		case caption:
			// No line to spare: the short sentence takes the figure's
			// empty corner.
			lines[0] = st.Note.Render(short) + strings.Repeat(" ", f.caption+2-pane.Width(short)) + ansi.TruncateLeft(lines[0], f.caption+2, "")
		}
	}
	if room >= 1 && f != nil {
		lines = append(lines, legend(&st))
	}
	pad := strings.Repeat(" ", indent)
	for i, l := range lines {
		l = pad + l
		if pane.Width(l) > w {
			l = ansi.Truncate(l, w, theme.Ellipsis)
		}
		lines[i] = strings.TrimRight(l, " ")
	}
	if len(lines) > h {
		lines = lines[:h]
	}
	return strings.Join(lines, "\n")
}

// boxOf returns the box of f a side in state s is in: the only one, or for
// CLOSED the one its last move into CLOSED (this step's, or prev) points
// to, the top one when there was none.
func (f *fig) boxOf(s model.State, moves []model.Transition, prev model.Transition) int {
	if s >= model.NumStates {
		return -1
	}
	if s == model.Closed {
		last := prev
		for _, m := range moves {
			if m.To == model.Closed {
				last = m
			}
		}
		if e := f.edgeFor(last); last.Event != "" && e >= 0 {
			return f.edges[e].to
		}
	}
	return f.firstBox(s)
}

// Glyphs of the drawing: light lines become heavy where a side is, and
// the heads of arrows not taken are hollow.
func heavy(r rune) rune {
	switch r {
	case '─':
		return '━'
	case '│':
		return '┃'
	case '┌':
		return '┏'
	case '┐':
		return '┓'
	case '└':
		return '┗'
	case '┘':
		return '┛'
	}
	return r
}

func hollow(r rune) rune {
	switch r {
	case '▲':
		return '△'
	case '▼':
		return '▽'
	case '▶':
		return '▷'
	case '◀':
		return '◁'
	}
	return r
}

// teeGlyph[tee][box heavy][arrow heavy].
var teeGlyph = map[rune][2][2]rune{
	'┬': {{'┬', '┰'}, {'┯', '┳'}},
	'┴': {{'┴', '┸'}, {'┷', '┻'}},
	'├': {{'├', '┝'}, {'┠', '┣'}},
	'┤': {{'┤', '┥'}, {'┨', '┫'}},
}

// The styles of a drawing's cells, by index.
const (
	sPlain = iota
	sBox
	sName
	sEdge
	sLabel
	sClient
	sServer
	sBoth
	sClientFill
	sServerFill
	sBothFill
	numStyles
)

// sideStyle is the style of side mask m.
func sideStyle(m uint8) int {
	switch m {
	case sideClient:
		return sClient
	case sideServer:
		return sServer
	}
	return sBoth
}

// mark is a C or S mark of a drawing.
type mark struct {
	at   pt
	side uint8
}

// draw draws the figure for sc, one string per line, styled.
func (f *fig) draw(st *Styles, sc scene) []string {
	boxSide := make([]uint8, len(f.boxes))
	if b := f.boxOf(sc.client, sc.cm, sc.clientPrev); b >= 0 {
		boxSide[b] |= sideClient
	}
	if b := f.boxOf(sc.server, sc.sm, sc.serverPrev); b >= 0 {
		boxSide[b] |= sideServer
	}
	edgeSide := make([]uint8, len(f.edges))
	for _, g := range []struct {
		ms []model.Transition
		m  uint8
	}{{sc.cm, sideClient}, {sc.sm, sideServer}, {sc.either, sideBoth}} {
		for _, t := range g.ms {
			if e := f.edgeFor(t); e >= 0 {
				edgeSide[e] |= g.m
			}
		}
	}
	var marks []mark
	for i, b := range f.boxes {
		if boxSide[i]&sideClient != 0 {
			marks = append(marks, mark{b.markC, sideClient})
		}
		if boxSide[i]&sideServer != 0 {
			marks = append(marks, mark{b.markS, sideServer})
		}
	}
	// A style's codes are learnt once per drawing: lipgloss's Render is
	// too slow for every run of every line.
	var codes [numStyles][2]string
	fill := func(s lipgloss.Style) *lipgloss.Style { s = s.Reverse(true); return &s }
	for i, s := range [numStyles]*lipgloss.Style{nil, &st.Box, &st.Name, &st.Edge, &st.Label, &st.Client, &st.Server, &st.Both,
		fill(st.Client), fill(st.Server), fill(st.Both)} {
		if s != nil {
			r := s.Render("x")
			j := strings.IndexByte(r, 'x')
			codes[i] = [2]string{r[:j], r[j+1:]}
		}
	}
	out := make([]string, 0, f.h)
	var row strings.Builder
	for y := range f.h {
		row.Reset()
		row.Grow(f.w * 8)
		run := -1
		end := f.w
		for end > 0 && f.at(pt{end - 1, y}) == ' ' {
			end--
		}
		for x := range end {
			r, s := f.cell(pt{x, y}, boxSide, edgeSide, marks)
			if s != run {
				if run >= 0 {
					row.WriteString(codes[run][1])
				}
				row.WriteString(codes[s][0])
				run = s
			}
			row.WriteRune(r)
		}
		if run >= 0 {
			row.WriteString(codes[run][1])
		}
		out = append(out, row.String())
	}
	return out
}

// cell returns the glyph and style of one cell of the drawing.
func (f *fig) cell(p pt, boxSide, edgeSide []uint8, marks []mark) (rune, int) {
	r := f.at(p)
	o := f.ownerAt(p)
	for _, m := range marks {
		if m.at == p {
			s := sideStyle(m.side)
			if o.kind == kName {
				s = sideStyle(boxSide[o.box]) + sClientFill - sClient
			}
			if m.side == sideClient {
				return 'C', s
			}
			return 'S', s
		}
	}
	switch o.kind {
	case kBorder:
		if m := boxSide[o.box]; m != 0 {
			return heavy(r), sideStyle(m)
		}
		return r, sBox
	case kName:
		m := boxSide[o.box]
		if m != 0 && !f.boxes[o.box].framed {
			// A one-line box has no frame to draw heavy: it is filled.
			return r, sideStyle(m) + sClientFill - sClient
		}
		if r == ' ' {
			return r, sPlain
		}
		if m != 0 {
			return r, sideStyle(m)
		}
		return r, sName
	case kTee:
		bm, em := boxSide[o.box], edgeSide[o.edge]
		g := teeGlyph[r][b2i(bm != 0)][b2i(em != 0)]
		switch {
		case em != 0:
			return g, sideStyle(em)
		case bm != 0:
			return g, sideStyle(bm)
		}
		return g, sBox
	case kLine:
		if m := edgeSide[o.edge]; m != 0 {
			return heavy(r), sideStyle(m)
		}
		return hollow(r), sEdge
	case kLabel:
		if m := edgeSide[o.edge]; m != 0 {
			return r, sideStyle(m)
		}
		return r, sLabel
	}
	return r, sPlain
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// legend says what the marks and heavy arrows mean.
func legend(st *Styles) string {
	return st.Client.Render("C") + st.Dim.Render(" client  ") + st.Server.Render("S") +
		st.Dim.Render(" server  ") + st.Client.Render("━▶") + st.Server.Render("━▶") + st.Dim.Render(" this step's moves")
}

// summary is both sides' states in words, for a pane too small for a
// figure: "C ESTABLISHED  S SYN_RECEIVED".
func summary(st *Styles, sc scene) string {
	return st.Client.Render("C "+stateName(sc.client)) + "  " + st.Server.Render("S "+stateName(sc.server))
}

func stateName(s model.State) string {
	if s >= model.NumStates {
		return "?"
	}
	return s.String()
}

// moveLines names each side's moves on a line of its own, e.g.
// "client: SYN_SENT → ESTABLISHED  rcv SYN,ACK / snd ACK", or says that
// nothing moved.
func moveLines(st *Styles, sc scene) []string {
	var out []string
	add := func(who string, s *lipgloss.Style, ms []model.Transition) {
		if len(ms) == 0 {
			return
		}
		path := stateName(ms[0].From)
		var labels []string
		for _, m := range ms {
			path += " → " + stateName(m.To)
			labels = append(labels, model.Visible(m.Label()))
		}
		prefix := ""
		if who != "" {
			prefix = s.Render(who+":") + " "
		}
		out = append(out, prefix+s.Render(path)+"  "+st.Name.Render(strings.Join(labels, "; ")))
	}
	add("client", &st.Client, sc.cm)
	add("server", &st.Server, sc.sm)
	add("", &st.Both, sc.either)
	if len(out) == 0 {
		out = append(out, st.Dim.Render("no state change at this step"))
	}
	return out
}

// movesOneLine names both sides' moves by their states alone on one
// line, "client CLOSED → SYN_SENT · server LISTEN → SYN_RECEIVED", for a
// pane without a line for each (the figure's heavy arrows carry the
// labels).
func movesOneLine(st *Styles, sc scene) string {
	var parts []string
	add := func(who string, s *lipgloss.Style, ms []model.Transition) {
		if len(ms) == 0 {
			return
		}
		path := stateName(ms[0].From)
		for _, m := range ms {
			path += " → " + stateName(m.To)
		}
		if who != "" {
			path = who + " " + path
		}
		parts = append(parts, s.Render(path))
	}
	add("client", &st.Client, sc.cm)
	add("server", &st.Server, sc.sm)
	add("", &st.Both, sc.either)
	if len(parts) == 0 {
		return st.Dim.Render("no state change at this step")
	}
	return strings.Join(parts, st.Dim.Render(" · "))
}

// vantageShort is the vantage sentence for a pane with one line to spare.
func vantageShort(v model.Vantage) string {
	switch v.Kind {
	case model.VantageUnknown:
		return "States as seen from an unknown vantage point."
	case model.VantageSameHost:
		return "States as seen on the host that is both ends."
	}
	return "States as seen from " + v.Kind.String() + "."
}

// renderPane draws the state diagram of a step and, under it, where the
// capture was taken (the states are as seen from there): the whole
// sentence when there is room, else the short one.
func renderPane(st Styles, client, server model.State, cm, sm []model.Transition, v model.Vantage, w, h int) string {
	return renderScene(st, scene{client: client, server: server, cm: cm, sm: sm}, &v, w, h)
}

// Pane is the state diagram as the stepper holds it: its styles and its
// last drawing, which a long transfer redraws unchanged step after step
// (ESTABLISHED on both sides, no moves).
type Pane struct {
	st   Styles
	memo struct {
		key  memoKey
		out  string
		done bool
	}
}

// memoKey is everything a drawing depends on.
type memoKey struct {
	client, server model.State
	moves          string // the step's transitions, both sides
	prev           [2]model.Transition
	vantage        model.Vantage
	w, h           int
}

// NewPane returns the view, with nothing drawn yet.
func NewPane(st Styles) *Pane { return &Pane{st: st} }

// SetStyles changes the view's colours (the terminal's background was
// learnt).
func (p *Pane) SetStyles(st Styles) {
	p.st = st
	p.memo.done = false
}

// SetDark builds the view's styles for the terminal's background.
func (p *Pane) SetDark(isDark bool) { p.SetStyles(NewStyles(isDark)) }

// states returns both sides' states at ctx's row: after the segment it
// shows, or before the first segment the conversation's initial states.
func states(ctx pane.Context) (client, server model.State) {
	if ctx.Seg >= 0 && ctx.TL != nil && ctx.Seg < len(ctx.TL.Segments) {
		s := &ctx.TL.Segments[ctx.Seg]
		return s.Client(), s.Server()
	}
	return ctx.Conv.InitClient, ctx.Conv.InitServer
}

// stepMoves returns the transitions of ctx's row, the client's and the
// server's. An extra frame (fragment, ICMP error) moves no state: the
// sides stay where the segment before it left them, without moves.
func stepMoves(ctx pane.Context) (cm, sm []model.Transition) {
	if ctx.Row < 0 || ctx.Row >= len(ctx.Rows) || ctx.Rows[ctx.Row].Seg < 0 {
		return nil, nil
	}
	return model.StepTransitions(ctx.TL, ctx.Seg)
}

// closedBy returns, for each side that is CLOSED at ctx's row without
// having moved there at this step, the move that took it there at an
// earlier step (none when it has been CLOSED since the start, or for
// longer than the view looks back): it says which CLOSED box the side is
// in.
func closedBy(ctx pane.Context, client, server model.State, cm, sm []model.Transition) (prev [2]model.Transition) {
	need := [2]bool{client == model.Closed && len(cm) == 0, server == model.Closed && len(sm) == 0}
	if (!need[0] && !need[1]) || ctx.TL == nil || ctx.Conv == nil || ctx.Seg < 0 {
		return prev
	}
	segs := ctx.Conv.Segs
	k := len(segs) - 1
	for k >= 0 && int(segs[k]) > ctx.Seg {
		k--
	}
	stateAt := func(j, side int) model.State {
		if j < 0 {
			return [2]model.State{ctx.Conv.InitClient, ctx.Conv.InitServer}[side]
		}
		s := &ctx.TL.Segments[segs[j]]
		return [2]model.State{s.Client(), s.Server()}[side]
	}
	const lookBack = 1 << 16
	for side := range 2 {
		if !need[side] {
			continue
		}
		// The step that took the side into CLOSED is the one after the
		// last row where it was in another state.
		j := k
		for j >= 0 && k-j < lookBack && stateAt(j, side) == model.Closed {
			j--
		}
		if j == k || k-j >= lookBack || stateAt(j, side) == model.Closed {
			continue
		}
		c, s := model.StepTransitions(ctx.TL, int(segs[j+1]))
		if ms := [2][]model.Transition{c, s}[side]; len(ms) > 0 && ms[len(ms)-1].To == model.Closed {
			prev[side] = ms[len(ms)-1]
		}
	}
	return prev
}

// Title is what the view's border adds to its name: both sides' states,
// "C ESTABLISHED  S SYN_RECEIVED".
func (p *Pane) Title(ctx pane.Context) string {
	if ctx.Conv == nil {
		return ""
	}
	c, s := states(ctx)
	return fmt.Sprintf("C %s  S %s", c, s)
}

// View draws the diagram at ctx's row in w×h cells, with the vantage
// sentence under it, from the last drawing when the sides' states, the
// step's moves, the vantage point and the size are those last drawn.
func (p *Pane) View(ctx pane.Context, w, h int) string {
	if ctx.Conv == nil {
		return ""
	}
	c, s := states(ctx)
	cm, sm := stepMoves(ctx)
	prev := closedBy(ctx, c, s, cm, sm)
	var moves strings.Builder
	for _, ms := range [][]model.Transition{cm, sm} {
		for _, t := range ms {
			moves.WriteString(t.From.String() + "\x00" + t.To.String() + "\x00" + t.Event + "\x00" + t.Action + "\x00")
		}
		moves.WriteString("\x01")
	}
	k := memoKey{client: c, server: s, moves: moves.String(), prev: prev, vantage: ctx.Vantage, w: w, h: h}
	if !p.memo.done || p.memo.key != k {
		sc := scene{client: c, server: s, cm: cm, sm: sm, clientPrev: prev[0], serverPrev: prev[1]}
		p.memo.key, p.memo.out, p.memo.done = k, renderScene(p.st, sc, &ctx.Vantage, w, h), true
	}
	return p.memo.out
}

// Key steps the stepper with ↑ and ↓, as the ladder does.
func (p *Pane) Key(ctx pane.Context, k pane.Key, _, _ int) pane.Result {
	switch k {
	case pane.KeyDown:
		return pane.GoTo(ctx.Row + 1)
	case pane.KeyUp:
		return pane.GoTo(ctx.Row - 1)
	}
	return pane.Unused
}
