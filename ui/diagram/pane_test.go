package diagram

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/internal/testsample"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
	"github.com/tcpstep/tcpstep/ui/pane/panetest"
)

// stepCtx is the context the stepper gives the view at row r of
// conversation conv: Seg is the row's segment, or for an extra frame the
// last segment before it.
func stepCtx(tl *model.Timeline, conv, r int) pane.Context {
	c := tl.Conversations[conv]
	rows := pane.BuildRows(tl, c)
	ctx := pane.Context{TL: tl, Conv: c, Rows: rows, Row: r, Seg: -1, Last: len(rows) - 1, Vantage: model.VantageOf(tl, c.Index)}
	for j := min(r, len(rows)-1); j >= 0; j-- {
		if rows[j].Seg >= 0 {
			ctx.Seg = int(rows[j].Seg)
			break
		}
	}
	return ctx
}

// TestPaneTitle: the border names both sides' states after the selected
// segment, and the conversation's first states before any.
func TestPaneTitle(t *testing.T) {
	tl := testsample.Timeline(t, "smtp-figure10")
	p := NewPane(NewStyles(true))
	for r, want := range []string{
		"C SYN_SENT  S SYN_RECEIVED",
		"C ESTABLISHED  S SYN_RECEIVED",
		"C ESTABLISHED  S ESTABLISHED",
	} {
		if got := p.Title(stepCtx(tl, 0, r)); got != want {
			t.Errorf("row %d: title %q, want %q", r, got, want)
		}
	}
	ctx := stepCtx(tl, 0, 0)
	ctx.Seg = -1 // before the first segment
	if got, want := p.Title(ctx), fmt.Sprintf("C %s  S %s", ctx.Conv.InitClient, ctx.Conv.InitServer); got != want {
		t.Errorf("before the first segment: title %q, want %q", got, want)
	}
	if got := p.Title(pane.Context{Seg: -1}); got != "" {
		t.Errorf("no conversation: title %q", got)
	}
}

// TestPaneView drives the view as the stepper does, row by row: it draws
// the states and moves of the row with the vantage sentence under them,
// fits its rectangle, and draws again from its memo until something it
// shows changes.
func TestPaneView(t *testing.T) {
	tl := testsample.Timeline(t, "smtp-figure10")
	st := NewStyles(true)
	p := NewPane(st)
	rows := len(stepCtx(tl, 0, 0).Rows)
	for _, sz := range []struct{ w, h int }{{70, 40}, {70, 32}, {86, 22}, {60, 24}, {40, 14}, {80, 10}} {
		for r := range rows {
			ctx := stepCtx(tl, 0, r)
			c, s := states(ctx)
			cm, sm := model.StepTransitions(tl, ctx.Seg)
			got := p.View(ctx, sz.w, sz.h)
			if want := renderPane(st, c, s, cm, sm, ctx.Vantage, sz.w, sz.h); got != want {
				t.Fatalf("%dx%d row %d: View differs from renderPane", sz.w, sz.h, r)
			}
			panetest.CheckFits(t, fmt.Sprintf("%dx%d row %d", sz.w, sz.h, r), got, sz.w, sz.h)
		}
	}
	// The paper's client waits far longer for its SYN,ACK's ACK than the
	// server for its SYN,ACK: the capture was taken near the server.
	ctx := stepCtx(tl, 0, 2)
	out := ansi.Strip(p.View(ctx, 70, 40))
	if lines := strings.Split(out, "\n"); !strings.Contains(strings.Join(lines[len(lines)-3:], " "), "near the server") {
		t.Errorf("no vantage sentence under the figure:\n%s", out)
	}
	for _, l := range pane.Wrap(ctx.Vantage.Sentence(), 70) {
		if !strings.Contains(out, l) {
			t.Errorf("the whole sentence should fit at 70×40, %q is missing:\n%s", l, out)
		}
	}
	// One line to spare: the short sentence.
	out = ansi.Strip(p.View(ctx, 70, condensedGeom.h+2))
	if !strings.HasSuffix(out, vantageShort(ctx.Vantage)) {
		t.Errorf("no short vantage sentence at 70×%d:\n%s", condensedGeom.h+2, out)
	}

	// Steps through the transfer draw the same (ESTABLISHED on both
	// sides, no move), and the memo says so.
	var same []int
	for r := range rows {
		ctx := stepCtx(tl, 0, r)
		if c, s := states(ctx); c == model.Established && s == model.Established {
			if cm, sm := stepMoves(ctx); len(cm)+len(sm) == 0 {
				same = append(same, r)
			}
		}
	}
	if len(same) < 2 {
		t.Fatalf("want two steps in ESTABLISHED without moves, have rows %v", same)
	}
	first := p.View(stepCtx(tl, 0, same[0]), 70, 32)
	key := p.memo.key
	if p.View(stepCtx(tl, 0, same[1]), 70, 32) != first || p.memo.key != key {
		t.Error("an unchanged drawing is not drawn from the memo")
	}

	// A new background redraws in the new colours.
	p.SetDark(false)
	got := p.View(stepCtx(tl, 0, same[1]), 70, 32)
	if got == first || got != renderPane(NewStyles(false), model.Established, model.Established, nil, nil, ctx.Vantage, 70, 32) {
		t.Error("SetDark did not redraw in the light styles")
	}

	if got := p.View(pane.Context{Seg: -1}, 70, 32); got != "" {
		t.Errorf("no conversation: %q", got)
	}
}

