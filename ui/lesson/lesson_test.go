package lesson

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/tcpstep/tcpstep/internal/testsample"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/samples"
	"github.com/tcpstep/tcpstep/ui/pane"
	"github.com/tcpstep/tcpstep/ui/pane/panetest"
	"github.com/tcpstep/tcpstep/ui/theme"
)

// smtpRows are the ladder rows of the paper's session.
func smtpRows(t *testing.T) []pane.Row {
	t.Helper()
	tl := testsample.Timeline(t, "smtp-figure10")
	return pane.BuildRows(tl, tl.Conversations[0])
}

func TestPanelHeight(t *testing.T) {
	for h, want := range map[int]int{0: 3, 1: 3, 9: 3, 12: 4, 24: 8, 27: 9, 50: 9} {
		if got := PanelHeight(h); got != want {
			t.Errorf("PanelHeight(%d) = %d, want %d", h, got, want)
		}
	}
}

// Paragraphs is the title and what to watch for at the first step, then
// the step's note; nil without a lesson, empty at a step it says nothing
// of.
func TestParagraphs(t *testing.T) {
	l, rows := testsample.Lesson(), smtpRows(t)
	if got := Paragraphs(nil, rows, 0, false, false); got != nil {
		t.Errorf("no lesson: %q", got)
	}
	if got, want := Paragraphs(l, rows, 0, false, false), []string{"Lesson: " + l.Title, l.Watch}; !slices.Equal(got, want) {
		t.Errorf("first step: %q, want %q", got, want)
	}
	if got, want := Paragraphs(l, rows, 1, false, false), []string{"Lesson, this step: " + l.Notes[2]}; !slices.Equal(got, want) {
		t.Errorf("step 2: %q, want %q", got, want)
	}
	if got := Paragraphs(l, rows, 2, false, false); got == nil || len(got) != 0 {
		t.Errorf("step 3, which has no note: %q (nil %v), want empty", got, got == nil)
	}
	if got := Paragraphs(l, rows, len(rows), false, false); got == nil || len(got) != 0 {
		t.Errorf("past the last row: %q, want empty", got)
	}
	// A note on the first step's frame follows what to watch for.
	first := &model.Lesson{Title: "T", Notes: map[uint32]string{rows[0].Frame: "the SYN"}}
	if got, want := Paragraphs(first, rows, 0, false, false), []string{"Lesson: T", "Lesson, this step: the SYN"}; !slices.Equal(got, want) {
		t.Errorf("a note at the first step: %q, want %q", got, want)
	}
}

// The strip says what the stepper's screen shows under the ladder: the
// title and what to watch for, where the next note is, and that a step
// has none; a quiz's hidden rows are not looked into.
func TestStripText(t *testing.T) {
	l, rows := testsample.Lesson(), smtpRows(t)
	st := NewStyles(true)
	last := len(rows) - 1
	strip := func(row, last, w, h int) string { return ansi.Strip(Strip(st, l, rows, row, last, w, h, false, false)) }
	s := strip(0, last, 80, 8)
	for _, want := range []string{theme.LessonBar + " Lesson: " + l.Title, theme.LessonBar + " " + l.Watch, "Next note at step 2.", "L hides"} {
		if !strings.Contains(s, want) {
			t.Errorf("first step lacks %q:\n%s", want, s)
		}
	}
	if s := strip(1, last, 80, 8); !strings.Contains(s, theme.LessonBar+" The server answers the SYN") || !strings.Contains(s, "Next note at step 4.") {
		t.Errorf("step 2 lacks its note or the next one:\n%s", s)
	}
	if s := strip(2, last, 80, 8); !strings.Contains(s, "No note at this step; next note at step 4.") {
		t.Errorf("step 3 should point at the next note:\n%s", s)
	}
	if s := strip(2, 2, 80, 8); !strings.Contains(s, "No note at this step.") || strings.Contains(s, "step 4") {
		t.Errorf("a quiz that hides step 4 should not point at it:\n%s", s)
	}
	if s := strip(last, last, 80, 8); !strings.Contains(s, "No note at this step.") {
		t.Errorf("last step:\n%s", s)
	}
	// Too little room: the strip says where the rest is.
	if s := strip(1, last, 30, 3); !strings.HasSuffix(strings.Split(s, "\n")[2], "… more in the Explanation tab") {
		t.Errorf("a cut strip should say where the rest is:\n%s", s)
	}
	// Too narrow for the rule and the hint: the title alone.
	if s := strip(0, last, 20, 3); strings.Contains(s, "L hides") {
		t.Errorf("the hint at 20 columns:\n%s", s)
	}
	if Strip(st, nil, rows, 0, last, 80, 8, false, false) != "" || Strip(st, l, rows, 0, last, 0, 8, false, false) != "" || Strip(st, l, rows, 0, last, 80, 0, false, false) != "" {
		t.Error("no lesson, or no room, should draw nothing")
	}
}

