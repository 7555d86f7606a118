package ui

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/explain"
)

func TestOneConversationOpensStraightIntoTheLadder(t *testing.T) {
	m := loadedModel(t, figure10(), Options{Stream: -1}, 80, 24)
	if m.screen != screenStepper {
		t.Fatalf("screen = %d, want the stepper", m.screen)
	}
	s := screenOf(m)
	for _, want := range []string{"sample:smtp-figure10", figClient, figServer, "step 1/13", "relative", "client " + figClient, "server " + figServer} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}
}

func TestStepping(t *testing.T) {
	m := loadedModel(t, figure10(), Options{Stream: -1}, 80, 24)
	n := len(m.rows)
	if n != 13 {
		t.Fatalf("rows = %d, want 13", n)
	}
	steps := []struct {
		key  string
		want int
	}{
		{"left", 0}, {"h", 0}, // bounds at the start
		{"right", 1}, {"l", 2}, {"n", 3}, {"space", 4},
		{"left", 3}, {"h", 2}, {"p", 1},
		{"G", n - 1}, {"right", n - 1}, {"space", n - 1}, // bounds at the end
		{"g", 0}, {"end", n - 1}, {"home", 0},
		{"down", 1}, {"up", 0}, {"pgdown", min(m.ladderRows(), n-1)}, {"pgup", 0},
	}
	for i, s := range steps {
		m = press(t, m, s.key)
		if m.cur != s.want {
			t.Fatalf("step %d: after %q cur = %d, want %d", i, s.key, m.cur, s.want)
		}
		if want := fmt.Sprintf("step %d/%d", s.want+1, n); !strings.Contains(screenOf(m), want) {
			t.Fatalf("after %q the header lacks %q", s.key, want)
		}
	}
}

// The relative numbers are the absolute ones minus each side's ISN, the
// arithmetic of RFC 793 section 3.3 that tshark's relative numbering
// follows; r switches between the two on the ladder and in the header.
func TestToggleAbsoluteRelative(t *testing.T) {
	m := loadedModel(t, figure10(), Options{Stream: -1}, 80, 24)
	s := screenOf(m)
	if strings.Contains(s, "1023645922") || !strings.Contains(s, "SYN seq 0 len 0") {
		t.Fatalf("relative ladder should show the SYN at 0:\n%s", s)
	}
	m = press(t, m, "r")
	s = screenOf(m)
	if !m.absolute || !strings.Contains(s, "absolute") || !strings.Contains(s, "SYN seq 1023645922 len 0") {
		t.Fatalf("after r the ladder should be absolute:\n%s", s)
	}
	if !strings.Contains(s, fmt.Sprintf("SYN,ACK seq %d ack %d", figISNS, figISNC+1)) {
		t.Fatalf("absolute SYN/ACK numbers missing:\n%s", s)
	}
	m = press(t, m, "r")
	s = screenOf(m)
	if m.absolute || strings.Contains(s, "1023645922") || !strings.Contains(s, "relative") {
		t.Fatalf("second r should return to relative:\n%s", s)
	}
	if m2 := loadedModel(t, figure10(), Options{Absolute: true, Stream: -1}, 80, 24); !strings.Contains(screenOf(m2), "1023645922") {
		t.Fatal("Options.Absolute should start in absolute numbers")
	}
}

func TestFocusCyclesThroughPanes(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {200, 50}} {
		m := loadedModel(t, figure10(), Options{Stream: -1}, size[0], size[1])
		// Tabs go through every view; the split layout's tab through the
		// four views on screen.
		order := []paneID{paneStates, paneLayers, paneExplain, paneFollow, paneGraph, paneNetstat, paneISN, paneExpert, paneLadder}
		if size[0] == 200 {
			order = []paneID{paneStates, paneLayers, paneExplain, paneLadder}
		}
		for _, want := range order {
			m = press(t, m, "tab")
			if m.focus != want {
				t.Fatalf("%v: tab focus = %v, want %v", size, m.focus, want)
			}
		}
		m = press(t, m, "shift+tab")
		if want := order[len(order)-2]; m.focus != want {
			t.Fatalf("%v: shift+tab focus = %v, want %v", size, m.focus, want)
		}
		m = press(t, m, "4")
		if m.focus != paneExplain {
			t.Fatalf("%v: 4 focus = %v, want explanation", size, m.focus)
		}
		// Stepping works whatever pane has the focus.
		m = press(t, m, "right")
		if m.cur != 1 {
			t.Fatalf("%v: right with focus on %v did not step", size, m.focus)
		}
		// Nine tabs with their number keys fit 80 columns one space apart.
		if size[0] == 80 && !strings.Contains(screenOf(m), "[4 Explain]") {
			t.Fatalf("tab bar should mark the explanation tab:\n%s", screenOf(m))
		}
		if size[0] == 200 && !strings.Contains(screenOf(m), "[4 Explanation") {
			t.Fatalf("the explanation's box should be focused:\n%s", screenOf(m))
		}
	}
}

