package help

import (
	"fmt"
	"strings"
	"testing"

	keyhelp "charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/tcpstep/tcpstep/ui/pane"
	"github.com/tcpstep/tcpstep/ui/pane/panetest"
)

func bind(k, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(k), key.WithHelp(k, desc))
}

// testPage is shaped like the stepper's: three groups of keys, a long
// paragraph and short ones.
func testPage() Page {
	return Page{
		Title: "Keys",
		Groups: [][]key.Binding{
			{bind("→", "next"), bind("←", "previous"), bind("g", "first"), bind("G", "last")},
			{bind("r", "absolute/relative"), bind("tab", "next pane"), bind("↑", "up (pane)"), bind("↓", "down (pane)")},
			{bind("s", "conversations"), bind("?", "help"), bind("q", "quit")},
		},
		Notes: []string{
			"Press any key to close this help (↑↓ scroll it).",
			"Views (1-8): 1 ladder, 2 RFC 793 states (as seen from the capture's vantage point), 3 layers and bytes, 4 explanation; on a small screen each is a tab.",
			"Export (x, then m, s or t): writes the conversation's ladder as a Mermaid sequenceDiagram, a standalone SVG or the text ladder to the current directory.",
			"Quiz (Q): the steps after the current one are hidden; before some of them a question is asked. Type the answer and press enter: it is checked, explained and scored.",
			"Lesson (L): the notes show above the explanation.",
		},
		Keys: keyhelp.New(),
	}
}

var (
	widths  = []int{1, 2, 5, 10, 20, 30, 40, 60, 80, 120, 200, 240}
	heights = []int{1, 2, 3, 5, 8, 12, 24, 50}
)

// Every size and scroll position draws exactly w×h cells.
func TestRenderFits(t *testing.T) {
	st := NewStyles(true)
	p := testPage()
	for _, w := range widths {
		lines := Lines(st, p, w)
		for _, h := range heights {
			for _, top := range []int{-5, 0, 1, 3, len(lines) - h, 1000} {
				what := fmt.Sprintf("top %d", top)
				out := Render(st, lines, top, w, h)
				panetest.CheckFits(t, what, out, w, h)
				if got := strings.Split(out, "\n"); len(got) != h || pane.Width(got[h-1]) != w {
					t.Errorf("%s at %dx%d: %d lines, the last %d wide, want exactly %dx%d", what, w, h, len(got), pane.Width(got[len(got)-1]), w, h)
				}
			}
		}
	}
}

// The Screen at every size, scrolled every way the root scrolls it.
func TestScreenFits(t *testing.T) {
	p := testPage()
	for _, w := range widths {
		for _, h := range heights {
			s := NewScreen(NewStyles(false))
			s.Open()
			for i, d := range []int{0, 1, 1, h - 1, h - 1, 1000, -1, -(h - 1), -1000} {
				s.Scroll(p, d, w, h)
				panetest.CheckFits(t, fmt.Sprintf("scroll %d (%d)", i, d), s.View(p, w, h), w, h)
			}
		}
	}
}

