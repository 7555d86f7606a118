package ui

import (
	"fmt"
	"image/color"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
	"github.com/tcpstep/tcpstep/ui/theme"
)

// LayerStyles are the layers pane's styles. Each layer kind has a colour,
// shared by its box and by its bytes in the hex dump, so the eye can match a
// header to its bytes; the selected field is drawn reversed in both places,
// which reads without colour too.
type LayerStyles struct {
	Kind     [6]lipgloss.Style // by model.LayerKind: link, tunnel, ip, transport, payload, trailer
	Title    lipgloss.Style    // a layer's name in its box's top edge (takes the kind's colour)
	Field    lipgloss.Style    // a field's name
	Value    lipgloss.Style    // a field's value
	Selected lipgloss.Style    // the selected field's line and its bytes
	Offset   lipgloss.Style    // the hex dump's offset column
	Unowned  lipgloss.Style    // bytes no layer claims
	Problem  lipgloss.Style    // why decoding stopped early
	Dim      lipgloss.Style    // scroll hints, "no bytes"
}

// NewLayerStyles builds the layers pane's styles for a dark or light
// background.
func NewLayerStyles(isDark bool) LayerStyles {
	p := theme.For(isDark)
	fg := func(c color.Color) lipgloss.Style { return lipgloss.NewStyle().Foreground(c) }
	var s LayerStyles
	s.Kind[model.LayerLink] = fg(p.Purple)
	s.Kind[model.LayerTunnel] = fg(p.Pink)
	s.Kind[model.LayerIP] = fg(p.Blue)
	s.Kind[model.LayerTransport] = fg(p.Green)
	s.Kind[model.LayerPayload] = fg(p.Amber)
	s.Kind[model.LayerTrailer] = fg(p.Pewter)
	s.Title = lipgloss.NewStyle().Bold(true)
	s.Field = fg(p.SlateSoft)
	s.Value = fg(p.InkStrong)
	s.Selected = lipgloss.NewStyle().Reverse(true).Bold(true)
	s.Offset = fg(p.Muted)
	s.Unowned = fg(p.Muted)
	s.Problem = fg(p.Red).Bold(true)
	s.Dim = fg(p.Muted)
	return s
}

func (s LayerStyles) kind(k model.LayerKind) lipgloss.Style {
	if int(k) < len(s.Kind) {
		return s.Kind[k]
	}
	return s.Unowned
}

// lyItem is one selectable line of the field tree: a layer's title (field
// nil) or one of its fields, at some depth of sub-fields.
type lyItem struct {
	layer      int
	field      *model.Field
	sub        int // 0 for a layer's own fields, 1 for their children, ...
	start, end int // the bytes the item covers in the frame
	key        string
}

// layersPane shows the selected frame's encapsulation: nested boxes of
// decoded header fields over a hex/ASCII dump coloured by layer. A cursor
// moves over the flattened list of layers and fields; the bytes of the item
// under it are highlighted in the dump.
type layersPane struct {
	data  []byte
	d     model.Dissection
	items []lyItem
	depth []int // box nesting depth of each layer
	cur   int
	edges map[string][2]string // rendered box edges by stack, for one View
	// treeTop and hexTop are the first visible line of the field tree and
	// of the dump; View moves them to keep the selection in sight.
	treeTop, hexTop int
}

// setFrame shows a new frame. The cursor stays on the same field (by layer
// and field names) when the new frame has it, so stepping through segments
// with "SEQ" selected keeps SEQ selected.
func (p *layersPane) setFrame(data []byte, d model.Dissection) {
	prev := ""
	if p.cur >= 0 && p.cur < len(p.items) {
		prev = p.items[p.cur].key
	}
	p.data = append(p.data[:0:0], data...)
	p.d = d
	p.items = p.items[:0]
	p.depth = lyDepths(d.Layers)
	for li := range d.Layers {
		l := &d.Layers[li]
		key := fmt.Sprintf("%d:%s", l.Kind, l.Name)
		p.items = append(p.items, lyItem{layer: li, start: l.Start, end: l.End, key: key})
		p.addFields(li, l.Fields, 0, key)
	}
	p.cur = 0
	for i, it := range p.items {
		if it.key == prev {
			p.cur = i
			break
		}
	}
}

