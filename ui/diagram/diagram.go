// Package diagram is the state diagram view: RFC 793's (and RFC 9293's)
// figure of TCP's states with the client's and the server's state marked,
// the arrows this step took drawn heavy and named under the figure, and
// under that where the capture was taken, since the states are as seen
// from there. The figure is fixed, so a step moves only marks and
// highlights; where it does not fit it shrinks to a condensed figure and
// then to a list of the states.
package diagram

import (
	"fmt"
	"image/color"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
	"github.com/tcpstep/tcpstep/ui/theme"
)

// Styles are the state diagram's styles, by meaning. The diagram never
// relies on colour alone: the client's and the server's states carry the
// letters C and S, and the arrows taken at this step are drawn with heavy
// lines and filled arrowheads where the others are light and hollow.
type Styles struct {
	Box    lipgloss.Style // the border of a state no side is in
	Name   lipgloss.Style // the name of a state no side is in
	Client lipgloss.Style // the C mark, and the box of the client's state
	Server lipgloss.Style // the S mark, and the box of the server's state
	Both   lipgloss.Style // the box of a state both sides are in
	Edge   lipgloss.Style // an arrow not taken at this step
	Active lipgloss.Style // an arrow taken at this step, and its name
	Label  lipgloss.Style // the event / action of a transition
	Dim    lipgloss.Style // the legend and "no state change"
	Note   lipgloss.Style // the vantage sentence under the figure
}

// NewStyles builds the diagram's styles for a dark or light background.
func NewStyles(isDark bool) Styles {
	p := theme.For(isDark)
	fg := func(c color.Color) lipgloss.Style { return lipgloss.NewStyle().Foreground(c) }
	return Styles{
		Box:    fg(p.Faint),
		Name:   fg(p.InkSoft),
		Client: fg(p.Blue).Bold(true),
		Server: fg(p.Orange).Bold(true),
		Both:   fg(p.Violet).Bold(true),
		Edge:   fg(p.Fainter),
		Active: fg(p.Green).Bold(true),
		Label:  fg(p.Ink),
		Dim:    fg(p.Muted),
		Note:   fg(p.Muted).Italic(true),
	}
}

// The full figure's geometry: three columns of boxes, seven levels, one
// routing row above the top box and one between levels. Box positions and
// the routes of the arrows are fixed, so the picture is the same on every
// step and only marks and highlights move.
const (
	boxW   = 19 // "│ SYN_RECEIVED C S│"
	boxH   = 3
	figW   = 67 // three boxes and two gaps of five
	figH   = 28
	colL   = 0
	colM   = 24
	colR   = 48
	nameW  = 12 // the longest state name, SYN_RECEIVED
	markW  = 3  // "C S"
	levelH = 4  // box height plus one routing row
)

// box is a box of the full figure. closed2 is the second CLOSED box, the
// end of a connection at the bottom right of the RFC's figure.
type box struct {
	state model.State
	x, y  int
}

func levelY(level int) int { return 1 + level*levelH }

var fullBoxes = []box{
	{model.Closed, colM, levelY(0)},
	{model.Listen, colM, levelY(1)},
	{model.SynReceived, colL, levelY(2)},
	{model.SynSent, colR, levelY(2)},
	{model.Established, colM, levelY(3)},
	{model.FinWait1, colL, levelY(4)},
	{model.CloseWait, colR, levelY(4)},
	{model.FinWait2, colL, levelY(5)},
	{model.Closing, colM, levelY(5)},
	{model.LastAck, colR, levelY(5)},
	{model.TimeWait, colM, levelY(6)},
	{model.Closed, colR, levelY(6)}, // the second CLOSED
}

const closed2 = 11 // index of the second CLOSED box in fullBoxes

type pt struct{ x, y int }

// route is one arrow of RFC 793's figure 6 (and the FIN,ACK shortcut) as a
// polyline from a cell on the source box's border to a cell on the target
// box's border (which becomes the arrowhead), through its corners.
type route struct {
	from, to model.State
	toBox    int // index in fullBoxes of the target box
	pts      []pt
}