func TestPickerFilterSortEnter(t *testing.T) {
	m := loadedModel(t, threeConversations(), Options{Stream: -1}, 120, 30)
	if m.screen != screenPicker {
		t.Fatalf("three conversations should open on the picker, screen = %d", m.screen)
	}
	s := screenOf(m)
	for _, want := range []string{" 3 conversations   filter", "SYN→SYN/ACK", "FIN both", "refused", "RST", "mid-stream", "retrans 1"} {
		if !strings.Contains(s, want) {
			t.Errorf("picker lacks %q:\n%s", want, s)
		}
	}
	// idx lists the rows shown, by conversation.
	idx := func() []int {
		var out []int
		for _, c := range m.picker.Shown() {
			out = append(out, c.Index)
		}
		return out
	}
	// Filtering by typing.
	m = typeText(t, m, "refused")
	if len(m.picker.Shown()) != 1 || m.picker.Selected().Index != 1 {
		t.Fatalf("filter refused: view %v", idx())
	}
	if s := screenOf(m); !strings.Contains(s, "1 of 3") || strings.Contains(s, "10.0.0.3") {
		t.Fatalf("filtered picker:\n%s", s)
	}
	m = press(t, m, "backspace")
	if m.picker.Filter() != "refuse" {
		t.Fatalf("backspace: filter %q", m.picker.Filter())
	}
	m = press(t, m, "esc")
	if m.picker.Filter() != "" || len(m.picker.Shown()) != 3 {
		t.Fatalf("esc should clear the filter")
	}
	// Words are ANDed: the port of the first conversation and its close.
	m = typeText(t, m, ":80 fin")
	if len(m.picker.Shown()) != 1 || m.picker.Selected().Index != 0 {
		t.Fatalf("filter ':80 fin': view %v", idx())
	}
	m = press(t, m, "esc")

	// tab cycles the sort column; packets comes after the index.
	m = press(t, m, "tab")
	if col, _ := m.picker.SortedBy(); col != "pkts c→s/s→c" {
		t.Fatalf("sort column = %q, want packets", col)
	}
	// Packets: refused 2, mid-stream 5, normal 8.
	if got := fmt.Sprint(idx()); got != "[1 2 0]" {
		t.Fatalf("ascending by packets: %s", got)
	}
	m = press(t, m, "shift+tab")
	if got := fmt.Sprint(idx()); got != "[0 2 1]" {
		t.Fatalf("descending by packets: %s", got)
	}
	if !strings.Contains(screenOf(m), "pkts c→s/s→c ↓") {
		t.Fatalf("the sort column should be named with its direction:\n%s", screenOf(m))
	}

	// enter opens the selected one (the first row: conversation 0).
	m = press(t, m, "down", "enter")
	if m.screen != screenStepper || m.conv.Index != 2 {
		t.Fatalf("enter should open conversation 2, got screen %d", m.screen)
	}
	if s := screenOf(m); !strings.Contains(s, "10.0.0.3:40002") || !strings.Contains(s, "[retrans]") {
		t.Fatalf("stepper of conversation 2:\n%s", s)
	}
	// s returns to the picker on that conversation; esc goes back.
	m = press(t, m, "right", "s")
	if m.screen != screenPicker || m.picker.Selected().Index != 2 {
		t.Fatalf("s should show the picker on the current conversation")
	}
	m = press(t, m, "esc")
	if m.screen != screenStepper || m.cur != 1 {
		t.Fatalf("esc should return to the stepper where it was, cur %d", m.cur)
	}
}

