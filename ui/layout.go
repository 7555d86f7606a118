package ui

// rect is a named rectangle of the screen, in cells; X and Y are 0-based.
type rect struct{ X, Y, W, H int }

// contains reports whether the cell (x, y) lies inside r.
func (r rect) contains(x, y int) bool {
	return x >= r.X && x < r.X+r.W && y >= r.Y && y < r.Y+r.H
}

// inset returns r shrunk by n cells on every side (never negative).
func (r rect) inset(n int) rect {
	r.X += n
	r.Y += n
	r.W = max(0, r.W-2*n)
	r.H = max(0, r.H-2*n)
	return r
}

// paneID names the views of the stepper: the four panes of the first
// screen, then the views an analyst adds to them. The number key of a view is
// its paneID plus one.
type paneID int

const (
	paneLadder paneID = iota
	paneStates
	paneLayers
	paneExplain
	paneFollow
	paneGraph
	paneNetstat
	paneISN
	paneExpert
	numPanes
)

func (p paneID) String() string {
	if p >= 0 && p < numPanes {
		return viewTable[p].name
	}
	return "?"
}

// The split layout has four slots; each view has its home slot, and a slot
// shows one of its views at a time: the state diagram or the netstat lines
// (what each host holds), the layers, the follow view or the graph (wide
// views), the explanation, the ISN analysis or the expert information.
const (
	slotTopLeft = iota
	slotTopRight
	slotBottomLeft
	slotBottomRight
	numSlots
)

// defaultShown is what the slots show until a number key changes it.
var defaultShown = [numSlots]paneID{paneLadder, paneStates, paneLayers, paneExplain}

// Sizes at and above which the four panes are shown at once; below them the
// panes become tabs, one at a time under a tab bar. The state diagram needs
// about 80 columns and the hex dump about 75, so two of each side by side
// want a wide terminal.
const (
	splitMinW = 150
	splitMinH = 40
)

// tabbed says a w×h screen shows its views one at a time, as tabs.
func tabbed(w, h int) bool { return w < splitMinW || h < splitMinH }

// layout is the screen cut into named rectangles, computed once per
// tea.WindowSizeMsg and handed to the panes, so no view measures the
// terminal itself.
type layout struct {
	W, H int
	// Tabs says the panes share the body one at a time (small terminals).
	Tabs   bool
	Header rect
	TabBar rect // H is 0 unless Tabs
	Body   rect // everything between the header (and tab bar) and the panel
	// Panel is the strip under the body for the quiz or the lesson (H 0
	// when neither is shown).
	Panel  rect
	Footer rect
	// Slot is each slot's rectangle including its border in split mode,
	// SlotIn the part its content may use. Outer and Inner are the same by
	// view: a view's home slot. In tab mode all of them are Body.
	Slot, SlotIn [numSlots]rect
	Outer        [numPanes]rect
	Inner        [numPanes]rect
}

// computeLayout cuts a w×h screen with a footer of footerH lines (see
// footerLines). It never returns negative sizes, so a one-line terminal
// still renders (badly) rather than panicking.
func computeLayout(w, h, footerH int) layout {
	w, h = max(w, 0), max(h, 0)
	l := layout{W: w, H: h}
	l.Header = rect{0, 0, w, min(1, h)}
	l.Footer = rect{0, h - footerH, w, footerH}
	top := l.Header.H
	l.Tabs = tabbed(w, h)
	if l.Tabs {
		if h-top-footerH >= 2 {
			l.TabBar = rect{0, top, w, 1}
			top++
		}
	}
	l.Body = rect{0, top, w, max(0, h-top-footerH)}

	if l.Tabs {
		for i := range numSlots {
			l.Slot[i], l.SlotIn[i] = l.Body, l.Body
		}
		for p := range numPanes {
			l.Outer[p] = l.Body
			l.Inner[p] = l.Body
		}
		return l
	}

	// Split: ladder | states above, layers | explanation below.
	b := l.Body
	topH := b.H * 55 / 100
	statesW := min(max(w*45/100, 64), 100)
	ladderW := w - statesW
	layersW := min(max(w*55/100, 84), w-40)
	explainW := w - layersW
	l.Slot[slotTopLeft] = rect{b.X, b.Y, ladderW, topH}
	l.Slot[slotTopRight] = rect{b.X + ladderW, b.Y, statesW, topH}
	l.Slot[slotBottomLeft] = rect{b.X, b.Y + topH, layersW, b.H - topH}
	l.Slot[slotBottomRight] = rect{b.X + layersW, b.Y + topH, explainW, b.H - topH}
	for i := range numSlots {
		l.SlotIn[i] = l.Slot[i].inset(1)
	}
	for p := range numPanes {
		l.Outer[p] = l.Slot[viewTable[p].slot]
		l.Inner[p] = l.SlotIn[viewTable[p].slot]
	}
	return l
}

// footerLines is how many lines the footer of a screen h high takes when
// its text wants fh: none on a screen of fewer than three lines, else one
// at least, and more (a message that wraps) only up to a quarter of the
// screen and maxFooterH.
func footerLines(h, fh int) int {
	if h < 3 {
		return 0
	}
	return min(max(fh, 1), max(min(h/4, maxFooterH), 1))
}

// maxFooterH is the most lines a footer's message wraps to.
const maxFooterH = 4

// withPanel cuts a w×h screen whose footer wants fh lines, with a strip of
// about ph lines for the quiz or the lesson off the bottom of its body,
// leaving the body at least a few lines when the screen is short.
func withPanel(w, h, ph, fh int) layout {
	footerH := footerLines(h, fh)
	// The header, the tab bar and two body lines come first.
	ph = min(max(ph, 0), max(h-footerH-4, 0))
	l := computeLayout(w, h-ph, footerH)
	if ph == 0 {
		return l
	}
	l.H = h
	l.Panel = rect{0, h - ph - footerH, w, ph}
	l.Footer = rect{0, h - footerH, w, footerH}
	return l
}

// paneAt returns the view under (x, y), given which view is the visible
// tab in tab mode and which views the slots show in split mode.
func (l layout) paneAt(x, y int, tab paneID, shown [numSlots]paneID) (paneID, bool) {
	if l.Tabs {
		if l.Body.contains(x, y) {
			return tab, true
		}
		return 0, false
	}
	for i := range numSlots {
		if l.Slot[i].contains(x, y) {
			return shown[i], true
		}
	}
	return 0, false
}
