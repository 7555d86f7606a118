package isn

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

func TestISNRenderFits(t *testing.T) {
	st := NewStyles(true)
	for _, name := range []string{"isn-prediction", "smtp-figure10", "refused"} {
		series := model.AnalyzeISNs(testsample.Timeline(t, name))
		for sel := -1; sel <= len(series); sel++ {
			for _, w := range []int{1, 8, 30, 60, 80, 120, 200} {
				for _, h := range []int{1, 2, 5, 10, 20, 40, 60} {
					panetest.CheckFits(t, fmt.Sprintf("%s sel %d", name, sel), Render(st, series, sel, w, h), w, h)
				}
			}
		}
	}
	if out := Render(st, nil, 0, 40, 5); !strings.Contains(out, "No SYN") {
		t.Errorf("no series: %q", out)
	}
	if out := Render(st, nil, 0, 0, 5); out != "" {
		t.Errorf("zero width: %q", out)
	}
}

// The plot puts the first ISN at the left edge and the last at the right,
// the highest ISN on the top row and the lowest on the bottom one: for a
// rising counter the first point is bottom left, the last top right.
func TestISNPlotShape(t *testing.T) {
	series := model.AnalyzeISNs(testsample.Timeline(t, "isn-prediction"))
	var old *model.ISNSeries
	for i := range series {
		if series[i].Host.String() == "192.0.2.10" {
			old = &series[i]
		}
	}
	if old == nil {
		t.Fatal("no series for 192.0.2.10")
	}
	plot := plot(NewStyles(false), old, 40, 6)
	if len(plot) != 6 {
		t.Fatalf("%d lines", len(plot))
	}
	rows := make([][]rune, 5)
	for i := range rows {
		l := ansi.Strip(plot[i])
		rows[i] = []rune(l[strings.Index(l, "│")+len("│"):])
		if ansi.StringWidth(ansi.Strip(plot[i])) != 40 {
			t.Errorf("row %d is %d wide", i, ansi.StringWidth(ansi.Strip(plot[i])))
		}
	}
	last := len(rows[0]) - 1
	if rows[4][0] == 0x2800 || rows[0][last] == 0x2800 {
		t.Errorf("first point not bottom left or last not top right:\n%s", ansi.Strip(strings.Join(plot, "\n")))
	}
	if !strings.HasPrefix(ansi.Strip(plot[0]), "52864001 │") || !strings.HasPrefix(ansi.Strip(plot[4]), "52672001 │") {
		t.Errorf("axis labels:\n%s", ansi.Strip(strings.Join(plot, "\n")))
	}
	dots := 0
	for _, r := range rows {
		for _, c := range r {
			for b := c - 0x2800; b != 0; b &= b - 1 {
				dots++
			}
		}
	}
	if dots != 4 {
		t.Errorf("%d dots for 4 ISNs", dots)
	}
}

func TestISNRenderGolden(t *testing.T) {
	series := model.AnalyzeISNs(testsample.Timeline(t, "isn-prediction"))
	st := NewStyles(true)
	for _, sz := range [][2]int{{100, 30}, {60, 14}} {
		for sel := range series {
			t.Run(fmt.Sprintf("sel%d_%dx%d", sel, sz[0], sz[1]), func(t *testing.T) {
				golden.RequireEqual(t, ansi.Strip(Render(st, series, sel, sz[0], sz[1])))
			})
		}
	}
}

// TestPane drives the view as the stepper does: nothing is analysed until
// Prepare, the selection starts at the selected conversation's client, ↑
// and ↓ move it within the series, and a capture that grew is analysed
// again.
func TestPane(t *testing.T) {
	tl := testsample.Timeline(t, "isn-prediction")
	p := NewPane(NewStyles(true))
	ctx := pane.Context{TL: tl, Conv: tl.Conversations[0], Seg: -1}
	if out := ansi.Strip(p.View(ctx, 80, 20)); !strings.Contains(out, "analysing") {
		t.Fatalf("before Prepare: %q", out)
	}
	p.Prepare(ctx, 0, 0)
	series := model.AnalyzeISNs(tl)
	want := defaultSeries(series, ctx.Conv)
	if got := p.Selected(); got != want || series[got].Host != ctx.Conv.Client.Addr {
		t.Fatalf("selected series %d (%v), want %d, the client's", got, series[got].Host, want)
	}
	if got, want := p.View(ctx, 100, 30), Render(NewStyles(true), series, want, 100, 30); got != want {
		t.Errorf("View differs from Render of the selected series")
	}
	for range len(series) + 2 {
		p.Key(ctx, pane.KeyDown, 100, 30)
	}
	if got := p.Selected(); got != len(series)-1 {
		t.Errorf("after more ↓ than series: %d, want the last, %d", got, len(series)-1)
	}
	for range len(series) + 2 {
		p.Key(ctx, pane.KeyUp, 100, 30)
	}
	if got := p.Selected(); got != 0 {
		t.Errorf("after more ↑ than series: %d, want 0", got)
	}
	if p.Key(ctx, pane.KeyMode, 100, 30).Used {
		t.Error("the ISN view has no mode, yet it took the key")
	}
	p.Invalidate()
	if out := ansi.Strip(p.View(ctx, 80, 20)); !strings.Contains(out, "analysing") {
		t.Errorf("after Invalidate: %q", out)
	}
}
