package expert

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
	"github.com/tcpstep/tcpstep/ui/theme"
)

// Pane is the expert view as the stepper holds it: the capture's expert
// information, computed once per timeline and again after the capture
// grew, off the UI goroutine for a big capture (pane.Loader: it walks
// every segment, 50 ms or more for a million, see
// BenchmarkExpertAnalysis); its layout for the selected conversation and
// the mode; the rows open, the cursor and the scroll.
type Pane struct {
	st Styles

	// tl is the timeline info was computed for, at generation infoGen;
	// gen counts the times the capture grew, so that info is computed
	// again (and shown meanwhile: frames only ever add to it).
	tl           *model.Timeline
	info         *model.ExpertInfo
	err          error
	gen, infoGen int
	loading      bool
	// syncMax is the most segments analysed on the UI goroutine
	// (syncSegments; the tests lower it).
	syncMax int

	conv   bool // conversation mode: the conversation's findings alone
	sum    Summary
	sumFor sumKey
	sumOK  bool
	open   Open
	cur    int  // the cursor's body line
	top    int  // the first body line shown
	follow bool // the cursor moved: bring it into sight

	// version counts changes to what is drawn, for the memo.
	version int
	memo    struct {
		key  memoKey
		out  string
		done bool
	}
}

// sumKey is what a layout is made from.
type sumKey struct {
	info   *model.ExpertInfo
	stream int
	conv   bool
}

// memoKey is everything a drawing depends on.
type memoKey struct {
	version int
	step    uint32
	w, h    int
}

// NewPane returns the view, with nothing analysed yet.
func NewPane(st Styles) *Pane { return &Pane{st: st, open: Open{}, syncMax: syncSegments} }

// SetDark builds the view's styles for the terminal's background.
func (p *Pane) SetDark(isDark bool) {
	p.st = NewStyles(isDark)
	p.version++
}

// stream is the selected conversation's index, -1 for none.
func stream(ctx pane.Context) int {
	if ctx.Conv == nil {
		return -1
	}
	return ctx.Conv.Index
}

// Title is what the view's border adds to its name: what it counts.
func (p *Pane) Title(ctx pane.Context) string {
	if p.conv && ctx.Conv != nil {
		return "stream " + strconv.Itoa(ctx.Conv.Index)
	}
	return "capture"
}

// loaded is what Load's work returns.
type loaded struct {
	tl   *model.Timeline
	gen  int
	info *model.ExpertInfo
	err  error
}

// syncSegments is the most segments analysed on the UI goroutine: a
// millisecond or two, and the view is ready for the very next key (a
// background analysis would drop the keys typed before it is done).
const syncSegments = 20_000

// Load returns the analysis of ctx's capture when it is not done yet (or
// the capture grew since), unless it is already under way; a small
// capture is analysed at once, with no work to return.
func (p *Pane) Load(ctx pane.Context) func() any {
	tl := ctx.TL
	if tl == nil || p.loading || (p.tl == tl && p.infoGen == p.gen && (p.info != nil || p.err != nil)) {
		return nil
	}
	gen := p.gen
	work := func() (res any) {
		defer func() {
			if r := recover(); r != nil {
				res = loaded{tl: tl, gen: gen, err: fmt.Errorf("expert information: internal error: %v", r)}
			}
		}()
		info := model.Expert(tl, -1)
		return loaded{tl: tl, gen: gen, info: &info}
	}
	if len(tl.Segments) <= p.syncMax {
		p.Loaded(work())
		return nil
	}
	p.loading = true
	return work
}

// Loaded keeps the analysis Load's work made. One made before the capture
// grew is kept too, and shown until the next one is done.
func (p *Pane) Loaded(res any) {
	r, ok := res.(loaded)
	if !ok {
		return
	}
	p.loading = false
	p.tl, p.infoGen, p.err = r.tl, r.gen, r.err
	if r.info != nil {
		p.info = r.info
	}
	p.sumOK = false
	p.version++
}

// Grew says the capture grew: every conversation's findings may have.
func (p *Pane) Grew(pane.Context, func(*model.Conversation) bool) { p.gen++ }

