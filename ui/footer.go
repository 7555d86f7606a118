package ui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
)

// The footer is the bottom of the screen: a message (an error, a warning
// about the capture, where an export went) until the next key, wrapped
// over as many lines as it needs up to footerLines' limit; else one line,
// the loading progress or the bar of the keys of the screen on top.

// footerMessage is the message the footer shows, and its style; "" when
// it shows the progress or the keys. A failed load's error is the body's
// (renderStatus), so the footer says how to quit.
func (m *Model) footerMessage() (string, *lipgloss.Style) {
	switch {
	case m.err != "" && m.screen != screenFailed:
		return " " + model.Visible(m.err), &m.st.Footer.Error
	case m.note != "" && !m.exportAsk:
		return " " + model.Visible(m.note), &m.st.Footer.Note
	}
	return "", nil
}

// footerWant is how many lines the footer wants at width w: its message
// wrapped, or one.
func (m *Model) footerWant(w int) int {
	if lines := m.filterFooter(w); lines != nil {
		return len(lines)
	}
	text, _ := m.footerMessage()
	if text == "" {
		return 1
	}
	return len(wrapFooter(text, w))
}

// wrapFooter wraps a footer's message, which starts with a space, to w
// cells, each line after the first indented as the first is.
func wrapFooter(text string, w int) []string {
	lines := pane.Wrap(strings.TrimPrefix(text, " "), max(w-1, 1))
	for i := range lines {
		lines[i] = " " + lines[i]
	}
	return lines
}

// renderFooter draws the footer in exactly w×h: the message, cut with an
// ellipsis when it needs more lines than it has, or the bar.
func (m *Model) renderFooter(w, h int) []string {
	out := make([]string, 0, h)
	if lines := m.filterFooter(w); lines != nil {
		out = append(out, lines[:min(h, len(lines))]...)
	} else if text, style := m.footerMessage(); text != "" {
		lines := wrapFooter(text, w)
		if len(lines) > h && h > 0 {
			rest := strings.Join(lines[h-1:], "")
			lines = append(lines[:h-1], ansi.Truncate(rest, w, glyphEllipsis))
		}
		for _, l := range lines[:min(h, len(lines))] {
			out = append(out, pane.RenderSpans([]pane.Span{{Text: l, Style: style}}, w, nil))
		}
	} else if h > 0 {
		out = append(out, m.renderBar(w))
	}
	for len(out) < h {
		out = append(out, strings.Repeat(" ", w))
	}
	return out
}

// renderBar is the footer's one line without a message: the progress of a
// load, or the keys of the screen on top.
func (m *Model) renderBar(w int) string {
	k := m.keys
	switch {
	case m.exportAsk:
		// A narrow screen asks in fewer words.
		prefix, short := "export this conversation as:", "export as:"
		if barWidth(m.help.ShortSeparator, ansi.StringWidth(prefix)+1, k.exportBar(), allShown(k.exportBar()), false) > w {
			prefix = short
		}
		return m.fitBar(m.st.Footer.Note.Render(prefix)+" ", k.exportBar(), w)
	case m.prompt != nil:
		return m.promptLine(w)
	case m.scan != nil:
		return m.scanLine(w)
	case m.screen == screenLoading, m.indexing && !m.live:
		// A big file being indexed: the bar until it is done; the keys
		// work meanwhile, and their help comes back after.
		return pane.RenderSpans(m.progressSpans(w), w, nil)
	case m.showHelp:
		return m.fitBar("", k.helpBar(), w)
	case m.screen == screenPicker:
		return m.fitBar("", k.pickerBar(), w)
	case m.screen == screenStepper && m.quiz.Asking():
		return m.fitBar("", k.askBar(), w)
	case m.screen == screenStepper && m.quiz.On():
		return m.fitBar("", k.quizBar(), w)
	case m.screen == screenStepper && m.search != nil:
		return m.searchLine(w)
	case m.screen == screenStepper && m.lessonQuestion():
		// The lesson asks a question here: the way to its answer.
		bar := k.stepperBar()
		bar = append(bar[:2:2], append([]barKey{{k.Answer, 85, ""}}, bar[2:]...)...)
		return m.fitBar("", bar, w)
	case m.screen == screenStepper:
		return m.fitBar("", k.stepperBar(), w)
	}
	return m.fitBar("", []barKey{{k.Quit, keepKey, ""}}, w)
}

// fitBar is the bar of keys after prefix in w cells: all of them with
// their full labels if they fit, else with their short labels, dropping
// the lowest ranked ones until the rest fit, then taking back, highest
// rank first, those dropped that fit in the room left. No key is cut in
// the middle; only a screen too narrow for the keys always kept cuts the
// line. The bar is measured, not drawn, until it is chosen: it is drawn
// on every frame.
func (m *Model) fitBar(prefix string, keys []barKey, w int) string {
	sep, pw := m.help.ShortSeparator, ansi.StringWidth(prefix)
	shown := allShown(keys)
	short := barWidth(sep, pw, keys, shown, false) > w
	if short {
		var dropped []int // in the order dropped: lowest rank first
		for barWidth(sep, pw, keys, shown, true) > w {
			drop := -1
			for i, k := range keys {
				if shown[i] && k.rank < keepKey && (drop < 0 || k.rank <= keys[drop].rank) {
					drop = i
				}
			}
			if drop < 0 {
				break
			}
			shown[drop] = false
			dropped = append(dropped, drop)
		}
		for j := len(dropped) - 1; j >= 0; j-- {
			i := dropped[j]
			if shown[i] = true; barWidth(sep, pw, keys, shown, true) > w {
				shown[i] = false
			}
		}
	}
	var ks []barKey
	for i, k := range keys {
		if shown[i] {
			ks = append(ks, k)
		}
	}
	hm := m.help
	hm.SetWidth(0) // fitBar chose what goes: the help model cuts nothing
	return pane.Fit(" "+prefix+hm.ShortHelpView(bindings(ks, short)), w)
}

// allShown marks every key of a bar shown.
func allShown(keys []barKey) []bool {
	shown := make([]bool, len(keys))
	for i := range shown {
		shown[i] = true
	}
	return shown
}

// barWidth is the width of the bar of the keys shown, with their short
// labels when short is set, after a prefix pw wide: what bubbles/help's
// ShortHelpView draws, "key desc" joined by sep, after a space.
func barWidth(sep string, pw int, keys []barKey, shown []bool, short bool) int {
	w, n := 1+pw, 0
	for i, k := range keys {
		if !shown[i] {
			continue
		}
		label := k.b.Help().Key
		if short && k.short != "" {
			label = k.short
		}
		w += ansi.StringWidth(label) + 1 + ansi.StringWidth(k.b.Help().Desc)
		n++
	}
	return w + max(n-1, 0)*ansi.StringWidth(sep)
}
