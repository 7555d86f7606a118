package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/samples"
)

// footerWidths are the widths the footer tests sweep.
var footerWidths = []int{60, 80, 100, 120, 200}

// footerOf is the footer's lines of m's screen, as plain text.
func footerOf(m *Model) []string {
	lines := strings.Split(screenOf(m), "\n")
	return lines[m.lay.Footer.Y : m.lay.Footer.Y+m.lay.Footer.H]
}

// barLabels are the texts a bar may show for its keys: "key desc" with
// the full label or the short one.
func barLabels(keys []barKey) map[string]bool {
	out := map[string]bool{}
	for _, k := range keys {
		out[k.b.Help().Key+" "+k.b.Help().Desc] = true
		if k.short != "" {
			out[k.short+" "+k.b.Help().Desc] = true
		}
	}
	return out
}

// checkBar fails unless line is a bar of whole keys of bar (after one of
// prefixes), holding every one of want.
func checkBar(t *testing.T, what, line string, bar []barKey, prefixes []string, want ...string) {
	t.Helper()
	text := strings.TrimSpace(line)
	for _, p := range prefixes {
		text = strings.TrimPrefix(text, p)
	}
	labels := barLabels(bar)
	for _, item := range strings.Split(text, " • ") {
		if !labels[item] {
			t.Errorf("%s: %q is not a whole key of the bar (cut?): %q", what, item, line)
		}
	}
	for _, w := range want {
		if !strings.Contains(line, w) {
			t.Errorf("%s: the bar lacks %q: %q", what, w, line)
		}
	}
}

// Every footer keeps the keys that say how to get help and out, drops the
// least useful ones when narrow, and never cuts a key in the middle: the
// stepper's, the quiz's, the picker's, the export's, the help screen's and
// the one of a question waiting for its answer.
func TestFooterKeepsHelpAndQuit(t *testing.T) {
	k := defaultKeyMap()
	for _, w := range footerWidths {
		h := 24
		if w >= 120 {
			h = 40
		}
		smtp := func(opts Options) *Model {
			opts.Stream = -1
			return loadedModel(t, sample(t, "smtp-figure10"), opts, w, h)
		}
		quizFeedback := toQuestion(t, smtp(Options{Quiz: true, Seed: 3}))
		quizFeedback = press(t, typeText(t, quizFeedback, wrongAnswer(quizFeedback, asked(t, quizFeedback))), "enter")
		for _, c := range []struct {
			name     string
			m        *Model
			bar      []barKey
			prefixes []string
			want     []string
		}{
			{"stepper", press(t, smtp(Options{}), "right"), k.stepperBar(), nil, []string{"? help", "q quit", "next"}},
			{"quiz", quizFeedback, k.quizBar(), nil, []string{"? help", "q quit", "Q quiz on/off"}},
			{"picker", loadedModel(t, sample(t, "isn-prediction"), Options{Stream: -1}, w, h), k.pickerBar(), nil, []string{"? help", "q quit", "enter open"}},
			{"export", press(t, smtp(Options{}), "x"), k.exportBar(), []string{"export this conversation as: ", "export as: "}, []string{"m Mermaid", "s SVG", "t text ladder"}},
			{"help", press(t, smtp(Options{}), "?"), k.helpBar(), nil, []string{"q/esc close help", "ctrl+c quit"}},
			{"question", toQuestion(t, smtp(Options{Quiz: true, Seed: 3})), k.askBar(), nil, []string{"enter check the answer", "ctrl+c quit"}},
			{"search", press(t, typeText(t, press(t, smtp(Options{}), "/"), "RST"), "enter"), k.searchBar(), []string{"/RST  "}, []string{"? help", "q quit", "n/N match", "esc end search"}},
			{"go-to-prompt", typeText(t, press(t, smtp(Options{}), ":"), "12"), k.promptBar("go to frame"), []string{":12   "}, []string{"enter go to frame", "esc cancel", "ctrl+c quit"}},
			{"search-prompt", typeText(t, press(t, smtp(Options{}), "/"), "VRFY"), k.promptBar("search"), []string{"/VRFY   "}, []string{"enter search", "esc cancel", "ctrl+c quit"}},
		} {
			what := fmt.Sprintf("%s at %dx%d", c.name, w, h)
			checkScreen(t, c.m, w, h)
			f := footerOf(c.m)
			if len(f) != 1 {
				t.Fatalf("%s: a footer of %d lines: %q", what, len(f), f)
			}
			checkBar(t, what, f[0], c.bar, c.prefixes, c.want...)
		}
	}
	// Wide enough, the bar shows every key with its full label.
	m := loadedModel(t, sample(t, "smtp-figure10"), Options{Stream: -1}, 200, 50)
	if f := footerOf(m)[0]; !strings.Contains(f, "→/l/n/space next") || !strings.Contains(f, "x export") {
		t.Errorf("200 columns: not every key in full: %q", f)
	}
}

