// Package explain is the explanation view: the selected step told in plain
// words (model.Explain, or model.ExplainFrameAs for a row that is not a
// segment), after the lesson's text for the step when a lesson is on, each
// of its lines marked with a bar. It scrolls when the text is longer than
// the view, and starts at the top again at every step.
package explain

import (
	"slices"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/app"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
	"github.com/tcpstep/tcpstep/ui/theme"
)

// Paragraphs is the explanation of ctx's selected row, in its numbering,
// and for a segment that carries application data a line naming it, second.
func Paragraphs(ctx pane.Context) []string {
	if ctx.Row < 0 || ctx.Row >= len(ctx.Rows) {
		return nil
	}
	r := ctx.Rows[ctx.Row]
	if r.Seg >= 0 {
		out := model.Explain(ctx.TL, int(r.Seg), ctx.Absolute)
		if a := AppLine(ctx.TL, ctx.App, int(r.Seg)); a != "" {
			// After the paragraph that says what the segment carries, so
			// that it shows in a short pane.
			at := min(1, len(out))
			out = slices.Insert(slices.Clip(out), at, a)
		}
		return out
	}
	return model.ExplainFrameAs(ctx.TL, r.Frame, ctx.Absolute)
}

// AppLine names the application messages segment seg completes, a request
// when the client sent it and a reply when the server did ("Application
// layer: SMTP reply 550 5.1.1 guest... User unknown."), or says it carries
// part of one; "" when the application layer says nothing of it.
func AppLine(tl *model.Timeline, a *app.Conv, seg int) string {
	as := a.Seg(seg)
	if as == nil || tl == nil || seg < 0 || seg >= len(tl.Segments) {
		return ""
	}
	if len(as.Messages) == 0 {
		name := a.Proto.String()
		if name == "" || tl.Segments[seg].Len == 0 {
			return ""
		}
		article := "an" // an SMTP, an HTTP, an FTP, an IMAP, an SSH message
		switch name {
		case "TLS", "DNS", "POP":
			article = "a"
		}
		return "Application layer: part of " + article + " " + name + " message, which a later segment completes."
	}
	kind := "request"
	if tl.Segments[seg].Dir == model.S2C {
		kind = "reply"
	}
	parts := make([]string, 0, len(as.Messages))
	for i := range as.Messages {
		m := &as.Messages[i]
		t := strings.TrimSpace(m.Proto.String() + " " + kind + " " + m.Summary)
		if m.Malformed != "" {
			t += " (malformed: " + m.Malformed + ")"
		}
		parts = append(parts, t)
	}
	return model.Visible("Application layer: " + strings.Join(parts, "; ") + ".")
}

// Lines is what Render draws, without its styles: the lesson's paragraphs
// and then the explanation's, wrapped to w, paragraphs apart, each of the
// lesson's lines marked with a bar.
func Lines(lesson, text []string, w int) []string {
	lines, _ := wrap(lesson, text, w)
	return lines
}

// wrap is Lines and how many of its first lines are the lesson's.
func wrap(lesson, text []string, w int) (lines []string, nLesson int) {
	if len(lesson) > 0 {
		for i, p := range lesson {
			if i > 0 {
				lines = append(lines, theme.LessonBar)
			}
			for _, l := range pane.Wrap(model.Visible(p), max(w-2, 1)) {
				lines = append(lines, theme.LessonBar+" "+l)
			}
		}
		nLesson = len(lines)
		lines = append(lines, "")
	}
	for i, p := range text {
		if i > 0 {
			lines = append(lines, "")
		}
		lines = append(lines, pane.Wrap(model.Visible(p), max(w, 1))...)
	}
	return lines, nLesson
}

// Render draws the lesson's paragraphs and the explanation's text in w×h
// from line top (no further than shows the last line at the bottom).
func Render(st Styles, lesson, text []string, top, w, h int) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	lines, nLesson := wrap(lesson, text, w)
	top = min(top, max(len(lines)-h, 0))
	out := make([]string, 0, min(len(lines)-top, h))
	for i := top; i < len(lines) && i < top+h; i++ {
		var l string
		if i < nLesson {
			bar, rest, _ := strings.Cut(lines[i], theme.LessonBar)
			l = bar + st.LessonBar.Render(theme.LessonBar) + st.Lesson.Render(rest)
		} else {
			l = st.Text.Render(lines[i])
		}
		// Only a line narrower than its first word or the bar is too wide;
		// it is cut the way the stepper fits every view.
		if pane.Width(l) > w {
			l = ansi.Truncate(l, w, theme.Ellipsis)
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// Pane is the explanation as the stepper holds it: its scroll position,
// and the step and lesson text it was scrolled at.
type Pane struct {
	st  Styles
	top int
	// row and lesson are what Prepare last saw: another row, or the
	// lesson turned on or off, starts the text at the top again.
	row    int
	lesson []string
}

// NewPane returns the explanation, drawn with st.
func NewPane(st Styles) *Pane { return &Pane{st: st, row: -1} }

// SetStyles changes the styles it draws with.
func (p *Pane) SetStyles(st Styles) { p.st = st }

// SetDark is pane.Themed.
func (p *Pane) SetDark(isDark bool) { p.st = NewStyles(isDark) }

// Title is pane.View: the border says nothing more.
func (p *Pane) Title(pane.Context) string { return "" }

// Top is the first line shown, before View keeps the last line from
// rising above the bottom.
func (p *Pane) Top() int { return p.top }

// Prepare is pane.Preparer: a new step, or the lesson's text for it
// coming or going, is read from the top.
func (p *Pane) Prepare(ctx pane.Context, _, _ int) {
	if ctx.Row == p.row && (ctx.Lesson == nil) == (p.lesson == nil) && slices.Equal(ctx.Lesson, p.lesson) {
		return
	}
	p.top = 0
	p.row = ctx.Row
	p.lesson = slices.Clone(ctx.Lesson) // the context's is the root's
}

// ConversationChanged is pane.Switcher: another conversation is read from
// the top.
func (p *Pane) ConversationChanged(pane.Context) { p.top = 0 }

// View is pane.View.
func (p *Pane) View(ctx pane.Context, w, h int) string {
	return Render(p.st, ctx.Lesson, Paragraphs(ctx), p.top, w, h)
}

// Key is pane.View: ↑↓ scroll a line, the page keys a page (keeping a line
// of the last one), the wheel three lines.
func (p *Pane) Key(ctx pane.Context, k pane.Key, w, h int) pane.Result {
	page := max(h-1, 1)
	d := 0
	switch k {
	case pane.KeyDown:
		d = 1
	case pane.KeyUp:
		d = -1
	case pane.KeyPageDown:
		d = page
	case pane.KeyPageUp:
		d = -page
	case pane.KeyWheelDown:
		d = 3
	case pane.KeyWheelUp:
		d = -3
	default:
		return pane.Unused
	}
	p.scroll(ctx, d, w, h)
	return pane.Used()
}

// scroll moves the text d lines, no further than its last line at the
// bottom of the view.
func (p *Pane) scroll(ctx pane.Context, d, w, h int) {
	last := max(len(Lines(ctx.Lesson, Paragraphs(ctx), w))-h, 0)
	p.top = min(max(p.top+d, 0), last)
}