func plain(s string) []string {
	lines := strings.Split(ansi.Strip(s), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return lines
}

// The groups go side by side while they fit in the width less the
// margin, on under the first ones when not; the notes wrap to the width
// less both margins.
func TestLinesLayout(t *testing.T) {
	st := NewStyles(true)
	p := testPage()
	wide := plain(strings.Join(Lines(st, p, 120), "\n"))
	if wide[0] != "" || wide[1] != "  Keys" || wide[2] != "" {
		t.Fatalf("the title is not between blank lines:\n%s", strings.Join(wide[:3], "\n"))
	}
	if l := wide[3]; !strings.HasPrefix(l, "  → next") || !strings.Contains(l, "r   absolute/relative") || !strings.Contains(l, "s conversations") {
		t.Errorf("at 120 the three groups should be side by side: %q", l)
	}
	narrow := plain(strings.Join(Lines(st, p, 30), "\n"))
	var firsts []int
	for i, l := range narrow {
		for _, k := range []string{"  → ", "  r ", "  s "} {
			if strings.HasPrefix(l, k) {
				firsts = append(firsts, i)
			}
		}
	}
	if len(firsts) != 3 || firsts[0] != 3 || narrow[firsts[1]-1] != "" || narrow[firsts[2]-1] != "" {
		t.Errorf("at 30 each group should start a block of its own (lines %v):\n%s", firsts, strings.Join(narrow, "\n"))
	}
	for _, w := range []int{30, 60, 120} {
		var text []string
		for _, l := range plain(strings.Join(Lines(st, p, w), "\n")) {
			if strings.HasPrefix(l, "  Press any key") || (len(text) > 0 && l != "") {
				text = append(text, l)
			}
		}
		want := 0
		for _, n := range p.Notes {
			want += len(pane.Wrap(n, w-4))
		}
		if len(text) != want {
			t.Errorf("at %d: %d lines of notes, want %d:\n%s", w, len(text), want, strings.Join(text, "\n"))
		}
		for _, l := range text {
			if !strings.HasPrefix(l, "  ") || pane.Width(l) > w-2 {
				t.Errorf("at %d: note line %q is not within the margins", w, l)
			}
		}
		if got := strings.Join(strings.Fields(strings.Join(text, " ")), " "); !strings.Contains(got, "Lesson (L): the notes show above the explanation.") {
			t.Errorf("at %d: the last note is missing: %q", w, got)
		}
	}
	// However narrow, a note is wrapped to one cell at least.
	if lines := Lines(st, p, 1); len(lines) == 0 {
		t.Error("no lines at width 1")
	}
}

const moreLine = "  ↓ more  ↑↓ pgup pgdn scroll; any other key closes"

// A page longer than the screen says on its last line that there is more,
// until its end is on the screen; a top past the end shows the end.
func TestRenderSaysThereIsMore(t *testing.T) {
	st := NewStyles(true)
	lines := Lines(st, testPage(), 80)
	n, h := len(lines), 8
	top := plain(Render(st, lines, 0, 80, h))
	if top[h-1] != moreLine {
		t.Errorf("first screen's last line: %q, want %q", top[h-1], moreLine)
	}
	for i := range h - 1 {
		if top[i] != plain(lines[i])[0] {
			t.Errorf("line %d: %q, want %q", i, top[i], plain(lines[i])[0])
		}
	}
	end := Render(st, lines, n-h, 80, h)
	if got := plain(end); got[h-1] != plain(lines[n-1])[0] {
		t.Errorf("at the end the last line is %q, want the page's last, %q", got[h-1], plain(lines[n-1])[0])
	}
	if Render(st, lines, 1000, 80, h) != end || Render(st, lines, -3, 80, h) != Render(st, lines, 0, 80, h) {
		t.Error("a top out of the page is not clamped to it")
	}
	whole := plain(Render(st, lines, 5, 80, n+3))
	for _, l := range whole {
		if strings.Contains(l, "↓ more") {
			t.Errorf("a page that fits says there is more: %q", l)
		}
	}
	if whole[1] != "  Keys" {
		t.Errorf("a page that fits does not scroll: line 1 is %q", whole[1])
	}
	// The mark of more in its styles, the hint dim.
	if want := "  " + st.More.Render("↓ more") + st.Dim.Render("  ↑↓ pgup pgdn scroll; any other key closes"); !strings.HasPrefix(strings.Split(Render(st, lines, 0, 80, h), "\n")[h-1], want) {
		t.Error("the last line is not drawn in More and Dim")
	}
}

// Scrolling as the root scrolls with ↑↓ pgup pgdn: never before the first
// line nor past where the last is at the bottom; Open starts over.
func TestScreenScrolls(t *testing.T) {
	p := testPage()
	st := NewStyles(true)
	w, h := 80, 6
	lines := Lines(st, p, w)
	if len(lines) < 3*h {
		t.Fatalf("the page is %d lines: too short to scroll a screen of %d", len(lines), h)
	}
	s := NewScreen(st)
	first := func() string { return plain(s.View(p, w, h))[0] }
	at := func(i int) string { return plain(lines[i])[0] }

	s.Scroll(p, -1, w, h)
	if s.top != 0 || first() != at(0) {
		t.Fatalf("↑ at the top moved to %d", s.top)
	}
	s.Scroll(p, 1, w, h)
	if s.top != 1 || first() != at(1) {
		t.Fatalf("↓ shows line %d first, want 1", s.top)
	}
	s.Scroll(p, h-1, w, h)
	if s.top != h || first() != at(h) {
		t.Fatalf("a page on shows line %d first, want %d", s.top, h)
	}
	s.Scroll(p, 1000, w, h)
	if s.top != len(lines)-h {
		t.Fatalf("scrolled to %d, want the end, %d", s.top, len(lines)-h)
	}
	if got := plain(s.View(p, w, h)); got[h-1] != at(len(lines)-1) {
		t.Fatalf("at the end the last line is %q", got[h-1])
	}
	s.Scroll(p, -1, w, h)
	if s.top != len(lines)-h-1 {
		t.Fatalf("↑ from the end shows %d, want %d", s.top, len(lines)-h-1)
	}
	s.Open()
	if s.top != 0 || first() != at(0) {
		t.Fatalf("Open shows line %d first", s.top)
	}
	// A page that fits does not scroll.
	s.Scroll(p, 3, w, len(lines))
	if s.top != 0 {
		t.Fatalf("a page that fits scrolled to %d", s.top)
	}
}

// The styles are those the root's help screen always had: the title and
// the mark of more in the focused title's bold accent, the notes and the
// hint in the muted colour, on either background.
func TestStyles(t *testing.T) {
	for _, c := range []struct {
		dark             bool
		title, more, dim string
	}{
		{true, "\x1b[1;38;2;180;167;255mx\x1b[m", "\x1b[1;38;2;180;167;255mx\x1b[m", "\x1b[38;2;108;108;108mx\x1b[m"},
		{false, "\x1b[1;38;2;90;63;192mx\x1b[m", "\x1b[1;38;2;90;63;192mx\x1b[m", "\x1b[38;2;138;138;138mx\x1b[m"},
	} {
		st := NewStyles(c.dark)
		if got := st.Title.Render("x"); got != c.title {
			t.Errorf("dark %v: Title %q, want %q", c.dark, got, c.title)
		}
		if got := st.More.Render("x"); got != c.more {
			t.Errorf("dark %v: More %q, want %q", c.dark, got, c.more)
		}
		if got := st.Dim.Render("x"); got != c.dim {
			t.Errorf("dark %v: Dim %q, want %q", c.dark, got, c.dim)
		}
	}
	p := testPage()
	s := NewScreen(NewStyles(true))
	s.SetDark(false)
	if out := s.View(p, 80, 8); !strings.Contains(out, NewStyles(false).Title.Render("Keys")) {
		t.Error("SetDark(false) did not restyle the screen")
	}
	s.SetDark(true)
	if out := s.View(p, 80, 8); !strings.Contains(out, NewStyles(true).Title.Render("Keys")) {
		t.Error("SetDark(true) did not restyle the screen")
	}
}

// The page at a few sizes and scroll positions, as plain text.
func TestGolden(t *testing.T) {
	for _, c := range []struct {
		name      string
		w, h, top int
	}{
		{"whole-120x30", 120, 30, 0},
		{"top-40x12", 40, 12, 0},
		{"middle-40x12", 40, 12, 8},
		{"end-40x12", 40, 12, 1000},
		{"narrow-12x10", 12, 10, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := NewStyles(true)
			golden.RequireEqual(t, ansi.Strip(Render(st, Lines(st, testPage(), c.w), c.top, c.w, c.h)))
		})
	}
}
