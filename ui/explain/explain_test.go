package explain

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
	"github.com/tcpstep/tcpstep/ui/theme"
)

// ctxAt is what the stepper tells the view at row of conversation 0 of
// an embedded sample.
func ctxAt(t *testing.T, name string, row int) pane.Context {
	t.Helper()
	tl := testsample.Timeline(t, name)
	c := tl.Conversations[0]
	rows := pane.BuildRows(tl, c)
	return pane.Context{TL: tl, Conv: c, Rows: rows, Row: row, Last: len(rows) - 1}
}

// extraRow is the first row of ctx's ladder that is not a segment.
func extraRow(t *testing.T, ctx pane.Context) int {
	t.Helper()
	for i, r := range ctx.Rows {
		if r.Seg < 0 {
			return i
		}
	}
	t.Fatal("no row that is not a segment")
	return -1
}

// testLesson is the lesson's text for a step, as the stepper hands it.
var testLesson = []string{
	"Lesson: Test lesson of the paper's session",
	"Watch the ACK numbers: each is the next byte expected.",
	"Lesson, this step: The greeting: 93 bytes of data from the server.",
}

// Paragraphs explains a segment's row with model.Explain and any other
// row with model.ExplainFrameAs, in the numbering asked for.
func TestParagraphs(t *testing.T) {
	ctx := ctxAt(t, "smtp-figure10", 3)
	want := model.Explain(ctx.TL, int(ctx.Rows[3].Seg), false)
	if got := Paragraphs(ctx); strings.Join(got, "\n") != strings.Join(want, "\n") || len(got) == 0 {
		t.Errorf("segment row: %q, want %q", got, want)
	}
	ctx.Absolute = true
	if got, want := Paragraphs(ctx), model.Explain(ctx.TL, int(ctx.Rows[3].Seg), true); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("absolute: %q, want %q", got, want)
	}
	icmp := ctxAt(t, "icmp-frag-needed", 0)
	icmp.Row = extraRow(t, icmp)
	want = model.ExplainFrameAs(icmp.TL, icmp.Rows[icmp.Row].Frame, false)
	if got := Paragraphs(icmp); strings.Join(got, "\n") != strings.Join(want, "\n") || len(got) == 0 {
		t.Errorf("ICMP row: %q, want %q", got, want)
	}
	ctx.Row = len(ctx.Rows)
	if got := Paragraphs(ctx); got != nil {
		t.Errorf("no row: %q", got)
	}
}

// The lesson's lines come first, each behind the bar, paragraphs apart,
// then a blank line and the explanation's; no line is wider than w and no
// word is lost.
func TestLines(t *testing.T) {
	text := Paragraphs(ctxAt(t, "smtp-figure10", 3))
	lines := Lines(testLesson, text, 40)
	nLesson := 0
	for nLesson < len(lines) && strings.HasPrefix(lines[nLesson], theme.LessonBar) {
		nLesson++
	}
	if nLesson < len(testLesson)*2-1 || lines[nLesson] != "" {
		t.Fatalf("lesson lines %d, then %q:\n%s", nLesson, lines[nLesson], strings.Join(lines, "\n"))
	}
	if lines[0] != theme.LessonBar+" Lesson: Test lesson of the paper's" {
		t.Errorf("first line %q", lines[0])
	}
	if got := Lines(nil, text, 40); strings.HasPrefix(got[0], theme.LessonBar) || len(got) != len(lines)-nLesson-1 {
		t.Errorf("without a lesson: %d lines, want %d:\n%s", len(got), len(lines)-nLesson-1, strings.Join(got, "\n"))
	}
	// Wrapping breaks at spaces and cuts only words longer than a line:
	// without the spaces and the bars, the text is all there.
	squeeze := func(s string) string {
		return strings.Join(strings.Fields(strings.ReplaceAll(s, theme.LessonBar, "")), "")
	}
	all := squeeze(strings.Join(append(append([]string(nil), testLesson...), text...), " "))
	for w := 1; w <= 120; w++ {
		lines := Lines(testLesson, text, w)
		for _, l := range lines {
			if lw := ansi.StringWidth(l); lw > max(w, 3) {
				t.Fatalf("width %d: line of %d: %q", w, lw, l)
			}
		}
		if got := squeeze(strings.Join(lines, " ")); got != all {
			t.Fatalf("width %d: text lost:\n%s\nwant\n%s", w, got, all)
		}
	}
}

// Render at every size, for every row of the samples, with and without a
// lesson, from the top, part way and past the end.
func TestRenderFits(t *testing.T) {
	for _, name := range []string{"smtp-figure10", "lossy-transfer", "icmp-frag-needed", "ip-fragments"} {
		ctx := ctxAt(t, name, 0)
		for row := range ctx.Rows {
			ctx.Row = row
			text := Paragraphs(ctx)
			for _, lesson := range [][]string{nil, testLesson} {
				for _, w := range []int{1, 2, 3, 8, 30, 60, 80, 120} {
					for _, h := range []int{1, 2, 5, 12, 40} {
						for _, top := range []int{0, 3, 1 << 30} {
							out := Render(NewStyles(w%2 == 0), lesson, text, top, w, h)
							panetest.CheckFits(t, fmt.Sprintf("%s row %d lesson %v top %d", name, row, lesson != nil, top), out, w, h)
						}
					}
				}
			}
		}
	}
	if out := Render(NewStyles(true), testLesson, nil, 0, 0, 5); out != "" {
		t.Errorf("zero width: %q", out)
	}
}

