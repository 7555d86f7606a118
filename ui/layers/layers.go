// Package layers is the layers view: the selected frame's encapsulation as
// nested boxes of decoded header fields, over a hex dump of its bytes
// coloured by layer, with a cursor on one field whose bytes are highlighted.
//
// The dissection carries a frame's fields as sent; the view adds what only
// the timeline knows, the relative sequence and acknowledgment numbers of
// the row's segment, with the raw ones, in the numbering r selects, and
// what only the reassembled stream knows (pane.Context.App): the
// application messages the segment completes, each a box inside the
// payload's with its fields, their bytes in the application layer's colour.
package layers

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/app"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
	"github.com/tcpstep/tcpstep/ui/theme"
)

// LayerApp is the kind of the layers the view adds for the application
// messages a segment completes: after model's kinds, inside the payload.
const LayerApp model.LayerKind = model.LayerTrailer + 1

func (s Styles) kind(k model.LayerKind) lipgloss.Style {
	if int(k) < len(s.Kind) {
		return s.Kind[k]
	}
	return s.Unowned
}

// item is one selectable line of the field tree: a layer's title (field
// nil) or one of its fields, at some depth of sub-fields.
type item struct {
	layer      int
	field      *model.Field
	sub        int // 0 for a layer's own fields, 1 for their children, ...
	start, end int // the bytes the item covers in the frame
	key        string
}

// Pane is the layers view as the stepper holds it: the selected row's
// frame, read when the row moves to another frame, shown as nested boxes
// of decoded header fields over a hex/ASCII dump coloured by layer. A
// cursor moves over the flattened list of layers and fields; the bytes of
// the item under it are highlighted in the dump.
type Pane struct {
	st Styles
	// frame is the frame the pane holds (1-based), 0 for none: Prepare
	// reads the selected row's frame only when it is another.
	frame uint32
	data  []byte
	d     model.Dissection
	// base is the frame's dissection as read, which d is with the
	// application layers of app (the segment's, nil for none) added.
	base  model.Dissection
	app   *app.Segment
	items []item
	depth []int // box nesting depth of each layer
	cur   int
	edges map[string][2]string // rendered box edges by stack, for one drawing
	// treeTop and hexTop are the first visible line of the field tree and
	// of the dump; render moves them to keep the selection in sight.
	treeTop, hexTop int
	// num is how the TCP header's numbers are drawn, set by View.
	num numbering
}

// numbering is what the view knows of the frame's TCP numbers besides its
// bytes: the row's segment (nil when the row is not a segment, or not this
// frame's), and whether the numbers are shown as sent.
type numbering struct {
	seg      *model.Segment
	absolute bool
}

// numberingOf is the numbering of the selected row's segment, when the
// pane holds its frame.
func (p *Pane) numberingOf(ctx pane.Context) numbering {
	n := numbering{absolute: ctx.Absolute}
	if ctx.TL == nil || ctx.Row < 0 || ctx.Row >= len(ctx.Rows) {
		return n
	}
	r := ctx.Rows[ctx.Row]
	if r.Seg < 0 || int(r.Seg) >= len(ctx.TL.Segments) || r.Frame != p.frame {
		return n
	}
	if s := &ctx.TL.Segments[r.Seg]; s.Frame == p.frame {
		n.seg = s
	}
	return n
}

// tcpSeqAt and tcpAckAt are where the sequence and acknowledgment numbers
// sit in a TCP header (RFC 9293 section 3.1), four bytes each.
const (
	tcpSeqAt = 4
	tcpAckAt = 8
)

// value is the value drawn for a field, and the name and value of a line
// drawn under it (none when name is ""): the dissection's value, except for the sequence and
// acknowledgment numbers of the segment's own TCP header, which show the
// number in the numbering the stepper shows and, under it, the other, as
// Wireshark shows "Sequence Number: 1 (relative sequence number)" over
// "Sequence Number (raw): 1023645923". A header whose bytes are not the
// segment's (another TCP header in the frame) keeps its raw values alone.
func (p *Pane) value(it item) (val, name, under string) {
	raw := model.Visible(it.field.Value)
	s := p.num.seg
	if s == nil || it.sub != 0 || it.layer >= len(p.d.Layers) {
		return raw, "", ""
	}
	l := &p.d.Layers[it.layer]
	if l.Kind != model.LayerTransport || l.Name != "TCP" || it.start < 0 || it.end-it.start != 4 || it.end > len(p.data) {
		return raw, "", ""
	}
	v := binary.BigEndian.Uint32(p.data[it.start:it.end])
	switch {
	case it.start-l.Start == tcpSeqAt && v == s.Seq:
		return p.num.both(s.RelSeq, v)
	case it.start-l.Start == tcpAckAt && v == s.Ack:
		if !s.Flags.Has(model.ACK) {
			return raw, "not used", "the ACK flag is not set"
		}
		return p.num.both(s.RelAck, v)
	}
	return raw, "", ""
}