func TestStreamOption(t *testing.T) {
	m := loadedModel(t, threeConversations(), Options{Stream: 1}, 100, 30)
	if m.screen != screenStepper || m.conv.Index != 1 {
		t.Fatal("Stream 1 should open conversation 1")
	}
	m = loadedModel(t, threeConversations(), Options{Stream: 7}, 100, 30)
	if m.screen != screenPicker || !strings.Contains(screenOf(m), "no conversation 7") {
		t.Fatalf("a missing stream should show the picker and say so:\n%s", screenOf(m))
	}
}

func TestQuit(t *testing.T) {
	for _, k := range []string{"q", "ctrl+c"} {
		m := loadedModel(t, figure10(), Options{Stream: -1}, 80, 24)
		_, cmd := m.Update(keyMsg(k))
		if cmd == nil {
			t.Fatalf("%s: no command", k)
		}
		if _, ok := cmd().(tea.QuitMsg); !ok {
			t.Fatalf("%s should quit", k)
		}
	}
}

func TestHelpToggles(t *testing.T) {
	m := loadedModel(t, figure10(), Options{Stream: -1}, 80, 24)
	m = press(t, m, "?")
	s := screenOf(m)
	if !m.showHelp || !strings.Contains(s, "absolute/relative") || !strings.Contains(s, "display filter") {
		t.Fatalf("? should show the full help:\n%s", s)
	}
	// The notes follow the keys, a page down at 80x24.
	if s := screenOf(press(t, m, "pgdown")); !strings.Contains(s, "Mouse") {
		t.Fatalf("the help's notes are not a page down:\n%s", s)
	}
	m = press(t, m, "?")
	if m.showHelp {
		t.Fatal("? again should close the help")
	}
}

// The help scrolls with ↑↓ pgup pgdn; ? and esc close it, and any other
// key closes it and does what it does.
func TestHelpScrollsAndCloses(t *testing.T) {
	m := loadedModel(t, figure10(), Options{Stream: -1}, 60, 16)
	lines := func() []string { return strings.Split(screenOf(m), "\n") }
	// The help is drawn on rows 1 to h, under the header.
	h := m.pickerRect().H
	m = press(t, m, "?")
	first := lines()
	if !strings.HasPrefix(strings.TrimSpace(first[2]), "Keys") || !strings.Contains(first[h], "↓ more") {
		t.Fatalf("the help's first screen:\n%s", strings.Join(first, "\n"))
	}
	m = press(t, m, "down")
	if got := lines(); got[1] != first[2] {
		t.Fatalf("↓ should scroll a line: %q, want %q", got[1], first[2])
	}
	m = press(t, m, "up", "up")
	if got := lines(); got[1] != first[1] || got[2] != first[2] {
		t.Fatal("↑ should stop at the first line")
	}
	// A page is the screen less a line: after pgdown and ↑, the last line
	// of the first screen but the "↓ more" is the first shown.
	m = press(t, m, "pgdown", "up")
	if got := lines(); got[1] != first[h-1] {
		t.Fatalf("pgdown should scroll the screen less a line: %q first, want %q", got[1], first[h-1])
	}
	for range 10 {
		m = press(t, m, "pgdown")
	}
	end := lines()
	if strings.Contains(end[h], "↓ more") || !strings.Contains(end[h], "marked "+glyphLessonBar) {
		t.Fatalf("pgdown to the end should show the last note last:\n%s", strings.Join(end, "\n"))
	}
	m = press(t, m, "up")
	if got := lines(); got[2] != end[1] || !strings.Contains(got[h], "↓ more") {
		t.Fatalf("↑ from the end should scroll back a line:\n%s", strings.Join(got, "\n"))
	}
	for range 10 {
		m = press(t, m, "pgup")
	}
	if got := lines(); got[2] != first[2] {
		t.Fatal("pgup should come back to the first line")
	}
	m = press(t, m, "esc")
	if m.showHelp || m.cur != 0 {
		t.Fatalf("esc should close the help and do nothing else (help %v, row %d)", m.showHelp, m.cur)
	}
	m = press(t, m, "?", "pgdown", "?", "?")
	if got := lines(); !m.showHelp || got[2] != first[2] {
		t.Fatal("the help should open at its first line again")
	}
	m = press(t, m, "right")
	if m.showHelp || m.cur != 1 {
		t.Fatalf("→ should close the help and step (help %v, row %d)", m.showHelp, m.cur)
	}

	p := loadedModel(t, sample(t, "isn-prediction"), Options{Stream: -1}, 80, 24)
	p = press(t, p, "?")
	if s := screenOf(p); !p.showHelp || !strings.Contains(s, "Keys of the conversation picker (type to filter)") {
		t.Fatalf("the picker's help:\n%s", s)
	}
}

