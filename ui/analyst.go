package ui

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/export"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
)

// This file wires the analyst's views into the stepper: follow
// stream, time-sequence graph, netstat lines and ISN analysis, the vantage
// sentence under the state diagram, and the export key. Their drawing is in
// follow.go, graph.go, netstat.go and isn.go as pure functions; here is what
// they cost and when it is paid:
//
//   - the follow view reassembles the whole conversation's payload, which
//     re-reads every data frame: a tea.Cmd does it off the UI goroutine
//     while the view says "reassembling…", and the result is kept per
//     conversation;
//   - the graph walks the whole conversation on every draw, so the drawn
//     string is kept per (conversation, step, size, numbering, view);
//   - the netstat index walks the conversation once, when the view is first
//     shown; each step then replays at most a thousand segments;
//   - the ISN analysis reads every conversation's SYNs once per capture.
//
// The caches live behind a pointer: Bubble Tea copies the Model on every
// Update, and the copies must share what was computed.

// viewCache is what the analyst's views have computed.
type viewCache struct {
	render renderCache // panes and boxes as last drawn (rendercache.go)
}

// Messages of the analyst's views.
type (
	followDoneMsg struct {
		conv   *model.Conversation
		chunks []model.FollowChunk
		err    error
	}
	exportDoneMsg struct {
		path string
		n    int64
		err  error
	}
)

// visible reports whether view p is on screen: the tab in front on a small
// screen, shown in its slot on a large one.
func (m *Model) visible(p paneID) bool {
	if m.screen != screenStepper || m.showHelp || m.conv == nil {
		return false
	}
	if m.lay.Tabs {
		return m.focus == p
	}
	return m.shown[paneSlot[p]] == p
}

// showView brings view p to the front and focuses it.
func (m *Model) showView(p paneID) {
	if p < 0 || p >= numPanes {
		return
	}
	m.shown[paneSlot[p]] = p
	m.focus = p
}

// cyclePane moves the focus d views on: through every tab on a small
// screen, through the four slots' views on a large one.
func (m *Model) cyclePane(d int) {
	if m.lay.Tabs {
		m.focus = paneID((int(m.focus) + d + int(numPanes)) % int(numPanes))
		return
	}
	slot := paneSlot[m.focus]
	if m.shown[slot] != m.focus {
		slot = slotTopLeft
	}
	slot = (slot + d + numSlots) % numSlots
	m.focus = m.shown[slot]
}

// selSeg is the segment the selected row shows (or, for an extra frame,
// the last segment before it), an index in Timeline.Segments; -1 for none.
func (m *Model) selSeg() int {
	if m.conv == nil || len(m.rows) == 0 {
		return -1
	}
	_, _, seg := m.statesAt(m.cur)
	return seg
}

// segSteps is how many of the conversation's segments are applied at the
// selected row: the netstat view's step.
func (m *Model) segSteps() int {
	seg := m.selSeg()
	if seg < 0 {
		return 0
	}
	segs := m.conv.Segs
	i := sort.Search(len(segs), func(i int) bool { return int(segs[i]) >= seg })
	return min(i+1, len(segs))
}

// rowOfSeg returns the ladder row of segment seg, or -1.
func (m *Model) rowOfSeg(seg int) int {
	if m.tl == nil || seg < 0 || seg >= len(m.tl.Segments) {
		return -1
	}
	f := m.tl.Segments[seg].Frame
	i := sort.Search(len(m.rows), func(i int) bool { return m.rows[i].frame >= f })
	for ; i < len(m.rows) && m.rows[i].frame == f; i++ {
		if int(m.rows[i].seg) == seg {
			return i
		}
	}
	return -1
}

// ensureViews starts or does what the visible views need: the follow
// view's reassembly (as a command), the netstat index, the ISN analysis.
func (m *Model) ensureViews() tea.Cmd {
	if m.screen != screenStepper || m.conv == nil || m.tl == nil {
		return nil
	}
	var cmd tea.Cmd
	if m.visible(paneFollow) && !m.quiz.on {
		if m.followView.Wants(m.conv) {
			m.followView.Start(m.conv)
			cmd = m.followCmd(m.conv)
			m.busy++ // no frames are filed while it reads the timeline
		}
	}
	if m.visible(paneNetstat) {
		m.netstatView.Prepare(m.paneCtx())
	}
	if m.visible(paneISN) {
		m.isnView.Prepare(m.paneCtx())
	}
	return cmd
}