var fullRoutes = []route{
	{model.Closed, model.Listen, 1, []pt{{30, 3}, {30, 5}}},
	{model.Listen, model.Closed, 0, []pt{{36, 5}, {36, 3}}},
	{model.Closed, model.SynSent, 3, []pt{{42, 2}, {54, 2}, {54, 9}}},
	{model.SynSent, model.Closed, 0, []pt{{62, 9}, {62, 0}, {38, 0}, {38, 1}}},
	{model.Listen, model.SynReceived, 2, []pt{{24, 6}, {9, 6}, {9, 9}}},
	{model.Listen, model.SynSent, 3, []pt{{42, 6}, {51, 6}, {51, 9}}},
	{model.SynSent, model.SynReceived, 2, []pt{{48, 10}, {18, 10}}},
	{model.SynReceived, model.Established, 4, []pt{{12, 11}, {12, 12}, {30, 12}, {30, 13}}},
	{model.SynSent, model.Established, 4, []pt{{56, 11}, {56, 12}, {36, 12}, {36, 13}}},
	{model.SynReceived, model.FinWait1, 5, []pt{{4, 11}, {4, 17}}},
	{model.Established, model.FinWait1, 5, []pt{{24, 14}, {12, 14}, {12, 17}}},
	{model.Established, model.CloseWait, 6, []pt{{42, 14}, {56, 14}, {56, 17}}},
	{model.FinWait1, model.FinWait2, 7, []pt{{4, 19}, {4, 21}}},
	{model.FinWait1, model.Closing, 8, []pt{{18, 18}, {30, 18}, {30, 21}}},
	{model.CloseWait, model.LastAck, 9, []pt{{56, 19}, {56, 21}}},
	{model.FinWait2, model.TimeWait, 10, []pt{{9, 23}, {9, 26}, {24, 26}}},
	{model.Closing, model.TimeWait, 10, []pt{{33, 23}, {33, 25}}},
	{model.LastAck, model.Closed, closed2, []pt{{56, 23}, {56, 25}}},
	{model.TimeWait, model.Closed, closed2, []pt{{42, 26}, {48, 26}}},
	// Not in RFC 793's figure but in its text and in later drawings: a FIN
	// that also acknowledges ours takes FIN_WAIT_1 straight to TIME_WAIT.
	{model.FinWait1, model.TimeWait, 10, []pt{{16, 19}, {16, 20}, {21, 20}, {21, 24}, {26, 24}, {26, 25}}},
}

// geom is one drawing of the figure: where the boxes and arrows go, and
// how tall a box is (3 with top and bottom edges, 1 without).
type geom struct {
	w, h, boxH int
	boxes      []box
	routes     []route
}

var (
	// fullGeom is the figure with framed boxes, 67×28.
	fullGeom = geom{w: figW, h: figH, boxH: boxH, boxes: fullBoxes, routes: fullRoutes}
	// condensedGeom is the same figure in 19 lines: one-line boxes with
	// two routing rows between levels, for panes that are wide but not
	// tall (the states pane of a 200×50 terminal).
	condensedGeom = condense()
)

// condense derives the condensed figure from the full one. A level's top
// edge becomes the row of arrowheads above its one-line box, and its bottom
// edge merges with the routing row below: level k's name is on row 3k,
// arrowheads from above on 3k-1, routing on 3k+1. CLOSED has no row above
// it, so the two arrows that use it are routed anew.
func condense() geom {
	ry := func(y int) int {
		if y == 0 {
			return 0
		}
		k, r := (y-1)/levelH, (y-1)%levelH
		switch r {
		case 0: // top edge
			return 3*k - 1
		case 1: // name
			return 3 * k
		}
		return 3*k + 1 // bottom edge and routing row
	}
	g := geom{w: figW, h: 3*6 + 1, boxH: 1}
	for _, b := range fullBoxes {
		g.boxes = append(g.boxes, box{b.state, b.x, ry(b.y + 1)})
	}
	for _, rt := range fullRoutes {
		nr := route{from: rt.from, to: rt.to, toBox: rt.toBox}
		switch {
		case rt.from == model.Closed && rt.to == model.SynSent:
			// Leaves CLOSED downwards and runs along its routing row.
			nr.pts = []pt{{40, 1}, {54, 1}, {54, 5}}
		case rt.from == model.SynSent && rt.to == model.Closed:
			// Comes up the right and into CLOSED's right side.
			nr.pts = []pt{{62, 5}, {62, 0}, {42, 0}}
		default:
			for _, p := range rt.pts {
				q := pt{p.x, ry(p.y)}
				if n := len(nr.pts); n > 0 && nr.pts[n-1] == q {
					continue
				}
				nr.pts = append(nr.pts, q)
			}
		}
		g.routes = append(g.routes, nr)
	}
	return g
}

