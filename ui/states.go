package ui

import (
	"image/color"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
	"github.com/tcpstep/tcpstep/ui/theme"
)

// DiagramStyles are the state diagram's styles, by meaning. The diagram never
// relies on colour alone: the client's and the server's states carry the
// letters C and S, and the arrows taken at this step are drawn with heavy
// lines and filled arrowheads where the others are light and hollow.
type DiagramStyles struct {
	Box    lipgloss.Style // the border of a state no side is in
	Name   lipgloss.Style // the name of a state no side is in
	Client lipgloss.Style // the C mark, and the box of the client's state
	Server lipgloss.Style // the S mark, and the box of the server's state
	Both   lipgloss.Style // the box of a state both sides are in
	Edge   lipgloss.Style // an arrow not taken at this step
	Active lipgloss.Style // an arrow taken at this step, and its name
	Label  lipgloss.Style // the event / action of a transition
	Dim    lipgloss.Style // the legend and "no state change"
}

// NewDiagramStyles builds the diagram's styles for a dark or light
// background.
func NewDiagramStyles(isDark bool) DiagramStyles {
	p := theme.For(isDark)
	fg := func(c color.Color) lipgloss.Style { return lipgloss.NewStyle().Foreground(c) }
	return DiagramStyles{
		Box:    fg(p.Faint),
		Name:   fg(p.InkSoft),
		Client: fg(p.Blue).Bold(true),
		Server: fg(p.Orange).Bold(true),
		Both:   fg(p.Violet).Bold(true),
		Edge:   fg(p.Fainter),
		Active: fg(p.Green).Bold(true),
		Label:  fg(p.Ink),
		Dim:    fg(p.Muted),
	}
}

// The full figure's geometry: three columns of boxes, seven levels, one
// routing row above the top box and one between levels. Box positions and
// the routes of the arrows are fixed, so the picture is the same on every
// step and only marks and highlights move.
const (
	dgBoxW   = 19 // "│ SYN_RECEIVED C S│"
	dgBoxH   = 3
	dgFigW   = 67 // three boxes and two gaps of five
	dgFigH   = 28
	dgColL   = 0
	dgColM   = 24
	dgColR   = 48
	dgNameW  = 12 // the longest state name, SYN_RECEIVED
	dgMarkW  = 3  // "C S"
	dgLevelH = 4  // box height plus one routing row
)

// dgBox is a box of the full figure. closed2 is the second CLOSED box, the
// end of a connection at the bottom right of the RFC's figure.
type dgBox struct {
	state model.State
	x, y  int
}

func dgLevelY(level int) int { return 1 + level*dgLevelH }

var dgBoxes = []dgBox{
	{model.Closed, dgColM, dgLevelY(0)},
	{model.Listen, dgColM, dgLevelY(1)},
	{model.SynReceived, dgColL, dgLevelY(2)},
	{model.SynSent, dgColR, dgLevelY(2)},
	{model.Established, dgColM, dgLevelY(3)},
	{model.FinWait1, dgColL, dgLevelY(4)},
	{model.CloseWait, dgColR, dgLevelY(4)},
	{model.FinWait2, dgColL, dgLevelY(5)},
	{model.Closing, dgColM, dgLevelY(5)},
	{model.LastAck, dgColR, dgLevelY(5)},
	{model.TimeWait, dgColM, dgLevelY(6)},
	{model.Closed, dgColR, dgLevelY(6)}, // the second CLOSED
}

const dgClosed2 = 11 // index of the second CLOSED box in dgBoxes

type dgPt struct{ x, y int }

// dgRoute is one arrow of RFC 793's figure 6 (and the FIN,ACK shortcut) as a polyline from a cell on the
// source box's border to a cell on the target box's border (which becomes
// the arrowhead), through its corners.
type dgRoute struct {
	from, to model.State
	toBox    int // index in dgBoxes of the target box
	pts      []dgPt
}

