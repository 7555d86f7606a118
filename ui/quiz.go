package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/tcpstep/tcpstep/model"
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
// down scroll the focused pane, and everything else edits the answer.
func (m *Model) quizKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case msg.String() == "ctrl+c":
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

// quizMask is how the ladder draws the asked row: the fields the question
// lets the learner see, the others as "?".
type quizMask struct {
	row   int
	shows model.Shown
}

// quizLimit is the last row the views may show (len(rows)-1 outside quiz
// mode), and the masked row, if any.
func (m *Model) quizLimit() (last int, mask *pane.Mask) {
	return m.quiz.Limit(m.rows, m.absolute)
}

// maskedSpans draws the row a question is about: its direction, and of its
// flags, numbers, states and events only those the question shows; the
// rest are "?". Its payload is never previewed.
func maskedSpans(st *Styles, v ladderView, g ladderGeom, i int, s *model.Segment, prevC, prevS model.State, first bool) []pane.Span {
	shows := v.mask.shows
	hid := &st.Quiz.Hidden
	spans := []pane.Span{{Text: glyphHidden, Style: hid}, {Text: fmt.Sprintf("%*d ", g.numW, i+1), Style: &st.Ladder.Number}}
	if g.timeW > 0 {
		spans = append(spans, pane.Span{Text: fmt.Sprintf("%*s ", g.timeW, fmtTime(rowTime(v.tl, v.rows[i]))), Style: &st.Ladder.Time})
	}
	state := func(x model.State, changed, right bool) pane.Span {
		if shows.Has(model.ShowStates) {
			return pane.Span{Text: stateCell(x, g, first || changed, right, false), Style: &st.Ladder.State}
		}
		if g.stateW == 0 {
			return pane.Span{Text: "", Style: nil}
		}
		pad := strings.Repeat(" ", g.stateW-1)
		if right {
			return pane.Span{Text: " " + glyphHidden + pad, Style: hid}
		}
		return pane.Span{Text: pad + glyphHidden + " ", Style: hid}
	}
	spans = append(spans, state(s.Client(), s.Client() != prevC, false), pane.Span{Text: glyphLane, Style: &st.Ladder.Lane})

	num := func(name string, x uint32, shown bool) []pane.Span {
		if shown {
			return []pane.Span{{Text: fmt.Sprintf(" %s %d", name, x), Style: &st.Ladder.ACK}}
		}
		return []pane.Span{{Text: " " + name + " ", Style: &st.Ladder.ACK}, {Text: glyphHidden, Style: hid}}
	}
	var label []pane.Span
	if shows.Has(model.ShowFlags) {
		label = append(label, pane.Span{Text: s.Flags.String(), Style: &st.Ladder.ACK})
	} else {
		label = append(label, pane.Span{Text: glyphHidden, Style: hid})
	}
	seq, ack := s.RelSeq, s.RelAck
	if v.absolute {
		seq, ack = s.Seq, s.Ack
	}
	label = append(label, num("seq", seq, shows.Has(model.ShowSeq))...)
	if s.Flags.Has(model.ACK) || !shows.Has(model.ShowFlags) {
		label = append(label, num("ack", ack, shows.Has(model.ShowAck))...)
	}
	label = append(label, num("len", s.Len, shows.Has(model.ShowLen))...)
	if shows.Has(model.ShowEvents) {
		for _, e := range shortEvents {
			if s.Events.Has(e.e) {
				label = append(label, pane.Span{Text: " [" + e.name + "]", Style: &st.Ladder.Event})
			}
		}
	} else {
		label = append(label, pane.Span{Text: " [", Style: &st.Ladder.Lane}, pane.Span{Text: glyphHidden, Style: hid}, pane.Span{Text: "]", Style: &st.Ladder.Lane})
	}
	var body []pane.Span
	if s.Dir == model.C2S {
		body = append(body, pane.Span{Text: glyphLine + " ", Style: &st.Ladder.Lane})
		body = append(body, label...)
		body = fillArrow(body, g.arrowW, glyphArrowRight, &st.Ladder.Lane)
	} else {
		body = append(body, pane.Span{Text: glyphArrowLeft + glyphLine + " ", Style: &st.Ladder.Lane})
		body = append(body, label...)
		body = fillArrow(body, g.arrowW, glyphLine, &st.Ladder.Lane)
	}
	spans = append(spans, body...)
	spans = append(spans, pane.Span{Text: glyphLane, Style: &st.Ladder.Lane}, state(s.Server(), s.Server() != prevS, true))
	return spans
}
