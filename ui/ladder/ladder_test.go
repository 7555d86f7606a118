package ladder

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/internal/testsample"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
	"github.com/tcpstep/tcpstep/ui/pane/panetest"
)

// ctxOf is what the stepper tells the ladder of conversation 0 of an
// embedded sample at row 0, with frames read from the sample; reads counts
// the frames read.
func ctxOf(t *testing.T, name string, reads *int) pane.Context {
	t.Helper()
	in, tl := testsample.Open(t, name)
	return contextOf(in, tl, reads)
}

func contextOf(in *decode.Input, tl *model.Timeline, reads *int) pane.Context {
	c := tl.Conversations[0]
	rows := pane.BuildRows(tl, c)
	return pane.Context{
		TL: tl, Conv: c, Rows: rows, Last: len(rows) - 1,
		Frame: func(n uint32) ([]byte, model.Dissection, error) {
			if reads != nil {
				*reads++
			}
			if n == 0 || int(n) > len(tl.Frames) {
				return nil, model.Dissection{}, fmt.Errorf("no frame %d", n)
			}
			return in.Frame(&tl.Frames[n-1])
		},
	}
}

// previewsOf reads every frame's preview, as the pane does for the rows on
// screen.
func previewsOf(t *testing.T, ctx pane.Context) map[uint32]string {
	t.Helper()
	out := map[uint32]string{}
	for _, r := range ctx.Rows {
		if r.Seg < 0 || ctx.TL.Segments[r.Seg].Len == 0 {
			continue
		}
		data, d, err := ctx.Frame(r.Frame)
		if err != nil {
			t.Fatal(err)
		}
		out[r.Frame] = preview(data, d, previewLen)
	}
	return out
}

func viewOf(ctx pane.Context, previews map[uint32]string, top int) View {
	return View{
		TL: ctx.TL, Conv: ctx.Conv, Rows: ctx.Rows, Cur: ctx.Row, Top: top,
		Absolute: ctx.Absolute, Previews: previews, Quiz: ctx.Quiz, Last: ctx.Last, Mask: ctx.Mask,
		Time: ctx.Time,
	}
}

// checkExact fails t unless out is exactly h lines of exactly w cells.
func checkExact(t *testing.T, what, out string, w, h int) {
	t.Helper()
	panetest.CheckFits(t, what, out, w, h)
	lines := strings.Split(out, "\n")
	if len(lines) != h {
		t.Fatalf("%s at %dx%d: %d lines", what, w, h, len(lines))
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw != w {
			t.Fatalf("%s at %dx%d: line %d is %d wide: %q", what, w, h, i, lw, ansi.Strip(l))
		}
	}
}

// The ladder fills exactly w×h at every size, at every scroll position,
// selection, numbering and quiz mask, over samples with segments, events,
// fragments and ICMP errors.
func TestRenderFits(t *testing.T) {
	st := NewStyles(true)
	for _, name := range []string{"smtp-figure10", "ip-fragments", "icmp-frag-needed", "lossy-transfer", "ipv6", "refused"} {
		ctx := ctxOf(t, name, nil)
		prev := previewsOf(t, ctx)
		n := len(ctx.Rows)
		for _, w := range []int{1, 2, 5, 10, 20, 30, 45, 60, 80, 99, 100, 120, 160, 240} {
			for _, h := range []int{1, 2, 3, 6, 12, 40} {
				for _, top := range []int{0, n / 2, max(n-h+1, 0)} {
					for _, abs := range []bool{false, true} {
						ctx.Row, ctx.Absolute = min(top+1, n-1), abs
						ctx.Time = pane.TimeFormat(top+w) % pane.NumTimeFormats // each format at every size
						what := fmt.Sprintf("%s top %d abs %v time %s", name, top, abs, ctx.Time)
						checkExact(t, what, Render(st, viewOf(ctx, prev, top), w, h), w, h)
						q := ctx
						q.Quiz, q.Last = true, min(top+2, n-1)
						if r := q.Last; ctx.Rows[r].Seg >= 0 {
							q.Mask = &pane.Mask{Row: r, Shows: model.ShowFlags | model.ShowLen}
						}
						checkExact(t, what+" quiz", Render(st, viewOf(q, prev, top), w, h), w, h)
					}
				}
			}
		}
	}
	ctx := ctxOf(t, "smtp-figure10", nil)
	for _, sz := range [][2]int{{0, 10}, {10, 0}, {-1, 5}} {
		if out := Render(st, viewOf(ctx, nil, 0), sz[0], sz[1]); out != "" {
			t.Errorf("%dx%d: %q", sz[0], sz[1], out)
		}
	}
}

