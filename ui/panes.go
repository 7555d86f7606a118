package ui

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/diagram"
	"github.com/tcpstep/tcpstep/ui/expert"
	"github.com/tcpstep/tcpstep/ui/explain"
	"github.com/tcpstep/tcpstep/ui/follow"
	"github.com/tcpstep/tcpstep/ui/graph"
	"github.com/tcpstep/tcpstep/ui/isn"
	"github.com/tcpstep/tcpstep/ui/ladder"
	"github.com/tcpstep/tcpstep/ui/layers"
	"github.com/tcpstep/tcpstep/ui/netstat"
	"github.com/tcpstep/tcpstep/ui/pane"
)

// The stepper's views, in the order of their number keys: the table is
// the one place that knows them. Each is a pane.View (ui/pane); the root
// draws the one or four on screen, hands the focused one its keys and
// calls the optional methods each implements. PANES.md says how to add one.

// viewSpec is one line of the table.
type viewSpec struct {
	name string // the border's title
	tab  string // the tab bar's label, where space is short
	slot int    // the slot it shows in on a large screen
	// quizHides, when set, says the view would show the steps a quiz
	// hides: during a quiz a placeholder says so, naming it thus.
	quizHides string
	// lessonStrip says a lesson's strip shows under the view on a small
	// screen: the stepping views, which the lesson's notes talk about.
	lessonStrip bool
	make        func(m *Model) pane.View
}

var viewTable = [...]viewSpec{
	paneLadder:  {"Ladder", "Ladder", slotTopLeft, "", true, func(*Model) pane.View { return ladder.NewPane(ladder.NewStyles(true)) }},
	paneStates:  {"States", "States", slotTopRight, "", true, func(*Model) pane.View { return diagram.NewPane(diagram.NewStyles(true)) }},
	paneLayers:  {"Layers", "Layers", slotBottomLeft, "", true, func(*Model) pane.View { return layers.NewPane(layers.NewStyles(true)) }},
	paneExplain: {"Explanation", "Explain", slotBottomRight, "", false, func(*Model) pane.View { return explain.NewPane(explain.NewStyles(true)) }},
	paneFollow:  {"Follow", "Follow", slotBottomLeft, "The follow view", false, func(*Model) pane.View { return follow.NewPane(follow.NewStyles(true)) }},
	paneGraph:   {"Graph", "Graph", slotBottomLeft, "The graph", false, func(*Model) pane.View { return graph.NewPane(graph.NewStyles(true)) }},
	paneNetstat: {"Netstat", "Netstat", slotTopRight, "", false, func(*Model) pane.View { return netstat.NewPane(netstat.NewStyles(true)) }},
	paneISN:     {"ISN", "ISN", slotBottomRight, "The ISN analysis", false, func(*Model) pane.View { return isn.NewPane(isn.NewStyles(true)) }},
	paneExpert:  {"Expert", "Expert", slotBottomRight, "The expert information", false, func(*Model) pane.View { return expert.NewPane(expert.NewStyles(true)) }},
}

// viewDoneMsg carries the result of a view's slow work (pane.Loader) back
// to it.
type viewDoneMsg struct {
	p      paneID
	result any
}

// newViews builds one of each view for m.
func newViews(m *Model) [numPanes]pane.View {
	var vs [numPanes]pane.View
	for p, spec := range viewTable {
		vs[p] = spec.make(m)
	}
	return vs
}

// paneCtx is what the views are told of the stepper (ui/pane).
func (m *Model) paneCtx() pane.Context {
	last, mask := m.quizLimit()
	ctx := pane.Context{
		TL: m.tl, Conv: m.conv, Row: m.cur, Seg: m.selSeg(), Absolute: m.absolute,
		Rows: m.rows, Last: last, Quiz: m.quiz.On(), Mask: mask, Vantage: m.vantage,
		Lesson: m.lessonParagraphs(),
		Frame:  m.readFrame, Time: m.timeFmt,
		Filter: m.rowFilter(),
		App:    m.appOf(m.conv), AppSlow: m.appSlow(m.conv), RawPayload: m.rawPayload,
	}
	if src, tl := m.src, m.tl; tl != nil {
		ctx.Payload = func(seg int) ([]byte, error) { return src.Payload(tl, seg) }
	}
	return ctx
}

// errNoFrame is a frame number the timeline has no record of.
var errNoFrame = errors.New("frame not in the timeline")

// readFrame is pane.Context.Frame: frame n's bytes and dissection from the
// source, with an error reading them reported in the footer too.
func (m *Model) readFrame(n uint32) ([]byte, model.Dissection, error) {
	f := m.frameRecord(n)
	if f == nil {
		return nil, model.Dissection{}, errNoFrame
	}
	data, d, err := m.src.Frame(f)
	if err != nil {
		m.err = fmt.Sprintf("frame %d: %v", n, err)
	}
	return data, d, err
}

// visible reports whether view p is on screen: the tab in front on a small
// screen, shown in its slot on a large one.
func (m *Model) visible(p paneID) bool {
	if m.screen != screenStepper || m.showHelp || m.conv == nil {
		return false
	}
	if m.lay.Tabs {
		return m.focus == p
	}
	return m.shown[viewTable[p].slot] == p
}

// showView brings view p to the front and focuses it.
func (m *Model) showView(p paneID) {
	if p < 0 || p >= numPanes {
		return
	}
	m.shown[viewTable[p].slot] = p
	m.focus = p
}

