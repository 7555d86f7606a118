package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
	"github.com/tcpstep/tcpstep/ui/picker"
)

// This file routes the keyboard and the mouse: to the help screen, the
// quiz's answer, the picker or the stepper first, then to the view in
// focus, as pane.Key values (ui/pane), so that no view knows the key map.

// key handles a key press: the export's format or the quiz's answer when
// one is asked for, then the help screen's keys, quit and help, then the
// screen's keys, then the focused pane's.
func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	m.note = ""
	m.touched = true
	if m.exportAsk {
		m.err = ""
		return m.exportKey(msg)
	}
	if m.scan != nil {
		// Any key stops a search reading payloads; esc does nothing else.
		esc := key.Matches(msg, k.PromptCancel)
		m.stopScan(esc)
		if esc {
			return nil
		}
	}
	if m.prompt != nil {
		m.err = ""
		cmd := m.promptKey(msg)
		m.relayout()
		return cmd
	}
	if m.flt.editing && m.screen == screenStepper {
		return m.filterKey(msg)
	}
	if m.screen == screenStepper && m.quiz.Asking() {
		m.err = ""
		m.showHelp = false
		cmd := m.quizKey(msg)
		m.relayout()
		return cmd
	}
	if m.showHelp {
		// The arrows scroll a help longer than the screen; q, esc and ?
		// close it, as the help says; any other key closes it and does
		// what it does. ctrl+c quits.
		m.err = ""
		if key.Matches(msg, k.QuitAlways) {
			return tea.Quit
		}
		r := m.pickerRect()
		d, page := 0, max(r.H-1, 1)
		switch {
		case key.Matches(msg, k.Down):
			d = 1
		case key.Matches(msg, k.Up):
			d = -1
		case key.Matches(msg, k.PageDown):
			d = page
		case key.Matches(msg, k.PageUp):
			d = -page
		default:
			m.showHelp = false
		}
		if m.showHelp {
			m.helpScreen.Scroll(m.helpPage(), d, r.W, r.H)
			return nil
		}
		if key.Matches(msg, k.HelpClose) {
			m.relayout()
			return nil
		}
	}
	if key.Matches(msg, k.Quit) {
		return tea.Quit
	}
	if m.screen == screenFailed {
		return nil // the error stays: there is nothing else to show
	}
	m.err = ""
	if key.Matches(msg, k.Help) {
		m.showHelp = true
		m.helpScreen.Open()
		m.relayout()
		return nil
	}
	var cmd tea.Cmd
	switch m.screen {
	case screenPicker:
		m.pickerKey(msg)
	case screenStepper:
		cmd = m.stepperKey(msg)
	}
	// A key may bring or take away the quiz or the lesson panel.
	m.relayout()
	return cmd
}

func (m *Model) pickerKey(msg tea.KeyPressMsg) {
	p := &m.picker
	h := m.pickerRect().H
	k := m.keys
	switch {
	case key.Matches(msg, k.Open):
		if c := p.Selected(); c != nil {
			m.open(c)
		}
		return
	case key.Matches(msg, k.ClearFilter):
		// With no filter to clear, esc goes back to the stepper.
		if !p.Key(picker.KeyClear, h) && m.pickerBack && m.conv != nil {
			m.screen = screenStepper
			m.afterMove()
		}
		return
	}
	for _, b := range []struct {
		b key.Binding
		k picker.Key
	}{
		{k.PickUp, picker.KeyUp}, {k.PickDown, picker.KeyDown},
		{k.PageUp, picker.KeyPageUp}, {k.PageDown, picker.KeyPageDown},
		{k.PickFirst, picker.KeyFirst}, {k.PickLast, picker.KeyLast},
		{k.SortNext, picker.KeySortNext}, {k.SortReverse, picker.KeySortReverse},
		{k.Backspace, picker.KeyBackspace},
	} {
		if key.Matches(msg, b.b) {
			p.Key(b.k, h)
			return
		}
	}
	// Typing filters: any printable text the key carries.
	if msg.Mod&^tea.ModShift == 0 {
		p.Type(msg.Text, h)
	}
}

