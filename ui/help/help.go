// Package help is the ? screen: the key bindings of the screen it covers,
// grouped by purpose and laid side by side as far as they fit, then notes
// on what the keys do not say. The root says what the page holds (its
// title, key groups and notes depend on the screen under it) and routes
// the keys; the screen keeps its scroll position and draws.
package help

import (
	"strings"

	// Imported as keyhelp: this package is help too, and the two must not
	// be mistaken for each other.
	keyhelp "charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/ui/pane"
)

// Page is what the help screen shows.
type Page struct {
	Title  string
	Groups [][]key.Binding
	// Notes are paragraphs, wrapped to the width under the key groups.
	Notes []string
	// Keys draws the key groups: the root's help model, so that the keys
	// look here as they do in its help bar.
	Keys keyhelp.Model
}

// Lines is the whole page for a width of w: the title, the key groups (as
// many side by side as fit in w, the rest on under the first ones) and the
// notes. A group wider than w on its own is not cut here: Render cuts
// every line to the width.
func Lines(st Styles, p Page, w int) []string {
	keys := p.Keys
	keys.SetWidth(0) // the groups are laid out here, never cut by the model
	lines := []string{"", "  " + st.Title.Render(p.Title), ""}
	flush := func(gs [][]key.Binding) {
		if len(gs) == 0 {
			return
		}
		for _, l := range strings.Split(keys.FullHelpView(gs), "\n") {
			lines = append(lines, "  "+l)
		}
		lines = append(lines, "")
	}
	var row [][]key.Binding
	for _, g := range p.Groups {
		try := append(append([][]key.Binding(nil), row...), g)
		if len(row) > 0 && width(keys.FullHelpView(try)) > w-2 {
			flush(row)
			row = [][]key.Binding{g}
			continue
		}
		row = try
	}
	flush(row)
	for _, n := range p.Notes {
		for _, l := range pane.Wrap(n, max(w-4, 1)) {
			lines = append(lines, "  "+st.Dim.Render(l))
		}
	}
	return lines
}

// width is the widest line of a rendered block.
func width(s string) int {
	w := 0
	for _, l := range strings.Split(s, "\n") {
		w = max(w, ansi.StringWidth(l))
	}
	return w
}

// Render draws lines from line top (clamped to the lines there are) into
// exactly w×h cells. When the rest does not fit, the last line says there
// is more and how to see it, in place of a line of the page.
func Render(st Styles, lines []string, top, w, h int) string {
	if len(lines) > h && h > 0 {
		top = min(max(top, 0), len(lines)-h)
		shown := append([]string(nil), lines[top:top+h]...)
		if top+h < len(lines) {
			shown[h-1] = "  " + st.More.Render("↓ more") + st.Dim.Render("  ↑↓ pgup pgdn scroll; any other key closes")
		}
		lines = shown
	}
	return strings.Join(pane.FitBlock(strings.Join(lines, "\n"), w, h), "\n")
}

// Screen is the help screen: its styles and how far it is scrolled.
type Screen struct {
	st  Styles
	top int // the first line shown
}

// NewScreen returns a help screen showing its first line.
func NewScreen(st Styles) *Screen { return &Screen{st: st} }

// SetDark restyles the screen for the terminal's background.
func (s *Screen) SetDark(isDark bool) { s.st = NewStyles(isDark) }

// Open shows the page from its first line, as it is every time the help
// is opened.
func (s *Screen) Open() { s.top = 0 }

// View draws page p into w×h cells from the line scrolled to.
func (s *Screen) View(p Page, w, h int) string {
	return Render(s.st, Lines(s.st, p, w), s.top, w, h)
}

// Scroll moves page p, drawn w×h, d lines on (back when d < 0), no further
// than its first line and no further than where its last line is on the
// screen.
func (s *Screen) Scroll(p Page, d, w, h int) {
	s.top = min(max(s.top+d, 0), max(len(Lines(s.st, p, w))-h, 0))
}
