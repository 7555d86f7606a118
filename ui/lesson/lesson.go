// Package lesson draws the teaching text of a capture: an embedded
// sample's, or a lesson file's (package lesson at the top of the module
// reads those). A lesson shows in two places: above the generated explanation (ui/explain), marked
// with a bar, where it is always complete; and, on a small screen where the
// explanation is a tab of its own, in a strip under the stepping views, so
// that it is read while stepping. Paragraphs is the text of one step, for
// the explanation; Strip draws the strip, its Markdown styled
// (markdown.go). A step may hold a question: both show it when the step is
// reached, and its answer once asked for (the stepper's a key). Whether
// either shows (L turns them off and on) is the stepper's to decide.
package lesson

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
	"github.com/tcpstep/tcpstep/ui/theme"
)

// PanelHeight is the most lines the strip takes on a screen h high; it
// takes fewer when its text needs fewer (Height).
func PanelHeight(h int) int { return min(max(h/3, 3), 9) }

// Height is how many lines the strip of step row needs at width w, at
// most limit: the title line, the text wrapped, and the line saying where
// the next note is when there is room for it, so that the view above it
// gets every line the text leaves. The strip drawn this high has no blank
// line at its end.
func Height(l *model.Lesson, rows []pane.Row, row, last, w, limit int, absolute, answer bool) int {
	if l == nil || w <= 0 || limit <= 0 {
		return 0
	}
	n := len(body(&Styles{}, l, rows, row, last, w, limit-1, absolute, answer))
	return min(1+n, limit)
}

// note is l's note for the frame of rows[row] ("" none), its numbers in
// the numbering on screen.
func note(l *model.Lesson, rows []pane.Row, row int, absolute bool) string {
	if l == nil || row < 0 || row >= len(rows) {
		return ""
	}
	return l.Note(rows[row].Frame, absolute)
}

// question is l's question at the frame of rows[row].
func question(l *model.Lesson, rows []pane.Row, row int, absolute bool) (model.LessonQuestion, bool) {
	if l == nil || row < 0 || row >= len(rows) {
		return model.LessonQuestion{}, false
	}
	return l.QuestionAt(rows[row].Frame, absolute)
}

// HasQuestion reports whether l asks a question at step row of rows.
func HasQuestion(l *model.Lesson, rows []pane.Row, row int) bool {
	_, ok := question(l, rows, row, false)
	return ok
}

// AnswerHint is what the strip and the explanation say of an answer not
// yet shown.
const AnswerHint = "press a to show it"

// Paragraphs is l's text for step row of rows: its title and what to
// watch for at the first step, then the step's note, then its question
// and, if answer is set, the answer. Its Markdown is made plain text
// (Plain). It is nil without a lesson and empty, not nil, at a step the
// lesson says nothing of, so that the explanation can tell a lesson
// turned off from one with nothing to say here.
func Paragraphs(l *model.Lesson, rows []pane.Row, row int, absolute, answer bool) []string {
	if l == nil {
		return nil
	}
	out := []string{}
	if row == 0 {
		out = append(out, "Lesson: "+model.Visible(l.Title))
		if w := l.WatchText(absolute); w != "" {
			out = append(out, Plain(w)...)
		}
	}
	if n := note(l, rows, row, absolute); n != "" {
		ps := Plain(n)
		if len(ps) > 0 {
			ps[0] = "Lesson, this step: " + ps[0]
		}
		out = append(out, ps...)
	}
	if q, ok := question(l, rows, row, absolute); ok {
		out = append(out, "Question: "+strings.Join(Plain(q.Ask), " "))
		switch {
		case !answer:
			out = append(out, "Answer: ("+AnswerHint+")")
		case q.Answer == "":
			out = append(out, "Answer: the lesson gives none.")
		default:
			out = append(out, "Answer: "+strings.Join(Plain(q.Answer), " "))
		}
	}
	return out
}

// nextNote is the first row after row, up to last, with a note of l, or
// -1; it looks a bounded way ahead, lessons being on small samples.
func nextNote(l *model.Lesson, rows []pane.Row, row, last int) int {
	if l == nil {
		return -1
	}
	for i := row + 1; i <= min(last, row+5000); i++ {
		if _, ok := l.Notes[rows[i].Frame]; ok {
			return i
		}
	}
	return -1
}

