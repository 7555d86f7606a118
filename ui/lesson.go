package ui

import "github.com/tcpstep/tcpstep/ui/lesson"

// A lesson (the teaching text of an embedded sample) shows above the
// generated explanation and, on a small screen, in a strip under the
// stepping views (package ui/lesson draws both). The root decides when:
// L turns both off and on.

// lessonParagraphs is the lesson's text for the selected step, nil when
// no lesson is shown.
func (m *Model) lessonParagraphs() []string {
	if !m.lessonOn || m.opts.Lesson == nil || m.screen != screenStepper {
		return nil
	}
	return lesson.Paragraphs(m.opts.Lesson, m.rows, m.cur, m.absolute)
}

// renderLessonPanel draws the lesson strip in w×h.
func (m *Model) renderLessonPanel(w, h int) string {
	last, _ := m.quizLimit()
	return lesson.Strip(m.st.Lesson, m.opts.Lesson, m.rows, m.cur, last, w, h, m.absolute)
}