// role says how a cell of the figure is styled.
type role uint8

const (
	blank role = iota
	roleBox
	roleName
	roleClient
	roleServer
	roleBoth
	roleEdge
	roleActive
)

type cell struct {
	r    rune
	role role
}

// canvas is a grid of cells; the figure is drawn on it and then turned
// into styled lines, one style change per run of equally styled cells.
type canvas struct {
	w, h  int
	cells []cell
}

func newCanvas(w, h int) *canvas {
	c := &canvas{w: w, h: h, cells: make([]cell, w*h)}
	for i := range c.cells {
		c.cells[i] = cell{' ', blank}
	}
	return c
}

func (c *canvas) set(x, y int, r rune, role role) {
	if x < 0 || y < 0 || x >= c.w || y >= c.h {
		return
	}
	c.cells[y*c.w+x] = cell{r, role}
}

func (c *canvas) text(x, y int, s string, role role) {
	for _, r := range s {
		c.set(x, y, r, role)
		x++
	}
}

func (c *canvas) lines(st Styles, indent int) []string {
	styleOf := func(r role) *lipgloss.Style {
		switch r {
		case roleBox:
			return &st.Box
		case roleName:
			return &st.Name
		case roleClient:
			return &st.Client
		case roleServer:
			return &st.Server
		case roleBoth:
			return &st.Both
		case roleEdge:
			return &st.Edge
		case roleActive:
			return &st.Active
		}
		return nil
	}
	out := make([]string, 0, c.h)
	pad := strings.Repeat(" ", indent)
	for y := 0; y < c.h; y++ {
		row := c.cells[y*c.w : (y+1)*c.w]
		end := len(row)
		for end > 0 && row[end-1].role == blank && row[end-1].r == ' ' {
			end--
		}
		var b strings.Builder
		b.WriteString(pad)
		for i := 0; i < end; {
			j := i
			var run strings.Builder
			for j < end && row[j].role == row[i].role {
				run.WriteRune(row[j].r)
				j++
			}
			if s := styleOf(row[i].role); s != nil {
				b.WriteString(s.Render(run.String()))
			} else {
				b.WriteString(run.String())
			}
			i = j
		}
		out = append(out, b.String())
	}
	return out
}

// Line-drawing: a cell's connections to its neighbours pick its glyph.
const (
	north = 1 << iota
	east
	south
	west
)

var light = map[int]rune{
	east | west: '─', north | south: '│',
	south | east: '┌', south | west: '┐', north | east: '└', north | west: '┘',
}

var heavy = map[int]rune{
	east | west: '━', north | south: '┃',
	south | east: '┏', south | west: '┓', north | east: '┗', north | west: '┛',
}

// dir is the connection bit pointing from a to its neighbour b.
func dir(a, b pt) int {
	switch {
	case b.y < a.y:
		return north
	case b.y > a.y:
		return south
	case b.x > a.x:
		return east
	default:
		return west
	}
}

// trace expands a polyline into the unit cells it passes through.
func trace(pts []pt) []pt {
	var out []pt
	for i := 0; i+1 < len(pts); i++ {
		a, b := pts[i], pts[i+1]
		dx, dy := sign(b.x-a.x), sign(b.y-a.y)
		for p := a; p != b; p = (pt{p.x + dx, p.y + dy}) {
			out = append(out, p)
		}
	}
	if len(pts) > 0 {
		out = append(out, pts[len(pts)-1])
	}
	return out
}

func sign(n int) int {
	switch {
	case n > 0:
		return 1
	case n < 0:
		return -1
	}
	return 0
}

// drawRoute draws one arrow: a tee where it leaves the source box, a line
// along its cells, an arrowhead on the target's border. Taken arrows are
// heavy with filled heads; the others light with hollow heads.
func (c *canvas) drawRoute(g *geom, rt route, active bool) {
	cells := trace(rt.pts)
	if len(cells) < 2 {
		return
	}
	role, glyphs := roleEdge, light
	heads := map[int]rune{north: '△', south: '▽', east: '▷', west: '◁'}
	tees := map[int]rune{north: '┴', south: '┬', east: '├', west: '┤'}
	if active {
		role, glyphs = roleActive, heavy
		heads = map[int]rune{north: '▲', south: '▼', east: '▶', west: '◀'}
		tees = map[int]rune{north: '┸', south: '┰', east: '┝', west: '┥'}
	}
	last := len(cells) - 1
	first := tees[dir(cells[0], cells[1])]
	if toBox := g.startDir(cells[0]); toBox != 0 {
		// Below or above a one-line box: the line starts at the box.
		first = glyphs[toBox|dir(cells[0], cells[1])]
	}
	c.set(cells[0].x, cells[0].y, first, role)
	for i := 1; i < last; i++ {
		bits := dir(cells[i], cells[i-1]) | dir(cells[i], cells[i+1])
		c.set(cells[i].x, cells[i].y, glyphs[bits], role)
	}
	c.set(cells[last].x, cells[last].y, heads[dir(cells[last-1], cells[last])], role)
}

