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
	for _, sz := range []struct{ w, h int }{{98, 30}, {98, 26}, {88, 24}, {80, 21}, {80, 13}, {64, 12}, {40, 14}, {80, 10}} {
		for r := range rows {
			ctx := stepCtx(tl, 0, r)
			c, s := states(ctx)
			cm, sm := model.StepTransitions(tl, ctx.Seg)
			prev := closedBy(ctx, c, s, cm, sm)
			got := p.View(ctx, sz.w, sz.h)
			sc := scene{client: c, server: s, cm: cm, sm: sm, clientPrev: prev[0], serverPrev: prev[1]}
			if want := renderScene(st, sc, &ctx.Vantage, sz.w, sz.h); got != want {
				t.Fatalf("%dx%d row %d: View differs from renderPane", sz.w, sz.h, r)
			}
			panetest.CheckFits(t, fmt.Sprintf("%dx%d row %d", sz.w, sz.h, r), got, sz.w, sz.h)
		}
	}
	// The paper's client waits far longer for its SYN,ACK's ACK than the
	// server for its SYN,ACK: the capture was taken near the server.
	ctx := stepCtx(tl, 0, 2)
	out := ansi.Strip(p.View(ctx, 98, 30))
	if lines := strings.Split(out, "\n"); !strings.Contains(strings.Join(lines[len(lines)-3:], " "), "near the server") {
		t.Errorf("no vantage sentence under the figure:\n%s", out)
	}
	if !strings.Contains(out, ctx.Vantage.Sentence()) {
		t.Errorf("the whole sentence should fit at 98×30:\n%s", out)
	}
	// One line to spare: the short sentence.
	out = ansi.Strip(p.View(ctx, 70, compactFig.h+2))
	if !strings.HasSuffix(out, vantageShort(ctx.Vantage)) {
		t.Errorf("no short vantage sentence at 70×%d:\n%s", compactFig.h+2, out)
	}
	// None: the full figure's empty corner holds it.
	out = ansi.Strip(p.View(stepCtx(tl, 0, 0), 88, 24))
	if lines := strings.Split(out, "\n"); len(lines) != 24 || !strings.HasPrefix(strings.TrimSpace(lines[0]), vantageShort(ctx.Vantage)) {
		t.Errorf("no short vantage sentence in the corner at 88×24:\n%s", out)
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
	first := p.View(stepCtx(tl, 0, same[0]), 98, 26)
	key := p.memo.key
	if p.View(stepCtx(tl, 0, same[1]), 98, 26) != first || p.memo.key != key {
		t.Error("an unchanged drawing is not drawn from the memo")
	}

	// A new background redraws in the new colours.
	p.SetDark(false)
	got := p.View(stepCtx(tl, 0, same[1]), 98, 26)
	if got == first || got != renderPane(NewStyles(false), model.Established, model.Established, nil, nil, ctx.Vantage, 98, 26) {
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
				out := ansi.Strip(p.View(ctx, 98, 26))
				i := strings.Index(out, "no state change at this step")
				if i < 0 || strings.ContainsAny(out[:i], "▼▲◀▶") {
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
		for w := 0; w <= 120; w++ {
			for h := 0; h <= 40; h++ {
				out := renderPane(st, model.SynSent, model.SynReceived, []model.Transition{mvActiveOpen}, []model.Transition{mvRcvSyn}, v, w, h)
				panetest.CheckFits(t, fmt.Sprintf("%v %dx%d", v.Kind, w, h), out, w, h)
			}
		}
	}
}

// TestPaneClosedBoxStays: a side that moved into CLOSED stays in the box
// the move pointed at on the steps after, where it moves no more.
func TestPaneClosedBoxStays(t *testing.T) {
	found := false
	for _, name := range []string{"simultaneous-open", "lossy-transfer", "http-close", "mid-connection", "refused", "reset-abort", "smtp-figure10"} {
		tl := testsample.Timeline(t, name)
		for conv := range tl.Conversations {
			ctx0 := stepCtx(tl, conv, 0)
			for r := range ctx0.Rows {
				ctx := stepCtx(tl, conv, r)
				c, s := states(ctx)
				cm, sm := stepMoves(ctx)
				prev := closedBy(ctx, c, s, cm, sm)
				for i, st := range []model.State{c, s} {
					if st != model.Closed || prev[i].Event == "" {
						continue
					}
					found = true
					for _, f := range figures {
						sc := scene{client: c, server: s, cm: cm, sm: sm, clientPrev: prev[0], serverPrev: prev[1]}
						b := f.boxOf(model.Closed, nil, prev[i])
						cells := cellsOf(t, f, sc)
						mark, letter := f.boxes[b].markC, 'C'
						if i == 1 {
							mark, letter = f.boxes[b].markS, 'S'
						}
						if cells[mark.y][mark.x] != letter || b != f.edges[f.edgeFor(prev[i])].to {
							t.Errorf("%s row %d: side %d not in the CLOSED box its move %v pointed at", name, r, i, prev[i])
						}
					}
				}
			}
		}
	}
	if !found {
		t.Skip("no sample has a step after a side moved into CLOSED")
	}
}
