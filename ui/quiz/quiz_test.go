package quiz

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/tcpstep/tcpstep/internal/testsample"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
	"github.com/tcpstep/tcpstep/ui/pane/panetest"
)

// stepper drives a quiz as the root does: it holds the selection and the
// context, selects the row the quiz reveals, and asks the next question
// when a row without one is revealed. The root's own tests (ui/quiz_test.go)
// drive the quiz through the whole stepper, keys and screen.
type stepper struct {
	q   *Quiz
	ctx pane.Context
}

// newStepper opens the paper's SMTP session at its first row, quiz off.
func newStepper(t *testing.T) *stepper {
	t.Helper()
	tl := testsample.Timeline(t, "smtp-figure10")
	c := tl.Conversations[0]
	return &stepper{q: New(true), ctx: pane.Context{TL: tl, Conv: c, Rows: pane.BuildRows(tl, c)}}
}

func (s *stepper) start(t *testing.T, seed uint64) {
	t.Helper()
	if !s.q.Start(s.ctx, seed) {
		t.Fatal("the quiz does not start")
	}
	s.q.Ask(s.ctx)
}

// next is →: on at the last revealed row, else one row down.
func (s *stepper) next() {
	if s.ctx.Row < s.q.Revealed() {
		s.ctx.Row++
		return
	}
	if r, _ := s.q.Forward(s.ctx); r >= 0 {
		s.ctx.Row = r
		s.q.Ask(s.ctx)
	}
}

// toQuestion steps on until a question is asked.
func (s *stepper) toQuestion(t *testing.T) model.Question {
	t.Helper()
	for i := 0; !s.q.Asking(); i++ {
		if i > len(s.ctx.Rows) {
			t.Fatalf("no question in %d steps", i)
		}
		s.next()
	}
	qu, ok := s.q.Question(s.ctx.Absolute)
	if !ok {
		t.Fatalf("row %d is asked without a question", s.q.AskedRow())
	}
	return qu
}