// TestRenderGolden pins the ladder's drawing, colours stripped: the paper's
// session at the widths where the time column and the state names change,
// in both numberings; fragments and ICMP errors; events; a quiz's masked
// row.
func TestRenderGolden(t *testing.T) {
	st := NewStyles(true)
	cases := []struct {
		name   string
		sample string
		row    int
		w, h   int
		adjust func(*pane.Context)
	}{
		{"figure10-140", "smtp-figure10", 4, 140, 16, nil},
		{"figure10-100-absolute", "smtp-figure10", 4, 100, 16, func(c *pane.Context) { c.Absolute = true }},
		{"figure10-70", "smtp-figure10", 9, 70, 10, nil},
		{"figure10-40", "smtp-figure10", 2, 40, 8, nil},
		{"figure10-24", "smtp-figure10", 2, 24, 8, nil},
		{"fragments-120", "ip-fragments", 3, 120, 12, nil},
		{"icmp-120", "icmp-frag-needed", 3, 120, 12, nil},
		{"lossy-160", "lossy-transfer", 12, 160, 24, nil},
		{"quiz-mask-100", "smtp-figure10", 3, 100, 10, func(c *pane.Context) {
			c.Quiz, c.Last = true, 4
			c.Mask = &pane.Mask{Row: 4, Shows: model.ShowFlags | model.ShowLen}
		}},
		{"quiz-mask-states-100", "smtp-figure10", 0, 100, 10, func(c *pane.Context) {
			c.Quiz, c.Last = true, 1
			c.Mask = &pane.Mask{Row: 1, Shows: model.ShowSeq | model.ShowAck | model.ShowStates | model.ShowEvents}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := ctxOf(t, tc.sample, nil)
			ctx.Row = tc.row
			if tc.adjust != nil {
				tc.adjust(&ctx)
			}
			top := max(ctx.Row-(tc.h-1)/2, 0)
			golden.RequireEqual(t, ansi.Strip(Render(st, viewOf(ctx, previewsOf(t, ctx), top), tc.w, tc.h)))
		})
	}
}

// The masked row shows only what the question lets the learner see, never
// its payload, and the rows after the quiz's last are not drawn.
func TestRenderMask(t *testing.T) {
	ctx := ctxOf(t, "smtp-figure10", nil)
	prev := previewsOf(t, ctx)
	var data int // a row with a payload
	for i, r := range ctx.Rows {
		if r.Seg >= 0 && ctx.TL.Segments[r.Seg].Len > 0 && i > 3 {
			data = i
			break
		}
	}
	s := &ctx.TL.Segments[ctx.Rows[data].Seg]
	ctx.Row, ctx.Quiz, ctx.Last = data-1, true, data
	ctx.Mask = &pane.Mask{Row: data, Shows: model.ShowLen}
	out := ansi.Strip(Render(NewStyles(true), viewOf(ctx, prev, 0), 140, 30))
	lines := strings.Split(out, "\n")
	masked := lines[data+1]
	want := fmt.Sprintf("seq ? ack ? len %d [?]", s.Len)
	if !strings.HasPrefix(masked, "?") || !strings.Contains(masked, want) || strings.Contains(masked, `"`) || strings.Contains(masked, s.Flags.String()) {
		t.Errorf("masked row %d, want %q and no flags or payload:\n%s", data, want, masked)
	}
	for _, l := range lines[data+2:] {
		if strings.TrimSpace(l) != "" {
			t.Errorf("a row after the quiz's last is drawn:\n%s", out)
			break
		}
	}
	open := ctx
	open.Quiz, open.Last, open.Mask = false, len(ctx.Rows)-1, nil
	if p := prev[s.Frame]; p == "" || !strings.Contains(ansi.Strip(Render(NewStyles(true), viewOf(open, prev, 0), 200, 30)), p) {
		t.Errorf("unmasked, row %d should preview %q", data, p)
	}
}

