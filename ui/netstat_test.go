package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/tcpstep/tcpstep/internal/testsample"
	"github.com/tcpstep/tcpstep/model"
)

func TestNetstatRenderFits(t *testing.T) {
	st := NewNetstatStyles(true)
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
						checkFits(t, fmt.Sprintf("%s step %d ss=%v", name, n, ss), RenderNetstat(st, v, vant, ss, w, h), w, h)
					}
				}
			}
		}
	}
	if out := RenderNetstat(st, model.NetstatView{}, "", false, 0, 10); out != "" {
		t.Errorf("zero width: %q", out)
	}
}

// At any height from 6 lines up the connection lines survive: headers,
// blank lines and notes go first.
func TestNetstatRenderKeepsLines(t *testing.T) {
	tl := testsample.Timeline(t, "smtp-figure10")
	v, _ := model.Netstat(tl, 0, 4)
	st := NewNetstatStyles(false)
	for _, h := range []int{6, 9, 40} {
		out := ansi.Strip(RenderNetstat(st, v, "", false, 120, h))
		for _, want := range []string{"stream 0 · step 4/29 · frame 4", "192.0.2.25:25", "93", "0.0.0.0:25", "LISTEN", "198.51.100.77:1042"} {
			if !strings.Contains(out, want) {
				t.Errorf("height %d: %q missing:\n%s", h, want, out)
			}
		}
	}
	out := ansi.Strip(RenderNetstat(st, v, model.VantageOf(tl, 0).Sentence(), true, 120, 40))
	if !strings.Contains(out, "ESTAB") || !strings.Contains(out, "near the server") {
		t.Errorf("ss style with the vantage sentence:\n%s", out)
	}
}

func TestNetstatRenderGolden(t *testing.T) {
	tl := testsample.Timeline(t, "http-close")
	st := NewNetstatStyles(true)
	for _, n := range []int{8, 11} {
		v, _ := model.Netstat(tl, 0, n)
		for _, ss := range []bool{false, true} {
			t.Run(fmt.Sprintf("step%d_ss%v", n, ss), func(t *testing.T) {
				golden.RequireEqual(t, ansi.Strip(RenderNetstat(st, v, model.VantageOf(tl, 0).Sentence(), ss, 100, 20)))
			})
		}
	}
}