func (m *Model) stepperKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	if used, cmd := m.viewKey(msg); used {
		return cmd
	}
	if used, cmd := m.filterKeys(msg); used {
		return cmd
	}
	switch {
	case m.search != nil && key.Matches(msg, k.SearchNext):
		return m.searchStep(1)
	case m.search == nil && m.flt.f != nil && key.Matches(msg, k.SearchNext, k.SearchPrev):
		// With a display filter set and no search, the search's repeat
		// keys move between the rows the filter matches.
		d := 1
		if key.Matches(msg, k.SearchPrev) {
			d = -1
		}
		if r := m.nextFiltered(d); r >= 0 {
			m.setCur(r)
		} else {
			m.note = "no other row matches " + model.Visible(m.flt.expr)
		}
		return nil
	case key.Matches(msg, k.SearchPrev):
		if m.search == nil {
			m.note = "N repeats a search backward: / searches first"
			return nil
		}
		return m.searchStep(-1)
	case m.search != nil && key.Matches(msg, k.ClearSearch):
		m.search = nil
		m.note = "search ended: n steps again"
	case key.Matches(msg, k.Search):
		m.openPrompt(promptSearch, "/")
	case key.Matches(msg, k.GoTo):
		lead := msg.String()
		if lead != "#" {
			lead = ":"
		}
		m.openPrompt(promptGoTo, lead)
	case key.Matches(msg, k.NextEvent):
		m.jump(1, "analysis event", m.hasEvent)
	case key.Matches(msg, k.PrevEvent):
		m.jump(-1, "analysis event", m.hasEvent)
	case key.Matches(msg, k.NextChange):
		m.nextChange()
	case key.Matches(msg, k.PrevChange):
		m.prevChange()
	case key.Matches(msg, k.TimeFormat):
		m.cycleTime()
	case key.Matches(msg, k.Next):
		if m.quiz.On() && m.cur >= m.quiz.Revealed() {
			m.quizForward()
			return nil
		}
		m.setCur(m.cur + 1)
	case key.Matches(msg, k.Quiz):
		if m.quiz.On() {
			m.stopQuiz()
		} else {
			m.startQuiz()
		}
	case key.Matches(msg, k.QuizLeave) && m.quiz.On():
		m.stopQuiz()
	case key.Matches(msg, k.Lesson):
		if m.opts.Lesson == nil {
			m.err = "this capture has no lesson: the embedded samples do (tcpstep lessons), and a NAME.lesson.md beside NAME.pcap (tcpstep lesson)"
			return nil
		}
		m.lessonOn = !m.lessonOn
	case key.Matches(msg, k.Answer):
		m.showAnswer()
	case key.Matches(msg, k.Prev):
		m.setCur(m.cur - 1)
	case key.Matches(msg, k.First):
		m.setCur(0)
	case key.Matches(msg, k.Last):
		m.setCur(len(m.rows) - 1)
	case key.Matches(msg, k.Toggle):
		m.absolute = !m.absolute
	case key.Matches(msg, k.Raw):
		m.rawPayload = !m.rawPayload
		if m.rawPayload {
			m.note = "the ladder previews the raw payload (P names the application messages again)"
		} else {
			m.note = "the ladder names the application messages (P previews the raw payload)"
		}
	case key.Matches(msg, k.Follow):
		m.toggleFollow()
	case key.Matches(msg, k.NextPane):
		m.cyclePane(1)
	case key.Matches(msg, k.PrevPane):
		m.cyclePane(-1)
	case key.Matches(msg, k.Picker):
		m.stopQuiz()
		m.picker.CatchUp(m.tl)
		m.screen = screenPicker
		m.pickerBack = true
		// Select the conversation being stepped through.
		m.picker.Select(m.conv)
		m.picker.Scroll(m.pickerRect().H)
	default:
		m.paneKey(msg)
	}
	return nil
}

// paneKey gives the focused view the keys that mean something only to it.
func (m *Model) paneKey(msg tea.KeyPressMsg) {
	k := m.keys
	for _, b := range []struct {
		b key.Binding
		k pane.Key
	}{{k.Down, pane.KeyDown}, {k.Up, pane.KeyUp}, {k.PageDown, pane.KeyPageDown}, {k.PageUp, pane.KeyPageUp}} {
		if key.Matches(msg, b.b) {
			m.viewKeyTo(m.focus, b.k)
			return
		}
	}
}

// click selects what was clicked: a ladder row, a picker row (a second click
// opens it), a tab, or focuses a pane.
func (m *Model) click(ms tea.Mouse) {
	if ms.Button != tea.MouseLeft {
		return
	}
	m.err = ""
	switch m.screen {
	case screenPicker:
		if m.picker.Click(ms.Y - m.pickerRect().Y) {
			if c := m.picker.Selected(); c != nil {
				m.open(c)
			}
		}
	case screenStepper:
		if m.showHelp {
			m.showHelp = false
			return
		}
		if m.lay.Tabs && m.lay.TabBar.contains(ms.X, ms.Y) {
			if p, ok := tabAt(m.lay.TabBar.W, ms.X, m.focus); ok {
				m.focus = p
			}
			return
		}
		p, ok := m.lay.paneAt(ms.X, ms.Y, m.focus, m.shown)
		if !ok {
			return
		}
		m.focus = p
		in := m.lay.Inner[p]
		if c, ok := m.views[p].(pane.Clicker); ok && in.contains(ms.X, ms.Y) {
			m.viewMoved(c.Click(m.paneCtx(), ms.X-in.X, ms.Y-in.Y, in.W, in.H))
		}
	}
}

// wheel scrolls the pane under the pointer; the ladder's selection stays.
func (m *Model) wheel(ms tea.Mouse) {
	d := 0
	switch ms.Button {
	case tea.MouseWheelUp:
		d = -3
	case tea.MouseWheelDown:
		d = 3
	default:
		return
	}
	switch m.screen {
	case screenPicker:
		wk := picker.KeyWheelDown
		if d < 0 {
			wk = picker.KeyWheelUp
		}
		m.picker.Key(wk, m.pickerRect().H)
	case screenStepper:
		if p, ok := m.lay.paneAt(ms.X, ms.Y, m.focus, m.shown); ok {
			wk := pane.KeyWheelDown
			if d < 0 {
				wk = pane.KeyWheelUp
			}
			m.viewKeyTo(p, wk)
		}
	}
}