// A state that later evidence revised is marked, on its side.
func TestRenderRevised(t *testing.T) {
	ctx := ctxOf(t, "smtp-figure10", nil)
	c := *ctx.Conv
	c.Revised = []model.RevisedState{{Seg: uint32(ctx.Rows[2].Seg), Client: false}}
	ctx.Conv = &c
	lines := strings.Split(ansi.Strip(Render(NewStyles(true), viewOf(ctx, nil, 0), 120, 6)), "\n")
	if !strings.Contains(lines[3], "│"+Revised) || strings.Count(strings.Join(lines, "\n"), Revised) != 1 {
		t.Errorf("want row 3 marked %s on the server's side, and only it:\n%s", Revised, strings.Join(lines, "\n"))
	}
}

// Drawing from the pane's row cache gives what drawing afresh does, as the
// selection moves and the numbering changes.
func TestCacheMatchesFresh(t *testing.T) {
	st := NewStyles(false)
	ctx := ctxOf(t, "lossy-transfer", nil)
	prev := previewsOf(t, ctx)
	cache := map[key]string{}
	for i := range ctx.Rows {
		for _, abs := range []bool{false, true} {
			for tf := range pane.NumTimeFormats {
				ctx.Row, ctx.Absolute, ctx.Time = i, abs, tf
				v := viewOf(ctx, prev, max(i-5, 0))
				if got, want := render(&st, &v, cache, 120, 12), Render(st, v, 120, 12); got != want {
					t.Fatalf("row %d abs %v time %s: cached\n%s\nfresh\n%s", i, abs, tf, ansi.Strip(got), ansi.Strip(want))
				}
			}
		}
	}
	if len(cache) == 0 {
		t.Error("nothing was cached")
	}
}

// TestPane drives the ladder as the stepper does: it keeps the selection in
// sight with two rows of context, reads the previews of the rows on screen
// only, and draws what Render draws.
func TestPane(t *testing.T) {
	reads := 0
	in, tl := testsample.Open(t, "lossy-transfer")
	ctx := contextOf(in, tl, &reads)
	const w, h = 120, 12 // 11 rows on screen
	p := NewPane(NewStyles(true))
	p.ConversationChanged(ctx)
	p.Moved(ctx, w, h)
	if p.Top() != 0 || reads == 0 || reads > h-1 {
		t.Fatalf("opening: top %d, %d frames read for %d rows", p.Top(), reads, h-1)
	}
	for i := range ctx.Rows {
		ctx.Row = i
		before, top := reads, p.Top()
		p.Moved(ctx, w, h)
		if i < p.Top()+2 && p.Top() > 0 || i > p.Top()+h-1-1-2 && p.Top() < len(ctx.Rows)-(h-1) {
			t.Fatalf("row %d: top %d leaves less than two rows of context", i, p.Top())
		}
		if p.Top() > top+1 || reads-before > 1 {
			t.Fatalf("row %d: scrolled from %d to %d and read %d frames", i, top, p.Top(), reads-before)
		}
		if got, want := p.View(ctx, w, h), Render(NewStyles(true), viewOf(ctx, previewsOf(t, ctx), p.Top()), w, h); got != want {
			t.Fatalf("row %d: View\n%s\nRender\n%s", i, ansi.Strip(got), ansi.Strip(want))
		}
	}
	if last := len(ctx.Rows) - 1; p.Top() != last-(h-1)+1 {
		t.Errorf("at the last row: top %d, want the last row at the bottom", p.Top())
	}

	// The keys step; the wheel scrolls and leaves the selection alone, no
	// further than the rows there are.
	ctx.Row = 20
	for k, want := range map[pane.Key]pane.Result{
		pane.KeyDown: pane.GoTo(21), pane.KeyUp: pane.GoTo(19),
		pane.KeyPageDown: pane.GoTo(20 + h - 1), pane.KeyPageUp: pane.GoTo(20 - (h - 1)),
		pane.KeyMode: pane.Unused,
	} {
		if got := p.Key(ctx, k, w, h); got != want {
			t.Errorf("key %v: %+v, want %+v", k, got, want)
		}
	}
	top := p.Top()
	if r := p.Key(ctx, pane.KeyWheelUp, w, h); r != pane.Used() || p.Top() != top-3 {
		t.Errorf("wheel up: %+v, top %d from %d", r, p.Top(), top)
	}
	for range 100 {
		p.Key(ctx, pane.KeyWheelUp, w, h)
	}
	if p.Top() != 0 {
		t.Errorf("wheel up past the start: top %d", p.Top())
	}
	for range 100 {
		p.Key(ctx, pane.KeyWheelDown, w, h)
	}
	if p.Top() != len(ctx.Rows)-(h-1) {
		t.Errorf("wheel down past the end: top %d", p.Top())
	}
	if got, want := p.View(ctx, w, h), Render(NewStyles(true), viewOf(ctx, previewsOf(t, ctx), p.Top()), w, h); got != want {
		t.Fatalf("scrolled by the wheel: View\n%s\nRender\n%s", ansi.Strip(got), ansi.Strip(want))
	}
	// A move brings the selection back into sight.
	p.Moved(ctx, w, h)
	if p.Top() > ctx.Row-2 || p.Top()+h-1 <= ctx.Row+2 {
		t.Errorf("after a move: top %d does not show row %d with context", p.Top(), ctx.Row)
	}

	// A click selects the row under it; the column header selects nothing.
	if r := p.Click(ctx, 10, 3, w, h); r != pane.GoTo(p.Top()+2) {
		t.Errorf("click on the third row: %+v", r)
	}
	if r := p.Click(ctx, 10, 0, w, h); r != pane.Used() {
		t.Errorf("click on the header: %+v", r)
	}

	// Another conversation starts at the top, with nothing read.
	p.ConversationChanged(ctx)
	if p.Top() != 0 || len(p.previews) != 0 || len(p.drawn) != 0 {
		t.Errorf("after ConversationChanged: top %d, %d previews, %d rows drawn", p.Top(), len(p.previews), len(p.drawn))
	}
}

