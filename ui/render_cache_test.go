package ui

import (
	"path/filepath"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/internal/synth"
	"github.com/tcpstep/tcpstep/internal/testsample"
	"github.com/tcpstep/tcpstep/internal/testshared"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/samples"
)

// These tests hold the shortcuts that keep a step cheap in a long
// conversation to what they replace: the follow view's index against a
// scan of every line, the graph's step marks put on a drawing made once
// against a drawing made with the step, the quick width against
// ansi.StringWidth.

// followInputs are conversations to reassemble: every embedded sample's,
// the hostile one and, when ../shared is there, every capture's.
func followInputs(t *testing.T) map[string]*decode.Input {
	t.Helper()
	ins := map[string]*decode.Input{}
	for _, s := range samples.List() {
		b, err := samples.Bytes(s.Name)
		if err != nil {
			t.Fatal(err)
		}
		in, err := decode.OpenBytes("sample:"+s.Name, b)
		if err != nil {
			t.Fatal(err)
		}
		ins[s.Name] = in
	}
	in, err := decode.OpenBytes("synth", synth.Capture(3000, 3))
	if err != nil {
		t.Fatal(err)
	}
	ins["synth"] = in
	if dir, ok := testshared.Optional(t); ok {
		files, _ := filepath.Glob(filepath.Join(dir, "captures", "*.pcap*"))
		for _, f := range files {
			in, err := decode.Open(f)
			if err != nil {
				continue // the corpus's damaged files are other tests' business
			}
			t.Cleanup(func() { in.Close() })
			ins[filepath.Base(f)] = in
		}
	}
	return ins
}

func TestFollowIndexAgreesWithScan(t *testing.T) {
	indexed := 0
	check := func(t *testing.T, tl *model.Timeline, c *model.Conversation, chunks []model.FollowChunk) {
		for _, hex := range []bool{false, true} {
			for _, w := range []int{12, 80} {
				lay := layoutFollow(chunks, hex, w)
				if lay.idx == nil {
					t.Fatal("layoutFollow made no index")
				}
				if lay.idx.readyOK && lay.idx.dirs[0].ok && lay.idx.dirs[1].ok {
					indexed++
				}
				segs := append([]int{-1, len(tl.Segments)}, make([]int, 0, len(c.Segs))...)
				for _, s := range c.Segs {
					segs = append(segs, int(s))
				}
				for _, seg := range segs {
					if got, want := followSegLine(tl, chunks, lay, seg), followSegLineScan(tl, chunks, lay, seg); got != want {
						t.Fatalf("hex %v width %d segment %d: line %d, the scan says %d", hex, w, seg, got, want)
					}
				}
			}
		}
	}
	tl, chunks := hostileFollow(t)
	t.Run("hostile", func(t *testing.T) { check(t, tl, tl.Conversations[0], chunks) })
	for name, in := range followInputs(t) {
		t.Run(name, func(t *testing.T) {
			tl, err := in.Load(nil)
			if err != nil {
				t.Skip(err)
			}
			for _, c := range tl.Conversations {
				if c == nil {
					continue
				}
				chunks, err := model.FollowDialogue(tl, c, func(seg int) ([]byte, error) { return in.Payload(tl, seg) })
				if err != nil {
					continue
				}
				check(t, tl, c, chunks)
			}
		})
	}
	// The scan answers only what the index cannot: most dialogues are
	// indexed.
	if indexed < 40 {
		t.Errorf("only %d layouts indexed", indexed)
	}
}

// graphWithStep draws the graph as it was drawn before the step's marks
// went on top of a drawing without them: the second pass again, told which
// segment is selected, and every row rendered from its grid.
func graphWithStep(st GraphStyles, tl *model.Timeline, conv, sel int, absolute bool, v GraphView, w, h int) string {
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
	st := NewGraphStyles(true)
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
			for _, v := range []GraphView{{}, {Show: GraphC2S}, {Show: GraphBoth}, {Zoom: 3}} {
				for _, absolute := range []bool{false, v.Show == GraphC2S} {
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
