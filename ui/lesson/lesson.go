// Package lesson draws the teaching text of an embedded sample. A lesson
// shows in two places: above the generated explanation (ui/explain), marked
// with a bar, where it is always complete; and, on a small screen where the
// explanation is a tab of its own, in a strip under the stepping views, so
// that it is read while stepping. Paragraphs is the text of one step, for
// the explanation; Strip draws the strip. Whether either shows (L turns
// them off and on) is the stepper's to decide.
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
func Height(l *model.Lesson, rows []pane.Row, row, last, w, limit int, absolute bool) int {
	if l == nil || w <= 0 || limit <= 0 {
		return 0
	}
	n := len(body(&Styles{}, l, rows, row, last, w, limit-1, absolute))
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

// Paragraphs is l's text for step row of rows: its title and what to
// watch for at the first step, then the step's note. It is nil without a
// lesson and empty, not nil, at a step the lesson says nothing of, so that
// the explanation can tell a lesson turned off from one with nothing to say
// here.
func Paragraphs(l *model.Lesson, rows []pane.Row, row int, absolute bool) []string {
	if l == nil {
		return nil
	}
	out := []string{}
	if row == 0 {
		out = append(out, "Lesson: "+l.Title)
		if w := l.WatchText(absolute); w != "" {
			out = append(out, w)
		}
	}
	if n := note(l, rows, row, absolute); n != "" {
		out = append(out, "Lesson, this step: "+n)
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
func Strip(st Styles, l *model.Lesson, rows []pane.Row, row, last, w, h int, absolute bool) string {
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
	lines = append(lines, body(&st, l, rows, row, last, w, h-1, absolute)...)
	return strings.Join(pane.FitBlock(strings.Join(lines, "\n"), w, h), "\n")
}

// body is the strip's lines under its title, at most room of them: the
// step's text (at the first step, what to watch for first) wrapped to w,
// then where the next note is if there is room for it; a text too long
// is cut, its last line saying where the rest is.
func body(st *Styles, l *model.Lesson, rows []pane.Row, row, last, w, room int, absolute bool) []string {
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
	var body []string
	for _, text := range texts {
		for _, t := range pane.Wrap(model.Visible(text), max(w-2, 1)) {
			body = append(body, bar+st.Text.Render(t))
		}
	}
	more := ""
	if next := nextNote(l, rows, row, last); next >= 0 {
		more = fmt.Sprintf("next note at step %d", next+1)
	}
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
		const more = theme.Ellipsis + " more in the Explanation tab"
		cut := ansi.Truncate(body[room-1], max(w-ansi.StringWidth(more), 0), "")
		body[room-1] = cut + st.Dim.Render(more)
	}
	return body
}
