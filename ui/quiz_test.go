package ui

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/quiz"
)

// Quiz mode tests, driven by messages as a person drives the program:
// answers typed key by key and checked with enter. The right answers are
// read from the decoder's timeline, not from the quiz.

// asked returns the question waiting for an answer.
func asked(t *testing.T, m *Model) model.Question {
	t.Helper()
	if !m.quiz.Asking() {
		t.Fatalf("no question is asked:\n%s", screenOf(m))
	}
	q, ok := m.quiz.Question(m.absolute)
	if !ok {
		t.Fatalf("row %d has no question", m.quiz.AskedRow())
	}
	return q
}

// decoderAnswer is the right answer to q from the timeline's values.
func decoderAnswer(m *Model, q model.Question) string {
	s := &m.tl.Segments[q.Seg]
	num := func(abs, rel uint32) string {
		if m.absolute {
			return strconv.FormatUint(uint64(abs), 10)
		}
		return strconv.FormatUint(uint64(rel), 10)
	}
	switch q.Kind {
	case model.QuizAck:
		return num(s.Ack, s.RelAck)
	case model.QuizSeq:
		return num(s.Seq, s.RelSeq)
	case model.QuizLen:
		return strconv.FormatUint(uint64(s.Len), 10)
	case model.QuizState:
		if q.Side == model.S2C {
			return s.Server().String()
		}
		return s.Client().String()
	}
	if s.Events.Has(q.Event) {
		return "yes"
	}
	return "no"
}

// wrongAnswer is an answer of the right kind that the decoder's values
// say is wrong.
func wrongAnswer(m *Model, q model.Question) string {
	right := decoderAnswer(m, q)
	switch q.Answer {
	case model.AnswerNumber:
		n, _ := strconv.ParseUint(right, 10, 32)
		return strconv.FormatUint(uint64(uint32(n)+7), 10)
	case model.AnswerState:
		if right == "TIME_WAIT" {
			return "LISTEN"
		}
		return "TIME_WAIT"
	}
	if right == "yes" {
		return "no"
	}
	return "yes"
}

// ladderRowNumbers are the row numbers the ladder draws on screen.
var ladderRowRe = regexp.MustCompile(`^[ ▸?] *(\d+) `)

func ladderRowNumbers(m *Model) []int {
	var out []int
	r := m.lay.Inner[paneLadder]
	lines := strings.Split(screenOf(m), "\n")
	for y := r.Y + 1; y < r.Y+r.H && y < len(lines); y++ {
		line := []rune(lines[y])
		if r.X < len(line) {
			line = line[r.X:]
		}
		if mt := ladderRowRe.FindStringSubmatch(string(line)); mt != nil {
			n, _ := strconv.Atoi(mt[1])
			out = append(out, n)
		}
	}
	return out
}

// maskedLine is the ladder's line of the masked row.
func maskedLine(t *testing.T, m *Model, row int) string {
	t.Helper()
	re := regexp.MustCompile(`^\? *` + strconv.Itoa(row+1) + ` `)
	r := m.lay.Inner[paneLadder]
	for _, l := range strings.Split(screenOf(m), "\n") {
		if rl := []rune(l); r.X < len(rl) && re.MatchString(string(rl[r.X:])) {
			return string(rl[r.X:])
		}
	}
	t.Fatalf("no masked row %d:\n%s", row+1, screenOf(m))
	return ""
}

func quizModel(t *testing.T, src Source, opts Options, w, h int) *Model {
	t.Helper()
	opts.Quiz = true
	return loadedModel(t, src, opts, w, h)
}

// toQuestion steps on until a question is asked.
func toQuestion(t *testing.T, m *Model) *Model {
	t.Helper()
	for i := 0; !m.quiz.Asking(); i++ {
		if i > len(m.rows) {
			t.Fatalf("no question in %d steps", i)
		}
		m = press(t, m, "right")
	}
	return m
}

