package ui

import (
	"fmt"
	"strconv"

	"charm.land/bubbles/v2/key"
)

// keyMap lists every key binding of the stepper. It is built by
// defaultKeyMap rather than kept in a global so tests and callers get a
// fresh copy they may change.
type keyMap struct {
	Next     key.Binding
	Prev     key.Binding
	First    key.Binding
	Last     key.Binding
	Toggle   key.Binding
	Follow   key.Binding // follow the end of a growing conversation, like less +F
	NextPane key.Binding
	PrevPane key.Binding
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Picker   key.Binding
	// Views are the number keys 1 to 8, one per view: a tab on a small
	// screen, a pane's content on a large one.
	Views   key.Binding
	Mode    key.Binding // the focused view's mode: follow text/hex, graph directions, netstat/ss
	ZoomIn  key.Binding
	ZoomOut key.Binding
	Export  key.Binding
	Lesson  key.Binding
	Quiz    key.Binding
	Help    key.Binding
	Quit    key.Binding

	// The quiz's keys while a question waits for its answer: everything
	// else is typed into the answer.
	QuizCheck key.Binding
	QuizLeave key.Binding

	// The export's choice of format, asked in the footer after Export.
	ExportMermaid key.Binding
	ExportSVG     key.Binding
	ExportText    key.Binding
	ExportCancel  key.Binding

	// The picker's own keys: letters are typed into its filter, so it moves
	// with arrows and control keys only.
	Open        key.Binding
	PickUp      key.Binding
	PickDown    key.Binding
	PickFirst   key.Binding
	PickLast    key.Binding
	SortNext    key.Binding
	SortReverse key.Binding
	ClearFilter key.Binding
	Backspace   key.Binding
}

// defaultKeyMap returns the keys the issue names: arrows and vi letters to
// step, r to switch numbering, tab to move between panes, 1 to 8 to pick a
// view, m for the focused view's mode, + and - to zoom the graph, x to
// export, s for the picker, L for the lesson, Q for the quiz, ? for help and
// q or ctrl+c to quit.
func defaultKeyMap() keyMap {
	return keyMap{
		Next:     key.NewBinding(key.WithKeys("right", "l", "n", "space"), key.WithHelp("→/l/n/space", "next")),
		Prev:     key.NewBinding(key.WithKeys("left", "h", "p"), key.WithHelp("←/h/p", "previous")),
		First:    key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g/home", "first")),
		Last:     key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G/end", "last")),
		Toggle:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "absolute/relative")),
		Follow:   key.NewBinding(key.WithKeys("F"), key.WithHelp("F", "follow the end")),
		NextPane: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next pane")),
		PrevPane: key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous pane")),
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up (pane)")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down (pane)")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Picker:   key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "conversations")),
		Views:    key.NewBinding(key.WithKeys(viewKeys()...), key.WithHelp(fmt.Sprintf("1-%d", numPanes), "views")),
		Mode:     key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "view mode")),
		ZoomIn:   key.NewBinding(key.WithKeys("+", "="), key.WithHelp("+", "graph zoom in")),
		ZoomOut:  key.NewBinding(key.WithKeys("-"), key.WithHelp("-", "graph zoom out")),
		Export:   key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "export")),
		Lesson:   key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "lesson on/off")),
		Quiz:     key.NewBinding(key.WithKeys("Q"), key.WithHelp("Q", "quiz on/off")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:     key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),

		QuizCheck: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "check the answer")),
		QuizLeave: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "leave the quiz")),

		ExportMermaid: key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "Mermaid")),
		ExportSVG:     key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "SVG")),
		ExportText:    key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "text ladder")),
		ExportCancel:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),

		Open:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		PickUp:      key.NewBinding(key.WithKeys("up", "ctrl+p"), key.WithHelp("↑", "up")),
		PickDown:    key.NewBinding(key.WithKeys("down", "ctrl+n"), key.WithHelp("↓", "down")),
		PickFirst:   key.NewBinding(key.WithKeys("home"), key.WithHelp("home", "first")),
		PickLast:    key.NewBinding(key.WithKeys("end"), key.WithHelp("end", "last")),
		SortNext:    key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "sort column")),
		SortReverse: key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "reverse sort")),
		ClearFilter: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter/back")),
		Backspace:   key.NewBinding(key.WithKeys("backspace"), key.WithHelp("backspace", "delete filter char")),
	}
}

// ShortHelp is the help bar of the stepper.
func (k keyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Next, k.Prev, k.Views, k.NextPane, k.Toggle, k.Export, k.Picker, k.Help, k.Quit}
}

// FullHelp is the ? screen of the stepper, grouped by purpose.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Next, k.Prev, k.First, k.Last, k.Follow},
		{k.Toggle, k.NextPane, k.PrevPane, k.Up, k.Down, k.PageUp, k.PageDown},
		{k.Views, k.Mode, k.ZoomIn, k.ZoomOut, k.Export},
		{k.Picker, k.Lesson, k.Quiz, k.Help, k.Quit},
	}
}

// quizKeys presents the keys of a question waiting for its answer.
type quizKeys struct{ k keyMap }

func (q quizKeys) ShortHelp() []key.Binding {
	return []key.Binding{q.k.QuizCheck, q.k.QuizLeave, q.k.NextPane}
}

func (q quizKeys) FullHelp() [][]key.Binding { return [][]key.Binding{q.ShortHelp()} }

// pickerKeys presents the picker's bindings to bubbles/help.
type pickerKeys struct{ k keyMap }

func (p pickerKeys) ShortHelp() []key.Binding {
	return []key.Binding{p.k.Open, p.k.PickUp, p.k.PickDown, p.k.SortNext, p.k.SortReverse, p.k.ClearFilter, p.k.Help, p.k.Quit}
}

func (p pickerKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{p.k.Open, p.k.PickUp, p.k.PickDown, p.k.PageUp, p.k.PageDown, p.k.PickFirst, p.k.PickLast},
		{p.k.SortNext, p.k.SortReverse, p.k.ClearFilter, p.k.Backspace},
		{p.k.Help, p.k.Quit},
	}
}

// exportKeys presents the export's choice of format.
type exportKeys struct{ k keyMap }

func (e exportKeys) ShortHelp() []key.Binding {
	return []key.Binding{e.k.ExportMermaid, e.k.ExportSVG, e.k.ExportText, e.k.ExportCancel}
}

func (e exportKeys) FullHelp() [][]key.Binding { return [][]key.Binding{e.ShortHelp()} }

// viewKeys are the number keys of the views, one per line of viewTable.
func viewKeys() []string {
	ks := make([]string, numPanes)
	for p := range numPanes {
		ks[p] = strconv.Itoa(int(p) + 1)
	}
	return ks
}