func (p *layersPane) addFields(li int, fs []model.Field, sub int, key string) {
	for i := range fs {
		f := &fs[i]
		k := key + "/" + f.Name
		p.items = append(p.items, lyItem{layer: li, field: f, sub: sub, start: f.Start, end: f.End, key: k})
		p.addFields(li, f.Children, sub+1, k)
	}
}

// lyDepths nests each layer inside the one before it (link ⊃ IP ⊃ TCP ⊃
// payload), except a trailer, which follows the IP datagram inside the
// link layer that carries it.
func lyDepths(ls []model.Layer) []int {
	out := make([]int, len(ls))
	d := -1
	lastLink := -1
	for i, l := range ls {
		if l.Kind == model.LayerTrailer {
			out[i] = lastLink + 1
			continue
		}
		d++
		out[i] = d
		if l.Kind == model.LayerLink {
			lastLink = d
		}
	}
	return out
}

// Update moves the field cursor: up/k and down/j by one, pgup/pgdown by ten.
func (p *layersPane) Update(msg tea.KeyPressMsg) {
	switch msg.String() {
	case "up", "k":
		p.cur--
	case "down", "j":
		p.cur++
	case "pgup":
		p.cur -= 10
	case "pgdown":
		p.cur += 10
	}
	p.cur = max(0, min(p.cur, len(p.items)-1))
}

// selected returns the byte range of the item under the cursor, or an empty
// range when there is none.
func (p *layersPane) selected() (start, end int) {
	if p.cur < 0 || p.cur >= len(p.items) {
		return 0, 0
	}
	it := p.items[p.cur]
	return max(it.start, 0), min(it.end, len(p.data))
}

// Hex dump geometry: "0000  xx xx … xx  xx … xx  ascii".
const (
	lyOffW   = 6 // four hex digits and two spaces
	lyHexMin = 20
)

func lyHexWidth(n int) int {
	w := lyOffW + 3*n + 1 + n
	if n == 16 {
		w++ // the gap between the two halves
	}
	return w
}

// View draws the pane in at most w columns and h lines: the field tree and
// the dump side by side when there is room for both, stacked otherwise.
func (p *layersPane) View(st LayerStyles, w, h int) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	var out []string
	if p.d.Problem != "" {
		out = append(out, st.Problem.Render(ansi.Truncate("⚠ "+model.Visible(p.d.Problem), w, "…")))
		h--
	}
	switch {
	case len(p.data) == 0 && len(p.d.Layers) == 0:
		out = append(out, st.Dim.Render(ansi.Truncate("no frame bytes to show", w, "")))
	case h <= 0:
	case w >= lyHexWidth(16)+2+40:
		hw := lyHexWidth(16)
		tw := w - hw - 2
		tree := p.tree(st, tw, p.treeLines(st, tw), h)
		hex := p.hex(st, 16, h)
		for i := 0; i < max(len(tree), len(hex)); i++ {
			l := ""
			if i < len(tree) {
				l = tree[i]
			}
			l += strings.Repeat(" ", max(tw-pane.Width(l), 0)) + "  "
			if i < len(hex) {
				l += hex[i]
			}
			out = append(out, strings.TrimRight(l, " "))
		}
	default:
		n := 16
		for n > 4 && lyHexWidth(n) > w {
			n /= 2
		}
		rows := (len(p.data) + n - 1) / n
		lines := p.treeLines(st, w)
		hexH := min(rows, max(h*2/5, 2))
		if len(lines)+1+hexH < h {
			hexH = min(rows, h-len(lines)-1)
		}
		treeH := max(h-hexH-1, 1)
		if treeH+hexH+1 > h {
			hexH = max(h-treeH-1, 0)
		}
		out = append(out, p.tree(st, w, lines, treeH)...)
		if hexH > 0 {
			out = append(out, st.Dim.Render(strings.Repeat("┄", w)))
			out = append(out, p.hex(st, n, hexH)...)
		}
	}
	for i, l := range out {
		if pane.Width(l) > w {
			out[i] = ansi.Truncate(l, w, "")
		}
	}
	if len(out) > h+btoi(p.d.Problem != "") {
		out = out[:h+btoi(p.d.Problem != "")]
	}
	return strings.Join(out, "\n")
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// lyLine is one line of the field tree and the item it shows (-1 for the
// closing edge of a box). It is drawn (draw) only when it is on screen: a
// frame's tree is often twice as long as the pane.
type lyLine struct {
	item  int
	kind  uint8 // lyEdge, lyTitle, lyField
	boxes bool  // nested boxes, else indented sections
	open  []int // the layers whose boxes are open around it
	layer int   // an edge's or title's layer
	lc    string
	rc    string
	title string // a title's text; a field's name, indented, and ": "
	val   string // a field's value
	sel   bool
}