// ready reports whether the analysis of ctx's capture is there to show,
// and lays it out for ctx's conversation and the mode.
func (p *Pane) ready(ctx pane.Context) bool {
	if p.info == nil || p.tl != ctx.TL {
		return false
	}
	k := sumKey{info: p.info, stream: stream(ctx), conv: p.conv}
	if p.sumOK && p.sumFor == k {
		return true
	}
	// Keep the cursor on the row or frame it was on, when the new layout
	// has it.
	kind, frame, had := p.atCursor()
	p.sum = Summarise(p.info, k.stream, k.conv)
	p.sumFor, p.sumOK = k, true
	p.cur = -1
	if had {
		p.cur = lineOf(&p.sum, p.open, kind, frame)
	}
	if p.cur < 0 {
		p.cur = 1 // the first row, under its group's heading
		p.top = 0
	}
	p.follow = true
	p.version++
	return true
}

// atCursor is the row (frame 0) or frame the cursor is on.
func (p *Pane) atCursor() (model.ExpertKind, uint32, bool) {
	if !p.sumOK {
		return 0, 0, false
	}
	ln, ok := lineAt(&p.sum, p.open, p.cur)
	if !ok || ln.kind == lineGroup {
		return 0, 0, false
	}
	r := &p.sum.Groups[ln.g].Rows[ln.r]
	if ln.kind == lineFrame {
		return r.Kind, r.Frames[ln.f], true
	}
	return r.Kind, 0, true
}

// bodyHeight is how many body lines a view h lines high shows.
func bodyHeight(h int) int { return max(h-headLines(h), 1) }

// scroll keeps the top within the lines and, after the cursor moved, the
// cursor in sight (with its group's heading when it is the group's first
// row).
func (p *Pane) scroll(h int) {
	body := bodyHeight(h)
	n := lineCount(&p.sum, p.open)
	if p.follow {
		p.follow = false
		if p.cur < p.top {
			p.top = p.cur
		}
		if p.cur >= p.top+body {
			p.top = p.cur - body + 1
		}
		if p.top == p.cur && p.cur > 0 {
			if ln, _ := lineAt(&p.sum, p.open, p.cur-1); ln.kind == lineGroup {
				p.top--
			}
		}
	}
	p.top = max(0, min(p.top, n-body))
}

// Prepare lays the analysis out for the conversation shown and keeps the
// cursor in sight at the size the view is drawn.
func (p *Pane) Prepare(ctx pane.Context, _, h int) {
	if p.ready(ctx) {
		top := p.top
		p.scroll(h)
		if p.top != top {
			p.version++
		}
	}
}

// View draws the summary in w×h cells, or says it is on its way.
func (p *Pane) View(ctx pane.Context, w, h int) string {
	if !p.ready(ctx) {
		if p.err != nil && p.tl == ctx.TL {
			return pane.Fit(p.st.Error.Render(p.err.Error()), w)
		}
		return pane.Fit(p.st.Wait.Render("analysing"+theme.Ellipsis), w)
	}
	var step uint32
	if ctx.Row >= 0 && ctx.Row < len(ctx.Rows) {
		step = ctx.Rows[ctx.Row].Frame
	}
	k := memoKey{version: p.version, step: step, w: w, h: h}
	if !p.memo.done || p.memo.key != k {
		v := State{Open: p.open, Cur: p.cur, Top: p.top, Step: step}
		p.memo.key, p.memo.out, p.memo.done = k, Render(p.st, p.tl, &p.sum, &v, w, h), true
	}
	return p.memo.out
}