func TestResizeRelaysOut(t *testing.T) {
	m := loadedModel(t, figure10(), Options{Stream: -1}, 200, 50)
	m = press(t, m, "G")
	if m.lay.Tabs {
		t.Fatal("200x50 should show the panes side by side")
	}
	for _, sz := range [][2]int{{80, 24}, {40, 10}, {200, 50}, {151, 41}, {10, 3}, {1, 1}, {0, 0}, {120, 60}} {
		m = update(t, m, tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		checkScreen(t, m, sz[0], sz[1])
		if sz[1] > 4 && !(m.cur >= m.ladder.Top() && m.cur < m.ladder.Top()+m.ladderRows()) {
			t.Fatalf("%v: selected row %d out of view (top %d, rows %d)", sz, m.cur, m.ladder.Top(), m.ladderRows())
		}
	}
	if m = update(t, m, tea.WindowSizeMsg{Width: 80, Height: 24}); !m.lay.Tabs {
		t.Fatal("80x24 should use tabs")
	}
}

// ladderRows is how many rows the ladder shows: its first line is the
// column header.
func (m *Model) ladderRows() int { return max(m.lay.Inner[paneLadder].H-1, 1) }

// checkScreen asserts the view is exactly h lines, none wider than w.
func checkScreen(t *testing.T, m *Model, w, h int) {
	t.Helper()
	v := m.View().Content
	if w == 0 || h == 0 {
		return
	}
	lines := strings.Split(v, "\n")
	if len(lines) != h {
		t.Fatalf("%dx%d: %d lines", w, h, len(lines))
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw > w {
			t.Fatalf("%dx%d: line %d is %d wide: %q", w, h, i, lw, ansi.Strip(l))
		}
	}
}

func TestMouseClickSelectsRowAndWheelScrolls(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {200, 50}} {
		m := loadedModel(t, figure10(), Options{Stream: -1}, sz[0], sz[1])
		in := m.lay.Inner[paneLadder]
		// The ladder's first line is its column header; row i is at in.Y+1+i-top.
		m = update(t, m, tea.MouseClickMsg{X: in.X + 10, Y: in.Y + 1 + 5, Button: tea.MouseLeft})
		if m.cur != 5 {
			t.Fatalf("%v: click on row 6 selected %d", sz, m.cur)
		}
		if !strings.Contains(screenOf(m), "step 6/13") {
			t.Fatalf("%v: header after click", sz)
		}
		// Clicking the column header selects nothing.
		m = update(t, m, tea.MouseClickMsg{X: in.X + 10, Y: in.Y, Button: tea.MouseLeft})
		if m.cur != 5 {
			t.Fatalf("%v: header click moved the cursor to %d", sz, m.cur)
		}
	}
	// Wheel scrolls the ladder but leaves the selection alone.
	m := loadedModel(t, bigConversation(200), Options{Stream: -1}, 80, 24)
	in := m.lay.Inner[paneLadder]
	m = update(t, m, tea.MouseWheelMsg{X: in.X + 5, Y: in.Y + 3, Button: tea.MouseWheelDown})
	if m.ladder.Top() != 3 || m.cur != 0 {
		t.Fatalf("wheel down: top %d cur %d", m.ladder.Top(), m.cur)
	}
	m = update(t, m, tea.MouseWheelMsg{X: in.X + 5, Y: in.Y + 3, Button: tea.MouseWheelUp})
	m = update(t, m, tea.MouseWheelMsg{X: in.X + 5, Y: in.Y + 3, Button: tea.MouseWheelUp})
	if m.ladder.Top() != 0 {
		t.Fatalf("wheel up past the start: top %d", m.ladder.Top())
	}
	// Clicking a tab switches to it.
	m = update(t, m, tea.MouseClickMsg{X: 10, Y: m.lay.TabBar.Y, Button: tea.MouseLeft})
	if m.focus != paneStates {
		t.Fatalf("click on the States tab: focus %v", m.focus)
	}
}

