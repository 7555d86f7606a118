package diagram

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tcpstep/tcpstep/model"
)

// A figure is drawn in the source as text (figures.go) and read once into
// boxes, arrows and labels, so the picture a maintainer edits is the
// picture the student sees, and the tests can check it against the state
// machine: every move the model makes is an arrow of the figure, labelled
// in the model's words.
//
// The text's vocabulary:
//   - a framed box is a rectangle of ┌─┐│└┘ around a state's name; an arrow
//     leaves it from a tee on its border (├ ┤ ┬ ┴) and enters it at an
//     arrowhead just outside its border;
//   - a one-line box is "[ NAME ]", which an arrow leaves from the cell
//     beside or below it and enters with an arrowhead beside, above or
//     below it;
//   - an arrow is a path of ─│┌┐└┘ ending in one of ▲▼◀▶; a horizontal
//     stretch may carry its label inline, " like this ", between two
//     pieces of line;
//   - a label not inline sits beside its arrow and is matched to the
//     nearest arrow whose model label it is;
//   - an arrow that starts from nothing is a stub, a move from any state:
//     the resets, whose label is at its tail.
//
// Arrows never cross or share a cell: the parser refuses ┼.

// pt is a cell of a figure.
type pt struct{ x, y int }

// Directions, as the connection bits of a line-drawing cell.
const (
	north = 1 << iota
	east
	south
	west
)

func opposite(d int) int {
	switch d {
	case north:
		return south
	case south:
		return north
	case east:
		return west
	}
	return east
}

func (p pt) step(d int) pt {
	switch d {
	case north:
		return pt{p.x, p.y - 1}
	case south:
		return pt{p.x, p.y + 1}
	case east:
		return pt{p.x + 1, p.y}
	}
	return pt{p.x - 1, p.y}
}

// lineArms are the connections of the light line glyphs.
var lineArms = map[rune]int{
	'─': east | west, '│': north | south,
	'┌': south | east, '┐': south | west, '└': north | east, '┘': north | west,
}

// headDir is the direction an arrowhead points.
var headDir = map[rune]int{'▲': north, '▼': south, '▶': east, '◀': west}

// teeArm is the side a border tee's arrow leaves by.
var teeArm = map[rune]int{'┬': south, '┴': north, '├': east, '┤': west}

// cellKind says what a cell of a figure belongs to.
type cellKind uint8

const (
	kBlank  cellKind = iota
	kBorder          // a box's frame (or bracket)
	kName            // a box's name or the blank inside it
	kLine            // an arrow's line or head
	kTee             // a tee on a box's border where an arrow leaves
	kLabel           // an arrow's label
)

// owner is what a cell belongs to: its kind and the box or arrow.
type owner struct {
	kind cellKind
	box  int // the box of a border, name or tee cell
	edge int // the arrow of a line, tee or label cell
}

// fbox is a box of a figure.
type fbox struct {
	state      model.State
	x, y, w, h int
	framed     bool
	name       pt // first cell of the name
	// marks are the cells of the C and S marks: in the top border of a
	// framed box, inside the brackets of a one-line box.
	markC, markS pt
}

// fedge is an arrow of a figure.
type fedge struct {
	from, to int  // boxes; from is -1 for a stub
	cells    []pt // tail to head; a tee on from's border first
	label    []pt // the label's cells
	text     string
	// moves are the model's moves the arrow draws: one, or every reset
	// for the stub.
	moves []model.Transition
}

// fig is a parsed figure.
type fig struct {
	w, h     int
	runes    []rune
	own      []owner
	boxes    []fbox
	edges    []fedge
	labelled bool // every arrow carries its model label
	// caption is how wide the empty corner at the start of the first
	// line is (less a gap of two), where a sentence may go.
	caption int
}

func (f *fig) at(p pt) rune {
	if p.x < 0 || p.y < 0 || p.x >= f.w || p.y >= f.h {
		return ' '
	}
	return f.runes[p.y*f.w+p.x]
}