// In a quiz the asked row comes into sight below the selection, and the
// ladder scrolls no further than it.
func TestPaneQuiz(t *testing.T) {
	ctx := ctxOf(t, "lossy-transfer", nil)
	const w, h = 100, 8
	p := NewPane(NewStyles(true))
	ctx.Quiz, ctx.Row, ctx.Last = true, 30, 34
	ctx.Mask = &pane.Mask{Row: 34, Shows: model.ShowFlags}
	p.Moved(ctx, w, h)
	if p.Top() != 34-(h-1)+1 {
		t.Fatalf("top %d: the asked row 34 is not at the bottom", p.Top())
	}
	for range 10 {
		p.Key(ctx, pane.KeyWheelDown, w, h)
	}
	if p.Top() != 34-(h-1)+1 {
		t.Fatalf("the wheel scrolled to %d, past the asked row", p.Top())
	}
	if out := ansi.Strip(p.View(ctx, w, h)); !regexp.MustCompile(`(?m)^\? *35 `).MatchString(out) {
		t.Errorf("no masked row 35:\n%s", out)
	}
}

// New styles and new rows redraw the rows drawn; a preview that arrives
// redraws its row.
func TestPaneRedraws(t *testing.T) {
	in, tl := testsample.Open(t, "lossy-transfer")
	ctx := contextOf(in, tl, nil)
	const w, h = 120, 12
	p := NewPane(NewStyles(true))
	p.Moved(ctx, w, h)
	p.View(ctx, w, h)
	p.SetDark(false)
	if got, want := p.View(ctx, w, h), Render(NewStyles(false), viewOf(ctx, previewsOf(t, ctx), 0), w, h); got != want {
		t.Fatalf("after SetDark: View\n%s\nRender\n%s", got, want)
	}

	// Frames 1 to 9, then 1 to 10: the frame number column widens (at a
	// width where it is not widened to its header already).
	const nw = 50
	short := ctx
	short.Rows, short.Last = ctx.Rows[:9], 8
	p = NewPane(NewStyles(true))
	p.Moved(short, nw, h)
	before := p.View(short, nw, h)
	grown := ctx
	grown.Rows, grown.Last = ctx.Rows[:10], 9
	p.RowsGrew()
	p.Moved(grown, nw, h)
	after := p.View(grown, nw, h)
	if got, want := after, Render(NewStyles(true), viewOf(grown, previewsOf(t, grown), 0), nw, h); got != want {
		t.Fatalf("after RowsGrew: View\n%s\nRender\n%s", ansi.Strip(got), ansi.Strip(want))
	}
	if b, a := strings.Index(ansi.Strip(before), lane), strings.Index(ansi.Strip(after), lane); a != b+1 {
		t.Errorf("the lanes moved from %d to %d, want one cell for the tenth frame:\n%s\n%s", b, a, ansi.Strip(before), ansi.Strip(after))
	}

	// Rows drawn before their frames were read.
	p = NewPane(NewStyles(true))
	p.View(ctx, w, h)
	p.Moved(ctx, w, h)
	if got, want := p.View(ctx, w, h), Render(NewStyles(true), viewOf(ctx, previewsOf(t, ctx), 0), w, h); got != want {
		t.Fatalf("after the previews were read: View\n%s\nRender\n%s", ansi.Strip(got), ansi.Strip(want))
	}
}

