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
		}...)
		if m.rawPayload {
			// The ladder previews the raw payload (P): said here too, as a
			// small screen's tabs have no border to say it in.
			right = append(right, pane.Span{Text: "raw", Style: &st.Mode}, pane.Span{Text: "  ", Style: nil})
		}
		right = append(right, pane.Span{Text: mode, Style: &st.Mode}, pane.Span{Text: " ", Style: nil})
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

// tabBar lays the tab bar out in w cells with tab active in front: each
// tab's text and the column it starts at. Roomy, every label "1 Ladder" is
// padded by a space on both sides, which the active tab's brackets
// replace; tight, the labels stand one space apart and only the active one
// is bracketed, so the number keys still show at 80 columns with nine
// views; tighter still, the names alone, padded.
func tabBar(w int, active paneID) (texts [numPanes]string, starts [numPanes]int) {
	var numbered [numPanes]string
	sum := 0
	for p := range numPanes {
		numbered[p] = fmt.Sprintf("%d %s", p+1, viewTable[p].tab)
		sum += ansi.StringWidth(numbered[p])
	}
	padded := func(labels [numPanes]string) {
		pos := 0
		for p := range numPanes {
			texts[p] = " " + labels[p] + " "
			if p == active {
				texts[p] = "[" + labels[p] + "]"
			}
			starts[p] = pos
			pos += ansi.StringWidth(texts[p])
		}
	}
	switch {
	case sum+2*int(numPanes) <= w:
		padded(numbered)
	case sum+int(numPanes)+1 <= w:
		pos := 0
		for p := range numPanes {
			texts[p] = numbered[p]
			if p == active {
				texts[p] = "[" + numbered[p] + "]"
			}
			if p > 0 {
				texts[p] = " " + texts[p]
			}
			starts[p] = pos
			pos += ansi.StringWidth(texts[p])
		}
	default:
		var names [numPanes]string
		for p := range numPanes {
			names[p] = viewTable[p].tab
		}
		padded(names)
	}
	return texts, starts
}

// renderTabs is the tab bar of small screens; the active tab is reversed
// and bracketed, so it reads without colour.
func renderTabs(st *styles, active paneID, w int) string {
	var spans []pane.Span
	texts, _ := tabBar(w, active)
	for p := range numPanes {
		s := &st.Tabs.Inactive
		if p == active {
			s = &st.Tabs.Active
		}
		spans = append(spans, pane.Span{Text: texts[p], Style: s})
	}
	return pane.RenderSpans(spans, w, nil)
}

// tabAt returns the tab under column x of a tab bar w cells wide whose
// tab active is in front.
func tabAt(w, x int, active paneID) (paneID, bool) {
	texts, starts := tabBar(w, active)
	for p := range numPanes {
		if x >= starts[p] && x < starts[p]+ansi.StringWidth(texts[p]) {
			return p, true
		}
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
	// The title says how to leave: on a short screen the notes that say it
	// are below the fold.
	p := helpscreen.Page{Title: "Keys (q, esc or ? closes this help; ctrl+c quits)", Groups: m.keys.FullHelp(), Notes: helpNotes, Keys: m.help}
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
	"Go to a frame (: or #, or ctrl+g as in Wireshark, then its number and enter): the frame is selected, in the conversation it belongs to, which opens as from the picker; the footer says when it is not TCP of any conversation.",
	"Search (/, a pattern, enter): the next row whose label or payload holds the pattern: flags (RST, FIN), seq, ack and len in the numbering on screen (a number matches a whole number), events (retrans, dup-ack), payload bytes (\\xNN, \\r, \\n, \\t and the pictures ␍ ␊ ␛ stand for bytes); lower case matches either case. While a search is set, n and N repeat it forward and back, as in less, and esc ends it; without one n steps as →. An empty pattern repeats the last search. Payloads are read in the background when there are many, with the progress in the footer; any key stops it.",
	"] and [ go to the next and previous segment with an analysis event; } and { to the next and previous change of either side's state. t cycles the ladder's time column, as Wireshark's time display formats: seconds since the capture's first frame, since the conversation's first segment, since the row above (delta), and the time of day in UTC; the ladder has a time column from 100 columns.",
	"Views (1-9): 1 ladder, 2 RFC 793 states (as seen from the capture's vantage point), 3 layers and bytes, 4 explanation, 5 follow stream (the payload reassembled; ↑↓ move to the previous or next segment's bytes, m text/hex), 6 time-sequence graph (m which direction, + and - zoom around the step; R marks a retransmission), 7 netstat -tan lines of both hosts at the step (m ss -tan), 8 initial sequence numbers of every host and how guessable they are (↑↓ choose the host), 9 expert information: every kind of finding in the capture counted by severity, the conversation's count beside it (m the conversation alone; ↑↓ move, → or enter opens a row into its frames, ← closes it, enter on a frame goes there, in its conversation). On a small screen each is a tab; on a large one a number key puts its view in its pane.",
	"Export (x, then m, s or t): writes the conversation's ladder as a Mermaid sequenceDiagram, a standalone SVG or the text ladder to the current directory, in the numbering on screen; the footer says where (tcpstep export does the same from the command line).",
	"Write (w): writes the conversation's frames, byte for byte, to NAME-streamN.pcap in the current directory (pcapng when they need it), as tcpstep write does; the footer says where.",
	"Quiz (Q, or tcpstep quiz): the steps after the current one are hidden; before some of them a question is asked. Type the answer and press enter: it is checked (numbers in the numbering on screen; states in any spelling, SYN-RCVD or syn_received; yes/no), explained and scored. While a question waits, every letter is typed into the answer, q and ? too: ? and enter give up and show the answer, esc leaves the quiz, ctrl+c quits.",
	"Display filters in Wireshark's syntax (tcp.port == 25, tcp.analysis.retransmission): typed in the picker, one keeps the conversations with a frame that passes it; plain words are still matched as text. f sets one on the ladder (enter applies, empty clears, esc cancels): the rows it does not match are dimmed, those it matches marked " + ladder.MatchMark + "; H hides the others; alt+n / alt+p (or ctrl+n / ctrl+p), and n / N while no search is set, go to the next / previous match. A filter that does not compile says why, and at which column.",
	"Lesson (L): the embedded samples carry a lesson, and a capture NAME.pcap the lesson file NAME.lesson.md beside it (or --lesson FILE; tcpstep lesson new writes one, tcpstep lesson check checks it). A step may ask a question: a shows its answer. Its notes show in a strip under the ladder on a small screen, and above the explanation, marked " + glyphLessonBar + ".",
}
