package ui

import (
	"sort"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/internal/testsample"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/samples"
	"github.com/tcpstep/tcpstep/ui/lesson"
)

// words returns the first n words of s, to find wrapped text on a screen.
func firstWords(s string, n int) string {
	f := strings.Fields(s)
	return strings.Join(f[:min(n, len(f))], " ")
}

// On a small screen the lesson shows in a strip under the ladder: the
// title and what to watch for at the first step, then each step's note;
// in the explanation tab it sits above the explanation, marked by a bar.
func TestLessonSmallScreen(t *testing.T) {
	l := testsample.Lesson()
	m := loadedModel(t, sample(t, "smtp-figure10"), Options{Stream: -1, Lesson: l}, 80, 24)
	s := screenOf(m)
	for _, want := range []string{"Lesson: " + l.Title, firstWords(l.Watch, 5), "Next note at step 2."} {
		if !strings.Contains(s, want) {
			t.Errorf("first step lacks %q:\n%s", want, s)
		}
	}
	m = press(t, m, "right")
	if s := screenOf(m); !strings.Contains(s, firstWords(l.Notes[2], 6)) {
		t.Errorf("step 2 lacks its note:\n%s", s)
	}
	m = press(t, m, "right")
	if s := screenOf(m); !strings.Contains(s, "No note at this step; next note at step 4.") {
		t.Errorf("step 3 should point at the next note:\n%s", s)
	}
	// The explanation tab: the note above the generated text, barred, and
	// no strip (the tab shows the lesson itself).
	m = press(t, m, "right", "tab", "tab", "tab")
	s = screenOf(m)
	lines := strings.Split(s, "\n")
	if m.focus != paneExplain || !strings.HasPrefix(lines[2], glyphLessonBar+" Lesson, this step: The greeting") {
		t.Errorf("explanation tab does not open with the barred note:\n%s", s)
	}
	if strings.Contains(s, "L hides") {
		t.Errorf("the strip shows under the explanation tab:\n%s", s)
	}
	if !strings.Contains(s, "Frame 4") {
		t.Errorf("the generated explanation is gone:\n%s", s)
	}
	// L turns the lesson off and on again.
	m = press(t, m, "L")
	if s := screenOf(m); strings.Contains(s, "Lesson") || strings.Contains(s, glyphLessonBar) {
		t.Errorf("L did not hide the lesson:\n%s", s)
	}
	m = press(t, m, "L", "1")
	if s := screenOf(m); !strings.Contains(s, firstWords(l.Notes[4], 5)) || !strings.Contains(s, "L hides") {
		t.Errorf("L did not bring the lesson back:\n%s", s)
	}
}

// On a large screen the lesson is in the explanation pane, which is always
// on screen: no strip.
func TestLessonLargeScreen(t *testing.T) {
	l := testsample.Lesson()
	m := loadedModel(t, sample(t, "smtp-figure10"), Options{Stream: -1, Lesson: l}, 200, 50)
	if m.lay.Panel.H != 0 {
		t.Errorf("a strip of %d lines on a large screen", m.lay.Panel.H)
	}
	s := screenOf(m)
	for _, want := range []string{glyphLessonBar + " Lesson: " + l.Title, glyphLessonBar + " " + firstWords(l.Watch, 4)} {
		if !strings.Contains(s, want) {
			t.Errorf("explanation pane lacks %q:\n%s", want, s)
		}
	}
}

func TestLessonKeyWithoutLesson(t *testing.T) {
	m := press(t, loadedModel(t, sample(t, "smtp-figure10"), Options{Stream: -1}, 80, 24), "L")
	if s := screenOf(m); !strings.Contains(s, "no lesson") {
		t.Errorf("L without a lesson should say so:\n%s", s)
	}
}

// Every note of every sample's lesson shows, at its frame's step, in the
// explanation pane; each note's frame is a row of the sample.
func TestSampleLessonsShowTheirNotes(t *testing.T) {
	n := 0
	for _, smp := range samples.List() {
		l, ok := samples.Lesson(smp.Name)
		if !ok {
			continue
		}
		n++
		m := loadedModel(t, sample(t, smp.Name), Options{Stream: -1, Lesson: &l}, 200, 50)
		if m.screen != screenStepper {
			// Several conversations: open each from the picker in turn.
			m = press(t, m, "enter")
		}
		frames := make([]int, 0, len(l.Notes))
		for f := range l.Notes {
			frames = append(frames, int(f))
		}
		sort.Ints(frames)
		for _, f := range frames {
			row := -1
			for i, r := range m.rows {
				if int(r.Frame) == f {
					row = i
				}
			}
			if row < 0 {
				continue // a frame of another conversation
			}
			m.setCur(row)
			text := strings.ReplaceAll(strings.Join(m.explainLines(m.lay.Inner[paneExplain].W), " "), glyphLessonBar, "")
			if !strings.Contains(strings.Join(strings.Fields(text), " "), firstWords(model.Visible(l.Note(uint32(f), m.absolute)), 6)) {
				t.Errorf("%s frame %d: note not in the explanation pane:\n%s", smp.Name, f, text)
			}
		}
	}
	if n == 0 {
		t.Fatal("no sample has a lesson")
	}
}

