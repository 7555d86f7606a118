package graph

import (
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/internal/synth"
	"github.com/tcpstep/tcpstep/internal/testsample"
	"github.com/tcpstep/tcpstep/model"
)

// graphWithStep draws the graph as it was drawn before the step's marks
// went on top of a drawing without them: the second pass again, told which
// segment is selected, and every row rendered from its grid.
func graphWithStep(st Styles, tl *model.Timeline, conv, sel int, absolute bool, v Settings, w, h int) string {
	gb := newGraphBase(st, tl, conv, sel, absolute, v, w, h)
	if gb.c == nil || gb.msg != "" {
		return gb.msg
	}
	sel = gb.validSel(sel)
	var passes []*graphPass
	for _, p := range gb.passes {
		for i := range p.dots {
			p.dots[i], p.layer[i], p.mark[i], p.markPri[i] = 0, 0, 0, 0
		}
		passes = append(passes, newGraphPass(p, gb.c, gb.dotW))
	}
	for _, si := range gb.c.Segs {
		if int(si) >= len(tl.Segments) {
			continue
		}
		s := &tl.Segments[si]
		for _, g := range passes {
			g.visit(s, gb.xOf(tl.SegTime(s)), int(si) == sel)
		}
	}
	for _, g := range passes {
		g.finish()
	}
	var lines []string
	if gb.legend != "" {
		lines = append(lines, gb.legend)
	}
	for i, p := range gb.shown {
		if gb.headings {
			lines = append(lines, ansi.Truncate(st.Heading.Render(p.heading), w, "…"))
		}
		for r := range p.rows {
			lines = append(lines, p.renderRow(st, r, gb.labelW, gb.plotX, gb.tickAt[i], -1))
		}
	}
	if gb.axisRows > 0 {
		selCol := -1
		if sel >= 0 {
			if x := gb.xOf(tl.SegTime(&tl.Segments[sel])); x >= 0 && x < gb.dotW {
				selCol = x / 2
			}
		}
		lines = append(lines, graphTimeAxis(st, gb.t0, gb.t1, gb.cols, gb.plotX, gb.labelW, selCol, gb.axisRows, gb.xOf)...)
	}
	return graphFit(lines, w, h)
}

func TestGraphStepMarksAgreeWithFullDraw(t *testing.T) {
	st := NewStyles(true)
	tls := map[string]*model.Timeline{}
	for _, name := range []string{"lossy-transfer", "smtp-figure10"} {
		tls[name] = testsample.Timeline(t, name)
	}
	in, err := decode.OpenBytes("synth", synth.Capture(2000, 1))
	if err != nil {
		t.Fatal(err)
	}
	if tls["synth"], err = in.Load(nil); err != nil {
		t.Fatal(err)
	}
	for name, tl := range tls {
		c := tl.Conversations[0]
		sels := []int{-1, len(tl.Segments)}
		step := max(len(c.Segs)/60, 1) // every segment of the samples, 60 of synth's
		for i := 0; i < len(c.Segs); i += step {
			sels = append(sels, int(c.Segs[i]))
		}
		sels = append(sels, int(c.Segs[len(c.Segs)-1]))
		for _, sz := range [][2]int{{80, 24}, {200, 50}, {30, 9}} {
			for _, v := range []Settings{{}, {Show: ShowC2S}, {Show: ShowBoth}, {Zoom: 3}} {
				for _, absolute := range []bool{false, v.Show == ShowC2S} {
					// One drawing without the step serves every step, as
					// in the stepper (zoomed, the span follows the step).
					base := newGraphBase(st, tl, 0, -1, absolute, v, sz[0], sz[1])
					for _, sel := range sels {
						want := graphWithStep(st, tl, 0, sel, absolute, v, sz[0], sz[1])
						got := renderGraphView(st, tl, 0, sel, absolute, v, sz[0], sz[1])
						if got != want {
							t.Fatalf("%s %dx%d %+v absolute %v step %d:\n%s\nwant\n%s", name, sz[0], sz[1], v, absolute, sel, got, want)
						}
						if v.Zoom == 0 {
							if got := base.render(st, sel); got != want {
								t.Fatalf("%s %dx%d %+v absolute %v step %d, from the drawing without it:\n%s\nwant\n%s", name, sz[0], sz[1], v, absolute, sel, got, want)
							}
						}
					}
				}
			}
		}
	}
}