// startDir says where the box is from a route's first cell when that cell
// is not on the box's edge: north when the box is the line above, south when
// below, 0 when the cell is on an edge (framed boxes, or a side).
func (g *geom) startDir(p pt) int {
	if g.boxH != 1 {
		return 0
	}
	for _, b := range g.boxes {
		if p.x > b.x && p.x < b.x+boxW-1 {
			switch p.y {
			case b.y + 1:
				return north
			case b.y - 1:
				return south
			}
		}
	}
	return 0
}

// marksFor returns the "C S" text of a box and the role its border takes.
func marksFor(client, server bool) (string, role) {
	switch {
	case client && server:
		return "C S", roleBoth
	case client:
		return "C  ", roleClient
	case server:
		return "  S", roleServer
	}
	return "   ", roleBox
}

// drawBox draws a state's box: framed (height 3) or a one-line box whose
// sides are its only edges (height 1), with the state's name and marks.
func (c *canvas) drawBox(b box, height int, client, server bool) {
	marks, role := marksFor(client, server)
	nameRole := roleName
	if role != roleBox {
		nameRole = role
	}
	inner := boxW - 2
	y := b.y
	if height == 3 {
		c.text(b.x, y, "┌"+strings.Repeat("─", inner)+"┐", role)
		c.text(b.x, y+2, "└"+strings.Repeat("─", inner)+"┘", role)
		y++
	}
	c.set(b.x, y, '│', role)
	c.text(b.x+1, y, " "+padRight(b.state.String(), nameW)+" ", nameRole)
	x := b.x + 3 + nameW
	for i, r := range marks {
		mr := blank
		switch {
		case r == 'C':
			mr = roleClient
		case r == 'S':
			mr = roleServer
		}
		c.set(x+i, y, r, mr)
	}
	c.set(b.x+boxW-1, y, '│', role)
}

