// Package quiz is the stepper's quiz mode: the steps after the last one
// revealed are hidden. Stepping on reveals one row at a time, but a step
// the quiz asks about is shown masked, with a question in the panel under
// the body: the answer is typed, enter checks it, and the row is revealed
// with the verdict and why. The selection never goes past what is
// revealed, so the other views (states, layers, explanation) only ever
// show steps already seen.
//
// The package holds the quiz's state and draws its panel; the root routes
// the keys (it knows the key map and the views), moves the selection where
// the quiz says and tells the views what they may show through
// pane.Context's Last, Quiz and Mask, which Limit gives.
package quiz

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
	"github.com/tcpstep/tcpstep/ui/theme"
)

// The marks in front of the feedback on an answer.
const (
	MarkRight = "✓"
	MarkWrong = "✗"
)

// Quiz is the quiz of the conversation being stepped through, on or off.
// Its score outlives the quiz: turned on again, or on another
// conversation, the quiz goes on counting.
type Quiz struct {
	st     Styles
	isDark bool
	on     bool
	qz     *model.Quiz
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

// New returns a quiz that is off, styled for a dark or a light background.
func New(isDark bool) *Quiz {
	return &Quiz{st: NewStyles(isDark), isDark: isDark, askRow: -1, askSeg: -1, lastSeg: -1}
}

// SetDark restyles the quiz for the terminal's background. The answer
// keeps what was typed; only its colours change.
func (q *Quiz) SetDark(isDark bool) {
	q.st, q.isDark = NewStyles(isDark), isDark
	if q.on {
		v, focused := q.input.Value(), q.input.Focused()
		q.input = q.newInput()
		q.input.SetValue(v)
		if focused {
			q.input.Focus()
		}
	}
}

func (q *Quiz) newInput() textinput.Model {
	in := textinput.New()
	in.Prompt = "answer " + theme.Cursor + " "
	in.CharLimit = 40
	s := textinput.DefaultStyles(q.isDark)
	// A steady cursor: a blinking one would redraw the screen for nothing
	// and make screens differ from one moment to the next.
	s.Cursor.Blink = false
	s.Focused.Prompt = q.st.Prompt
	s.Blurred.Prompt = q.st.Prompt
	in.SetStyles(s)
	return in
}

// PanelHeight is how many lines the quiz panel wants on a screen h lines
// high: a third of a small one, where the text wraps often, less of one
// wide enough for the views side by side.
func PanelHeight(h int, wide bool) int {
	if wide {
		return min(max(h/5, 5), 7)
	}
	return min(max(h/3, 5), 10)
}

// On says quiz mode is on.
func (q *Quiz) On() bool { return q.on }

// Score is the answers counted so far, in this quiz and the ones before.
func (q *Quiz) Score() model.Score { return q.score }

// Revealed is the last row shown in full: the selection goes no further.
func (q *Quiz) Revealed() int { return q.revealed }

// Asking says a question waits for its answer: the keys go to the answer.
func (q *Quiz) Asking() bool { return q.on && q.askRow >= 0 }

// AskedRow is the row whose question waits for its answer, or -1.
func (q *Quiz) AskedRow() int {
	if !q.Asking() {
		return -1
	}
	return q.askRow
}

// Question is the question waiting for its answer, in the numbering
// asked for; false when none waits.
func (q *Quiz) Question(absolute bool) (model.Question, bool) {
	if !q.Asking() {
		return model.Question{}, false
	}
	return q.qz.Ask(q.askSeg, absolute)
}

// Typed is the answer typed so far.
func (q *Quiz) Typed() string { return q.input.Value() }

// Start turns quiz mode on from the selected row with the given seed: it
// and the rows before it stay revealed, the rest are hidden. It does
// nothing, and says so, without a conversation to quiz on.
func (q *Quiz) Start(ctx pane.Context, seed uint64) bool {
	if ctx.Conv == nil || len(ctx.Rows) == 0 {
		return false
	}
	q.on = true
	q.qz = model.NewQuiz(ctx.TL, ctx.Conv, seed)
	q.revealed = ctx.Row
	q.askRow, q.askSeg, q.lastSeg, q.retry = -1, -1, -1, ""
	q.input = q.newInput()
	return true
}

// Stop reveals every row and leaves quiz mode; the score stays.
func (q *Quiz) Stop() {
	if !q.on {
		return
	}
	q.on = false
	q.askRow, q.askSeg = -1, -1
	q.input.Blur()
}

// Ask asks the question of the row after the last revealed one, if the
// quiz has one for it, and says whether it did.
func (q *Quiz) Ask(ctx pane.Context) bool {
	r := q.revealed + 1
	if r >= len(ctx.Rows) || ctx.Rows[r].Seg < 0 {
		return false
	}
	seg := int(ctx.Rows[r].Seg)
	if _, ok := q.qz.Ask(seg, ctx.Absolute); !ok {
		return false
	}
	q.askRow, q.askSeg, q.retry = r, seg, ""
	q.input.Reset()
	q.input.Focus()
	return true
}

// Forward is → at the last revealed row, with no question waiting: the
// feedback on the last answer goes, and the next row's question is asked
// if the quiz has one (asked), or else that row is revealed (revealed is
// its index, -1 when none is). After a row is revealed the next one's
// question, if it has one, is asked at once by Ask: one key per step
// either way.
func (q *Quiz) Forward(ctx pane.Context) (revealed int, asked bool) {
	q.lastSeg = -1
	r := q.revealed + 1
	if r >= len(ctx.Rows) {
		return -1, false
	}
	if q.Ask(ctx) {
		return -1, true
	}
	q.revealed = r
	return r, false
}

// Type hands a key to the answer being typed.
func (q *Quiz) Type(msg tea.KeyPressMsg) tea.Cmd {
	var cmd tea.Cmd
	q.input, cmd = q.input.Update(msg)
	return cmd
}

// Check checks the typed answer. One that cannot be read is not scored
// and may be typed again; "?" gives up and shows the answer. A readable
// answer is scored and its row revealed: revealed says so, and row is the
// row to select.
func (q *Quiz) Check(ctx pane.Context) (row int, revealed bool) {
	qu, ok := q.qz.Ask(q.askSeg, ctx.Absolute)
	if !ok {
		q.askRow, q.askSeg = -1, -1
		return -1, false
	}
	ans := strings.TrimSpace(q.input.Value())
	var v model.Verdict
	switch ans {
	case "":
		q.retry = "Type " + qu.Answer.Hint() + ", then enter; ? shows the answer."
		return -1, false
	case "?":
		v = model.Verdict{Valid: true}
	default:
		v = qu.Check(ans)
	}
	if !v.Valid {
		q.retry = qu.Feedback(v)
		return -1, false
	}
	q.score.Add(v)
	q.last, q.lastSeg, q.retry = v, q.askSeg, ""
	row = q.askRow
	q.askRow, q.askSeg = -1, -1
	q.input.Blur()
	q.revealed = row
	return row, true
}

// Limit is the last of rows the views may show (len(rows)-1 outside quiz
// mode), and the masked row, if any: what pane.Context's Last and Mask
// say.
func (q *Quiz) Limit(rows []pane.Row, absolute bool) (last int, mask *pane.Mask) {
	if !q.on {
		return len(rows) - 1, nil
	}
	if q.Asking() {
		if qu, ok := q.qz.Ask(q.askSeg, absolute); ok {
			return q.askRow, &pane.Mask{Row: q.askRow, Shows: qu.Shows}
		}
	}
	return q.revealed, nil
}

// Panel draws the quiz panel in w×h: a title line with the score, then
// the question and the answer line, or the feedback on the last answer
// and what to press next.
func (q *Quiz) Panel(ctx pane.Context, w, h int) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	st := &q.st
	title := []pane.Span{
		{Text: theme.Line + " Quiz ", Style: &st.Title},
		{Text: "score " + q.score.String(), Style: &st.Score},
		{Text: fmt.Sprintf("  seed %d ", q.qz.Seed()), Style: &st.Dim},
	}
	fill := w
	for _, s := range title {
		fill -= ansi.StringWidth(s.Text)
	}
	title = append(title, pane.Span{Text: strings.Repeat(theme.Line, max(fill, 0)), Style: &st.Dim})
	lines := []string{pane.RenderSpans(title, w, nil)}
	wrap := func(text string, style *lipgloss.Style) {
		for _, l := range pane.Wrap(model.Visible(text), max(w-2, 1)) {
			lines = append(lines, " "+style.Render(l))
		}
	}
	var tail []string // lines kept at the bottom whatever the text's length
	switch {
	case q.Asking():
		qu, _ := q.qz.Ask(q.askSeg, ctx.Absolute)
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
	case q.lastSeg >= 0 && ctx.TL != nil && q.lastSeg < len(ctx.TL.Segments):
		qu, ok := q.qz.Ask(q.lastSeg, ctx.Absolute)
		if ok {
			mark, style := MarkWrong+" ", &st.Wrong
			if q.last.Right {
				mark, style = MarkRight+" ", &st.Right
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
		tail = append(tail, " "+st.Dim.Render(q.nextHint(ctx.Rows)))
	default:
		tail = append(tail, " "+st.Dim.Render(q.nextHint(ctx.Rows)))
	}
	// The answer line and the hint follow the text and stay on screen: a
	// text too long for the panel gives way, cut with an ellipsis.
	room := max(h-len(tail), 1)
	if len(lines) > room {
		lines = lines[:room]
		lines[room-1] = pane.Fit(lines[room-1], max(w-1, 0)) + theme.Ellipsis
	}
	lines = append(lines, tail...)
	return strings.Join(pane.FitBlock(strings.Join(lines, "\n"), w, h), "\n")
}

// nextHint says what → does next.
func (q *Quiz) nextHint(rows []pane.Row) string {
	if q.revealed >= len(rows)-1 {
		return fmt.Sprintf("End of the conversation: %s right. Q leaves the quiz, g goes back to the start.", q.score)
	}
	return "→ next step (a question comes before some steps) · Q leaves the quiz"
}
