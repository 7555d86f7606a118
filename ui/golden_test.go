package ui

// Golden screens of every view at 80×24 (tabs) and 200×50 (side by side)
// of the embedded samples, decoded by the real decoder: the paper's SMTP
// session (smtp-figure10) for the stepper, the eight connections of
// isn-prediction for the picker, ip-fragments and icmp-frag-needed for rows
// that are not segments, the quiz and a lesson of the paper's session, and
// display filters in the picker and on the ladder. They are compared as
// plain text with the colours stripped, so they do not depend on the
// terminal's colour profile.
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

	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/internal/testsample"
	"github.com/tcpstep/tcpstep/samples"
)

// sample opens an embedded sample as the command line does.
func sample(t testing.TB, name string) Source {
	t.Helper()
	b, err := samples.Bytes(name)
	if err != nil {
		t.Fatal(err)
	}
	in, err := decode.OpenBytes("sample:"+name, b)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

var goldenSizes = [][2]int{{80, 24}, {200, 50}}

// goldenScreens are the views worth pinning down: each pane (as a tab on a
// small screen, focused on a large one) at a step with data, the absolute
// numbering, the full help and the picker.
func goldenScreens(t *testing.T, w, h int) map[string]*Model {
	stepped := func(keys ...string) *Model {
		m := loadedModel(t, sample(t, "smtp-figure10"), Options{Stream: -1}, w, h)
		return press(t, m, keys...)
	}
	return map[string]*Model{
		"ladder":      stepped("right", "right", "right", "right"),
		"states":      stepped("right", "tab"),
		"layers":      stepped("right", "right", "right", "right", "tab", "tab"),
		"explanation": stepped("right", "right", "right", "right", "tab", "tab", "tab"),
		"absolute":    stepped("right", "r"),
		// The application layer: the ladder's raw payload (P) in place of
		// the SMTP messages, and the layers view's box of VRFY root.
		"ladder-raw": stepped("right", "right", "right", "right", "P"),
		"layers-app": press(t, atFrame(t, loadedModel(t, sample(t, "smtp-figure10"), Options{Stream: -1}, w, h), 9), "3", "pgdown", "pgdown", "pgdown", "pgdown", "pgdown"),
		"last":       stepped("G"),
		"help":       stepped("?"),
		"picker":     loadedModel(t, sample(t, "isn-prediction"), Options{Stream: -1}, w, h),
		"picker-filtered": func() *Model {
			m := loadedModel(t, sample(t, "isn-prediction"), Options{Stream: -1}, w, h)
			return press(t, typeText(t, m, "192.0.2.20"), "tab", "shift+tab")
		}(),
		// Display filters: the picker's (a port set no text match can
		// say, and one that does not compile), and the ladder's on the
		// server's data, its unmatched rows dimmed, then hidden, and a
		// filter typed wrong in the footer.
		"picker-display-filter": typeText(t, loadedModel(t, sample(t, "isn-prediction"), Options{Stream: -1}, w, h), "tcp.srcport in {1025..1026, 40312}"),
		"picker-filter-error":   typeText(t, loadedModel(t, sample(t, "isn-prediction"), Options{Stream: -1}, w, h), "tcp.prot == 80"),
		"ladder-filter": func() *Model {
			m := press(t, typeText(t, stepped("f"), "tcp.srcport == 25 && tcp.len > 0"), "enter")
			return update(t, update(t, m, tea.KeyPressMsg{Code: 'n', Mod: tea.ModAlt}), tea.KeyPressMsg{Code: 'n', Mod: tea.ModAlt})
		}(),
		"ladder-filter-hidden": func() *Model {
			m := press(t, typeText(t, stepped("f"), "tcp.srcport == 25 && tcp.len > 0"), "enter", "H")
			return update(t, update(t, m, tea.KeyPressMsg{Code: 'n', Mod: tea.ModAlt}), tea.KeyPressMsg{Code: 'n', Mod: tea.ModAlt})
		}(),
		"ladder-filter-error": press(t, typeText(t, stepped("f"), "tcp.len > x"), "enter"),
		// The quiz of the paper's session with seed 3: the first question
		// (its row masked), and the feedback on a wrong answer.
		"quiz": toQuestion(t, loadedModel(t, sample(t, "smtp-figure10"), Options{Stream: -1, Quiz: true, Seed: 3}, w, h)),
		"quiz-feedback": func() *Model {
			m := toQuestion(t, loadedModel(t, sample(t, "smtp-figure10"), Options{Stream: -1, Quiz: true, Seed: 3}, w, h))
			return press(t, typeText(t, m, wrongAnswer(m, asked(t, m))), "enter")
		}(),
		// A lesson at its first step, and a step's note in the explanation.
		"lesson": loadedModel(t, sample(t, "smtp-figure10"), Options{Stream: -1, Lesson: testsample.Lesson()}, w, h),
		"lesson-note": press(t, loadedModel(t, sample(t, "smtp-figure10"), Options{Stream: -1, Lesson: testsample.Lesson()}, w, h),
			"right", "right", "right", "tab", "tab", "tab"),
		"fragments": press(t, loadedModel(t, sample(t, "ip-fragments"), Options{Stream: -1}, w, h), "right", "right", "right", "right"),
		// The analyst's views: the paper's session at its client's "help"
		// (step 6), the lossy transfer at its fast retransmission (frame
		// 22) and after its close, the ISN samples' hosts.
		"follow":           pressRun(t, stepped("right", "right", "right", "right", "right"), "5"),
		"follow-hex":       pressRun(t, stepped("right", "right", "right", "right", "right"), "5", "m"),
		"follow-lossy":     pressRun(t, atFrame(t, loadedModel(t, sample(t, "lossy-transfer"), Options{Stream: -1}, w, h), 22), "5"),
		"graph":            pressRun(t, stepped("right", "right", "right", "right", "right"), "6"),
		"graph-lossy":      pressRun(t, atFrame(t, loadedModel(t, sample(t, "lossy-transfer"), Options{Stream: -1}, w, h), 22), "6"),
		"graph-lossy-zoom": pressRun(t, atFrame(t, loadedModel(t, sample(t, "lossy-transfer"), Options{Stream: -1}, w, h), 22), "6", "+", "+"),
		"netstat":          pressRun(t, stepped("right", "right", "right", "right", "right"), "7"),
		"netstat-ss":       pressRun(t, stepped("right", "right", "right", "right", "right"), "7", "m"),
		"netstat-lossy":    pressRun(t, atFrame(t, loadedModel(t, sample(t, "lossy-transfer"), Options{Stream: -1}, w, h), 22), "7"),
		"netstat-closed":   pressRun(t, loadedModel(t, sample(t, "lossy-transfer"), Options{Stream: -1}, w, h), "G", "7"),
		"isn":              pressRun(t, loadedModel(t, sample(t, "isn-prediction"), Options{Stream: 0}, w, h), "8"),
		"isn-random":       pressRun(t, loadedModel(t, sample(t, "isn-prediction"), Options{Stream: 0}, w, h), "8", "down"),
		"export-prompt":    pressRun(t, stepped("right"), "x"),
		// Moving around: a frame number being typed, a search set (its
		// bar), and the ladder's time as the time of day.
		"goto-prompt": typeText(t, stepped("right", ":"), "12"),
		"search":      press(t, typeText(t, stepped("/"), "VRFY"), "enter", "n"),
		"time-utc":    stepped("right", "t", "t", "t"),
		// The lossy transfer's expert information at its fast
		// retransmission, the duplicate ACKs before it open.
		"expert-lossy": pressRun(t, atFrame(t, loadedModel(t, sample(t, "lossy-transfer"), Options{Stream: -1}, w, h), 22), "9", "down", "down", "right"),
		"icmp": func() *Model {
			m := loadedModel(t, sample(t, "icmp-frag-needed"), Options{Stream: -1}, w, h)
			for i, r := range m.rows {
				if r.Seg < 0 {
					m.setCur(i)
					break
				}
			}
			return press(t, m, "tab", "tab", "tab")
		}(),
	}
}

// atFrame selects the ladder row of a frame.
func atFrame(t testing.TB, m *Model, frame uint32) *Model {
	t.Helper()
	for i, r := range m.rows {
		if r.Frame == frame {
			m.setCur(i)
			return m
		}
	}
	t.Fatalf("no row of frame %d", frame)
	return m
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
// widths from 1 to 220 at a few heights (every fifth width, and the edges of
// the split layout, at the tallest).
func TestScreensFitEveryWidth(t *testing.T) {
	base := map[string]*Model{}
	for name, m := range goldenScreens(t, 80, 24) {
		base[name] = m
	}
	base["mid-stream"] = press(t, loadedModel(t, threeConversations(), Options{Stream: 2}, 80, 24), "right", "right")
	base["loading"] = update(t, New(figure10(), Options{Stream: -1}), loadProgressMsg{30, 100})
	// A warning that wraps over several lines of the footer.
	base["warning"] = loadedModel(t, truncatedSample(t, "smtp-figure10", 7), Options{Stream: -1}, 80, 24)
	for name, m0 := range base {
		for _, h := range []int{3, 7, 24, 51} {
			for w := 1; w <= 220; w++ {
				// Tall screens draw all four panes once wide enough, which
				// is slow: sample their widths, keeping the split's edges.
				if h > splitMinH && w%5 != 0 && (w < splitMinW-1 || w > splitMinW+1) {
					continue
				}
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