// Kinds of lyLine.
const (
	lyEdge = iota
	lyTitle
	lyField
)

// treeLines builds the whole field tree at width w: each layer a box inside
// the box of the layer that carries it, or, when the pane is too narrow for
// nested borders, a titled section indented under its carrier.
func (p *layersPane) treeLines(st LayerStyles, w int) []lyLine {
	clear(p.edges) // the styles may differ from the last call
	maxDepth := 0
	for _, d := range p.depth {
		maxDepth = max(maxDepth, d)
	}
	boxes := w-2*(maxDepth+1) >= 24
	var out []lyLine
	open := []int{} // layers whose boxes are open, outermost first
	closeTo := func(depth int) {
		for len(open) > depth {
			li := open[len(open)-1]
			open = open[:len(open)-1]
			if boxes {
				out = append(out, lyLine{item: -1, kind: lyEdge, boxes: true, open: slices.Clone(open), layer: li, lc: "└", rc: "┘"})
			}
		}
	}
	for i, it := range p.items {
		l := &p.d.Layers[it.layer]
		sel := i == p.cur
		if it.field == nil {
			closeTo(p.depth[it.layer])
			title := fmt.Sprintf(" %s  %d bytes ", model.Visible(l.Name), max(l.End-l.Start, 0))
			out = append(out, lyLine{item: i, kind: lyTitle, boxes: boxes, open: slices.Clone(open), layer: it.layer, lc: "┌─", rc: "┐", title: title, sel: sel})
			open = append(open, it.layer)
			continue
		}
		text := strings.Repeat("  ", it.sub) + model.Visible(it.field.Name) + ": "
		out = append(out, lyLine{item: i, kind: lyField, boxes: boxes, open: slices.Clone(open), title: text, val: model.Visible(it.field.Value), sel: sel})
	}
	closeTo(0)
	return out
}

// draw draws a line of the field tree w cells wide.
func (p *layersPane) draw(st LayerStyles, w int, ln lyLine) string {
	switch {
	case ln.kind != lyField && ln.boxes:
		return p.frameLine(st, ln.open, w, ln.lc, ln.rc, ln.title, ln.layer, ln.sel)
	case ln.kind == lyTitle:
		ind := strings.Repeat("  ", len(ln.open))
		ks := st.kind(p.d.Layers[ln.layer].Kind)
		ts := st.Title.Inherit(ks)
		if ln.sel {
			ts = st.Selected.Inherit(ks)
		}
		return ind + ks.Render("──") + ts.Render(ln.title) + ks.Render("──")
	case ln.kind == lyField && ln.boxes:
		return p.fieldLine(st, ln.open, w, ln.title, ln.val, ln.sel)
	case ln.kind == lyField:
		ind := strings.Repeat("  ", len(ln.open))
		line := ansi.Truncate(ind+" "+ln.title+ln.val, w, "…")
		if ln.sel {
			return st.Selected.Render(line)
		}
		return ansi.Truncate(ind+" "+st.Field.Render(ln.title)+st.Value.Render(ln.val), w, "…")
	}
	return ""
}