// The lesson's words are drawn in its colour after its bar, the rest dim.
func TestStripStyles(t *testing.T) {
	l, rows := testsample.Lesson(), smtpRows(t)
	for _, dark := range []bool{true, false} {
		st := NewStyles(dark)
		lines := strings.Split(Strip(st, l, rows, 3, len(rows)-1, 80, 4, false, false), "\n")
		if want := st.Bar.Render(theme.LessonBar) + " " + st.Text.Render(l.Notes[4]); !strings.HasPrefix(lines[1], want) {
			t.Errorf("dark=%v: note line %q, want it to start %q", dark, lines[1], want)
		}
		if want := "  " + st.Dim.Render("No note at this step."); !strings.HasPrefix(strings.Split(Strip(st, l, rows, 2, 2, 80, 4, false, false), "\n")[1], want) {
			t.Errorf("dark=%v: the no-note line is not dim", dark)
		}
	}
}

// Every sample's lesson, at every step, fits the strip at every size.
func TestStripFits(t *testing.T) {
	type lessonOf struct {
		name string
		l    *model.Lesson
	}
	lessons := []lessonOf{{"smtp-figure10", testsample.Lesson()}}
	for _, smp := range samples.List() {
		if l, ok := samples.Lesson(smp.Name); ok {
			lessons = append(lessons, lessonOf{smp.Name, &l})
		}
	}
	if len(lessons) == 1 {
		t.Fatal("no sample has a lesson")
	}
	for _, c := range lessons {
		tl := testsample.Timeline(t, c.name)
		for _, conv := range tl.Conversations {
			rows := pane.BuildRows(tl, conv)
			for row := range rows {
				for _, w := range []int{1, 2, 5, 20, 40, 80, 200} {
					for _, h := range []int{1, 2, 3, 5, 9} {
						// Last the last row, and as a quiz hides the
						// ones after the step.
						for _, last := range []int{len(rows) - 1, row} {
							out := Strip(NewStyles(w%2 == 0), c.l, rows, row, last, w, h, false, false)
							panetest.CheckFits(t, fmt.Sprintf("%s row %d last %d", c.name, row, last), out, w, h)
						}
					}
				}
			}
		}
	}
}

func TestStripGolden(t *testing.T) {
	l, rows := testsample.Lesson(), smtpRows(t)
	st := NewStyles(true)
	for _, c := range []struct {
		name       string
		row, w, h  int
		quizHidden bool // a quiz hides the rows after row
	}{
		{"first-80x8", 0, 80, 8, false},
		{"first-40x5", 0, 40, 5, false},
		{"note-80x8", 1, 80, 8, false},
		{"no-note-80x8", 2, 80, 8, false},
		{"no-note-quiz-80x8", 2, 80, 8, true},
		{"greeting-60x4", 3, 60, 4, false},
		{"cut-30x3", 1, 30, 3, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			last := len(rows) - 1
			if c.quizHidden {
				last = c.row
			}
			golden.RequireEqual(t, ansi.Strip(Strip(st, l, rows, c.row, last, c.w, c.h, false, false)))
		})
	}
}

// Height is what the strip's text needs, up to the limit: the strip drawn
// that high ends on a line of text, and one line higher on a blank one
// (unless the limit stops it first).
func TestHeight(t *testing.T) {
	lessons := []*model.Lesson{testsample.Lesson()}
	if l, ok := samples.Lesson("smtp-figure10"); ok {
		lessons = append(lessons, &l)
	}
	rows := smtpRows(t)
	st := NewStyles(true)
	for _, l := range lessons {
		for row := range rows {
			for _, w := range []int{10, 40, 80, 120} {
				for _, limit := range []int{2, 3, 8, 9} {
					what := fmt.Sprintf("%q row %d at %d, limit %d", l.Title, row, w, limit)
					h := Height(l, rows, row, len(rows)-1, w, limit, false, false)
					if h < 2 || h > limit {
						t.Fatalf("%s: height %d", what, h)
					}
					lines := strings.Split(ansi.Strip(Strip(st, l, rows, row, len(rows)-1, w, h, false, false)), "\n")
					if strings.TrimSpace(lines[h-1]) == "" {
						t.Errorf("%s: the strip of %d lines ends blank:\n%s", what, h, strings.Join(lines, "\n"))
					}
					if h < limit {
						lines := strings.Split(ansi.Strip(Strip(st, l, rows, row, len(rows)-1, w, h+1, false, false)), "\n")
						if strings.TrimSpace(lines[h]) != "" {
							t.Errorf("%s: height %d, but the text needs line %d too:\n%s", what, h, h+1, strings.Join(lines, "\n"))
						}
					}
				}
			}
		}
	}
	if Height(nil, rows, 0, len(rows)-1, 80, 8, false, false) != 0 || Height(testsample.Lesson(), rows, 0, len(rows)-1, 0, 8, false, false) != 0 {
		t.Error("no lesson, or no room: no strip")
	}
}