// cyclePane moves the focus d views on: through every tab on a small
// screen, through the four slots' views on a large one.
func (m *Model) cyclePane(d int) {
	if m.lay.Tabs {
		m.focus = paneID((int(m.focus) + d + int(numPanes)) % int(numPanes))
		return
	}
	slot := viewTable[m.focus].slot
	if m.shown[slot] != m.focus {
		slot = slotTopLeft
	}
	slot = (slot + d + numSlots) % numSlots
	m.focus = m.shown[slot]
}

// prepareViews does, for each view on screen, what it needs before it is
// drawn, and starts the slow work a view wants as a command. No frames are
// filed while that work reads the timeline (busy).
func (m *Model) prepareViews() tea.Cmd {
	if m.screen != screenStepper || m.conv == nil || m.tl == nil {
		return nil
	}
	var cmds []tea.Cmd
	ctx := m.paneCtx()
	for p, v := range m.views {
		if !m.visible(paneID(p)) || (viewTable[p].quizHides != "" && m.quiz.On()) {
			continue
		}
		if l, ok := v.(pane.Loader); ok {
			if work := l.Load(ctx); work != nil {
				id := paneID(p)
				m.busy++
				cmds = append(cmds, func() tea.Msg { return viewDoneMsg{id, work()} })
			}
		}
		if pr, ok := v.(pane.Preparer); ok {
			in := m.lay.Inner[p]
			pr.Prepare(ctx, in.W, in.H)
		}
	}
	return tea.Batch(cmds...)
}

// viewDone hands a view the result of its slow work.
func (m *Model) viewDone(msg viewDoneMsg) tea.Cmd {
	if l, ok := m.views[msg.p].(pane.Loader); ok {
		l.Loaded(msg.result)
	}
	return m.release()
}

// viewKeyTo hands key k to view p, drawn at its size, and moves the
// stepper where the view says. It reports whether the view used the key.
func (m *Model) viewKeyTo(p paneID, k pane.Key) bool {
	in := m.lay.Inner[p]
	r := m.views[p].Key(m.paneCtx(), k, in.W, in.H)
	m.viewMoved(r)
	return r.Used
}

// viewMoved moves the stepper where a view's answer to a key or a click
// says: to a row of the conversation, or to a frame of any (the expert
// view's frames), whose conversation it opens as the picker does.
func (m *Model) viewMoved(r pane.Result) {
	switch {
	case r.Move:
		m.setCur(r.Row)
	case r.Frame != 0:
		m.openFrame(r.Frame)
	}
}

// openFrame selects frame n, in the conversation it belongs to.
func (m *Model) openFrame(n uint32) {
	f := m.frameRecord(n)
	if f == nil || f.Stream < 0 || int(f.Stream) >= len(m.tl.Conversations) || m.tl.Conversations[f.Stream] == nil {
		m.err = fmt.Sprintf("frame %d belongs to no conversation", n)
		return
	}
	if c := m.tl.Conversations[f.Stream]; c != m.conv {
		if m.quiz.On() {
			m.err = fmt.Sprintf("frame %d is in stream %d: Q leaves the quiz first", n, c.Index)
			return
		}
		m.open(c)
		m.note = fmt.Sprintf("frame %d is in stream %d, %s %s %s: opened it", n, c.Index,
			model.Visible(c.Client.String()), glyphBoth, model.Visible(c.Server.String()))
	}
	i := sort.Search(len(m.rows), func(i int) bool { return m.rows[i].Frame >= n })
	if i == len(m.rows) || m.rows[i].Frame != n {
		m.err = fmt.Sprintf("frame %d is not one of stream %d's rows yet", n, m.conv.Index)
		return
	}
	m.setCur(i)
}

// viewsSwitched tells the views that another conversation is shown.
func (m *Model) viewsSwitched() {
	ctx := m.paneCtx()
	for _, v := range m.views {
		if s, ok := v.(pane.Switcher); ok {
			s.ConversationChanged(ctx)
		}
	}
}

// viewsGrew tells the views that the capture grew, and which
// conversations changed.
func (m *Model) viewsGrew(changed map[*model.Conversation]bool) {
	ctx := m.paneCtx()
	for _, v := range m.views {
		if g, ok := v.(pane.Grower); ok {
			g.Grew(ctx, func(c *model.Conversation) bool { return changed[c] })
		}
	}
}

// viewsThemed gives the views their styles for the terminal's background.
func (m *Model) viewsThemed(isDark bool) {
	for _, v := range m.views {
		if t, ok := v.(pane.Themed); ok {
			t.SetDark(isDark)
		}
	}
}

// paneTitle names a view in its border: its number key, its name, what
// it is showing, and the other views its slot can show.
func (m *Model) paneTitle(p paneID) string {
	t := fmt.Sprintf("%d %s", p+1, p)
	if m.conv != nil {
		if extra := m.views[p].Title(m.paneCtx()); extra != "" {
			t += "  " + extra
		}
	}
	var alt []string
	for q := range numPanes {
		if q != p && viewTable[q].slot == viewTable[p].slot {
			alt = append(alt, fmt.Sprintf("%d %s", q+1, viewTable[q].tab))
		}
	}
	if len(alt) > 0 {
		t += "  · " + strings.Join(alt, " ")
	}
	return t
}

// renderPane draws one view's content in w×h, or the placeholder of a
// view that a quiz hides.
func (m *Model) renderPane(p paneID, w, h int) string {
	if w <= 0 || h <= 0 || m.conv == nil {
		return ""
	}
	if name := viewTable[p].quizHides; name != "" && m.quiz.On() {
		return strings.Join(pane.FitBlock(m.st.Views.Wait.Render(ansi.Wrap(name+" is hidden during the quiz: it would show the steps to come. Q leaves the quiz.", max(w, 1), "")), w, h), "\n")
	}
	return m.views[p].View(m.paneCtx(), w, h)
}
