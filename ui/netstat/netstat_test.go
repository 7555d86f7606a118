package netstat

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/tcpstep/tcpstep/internal/testsample"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
	"github.com/tcpstep/tcpstep/ui/pane/panetest"
)

func TestNetstatRenderFits(t *testing.T) {
	st := NewStyles(true)
	for _, name := range []string{"smtp-figure10", "http-close", "refused", "ipv6"} {
		tl := testsample.Timeline(t, name)
		c := tl.Conversations[0]
		vant := model.VantageOf(tl, 0).Sentence()
		for n := 0; n <= len(c.Segs); n++ {
			v, err := model.Netstat(tl, 0, n)
			if err != nil {
				t.Fatal(err)
			}
			for _, ss := range []bool{false, true} {
				for _, w := range []int{1, 10, 40, 80, 200} {
					for _, h := range []int{1, 3, 6, 12, 40} {
						panetest.CheckFits(t, fmt.Sprintf("%s step %d ss=%v", name, n, ss), Render(st, v, vant, ss, w, h), w, h)
					}
				}
			}
		}
	}
	if out := Render(st, model.NetstatView{}, "", false, 0, 10); out != "" {
		t.Errorf("zero width: %q", out)
	}
}

// At any height from 6 lines up the connection lines survive: headers,
// blank lines and notes go first.
func TestNetstatRenderKeepsLines(t *testing.T) {
	tl := testsample.Timeline(t, "smtp-figure10")
	v, _ := model.Netstat(tl, 0, 4)
	st := NewStyles(false)
	for _, h := range []int{6, 9, 40} {
		out := ansi.Strip(Render(st, v, "", false, 120, h))
		for _, want := range []string{"stream 0 · step 4/29 · frame 4", "192.0.2.25:25", "93", "0.0.0.0:25", "LISTEN", "198.51.100.77:1042"} {
			if !strings.Contains(out, want) {
				t.Errorf("height %d: %q missing:\n%s", h, want, out)
			}
		}
	}
	out := ansi.Strip(Render(st, v, model.VantageOf(tl, 0).Sentence(), true, 120, 40))
	if !strings.Contains(out, "ESTAB") || !strings.Contains(out, "near the server") {
		t.Errorf("ss style with the vantage sentence:\n%s", out)
	}
}

func TestNetstatRenderGolden(t *testing.T) {
	tl := testsample.Timeline(t, "http-close")
	st := NewStyles(true)
	for _, n := range []int{8, 11} {
		v, _ := model.Netstat(tl, 0, n)
		for _, ss := range []bool{false, true} {
			t.Run(fmt.Sprintf("step%d_ss%v", n, ss), func(t *testing.T) {
				golden.RequireEqual(t, ansi.Strip(Render(st, v, model.VantageOf(tl, 0).Sentence(), ss, 100, 20)))
			})
		}
	}
}

// TestPane drives the view as the stepper does: nothing is computed until
// Prepare; at each selected segment it draws what Render draws for the
// steps up to it; m switches to ss's format; a conversation that grew is
// computed again.
func TestPane(t *testing.T) {
	tl := testsample.Timeline(t, "smtp-figure10")
	c := tl.Conversations[0]
	p := NewPane(NewStyles(true))
	ctx := pane.Context{TL: tl, Conv: c, Seg: -1}
	if out := ansi.Strip(p.View(ctx, 100, 20)); !strings.Contains(out, "computing") {
		t.Fatalf("before Prepare: %q", out)
	}
	p.Prepare(ctx, 0, 0)
	vant := model.VantageOf(tl, c.Index).Sentence()
	for row, seg := range append([]uint32{0}, c.Segs...) {
		ctx.Seg = int(seg)
		if row == 0 {
			ctx.Seg = -1 // before the first segment
		}
		v, err := model.Netstat(tl, c.Index, row)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := p.View(ctx, 100, 20), Render(NewStyles(true), v, vant, false, 100, 20); got != want {
			t.Fatalf("step %d: View differs from Render:\n%s\nwant\n%s", row, ansi.Strip(got), ansi.Strip(want))
		}
	}
	if p.Mode() != "netstat -tan" || !p.Key(ctx, pane.KeyMode, 100, 20).Used || p.Mode() != "ss -tan" || !p.SS() || p.Title(ctx) != "ss -tan" {
		t.Errorf("m does not switch to ss: mode %q", p.Mode())
	}
	if r := p.Key(ctx, pane.KeyDown, 100, 20); r != pane.GoTo(ctx.Row+1) {
		t.Errorf("↓ gives %+v, want a step to row %d: the view shows the step", r, ctx.Row+1)
	}
	p.Invalidate()
	if out := ansi.Strip(p.View(ctx, 100, 20)); !strings.Contains(out, "computing") {
		t.Errorf("after Invalidate: %q", out)
	}
}
