package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
)

// A lesson (the teaching text of an embedded sample) shows in two places:
// above the generated explanation, marked with a bar, where it is always
// complete; and, on a small screen where the explanation is a tab of its
// own, in a strip under the ladder, so that it is read while stepping. L
// turns both off and on.

// lessonPanelH is how many lines the lesson strip takes on a screen h high.
func lessonPanelH(h int) int { return min(max(h/3, 3), 9) }

// lessonNote is the lesson's note for the selected row's frame ("" none).
func (m *Model) lessonNote() string {
	l := m.opts.Lesson
	if !m.lessonOn || l == nil || m.cur >= len(m.rows) {
		return ""
	}
	return l.Notes[m.rows[m.cur].Frame]
}

// lessonParagraphs is the lesson's text for the selected step: its title
// and what to watch for at the first step, then the step's note.
func (m *Model) lessonParagraphs() []string {
	l := m.opts.Lesson
	if !m.lessonOn || l == nil || m.screen != screenStepper {
		return nil
	}
	var out []string
	if m.cur == 0 {
		out = append(out, "Lesson: "+l.Title)
		if l.Watch != "" {
			out = append(out, l.Watch)
		}
	}
	if n := m.lessonNote(); n != "" {
		out = append(out, "Lesson, this step: "+n)
	}
	return out
}

// nextNoteRow is the first row after the selected one with a lesson note,
// or -1; it looks a bounded way ahead, lessons being on small samples.
func (m *Model) nextNoteRow() int {
	l := m.opts.Lesson
	if l == nil {
		return -1
	}
	last, _ := m.quizLimit()
	for i := m.cur + 1; i <= min(last, m.cur+5000); i++ {
		if _, ok := l.Notes[m.rows[i].Frame]; ok {
			return i
		}
	}
	return -1
}

// renderLessonPanel draws the lesson strip in w×h: the lesson's title on
// the first line, then the step's note (at the first step, what to watch
// for), cut to the strip with the full text in the explanation tab.
func (m *Model) renderLessonPanel(w, h int) string {
	l := m.opts.Lesson
	if w <= 0 || h <= 0 || l == nil {
		return ""
	}
	st := &m.st.Lesson
	title := []pane.Span{
		{Text: glyphLessonBar + " Lesson: ", Style: &st.Title},
		{Text: model.Visible(l.Title) + " ", Style: &st.Title},
	}
	hint := " L hides "
	if fill := w - spansWidth(title) - ansi.StringWidth(hint); fill > 0 {
		title = append(title, pane.Span{Text: strings.Repeat(glyphLine, fill), Style: &st.Dim}, pane.Span{Text: hint, Style: &st.Dim})
	}
	lines := []string{pane.RenderSpans(title, w, nil)}
	// At the first step what to watch for comes first: it is the lesson's
	// introduction. Then the step's note.
	var texts []string
	if m.cur == 0 && l.Watch != "" {
		texts = append(texts, l.Watch)
	}
	if note := m.lessonNote(); note != "" {
		texts = append(texts, note)
	}
	bar := m.st.Explain.LessonBar.Render(glyphLessonBar) + " "
	var body []string
	for _, text := range texts {
		for _, t := range pane.Wrap(model.Visible(text), max(w-2, 1)) {
			body = append(body, bar+m.st.Explain.Lesson.Render(t))
		}
	}
	more := ""
	if next := m.nextNoteRow(); next >= 0 {
		more = fmt.Sprintf("next note at step %d", next+1)
	}
	room := h - 1
	switch {
	case len(body) == 0 && more != "":
		body = append(body, "  "+st.Dim.Render("No note at this step; "+more+"."))
	case len(body) == 0:
		body = append(body, "  "+st.Dim.Render("No note at this step."))
	case more != "" && len(body) < room:
		body = append(body, "  "+st.Dim.Render(strings.ToUpper(more[:1])+more[1:]+"."))
	}
	if len(body) > room && room > 0 {
		body = body[:room]
		const more = glyphEllipsis + " more in the Explanation tab"
		cut := ansi.Truncate(body[room-1], max(w-ansi.StringWidth(more), 0), "")
		body[room-1] = cut + st.Dim.Render(more)
	}
	lines = append(lines, body...)
	return strings.Join(pane.FitBlock(strings.Join(lines, "\n"), w, h), "\n")
}