// TestPaneExtraFrame: a row that is not a segment (an IP fragment, an ICMP
// error) shows the states the segment before it left, and no move.
func TestPaneExtraFrame(t *testing.T) {
	for _, name := range []string{"ip-fragments", "icmp-frag-needed", "icmp-time-exceeded"} {
		tl := testsample.Timeline(t, name)
		for conv := range tl.Conversations {
			ctx := stepCtx(tl, conv, 0)
			for r, row := range ctx.Rows {
				if row.Seg >= 0 || r == 0 {
					continue
				}
				ctx = stepCtx(tl, conv, r)
				if ctx.Seg < 0 {
					continue
				}
				p := NewPane(NewStyles(true))
				seg := &tl.Segments[ctx.Seg]
				if got, want := p.Title(ctx), fmt.Sprintf("C %s  S %s", seg.Client(), seg.Server()); got != want {
					t.Errorf("%s row %d: title %q, want %q", name, r, got, want)
				}
				out := ansi.Strip(p.View(ctx, 70, 32))
				if !strings.Contains(out, "no state change at this step") || strings.ContainsAny(out, "┃▼▲◀") {
					t.Errorf("%s row %d: an extra frame moves no state:\n%s", name, r, out)
				}
				return
			}
		}
	}
	t.Fatal("no sample has an extra frame after a segment")
}

// TestPaneKeys: ↑ and ↓ step the stepper; the diagram has no other key.
func TestPaneKeys(t *testing.T) {
	p := NewPane(NewStyles(true))
	ctx := pane.Context{Row: 5, Seg: -1}
	if r := p.Key(ctx, pane.KeyDown, 70, 32); r != pane.GoTo(6) {
		t.Errorf("↓: %+v", r)
	}
	if r := p.Key(ctx, pane.KeyUp, 70, 32); r != pane.GoTo(4) {
		t.Errorf("↑: %+v", r)
	}
	for _, k := range []pane.Key{pane.KeyPageUp, pane.KeyPageDown, pane.KeyMode, pane.KeyZoomIn, pane.KeyWheelDown} {
		if r := p.Key(ctx, k, 70, 32); r.Used {
			t.Errorf("key %d used: %+v", k, r)
		}
	}
}

// TestRenderPaneFits: the diagram with its vantage sentence fits every
// size, wherever the capture was taken.
func TestRenderPaneFits(t *testing.T) {
	st := NewStyles(false)
	for _, v := range []model.Vantage{{Kind: model.VantageUnknown}, {Kind: model.VantageSameHost}, model.VantageOf(testsample.Timeline(t, "smtp-figure10"), 0)} {
		for w := 0; w <= 100; w += 3 {
			for h := 0; h <= 40; h++ {
				out := renderPane(st, model.SynSent, model.SynReceived, []model.Transition{mvActiveOpen}, []model.Transition{mvRcvSyn}, v, w, h)
				panetest.CheckFits(t, fmt.Sprintf("%v %dx%d", v.Kind, w, h), out, w, h)
			}
		}
	}
}
