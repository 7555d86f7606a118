package ui

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/model"
	helpscreen "github.com/tcpstep/tcpstep/ui/help"
	"github.com/tcpstep/tcpstep/ui/ladder"
	"github.com/tcpstep/tcpstep/ui/pane"
)

// renderHeader is the top line: the program, the input, the conversation
// and, kept whole at the right however narrow the screen, the step and the
// numbering in use.
func (m *Model) renderHeader(w int) string {
	st := m.st.Header
	left := []pane.Span{{Text: " tcpstep ", Style: &st.Title}, {Text: model.Visible(displayName(m.src.Name())), Style: &st.Name}}
	var right []pane.Span
	switch m.screen {
	case screenStepper:
		if m.conv != nil {
			left = append(left,
				pane.Span{Text: "  ", Style: nil},
				pane.Span{Text: m.conv.Client.String(), Style: &st.Endpoint},
				pane.Span{Text: " " + glyphBoth + " ", Style: &st.Name},
				pane.Span{Text: m.conv.Server.String(), Style: &st.Endpoint})
		}
		mode := "relative"
		if m.absolute {
			mode = "absolute"
		}
		if m.quiz.On() {
			right = []pane.Span{{Text: "quiz " + m.quiz.Score().String(), Style: &st.Mode}, {Text: "  ", Style: nil}}
		}
		if is := m.indexStatus(); is != "" {
			right = append(right, pane.Span{Text: is, Style: &st.Name}, pane.Span{Text: "  ", Style: nil})
		}
		right = append(right, []pane.Span{
			{Text: fmt.Sprintf("step %d/%d", min(m.cur+1, len(m.rows)), len(m.rows)), Style: &st.Step},
			{Text: "  ", Style: nil},
			{Text: mode, Style: &st.Mode},
			{Text: " ", Style: nil},
		}...)
	case screenPicker:
		if is := m.indexStatus(); is != "" {
			right = append(right, pane.Span{Text: is, Style: &st.Name}, pane.Span{Text: "  ", Style: nil})
		}
		right = append(right, pane.Span{Text: "choose a conversation ", Style: &st.Name})
	case screenLoading:
		right = []pane.Span{{Text: "loading ", Style: &st.Name}}
	}
	rw := spansWidth(right)
	if rw > w {
		return pane.RenderSpans(right, w, nil)
	}
	lw := w - rw
	// Too narrow for everything: the program's name gives way first, then
	// the input's name, cut with an ellipsis, and at last the name goes.
	if spansWidth(left) > lw {
		left[0].Text = " "
	}
	if over := spansWidth(left) - lw; over > 0 {
		name := left[1].Text
		keep := max(ansi.StringWidth(name)-over-1, 8)
		left[1].Text = ansi.Truncate(name, keep, glyphEllipsis)
		if spansWidth(left) > lw && len(left) > 2 {
			left = append(left[:1], left[3:]...) // the endpoints alone
		}
	}
	if spansWidth(left) > lw && lw >= 3 {
		// Still too long (two long IPv6 endpoints): cut with an ellipsis and
		// keep a space before the step.
		return pane.RenderSpans(left, lw-2, nil) + glyphEllipsis + " " + pane.RenderSpans(right, rw, nil)
	}
	return pane.RenderSpans(left, lw, nil) + pane.RenderSpans(right, rw, nil)
}

// displayName is the input as the header names it: a file's base name (its
// directories rarely fit and rarely matter), "-" or "sample:NAME" as given.
func displayName(name string) string {
	if strings.HasPrefix(name, "sample:") || name == "-" {
		return name
	}
	return filepath.Base(name)
}

func spansWidth(spans []pane.Span) int {
	n := 0
	for _, s := range spans {
		n += ansi.StringWidth(s.Text)
	}
	return n
}

// tabLabels are the tab bar's labels for a bar w cells wide: "1 Ladder"
// with the number key that shows the tab when all of them fit, else the
// names alone. Each is padded by a space on both sides, which the active
// tab's brackets replace, so a label is as wide active as not.
func tabLabels(w int) [numPanes]string {
	var out [numPanes]string
	total := 0
	for p := range numPanes {
		out[p] = fmt.Sprintf("%d %s", p+1, viewTable[p].tab)
		total += ansi.StringWidth(out[p]) + 2
	}
	if total > w {
		for p := range numPanes {
			out[p] = viewTable[p].tab
		}
	}
	return out
}

// renderTabs is the tab bar of small screens; the active tab is reversed
// and bracketed, so it reads without colour.
func renderTabs(st *styles, active paneID, w int) string {
	var spans []pane.Span
	labels := tabLabels(w)
	for p := range numPanes {
		label, s := " "+labels[p]+" ", &st.Tabs.Inactive
		if p == active {
			label, s = "["+labels[p]+"]", &st.Tabs.Active
		}
		spans = append(spans, pane.Span{Text: label, Style: s})
	}
	return pane.RenderSpans(spans, w, nil)
}

// tabAt returns the tab under column x of a tab bar w cells wide.
func tabAt(w, x int) (paneID, bool) {
	pos := 0
	for p, l := range tabLabels(w) {
		lw := ansi.StringWidth(l) + 2
		if x >= pos && x < pos+lw {
			return paneID(p), true
		}
		pos += lw
	}
	return 0, false
}