func TestQuizMasksWhatComesNext(t *testing.T) {
	m := toQuestion(t, quizModel(t, sample(t, "smtp-figure10"), Options{Stream: -1, Seed: 3}, 80, 24))
	ask := m.quiz.AskedRow()
	if m.cur != ask-1 || m.quiz.Revealed() != ask-1 {
		t.Fatalf("asking row %d with cur %d revealed %d", ask, m.cur, m.quiz.Revealed())
	}
	rows := ladderRowNumbers(m)
	if len(rows) == 0 || rows[len(rows)-1] != ask+1 {
		t.Fatalf("ladder shows rows %v, want up to the asked row %d:\n%s", rows, ask+1, screenOf(m))
	}
	// The asked row hides what the question asks (and its states, unless
	// the question is about events).
	q := asked(t, m)
	s := screenOf(m)
	if !strings.Contains(s, q.Prompt[:20]) {
		t.Errorf("question not on screen:\n%s", s)
	}
	line := maskedLine(t, m, ask)
	ans := decoderAnswer(m, q)
	hidden := map[model.QuestionKind]string{model.QuizAck: "ack " + ans, model.QuizSeq: "seq " + ans, model.QuizLen: "len " + ans}[q.Kind]
	if hidden != "" && strings.Contains(line+" ", hidden+" ") {
		t.Errorf("the masked row shows %q: %s", hidden, line)
	}
	if q.Kind != model.QuizEvent {
		for _, st := range []string{"SYN_", "ESTAB", "LISTEN", "CLOSE", "FIN_", "TIME", "LAST"} {
			if strings.Contains(line, st) {
				t.Errorf("the masked row shows a state: %s", line)
			}
		}
	}
	// Nothing selects a hidden row: G, the mouse, the wheel.
	m2 := update(t, m, tea.KeyPressMsg{Code: tea.KeyEnd})
	if m2.cur > ask {
		t.Errorf("end went to row %d past the question at %d", m2.cur, ask)
	}
	in := m.lay.Inner[paneLadder]
	m2 = update(t, m, tea.MouseClickMsg{X: in.X + 3, Y: in.Y + 1 + ask + 2, Button: tea.MouseLeft})
	if m2.cur > ask-1 {
		t.Errorf("a click selected hidden row %d", m2.cur)
	}
	m2 = update(t, m, tea.MouseWheelMsg{X: in.X + 3, Y: in.Y + 2, Button: tea.MouseWheelDown})
	if rows := ladderRowNumbers(m2); len(rows) > 0 && rows[len(rows)-1] > ask+1 {
		t.Errorf("the wheel showed hidden rows %v", rows)
	}
	// The other panes show the last revealed step, not the asked one.
	if title := m.paneTitle(paneLayers); !strings.Contains(title, "frame "+strconv.Itoa(int(m.rows[ask-1].Frame))) {
		t.Errorf("layers pane shows %q while row %d is asked", title, ask+1)
	}
	// Leaving the quiz shows every row again.
	m2 = press(t, m, "esc")
	if m2.quiz.On() || len(ladderRowNumbers(m2)) <= len(rows) {
		t.Errorf("after esc: quiz %v, rows %v", m2.quiz.On(), ladderRowNumbers(m2))
	}
}

func TestQuizRightAnswer(t *testing.T) {
	for _, abs := range []bool{false, true} {
		m := toQuestion(t, quizModel(t, sample(t, "smtp-figure10"), Options{Stream: -1, Seed: 3, Absolute: abs}, 80, 24))
		ask := m.quiz.AskedRow()
		q := asked(t, m)
		m = typeText(t, m, decoderAnswer(m, q))
		m = press(t, m, "enter")
		if m.quiz.Asking() || m.quiz.Score() != (model.Score{Right: 1, Asked: 1}) {
			t.Fatalf("abs=%v: after the right answer asking=%v score %s", abs, m.quiz.Asking(), m.quiz.Score())
		}
		if m.cur != ask || m.quiz.Revealed() != ask {
			t.Errorf("abs=%v: the asked row %d is not revealed and selected (cur %d)", abs, ask, m.cur)
		}
		s := screenOf(m)
		for _, want := range []string{"quiz 1/1", quiz.MarkRight + " Right!", "score 1/1"} {
			if !strings.Contains(s, want) {
				t.Errorf("abs=%v: screen lacks %q:\n%s", abs, want, s)
			}
		}
	}
}

func TestQuizWrongAnswer(t *testing.T) {
	m := toQuestion(t, quizModel(t, sample(t, "smtp-figure10"), Options{Stream: -1, Seed: 3}, 80, 24))
	ask := m.quiz.AskedRow()
	q := asked(t, m)
	right := decoderAnswer(m, q)
	m = typeText(t, m, wrongAnswer(m, q))
	m = press(t, m, "enter")
	if m.quiz.Asking() || m.quiz.Score() != (model.Score{Right: 0, Asked: 1}) || m.cur != ask {
		t.Fatalf("after a wrong answer asking=%v score %s cur %d", m.quiz.Asking(), m.quiz.Score(), m.cur)
	}
	s := screenOf(m)
	for _, want := range []string{"quiz 0/1", quiz.MarkWrong + " Not quite: the answer is " + right} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}
	// Two more: one given up with ?, one unreadable then right.
	m = toQuestion(t, m)
	m = press(t, typeText(t, m, "?"), "enter")
	if m.quiz.Score() != (model.Score{Right: 0, Asked: 2}) {
		t.Errorf("? should count as a miss: %s", m.quiz.Score())
	}
	m = toQuestion(t, m)
	q = asked(t, m)
	m = press(t, typeText(t, m, "banana"), "enter")
	if !m.quiz.Asking() || m.quiz.Score().Asked != 2 || !strings.Contains(screenOf(m), "banana") {
		t.Errorf("an unreadable answer should be asked again, unscored: asking=%v %s\n%s", m.quiz.Asking(), m.quiz.Score(), screenOf(m))
	}
	for range len("banana") {
		m = press(t, m, "backspace")
	}
	m = press(t, typeText(t, m, decoderAnswer(m, q)), "enter")
	if m.quiz.Score() != (model.Score{Right: 1, Asked: 3}) {
		t.Errorf("score %s, want 1/3", m.quiz.Score())
	}
}

