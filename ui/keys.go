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
	Next   key.Binding
	Prev   key.Binding
	First  key.Binding
	Last   key.Binding
	Toggle key.Binding
	// Raw switches the ladder's arrows between the application messages
	// a segment carries (SMTP VRFY root) and the raw start of its payload.
	Raw      key.Binding
	Follow   key.Binding // follow the end of a growing conversation, like less +F
	NextPane key.Binding
	PrevPane key.Binding
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Picker   key.Binding
	// Views are the number keys 1 to 9, one per view: a tab on a small
	// screen, a pane's content on a large one.
	Views   key.Binding
	Mode    key.Binding // the focused view's mode: follow text/hex, graph directions, netstat/ss, expert capture/conversation
	ZoomIn  key.Binding
	ZoomOut key.Binding
	Export  key.Binding
	Lesson  key.Binding
	Answer  key.Binding // the answer to the lesson's question at this step
	Quiz    key.Binding
	Help    key.Binding
	Quit    key.Binding
	// QuitAlways is ctrl+c alone: it quits where q is a letter (a quiz's
	// answer, a prompt) or closes something (the help).
	QuitAlways key.Binding

	// Moving around as in less, vim and Wireshark (move.go): go to a
	// frame, search forward and repeat it either way, jump to the next or
	// previous analysis event or state change, and the time column's
	// format. SearchNext is n, which is also Next: it repeats the search
	// while there is one (esc forgets it), and steps when there is none.
	GoTo        key.Binding
	Search      key.Binding
	SearchNext  key.Binding
	SearchPrev  key.Binding
	ClearSearch key.Binding
	NextEvent   key.Binding
	PrevEvent   key.Binding
	NextChange  key.Binding
	PrevChange  key.Binding
	TimeFormat  key.Binding

	// A prompt's keys (a frame number or a pattern typed in the footer):
	// everything else edits the line.
	PromptEnter  key.Binding
	PromptCancel key.Binding

	// The help screen's keys: the arrows scroll it, q, esc and ? close it
	// (any other key closes it too, and does what it does).
	HelpScroll key.Binding
	HelpClose  key.Binding

	// The ladder's display filter (filter.go): typed in the footer after
	// Filter (FilterApply and FilterCancel there), then the rows it does
	// not match dimmed or hidden, and the next and previous rows it
	// matches.
	Filter       key.Binding
	FilterHide   key.Binding
	FilterNext   key.Binding
	FilterPrev   key.Binding
	FilterApply  key.Binding
	FilterCancel key.Binding

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

	// ViewOpen (→ and enter) and ViewClose (←) go to the focused view
	// first: the expert view opens and closes its rows with them. The
	// arrows step when the view has no use for them.
	ViewOpen  key.Binding
	ViewClose key.Binding
	// Write writes the conversation's frames to a pcap file, as tcpstep
	// write does.
	Write key.Binding
}