var dgRoutes = []dgRoute{
	{model.Closed, model.Listen, 1, []dgPt{{30, 3}, {30, 5}}},
	{model.Listen, model.Closed, 0, []dgPt{{36, 5}, {36, 3}}},
	{model.Closed, model.SynSent, 3, []dgPt{{42, 2}, {54, 2}, {54, 9}}},
	{model.SynSent, model.Closed, 0, []dgPt{{62, 9}, {62, 0}, {38, 0}, {38, 1}}},
	{model.Listen, model.SynReceived, 2, []dgPt{{24, 6}, {9, 6}, {9, 9}}},
	{model.Listen, model.SynSent, 3, []dgPt{{42, 6}, {51, 6}, {51, 9}}},
	{model.SynSent, model.SynReceived, 2, []dgPt{{48, 10}, {18, 10}}},
	{model.SynReceived, model.Established, 4, []dgPt{{12, 11}, {12, 12}, {30, 12}, {30, 13}}},
	{model.SynSent, model.Established, 4, []dgPt{{56, 11}, {56, 12}, {36, 12}, {36, 13}}},
	{model.SynReceived, model.FinWait1, 5, []dgPt{{4, 11}, {4, 17}}},
	{model.Established, model.FinWait1, 5, []dgPt{{24, 14}, {12, 14}, {12, 17}}},
	{model.Established, model.CloseWait, 6, []dgPt{{42, 14}, {56, 14}, {56, 17}}},
	{model.FinWait1, model.FinWait2, 7, []dgPt{{4, 19}, {4, 21}}},
	{model.FinWait1, model.Closing, 8, []dgPt{{18, 18}, {30, 18}, {30, 21}}},
	{model.CloseWait, model.LastAck, 9, []dgPt{{56, 19}, {56, 21}}},
	{model.FinWait2, model.TimeWait, 10, []dgPt{{9, 23}, {9, 26}, {24, 26}}},
	{model.Closing, model.TimeWait, 10, []dgPt{{33, 23}, {33, 25}}},
	{model.LastAck, model.Closed, dgClosed2, []dgPt{{56, 23}, {56, 25}}},
	{model.TimeWait, model.Closed, dgClosed2, []dgPt{{42, 26}, {48, 26}}},
	// Not in RFC 793's figure but in its text and in later drawings: a FIN
	// that also acknowledges ours takes FIN_WAIT_1 straight to TIME_WAIT.
	{model.FinWait1, model.TimeWait, 10, []dgPt{{16, 19}, {16, 20}, {21, 20}, {21, 24}, {26, 24}, {26, 25}}},
}

// dgGeom is one drawing of the figure: where the boxes and arrows go, and
// how tall a box is (3 with top and bottom edges, 1 without).
type dgGeom struct {
	w, h, boxH int
	boxes      []dgBox
	routes     []dgRoute
}

var (
	// dgFullGeom is the figure with framed boxes, 67×28.
	dgFullGeom = dgGeom{w: dgFigW, h: dgFigH, boxH: dgBoxH, boxes: dgBoxes, routes: dgRoutes}
	// dgCondensedGeom is the same figure in 19 lines: one-line boxes with
	// two routing rows between levels, for panes that are wide but not
	// tall (the states pane of a 200×50 terminal).
	dgCondensedGeom = dgCondense()
)