// The lesson's strip takes the lines its text needs, up to its maximum,
// and leaves the rest to the view above it: at 80×24 on the paper's
// session with its lesson, no step's strip ends in blank lines, and the
// layers tab shows more fields than under a strip of the maximum height.
func TestLessonStripTakesWhatItNeeds(t *testing.T) {
	l, ok := samples.Lesson("smtp-figure10")
	if !ok {
		t.Fatal("smtp-figure10 has no lesson")
	}
	const w, h = 80, 24
	m := loadedModel(t, sample(t, "smtp-figure10"), Options{Stream: -1, Lesson: &l}, w, h)
	most := lesson.PanelHeight(h)
	shorter := 0
	for step := range m.rows {
		checkScreen(t, m, w, h)
		p := m.lay.Panel
		if p.H == 0 || p.H > most {
			t.Fatalf("step %d: a strip of %d lines (at most %d)", step+1, p.H, most)
		}
		lines := strings.Split(screenOf(m), "\n")
		for i, line := range lines[p.Y : p.Y+p.H] {
			if strings.TrimSpace(line) == "" {
				t.Errorf("step %d: line %d of the strip is blank:\n%s", step+1, i, strings.Join(lines[p.Y:p.Y+p.H], "\n"))
			}
		}
		if p.H < most {
			shorter++
		}
		m = press(t, m, "right")
	}
	if shorter < 3 {
		t.Errorf("the strip is shorter than its maximum at %d steps only", shorter)
	}
	// The layers tab at step 3, whose note takes five lines of the eight:
	// its fields (the lines "Name: value") against those the body under a
	// strip of eight lines would show.
	m = press(t, m, "g", "right", "right", "3")
	if m.focus != paneLayers || m.lay.Panel.H >= most {
		t.Fatalf("layers tab at step 3: focus %v, strip of %d lines", m.focus, m.lay.Panel.H)
	}
	fields := func(s string) int {
		n := 0
		for _, line := range strings.Split(s, "\n") {
			if strings.HasPrefix(line, "┄") {
				break // the hex dump
			}
			if strings.Contains(line, ": ") {
				n++
			}
		}
		return n
	}
	b := m.lay.Body
	now := fields(ansi.Strip(strings.Join(m.renderBody(), "\n")))
	before := fields(ansi.Strip(m.renderPane(paneLayers, b.W, b.H+m.lay.Panel.H-most)))
	if now <= before {
		t.Errorf("the layers tab shows %d fields, %d under a strip of %d lines", now, before, most)
	}
}

// TestLessonNotesFollowNumbering: a note quotes its numbers in the
// numbering on screen, so r changes them in the strip and the explanation
// as it does on the ladder.
func TestLessonNotesFollowNumbering(t *testing.T) {
	l, ok := samples.Lesson("smtp-figure10")
	if !ok || !l.Absolute {
		t.Fatal("the default sample's lesson speaks in absolute numbers")
	}
	abs, rel := l.Note(3, true), l.Note(3, false)
	if abs == rel || !strings.Contains(abs, "2234678800") || strings.Contains(rel, "2234678800") {
		t.Fatalf("frame 3's note is the same in both numberings:\n%s\n%s", abs, rel)
	}
	m := loadedModel(t, sample(t, "smtp-figure10"), Options{Stream: -1, Lesson: &l, Absolute: true}, 80, 24)
	m = press(t, m, "right", "right")
	flat := func() string {
		return strings.Join(strings.Fields(strings.ReplaceAll(screenOf(m), glyphLessonBar, "")), " ")
	}
	if s := flat(); !strings.Contains(s, firstWords(abs, 6)) {
		t.Errorf("absolute: the strip lacks %q:\n%s", firstWords(abs, 6), screenOf(m))
	}
	m = press(t, m, "r")
	if s := flat(); !strings.Contains(s, firstWords(rel, 6)) || strings.Contains(s, "2234678800") {
		t.Errorf("relative: the strip lacks %q or still quotes the absolute ACK:\n%s", firstWords(rel, 6), screenOf(m))
	}
}

// A lesson's question shows when its step is reached, the footer offers
// a, and a shows the answer until the step changes.
func TestLessonQuestionAnswer(t *testing.T) {
	l, ok := samples.Lesson("smtp-figure10")
	if !ok {
		t.Fatal("no lesson")
	}
	q, ok := l.QuestionAt(6, true)
	if !ok {
		t.Fatal("the Figure 10 lesson asks nothing at frame 6")
	}
	m := loadedModel(t, sample(t, "smtp-figure10"), Options{Stream: -1, Lesson: &l, Absolute: true}, 120, 40)
	if s := screenOf(m); strings.Contains(s, "a lesson's answer") {
		t.Errorf("the footer offers an answer at a step without a question:\n%s", s)
	}
	m = press(t, m, "a")
	if !strings.Contains(m.err, "no question at this step") {
		t.Errorf("a at a step without a question: %q", m.err)
	}
	m = press(t, m, "right", "right", "right", "right", "right")
	s := screenOf(m)
	for _, want := range []string{"Question: " + q.Ask, "Answer: " + lesson.AnswerHint, "a lesson's answer"} {
		if !strings.Contains(s, want) {
			t.Errorf("step 6 lacks %q:\n%s", want, s)
		}
	}
	answer := firstWords(q.Answer, 6)
	if strings.Contains(s, answer) {
		t.Errorf("the answer shows before a:\n%s", s)
	}
	m = press(t, m, "a")
	if s := screenOf(m); !strings.Contains(s, "Answer: "+answer) {
		t.Errorf("a does not show the answer %q:\n%s", answer, s)
	}
	// The next step hides it again, and so does a second a.
	m = press(t, m, "right", "left")
	if s := screenOf(m); strings.Contains(s, answer) {
		t.Errorf("the answer outlives its step:\n%s", s)
	}
	m = press(t, m, "a", "a")
	if s := screenOf(m); strings.Contains(s, answer) {
		t.Errorf("a second a does not hide the answer:\n%s", s)
	}
}