// defaultKeyMap returns the stepper's keys: arrows and vi letters to
// step, r to switch numbering, P the ladder's raw payload, tab to move between panes, 1 to 9 to pick a
// view, m for the focused view's mode, + and - to zoom the graph, x to
// export, s for the picker, L for the lesson (a for its question's
// answer), Q for the quiz, f for the ladder's display filter (H, alt+n
// and alt+p with it), ? for help and q or
// ctrl+c to quit; and to move around as less, vim and Wireshark do,
// : or # (Wireshark's ctrl+g) to go to a frame, / to search with n and N
// to repeat it (as less does: ? stays the help), ] and [ for analysis
// events, } and { for state changes (vim's paragraphs), t for the time
// format.
func defaultKeyMap() keyMap {
	return keyMap{
		Next:     key.NewBinding(key.WithKeys("right", "l", "n", "space"), key.WithHelp("→/l/n/space", "next")),
		Prev:     key.NewBinding(key.WithKeys("left", "h", "p"), key.WithHelp("←/h/p", "previous")),
		First:    key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g/home", "first")),
		Last:     key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G/end", "last")),
		Toggle:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "absolute/relative")),
		Raw:      key.NewBinding(key.WithKeys("P"), key.WithHelp("P", "raw payload")),
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
		Answer:   key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "lesson's answer")),
		Quiz:     key.NewBinding(key.WithKeys("Q"), key.WithHelp("Q", "quiz on/off")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:     key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),

		GoTo:        key.NewBinding(key.WithKeys(":", "#", "ctrl+g"), key.WithHelp(":/#", "go to frame")),
		Search:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search")),
		SearchNext:  key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next match")),
		SearchPrev:  key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "previous match")),
		ClearSearch: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "end search")),
		NextEvent:   key.NewBinding(key.WithKeys("]"), key.WithHelp("]", "next event")),
		PrevEvent:   key.NewBinding(key.WithKeys("["), key.WithHelp("[", "previous event")),
		NextChange:  key.NewBinding(key.WithKeys("}"), key.WithHelp("}", "next state change")),
		PrevChange:  key.NewBinding(key.WithKeys("{"), key.WithHelp("{", "previous state change")),
		TimeFormat:  key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "time format")),

		PromptEnter:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "go")),
		PromptCancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),

		QuitAlways: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		HelpScroll: key.NewBinding(key.WithKeys("up", "down", "pgup", "pgdown"), key.WithHelp("↑↓", "scroll")),
		HelpClose:  key.NewBinding(key.WithKeys("q", "esc", "?"), key.WithHelp("q/esc", "close help")),

		Filter:       key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "display filter")),
		FilterHide:   key.NewBinding(key.WithKeys("H"), key.WithHelp("H", "hide/dim unmatched rows")),
		FilterNext:   key.NewBinding(key.WithKeys("alt+n", "ctrl+n"), key.WithHelp("alt+n", "next matching row")),
		FilterPrev:   key.NewBinding(key.WithKeys("alt+p", "ctrl+p"), key.WithHelp("alt+p", "previous matching row")),
		FilterApply:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply")),
		FilterCancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),

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

		ViewOpen:  key.NewBinding(key.WithKeys("right", "enter"), key.WithHelp("→/enter", "open (expert view)")),
		ViewClose: key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "close (expert view)")),
		Write:     key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "write pcap")),
	}
}

// A footer's bar shows a screen's keys in their order, as many as fit:
// each has a rank, and a bar too narrow for all of them drops the lowest
// ranks first (the last of equal ranks first), never those ranked
// keepKey. A bar that does not fit also shows a key's short label (→
// rather than →/l/n/space) when it has one; the ? screen lists them all.
type barKey struct {
	b     key.Binding
	rank  int
	short string
}

// keepKey is the rank of the keys a bar always shows: the way to help
// and the way out.
const keepKey = 100

// stepperBar is the stepper's bar: stepping first, then moving between
// the views, then the other conversations, the numbering and the export.
func (k keyMap) stepperBar() []barKey {
	return []barKey{
		{k.Next, 90, "→"}, {k.Prev, 80, "←"}, {k.Views, 60, ""}, {k.NextPane, 70, ""},
		{k.Search, 45, ""}, {k.GoTo, 35, ""}, {k.Toggle, 40, ""}, {k.Export, 30, ""}, {k.Picker, 50, ""}, {k.Filter, 20, ""},
		{k.Raw, 15, ""}, {k.Help, keepKey, ""}, {k.Quit, keepKey, ""},
	}
}

// searchBar is the stepper's bar while a search is set: n and N repeat
// it, esc ends it (before ← goes: it is the way back to n stepping), and
// n is no longer a way to step.
func (k keyMap) searchBar() []barKey {
	next := k.Next
	next.SetHelp("→/l/space", "next")
	return []barKey{
		{both(k.SearchNext, k.SearchPrev, "match"), 95, ""}, {next, 90, "→"}, {k.Prev, 80, "←"},
		{k.ClearSearch, 85, ""}, {k.Views, 60, ""}, {k.NextPane, 70, ""},
		{k.Help, keepKey, ""}, {k.Quit, keepKey, ""},
	}
}

// promptBar is the bar after a prompt being typed (a frame number, a
// pattern): every letter is typed into it, q and ? too, so it says how to
// run it, how to cancel, and that ctrl+c quits.
func (k keyMap) promptBar(run string) []barKey {
	enter := k.PromptEnter
	enter.SetHelp(enter.Help().Key, run)
	return []barKey{{enter, 90, ""}, {k.PromptCancel, 80, ""}, {k.QuitAlways, keepKey, ""}}
}

// scanBar is the bar while a search reads payloads: any key stops it and
// does what it does, esc only stops it.
func (k keyMap) scanBar() []barKey {
	stop := k.PromptCancel
	stop.SetHelp(stop.Help().Key, "stop")
	return []barKey{{stop, 80, ""}, {k.Help, keepKey, ""}, {k.Quit, keepKey, ""}}
}