// Typed letters go to the answer, not to the stepper's keys: q does not
// quit, r does not switch the numbering, Q does not leave the quiz.
func TestQuizTypingIsNotCommands(t *testing.T) {
	m := toQuestion(t, quizModel(t, sample(t, "smtp-figure10"), Options{Stream: -1, Seed: 3}, 80, 24))
	nm, cmd := m.Update(keyMsg("q"))
	if cmd != nil {
		if _, quit := cmd().(tea.QuitMsg); quit {
			t.Fatal("q quit while typing an answer")
		}
	}
	m = nm.(*Model)
	m = press(t, m, "r", "Q", "?")
	if !m.quiz.Asking() || m.absolute || m.quiz.Typed() != "qrQ?" {
		t.Errorf("asking=%v absolute=%v input %q", m.quiz.Asking(), m.absolute, m.quiz.Typed())
	}
}

// Q turns the quiz on from wherever the stepper is: what was seen stays,
// the rest is hidden; Q again reveals everything and keeps the place.
func TestQuizToggleInTheStepper(t *testing.T) {
	m := loadedModel(t, sample(t, "smtp-figure10"), Options{Stream: -1, Seed: 5}, 80, 24)
	m = press(t, m, "right", "right", "right", "Q")
	if !m.quiz.On() || m.quiz.Revealed() != 3 {
		t.Fatalf("Q at row 3: on=%v revealed %d", m.quiz.On(), m.quiz.Revealed())
	}
	last, _ := m.quizLimit()
	if rows := ladderRowNumbers(m); rows[len(rows)-1] != last+1 {
		t.Errorf("rows %v shown, limit %d", rows, last)
	}
	if m.quiz.Asking() {
		m = press(t, m, "esc")
	} else {
		m = press(t, m, "Q")
	}
	if m.quiz.On() || m.cur != 3 {
		t.Errorf("after leaving: on=%v cur %d", m.quiz.On(), m.cur)
	}
	if !strings.Contains(screenOf(m), "step 4/") {
		t.Errorf("place lost:\n%s", screenOf(m))
	}
}

// A whole conversation of a real capture, answered from the decoder's
// values: every answer is right and the quiz reaches the end; answered
// wrongly, every feedback names the decoder's value.
func TestQuizWholeRealCapture(t *testing.T) {
	path := filepath.Join("..", "..", "shared", "captures", "zeek_retransmit-fast009.pcap")
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip("no shared captures")
	}
	for _, abs := range []bool{false, true} {
		for _, right := range []bool{true, false} {
			in, err := decode.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			m := quizModel(t, in, Options{Stream: 0, Seed: 11, Absolute: abs}, 100, 30)
			asked := 0
			for steps := 0; m.quiz.Revealed() < len(m.rows)-1; steps++ {
				if steps > 3*len(m.rows) {
					t.Fatal("quiz does not reach the end")
				}
				if !m.quiz.Asking() {
					m = press(t, m, "right")
					continue
				}
				q, _ := m.quiz.Question(m.absolute)
				want := decoderAnswer(m, q)
				ans := want
				if !right {
					ans = wrongAnswer(m, q)
				}
				m = press(t, typeText(t, m, ans), "enter")
				asked++
				if !right && !strings.Contains(screenOf(m), "the answer is "+want) {
					t.Errorf("abs=%v: feedback lacks %s:\n%s", abs, want, screenOf(m))
				}
			}
			want := model.Score{Asked: asked}
			if right {
				want.Right = asked
			}
			if asked == 0 || m.quiz.Score() != want {
				t.Errorf("abs=%v right=%v: score %s after %d questions", abs, right, m.quiz.Score(), asked)
			}
			if !strings.Contains(screenOf(m), "End of the conversation") {
				t.Errorf("no end message:\n%s", screenOf(m))
			}
			in.Close()
		}
	}
}