func (f *fig) ownerAt(p pt) owner {
	if p.x < 0 || p.y < 0 || p.x >= f.w || p.y >= f.h {
		return owner{}
	}
	return f.own[p.y*f.w+p.x]
}

func (f *fig) setOwner(p pt, o owner) { f.own[p.y*f.w+p.x] = o }

// stateNames are the names a figure may write a state as: the model's,
// and the short ones of the compact figure (the RFC's own abbreviations
// where it has them).
var stateNames = func() map[string]model.State {
	m := map[string]model.State{}
	for _, s := range model.AllStates() {
		m[s.String()] = s
	}
	m["SYN_RCVD"] = model.SynReceived
	m["ESTAB"] = model.Established
	return m
}()

// resetLabel is the stub's label in a labelled figure. The resets leave
// every synchronized state on a reset received ("rcv RST") or sent, whether
// the application aborted ("ABORT / snd RST") or the TCP answered a
// segment it had no connection for ("SEGMENT ARRIVES / snd RST"): the stub
// says what goes on the wire, which is what the student sees in the ladder,
// and the line under the figure names the event of the move taken.
func resetLabel() string {
	var seen []string
	for _, e := range model.DiagramEdges() {
		if !e.Abort() {
			continue
		}
		l := e.Event
		if e.Action != "" {
			l = e.Action
		}
		if !slices.Contains(seen, l) {
			seen = append(seen, l)
		}
	}
	return strings.Join(seen, " or ")
}

// mustParse reads a figure, or panics: the figures are constants, and
// their tests say what is wrong.
func mustParse(text string, labelled bool) *fig {
	f, err := parseFigure(text, labelled)
	if err != nil {
		panic("diagram: " + err.Error())
	}
	return f
}

func parseFigure(text string, labelled bool) (*fig, error) {
	lines := strings.Split(strings.Trim(text, "\n"), "\n")
	f := &fig{h: len(lines), labelled: labelled}
	for _, l := range lines {
		f.w = max(f.w, len([]rune(l)))
	}
	f.runes = make([]rune, f.w*f.h)
	f.own = make([]owner, f.w*f.h)
	for y, l := range lines {
		r := []rune(l)
		for x := range f.w {
			if x < len(r) {
				f.runes[y*f.w+x] = r[x]
			} else {
				f.runes[y*f.w+x] = ' '
			}
		}
	}
	for i := range f.own {
		f.own[i] = owner{box: -1, edge: -1}
	}
	if err := f.findBoxes(); err != nil {
		return nil, err
	}
	if err := f.findEdges(); err != nil {
		return nil, err
	}
	if err := f.bindLabels(); err != nil {
		return nil, err
	}
	for f.caption < f.w && f.at(pt{f.caption, 0}) == ' ' {
		f.caption++
	}
	f.caption = max(f.caption-2, 0)
	return f, nil
}