func TestPickerMouse(t *testing.T) {
	m := loadedModel(t, threeConversations(), Options{Stream: -1}, 120, 30)
	r := m.pickerRect()
	m = update(t, m, tea.MouseClickMsg{X: 5, Y: r.Y + 2 + 2, Button: tea.MouseLeft})
	if m.picker.Selected() != m.picker.Shown()[2] || m.screen != screenPicker {
		t.Fatalf("first click selects: %d", m.picker.Selected().Index)
	}
	m = update(t, m, tea.MouseClickMsg{X: 5, Y: r.Y + 2 + 2, Button: tea.MouseLeft})
	if m.screen != screenStepper || m.conv.Index != 2 {
		t.Fatal("second click opens")
	}
}

// Payload bytes never reach the terminal raw: the fixture's EXPN carries
// ESC [31m and BEL, which must show as control pictures.
func TestPayloadPreviewIsPrintable(t *testing.T) {
	m := loadedModel(t, figure10(), Options{Stream: -1}, 200, 50)
	raw := m.View().Content
	s := ansi.Strip(raw)
	// The application message, as package app names it, then (P) the raw
	// payload's preview: both pictured.
	if !strings.Contains(s, `SMTP EXPN ␛[31mroot␇`) {
		t.Fatalf("EXPN summary not pictured:\n%s", s)
	}
	if strings.Contains(s, "\x1b") || strings.Contains(raw, "\a") {
		t.Fatal("a raw control byte reached the view")
	}
	m = press(t, m, "P")
	raw = m.View().Content
	s = ansi.Strip(raw)
	if !strings.Contains(s, `"EXPN ␛[31mroot␇␍␊"`) {
		t.Fatalf("EXPN preview not pictured:\n%s", s)
	}
	if strings.Contains(s, "\x1b") || strings.Contains(raw, "\a") {
		t.Fatal("a raw control byte reached the view")
	}
	if !strings.Contains(s, `"help␊"`) {
		t.Fatalf("help preview missing:\n%s", s)
	}
}

func TestOnlyVisibleRowsAreRead(t *testing.T) {
	src := bigConversation(100_000)
	m := loadedModel(t, src, Options{Stream: -1}, 80, 24)
	rows := m.ladderRows()
	if src.frames > rows+1 {
		t.Fatalf("opening read %d frames for %d visible rows", src.frames, rows)
	}
	before := src.frames
	for range 1000 {
		m = press(t, m, "right")
	}
	// One new row comes into view per step, and the layers pane reads the
	// selected frame: at most two reads a step.
	if got := src.frames - before; got > 2000 {
		t.Fatalf("1000 steps read %d frames", got)
	}
	m = press(t, m, "G")
	if m.cur != len(m.rows)-1 || !strings.Contains(screenOf(m), fmt.Sprintf("step %d/%d", len(m.rows), len(m.rows))) {
		t.Fatal("G should reach the last of the rows")
	}
}