// sides renders the left and right edges of the open boxes, each in its
// layer's colour. The edges of one stack of boxes are the same on every
// line, so they are drawn once per stack.
func (p *layersPane) sides(st LayerStyles, open []int) (left, right string) {
	key := fmt.Sprint(open)
	if e, ok := p.edges[key]; ok {
		return e[0], e[1]
	}
	var l, r strings.Builder
	for _, li := range open {
		l.WriteString(st.kind(p.d.Layers[li].Kind).Render("│"))
	}
	for i := len(open) - 1; i >= 0; i-- {
		r.WriteString(st.kind(p.d.Layers[open[i]].Kind).Render("│"))
	}
	if p.edges == nil {
		p.edges = map[string][2]string{}
	}
	p.edges[key] = [2]string{l.String(), r.String()}
	return l.String(), r.String()
}

// frameLine draws the top (with title) or bottom edge of layer li's box
// inside the open boxes.
func (p *layersPane) frameLine(st LayerStyles, open []int, w int, lc, rc, title string, li int, sel bool) string {
	left, right := p.sides(st, open)
	inner := w - 2*len(open)
	ks := st.kind(p.d.Layers[li].Kind)
	title = ansi.Truncate(title, max(inner-pane.Width(lc)-pane.Width(rc), 0), "…")
	fill := max(inner-pane.Width(lc)-pane.Width(title)-pane.Width(rc), 0)
	ts := st.Title.Inherit(ks)
	if sel {
		ts = st.Selected.Inherit(ks)
	}
	if title != "" {
		title = ts.Render(title)
	}
	return left + ks.Render(lc) + title + ks.Render(strings.Repeat("─", fill)+rc) + right
}

// fieldLine draws "name: value" inside the open boxes, reversed when
// selected.
func (p *layersPane) fieldLine(st LayerStyles, open []int, w int, name, val string, sel bool) string {
	left, right := p.sides(st, open)
	inner := w - 2*len(open)
	text := " " + name + val
	if pane.Width(text) > inner {
		text = ansi.Truncate(text, inner, "…")
	}
	tw := pane.Width(text)
	pad := strings.Repeat(" ", max(inner-tw, 0))
	var body string
	if sel {
		body = st.Selected.Render(text + pad)
	} else {
		nw := pane.Width(" " + name)
		if nw >= tw {
			body = st.Field.Render(text) + pad
		} else {
			body = st.Field.Render(" "+name) + st.Value.Render(ansi.Cut(text, nw, tw)) + pad
		}
	}
	return left + body + right
}

// tree returns h lines of the field tree, scrolled to keep the selected
// item in sight.
func (p *layersPane) tree(st LayerStyles, w int, lines []lyLine, h int) []string {
	sel := 0
	for i, l := range lines {
		if l.item == p.cur {
			sel = i
			break
		}
	}
	p.treeTop = lyScroll(p.treeTop, sel, sel, len(lines), h)
	out := make([]string, 0, h)
	for i := p.treeTop; i < len(lines) && len(out) < h; i++ {
		out = append(out, p.draw(st, w, lines[i]))
	}
	return out
}

// lyScroll returns the first visible line of a window of h lines over n,
// moved as little as possible from top so that lines [a, b] show (a at
// least, when they do not all fit).
func lyScroll(top, a, b, n, h int) int {
	if h <= 0 {
		return 0
	}
	if b-a+1 > h {
		b = a + h - 1
	}
	if b >= top+h {
		top = b - h + 1
	}
	if a < top {
		top = a
	}
	return max(0, min(top, n-h))
}