// Key moves the cursor (↑ ↓, a page, the wheel scrolls), switches between
// the capture and the conversation (m), opens and closes a row (→ or
// enter; ← closes the row the cursor is in) and, on a frame, goes there
// (→ or enter). The arrows are used even where they do nothing, so that
// they never step the stepper from under the list.
func (p *Pane) Key(ctx pane.Context, k pane.Key, _, h int) pane.Result {
	if k == pane.KeyMode {
		p.conv = !p.conv
		p.version++
		return pane.Used()
	}
	if !p.ready(ctx) {
		if k == pane.KeyOpen || k == pane.KeyClose {
			return pane.Used()
		}
		return pane.Unused
	}
	body := bodyHeight(h)
	switch k {
	case pane.KeyUp:
		p.move(-1)
	case pane.KeyDown:
		p.move(1)
	case pane.KeyPageUp:
		p.move(-max(body-1, 1))
	case pane.KeyPageDown:
		p.move(max(body-1, 1))
	case pane.KeyWheelUp, pane.KeyWheelDown:
		d := 3
		if k == pane.KeyWheelUp {
			d = -3
		}
		p.top += d
	case pane.KeyOpen:
		return p.openLine(ctx)
	case pane.KeyClose:
		p.closeLine()
	default:
		return pane.Unused
	}
	p.scroll(h)
	p.version++
	return pane.Used()
}

// move moves the cursor d lines, over the groups' headings.
func (p *Pane) move(d int) {
	n := lineCount(&p.sum, p.open)
	if n == 0 {
		return
	}
	i := max(0, min(p.cur+d, n-1))
	step := 1
	if d < 0 {
		step = -1
	}
	for j := i; j >= 0 && j < n; j += step {
		if ln, _ := lineAt(&p.sum, p.open, j); ln.kind != lineGroup {
			p.cur, p.follow = j, true
			return
		}
	}
	for j := i; j >= 0 && j < n; j -= step {
		if ln, _ := lineAt(&p.sum, p.open, j); ln.kind != lineGroup {
			p.cur, p.follow = j, true
			return
		}
	}
}

// openLine opens or closes the cursor's row, or goes to its frame.
func (p *Pane) openLine(ctx pane.Context) pane.Result {
	ln, ok := lineAt(&p.sum, p.open, p.cur)
	if !ok || ln.kind == lineGroup {
		return pane.Used()
	}
	r := &p.sum.Groups[ln.g].Rows[ln.r]
	if ln.kind == lineFrame {
		return goTo(ctx, r.Frames[ln.f])
	}
	p.open[r.Kind] = !p.open[r.Kind]
	p.follow = true
	p.version++
	return pane.Used()
}

// closeLine closes the row the cursor is in, the cursor going to it.
func (p *Pane) closeLine() {
	ln, ok := lineAt(&p.sum, p.open, p.cur)
	if !ok || ln.kind == lineGroup {
		return
	}
	r := &p.sum.Groups[ln.g].Rows[ln.r]
	if ln.kind == lineFrame {
		p.cur -= ln.f + 1
	}
	p.open[r.Kind] = false
	p.follow = true
}

// goTo is where frame n is: its row when it is in the conversation shown,
// else the frame itself, whose conversation the stepper opens. A frame of
// no conversation (one that could not be decoded) goes nowhere.
func goTo(ctx pane.Context, n uint32) pane.Result {
	if ctx.TL == nil || n == 0 || int(n) > len(ctx.TL.Frames) {
		return pane.Used()
	}
	st := int(ctx.TL.Frames[n-1].Stream)
	if ctx.Conv != nil && st == ctx.Conv.Index {
		i := sort.Search(len(ctx.Rows), func(i int) bool { return ctx.Rows[i].Frame >= n })
		if i < len(ctx.Rows) && ctx.Rows[i].Frame == n {
			return pane.GoTo(i)
		}
	}
	if st >= 0 {
		return pane.GoToFrame(n)
	}
	return pane.Used()
}

// Click selects the line clicked; a click on the selected line does what
// enter does.
func (p *Pane) Click(ctx pane.Context, _, y, _, h int) pane.Result {
	if !p.ready(ctx) || y < headLines(h) {
		return pane.Used()
	}
	i := p.top + y - headLines(h)
	ln, ok := lineAt(&p.sum, p.open, i)
	if !ok || ln.kind == lineGroup {
		return pane.Used()
	}
	if i == p.cur {
		return p.openLine(ctx)
	}
	p.cur = i
	p.version++
	return pane.Used()
}

// Conv reports whether the view shows the conversation's findings alone.
func (p *Pane) Conv() bool { return p.conv }

// Cursor is the row (frame 0) or frame the cursor is on, false before the
// analysis is shown.
func (p *Pane) Cursor() (model.ExpertKind, uint32, bool) { return p.atCursor() }