func TestLoadThroughCommandWithProgress(t *testing.T) {
	src := figure10()
	m := New(src, Options{Stream: -1})
	m = update(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	if !strings.Contains(screenOf(m), "loading") {
		t.Fatalf("before the load the screen should say loading:\n%s", screenOf(m))
	}
	msg := m.startLoad()()
	sawProgress := false
	for {
		if p, ok := msg.(loadProgressMsg); ok {
			sawProgress = true
			var cmd tea.Cmd
			nm, cmd := m.Update(p)
			m = nm.(*Model)
			if !strings.Contains(screenOf(m), "%") {
				t.Fatalf("progress not shown:\n%s", screenOf(m))
			}
			msg = cmd()
			continue
		}
		break
	}
	if !sawProgress {
		t.Fatal("no progress message")
	}
	m = update(t, m, msg)
	if m.screen != screenStepper {
		t.Fatalf("after the load: screen %d", m.screen)
	}
}

func TestLoadErrorShowsAndQuits(t *testing.T) {
	src := figure10()
	src.loadErr = errors.New("read x.pcap: not a pcap or pcapng file")
	m := loadedModel(t, src, Options{Stream: -1}, 80, 24)
	s := screenOf(m)
	if m.screen != screenFailed || !strings.Contains(s, "not a pcap or pcapng file") {
		t.Fatalf("load error not shown:\n%s", s)
	}
	m = press(t, m, "right")
	if !strings.Contains(screenOf(m), "not a pcap") {
		t.Fatal("the load error must stay")
	}
	if _, cmd := m.Update(keyMsg("q")); cmd == nil {
		t.Fatal("q must still quit")
	}
}

func TestFrameErrorInFooterUntilNextKey(t *testing.T) {
	src := figure10()
	src.frameErr = errors.New("read frame: unexpected EOF")
	m := loadedModel(t, src, Options{Stream: -1}, 80, 24)
	if !strings.Contains(screenOf(m), "unexpected EOF") {
		t.Fatalf("frame error not in the footer:\n%s", screenOf(m))
	}
	src.frameErr = nil
	m = press(t, m, "right")
	if strings.Contains(screenOf(m), "unexpected EOF") {
		t.Fatal("the error should go at the next key")
	}
}

func TestBackgroundColorSwitchesStyles(t *testing.T) {
	m := loadedModel(t, figure10(), Options{Stream: -1}, 80, 24)
	m = update(t, m, tea.BackgroundColorMsg{Color: lightBG{}})
	if m.st.IsDark {
		t.Fatal("a white background should select light styles")
	}
	m = update(t, m, tea.BackgroundColorMsg{Color: darkBG{}})
	if !m.st.IsDark {
		t.Fatal("a black background should select dark styles")
	}
}

type lightBG struct{}

func (lightBG) RGBA() (r, g, b, a uint32) { return 0xffff, 0xffff, 0xffff, 0xffff }

type darkBG struct{}

func (darkBG) RGBA() (r, g, b, a uint32) { return 0, 0, 0, 0xffff }

func TestExtraFramesAreRows(t *testing.T) {
	f := newFixture()
	const A, S = model.ACK, model.SYN
	c, s := "10.0.0.1:1000", "10.0.0.2:2000"
	f.pkt(c, s, S, 1, 0, "")
	f.pkt(s, c, S|A, 9, 2, "")
	f.n++
	f.t += 1000
	f.b.AddICMP(model.Frame{Offset: int64(f.n), TimeNS: f.t}, model.ICMPError{
		Src: ep("10.0.0.254:0"), Dst: ep("10.0.0.1:0"), Kind: "frag_needed", Type: 3, Code: 4, MTU: 1400,
		QuotedSrc: ep(c), QuotedDst: ep(s), QuotedSeq: 2,
	}, "fragmentation needed")
	f.pkt(c, s, A, 2, 10, "")
	m := loadedModel(t, f.source("icmp.pcap"), Options{Stream: -1}, 100, 24)
	if len(m.rows) != 4 || m.rows[2].Seg != -1 || m.rows[2].Frame != 3 {
		t.Fatalf("rows: %+v", m.rows)
	}
	if s := screenOf(m); !strings.Contains(s, "ICMP frag needed from 10.0.0.254 (type 3 code 4) MTU 1400") {
		t.Fatalf("the ICMP error should be its own row:\n%s", s)
	}
	m = press(t, m, "right", "right")
	c0, s0, _ := m.statesAt(1)
	c1, s1, _ := m.statesAt(2)
	if c0 != c1 || s0 != s1 {
		t.Fatal("an extra frame keeps the states of the segment before it")
	}
}

// The paper's numbers (its Figure 10), read off the ladder of the real
// embedded sample in absolute numbering: the SYN at the client's ISN, the
// SYN/ACK at the server's ISN acknowledging ISN+1, and the server's reply to
// the 5-byte help acknowledging 1023645928.
func TestFigure10NumbersOnTheLadder(t *testing.T) {
	m := loadedModel(t, sample(t, "smtp-figure10"), Options{Absolute: true, Stream: -1}, 200, 50)
	s := screenOf(m)
	for _, want := range []string{
		"SYN seq 1023645922 len 0",
		"SYN,ACK seq 2234678799 ack 1023645923 len 0",
		"ACK seq 1023645923 ack 2234678800 len 0",
		"PSH,ACK seq 2234678800 ack 1023645923 len 93",
		"PSH,ACK seq 1023645923 ack 2234678893 len 5 SMTP help",
		"ack 1023645928",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("absolute ladder lacks %q", want)
		}
	}
	m = press(t, m, "r")
	s = screenOf(m)
	for _, want := range []string{"SYN seq 0 len 0", "SYN,ACK seq 0 ack 1 len 0", "PSH,ACK seq 1 ack 94 len 5"} {
		if !strings.Contains(s, want) {
			t.Errorf("relative ladder lacks %q", want)
		}
	}
}