func padRight(s string, w int) string {
	if n := pane.Width(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

// stateMoves are the transitions of one step, split by side. Either moves
// holds transitions that could not be told apart (see splitMoves).
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

// Render draws RFC 793's state diagram in at most w columns and h
// lines: the client's and the server's current states marked C and S, the
// transitions in moves (the client's, then the server's) drawn heavy and
// named below the figure. When the full figure does not fit it falls back
// to a compact two-column list of the states with the same marks and names.
func Render(st Styles, client, server model.State, moves []model.Transition, w, h int) string {
	return render(st, client, server, splitMoves(client, server, moves), w, h)
}

// renderSides is Render for a caller that knows which side each
// transition belongs to (model.StepTransitions tells it).
func renderSides(st Styles, client, server model.State, cm, sm []model.Transition, w, h int) string {
	return render(st, client, server, stateMoves{client: cm, server: sm}, w, h)
}

func render(st Styles, client, server model.State, mv stateMoves, w, h int) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	var lines []string
	switch {
	case w >= fullGeom.w && h >= fullGeom.h+1:
		lines = figure(st, &fullGeom, client, server, mv, w, h)
	case w >= condensedGeom.w && h >= condensedGeom.h+1:
		lines = figure(st, &condensedGeom, client, server, mv, w, h)
	default:
		lines = compact(st, client, server, mv, w, h)
	}
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

// closedBox decides which CLOSED box shows a side that is CLOSED: the
// bottom one when this step closed the connection from a synchronized state
// (LAST_ACK, TIME_WAIT, a reset), the top one otherwise.
func closedBox(ms []model.Transition) int {
	if len(ms) == 0 {
		return 0
	}
	switch ms[len(ms)-1].From {
	case model.Closed, model.Listen, model.SynSent:
		return 0
	}
	return closed2
}

// figure draws the figure in geometry g, with the named transitions below.
func figure(st Styles, g *geom, client, server model.State, mv stateMoves, w, h int) []string {
	c := newCanvas(g.w, g.h)
	cBox, sBox := -1, -1
	for i, b := range g.boxes {
		if b.state == client && cBox < 0 && (b.state != model.Closed || i == closedBox(mv.client)) {
			cBox = i
		}
		if b.state == server && sBox < 0 && (b.state != model.Closed || i == closedBox(mv.server)) {
			sBox = i
		}
	}
	for i, b := range g.boxes {
		c.drawBox(b, g.boxH, i == cBox, i == sBox)
	}
	active := map[[2]model.State]bool{}
	for _, ms := range [][]model.Transition{mv.client, mv.server, mv.either} {
		for _, m := range ms {
			active[[2]model.State{m.From, m.To}] = true
		}
	}
	// Inactive arrows first, so a taken arrow is never overdrawn.
	for _, rt := range g.routes {
		if !active[[2]model.State{rt.from, rt.to}] {
			c.drawRoute(g, rt, false)
		}
	}
	for _, rt := range g.routes {
		if active[[2]model.State{rt.from, rt.to}] {
			c.drawRoute(g, rt, true)
		}
	}
	indent := 0
	if w > g.w {
		indent = min((w-g.w)/2, 4)
	}
	lines := c.lines(st, indent)
	foot := footer(st, mv, w-indent, h-len(lines))
	for _, f := range foot {
		lines = append(lines, strings.Repeat(" ", indent)+f)
	}
	return lines
}

// moveLines names each transition, e.g.
// "client: SYN_SENT → ESTABLISHED  rcv SYN,ACK / snd ACK". A line wider than
// w is split after the states, with the event indented below it.
func moveLines(st Styles, mv stateMoves, w int) []string {
	var out []string
	add := func(who string, ws lipgloss.Style, ms []model.Transition) {
		for _, m := range ms {
			head := m.From.String() + " → " + m.To.String()
			label := model.Visible(m.Label())
			prefix := ""
			if who != "" {
				prefix = ws.Render(who+":") + " "
			}
			one := prefix + st.Active.Render(head) + "  " + st.Label.Render(label)
			if pane.Width(one) <= w || label == "" {
				out = append(out, one)
				continue
			}
			out = append(out, prefix+st.Active.Render(head), "  "+st.Label.Render(label))
		}
	}
	add("client", st.Client, mv.client)
	add("server", st.Server, mv.server)
	add("", st.Active, mv.either)
	return out
}

// movesOneLine names each side's moves by their states alone on one line,
// "client CLOSED → SYN_SENT · server LISTEN → SYN_RECEIVED", for a pane
// without room for a line per move (the heavy arrows carry the labels).
func movesOneLine(st Styles, mv stateMoves) string {
	var parts []string
	add := func(who string, ws lipgloss.Style, ms []model.Transition) {
		if len(ms) == 0 {
			return
		}
		path := ms[0].From.String()
		for _, m := range ms {
			path += " → " + m.To.String()
		}
		prefix := ""
		if who != "" {
			prefix = ws.Render(who) + " "
		}
		parts = append(parts, prefix+st.Active.Render(path))
	}
	add("client", st.Client, mv.client)
	add("server", st.Server, mv.server)
	add("", st.Active, mv.either)
	return strings.Join(parts, st.Dim.Render(" · "))
}

// footer is the text under the figure: the named transitions, or that
// nothing changed, then a legend when there is room.
func footer(st Styles, mv stateMoves, w, h int) []string {
	if h <= 0 {
		return nil
	}
	out := moveLines(st, mv, w)
	if len(out) > h {
		out = []string{movesOneLine(st, mv)}
	}
	if len(out) == 0 {
		out = append(out, st.Dim.Render("no state change at this step"))
	}
	legend := st.Client.Render("C") + st.Dim.Render(" client  ") + st.Server.Render("S") +
		st.Dim.Render(" server  ") + st.Active.Render("━▶") + st.Dim.Render(" this step")
	if len(out) < h {
		out = append(out, legend)
	}
	return out
}

// The compact form's columns: how a connection opens on the left, how it
// closes on the right.
var (
	compactL = []model.State{model.Closed, model.Listen, model.SynSent, model.SynReceived, model.Established}
	compactR = []model.State{model.FinWait1, model.FinWait2, model.Closing, model.TimeWait, model.CloseWait, model.LastAck}
)

func compactCell(st Styles, s, client, server model.State, active map[model.State]bool) string {
	marks, role := marksFor(s == client, s == server)
	ms := ""
	for _, r := range marks {
		switch r {
		case 'C':
			ms += st.Client.Render("C")
		case 'S':
			ms += st.Server.Render("S")
		default:
			ms += " "
		}
	}
	name := padRight(s.String(), nameW)
	ns := st.Name
	switch role {
	case roleClient:
		ns = st.Client
	case roleServer:
		ns = st.Server
	case roleBoth:
		ns = st.Both
	}
	arrow := "  "
	if active[s] {
		arrow = " " + st.Active.Render("◀")
	}
	return ms + " " + ns.Render(name) + arrow
}

func compact(st Styles, client, server model.State, mv stateMoves, w, h int) []string {
	active := map[model.State]bool{}
	for _, ms := range [][]model.Transition{mv.client, mv.server, mv.either} {
		for _, m := range ms {
			active[m.To] = true
		}
	}
	cellW := markW + 1 + nameW + 2
	var grid []string
	if w >= 2*cellW+2 {
		for i := 0; i < len(compactR); i++ {
			l := strings.Repeat(" ", cellW)
			if i < len(compactL) {
				l = compactCell(st, compactL[i], client, server, active)
			}
			grid = append(grid, l+"  "+compactCell(st, compactR[i], client, server, active))
		}
	} else {
		for _, s := range append(append([]model.State{}, compactL...), compactR...) {
			grid = append(grid, compactCell(st, s, client, server, active))
		}
	}
	moves := moveLines(st, mv, w)
	if len(moves) == 0 {
		moves = []string{st.Dim.Render("no state change at this step")}
	}
	switch {
	case len(grid)+1+len(moves) <= h:
		return append(append(grid, ""), moves...)
	case len(grid)+len(moves) <= h:
		return append(grid, moves...)
	}
	// Too short for the list: one line with both sides' states, then the
	// transitions, as many as fit.
	summary := st.Client.Render("C "+client.String()) + "  " + st.Server.Render("S "+server.String())
	return append([]string{summary}, moves...)
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

// renderPane draws the state diagram and, under it, where the capture was
// taken (the states are as seen from there): the whole sentence when the
// diagram keeps its form with it, the short one when only a line is to
// spare.
func renderPane(st Styles, client, server model.State, cm, sm []model.Transition, v model.Vantage, w, h int) string {
	// The note may not take the line that names this step's moves (one
	// line for both sides when there is no room for one each).
	moves := 1
	form := formOf(w, h)
	room := func(dh int) bool {
		switch {
		case dh <= 0 || formOf(w, dh) != form:
			return false
		case form == 2:
			return dh >= fullGeom.h+moves
		case form == 1:
			return dh >= condensedGeom.h+moves
		}
		return true
	}
	full := pane.Wrap(v.Sentence(), w)
	for _, note := range [][]string{full, {vantageShort(v)}} {
		if dh := h - len(note); room(dh) {
			d := strings.Split(renderSides(st, client, server, cm, sm, w, dh), "\n")
			for _, l := range note {
				d = append(d, st.Note.Render(ansi.Truncate(l, w, theme.Ellipsis)))
			}
			return strings.Join(d, "\n")
		}
	}
	return renderSides(st, client, server, cm, sm, w, h)
}

// formOf is which drawing renderSides makes in w×h: the full figure (2),
// the condensed one (1) or the compact list (0).
func formOf(w, h int) int {
	switch {
	case w >= fullGeom.w && h >= fullGeom.h+1:
		return 2
	case w >= condensedGeom.w && h >= condensedGeom.h+1:
		return 1
	}
	return 0
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
	var moves strings.Builder
	for _, ms := range [][]model.Transition{cm, sm} {
		for _, t := range ms {
			moves.WriteString(t.From.String() + "\x00" + t.To.String() + "\x00" + t.Event + "\x00" + t.Action + "\x00")
		}
		moves.WriteString("\x01")
	}
	k := memoKey{client: c, server: s, moves: moves.String(), vantage: ctx.Vantage, w: w, h: h}
	if !p.memo.done || p.memo.key != k {
		p.memo.key, p.memo.out, p.memo.done = k, renderPane(p.st, c, s, cm, sm, ctx.Vantage, w, h), true
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