// answer types text and checks it, selecting the row revealed.
func (s *stepper) answer(text string) bool {
	for _, r := range text {
		s.q.Type(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	row, revealed := s.q.Check(s.ctx)
	if revealed {
		s.ctx.Row = row
	}
	return revealed
}

// clear deletes what was typed.
func (s *stepper) clear() {
	for range s.q.Typed() {
		s.q.Type(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
}

// wrongAnswer is a readable answer to qu that is not the right one.
func wrongAnswer(qu model.Question) string {
	switch {
	case qu.Answer == model.AnswerNumber:
		return fmt.Sprint(qu.Number + 7)
	case qu.Answer == model.AnswerState && qu.State == model.TimeWait:
		return "LISTEN"
	case qu.Answer == model.AnswerState:
		return "TIME_WAIT"
	case qu.Yes:
		return "no"
	}
	return "yes"
}

func (s *stepper) panel(w, h int) string { return ansi.Strip(s.q.Panel(s.ctx, w, h)) }

// panelSays reports whether the panel drawn w×h holds text, wrapped or
// not.
func (s *stepper) panelSays(text string, w, h int) bool {
	return strings.Contains(strings.Join(strings.Fields(s.panel(w, h)), " "), strings.Join(strings.Fields(text), " "))
}

func TestQuizHidesWhatComesNext(t *testing.T) {
	s := newStepper(t)
	if last, mask := s.q.Limit(s.ctx.Rows, false); last != len(s.ctx.Rows)-1 || mask != nil || s.q.On() {
		t.Fatalf("off: limit %d mask %v on %v", last, mask, s.q.On())
	}
	s.ctx.Row = 2
	s.start(t, 3)
	if !s.q.On() || s.q.Revealed() != 2 {
		t.Fatalf("started at row 2: on %v revealed %d", s.q.On(), s.q.Revealed())
	}
	qu := s.toQuestion(t)
	ask := s.q.AskedRow()
	if ask != s.q.Revealed()+1 || s.ctx.Row != s.q.Revealed() {
		t.Fatalf("asking row %d with row %d selected, %d revealed", ask, s.ctx.Row, s.q.Revealed())
	}
	// The asked row is shown masked: the last row shown, with the fields
	// the question shows.
	last, mask := s.q.Limit(s.ctx.Rows, false)
	if last != ask || mask == nil || *mask != (pane.Mask{Row: ask, Shows: qu.Shows}) {
		t.Errorf("limit %d mask %v, want %d and the question's fields %v", last, mask, ask, qu.Shows)
	}
	if p := s.panel(80, 8); !strings.Contains(p, qu.Prompt[:20]) || !strings.Contains(p, "answer "+"▸") {
		t.Errorf("the question is not in the panel:\n%s", p)
	}
	// Leaving reveals everything; nothing waits.
	s.q.Stop()
	if last, mask := s.q.Limit(s.ctx.Rows, false); s.q.On() || s.q.Asking() || last != len(s.ctx.Rows)-1 || mask != nil {
		t.Errorf("after Stop: on %v asking %v limit %d mask %v", s.q.On(), s.q.Asking(), last, mask)
	}
}

func TestQuizChecksAndScores(t *testing.T) {
	s := newStepper(t)
	s.start(t, 3)
	qu := s.toQuestion(t)
	ask := s.q.AskedRow()

	// Nothing typed, or something unreadable: asked again, unscored.
	if s.answer("") || !s.q.Asking() || s.q.Score().Asked != 0 {
		t.Fatalf("an empty answer was taken: asking %v score %s", s.q.Asking(), s.q.Score())
	}
	if want := "Type " + qu.Answer.Hint() + ", then enter; ? shows the answer."; !s.panelSays(want, 200, 8) {
		t.Errorf("panel lacks %q:\n%s", want, s.panel(200, 8))
	}
	if s.answer("banana") || !s.q.Asking() || s.q.Score().Asked != 0 {
		t.Fatalf("an unreadable answer was taken: asking %v score %s", s.q.Asking(), s.q.Score())
	}
	if want := qu.Feedback(qu.Check("banana")); !s.panelSays(want, 200, 8) {
		t.Errorf("panel lacks %q:\n%s", want, s.panel(200, 8))
	}
	s.clear()

	// The right answer reveals the row, selected, with the verdict.
	if !s.answer(qu.Correct) || s.ctx.Row != ask || s.q.Revealed() != ask || s.q.Asking() {
		t.Fatalf("after the right answer: row %d revealed %d asking %v, want row %d", s.ctx.Row, s.q.Revealed(), s.q.Asking(), ask)
	}
	if s.q.Score() != (model.Score{Right: 1, Asked: 1}) {
		t.Errorf("score %s, want 1/1", s.q.Score())
	}
	if p := s.panel(200, 8); !strings.Contains(p, MarkRight+" Right!") || !strings.Contains(p, "score 1/1") || !strings.Contains(p, "seed 3") {
		t.Errorf("no verdict:\n%s", p)
	}
	// → takes the feedback away.
	s.next()
	if p := s.panel(200, 8); strings.Contains(p, "Right!") {
		t.Errorf("the feedback stayed after →:\n%s", p)
	}

	// A wrong answer is scored and says the right one; ? gives up.
	qu = s.toQuestion(t)
	if !s.answer(wrongAnswer(qu)) || s.q.Score() != (model.Score{Right: 1, Asked: 2}) {
		t.Fatalf("after a wrong answer: score %s", s.q.Score())
	}
	if p := s.panel(200, 8); !strings.Contains(p, MarkWrong+" Not quite: the answer is "+qu.Correct) {
		t.Errorf("no right answer after a wrong one:\n%s", p)
	}
	s.toQuestion(t)
	if !s.answer("?") || s.q.Score() != (model.Score{Right: 1, Asked: 3}) {
		t.Errorf("? should count as a miss: %s", s.q.Score())
	}
}

// The score outlives the quiz: left and started again, on this
// conversation or another, the quiz goes on counting.
func TestQuizScoreOutlivesTheQuiz(t *testing.T) {
	s := newStepper(t)
	s.start(t, 3)
	s.answer(s.toQuestion(t).Correct)
	s.q.Stop()
	s.ctx.Row = 0
	s.start(t, 3)
	if s.q.Score() != (model.Score{Right: 1, Asked: 1}) || s.q.Revealed() != 0 {
		t.Errorf("started again: score %s revealed %d", s.q.Score(), s.q.Revealed())
	}
	if New(true).Start(pane.Context{}, 3) {
		t.Error("a quiz started without a conversation")
	}
}

// Answered right throughout, the quiz reaches the end and says so.
func TestQuizToTheEnd(t *testing.T) {
	for _, abs := range []bool{false, true} {
		s := newStepper(t)
		s.ctx.Absolute = abs
		s.start(t, 11)
		asked := 0
		for steps := 0; s.q.Revealed() < len(s.ctx.Rows)-1; steps++ {
			if steps > 3*len(s.ctx.Rows) {
				t.Fatal("the quiz does not reach the end")
			}
			if !s.q.Asking() {
				s.next()
				continue
			}
			qu, _ := s.q.Question(abs)
			if !s.answer(qu.Correct) {
				t.Fatalf("abs=%v: %q not taken for %q", abs, qu.Correct, qu.Prompt)
			}
			asked++
		}
		if asked == 0 || s.q.Score() != (model.Score{Right: asked, Asked: asked}) {
			t.Errorf("abs=%v: score %s after %d questions", abs, s.q.Score(), asked)
		}
		want := fmt.Sprintf("End of the conversation: %d/%d right.", asked, asked)
		if p := s.panel(200, 8); !strings.Contains(p, want) {
			t.Errorf("abs=%v: panel lacks %q:\n%s", abs, want, p)
		}
	}
}

// The answer keeps what was typed, and its focus, when the terminal's
// background is learnt.
func TestQuizSetDarkKeepsTheAnswer(t *testing.T) {
	s := newStepper(t)
	s.start(t, 3)
	s.toQuestion(t)
	s.q.Type(tea.KeyPressMsg{Code: '1', Text: "1"})
	s.q.SetDark(false)
	s.q.Type(tea.KeyPressMsg{Code: '2', Text: "2"})
	if s.q.Typed() != "12" || !s.q.Asking() {
		t.Errorf("after SetDark: typed %q asking %v", s.q.Typed(), s.q.Asking())
	}
}

func TestPanelHeight(t *testing.T) {
	for _, c := range []struct {
		h    int
		wide bool
		want int
	}{{10, false, 5}, {24, false, 8}, {50, false, 10}, {40, true, 7}, {50, true, 7}, {20, true, 5}} {
		if got := PanelHeight(c.h, c.wide); got != c.want {
			t.Errorf("PanelHeight(%d, %v) = %d, want %d", c.h, c.wide, got, c.want)
		}
	}
}

// panels are the quiz panel's states: a question, the hint after an
// unreadable answer, the feedback on a wrong and a right answer, the end.
func panels(t *testing.T) map[string]*stepper {
	t.Helper()
	at := func(answers ...string) *stepper {
		s := newStepper(t)
		s.start(t, 3)
		for _, a := range answers {
			qu := s.toQuestion(t)
			switch a {
			case "right":
				a = qu.Correct
			case "wrong":
				a = wrongAnswer(qu)
			}
			s.answer(a)
		}
		return s
	}
	question := at()
	question.toQuestion(t)
	end := at()
	for end.q.Revealed() < len(end.ctx.Rows)-1 {
		if end.q.Asking() {
			end.answer(wrongAnswer(end.toQuestion(t)))
			continue
		}
		end.next()
	}
	return map[string]*stepper{
		"question":   question,
		"unreadable": at("banana"),
		"wrong":      at("wrong"),
		"right":      at("wrong", "right"),
		"end":        end,
	}
}

func TestPanelFits(t *testing.T) {
	for name, s := range panels(t) {
		for w := 0; w <= 120; w++ {
			for h := 0; h <= 12; h++ {
				panetest.CheckFits(t, name, s.q.Panel(s.ctx, w, h), w, h)
			}
		}
	}
}

func TestPanelGolden(t *testing.T) {
	for name, s := range panels(t) {
		for _, sz := range [][2]int{{80, 8}, {200, 7}, {40, 5}} {
			t.Run(fmt.Sprintf("%s-%dx%d", name, sz[0], sz[1]), func(t *testing.T) {
				golden.RequireEqual(t, s.panel(sz[0], sz[1]))
			})
		}
	}
}