// findBoxes finds the framed and the one-line boxes and names them.
func (f *fig) findBoxes() error {
	for y := range f.h {
		for x := range f.w {
			switch f.at(pt{x, y}) {
			case '┌':
				if err := f.framedBox(x, y); err != nil {
					return err
				}
			case '[':
				if err := f.bracketBox(x, y); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (f *fig) framedBox(x0, y0 int) error {
	x1 := x0 + 1
	for strings.ContainsRune("─┴", f.at(pt{x1, y0})) {
		x1++
	}
	y1 := y0 + 1
	for strings.ContainsRune("│┤", f.at(pt{x0, y1})) {
		y1++
	}
	if f.at(pt{x1, y0}) != '┐' || f.at(pt{x0, y1}) != '└' || f.at(pt{x1, y1}) != '┘' || y1 == y0+1 {
		return nil // a corner of a line, not of a box
	}
	for x := x0 + 1; x < x1; x++ {
		if !strings.ContainsRune("─┬", f.at(pt{x, y1})) {
			return fmt.Errorf("box at %d,%d: bottom border broken at %d", x0, y0, x)
		}
	}
	for y := y0 + 1; y < y1; y++ {
		if !strings.ContainsRune("│├", f.at(pt{x1, y})) {
			return fmt.Errorf("box at %d,%d: right border broken at %d", x0, y0, y)
		}
	}
	b := fbox{x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1, framed: true}
	b.markC, b.markS = pt{x0 + 2, y0}, pt{x1 - 2, y0}
	var name string
	for y := y0 + 1; y < y1; y++ {
		row := strings.TrimSpace(string(f.runes[y*f.w+x0+1 : y*f.w+x1]))
		if row == "" {
			continue
		}
		if name != "" {
			return fmt.Errorf("box at %d,%d has two names", x0, y0)
		}
		name = row
		b.name = pt{x0 + 1 + strings.Index(string(f.runes[y*f.w+x0+1:y*f.w+x1]), row), y}
	}
	return f.addBox(b, name)
}

func (f *fig) bracketBox(x0, y int) error {
	x1 := x0 + 1
	for x1 < f.w && f.at(pt{x1, y}) != ']' {
		x1++
	}
	inner := string(f.runes[y*f.w+x0+1 : y*f.w+x1])
	name := strings.TrimSpace(inner)
	if x1 == f.w || name == "" {
		return fmt.Errorf("bracket at %d,%d is not a box", x0, y)
	}
	b := fbox{x: x0, y: y, w: x1 - x0 + 1, h: 1}
	b.name = pt{x0 + 1 + strings.Index(inner, name), y}
	b.markC, b.markS = pt{x0 + 1, y}, pt{x1 - 1, y}
	if b.name.x <= b.markC.x+1 || b.name.x+len(name) >= b.markS.x {
		return fmt.Errorf("box %s at %d,%d has no room for its marks", name, x0, y)
	}
	return f.addBox(b, name)
}

func (f *fig) addBox(b fbox, name string) error {
	s, ok := stateNames[name]
	if !ok {
		return fmt.Errorf("box at %d,%d: %q is not a state", b.x, b.y, name)
	}
	b.state = s
	i := len(f.boxes)
	f.boxes = append(f.boxes, b)
	for y := b.y; y < b.y+b.h; y++ {
		for x := b.x; x < b.x+b.w; x++ {
			k := kName
			if b.framed && (x == b.x || y == b.y || x == b.x+b.w-1 || y == b.y+b.h-1) ||
				!b.framed && (x == b.x || x == b.x+b.w-1) {
				k = kBorder
			}
			if o := f.ownerAt(pt{x, y}); o.box >= 0 {
				return fmt.Errorf("boxes %d and %d overlap at %d,%d", o.box, i, x, y)
			}
			f.setOwner(pt{x, y}, owner{kind: k, box: i, edge: -1})
		}
	}
	return nil
}

// findEdges traces every arrow back from its head to its tail.
func (f *fig) findEdges() error {
	for y := range f.h {
		for x := range f.w {
			p := pt{x, y}
			d, ok := headDir[f.at(p)]
			if !ok || f.ownerAt(p).box >= 0 {
				continue
			}
			if err := f.trace(p, d); err != nil {
				return err
			}
		}
	}
	for y := range f.h {
		for x := range f.w {
			p := pt{x, y}
			r := f.at(p)
			if _, line := lineArms[r]; (line || r == '┼') && f.ownerAt(p).kind == kBlank {
				return fmt.Errorf("line at %d,%d leads to no arrowhead", x, y)
			}
			if _, tee := teeArm[r]; tee && f.ownerAt(p).kind == kBorder {
				return fmt.Errorf("tee at %d,%d starts no arrow", x, y)
			}
		}
	}
	return nil
}

// boxAt returns the box whose frame or inside holds p, or -1.
func (f *fig) boxAt(p pt) int { return f.ownerAt(p).box }

func (f *fig) trace(head pt, d int) error {
	i := len(f.edges)
	e := fedge{from: -1, to: f.boxAt(head.step(d))}
	if e.to < 0 {
		return fmt.Errorf("arrowhead at %d,%d points at no box", head.x, head.y)
	}
	rev := []pt{head}
	claim := func(p pt, k cellKind) error {
		if o := f.ownerAt(p); o.kind != kBlank && o.kind != kBorder {
			return fmt.Errorf("arrows %d and %d meet at %d,%d", o.edge, i, p.x, p.y)
		}
		o := f.ownerAt(p)
		o.kind, o.edge = k, i
		f.setOwner(p, o)
		return nil
	}
	if err := claim(head, kLine); err != nil {
		return err
	}
	cur, back := head, opposite(d) // back: the way toward the tail
	for steps := 0; ; steps++ {
		if steps > f.w*f.h {
			return fmt.Errorf("arrow at %d,%d loops", head.x, head.y)
		}
		nxt := cur.step(back)
		r := f.at(nxt)
		if b := f.boxAt(nxt); b >= 0 {
			// The tail: a tee on a framed box's border, or a one-line box.
			if f.boxes[b].framed {
				if teeArm[r] != opposite(back) {
					return fmt.Errorf("arrow to %d,%d leaves box %v at %d,%d without a tee", head.x, head.y, f.boxes[b].state, nxt.x, nxt.y)
				}
				o := f.ownerAt(nxt)
				o.kind, o.edge = kTee, i
				f.setOwner(nxt, o)
				rev = append(rev, nxt)
			}
			e.from = b
			break
		}
		if arms, ok := lineArms[r]; ok {
			if arms&opposite(back) == 0 {
				return fmt.Errorf("line broken at %d,%d", nxt.x, nxt.y)
			}
			if err := claim(nxt, kLine); err != nil {
				return err
			}
			rev = append(rev, nxt)
			cur, back = nxt, arms&^opposite(back)
			continue
		}
		if r == '┼' {
			return fmt.Errorf("arrows cross at %d,%d", nxt.x, nxt.y)
		}
		if r != ' ' || (back != east && back != west) {
			if r == ' ' {
				break // a stub without a label
			}
			return fmt.Errorf("arrow to %d,%d runs into %q at %d,%d", head.x, head.y, r, nxt.x, nxt.y)
		}
		// A label, inline or at a stub's tail.
		cells, end := f.textRun(nxt.step(back), back)
		if len(cells) == 0 {
			break // a stub without a label
		}
		for _, c := range cells {
			if err := claim(c, kLabel); err != nil {
				return err
			}
		}
		e.label, e.text = cells, f.textOf(cells)
		after := end.step(back) // the cell after the space that ends the label
		if _, line := lineArms[f.at(after)]; line && f.at(end) == ' ' {
			cur = end
			continue
		}
		if b := f.boxAt(after); b >= 0 && f.at(end) == ' ' && f.boxes[b].framed && teeArm[f.at(after)] == opposite(back) {
			cur = end
			continue
		}
		break // a stub's tail
	}
	slices.Reverse(rev)
	e.cells = rev
	if e.from < 0 && len(e.label) == 0 && f.labelled {
		return fmt.Errorf("stub to %d,%d has no label", head.x, head.y)
	}
	f.edges = append(f.edges, e)
	return nil
}

// isText says whether r may be part of a label.
func isText(r rune) bool {
	if r == ' ' {
		return false
	}
	if _, ok := lineArms[r]; ok {
		return false
	}
	if _, ok := headDir[r]; ok {
		return false
	}
	if _, ok := teeArm[r]; ok {
		return false
	}
	return !strings.ContainsRune("┼[]", r)
}

// textRun reads the label that starts at p going in direction d (east or
// west): text with single spaces inside it. It returns the label's cells
// in reading order and the cell just after it (in direction d).
func (f *fig) textRun(p pt, d int) ([]pt, pt) {
	var cells []pt
	cur := p
	for {
		if f.boxAt(cur) >= 0 || f.ownerAt(cur).kind != kBlank {
			break
		}
		r := f.at(cur)
		if isText(r) {
			cells = append(cells, cur)
			cur = cur.step(d)
			continue
		}
		if r == ' ' && len(cells) > 0 && isText(f.at(cur.step(d))) && f.boxAt(cur.step(d)) < 0 {
			cells = append(cells, cur)
			cur = cur.step(d)
			continue
		}
		break
	}
	if d == west {
		slices.Reverse(cells)
	}
	return cells, cur
}

func (f *fig) textOf(cells []pt) string {
	var b strings.Builder
	for _, c := range cells {
		b.WriteRune(f.at(c))
	}
	return b.String()
}

// modelMoves returns the model's moves an arrow of the figure draws.
func (f *fig) modelMoves(e *fedge) []model.Transition {
	var out []model.Transition
	for _, t := range model.DiagramEdges() {
		switch {
		case e.from < 0 && t.Abort() && f.boxes[e.to].state == model.Closed:
			out = append(out, t)
		case e.from >= 0 && !t.Abort() && t.From == f.boxes[e.from].state && t.To == f.boxes[e.to].state:
			out = append(out, t)
		}
	}
	return out
}

// expected is the label an arrow must carry in a labelled figure.
func expected(e *fedge) string {
	if len(e.moves) == 0 {
		return ""
	}
	if e.moves[0].Abort() {
		return resetLabel()
	}
	return e.moves[0].Label()
}

// bindLabels gives each arrow its model moves and each label not inline
// its arrow: the nearest one whose label it is.
func (f *fig) bindLabels() error {
	for i := range f.edges {
		e := &f.edges[i]
		e.moves = f.modelMoves(e)
		if len(e.moves) == 0 {
			from := "any state"
			if e.from >= 0 {
				from = f.boxes[e.from].state.String()
			}
			return fmt.Errorf("arrow %s → %v is no move of the model", from, f.boxes[e.to].state)
		}
		if e.from >= 0 && len(e.moves) != 1 {
			return fmt.Errorf("arrow %v → %v draws %d moves", e.moves[0].From, e.moves[0].To, len(e.moves))
		}
	}
	for y := range f.h {
		for x := 0; x < f.w; x++ {
			p := pt{x, y}
			if !isText(f.at(p)) || f.ownerAt(p).kind != kBlank {
				continue
			}
			cells, _ := f.textRun(p, east)
			text := f.textOf(cells)
			best, bestD, tie := -1, 1<<30, false
			for i := range f.edges {
				e := &f.edges[i]
				if e.label != nil || (f.labelled && expected(e) != text) {
					continue
				}
				d := distance(cells, e.cells)
				switch {
				case d < bestD:
					best, bestD, tie = i, d, false
				case d == bestD:
					tie = true
				}
			}
			if best < 0 || tie || bestD > 2 {
				return fmt.Errorf("label %q at %d,%d belongs to no arrow beside it", text, x, y)
			}
			for _, c := range cells {
				f.setOwner(c, owner{kind: kLabel, box: -1, edge: best})
			}
			f.edges[best].label, f.edges[best].text = cells, text
			x += len(cells)
		}
	}
	for i := range f.edges {
		e := &f.edges[i]
		if f.labelled && e.text != expected(e) {
			return fmt.Errorf("arrow %v → %v is labelled %q, the model says %q", e.moves[0].From, e.moves[0].To, e.text, expected(e))
		}
	}
	return nil
}

// distance is the least Chebyshev distance between two sets of cells.
func distance(a, b []pt) int {
	best := 1 << 30
	for _, p := range a {
		for _, q := range b {
			best = min(best, max(abs(p.x-q.x), abs(p.y-q.y)))
		}
	}
	return best
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// edgeFor returns the arrow that draws move t, or -1 (a move no figure
// draws: the model's "?" for a change it cannot explain).
func (f *fig) edgeFor(t model.Transition) int {
	for i := range f.edges {
		for _, m := range f.edges[i].moves {
			if m.From == t.From && m.To == t.To && m.Event == t.Event {
				return i
			}
		}
	}
	return -1
}

// firstBox returns the first box of state s in reading order, or -1.
func (f *fig) firstBox(s model.State) int {
	for i, b := range f.boxes {
		if b.state == s {
			return i
		}
	}
	return -1
}