// Render draws the lesson's bar and text in their styles and the
// explanation in its own, and scrolls no further than the last line at
// the bottom.
func TestRenderStyles(t *testing.T) {
	text := Paragraphs(ctxAt(t, "smtp-figure10", 3))
	for _, dark := range []bool{true, false} {
		st := NewStyles(dark)
		out := strings.Split(Render(st, testLesson, text, 0, 80, 40), "\n")
		lines := Lines(testLesson, text, 80)
		if want := st.LessonBar.Render(theme.LessonBar) + st.Lesson.Render(strings.TrimPrefix(lines[0], theme.LessonBar)); out[0] != want {
			t.Errorf("dark=%v: lesson line %q, want %q", dark, out[0], want)
		}
		last := len(lines) - 1
		if want := st.Text.Render(lines[last]); out[last] != want {
			t.Errorf("dark=%v: last line %q, want %q", dark, out[last], want)
		}
	}
	st := NewStyles(true)
	lines := Lines(testLesson, text, 50)
	end := Render(st, testLesson, text, len(lines)-8, 50, 8)
	if got := Render(st, testLesson, text, 1<<30, 50, 8); got != end {
		t.Errorf("past the end:\n%s\nwant the last page:\n%s", ansi.Strip(got), ansi.Strip(end))
	}
}

func TestRenderGolden(t *testing.T) {
	smtp := ctxAt(t, "smtp-figure10", 3)
	icmp := ctxAt(t, "icmp-frag-needed", 0)
	icmp.Row = extraRow(t, icmp)
	st := NewStyles(true)
	for _, c := range []struct {
		name      string
		ctx       pane.Context
		lesson    []string
		top, w, h int
	}{
		{"greeting-80x20", smtp, nil, 0, 80, 20},
		{"greeting-40x12", smtp, nil, 0, 40, 12},
		{"greeting-lesson-60x14", smtp, testLesson, 0, 60, 14},
		{"greeting-lesson-scrolled-50x8", smtp, testLesson, 5, 50, 8},
		{"greeting-lesson-end-50x8", smtp, testLesson, 1 << 30, 50, 8},
		{"icmp-80x20", icmp, nil, 0, 80, 20},
	} {
		t.Run(c.name, func(t *testing.T) {
			golden.RequireEqual(t, ansi.Strip(Render(st, c.lesson, Paragraphs(c.ctx), c.top, c.w, c.h)))
		})
	}
}

// TestPane drives the view as the stepper does: Prepare before each
// drawing, keys to the view in focus at its size.
func TestPane(t *testing.T) {
	const w, h = 50, 8
	ctx := ctxAt(t, "smtp-figure10", 3)
	ctx.Lesson = testLesson
	text := Paragraphs(ctx)
	n := len(Lines(ctx.Lesson, text, w))
	if n <= 3*h {
		t.Fatalf("%d lines: too few to scroll pages", n)
	}
	p := NewPane(NewStyles(true))
	p.Prepare(ctx, w, h)
	if got, want := p.View(ctx, w, h), Render(NewStyles(true), ctx.Lesson, text, 0, w, h); got != want {
		t.Fatalf("View differs from Render at the top")
	}
	key := func(k pane.Key, want int) {
		t.Helper()
		if r := p.Key(ctx, k, w, h); !r.Used || r.Move {
			t.Fatalf("key %v: %+v", k, r)
		}
		if p.Top() != want {
			t.Fatalf("key %v: top %d, want %d", k, p.Top(), want)
		}
		p.Prepare(ctx, w, h)
		if got := p.View(ctx, w, h); got != Render(NewStyles(true), ctx.Lesson, text, want, w, h) {
			t.Fatalf("key %v: View differs from Render from line %d", k, want)
		}
	}
	key(pane.KeyDown, 1)
	key(pane.KeyUp, 0)
	key(pane.KeyUp, 0)
	key(pane.KeyPageDown, h-1)
	key(pane.KeyPageDown, 2*(h-1))
	key(pane.KeyPageUp, h-1)
	key(pane.KeyWheelDown, h-1+3)
	key(pane.KeyWheelUp, h-1)
	for range n {
		p.Key(ctx, pane.KeyDown, w, h)
	}
	key(pane.KeyDown, n-h)
	key(pane.KeyUp, n-h-1)
	if r := p.Key(ctx, pane.KeyMode, w, h); r.Used {
		t.Error("the explanation has no mode, yet it took m")
	}
	// Drawn at the same step, it keeps its place; at another, or with
	// the lesson turned off or on, it starts at the top.
	p.Prepare(ctx, w, h)
	if p.Top() != n-h-1 {
		t.Fatalf("Prepare at the same step moved it to %d", p.Top())
	}
	ctx.Row = 4
	if p.Prepare(ctx, w, h); p.Top() != 0 {
		t.Errorf("another step: top %d", p.Top())
	}
	p.Key(ctx, pane.KeyPageDown, w, h)
	ctx.Lesson = nil
	if p.Prepare(ctx, w, h); p.Top() != 0 {
		t.Errorf("lesson turned off: top %d", p.Top())
	}
	// A lesson with nothing to say at this step, turned on, is a change
	// too: it is empty, not nil.
	p.Key(ctx, pane.KeyPageDown, w, h)
	if p.Top() == 0 {
		t.Fatal("did not scroll")
	}
	ctx.Lesson = []string{}
	if p.Prepare(ctx, w, h); p.Top() != 0 {
		t.Errorf("lesson turned on: top %d", p.Top())
	}
	p.Key(ctx, pane.KeyPageDown, w, h)
	p.ConversationChanged(ctx)
	if p.Top() != 0 {
		t.Errorf("another conversation: top %d", p.Top())
	}
	p.SetDark(false)
	if got, want := p.View(ctx, w, h), Render(NewStyles(false), ctx.Lesson, Paragraphs(ctx), 0, w, h); got != want {
		t.Error("after SetDark(false) the view is not drawn in the light styles")
	}
}