// hex returns h lines of the dump, n bytes a line, scrolled to keep the
// selected bytes in sight. Every byte takes its layer's colour; the selected
// ones are reversed. The ASCII column shows printable ASCII as itself and
// every other byte as '.', so no capture byte reaches the terminal raw.
func (p *layersPane) hex(st LayerStyles, n, h int) []string {
	if len(p.data) == 0 || h <= 0 {
		return nil
	}
	rows := (len(p.data) + n - 1) / n
	s, e := p.selected()
	if e > s {
		p.hexTop = lyScroll(p.hexTop, s/n, (e-1)/n, rows, h)
	} else {
		p.hexTop = max(0, min(p.hexTop, rows-h))
	}
	owner := p.owners()
	// A byte's key is its layer kind, plus lySel when selected; cells with
	// the same key share one styled run.
	const lySel = 1000
	keyAt := func(i int) int {
		k := int(owner[i])
		if i >= s && i < e {
			k += lySel
		}
		return k
	}
	styleOf := func(k int) lipgloss.Style {
		sel := k >= lySel
		if sel {
			k -= lySel
		}
		base := st.Unowned
		if k < len(st.Kind) {
			base = st.Kind[k]
		}
		if sel {
			return st.Selected.Inherit(base)
		}
		return base
	}
	hexW := 3*n - 1
	if n == 16 {
		hexW++
	}
	out := make([]string, 0, h)
	var toks []lyTok
	for r := p.hexTop; r < rows && len(out) < h; r++ {
		first, last := r*n, min(r*n+n, len(p.data))
		toks = append(toks[:0], lyTok{fmt.Sprintf("%04x", first), -2}, lyTok{"  ", -1})
		used := 0
		for i := first; i < last; i++ {
			toks = append(toks, lyTok{fmt.Sprintf("%02x", p.data[i]), keyAt(i)})
			used += 2
			if i+1 < last {
				// The gap between two bytes of one run belongs to the run, so
				// a selection reads as one block.
				gap := " "
				if n == 16 && i-first == 7 {
					gap = "  "
				}
				k := -1
				if keyAt(i+1) == keyAt(i) {
					k = keyAt(i)
				}
				toks = append(toks, lyTok{gap, k})
				used += len(gap)
			}
		}
		toks = append(toks, lyTok{strings.Repeat(" ", max(hexW-used, 0)+2), -1})
		for i := first; i < last; i++ {
			c := p.data[i]
			if c < 0x20 || c >= 0x7f {
				c = '.'
			}
			toks = append(toks, lyTok{string(rune(c)), keyAt(i)})
		}
		var line strings.Builder
		for i := 0; i < len(toks); {
			j := i
			var txt strings.Builder
			for j < len(toks) && toks[j].key == toks[i].key {
				txt.WriteString(toks[j].text)
				j++
			}
			switch k := toks[i].key; {
			case k == -1:
				line.WriteString(txt.String())
			case k == -2:
				line.WriteString(st.Offset.Render(txt.String()))
			default:
				line.WriteString(styleOf(k).Render(txt.String()))
			}
			i = j
		}
		out = append(out, line.String())
	}
	return out
}

// lyTok is a piece of a dump line and its style key (-1 plain, -2 offset).
type lyTok struct {
	text string
	key  int
}

// owners maps each byte of the frame to the kind of the innermost layer
// whose range holds it (255 for none): later layers are inside earlier ones,
// so the last match wins.
func (p *layersPane) owners() []model.LayerKind {
	o := make([]model.LayerKind, len(p.data))
	for i := range o {
		o[i] = 255
	}
	for _, l := range p.d.Layers {
		for i := max(l.Start, 0); i < min(l.End, len(o)); i++ {
			o[i] = l.Kind
		}
	}
	return o
}