// dgCondense derives the condensed figure from the full one. A level's top
// edge becomes the row of arrowheads above its one-line box, and its bottom
// edge merges with the routing row below: level k's name is on row 3k,
// arrowheads from above on 3k-1, routing on 3k+1. CLOSED has no row above
// it, so the two arrows that use it are routed anew.
func dgCondense() dgGeom {
	ry := func(y int) int {
		if y == 0 {
			return 0
		}
		k, r := (y-1)/dgLevelH, (y-1)%dgLevelH
		switch r {
		case 0: // top edge
			return 3*k - 1
		case 1: // name
			return 3 * k
		}
		return 3*k + 1 // bottom edge and routing row
	}
	g := dgGeom{w: dgFigW, h: 3*6 + 1, boxH: 1}
	for _, b := range dgBoxes {
		g.boxes = append(g.boxes, dgBox{b.state, b.x, ry(b.y + 1)})
	}
	for _, rt := range dgRoutes {
		nr := dgRoute{from: rt.from, to: rt.to, toBox: rt.toBox}
		switch {
		case rt.from == model.Closed && rt.to == model.SynSent:
			// Leaves CLOSED downwards and runs along its routing row.
			nr.pts = []dgPt{{40, 1}, {54, 1}, {54, 5}}
		case rt.from == model.SynSent && rt.to == model.Closed:
			// Comes up the right and into CLOSED's right side.
			nr.pts = []dgPt{{62, 5}, {62, 0}, {42, 0}}
		default:
			for _, p := range rt.pts {
				q := dgPt{p.x, ry(p.y)}
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

// dgRole says how a cell of the figure is styled.
type dgRole uint8

const (
	dgBlank dgRole = iota
	dgRoleBox
	dgRoleName
	dgRoleClient
	dgRoleServer
	dgRoleBoth
	dgRoleEdge
	dgRoleActive
)

type dgCell struct {
	r    rune
	role dgRole
}

// dgCanvas is a grid of cells; the figure is drawn on it and then turned
// into styled lines, one style change per run of equally styled cells.
type dgCanvas struct {
	w, h  int
	cells []dgCell
}

func newDgCanvas(w, h int) *dgCanvas {
	c := &dgCanvas{w: w, h: h, cells: make([]dgCell, w*h)}
	for i := range c.cells {
		c.cells[i] = dgCell{' ', dgBlank}
	}
	return c
}

func (c *dgCanvas) set(x, y int, r rune, role dgRole) {
	if x < 0 || y < 0 || x >= c.w || y >= c.h {
		return
	}
	c.cells[y*c.w+x] = dgCell{r, role}
}

func (c *dgCanvas) text(x, y int, s string, role dgRole) {
	for _, r := range s {
		c.set(x, y, r, role)
		x++
	}
}

func (c *dgCanvas) lines(st DiagramStyles, indent int) []string {
	styleOf := func(r dgRole) *lipgloss.Style {
		switch r {
		case dgRoleBox:
			return &st.Box
		case dgRoleName:
			return &st.Name
		case dgRoleClient:
			return &st.Client
		case dgRoleServer:
			return &st.Server
		case dgRoleBoth:
			return &st.Both
		case dgRoleEdge:
			return &st.Edge
		case dgRoleActive:
			return &st.Active
		}
		return nil
	}
	out := make([]string, 0, c.h)
	pad := strings.Repeat(" ", indent)
	for y := 0; y < c.h; y++ {
		row := c.cells[y*c.w : (y+1)*c.w]
		end := len(row)
		for end > 0 && row[end-1].role == dgBlank && row[end-1].r == ' ' {
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
	dgN = 1 << iota
	dgE
	dgS
	dgW
)

var dgLight = map[int]rune{
	dgE | dgW: '─', dgN | dgS: '│',
	dgS | dgE: '┌', dgS | dgW: '┐', dgN | dgE: '└', dgN | dgW: '┘',
}

var dgHeavy = map[int]rune{
	dgE | dgW: '━', dgN | dgS: '┃',
	dgS | dgE: '┏', dgS | dgW: '┓', dgN | dgE: '┗', dgN | dgW: '┛',
}

// dgDir is the connection bit pointing from a to its neighbour b.
func dgDir(a, b dgPt) int {
	switch {
	case b.y < a.y:
		return dgN
	case b.y > a.y:
		return dgS
	case b.x > a.x:
		return dgE
	default:
		return dgW
	}
}

// dgCells expands a polyline into the unit cells it passes through.
func dgCells(pts []dgPt) []dgPt {
	var out []dgPt
	for i := 0; i+1 < len(pts); i++ {
		a, b := pts[i], pts[i+1]
		dx, dy := dgSign(b.x-a.x), dgSign(b.y-a.y)
		for p := a; p != b; p = (dgPt{p.x + dx, p.y + dy}) {
			out = append(out, p)
		}
	}
	if len(pts) > 0 {
		out = append(out, pts[len(pts)-1])
	}
	return out
}

func dgSign(n int) int {
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
func (c *dgCanvas) drawRoute(g *dgGeom, rt dgRoute, active bool) {
	cells := dgCells(rt.pts)
	if len(cells) < 2 {
		return
	}
	role, glyphs := dgRoleEdge, dgLight
	heads := map[int]rune{dgN: '△', dgS: '▽', dgE: '▷', dgW: '◁'}
	tees := map[int]rune{dgN: '┴', dgS: '┬', dgE: '├', dgW: '┤'}
	if active {
		role, glyphs = dgRoleActive, dgHeavy
		heads = map[int]rune{dgN: '▲', dgS: '▼', dgE: '▶', dgW: '◀'}
		tees = map[int]rune{dgN: '┸', dgS: '┰', dgE: '┝', dgW: '┥'}
	}
	last := len(cells) - 1
	first := tees[dgDir(cells[0], cells[1])]
	if toBox := g.startDir(cells[0]); toBox != 0 {
		// Below or above a one-line box: the line starts at the box.
		first = glyphs[toBox|dgDir(cells[0], cells[1])]
	}
	c.set(cells[0].x, cells[0].y, first, role)
	for i := 1; i < last; i++ {
		bits := dgDir(cells[i], cells[i-1]) | dgDir(cells[i], cells[i+1])
		c.set(cells[i].x, cells[i].y, glyphs[bits], role)
	}
	c.set(cells[last].x, cells[last].y, heads[dgDir(cells[last-1], cells[last])], role)
}

// startDir says where the box is from a route's first cell when that cell
// is not on the box's edge: dgN when the box is the line above, dgS when
// below, 0 when the cell is on an edge (framed boxes, or a side).
func (g *dgGeom) startDir(p dgPt) int {
	if g.boxH != 1 {
		return 0
	}
	for _, b := range g.boxes {
		if p.x > b.x && p.x < b.x+dgBoxW-1 {
			switch p.y {
			case b.y + 1:
				return dgN
			case b.y - 1:
				return dgS
			}
		}
	}
	return 0
}

// dgMarks returns the "C S" text of a box and the role its border takes.
func dgMarks(client, server bool) (string, dgRole) {
	switch {
	case client && server:
		return "C S", dgRoleBoth
	case client:
		return "C  ", dgRoleClient
	case server:
		return "  S", dgRoleServer
	}
	return "   ", dgRoleBox
}

// drawBox draws a state's box: framed (boxH 3) or a one-line box whose
// sides are its only edges (boxH 1), with the state's name and marks.
func (c *dgCanvas) drawBox(b dgBox, boxH int, client, server bool) {
	marks, role := dgMarks(client, server)
	nameRole := dgRoleName
	if role != dgRoleBox {
		nameRole = role
	}
	inner := dgBoxW - 2
	y := b.y
	if boxH == 3 {
		c.text(b.x, y, "┌"+strings.Repeat("─", inner)+"┐", role)
		c.text(b.x, y+2, "└"+strings.Repeat("─", inner)+"┘", role)
		y++
	}
	c.set(b.x, y, '│', role)
	c.text(b.x+1, y, " "+dgPad(b.state.String(), dgNameW)+" ", nameRole)
	x := b.x + 3 + dgNameW
	for i, r := range marks {
		mr := dgBlank
		switch {
		case r == 'C':
			mr = dgRoleClient
		case r == 'S':
			mr = dgRoleServer
		}
		c.set(x+i, y, r, mr)
	}
	c.set(b.x+dgBoxW-1, y, '│', role)
}

func dgPad(s string, w int) string {
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
// renderStateSides instead.
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

// renderStates draws RFC 793's state diagram in at most w columns and h
// lines: the client's and the server's current states marked C and S, the
// transitions in moves (the client's, then the server's) drawn heavy and
// named below the figure. When the full figure does not fit it falls back
// to a compact two-column list of the states with the same marks and names.
func renderStates(st DiagramStyles, client, server model.State, moves []model.Transition, w, h int) string {
	return renderStateMoves(st, client, server, splitMoves(client, server, moves), w, h)
}

// renderStateSides is renderStates for a caller that knows which side each
// transition belongs to (model.StepTransitions tells it).
func renderStateSides(st DiagramStyles, client, server model.State, cm, sm []model.Transition, w, h int) string {
	return renderStateMoves(st, client, server, stateMoves{client: cm, server: sm}, w, h)
}

func renderStateMoves(st DiagramStyles, client, server model.State, mv stateMoves, w, h int) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	var lines []string
	switch {
	case w >= dgFullGeom.w && h >= dgFullGeom.h+1:
		lines = dgFull(st, &dgFullGeom, client, server, mv, w, h)
	case w >= dgCondensedGeom.w && h >= dgCondensedGeom.h+1:
		lines = dgFull(st, &dgCondensedGeom, client, server, mv, w, h)
	default:
		lines = dgCompact(st, client, server, mv, w, h)
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

// dgClosedBox decides which CLOSED box shows a side that is CLOSED: the
// bottom one when this step closed the connection from a synchronized state
// (LAST_ACK, TIME_WAIT, a reset), the top one otherwise.
func dgClosedBox(ms []model.Transition) int {
	if len(ms) == 0 {
		return 0
	}
	switch ms[len(ms)-1].From {
	case model.Closed, model.Listen, model.SynSent:
		return 0
	}
	return dgClosed2
}

// dgFull draws the figure in geometry g, with the named transitions below.
func dgFull(st DiagramStyles, g *dgGeom, client, server model.State, mv stateMoves, w, h int) []string {
	c := newDgCanvas(g.w, g.h)
	cBox, sBox := -1, -1
	for i, b := range g.boxes {
		if b.state == client && cBox < 0 && (b.state != model.Closed || i == dgClosedBox(mv.client)) {
			cBox = i
		}
		if b.state == server && sBox < 0 && (b.state != model.Closed || i == dgClosedBox(mv.server)) {
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
	foot := dgFooter(st, mv, w-indent, h-len(lines))
	for _, f := range foot {
		lines = append(lines, strings.Repeat(" ", indent)+f)
	}
	return lines
}

// dgMoveLines names each transition, e.g.
// "client: SYN_SENT → ESTABLISHED  rcv SYN,ACK / snd ACK". A line wider than
// w is split after the states, with the event indented below it.
func dgMoveLines(st DiagramStyles, mv stateMoves, w int) []string {
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

// dgMovesOneLine names each side's moves by their states alone on one line,
// "client CLOSED → SYN_SENT · server LISTEN → SYN_RECEIVED", for a pane
// without room for a line per move (the heavy arrows carry the labels).
func dgMovesOneLine(st DiagramStyles, mv stateMoves) string {
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

// dgFooter is the text under the figure: the named transitions, or that
// nothing changed, then a legend when there is room.
func dgFooter(st DiagramStyles, mv stateMoves, w, h int) []string {
	if h <= 0 {
		return nil
	}
	out := dgMoveLines(st, mv, w)
	if len(out) > h {
		out = []string{dgMovesOneLine(st, mv)}
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
	dgCompactL = []model.State{model.Closed, model.Listen, model.SynSent, model.SynReceived, model.Established}
	dgCompactR = []model.State{model.FinWait1, model.FinWait2, model.Closing, model.TimeWait, model.CloseWait, model.LastAck}
)

func dgCompactCell(st DiagramStyles, s, client, server model.State, active map[model.State]bool) string {
	marks, role := dgMarks(s == client, s == server)
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
	name := dgPad(s.String(), dgNameW)
	ns := st.Name
	switch role {
	case dgRoleClient:
		ns = st.Client
	case dgRoleServer:
		ns = st.Server
	case dgRoleBoth:
		ns = st.Both
	}
	arrow := "  "
	if active[s] {
		arrow = " " + st.Active.Render("◀")
	}
	return ms + " " + ns.Render(name) + arrow
}

func dgCompact(st DiagramStyles, client, server model.State, mv stateMoves, w, h int) []string {
	active := map[model.State]bool{}
	for _, ms := range [][]model.Transition{mv.client, mv.server, mv.either} {
		for _, m := range ms {
			active[m.To] = true
		}
	}
	cellW := dgMarkW + 1 + dgNameW + 2
	var grid []string
	if w >= 2*cellW+2 {
		for i := 0; i < len(dgCompactR); i++ {
			l := strings.Repeat(" ", cellW)
			if i < len(dgCompactL) {
				l = dgCompactCell(st, dgCompactL[i], client, server, active)
			}
			grid = append(grid, l+"  "+dgCompactCell(st, dgCompactR[i], client, server, active))
		}
	} else {
		for _, s := range append(append([]model.State{}, dgCompactL...), dgCompactR...) {
			grid = append(grid, dgCompactCell(st, s, client, server, active))
		}
	}
	moves := dgMoveLines(st, mv, w)
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