// The help says what q does there: it closes the help, as esc and ? do,
// rather than quitting; any other key closes it and does what it does;
// ctrl+c quits.
func TestHelpSaysWhatQDoes(t *testing.T) {
	m := press(t, loadedModel(t, sample(t, "smtp-figure10"), Options{Stream: -1}, 80, 24), "?")
	s := screenOf(m)
	for _, want := range []string{"q, esc or ? closes this help", "ctrl+c quits", "q/esc close help"} {
		if !strings.Contains(strings.Join(strings.Fields(s), " "), want) {
			t.Errorf("the help does not say %q:\n%s", want, s)
		}
	}
	// The keys listed are the stepper's, but the footer is the help's.
	if f := footerOf(m)[0]; strings.Contains(f, "q quit") || strings.Contains(s, "Press any key") {
		t.Errorf("the help screen says what its keys do not do:\n%s", s)
	}
	for _, close := range []string{"q", "esc", "?"} {
		m := press(t, loadedModel(t, sample(t, "smtp-figure10"), Options{Stream: -1}, 80, 24), "?")
		nm, cmd := m.Update(keyMsg(close))
		if quits(cmd) {
			t.Fatalf("%s quit the program from the help", close)
		}
		if m = nm.(*Model); m.showHelp || m.screen != screenStepper || m.cur != 0 {
			t.Errorf("%s: help shown %v, screen %v, step %d: want the stepper back where it was", close, m.showHelp, m.screen, m.cur)
		}
	}
	m = press(t, loadedModel(t, sample(t, "smtp-figure10"), Options{Stream: -1}, 80, 24), "?", "right")
	if m.showHelp || m.cur != 1 {
		t.Errorf("→ should close the help and step: help %v, step %d", m.showHelp, m.cur)
	}
	m = press(t, m, "?")
	if _, cmd := m.Update(keyMsg("ctrl+c")); !quits(cmd) {
		t.Error("ctrl+c should quit from the help")
	}
	// Outside the help (q closes it) q quits, as the bar says.
	if _, cmd := press(t, m, "q").Update(keyMsg("q")); !quits(cmd) {
		t.Error("q should quit from the stepper")
	}
}

// While a question waits for its answer q is a letter of it, and the
// footer and the help say so: the footer offers ctrl+c to quit, not q.
func TestQuizSaysQIsALetter(t *testing.T) {
	m := toQuestion(t, quizModel(t, sample(t, "smtp-figure10"), Options{Stream: -1, Seed: 3}, 80, 24))
	f := footerOf(m)[0]
	if strings.Contains(f, "q quit") || strings.Contains(f, "? help") || !strings.Contains(f, "ctrl+c quit") {
		t.Errorf("the footer of a question should offer ctrl+c, not q or ?: %q", f)
	}
	nm, cmd := m.Update(keyMsg("q"))
	if quits(cmd) {
		t.Fatal("q quit while typing an answer")
	}
	if m = nm.(*Model); m.quiz.Typed() != "q" {
		t.Errorf("q typed %q into the answer", m.quiz.Typed())
	}
	if _, cmd := m.Update(keyMsg("ctrl+c")); !quits(cmd) {
		t.Error("ctrl+c should quit while typing an answer")
	}
	notes := strings.Join(helpNotes, " ")
	if !strings.Contains(notes, "every letter is typed into the answer, q and ? too") || !strings.Contains(notes, "ctrl+c quits") {
		t.Errorf("the help does not say what q and ? do in a quiz:\n%s", notes)
	}
}

// quits reports whether cmd, run, asks the program to quit.
func quits(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	switch msg := cmd().(type) {
	case tea.QuitMsg:
		return true
	case tea.BatchMsg:
		for _, c := range msg {
			if quits(c) {
				return true
			}
		}
	}
	return false
}