// renderBody draws the panes: the focused one alone in tab mode, the four
// slots' views in their boxes in split mode.
func (m *Model) renderBody() []string {
	l := m.lay
	if l.Tabs {
		r := l.Body
		return pane.FitBlock(m.renderPane(m.focus, r.W, r.H), r.W, r.H)
	}
	boxes := [numSlots][]string{}
	for i := range numSlots {
		p := m.shown[i]
		o, in := l.Slot[i], l.SlotIn[i]
		boxes[i] = m.cache.render.boxed(i, m.st, m.paneTitle(p), m.renderPane(p, in.W, in.H), o.W, o.H, p == m.focus)
	}
	out := make([]string, 0, l.Body.H)
	for _, pair := range [][2]int{{slotTopLeft, slotTopRight}, {slotBottomLeft, slotBottomRight}} {
		a, b := boxes[pair[0]], boxes[pair[1]]
		for i := range a {
			line := a[i]
			if i < len(b) {
				line += b[i]
			}
			out = append(out, line)
		}
	}
	return out
}

// progressSpans is a progress bar of the load.
func (m *Model) progressSpans(w int) []pane.Span {
	label := " loading " + model.Visible(m.src.Name())
	if m.indexing {
		label = fmt.Sprintf(" indexing %s  %s frames", model.Visible(displayName(m.src.Name())), groupDigits(m.prog.Frames))
	}
	if m.live {
		return []pane.Span{{Text: fmt.Sprintf(" waiting for packets on %s  %s read", model.Visible(displayName(m.src.Name())), pane.HumanBytes(uint64(max(m.prog.Read, 0)))), Style: &m.st.Footer.Progress}}
	}
	if m.prog.Total <= 0 {
		return []pane.Span{{Text: label + fmt.Sprintf("  %s read", pane.HumanBytes(uint64(max(m.prog.Read, 0)))), Style: &m.st.Footer.Progress}}
	}
	frac := min(max(float64(m.prog.Read)/float64(m.prog.Total), 0), 1)
	pct := fmt.Sprintf(" %3.0f%%", frac*100)
	barW := max(min(w-ansi.StringWidth(label)-len(pct)-2, 40), 0)
	done := int(frac * float64(barW))
	return []pane.Span{
		{Text: label + " ", Style: &m.st.Footer.Progress},
		{Text: strings.Repeat("█", done), Style: &m.st.Footer.Bar},
		{Text: strings.Repeat("░", barW-done), Style: &m.st.Footer.Base},
		{Text: pct, Style: &m.st.Footer.Progress},
	}
}

// renderStatus fills the body while loading or after a failed load.
func (m *Model) renderStatus(w int) string {
	if m.screen == screenFailed {
		return "\n  " + m.st.Footer.Error.Render("could not load "+model.Visible(m.src.Name())) +
			"\n\n  " + strings.Join(pane.Wrap(model.Visible(m.err), max(w-4, 1)), "\n  ") + "\n\n  press q to quit"
	}
	return "\n  " + pane.RenderSpans(m.progressSpans(w-4), max(w-4, 0), nil)
}

// helpPage is what the ? screen shows over the screen under it: the keys
// of the picker or of the stepper, then the notes.
func (m *Model) helpPage() helpscreen.Page {
	p := helpscreen.Page{Title: "Keys", Groups: m.keys.FullHelp(), Notes: helpNotes, Keys: m.help}
	if m.screen == screenPicker {
		p.Groups = pickerKeys{m.keys}.FullHelp()
		p.Title = "Keys of the conversation picker (type to filter)"
	}
	return p
}

// helpNotes are the paragraphs under the keys of the ? screen.
var helpNotes = []string{
	"q, esc or ? closes this help, and any other key closes it and does what it does; ↑↓ scroll it; ctrl+c quits.",
	"Mouse: click a ladder row to select it, a tab to show it; the wheel scrolls the pane under the pointer.",
	"Relative numbers count from each side's initial sequence number (tshark's default); r shows the raw numbers on the wire.",
	"Keys act at once: hold → to play the conversation through.",
	"Views (1-8): 1 ladder, 2 RFC 793 states (as seen from the capture's vantage point), 3 layers and bytes, 4 explanation, 5 follow stream (the payload reassembled; ↑↓ move to the previous or next segment's bytes, m text/hex), 6 time-sequence graph (m which direction, + and - zoom around the step; R marks a retransmission), 7 netstat -tan lines of both hosts at the step (m ss -tan), 8 initial sequence numbers of every host and how guessable they are (↑↓ choose the host). On a small screen each is a tab; on a large one a number key puts its view in its pane.",
	"Export (x, then m, s or t): writes the conversation's ladder as a Mermaid sequenceDiagram, a standalone SVG or the text ladder to the current directory, in the numbering on screen; the footer says where (tcpstep export does the same from the command line).",
	"Quiz (Q, or tcpstep quiz): the steps after the current one are hidden; before some of them a question is asked. Type the answer and press enter: it is checked (numbers in the numbering on screen; states in any spelling, SYN-RCVD or syn_received; yes/no), explained and scored. While a question waits, every letter is typed into the answer, q and ? too: ? and enter give up and show the answer, esc leaves the quiz, ctrl+c quits.",
	"Display filters in Wireshark's syntax (tcp.port == 25, tcp.analysis.retransmission): typed in the picker, one keeps the conversations with a frame that passes it; plain words are still matched as text. f sets one on the ladder (enter applies, empty clears, esc cancels): the rows it does not match are dimmed, those it matches marked " + ladder.MatchMark + "; H hides the others; alt+n / alt+p (or ctrl+n / ctrl+p) go to the next / previous match. A filter that does not compile says why, and at which column.",
	"Lesson (L): the embedded samples carry a lesson whose notes show above the explanation, marked " + glyphLessonBar + ".",
}