// both draws a number in the numbering shown, and the other under it.
func (n numbering) both(rel, raw uint32) (val, name, under string) {
	if n.absolute {
		return fmt.Sprintf("%d (raw)", raw), "relative", strconv.FormatUint(uint64(rel), 10)
	}
	return fmt.Sprintf("%d (relative)", rel), "raw", strconv.FormatUint(uint64(raw), 10)
}

// setFrame shows a new frame. The cursor stays on the same field (by layer
// and field names) when the new frame has it, so stepping through segments
// with "SEQ" selected keeps SEQ selected.
func (p *Pane) setFrame(data []byte, d model.Dissection) {
	prev := ""
	if p.cur >= 0 && p.cur < len(p.items) {
		prev = p.items[p.cur].key
	}
	p.data = append(p.data[:0:0], data...)
	p.d = d
	p.items = p.items[:0]
	p.depth = depths(d.Layers)
	for li := range d.Layers {
		l := &d.Layers[li]
		name := l.Name
		if l.Kind == LayerApp {
			// The protocol, not the message: stepping from one SMTP
			// command to the next keeps the SMTP box selected.
			name, _, _ = strings.Cut(name, " ")
		}
		key := fmt.Sprintf("%d:%s", l.Kind, name)
		p.items = append(p.items, item{layer: li, start: l.Start, end: l.End, key: key})
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

func (p *Pane) addFields(li int, fs []model.Field, sub int, key string) {
	for i := range fs {
		f := &fs[i]
		k := key + "/" + f.Name
		p.items = append(p.items, item{layer: li, field: f, sub: sub, start: f.Start, end: f.End, key: k})
		p.addFields(li, f.Children, sub+1, k)
	}
}

// depths nests each layer inside the one before it (link ⊃ IP ⊃ TCP ⊃
// payload), except a trailer, which follows the IP datagram inside the
// link layer that carries it, and the application messages, side by side
// inside the payload that carries them.
func depths(ls []model.Layer) []int {
	out := make([]int, len(ls))
	d := -1
	lastLink, lastPayload := -1, -1
	for i, l := range ls {
		if l.Kind == model.LayerTrailer {
			out[i] = lastLink + 1
			continue
		}
		if l.Kind == LayerApp && lastPayload >= 0 {
			out[i] = lastPayload + 1
			continue
		}
		if l.Kind == model.LayerPayload {
			lastPayload = d + 1
		}
		d++
		out[i] = d
		if l.Kind == model.LayerLink {
			lastLink = d
		}
	}
	return out
}

// NewPane returns the view, holding no frame yet.
func NewPane(st Styles) *Pane { return &Pane{st: st} }

// SetStyles changes the view's colours.
func (p *Pane) SetStyles(st Styles) { p.st = st }

// SetDark builds the view's styles for the terminal's background.
func (p *Pane) SetDark(isDark bool) { p.st = NewStyles(isDark) }

// Title is what the view's border adds to its name: the selected row's
// frame.
func (p *Pane) Title(ctx pane.Context) string {
	if ctx.Row < len(ctx.Rows) {
		return fmt.Sprintf("frame %d", ctx.Rows[ctx.Row].Frame)
	}
	return ""
}

// notInTimeline is the problem shown for a frame that cannot be read at
// all: there is no reader, or the timeline has no record of it.
const notInTimeline = "frame not in the timeline"

// Prepare reads the selected row's frame when it is not the one the pane
// holds, so stepping reads one frame and redrawing none. An error reading
// it is shown as the dissection's problem, over whatever bytes were read;
// the root reports it in the footer too.
func (p *Pane) Prepare(ctx pane.Context, _, _ int) {
	if ctx.Row < 0 || ctx.Row >= len(ctx.Rows) {
		return
	}
	if ctx.Rows[ctx.Row].Frame == p.frame {
		// The application layer read since the frame was: its boxes are
		// added to the dissection read then.
		if a := p.appOf(ctx); a != p.app {
			p.app = a
			p.setFrame(p.data, withApp(p.base, len(p.data), a, appProto(ctx)))
		}
		return
	}
	p.frame = ctx.Rows[ctx.Row].Frame
	if ctx.Frame == nil {
		p.setFrame(nil, model.Dissection{Problem: notInTimeline})
		return
	}
	data, d, err := ctx.Frame(p.frame)
	if err != nil {
		d.Problem = err.Error()
	}
	p.base, p.app = d, p.appOf(ctx)
	p.setFrame(data, withApp(d, len(data), p.app, appProto(ctx)))
}

// appOf is what the selected row's segment carries above TCP, when it is
// known and the row is a segment.
func (p *Pane) appOf(ctx pane.Context) *app.Segment {
	if ctx.App == nil || ctx.Row < 0 || ctx.Row >= len(ctx.Rows) || ctx.Rows[ctx.Row].Seg < 0 {
		return nil
	}
	return ctx.App.Seg(int(ctx.Rows[ctx.Row].Seg))
}

// appProto is the conversation's application protocol, for a segment
// that carries part of a message.
func appProto(ctx pane.Context) app.Proto {
	if ctx.App == nil {
		return app.Unknown
	}
	return ctx.App.Proto
}

// withApp is dissection d of a frame of n bytes with, inside its payload,
// a layer for each application message of as: its protocol and summary
// for a name, its fields' labels and values for fields, each with the
// bytes this segment carried of it. A segment that carries part of a
// message (none complete) gets one layer over its payload that says so.
// Every range stays inside the payload's bytes, whatever the analysis
// says; d is not changed.
func withApp(d model.Dissection, n int, as *app.Segment, proto app.Proto) model.Dissection {
	if as == nil {
		return d
	}
	pi := -1
	for i := range d.Layers {
		if d.Layers[i].Kind == model.LayerPayload {
			pi = i
			break
		}
	}
	if pi < 0 {
		return d
	}
	pl := d.Layers[pi]
	lo, hi := max(pl.Start, 0), min(pl.End, n)
	if lo >= hi {
		return d
	}
	// at turns a range of the payload into the frame's bytes, clipped to
	// the payload; a range of no bytes of this segment's is empty, at the
	// message's start.
	at := func(off, ln, empty int) (int, int) {
		s := min(max(lo+off, lo), hi)
		e := min(max(s+ln, s), hi)
		if ln <= 0 {
			return empty, empty
		}
		return s, e
	}
	var add []model.Layer
	for i := range as.Messages {
		m := &as.Messages[i]
		s, e := at(m.Off, m.Len, lo)
		name := model.Visible(m.Proto.String())
		if sum := model.Visible(m.Summary); sum != "" {
			name = strings.TrimSpace(name + " " + sum)
		}
		l := model.Layer{Name: name, Kind: LayerApp, Start: s, End: e}
		if m.Malformed != "" {
			l.Fields = append(l.Fields, model.Field{Name: "⚠ Malformed", Value: model.Visible(m.Malformed), Start: s, End: e})
		}
		for _, f := range m.Fields {
			fs, fe := at(f.Off, f.Len, s)
			label := model.Visible(f.Label)
			if label == "" {
				label = model.Visible(f.Name)
			}
			val := model.Visible(f.Value)
			if f.Len <= 0 {
				val += " (in an earlier segment)"
			}
			l.Fields = append(l.Fields, model.Field{Name: label, Value: val, Start: fs, End: fe})
		}
		add = append(add, l)
	}
	if len(add) == 0 {
		name := "part of a message"
		if p := proto.String(); p != "" {
			name = p + " " + theme.Ellipsis + " part of a message"
		}
		add = append(add, model.Layer{Name: name, Kind: LayerApp, Start: lo, End: hi,
			Fields: []model.Field{{Name: "Note", Value: "a later segment completes the message", Start: lo, End: hi}}})
	}
	out := d
	out.Layers = make([]model.Layer, 0, len(d.Layers)+len(add))
	out.Layers = append(out.Layers, d.Layers[:pi+1]...)
	out.Layers = append(out.Layers, add...)
	out.Layers = append(out.Layers, d.Layers[pi+1:]...)
	return out
}

// ConversationChanged forgets the frame: the next Prepare reads the new
// conversation's.
func (p *Pane) ConversationChanged(pane.Context) { p.frame = 0 }

// Key moves the field cursor: ↑ and ↓ by one, the page keys by ten, the
// wheel by three. The stepper stays where it is.
func (p *Pane) Key(_ pane.Context, k pane.Key, _, _ int) pane.Result {
	switch k {
	case pane.KeyUp:
		p.move(-1)
	case pane.KeyDown:
		p.move(1)
	case pane.KeyPageUp:
		p.move(-10)
	case pane.KeyPageDown:
		p.move(10)
	case pane.KeyWheelUp:
		p.move(-3)
	case pane.KeyWheelDown:
		p.move(3)
	default:
		return pane.Unused
	}
	return pane.Used()
}

// move moves the field cursor d items, no further than the first and the
// last.
func (p *Pane) move(d int) {
	p.cur = max(0, min(p.cur+d, len(p.items)-1))
}

// selected returns the byte range of the item under the cursor, or an empty
// range when there is none.
func (p *Pane) selected() (start, end int) {
	if p.cur < 0 || p.cur >= len(p.items) {
		return 0, 0
	}
	it := p.items[p.cur]
	return max(it.start, 0), min(it.end, len(p.data))
}

// Hex dump geometry: "0000  xx xx … xx  xx … xx  ascii".
const offW = 6 // four hex digits and two spaces

func hexWidth(n int) int {
	w := offW + 3*n + 1 + n
	if n == 16 {
		w++ // the gap between the two halves
	}
	return w
}

// View draws the frame in w×h cells, its TCP numbers in ctx's numbering.
func (p *Pane) View(ctx pane.Context, w, h int) string {
	p.num = p.numberingOf(ctx)
	return p.render(p.st, w, h)
}

// render draws the frame in at most w columns and h lines with styles st:
// the field tree and the dump side by side when there is room for both,
// stacked otherwise. It moves the tree's and the dump's scroll positions
// to keep the selection in sight.
func (p *Pane) render(st Styles, w, h int) string {
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
	case w >= hexWidth(16)+2+40:
		hw := hexWidth(16)
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
		for n > 4 && hexWidth(n) > w {
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

// treeLine is one line of the field tree and the item it shows (-1 for the
// closing edge of a box). It is drawn (draw) only when it is on screen: a
// frame's tree is often twice as long as the pane.
type treeLine struct {
	item  int
	kind  uint8 // lineEdge, lineTitle, lineField
	boxes bool  // nested boxes, else indented sections
	open  []int // the layers whose boxes are open around it
	layer int   // an edge's or title's layer
	lc    string
	rc    string
	title string // a title's text; a field's name, indented, and ": "
	val   string // a field's value
	sel   bool
}

// Kinds of treeLine.
const (
	lineEdge = iota
	lineTitle
	lineField
)

// treeLines builds the whole field tree at width w: each layer a box inside
// the box of the layer that carries it, or, when the pane is too narrow for
// nested borders, a titled section indented under its carrier.
func (p *Pane) treeLines(st Styles, w int) []treeLine {
	clear(p.edges) // the styles may differ from the last call
	maxDepth := 0
	for _, d := range p.depth {
		maxDepth = max(maxDepth, d)
	}
	boxes := w-2*(maxDepth+1) >= 24
	var out []treeLine
	open := []int{} // layers whose boxes are open, outermost first
	closeTo := func(depth int) {
		for len(open) > depth {
			li := open[len(open)-1]
			open = open[:len(open)-1]
			if boxes {
				out = append(out, treeLine{item: -1, kind: lineEdge, boxes: true, open: slices.Clone(open), layer: li, lc: "└", rc: "┘"})
			}
		}
	}
	for i, it := range p.items {
		l := &p.d.Layers[it.layer]
		sel := i == p.cur
		if it.field == nil {
			closeTo(p.depth[it.layer])
			title := fmt.Sprintf(" %s  %d bytes ", model.Visible(l.Name), max(l.End-l.Start, 0))
			out = append(out, treeLine{item: i, kind: lineTitle, boxes: boxes, open: slices.Clone(open), layer: it.layer, lc: "┌─", rc: "┐", title: title, sel: sel})
			open = append(open, it.layer)
			continue
		}
		text := strings.Repeat("  ", it.sub) + model.Visible(it.field.Name) + ": "
		val, name, under := p.value(it)
		out = append(out, treeLine{item: i, kind: lineField, boxes: boxes, open: slices.Clone(open), title: text, val: val, sel: sel})
		if name != "" {
			// A line of the same item, indented as a sub-field and
			// selected with it: the same bytes, in the other numbering.
			sub := strings.Repeat("  ", it.sub+1) + name + ": "
			out = append(out, treeLine{item: i, kind: lineField, boxes: boxes, open: slices.Clone(open), title: sub, val: under, sel: sel})
		}
	}
	closeTo(0)
	return out
}

// draw draws a line of the field tree w cells wide.
func (p *Pane) draw(st Styles, w int, ln treeLine) string {
	switch {
	case ln.kind != lineField && ln.boxes:
		return p.frameLine(st, ln.open, w, ln.lc, ln.rc, ln.title, ln.layer, ln.sel)
	case ln.kind == lineTitle:
		ind := strings.Repeat("  ", len(ln.open))
		ks := st.kind(p.d.Layers[ln.layer].Kind)
		ts := st.Title.Inherit(ks)
		if ln.sel {
			ts = st.Selected.Inherit(ks)
		}
		return ind + ks.Render("──") + ts.Render(ln.title) + ks.Render("──")
	case ln.kind == lineField && ln.boxes:
		return p.fieldLine(st, ln.open, w, ln.title, ln.val, ln.sel)
	case ln.kind == lineField:
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
func (p *Pane) sides(st Styles, open []int) (left, right string) {
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
func (p *Pane) frameLine(st Styles, open []int, w int, lc, rc, title string, li int, sel bool) string {
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
func (p *Pane) fieldLine(st Styles, open []int, w int, name, val string, sel bool) string {
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
func (p *Pane) tree(st Styles, w int, lines []treeLine, h int) []string {
	// An item's lines are consecutive: its field, and a line under it.
	first, last := 0, -1
	for i, l := range lines {
		if l.item == p.cur {
			if last < 0 {
				first = i
			}
			last = i
		} else if last >= 0 {
			break
		}
	}
	p.treeTop = scroll(p.treeTop, first, max(first, last), len(lines), h)
	out := make([]string, 0, h)
	for i := p.treeTop; i < len(lines) && len(out) < h; i++ {
		out = append(out, p.draw(st, w, lines[i]))
	}
	return out
}

// scroll returns the first visible line of a window of h lines over n,
// moved as little as possible from top so that lines [a, b] show (a at
// least, when they do not all fit).
func scroll(top, a, b, n, h int) int {
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
func (p *Pane) hex(st Styles, n, h int) []string {
	if len(p.data) == 0 || h <= 0 {
		return nil
	}
	rows := (len(p.data) + n - 1) / n
	s, e := p.selected()
	if e > s {
		p.hexTop = scroll(p.hexTop, s/n, (e-1)/n, rows, h)
	} else {
		p.hexTop = max(0, min(p.hexTop, rows-h))
	}
	owner := p.owners()
	// A byte's key is its layer kind, plus selKey when selected; cells with
	// the same key share one styled run.
	const selKey = 1000
	keyAt := func(i int) int {
		k := int(owner[i])
		if i >= s && i < e {
			k += selKey
		}
		return k
	}
	styleOf := func(k int) lipgloss.Style {
		sel := k >= selKey
		if sel {
			k -= selKey
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
	var toks []tok
	for r := p.hexTop; r < rows && len(out) < h; r++ {
		first, last := r*n, min(r*n+n, len(p.data))
		toks = append(toks[:0], tok{fmt.Sprintf("%04x", first), -2}, tok{"  ", -1})
		used := 0
		for i := first; i < last; i++ {
			toks = append(toks, tok{fmt.Sprintf("%02x", p.data[i]), keyAt(i)})
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
				toks = append(toks, tok{gap, k})
				used += len(gap)
			}
		}
		toks = append(toks, tok{strings.Repeat(" ", max(hexW-used, 0)+2), -1})
		for i := first; i < last; i++ {
			c := p.data[i]
			if c < 0x20 || c >= 0x7f {
				c = '.'
			}
			toks = append(toks, tok{string(rune(c)), keyAt(i)})
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

// tok is a piece of a dump line and its style key (-1 plain, -2 offset).
type tok struct {
	text string
	key  int
}

// owners maps each byte of the frame to the kind of the innermost layer
// whose range holds it (255 for none): later layers are inside earlier ones,
// so the last match wins.
func (p *Pane) owners() []model.LayerKind {
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
