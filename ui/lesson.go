package ui

import "github.com/tcpstep/tcpstep/ui/lesson"

// A lesson (the teaching text of an embedded sample, or a lesson file's)
// shows above the generated explanation and, on a small screen, in a strip
// under the stepping views (package ui/lesson draws both). The root
// decides when: L turns both off and on. A step's question shows with it;
// a shows its answer (answerShown), until the step changes.

// answerShown reports whether the answer of the selected step's question
// is shown.
func (m *Model) answerShown() bool {
	return m.answered && m.answeredRow == m.cur
}

// lessonQuestion reports whether the lesson, shown, asks a question at
// the selected step.
func (m *Model) lessonQuestion() bool {
	return m.lessonOn && m.screen == screenStepper && lesson.HasQuestion(m.opts.Lesson, m.rows, m.cur)
}

// showAnswer is the a key: the answer of the step's question, shown or
// hidden again.
func (m *Model) showAnswer() {
	switch {
	case m.opts.Lesson == nil || !m.lessonOn:
		m.err = "a shows the answer to a lesson's question: this capture has no lesson shown (L)"
	case !lesson.HasQuestion(m.opts.Lesson, m.rows, m.cur):
		m.err = "the lesson asks no question at this step"
	default:
		m.answered = !m.answerShown()
		m.answeredRow = m.cur
	}
}

// lessonParagraphs is the lesson's text for the selected step, nil when
// no lesson is shown.
func (m *Model) lessonParagraphs() []string {
	if !m.lessonOn || m.opts.Lesson == nil || m.screen != screenStepper {
		return nil
	}
	return lesson.Paragraphs(m.opts.Lesson, m.rows, m.cur, m.absolute, m.answerShown())
}

// renderLessonPanel draws the lesson strip in w×h.
func (m *Model) renderLessonPanel(w, h int) string {
	last, _ := m.quizLimit()
	return lesson.Strip(m.st.Lesson, m.opts.Lesson, m.rows, m.cur, last, w, h, m.absolute, m.answerShown())
}
