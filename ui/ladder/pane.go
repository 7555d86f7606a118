package ladder

import (
	"strings"

	"github.com/tcpstep/tcpstep/app"
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
	// app is the application layer the rows in drawn were drawn with:
	// another (read, or read again as the conversation grew) draws them
	// again.
	app *app.Conv
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

// Title is what the ladder's border adds to its name: what the arrows
// say of the payload (the application protocol's messages, or the raw
// payload when P asked for it), that the application layer is being read
// when that is slow, and the display filter and how many rows match it,
// when one is set.
func (p *Pane) Title(ctx pane.Context) string {
	var parts []string
	switch {
	case ctx.RawPayload:
		parts = append(parts, "raw payload")
	case ctx.App != nil && ctx.App.Proto != app.Unknown && len(ctx.App.Segs) > 0:
		parts = append(parts, model.Visible(ctx.App.Proto.String())+" messages")
	}
	if ctx.AppSlow {
		parts = append(parts, "reading application layer"+theme.Ellipsis)
	}
	if ctx.Filter != nil {
		parts = append(parts, "filter "+model.Visible(ctx.Filter.Expr)+"  "+filterCount(ctx.Filter, len(ctx.Rows)))
	}
	return strings.Join(parts, "  ")
}

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
//
// With a filter that hides rows, the scrolling counts the rows drawn: top
// is always a row drawn, and the context is of rows drawn.
func (p *Pane) Moved(ctx pane.Context, w, h int) {
	f := ctx.Filter
	n := page(h)
	margin := min(2, (n-1)/2)
	top, row := f.Before(p.top), f.Before(ctx.Row)
	if row < top+margin {
		top = row - margin
	}
	if row > top+n-1-margin {
		top = row - n + 1 + margin
	}
	if ctx.Mask != nil && ctx.Mask.Row > top+n-1 {
		top = ctx.Mask.Row - n + 1 // a quiz, which no filter hides rows of
	}
	p.top = f.At(max(top, 0))
	p.clamp(ctx, h)
	p.fetch(ctx, w, h)
}

// FilterChanged forgets the rows drawn: the display filter, or which rows
// it matches, changed how they are drawn (dimmed, hidden, the states shown
// beside the rows around a hidden one).
func (p *Pane) FilterChanged() { clear(p.drawn) }

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
// at the bottom, counting the rows drawn.
func (p *Pane) clamp(ctx pane.Context, h int) {
	f := ctx.Filter
	p.top = f.At(max(min(f.Before(p.top), f.Before(ctx.Last+1)-page(h)), 0))
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
	for i, n := p.top, 0; i < len(ctx.Rows) && n < page(h); i++ {
		if !ctx.Filter.Shown(i) {
			continue
		}
		n++
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
		// A row drawn before its preview arrived is stale now, however it
		// was drawn.
		for _, b := range [...]struct{ sel, abs bool }{
			{}, {sel: true}, {abs: true}, {sel: true, abs: true},
		} {
			for _, f := range [...]struct{ dim, mark, hide bool }{{}, {dim: true}, {mark: true}, {hide: true}, {mark: true, hide: true}} {
				for tf := range pane.NumTimeFormats {
					for _, raw := range [...]bool{false, true} {
						delete(p.drawn, key{row: i, w: w, absolute: b.abs, selected: b.sel, time: tf, dimmed: f.dim, marked: f.mark, hiding: f.hide, raw: raw})
					}
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
		return pane.GoTo(ctx.Filter.At(ctx.Filter.Before(ctx.Row) + page(h)))
	case pane.KeyPageUp:
		return pane.GoTo(ctx.Filter.At(ctx.Filter.Before(ctx.Row) - page(h)))
	case pane.KeyWheelUp, pane.KeyWheelDown:
		d := 3
		if k == pane.KeyWheelUp {
			d = -3
		}
		p.top = ctx.Filter.At(max(ctx.Filter.Before(p.top)+d, 0))
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
		if i := ctx.Filter.At(ctx.Filter.Before(p.top) + y - 1); i < len(ctx.Rows) && ctx.Filter.Shown(i) {
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
	if ctx.App != p.app {
		clear(p.drawn)
		p.app = ctx.App
	}
	v := View{
		TL: ctx.TL, Conv: ctx.Conv, Rows: ctx.Rows, Cur: ctx.Row, Top: p.top,
		Absolute: ctx.Absolute, Previews: p.previews,
		Quiz: ctx.Quiz, Last: ctx.Last, Mask: ctx.Mask, Time: ctx.Time, Filter: ctx.Filter,
		App: ctx.App, Raw: ctx.RawPayload,
	}
	return render(&p.st, &v, p.drawn, w, h)
}