func TestEmptyTimelines(t *testing.T) {
	// No conversation at all: the picker says so, keys do nothing harmful.
	src := &fakeSource{name: "empty.pcap", tl: model.NewBuilder().Finish()}
	m := loadedModel(t, src, Options{Stream: -1}, 80, 24)
	if m.screen != screenPicker || !strings.Contains(screenOf(m), "no TCP conversations") {
		t.Fatalf("empty capture:\n%s", screenOf(m))
	}
	m = press(t, m, "enter", "down", "tab", "x", "backspace", "esc", "?", "?")
	checkScreen(t, m, 80, 24)

	// A conversation whose only frames are not segments.
	tl := &model.Timeline{
		Frames: []model.Frame{{Kind: model.FrameICMP, Stream: 0}},
		Conversations: []*model.Conversation{{
			Client: ep("10.0.0.1:1"), Server: ep("10.0.0.2:2"), Extra: []uint32{1}, Segs: []uint32{7},
		}},
		Notes: []string{""},
	}
	m = loadedModel(t, &fakeSource{name: "odd.pcap", tl: tl}, Options{Stream: -1}, 80, 24)
	m = press(t, m, "right", "left", "G", "g", "tab", "tab", "tab", "r")
	for _, sz := range [][2]int{{80, 24}, {200, 50}} {
		m = update(t, m, tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		checkScreen(t, m, sz[0], sz[1])
	}
	if !strings.Contains(screenOf(m), "step 1/1") {
		t.Fatalf("one extra row:\n%s", screenOf(m))
	}
}

// explainParagraphs is the explanation of the selected row, and
// explainLines the explanation pane's text at width w, as the pane draws
// them.
func (m *Model) explainParagraphs() []string { return explain.Paragraphs(m.paneCtx()) }

func (m *Model) explainLines(w int) []string {
	ctx := m.paneCtx()
	return explain.Lines(ctx.Lesson, explain.Paragraphs(ctx), w)
}

// explainTop is the explanation pane's first line shown.
func (m *Model) explainTop() int { return m.views[paneExplain].(*explain.Pane).Top() }

func TestExplanationScrollsWithinItsText(t *testing.T) {
	m := loadedModel(t, sample(t, "smtp-figure10"), Options{Stream: -1}, 80, 12)
	m = press(t, m, "right", "right", "right", "tab", "tab", "tab")
	if m.focus != paneExplain {
		t.Fatalf("focus %v", m.focus)
	}
	in := m.lay.Inner[paneExplain]
	lines := m.explainLines(in.W)
	if len(lines) <= in.H {
		t.Skipf("explanation of %d lines fits %d", len(lines), in.H)
	}
	first := screenOf(m)
	m = press(t, m, "down")
	if m.explainTop() != 1 || screenOf(m) == first {
		t.Fatal("down should scroll the explanation by a line")
	}
	for range 200 {
		m = press(t, m, "down")
	}
	if want := len(lines) - in.H; m.explainTop() != want {
		t.Fatalf("scrolled to %d, want the last page at %d", m.explainTop(), want)
	}
	m = press(t, m, "up")
	if m.explainTop() != len(lines)-in.H-1 {
		t.Fatal("one up from the bottom should scroll back at once")
	}
	m = press(t, m, "right")
	if m.explainTop() != 0 {
		t.Fatal("a new step starts its explanation at the top")
	}
}

// TestLayersKeysJK: the key map hands j and k to the layers view as ↓ and
// ↑, which move its field cursor (drawn reversed) and not the stepper.
func TestLayersKeysJK(t *testing.T) {
	m := loadedModel(t, figure10(), Options{Stream: -1}, 200, 50)
	m = press(t, m, "3")
	before, cur := m.View().Content, m.cur
	m = press(t, m, "j")
	if m.View().Content == before || m.cur != cur {
		t.Fatalf("j should move the layers' cursor, not the stepper (row %d, was %d)", m.cur, cur)
	}
	m = press(t, m, "k")
	if m.View().Content != before {
		t.Fatal("k should move the layers' cursor back")
	}
	// A key the view has no use for is left to the root, which says so.
	m = press(t, m, "m")
	if !strings.Contains(screenOf(m), "m switches the mode") {
		t.Fatalf("m is no key of the layers view:\n%s", screenOf(m))
	}
}
