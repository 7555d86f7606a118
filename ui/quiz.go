package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/tcpstep/tcpstep/ui/pane"
)

// Quiz mode (ui/quiz) hides the steps after the last one revealed and asks
// questions before some of them. The quiz holds its state and draws its
// panel; the root routes the keys to it, moves the selection where it says
// and keeps the masked row in view.

// startQuiz turns quiz mode on from the selected row: it and the rows
// before it stay revealed, the rest are hidden.
func (m *Model) startQuiz() {
	if !m.quiz.Start(m.paneCtx(), m.opts.Seed) {
		return
	}
	m.relayout()
	m.quizAsk()
}

// quizAsk asks the question of the row after the last revealed one, if
// the quiz has one for it.
func (m *Model) quizAsk() {
	if m.quiz.Ask(m.paneCtx()) {
		m.afterMove() // bring the masked row into view
	}
}

// stopQuiz reveals every row and leaves quiz mode; the score stays, and
// is said in the footer.
func (m *Model) stopQuiz() {
	if !m.quiz.On() {
		return
	}
	m.quiz.Stop()
	if s := m.quiz.Score(); s.Asked > 0 {
		m.err = "quiz score " + s.String()
	}
	m.relayout()
	m.afterMove()
}

// quizForward is → in quiz mode at the last revealed row: it asks the next
// row's question if the quiz has one, or reveals the row.
func (m *Model) quizForward() {
	switch r, asked := m.quiz.Forward(m.paneCtx()); {
	case asked:
		m.afterMove() // bring the masked row into view
	case r >= 0:
		// A step without a question is revealed, and the next one's
		// question, if it has one, asked at once: one key per step
		// either way.
		m.setCur(r)
		m.quizAsk()
	}
}

// quizKey handles a key while a question waits for its answer: enter
// checks, esc leaves the quiz, tab moves between panes, the arrows up and
// down scroll the focused pane, ctrl+c quits, and everything else edits
// the answer: q and ? are letters of it.
func (m *Model) quizKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.QuitAlways):
		return tea.Quit
	case key.Matches(msg, k.QuizCheck):
		if row, revealed := m.quiz.Check(m.paneCtx()); revealed {
			m.setCur(row)
		}
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
	return m.quiz.Type(msg)
}

// quizLimit is the last row the views may show (len(rows)-1 outside quiz
// mode), and the masked row, if any.
func (m *Model) quizLimit() (last int, mask *pane.Mask) {
	return m.quiz.Limit(m.rows, m.absolute)
}