// followCmd reassembles conversation c's payload off the UI goroutine.
// Source.Payload re-reads frames by offset (ReadAt), which is safe beside
// the UI's own reads.
func (m *Model) followCmd(c *model.Conversation) tea.Cmd {
	src, tl := m.src, m.tl
	return func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				msg = followDoneMsg{conv: c, err: fmt.Errorf("reassemble stream %d: internal error: %v", c.Index, r)}
			}
		}()
		chunks, err := model.FollowDialogue(tl, c, func(seg int) ([]byte, error) { return src.Payload(tl, seg) })
		if err != nil {
			err = fmt.Errorf("reassemble stream %d: %w", c.Index, err)
		}
		return followDoneMsg{conv: c, chunks: chunks, err: err}
	}
}

// viewKey handles the keys of the analyst's views: the number keys, the
// mode, the zoom and the export. It reports whether it used the key.
func (m *Model) viewKey(msg tea.KeyPressMsg) (bool, tea.Cmd) {
	k := m.keys
	switch {
	case key.Matches(msg, k.Views):
		if r := []rune(msg.String()); len(r) == 1 && r[0] >= '1' && r[0] <= '8' {
			m.showView(paneID(r[0] - '1'))
		}
	case key.Matches(msg, k.Export):
		if m.conv == nil {
			return true, nil
		}
		m.exportAsk = true
	case key.Matches(msg, k.ZoomIn) && m.visible(paneGraph):
		m.graphView.Key(m.paneCtx(), pane.KeyZoomIn)
	case key.Matches(msg, k.ZoomOut) && m.visible(paneGraph):
		m.graphView.Key(m.paneCtx(), pane.KeyZoomOut)
	case key.Matches(msg, k.ZoomIn, k.ZoomOut):
		m.err = "+ and - zoom the graph: show it first (6)"
	case key.Matches(msg, k.Mode):
		switch m.focus {
		case paneFollow:
			m.followView.Key(m.paneCtx(), pane.KeyMode)
		case paneGraph:
			m.graphView.Key(m.paneCtx(), pane.KeyMode)
		case paneNetstat:
			m.netstatView.Key(m.paneCtx(), pane.KeyMode)
		default:
			m.err = "m switches the mode of the follow (5), graph (6) and netstat (7) views: focus one first"
		}
	default:
		return false, nil
	}
	return true, nil
}

// exportKey takes the format after x: the export runs as a command.
func (m *Model) exportKey(msg tea.KeyPressMsg) tea.Cmd {
	m.exportAsk = false
	k := m.keys
	format := ""
	switch {
	case key.Matches(msg, k.ExportMermaid):
		format = "mermaid"
	case key.Matches(msg, k.ExportSVG):
		format = "svg"
	case key.Matches(msg, k.ExportText):
		format = "txt"
	default:
		m.note = "export cancelled"
		return nil
	}
	if m.conv == nil || m.tl == nil {
		return nil
	}
	dir := m.opts.ExportDir
	if dir == "" {
		dir = "."
	}
	path := filepath.Join(dir, export.FileName(m.src.Name(), m.conv.Index, format))
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	m.note = "exporting " + filepath.Base(path) + glyphEllipsis
	tl, stream, absolute := m.tl, m.conv.Index, m.absolute
	m.busy++ // no frames are filed while it reads the timeline
	return func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				msg = exportDoneMsg{path: path, err: fmt.Errorf("export %s: internal error: %v", path, r)}
			}
		}()
		n, err := export.WriteFile(path, format, tl, stream, absolute)
		return exportDoneMsg{path: path, n: n, err: err}
	}
}

// exportDone says where the export went, or why it failed.
func (m *Model) exportDone(msg exportDoneMsg) {
	if msg.err != nil {
		m.note = ""
		m.err = "export: " + msg.err.Error()
		return
	}
	// The name first: on a narrow footer the directory is what is cut.
	m.note = fmt.Sprintf("wrote %s (%s) in %s", filepath.Base(msg.path), pane.ByteCount(msg.n), filepath.Dir(msg.path))
}