// truncatedSample writes an embedded sample with its last bytes cut off
// (its last record truncated) to a file, and opens it.
func truncatedSample(t *testing.T, name string, cut int) Source {
	t.Helper()
	b, err := samples.Bytes(name)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name+"-cut.pcap")
	if err := os.WriteFile(path, b[:len(b)-cut], 0o600); err != nil {
		t.Fatal(err)
	}
	in, err := decode.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Close() })
	return in
}

// A warning about the capture as a whole (its last record cut short) is
// shown whole: the footer grows to the lines it wraps to, the screen stays
// exactly its size, and the next key gives the lines back.
func TestWarningWraps(t *testing.T) {
	for _, name := range []string{"smtp-figure10", "isn-prediction"} {
		src := truncatedSample(t, name, 7)
		tl, err := src.Load(nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(tl.Warnings) == 0 {
			t.Fatalf("%s cut short: no warning", name)
		}
		warning := "warning: " + model.Visible(tl.Warnings[0])
		for _, w := range []int{40, 60, 80, 120, 200} {
			for _, h := range []int{8, 24, 50} {
				what := fmt.Sprintf("%s at %dx%d", name, w, h)
				m := loadedModel(t, src, Options{Stream: -1}, w, h)
				checkScreen(t, m, w, h)
				f := footerOf(m)
				got := strings.Join(strings.Fields(strings.Join(f, " ")), " ")
				if wraps := len(wrapFooter(" "+warning, w)); wraps <= footerLines(h, wraps) && got != warning {
					t.Errorf("%s: the footer does not say the whole warning:\n%q\nwant\n%q", what, got, warning)
				}
				if w == 80 && h == 24 && len(f) < 2 {
					t.Errorf("%s: the warning did not wrap: %q", what, f)
				}
				body := m.lay.Body.H
				m = press(t, m, "down")
				checkScreen(t, m, w, h)
				if f := footerOf(m); len(f) != 1 || strings.Contains(f[0], "warning") {
					t.Errorf("%s: after a key the footer is %q", what, f)
				}
				if len(f) > 1 && m.lay.Body.H <= body {
					t.Errorf("%s: the body did not get the footer's lines back: %d, was %d", what, m.lay.Body.H, body)
				}
			}
		}
	}
}

// The picker's byte columns count what was sent, retransmissions again;
// the follow view's counts are each byte once: each says which.
func TestBytesSayWhatTheyCount(t *testing.T) {
	for _, w := range []int{80, 120, 200} {
		// The picker, sorted by the bytes the client sent.
		m := loadedModel(t, sample(t, "isn-prediction"), Options{Stream: -1}, w, 24)
		for i := 0; i < 10 && !strings.Contains(screenOf(m), "sort sent c→s"); i++ {
			m = press(t, m, "tab")
		}
		checkScreen(t, m, w, 24)
		if s := screenOf(m); !strings.Contains(s, "sort sent c→s") || !strings.Contains(s, "retransmissions counted") {
			t.Errorf("picker at %d: the bytes do not say they count retransmissions:\n%s", w, s)
		}
		// The follow view of a transfer with retransmissions.
		m = pressRun(t, atFrame(t, loadedModel(t, sample(t, "lossy-transfer"), Options{Stream: -1}, w, 24), 22), "5")
		checkScreen(t, m, w, 24)
		if s := screenOf(m); !strings.Contains(s, "delivered") || !strings.Contains(s, "▸ this step") {
			t.Errorf("follow at %d: the bytes do not say they are delivered:\n%s", w, s)
		}
	}
}

// fitBar measures a bar rather than drawing it: the measure is the width
// bubbles/help draws.
func TestBarWidthIsDrawnWidth(t *testing.T) {
	m := New(figure10(), Options{})
	k := m.keys
	for _, bar := range [][]barKey{k.stepperBar(), k.quizBar(), k.askBar(), k.pickerBar(), k.exportBar(), k.helpBar(), k.searchBar(), k.promptBar("search"), k.scanBar()} {
		for _, short := range []bool{false, true} {
			hm := m.help
			hm.SetWidth(0)
			drawn := ansi.StringWidth(" " + hm.ShortHelpView(bindings(bar, short)))
			if got := barWidth(hm.ShortSeparator, 0, bar, allShown(bar), short); got != drawn {
				t.Errorf("%q short %v: measured %d, drawn %d", bindings(bar, false)[0].Help().Key, short, got, drawn)
			}
		}
	}
}