// quizBar is the stepper's bar in quiz mode with no question waiting:
// stepping on (which asks the questions) and leaving the quiz first.
func (k keyMap) quizBar() []barKey {
	return []barKey{
		{k.Next, 90, "→"}, {k.Prev, 80, "←"}, {k.Quiz, 85, ""}, {k.Toggle, 40, ""},
		{k.NextPane, 70, ""}, {k.Help, keepKey, ""}, {k.Quit, keepKey, ""},
	}
}

// askBar is the bar while a question waits for its answer. Every letter
// is typed into the answer, q and ? too, so the bar says how to check
// it, how to leave, and that ctrl+c quits.
func (k keyMap) askBar() []barKey {
	return []barKey{
		{k.QuizCheck, keepKey, ""}, {k.QuizLeave, 80, ""}, {k.NextPane, 50, ""},
		{k.QuitAlways, keepKey, ""},
	}
}

// pickerBar is the conversation picker's bar: opening and moving first;
// the sort goes before the filter's esc.
func (k keyMap) pickerBar() []barKey {
	return []barKey{
		{k.Open, 90, ""}, {k.PickUp, 80, ""}, {k.PickDown, 80, ""}, {k.SortNext, 50, ""},
		{k.SortReverse, 40, ""}, {k.ClearFilter, 60, ""}, {k.Help, keepKey, ""}, {k.Quit, keepKey, ""},
	}
}

// filterBar is the bar beside the display filter being typed in the
// footer: enter applies it, esc leaves it as it was.
func (k keyMap) filterBar() []barKey {
	return []barKey{{k.FilterApply, 90, ""}, {k.FilterCancel, 80, ""}}
}

// exportBar is the export's choice of format: any other key cancels, so
// esc is the first to go.
func (k keyMap) exportBar() []barKey {
	return []barKey{{k.ExportMermaid, 90, ""}, {k.ExportSVG, 90, ""}, {k.ExportText, 90, ""}, {k.ExportCancel, 80, ""}}
}

// helpBar is the bar under the ? screen, where q closes the help rather
// than quitting.
func (k keyMap) helpBar() []barKey {
	return []barKey{{k.HelpScroll, 80, ""}, {k.HelpClose, keepKey, ""}, {k.QuitAlways, keepKey, ""}}
}

// ShortHelp is the help bar of the stepper, all of its keys.
func (k keyMap) ShortHelp() []key.Binding { return bindings(k.stepperBar(), false) }

// FullHelp is the ? screen of the stepper, grouped by purpose.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Next, k.Prev, k.First, k.Last, k.Follow},
		{k.Toggle, k.Raw, k.NextPane, k.PrevPane, k.Up, k.Down, k.PageUp, k.PageDown},
		{
			k.GoTo, k.Search, both(k.SearchNext, k.SearchPrev, "next/previous match"),
			both(k.NextEvent, k.PrevEvent, "next/previous event"),
			both(k.NextChange, k.PrevChange, "next/previous state change"), k.TimeFormat,
		},
		{k.Views, k.Mode, k.ZoomIn, k.ZoomOut, k.Export},
		{k.Filter, k.FilterHide, k.FilterNext, k.FilterPrev},
		{k.Picker, k.Write, k.Lesson, k.Answer, k.Quiz, k.Help, k.Quit},
	}
}

// both is a pair of keys that go opposite ways, shown as one line of the
// help: "n/N next/previous match".
func both(a, b key.Binding, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(append(a.Keys(), b.Keys()...)...), key.WithHelp(a.Help().Key+"/"+b.Help().Key, desc))
}

// bindings are a bar's keys, with their short labels when short is set.
func bindings(keys []barKey, short bool) []key.Binding {
	out := make([]key.Binding, len(keys))
	for i, k := range keys {
		out[i] = k.b
		if short && k.short != "" {
			out[i].SetHelp(k.short, k.b.Help().Desc)
		}
	}
	return out
}

// pickerKeys presents the picker's bindings to bubbles/help.
type pickerKeys struct{ k keyMap }

func (p pickerKeys) ShortHelp() []key.Binding { return bindings(p.k.pickerBar(), false) }

func (p pickerKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{p.k.Open, p.k.PickUp, p.k.PickDown, p.k.PageUp, p.k.PageDown, p.k.PickFirst, p.k.PickLast},
		{p.k.SortNext, p.k.SortReverse, p.k.ClearFilter, p.k.Backspace},
		{p.k.Help, p.k.Quit},
	}
}

// viewKeys are the number keys of the views, one per line of viewTable.
func viewKeys() []string {
	ks := make([]string, numPanes)
	for p := range numPanes {
		ks[p] = strconv.Itoa(int(p) + 1)
	}
	return ks
}