// A frame that cannot be read previews nothing and is not read again.
func TestPaneUnreadableFrame(t *testing.T) {
	ctx := ctxOf(t, "smtp-figure10", nil)
	reads := 0
	ctx.Frame = func(uint32) ([]byte, model.Dissection, error) {
		reads++
		return nil, model.Dissection{}, fmt.Errorf("gone")
	}
	p := NewPane(NewStyles(true))
	p.Moved(ctx, 200, 20)
	first := reads
	p.Moved(ctx, 200, 20)
	if first == 0 || reads != first {
		t.Errorf("read %d frames, then %d more", first, reads-first)
	}
	if out := ansi.Strip(p.View(ctx, 200, 20)); strings.Contains(out, `"`) {
		t.Errorf("a preview of an unreadable frame:\n%s", out)
	}
}

// The preview is the payload's start made printable, cut with an ellipsis.
func TestPreview(t *testing.T) {
	data := []byte("headerEXPN \x1b[31mroot\a\r\n")
	d := model.Dissection{Layers: []model.Layer{{Kind: model.LayerPayload, Start: 6, End: len(data)}}}
	if got, want := preview(data, d, 48), "EXPN ␛[31mroot␇␍␊"; got != want {
		t.Errorf("preview %q, want %q", got, want)
	}
	if got, want := preview(data, d, 4), "EXPN…"; got != want {
		t.Errorf("cut preview %q, want %q", got, want)
	}
	if got := preview(data, model.Dissection{}, 48); got != "" {
		t.Errorf("no payload layer: %q", got)
	}
}

// The time column counts as its header says: from the capture's first
// frame, the conversation's first row, the row above, or the time of day
// in UTC, to the microsecond; its width does not move as the ladder
// scrolls.
func TestTimeFormats(t *testing.T) {
	st := NewStyles(true)
	_, tl := testsample.Open(t, "isn-prediction")
	c := tl.Conversations[len(tl.Conversations)-1] // one that starts late
	rows := pane.BuildRows(tl, c)
	at := func(i int) int64 { return tl.Frames[rows[i].Frame-1].TimeNS }
	secs := func(ns int64) string { return fmt.Sprintf("%.6f", float64(ns)/1e9) }
	for _, tf := range []pane.TimeFormat{pane.TimeCapture, pane.TimeConversation, pane.TimeDelta, pane.TimeOfDay} {
		v := View{TL: tl, Conv: c, Rows: rows, Cur: -1, Last: len(rows) - 1, Time: tf}
		var width int
		for top := range rows {
			v.Top = top
			lines := strings.Split(ansi.Strip(Render(st, v, 140, 2)), "\n")
			checkExact(t, tf.String(), Render(st, v, 140, 2), 140, 2)
			hdr := strings.Fields(lines[0])
			if hdr[1] != tf.String() {
				t.Fatalf("%s: header %q", tf, lines[0])
			}
			got := strings.Fields(lines[1])[1] // after the frame number
			var want string
			switch tf {
			case pane.TimeCapture:
				want = secs(at(top) - tl.StartNS)
			case pane.TimeConversation:
				want = secs(at(top) - at(0))
			case pane.TimeDelta:
				want = secs(0)
				if top > 0 {
					want = secs(at(top) - at(top-1))
				}
			case pane.TimeOfDay:
				want = time.Unix(0, at(top)).UTC().Format("15:04:05.000000")
			}
			if got != want {
				t.Errorf("%s row %d: %q, want %q", tf, top, got, want)
			}
			if i := strings.Index(lines[0], " client"); top == 0 {
				width = i
			} else if i != width {
				t.Errorf("%s: the column moved from %d to %d at row %d", tf, width, i, top)
			}
		}
	}
}