// quizHides is the placeholder of a view that would show the steps a quiz
// hides.
func (m *Model) quizHides(name string, w, h int) string {
	return strings.Join(pane.FitBlock(m.st.Views.Wait.Render(ansi.Wrap(name+" is hidden during the quiz: it would show the steps to come. Q leaves the quiz.", max(w, 1), "")), w, h), "\n")
}

// renderFollowPane draws the follow view, unless the quiz hides it.
func (m *Model) renderFollowPane(w, h int) string {
	if m.quiz.on {
		return m.quizHides("The follow view", w, h)
	}
	return m.followView.View(m.paneCtx(), w, h)
}

// syncFollow scrolls the follow view to the selected segment's bytes.
func (m *Model) syncFollow() {
	if m.visible(paneFollow) {
		in := m.lay.Inner[paneFollow]
		m.followView.Sync(m.paneCtx(), in.W, in.H)
	}
}

// followStep moves the selection to the segment whose bytes come d lines
// (d = ±1: the next or previous segment in the dialogue; else a page)
// from the selected segment's in the follow view.
func (m *Model) followStep(d int) {
	seg := m.followView.Step(m.paneCtx(), m.lay.Inner[paneFollow].W, d)
	if r := m.rowOfSeg(seg); r >= 0 {
		m.setCur(r)
	}
}

// renderGraphPane draws the time-sequence graph, unless the quiz hides it.
func (m *Model) renderGraphPane(w, h int) string {
	if m.quiz.on {
		return m.quizHides("The graph", w, h)
	}
	return m.graphView.View(m.paneCtx(), w, h)
}

// renderNetstatPane draws both hosts' netstat (or ss) lines at the step.
func (m *Model) renderNetstatPane(w, h int) string {
	return m.netstatView.View(m.paneCtx(), w, h)
}

// vantageShort is the vantage sentence for a pane with one line to spare.
func vantageShort(v model.Vantage) string {
	switch v.Kind {
	case model.VantageUnknown:
		return "States as seen from an unknown vantage point."
	case model.VantageSameHost:
		return "States as seen on the host that is both ends."
	}
	return "States as seen from " + v.Kind.String() + "."
}

// renderStatesPane draws the state diagram and, under it, where the
// capture was taken (the states are as seen from there): the whole
// sentence when the diagram keeps its form with it, the short one when
// only a line is to spare.
func (m *Model) renderStatesPane(w, h int) string {
	c, s, seg := m.statesAt(m.cur)
	// An extra frame (fragment, ICMP error) moves no state: the sides
	// are shown where the segment before it left them, without moves.
	var cm, sm []model.Transition
	if m.segAt(m.cur) != nil {
		cm, sm = model.StepTransitions(m.tl, seg)
	}
	// The note may not take the line that names this step's moves (one
	// line for both sides when there is no room for one each).
	moves := 1
	form := diagramForm(w, h)
	room := func(dh int) bool {
		switch {
		case dh <= 0 || diagramForm(w, dh) != form:
			return false
		case form == 2:
			return dh >= dgFullGeom.h+moves
		case form == 1:
			return dh >= dgCondensedGeom.h+moves
		}
		return true
	}
	full := pane.Wrap(m.vantage.Sentence(), w)
	for _, note := range [][]string{full, {vantageShort(m.vantage)}} {
		if dh := h - len(note); room(dh) {
			d := strings.Split(renderStateSides(m.st.Diagram, c, s, cm, sm, w, dh), "\n")
			for _, l := range note {
				d = append(d, m.st.Views.Note.Render(ansi.Truncate(l, w, glyphEllipsis)))
			}
			return strings.Join(d, "\n")
		}
	}
	return renderStateSides(m.st.Diagram, c, s, cm, sm, w, h)
}

// diagramForm is which drawing renderStateSides makes in w×h: the full
// figure (2), the condensed one (1) or the compact list (0).
func diagramForm(w, h int) int {
	switch {
	case w >= dgFullGeom.w && h >= dgFullGeom.h+1:
		return 2
	case w >= dgCondensedGeom.w && h >= dgCondensedGeom.h+1:
		return 1
	}
	return 0
}

// batch joins two commands, either of which may be nil.
func batch(a, b tea.Cmd) tea.Cmd {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	return tea.Batch(a, b)
}
