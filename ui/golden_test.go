package ui

// Golden screens of every view at 80×24 (tabs) and 200×50 (side by side),
// compared as plain text with the colours stripped, so they do not depend
// on the terminal's colour profile.
//
// After a deliberate change to what the screens show, regenerate them and
// review the diff before committing:
//
//	go test ./ui -run TestGolden -update
//
// The golden files are marked -text in .gitattributes so that no checkout
// rewrites their line endings.

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

var goldenSizes = [][2]int{{80, 24}, {200, 50}}

// goldenScreens are the views worth pinning down: each pane (as a tab on a
// small screen, focused on a large one) at a step with data, the absolute
// numbering, the full help and the picker.
func goldenScreens(t *testing.T, w, h int) map[string]Model {
	stepped := func(keys ...string) Model {
		m := loadedModel(t, figure10(), Options{Stream: -1}, w, h)
		return press(t, m, keys...)
	}
	return map[string]Model{
		"ladder":      stepped("right", "right", "right", "right"),
		"states":      stepped("right", "tab"),
		"layers":      stepped("right", "right", "right", "right", "tab", "tab"),
		"explanation": stepped("right", "right", "right", "right", "tab", "tab", "tab"),
		"absolute":    stepped("right", "r"),
		"last":        stepped("G"),
		"help":        stepped("?"),
		"picker":      loadedModel(t, threeConversations(), Options{Stream: -1}, w, h),
		"picker-filtered": func() Model {
			m := loadedModel(t, threeConversations(), Options{Stream: -1}, w, h)
			return press(t, typeText(t, m, "10.0.0"), "tab", "shift+tab")
		}(),
	}
}

func TestGoldenScreens(t *testing.T) {
	for _, sz := range goldenSizes {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			for name, m := range goldenScreens(t, sz[0], sz[1]) {
				t.Run(name, func(t *testing.T) {
					checkScreen(t, m, sz[0], sz[1])
					golden.RequireEqual(t, screenOf(m))
				})
			}
		})
	}
}

// Every line of every screen fits the width, whatever the size: swept over
// widths from 1 to 220 at a few heights.
func TestScreensFitEveryWidth(t *testing.T) {
	base := map[string]Model{}
	for name, m := range goldenScreens(t, 80, 24) {
		base[name] = m
	}
	base["mid-stream"] = press(t, loadedModel(t, threeConversations(), Options{Stream: 2}, 80, 24), "right", "right")
	base["loading"] = update(t, New(figure10(), Options{Stream: -1}), loadProgressMsg{30, 100})
	for name, m0 := range base {
		for _, h := range []int{3, 7, 24, 51} {
			for w := 1; w <= 220; w++ {
				m := update(t, m0, tea.WindowSizeMsg{Width: w, Height: h})
				v := m.View().Content
				lines := strings.Split(v, "\n")
				if len(lines) != h {
					t.Fatalf("%s %dx%d: %d lines", name, w, h, len(lines))
				}
				for i, l := range lines {
					if lw := ansi.StringWidth(l); lw > w {
						t.Fatalf("%s %dx%d: line %d is %d wide: %q", name, w, h, i, lw, ansi.Strip(l))
					}
				}
			}
		}
	}
}
