package ladder

import (
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
	"github.com/tcpstep/tcpstep/ui/theme"
)

// maxPreviews bounds the payload previews kept, and the rows drawn: each
// is cleared when full, as only the rows on screen need them.
const maxPreviews = 4096

// previewLen is how many payload bytes a row previews.
const previewLen = 48

// Pane is the ladder as the stepper holds it: where it is scrolled to, the
// payload previews of the frames it has shown, and the rows it has drawn,
// so that a step redraws two rows, not the screen.
type Pane struct {
	st       Styles
	top      int
	previews map[uint32]string
	drawn    map[key]string
}

// NewPane returns the ladder scrolled to its first row, with nothing read.
func NewPane(st Styles) *Pane {
	return &Pane{st: st, previews: map[uint32]string{}, drawn: map[key]string{}}
}

// SetDark builds the ladder's styles for the terminal's background; the
// rows drawn in the old ones are drawn again.
func (p *Pane) SetDark(isDark bool) {
	p.st = NewStyles(isDark)
	clear(p.drawn)
}

// Title is what the ladder's border adds to its name: nothing.
func (p *Pane) Title(pane.Context) string { return "" }

// Top is the first row on screen.
func (p *Pane) Top() int { return p.top }

// page is how many rows an h-line ladder shows: its first line is the
// column header.
func page(h int) int { return max(h-1, 1) }

// Moved keeps the selected row in sight, w×h cells, with a little context
// around it, and the row a quiz question is about, then reads the previews
// of the rows on screen. The root calls it wherever the selection, the
// rows or the ladder's size may have changed, on screen or not, since
// where the ladder scrolls to depends on every move; the mouse wheel
// scrolls away from the selection until the next.
func (p *Pane) Moved(ctx pane.Context, w, h int) {
	n := page(h)
	margin := min(2, (n-1)/2)
	if ctx.Row < p.top+margin {
		p.top = ctx.Row - margin
	}
	if ctx.Row > p.top+n-1-margin {
		p.top = ctx.Row - n + 1 + margin
	}
	if ctx.Mask != nil && ctx.Mask.Row > p.top+n-1 {
		p.top = ctx.Mask.Row - n + 1
	}
	p.clamp(ctx, h)
	p.fetch(ctx, w, h)
}

// RowsGrew forgets the rows drawn: the conversation has new rows, and a
// new segment can change how earlier ones are drawn (a refusal shows the
// server was CLOSED, not LISTEN).
func (p *Pane) RowsGrew() { clear(p.drawn) }

// ConversationChanged scrolls back to the first row and forgets what
// belonged to the conversation shown before.
func (p *Pane) ConversationChanged(pane.Context) {
	p.top = 0
	clear(p.previews)
	clear(p.drawn)
}

// clamp keeps the rows shown among those ctx.Last allows, the last of them
// at the bottom.
func (p *Pane) clamp(ctx pane.Context, h int) {
	p.top = max(min(p.top, ctx.Last+1-page(h)), 0)
}

// fetch reads the payload previews of the rows on screen that are not read
// yet: a few frames when a conversation opens, at most one per step after
// that.
func (p *Pane) fetch(ctx pane.Context, w, h int) {
	if len(p.previews) > maxPreviews {
		clear(p.previews)
	}
	if len(p.drawn) > maxPreviews {
		clear(p.drawn)
	}
	if ctx.TL == nil || ctx.Frame == nil {
		return
	}
	end := min(p.top+page(h), len(ctx.Rows))
	for i := p.top; i < end; i++ {
		r := ctx.Rows[i]
		if r.Seg < 0 || ctx.TL.Segments[r.Seg].Len == 0 {
			continue
		}
		if _, ok := p.previews[r.Frame]; ok {
			continue
		}
		p.previews[r.Frame] = ""
		data, d, err := ctx.Frame(r.Frame)
		if err != nil {
			continue // the root reports it
		}
		p.previews[r.Frame] = preview(data, d, previewLen)
		// A row drawn before its preview arrived is stale now.
		for _, sel := range []bool{false, true} {
			for _, abs := range []bool{false, true} {
				for t := range pane.NumTimeFormats {
					delete(p.drawn, key{row: i, w: w, absolute: abs, selected: sel, time: t})
				}
			}
		}
	}
}

// preview is the start of a frame's TCP payload, at most n bytes, made
// printable.
func preview(data []byte, d model.Dissection, n int) string {
	for _, l := range d.Layers {
		if l.Kind != model.LayerPayload {
			continue
		}
		s, e := max(l.Start, 0), min(l.End, len(data))
		if s >= e {
			return ""
		}
		b := data[s:e]
		if len(b) > n {
			return pane.Printable(b[:n]) + theme.Ellipsis
		}
		return pane.Printable(b)
	}
	return ""
}

// Key steps the selection: ↑ and ↓ a row, page up and down a screenful;
// the wheel scrolls the ladder and leaves the selection where it is.
func (p *Pane) Key(ctx pane.Context, k pane.Key, w, h int) pane.Result {
	switch k {
	case pane.KeyDown:
		return pane.GoTo(ctx.Row + 1)
	case pane.KeyUp:
		return pane.GoTo(ctx.Row - 1)
	case pane.KeyPageDown:
		return pane.GoTo(ctx.Row + page(h))
	case pane.KeyPageUp:
		return pane.GoTo(ctx.Row - page(h))
	case pane.KeyWheelUp, pane.KeyWheelDown:
		d := 3
		if k == pane.KeyWheelUp {
			d = -3
		}
		p.top += d
		p.clamp(ctx, h)
		p.fetch(ctx, w, h)
		return pane.Used()
	}
	return pane.Unused
}

// Click selects the row clicked; a click on the column header selects
// nothing.
func (p *Pane) Click(ctx pane.Context, _, y, _, _ int) pane.Result {
	if y >= 1 {
		if i := p.top + y - 1; i < len(ctx.Rows) {
			return pane.GoTo(i)
		}
	}
	return pane.Used()
}

// View draws the ladder in w×h cells from its top row.
func (p *Pane) View(ctx pane.Context, w, h int) string {
	if ctx.TL == nil || ctx.Conv == nil {
		return ""
	}
	v := View{
		TL: ctx.TL, Conv: ctx.Conv, Rows: ctx.Rows, Cur: ctx.Row, Top: p.top,
		Absolute: ctx.Absolute, Previews: p.previews,
		Quiz: ctx.Quiz, Last: ctx.Last, Mask: ctx.Mask, Time: ctx.Time,
	}
	return render(&p.st, &v, p.drawn, w, h)
}
