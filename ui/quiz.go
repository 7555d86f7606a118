package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
)

// Quiz mode hides the steps after the last one revealed. Stepping on
// reveals one row at a time, but a step the quiz asks about is shown
// masked, with a question in the panel under the body: the answer is typed,
// enter checks it, and the row is revealed with the verdict and why. The
// selection never goes past what is revealed, so the other panes (states,
// layers, explanation) only ever show steps already seen.

// quizState is the quiz of the conversation being stepped through. It is a
// value inside Model, so Bubble Tea's copies of the model do not share it.
type quizState struct {
	on bool
	qz *model.Quiz
	// revealed is the last row shown in full; rows after it are hidden.
	revealed int
	// askRow is the row whose question is being asked (shown masked), -1
	// when none is; askSeg is its segment.
	askRow, askSeg int
	input          textinput.Model
	// retry is why the last answer could not be read ("" when it could).
	retry string
	// lastSeg is the segment of the last question answered (-1 none), and
	// last its verdict: the feedback is rebuilt from them in the numbering
	// on screen.
	lastSeg int
	last    model.Verdict
	score   model.Score
}

// quizPanelH is how many lines the quiz panel wants on a w×h screen: a
// third of a small one, where the text wraps often, less of a wide one.
func quizPanelH(w, h int) int {
	if w >= splitMinW {
		return min(max(h/5, 5), 7)
	}
	return min(max(h/3, 5), 10)
}

func newQuizInput(st *Styles) textinput.Model {
	in := textinput.New()
	in.Prompt = "answer " + glyphCursor + " "
	in.CharLimit = 40
	s := textinput.DefaultStyles(st.IsDark)
	// A steady cursor: a blinking one would redraw the screen for nothing
	// and make screens differ from one moment to the next.
	s.Cursor.Blink = false
	s.Focused.Prompt = st.Quiz.Prompt
	s.Blurred.Prompt = st.Quiz.Prompt
	in.SetStyles(s)
	return in
}

// startQuiz turns quiz mode on from the selected row: it and the rows
// before it stay revealed, the rest are hidden.
func (m *Model) startQuiz() {
	if m.conv == nil || len(m.rows) == 0 {
		return
	}
	q := &m.quiz
	q.on = true
	q.qz = model.NewQuiz(m.tl, m.conv, m.opts.Seed)
	q.revealed = m.cur
	q.askRow, q.askSeg, q.lastSeg, q.retry = -1, -1, -1, ""
	q.input = newQuizInput(m.st)
	m.relayout()
	m.quizAsk()
}

// quizAsk asks the question of the row after the last revealed one, if
// the quiz has one for it.
func (m *Model) quizAsk() bool {
	q := &m.quiz
	r := q.revealed + 1
	if r >= len(m.rows) || m.rows[r].Seg < 0 {
		return false
	}
	seg := int(m.rows[r].Seg)
	if _, ok := q.qz.Ask(seg, m.absolute); !ok {
		return false
	}
	q.askRow, q.askSeg, q.retry = r, seg, ""
	q.input.Reset()
	q.input.Focus()
	m.afterMove() // bring the masked row into view
	return true
}

// stopQuiz reveals every row and leaves quiz mode; the score stays.
func (m *Model) stopQuiz() {
	q := &m.quiz
	if !q.on {
		return
	}
	q.on = false
	q.askRow, q.askSeg = -1, -1
	q.input.Blur()
	if q.score.Asked > 0 {
		m.err = "quiz score " + q.score.String()
	}
	m.relayout()
	m.afterMove()
}

// quizAsking says a question waits for its answer: keys go to the input.
func (m *Model) quizAsking() bool { return m.quiz.on && m.quiz.askRow >= 0 }

// quizForward is → in quiz mode at the last revealed row: it asks the next
// row's question if the quiz has one, or reveals the row.
func (m *Model) quizForward() {
	q := &m.quiz
	r := q.revealed + 1
	if r >= len(m.rows) || m.quizAsk() {
		return
	}
	// A step without a question is revealed, and the next one's question,
	// if it has one, asked at once: one key per step either way.
	q.revealed = r
	m.setCur(r)
	m.quizAsk()
}

// quizKey handles a key while a question waits for its answer: enter
// checks, esc leaves the quiz, tab moves between panes, the arrows up and
// down scroll the focused pane, and everything else edits the answer.
func (m *Model) quizKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	q := &m.quiz
	switch {
	case msg.String() == "ctrl+c":
		return tea.Quit
	case key.Matches(msg, k.QuizCheck):
		m.quizCheck()
		return nil
	case key.Matches(msg, k.QuizLeave):
		m.stopQuiz()
		return nil
	case key.Matches(msg, k.NextPane):
		m.cyclePane(1)
		return nil
	case key.Matches(msg, k.PrevPane):
		m.cyclePane(-1)
		return nil
	case key.Matches(msg, k.Up, k.Down, k.PageUp, k.PageDown) && msg.Text == "":
		m.paneKey(msg)
		return nil
	}
	var cmd tea.Cmd
	q.input, cmd = q.input.Update(msg)
	return cmd
}