// Strip draws l's strip in w×h at step row of rows, last being the last
// row the stepper may show (a quiz hides the ones after it): the lesson's
// title on the first line, then the step's note (at the first step, what
// to watch for), cut to the strip with the full text in the explanation
// tab.
func Strip(st Styles, l *model.Lesson, rows []pane.Row, row, last, w, h int, absolute, answer bool) string {
	if w <= 0 || h <= 0 || l == nil {
		return ""
	}
	title := []pane.Span{
		{Text: theme.LessonBar + " Lesson: ", Style: &st.Title},
		{Text: model.Visible(l.Title) + " ", Style: &st.Title},
	}
	hint := " L hides "
	fill := w - ansi.StringWidth(hint)
	for _, s := range title {
		fill -= ansi.StringWidth(s.Text)
	}
	if fill > 0 {
		title = append(title, pane.Span{Text: strings.Repeat(theme.Line, fill), Style: &st.Dim}, pane.Span{Text: hint, Style: &st.Dim})
	}
	lines := []string{pane.RenderSpans(title, w, nil)}
	lines = append(lines, body(&st, l, rows, row, last, w, h-1, absolute, answer)...)
	return strings.Join(pane.FitBlock(strings.Join(lines, "\n"), w, h), "\n")
}

// body is the strip's lines under its title, at most room of them: the
// step's text (at the first step, what to watch for first) wrapped to w,
// its question and answer (or how to see it), then where the next note is
// if there is room for it; a text too long is cut, its last line saying
// where the rest is, the question kept.
func body(st *Styles, l *model.Lesson, rows []pane.Row, row, last, w, room int, absolute, answer bool) []string {
	// At the first step what to watch for comes first: it is the lesson's
	// introduction. Then the step's note.
	var texts []string
	if w := l.WatchText(absolute); row == 0 && w != "" {
		texts = append(texts, w)
	}
	if n := note(l, rows, row, absolute); n != "" {
		texts = append(texts, n)
	}
	bar := st.Bar.Render(theme.LessonBar) + " "
	tw := max(w-2, 1)
	draw := func(spans [][]pane.Span) []string {
		out := make([]string, len(spans))
		for i, s := range spans {
			out[i] = bar + pane.RenderSpans(s, tw, nil)
		}
		return out
	}
	var body []string
	for _, text := range texts {
		body = append(body, draw(mdLines(st, text, tw))...)
	}
	var qa []string
	if q, ok := question(l, rows, row, absolute); ok {
		qa = append(qa, draw(labelled(st, "Question:", q.Ask, tw))...)
		switch {
		case !answer:
			qa = append(qa, draw([][]pane.Span{{{Text: "Answer: ", Style: &st.Ask}, {Text: AnswerHint, Style: &st.Hint}}})...)
		case q.Answer == "":
			qa = append(qa, draw([][]pane.Span{{{Text: "Answer: ", Style: &st.Ask}, {Text: "the lesson gives none", Style: &st.Hint}}})...)
		default:
			qa = append(qa, draw(labelled(st, "Answer:", q.Answer, tw))...)
		}
	}
	more := ""
	if next := nextNote(l, rows, row, last); next >= 0 {
		more = fmt.Sprintf("next note at step %d", next+1)
	}
	switch {
	case len(body) == 0 && len(qa) > 0:
	case len(body) == 0 && more != "":
		body = append(body, "  "+st.Dim.Render("No note at this step; "+more+"."))
	case len(body) == 0:
		body = append(body, "  "+st.Dim.Render("No note at this step."))
	}
	// The question and its answer are kept whole when the note must be
	// cut: they are what the step asks.
	const cut = theme.Ellipsis + " more in the Explanation tab"
	if len(body)+len(qa) > room && room > 0 {
		keep := max(room-len(qa), min(1, len(body)))
		if keep < len(body) {
			body = body[:keep]
			if keep > 0 {
				body[keep-1] = ansi.Truncate(body[keep-1], max(w-ansi.StringWidth(cut), 0), "") + st.Dim.Render(cut)
			}
		}
	}
	body = append(body, qa...)
	if more != "" && len(body) < room && (len(texts) > 0 || len(qa) > 0) {
		body = append(body, "  "+st.Dim.Render(strings.ToUpper(more[:1])+more[1:]+"."))
	}
	if len(body) > room && room > 0 {
		body = body[:room]
		body[room-1] = ansi.Truncate(body[room-1], max(w-ansi.StringWidth(cut), 0), "") + st.Dim.Render(cut)
	}
	return body
}

// labelled is a question's or answer's Markdown after its label, wrapped
// to w.
func labelled(st *Styles, label, src string, w int) [][]pane.Span {
	lines := mdLines(st, label+" "+src, w)
	if len(lines) > 0 && len(lines[0]) > 0 {
		// The label is the first word of the first line.
		first := lines[0][0]
		if rest, ok := strings.CutPrefix(first.Text, label); ok {
			lines[0] = append([]pane.Span{{Text: label, Style: &st.Ask}, {Text: rest, Style: first.Style}}, lines[0][1:]...)
		}
	}
	return lines
}