// quizCheck checks the typed answer. One that cannot be read is not
// scored and may be typed again; "?" gives up and shows the answer.
func (m *Model) quizCheck() {
	q := &m.quiz
	qu, ok := q.qz.Ask(q.askSeg, m.absolute)
	if !ok {
		q.askRow, q.askSeg = -1, -1
		return
	}
	ans := strings.TrimSpace(q.input.Value())
	var v model.Verdict
	switch ans {
	case "":
		q.retry = "Type " + qu.Answer.Hint() + ", then enter; ? shows the answer."
		return
	case "?":
		v = model.Verdict{Valid: true}
	default:
		v = qu.Check(ans)
	}
	if !v.Valid {
		q.retry = qu.Feedback(v)
		return
	}
	q.score.Add(v)
	q.last, q.lastSeg, q.retry = v, q.askSeg, ""
	row := q.askRow
	q.askRow, q.askSeg = -1, -1
	q.input.Blur()
	q.revealed = row
	m.setCur(row)
}

// quizMask is how the ladder draws the asked row: the fields the question
// lets the learner see, the others as "?".
type quizMask struct {
	row   int
	shows model.Shown
}

// quizLimit is the last row the ladder may draw (len(rows)-1 outside quiz
// mode), and the masked row, if any.
func (m *Model) quizLimit() (last int, mask *quizMask) {
	if !m.quiz.on {
		return len(m.rows) - 1, nil
	}
	if m.quizAsking() {
		if qu, ok := m.quiz.qz.Ask(m.quiz.askSeg, m.absolute); ok {
			return m.quiz.askRow, &quizMask{row: m.quiz.askRow, shows: qu.Shows}
		}
	}
	return m.quiz.revealed, nil
}

// renderQuizPanel draws the quiz panel in w×h: a title line with the
// score, then the question and the answer line, or the feedback on the last
// answer and what to press next.
func (m *Model) renderQuizPanel(w, h int) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	st := &m.st.Quiz
	q := &m.quiz
	title := []pane.Span{
		{Text: glyphLine + " Quiz ", Style: &st.Title},
		{Text: "score " + q.score.String(), Style: &st.Score},
		{Text: fmt.Sprintf("  seed %d ", q.qz.Seed()), Style: &st.Dim},
	}
	fill := max(w-spansWidth(title), 0)
	title = append(title, pane.Span{Text: strings.Repeat(glyphLine, fill), Style: &st.Dim})
	lines := []string{pane.RenderSpans(title, w, nil)}
	wrap := func(text string, style *lipgloss.Style) {
		for _, l := range pane.Wrap(model.Visible(text), max(w-2, 1)) {
			lines = append(lines, " "+style.Render(l))
		}
	}
	var tail []string // lines kept at the bottom whatever the text's length
	switch {
	case m.quizAsking():
		qu, _ := q.qz.Ask(q.askSeg, m.absolute)
		wrap(qu.Prompt, &st.Prompt)
		in := q.input
		in.SetWidth(max(w-ansi.StringWidth(in.Prompt)-3, 1))
		tail = append(tail, " "+in.View())
		hint := "enter checks · ? shows the answer · esc leaves the quiz"
		if q.retry != "" {
			hint = q.retry
		}
		for _, l := range pane.Wrap(model.Visible(hint), max(w-2, 1)) {
			tail = append(tail, " "+st.Dim.Render(l))
		}
	case q.lastSeg >= 0 && q.lastSeg < len(m.tl.Segments):
		qu, ok := q.qz.Ask(q.lastSeg, m.absolute)
		if ok {
			mark, style := glyphWrong+" ", &st.Wrong
			if q.last.Right {
				mark, style = glyphRight+" ", &st.Right
			}
			text := qu.Feedback(q.last)
			first := pane.Wrap(model.Visible(text), max(w-4, 1))
			for i, l := range first {
				lead := "   "
				if i == 0 {
					lead = " " + mark
				}
				lines = append(lines, lead+style.Render(l))
			}
		}
		tail = append(tail, " "+st.Dim.Render(m.quizNextHint()))
	default:
		tail = append(tail, " "+st.Dim.Render(m.quizNextHint()))
	}
	// The answer line and the hint follow the text and stay on screen: a
	// text too long for the panel gives way, cut with an ellipsis.
	room := max(h-len(tail), 1)
	if len(lines) > room {
		lines = lines[:room]
		lines[room-1] = pane.Fit(lines[room-1], max(w-1, 0)) + glyphEllipsis
	}
	lines = append(lines, tail...)
	return strings.Join(pane.FitBlock(strings.Join(lines, "\n"), w, h), "\n")
}

// quizNextHint says what → does next.
func (m *Model) quizNextHint() string {
	if m.quiz.revealed >= len(m.rows)-1 {
		return fmt.Sprintf("End of the conversation: %s right. Q leaves the quiz, g goes back to the start.", m.quiz.score)
	}
	return "→ next step (a question comes before some steps) · Q leaves the quiz"
}
