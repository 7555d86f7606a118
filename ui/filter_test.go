package ui

import (
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/filter"
	"github.com/tcpstep/tcpstep/internal/synth"
	"github.com/tcpstep/tcpstep/internal/testshared"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/samples"
	"github.com/tcpstep/tcpstep/ui/ladder"
	"github.com/tcpstep/tcpstep/ui/pane"
	"github.com/tcpstep/tcpstep/ui/pane/panetest"
)

// passingFrames is filter.Frames of expr over tl as a set, reading bytes
// from src as the stepper does.
func passingFrames(t testing.TB, tl *model.Timeline, src Source, expr string) map[uint32]bool {
	t.Helper()
	f, err := filter.Compile(expr)
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	var first error
	frames, err := f.Frames(tl, filterSource(src, tl, nil, &first))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	set := map[uint32]bool{}
	for _, n := range frames {
		set[n] = true
	}
	return set
}

// wantConvs is the conversations with a frame that passes, by their own
// segments and extra frames (not by the frames' Stream, which the picker
// reads), in the order they opened.
func wantConvs(tl *model.Timeline, pass map[uint32]bool) []int {
	var out []int
	for _, c := range tl.Conversations {
		if c == nil {
			continue
		}
		hit := slices.ContainsFunc(c.Extra, func(n uint32) bool { return pass[n] })
		for _, si := range c.Segs {
			hit = hit || pass[tl.Segments[si].Frame]
		}
		if hit {
			out = append(out, c.Index)
		}
	}
	return out
}

func shownIndices(m *Model) []int {
	var out []int
	for _, c := range m.picker.Shown() {
		out = append(out, c.Index)
	}
	slices.Sort(out)
	return out
}

// typeRun types s one rune at a time and runs the commands each key
// returns, as the program would.
func typeRun(t testing.TB, m *Model, s string) *Model {
	t.Helper()
	for _, r := range s {
		nm, cmd := m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		m = runCmd(t, nm.(*Model), cmd)
	}
	return m
}

func clearPicker(t testing.TB, m *Model) *Model {
	t.Helper()
	for m.picker.Filter() != "" {
		m = press(t, m, "esc")
	}
	return m
}

// The picker of a shared capture with conversations on several ports: a
// port filter shows exactly the conversations one of whose frames passes
// it (filter.Frames), a strict subset.
func TestPickerDisplayFilterShared(t *testing.T) {
	dir := testshared.Dir(t)
	src, err := decode.Open(filepath.Join(dir, "captures", "zeek_smtp.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	m := loadedModel(t, src, Options{Stream: -1}, 100, 30)
	if m.screen != screenPicker {
		t.Fatal("the capture's several conversations should open the picker")
	}
	total := m.picker.Total()
	for _, expr := range []string{
		"tcp.port == 25",
		"tcp.port==25",
		"tcp.port == 443 || tcp.port == 5050",
		"ip.addr == 192.168.133.0/24 && tcp.len > 0",
		"tcp.analysis.flags",
		"tcp.payload contains \"EHLO\"",
	} {
		m = typeRun(t, clearPicker(t, m), expr)
		if m.picker.DisplayFilter() == nil {
			t.Fatalf("%s: not taken as a display filter", expr)
		}
		want := wantConvs(m.tl, passingFrames(t, m.tl, src, expr))
		if got := shownIndices(m); !slices.Equal(got, want) {
			t.Errorf("%s: shows conversations %v, want %v", expr, got, want)
		}
		if s := screenOf(m); !strings.Contains(s, "display filter "+expr) {
			t.Errorf("%s: the title should say it is a display filter:\n%s", expr, s)
		}
		if expr == "tcp.port == 25" {
			if len(want) == 0 || len(want) >= total {
				t.Fatalf("%s picks %d of %d conversations: not a strict subset", expr, len(want), total)
			}
			if s := screenOf(m); !strings.Contains(s, strconv.Itoa(len(want))+" of "+strconv.Itoa(total)+" conversations") {
				t.Errorf("%s: the count is wrong:\n%s", expr, s)
			}
		}
	}
}

// On an embedded sample: a display filter, plain words matched as text as
// before, and back again.
func TestPickerDisplayFilter(t *testing.T) {
	src := sample(t, "isn-prediction")
	m := loadedModel(t, src, Options{Stream: -1}, 80, 24)
	m = typeText(t, m, "tcp.port == 25")
	if len(m.picker.Shown()) != 0 || !strings.Contains(screenOf(m), "no conversation has a frame that passes the display filter") {
		t.Fatalf("no conversation is on port 25:\n%s", screenOf(m))
	}
	m = typeText(t, clearPicker(t, m), "tcp.srcport in {1025..1026, 40312}")
	if got := shownIndices(m); !slices.Equal(got, []int{0, 1, 4}) {
		t.Fatalf("shows %v, want [0 1 4]", got)
	}
	if got, want := shownIndices(m), wantConvs(m.tl, passingFrames(t, m.tl, src, "tcp.srcport in {1025..1026, 40312}")); !slices.Equal(got, want) {
		t.Fatalf("shows %v, filter.Frames gives %v", got, want)
	}
	// Plain words: text, as before, with no error under the line.
	for _, c := range []struct {
		text string
		n    int
	}{{"192.0.2.20", 4}, {"tcp", 0}, {"FIN both", 8}, {"40312", 1}} {
		m = typeText(t, clearPicker(t, m), c.text)
		if m.picker.DisplayFilter() != nil {
			t.Errorf("%q should be matched as text", c.text)
		}
		if got := len(m.picker.Shown()); got != c.n {
			t.Errorf("%q: %d conversations, want %d", c.text, got, c.n)
		}
		if m.picker.FilterError() != nil && c.n > 0 {
			t.Errorf("%q matches as text: no error should show", c.text)
		}
	}
	// A dotted field alone is a filter (an existence test), and backspace
	// makes it text again when it stops compiling.
	m = typeText(t, clearPicker(t, m), "tcp.analysis.flags")
	if m.picker.DisplayFilter() == nil || len(m.picker.Shown()) != 0 {
		t.Fatalf("tcp.analysis.flags: filter %v, %d shown", m.picker.DisplayFilter(), len(m.picker.Shown()))
	}
	m = typeText(t, clearPicker(t, m), "tcp.port == 80 && ip.src == 192.0.2.10")
	if got := shownIndices(m); !slices.Equal(got, []int{0, 1, 2, 3}) {
		t.Fatalf("shows %v, want [0 1 2 3]", got)
	}
	m = press(t, m, "backspace", "backspace", "backspace", "backspace")
	if m.picker.DisplayFilter() != nil || m.picker.FilterError() == nil {
		t.Fatalf("%q does not compile: its error should show", m.picker.Filter())
	}
	m = press(t, m, "esc")
	if m.picker.Filter() != "" || len(m.picker.Shown()) != 8 {
		t.Fatal("esc should clear the filter")
	}
}

// A filter that does not compile says why under the filter line, with a
// caret under the filter typed when there is room, and only the error on
// a short screen; nothing on one too short for it. Every screen fits.
func TestPickerFilterError(t *testing.T) {
	m := loadedModel(t, sample(t, "isn-prediction"), Options{Stream: -1}, 80, 24)
	m = typeText(t, m, "tcp.prot == 80")
	e := m.picker.FilterError()
	if e == nil {
		t.Fatal("tcp.prot == 80 should show its error")
	}
	lines := strings.Split(screenOf(m), "\n")
	title, caret, msg := lines[1], lines[2], lines[3]
	at := strings.Index(title, "tcp.prot")
	if at < 0 || !strings.HasPrefix(caret[at:], "^~~~~~~~ ") || strings.TrimSpace(caret[:at]) != "" {
		t.Errorf("the caret should mark tcp.prot under the title:\n%s\n%s", title, caret)
	}
	if strings.TrimSpace(msg) != e.Error() || !strings.Contains(msg, "at column 1 (did you mean tcp.port?)") {
		t.Errorf("the error line: %q", msg)
	}
	if !strings.Contains(lines[4], "client") {
		t.Errorf("the column header should come after the error: %q", lines[4])
	}
	// A plain word that matches nothing as text is shown why it is not a
	// filter either.
	m = typeText(t, clearPicker(t, m), "port 80")
	if e := m.picker.FilterError(); e == nil || !strings.Contains(screenOf(m), e.Error()) {
		t.Fatalf("port 80 matches nothing: its error as a filter should show:\n%s", screenOf(m))
	}
	m = typeText(t, clearPicker(t, m), "tcp.port == 80 &&")
	for _, h := range []int{3, 5, 6, 7, 8, 24} {
		for _, w := range []int{10, 30, 80, 120} {
			s := update(t, m, tea.WindowSizeMsg{Width: w, Height: h})
			checkScreen(t, s, w, h)
			got := screenOf(s)
			hasErr := strings.Contains(got, "filter ends too soon")
			hasCaret := strings.Contains(got, "^")
			r := s.pickerRect().H
			if (r >= 6) != hasErr && w >= 80 {
				t.Errorf("%dx%d (picker %d high): error shown %v:\n%s", w, h, r, hasErr, got)
			}
			if hasCaret && r < 8 {
				t.Errorf("%dx%d: no room for the caret:\n%s", w, h, got)
			}
		}
	}
	// Taking back what broke it makes it a filter again.
	m = typeText(t, clearPicker(t, m), "ip.src == 192.0.2.10 &&")
	m = press(t, m, "backspace", "backspace")
	if m.picker.DisplayFilter() == nil || len(m.picker.Shown()) != 4 || m.picker.FilterError() != nil {
		t.Fatalf("%q: want a filter showing 4", m.picker.Filter())
	}
}

// manyFrames is a capture of two conversations with n data segments in the
// first: more frames than a filter judges on the UI goroutine.
func manyFrames(n int) *fakeSource {
	f := newFixture()
	const A, P, S = model.ACK, model.PSH, model.SYN
	c, s := "10.1.0.1:5000", "10.1.0.2:6000"
	f.pkt(c, s, S, 1, 0, "")
	f.pkt(s, c, S|A, 1000, 2, "")
	seq := uint32(2)
	for range n {
		f.pkt(c, s, P|A, seq, 1001, "data")
		seq += 4
	}
	f.pkt("10.1.0.3:7000", "10.1.0.2:25", S, 50, 0, "")
	f.pkt("10.1.0.2:25", "10.1.0.3:7000", S|A, 80, 51, "")
	return f.source("many.pcap")
}

// On a capture too big to filter between two keys, the picker's filter
// runs as a command: the title says it is waiting, the timeline is held
// until the answer comes, and an answer for a filter no longer typed is
// dropped for the one typed.
func TestPickerFilterAsync(t *testing.T) {
	m := loadedModel(t, manyFrames(syncFilterFrames), Options{Stream: -1}, 80, 24)
	if m.screen != screenPicker {
		t.Fatal("want the picker")
	}
	m = typeRun(t, m, "tcp.port == 2")
	nm, cmd := m.Update(keyMsg("5"))
	m = nm.(*Model)
	if cmd == nil || !m.picker.Pending() || m.busy != 1 || !m.flt.running {
		t.Fatalf("tcp.port == 25 over %d frames should run as a command (pending %v, busy %d)", len(m.tl.Frames), m.picker.Pending(), m.busy)
	}
	if s := screenOf(m); !strings.Contains(s, "… of 2 conversations") {
		t.Fatalf("the title should say the filter runs:\n%s", s)
	}
	// Typed meanwhile: the answer for tcp.port == 25 is dropped, and the
	// filter typed runs next.
	m = press(t, m, "backspace")
	m = runCmd(t, m, cmd)
	if m.picker.Pending() || m.busy != 0 || m.flt.running {
		t.Fatalf("after the answers: pending %v, busy %d", m.picker.Pending(), m.busy)
	}
	if got := shownIndices(m); len(got) != 0 {
		t.Fatalf("tcp.port == 2 shows %v, want none", got)
	}
	m = typeRun(t, m, "5")
	if got := shownIndices(m); !slices.Equal(got, []int{1}) {
		t.Fatalf("tcp.port == 25 shows %v, want [1]", got)
	}
}

// ladderLines are the ladder's rows on screen (a tab on 80×24): the lines
// between its column header and the footer, blank ones left out.
func ladderLines(m *Model) []string {
	lines := strings.Split(screenOf(m), "\n")
	in := m.lay.Inner[paneLadder]
	var out []string
	for _, l := range lines[in.Y+1 : in.Y+in.H] {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// rowFrame is the frame number a ladder line shows.
func lineFrame(t testing.TB, l string) uint32 {
	t.Helper()
	f := strings.Fields(strings.TrimLeft(l, " "+glyphCursor+ladder.MatchMark))
	n, err := strconv.Atoi(f[0])
	if err != nil {
		t.Fatalf("no frame number in %q", l)
	}
	return uint32(n)
}

// The ladder's filter, typed in the footer: the rows it does not match
// dimmed and those it matches marked, or hidden with H, exactly those
// filter.Frames passes; the keys to the next and previous match.
func TestLadderFilter(t *testing.T) {
	src := sample(t, "smtp-figure10")
	m := loadedModel(t, src, Options{Stream: -1}, 80, 24)
	m = press(t, m, "f")
	if !m.flt.editing || !strings.Contains(screenOf(m), "display filter:") {
		t.Fatalf("f should open the filter in the footer:\n%s", screenOf(m))
	}
	const expr = "tcp.len > 0 && tcp.srcport == 25"
	m = press(t, typeText(t, m, expr), "enter")
	if m.flt.editing {
		t.Fatal("enter should apply the filter")
	}
	pass := passingFrames(t, m.tl, src, expr)
	rf := m.rowFilter()
	if rf == nil || rf.Judged() != len(m.rows) {
		t.Fatal("the rows should be judged")
	}
	n := 0
	for i, r := range m.rows {
		if rf.Matches(i) != pass[r.Frame] {
			t.Errorf("row %d (frame %d): matches %v, filter.Frames %v", i, r.Frame, rf.Matches(i), pass[r.Frame])
		}
		if pass[r.Frame] {
			n++
		}
	}
	if n == 0 || n == len(m.rows) {
		t.Fatalf("%s matches %d of %d rows: want some", expr, n, len(m.rows))
	}
	s := screenOf(m)
	if !strings.Contains(s, strconv.Itoa(n)+"/"+strconv.Itoa(len(m.rows))+" rows") {
		t.Errorf("the ladder should say how many rows match:\n%s", s)
	}
	// Dimmed: every row is drawn; the matches are marked.
	for _, l := range ladderLines(m) {
		fr := lineFrame(t, l)
		if marked := strings.HasPrefix(l, ladder.MatchMark); marked != (pass[fr] && fr != m.rows[m.cur].Frame) {
			t.Errorf("frame %d: marked %v, passes %v: %q", fr, marked, pass[fr], l)
		}
	}
	// alt+n and alt+p go to the next and previous matches.
	var matches []int
	for i, r := range m.rows {
		if pass[r.Frame] {
			matches = append(matches, i)
		}
	}
	if got := m.nextFiltered(1); got != matches[0] {
		t.Fatalf("nextFiltered(1) from row 0 = %d, want %d", got, matches[0])
	}
	if got := m.nextFiltered(-1); got != -1 {
		t.Fatalf("nextFiltered(-1) from row 0 = %d, want -1", got)
	}
	m = update(t, m, tea.KeyPressMsg{Code: 'n', Mod: tea.ModAlt})
	m = update(t, m, tea.KeyPressMsg{Code: 'n', Mod: tea.ModAlt})
	if m.cur != matches[1] {
		t.Fatalf("alt+n twice: row %d, want %d", m.cur, matches[1])
	}
	m = update(t, m, tea.KeyPressMsg{Code: 'p', Mod: tea.ModCtrl})
	if m.cur != matches[0] {
		t.Fatalf("ctrl+p: row %d, want %d", m.cur, matches[0])
	}
	m = press(t, m, "left")
	if m.cur != matches[0]-1 {
		t.Fatalf("dimmed rows are stepped onto: row %d, want %d", m.cur, matches[0]-1)
	}

	// Hidden: the rows drawn are exactly the matches, and stepping skips
	// the others.
	m = press(t, m, "H")
	if m.cur != matches[0] {
		t.Fatalf("H on a row hidden should move to the next drawn: row %d, want %d", m.cur, matches[0])
	}
	got := ladderLines(m)
	for i, l := range got {
		if fr := lineFrame(t, l); !pass[fr] || m.rows[matches[i]].Frame != fr {
			t.Fatalf("line %d shows frame %d: want the matches in order:\n%s", i, fr, screenOf(m))
		}
	}
	if len(got) != min(len(matches), m.lay.Inner[paneLadder].H-1) {
		t.Fatalf("%d rows drawn, %d match:\n%s", len(got), len(matches), screenOf(m))
	}
	m = press(t, m, "right")
	if m.cur != matches[1] {
		t.Fatalf("→ with rows hidden: row %d, want %d", m.cur, matches[1])
	}
	m = press(t, m, "G")
	if m.cur != matches[len(matches)-1] {
		t.Fatalf("G with rows hidden: row %d, want %d", m.cur, matches[len(matches)-1])
	}
	m = press(t, m, "g", "pgdown")
	if want := matches[min(m.lay.Inner[paneLadder].H-1, len(matches)-1)]; m.cur != want {
		t.Fatalf("pgdown with rows hidden: row %d, want %d", m.cur, want)
	}
	// A click on the third line drawn selects the third match.
	in := m.lay.Inner[paneLadder]
	m = update(t, press(t, m, "g"), tea.MouseClickMsg{X: in.X + 5, Y: in.Y + 3, Button: tea.MouseLeft})
	if m.cur != matches[2] {
		t.Fatalf("click on the third row drawn: row %d, want %d", m.cur, matches[2])
	}
	for _, sz := range [][2]int{{80, 24}, {200, 50}, {40, 10}, {150, 40}} {
		checkScreen(t, update(t, m, tea.WindowSizeMsg{Width: sz[0], Height: sz[1]}), sz[0], sz[1])
	}
	// H again dims them; f and an empty filter clear it.
	m = press(t, m, "H")
	if len(ladderLines(m)) != m.lay.Inner[paneLadder].H-1 {
		t.Fatal("H again should draw every row")
	}
	m = press(t, m, "f")
	for range len(expr) {
		m = press(t, m, "backspace")
	}
	m = press(t, m, "enter")
	if m.rowFilter() != nil || strings.Contains(screenOf(m), ladder.MatchMark) {
		t.Fatalf("an empty filter should clear it:\n%s", screenOf(m))
	}
}

// A filter that does not compile stays in the footer, with its error and
// a caret at its column, until it is fixed or left with esc.
func TestLadderFilterError(t *testing.T) {
	m := loadedModel(t, figure10(), Options{Stream: -1}, 80, 24)
	m = press(t, typeText(t, press(t, m, "f"), "tcp.len > 0"), "enter")
	m = press(t, typeText(t, press(t, m, "f", "backspace"), "x"), "enter")
	if !m.flt.editing || m.flt.bad == nil {
		t.Fatal("a bad filter should keep the input open with its error")
	}
	lines := strings.Split(screenOf(m), "\n")
	foot := lines[m.lay.Footer.Y:]
	if len(foot) < 3 || !strings.Contains(foot[0], "display filter: tcp.len > x") ||
		!strings.Contains(strings.Join(foot[2:], " "), "at column 11") {
		t.Fatalf("the footer should show the filter and its error:\n%s", strings.Join(foot, "\n"))
	}
	if at := strings.Index(foot[0], "tcp.len"); at < 0 || strings.Index(foot[1], "^") != at+10 {
		t.Fatalf("the caret should be under column 11:\n%s", strings.Join(foot, "\n"))
	}
	if rf := m.rowFilter(); rf == nil || rf.Expr != "tcp.len > 0" {
		t.Fatal("the filter set before should stay while the new one is wrong")
	}
	m = press(t, m, "backspace")
	if m.flt.bad != nil {
		t.Fatal("editing should take the error away")
	}
	m = press(t, m, "esc")
	if m.flt.editing || m.rowFilter().Expr != "tcp.len > 0" {
		t.Fatal("esc should leave the filter as it was")
	}
	for _, w := range []int{20, 50, 80, 200} {
		checkScreen(t, update(t, press(t, m, "f", "x", "enter"), tea.WindowSizeMsg{Width: w, Height: 24}), w, 24)
	}
	// No filter in a quiz, and H or alt+n with none set say so.
	q := loadedModel(t, figure10(), Options{Stream: -1}, 80, 24)
	q.setLadderFilter("tcp.len > 0", mustCompile(t, "tcp.len > 0"))
	q = press(t, q, "Q")
	if !q.quiz.On() || q.rowFilter() != nil {
		t.Fatal("a quiz shows no filter")
	}
	// (A question may be waiting, which takes every key: ask the filter's
	// keys directly.)
	if used, _ := q.filterKeys(keyMsg("f")); !used || q.flt.editing || !strings.Contains(q.err, "quiz") {
		t.Fatalf("f in a quiz: editing %v, %q", q.flt.editing, q.err)
	}
	n := press(t, loadedModel(t, figure10(), Options{Stream: -1}, 80, 24), "H")
	if !strings.Contains(n.err, "set one with f") {
		t.Fatalf("H with no filter: %q", n.err)
	}
	// A filter pasted into the footer.
	p := update(t, press(t, loadedModel(t, figure10(), Options{Stream: -1}, 80, 24), "f"), tea.PasteMsg{Content: "tcp.flags.syn == 1"})
	p = press(t, p, "enter")
	if rf := p.rowFilter(); rf == nil || rf.Expr != "tcp.flags.syn == 1" || rf.Count() != 2 {
		t.Fatalf("pasted filter: %+v", rf)
	}
}

// On a conversation too long to judge between two keys, the rows are
// judged in a command, and the ladder says it is filtering meanwhile.
func TestLadderFilterAsync(t *testing.T) {
	m := loadedModel(t, bigConversation(syncFilterFrames), Options{Stream: -1}, 80, 24)
	m = typeText(t, press(t, m, "f"), "tcp.len == 0")
	nm, cmd := m.Update(keyMsg("enter"))
	m = nm.(*Model)
	if cmd == nil || m.busy != 1 || m.rowFilter().Judged() != 0 {
		t.Fatalf("%d rows should be judged in a command", len(m.rows))
	}
	if s := screenOf(m); !strings.Contains(s, "filtering…") {
		t.Fatalf("the ladder should say it is filtering:\n%s", s)
	}
	m = runCmd(t, m, cmd)
	rf := m.rowFilter()
	if rf.Judged() != len(m.rows) || m.busy != 0 {
		t.Fatalf("judged %d of %d rows, busy %d", rf.Judged(), len(m.rows), m.busy)
	}
	if want := 2 + syncFilterFrames/2; rf.Count() != want {
		t.Fatalf("%d rows without payload, want %d", rf.Count(), want)
	}
	m = press(t, m, "H")
	for _, l := range ladderLines(m) {
		if !strings.Contains(l, "len 0") {
			t.Fatalf("a row with data is drawn: %q", l)
		}
	}
}

// The ladder draws a filter that hides or dims rows in exactly w×h at
// every size, and a hidden conversation says none matches.
func TestLadderFilterFits(t *testing.T) {
	m := loadedModel(t, sample(t, "ip-fragments"), Options{Stream: -1}, 80, 24)
	for _, expr := range []string{"tcpstep.fragment", "tcp.flags.syn == 1", "frame.number > 1000"} {
		for _, hide := range []bool{false, true} {
			m.flt.hide = hide
			m.setLadderFilter(expr, mustCompile(t, expr))
			m = update(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
			rf := m.rowFilter()
			if rf == nil || rf.Judged() != len(m.rows) || rf.Hide != hide {
				t.Fatalf("%s: the rows should be judged", expr)
			}
			for _, w := range []int{1, 10, 40, 79, 120} {
				for _, h := range []int{1, 2, 5, 23} {
					m.ladder.Moved(m.paneCtx(), w, h)
					panetest.CheckFits(t, expr, m.views[paneLadder].View(m.paneCtx(), w, h), w, h)
				}
			}
			if hide && rf.Count() == 0 && !strings.Contains(screenOf(m), "no row matches the display filter") {
				t.Fatalf("%s hides every row: the ladder should say so:\n%s", expr, screenOf(m))
			}
		}
	}
}

func mustCompile(t testing.TB, expr string) *filter.Filter {
	t.Helper()
	f, err := filter.Compile(expr)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// The ladder's two ways of judging rows, one Match a row and the filter's
// Frames over the timeline, agree with filter.Frames on every row of every
// conversation of the embedded samples and of a few shared captures
// (segments, fragments, ICMP errors, payloads read).
func TestJudgeRowsBothWays(t *testing.T) {
	exprs := []string{
		"tcp.len > 0",
		"tcp.flags.syn == 1 || tcp.flags.reset == 1",
		"tcpstep.fragment || icmp",
		"ip.src == 192.0.2.0/24",
		"tcp.analysis.flags && !tcp.analysis.window_update",
		`tcp.payload contains "E" || tcp.payload matches "^[0-9]{3} "`,
		"frame.number > 3 && tcpstep.server_state == ESTABLISHED",
	}
	type capture struct {
		name string
		src  Source
	}
	var caps []capture
	for _, s := range samples.List() {
		caps = append(caps, capture{s.Name, sample(t, s.Name)})
	}
	if dir, ok := testshared.Optional(t); ok {
		for _, f := range []string{"zeek_smtp.pcap", "zeek_fragmented-4.pcap", "tcpdump_tfo.pcap"} {
			in, err := decode.Open(filepath.Join(dir, "captures", f))
			if err != nil {
				t.Fatal(err)
			}
			defer in.Close()
			caps = append(caps, capture{f, in})
		}
	}
	for _, c := range caps {
		tl, err := c.src.Load(func(int64, int64) {})
		if err != nil {
			t.Fatal(err)
		}
		for _, expr := range exprs {
			pass := passingFrames(t, tl, c.src, expr)
			f := mustCompile(t, expr)
			for _, conv := range tl.Conversations {
				rows := pane.BuildRows(tl, conv)
				for _, perRow := range []bool{true, false} {
					got, err := judgeRows(f, tl, c.src, rows, perRow)
					if err != nil {
						t.Fatalf("%s %s: %v", c.name, expr, err)
					}
					for i, r := range rows {
						if got[i] != pass[r.Frame] {
							t.Errorf("%s stream %d %s (per row %v): frame %d judged %v, filter.Frames %v", c.name, conv.Index, expr, perRow, r.Frame, got[i], pass[r.Frame])
						}
					}
				}
			}
		}
	}
}

// A filter judged off the UI goroutine reads the capture while the screen
// is drawn and keys are handled: under -race, nothing is shared but what
// the timeline held still allows. The picker's filter and then the
// ladder's, on a capture too big for either to run inline.
func TestFilterOffGoroutine(t *testing.T) {
	in, err := decode.OpenBytes("synth.pcap", synth.Capture(3*syncFilterFrames, 3))
	if err != nil {
		t.Fatal(err)
	}
	m := loadedModel(t, in, Options{Stream: -1}, 120, 30)
	// run delivers cmd's message from another goroutine while keys come.
	run := func(cmd tea.Cmd, keys ...string) {
		t.Helper()
		if cmd == nil {
			t.Fatal("want the filter in a command")
		}
		done := make(chan tea.Msg)
		go func() { done <- cmd() }()
		for _, k := range keys {
			m = press(t, m, k)
			_ = m.View()
		}
		m = runCmd(t, m, func() tea.Msg { return <-done })
	}
	m = typeRun(t, m, "tcp.port == 8")
	nm, cmd := m.Update(keyMsg("0"))
	m = nm.(*Model)
	run(cmd, "down", "up")
	if m.picker.Pending() || len(m.picker.Shown()) == 0 {
		t.Fatalf("tcp.port == 80: pending %v, %d shown", m.picker.Pending(), len(m.picker.Shown()))
	}
	m = press(t, m, "enter")
	m = typeText(t, press(t, m, "f"), `tcp.payload contains "zz" || tcp.len > 0`)
	nm, cmd = m.Update(keyMsg("enter"))
	m = nm.(*Model)
	run(cmd, "right", "right", "3", "1")
	if rf := m.rowFilter(); rf.Judged() != len(m.rows) || m.busy != 0 {
		t.Fatalf("judged %d of %d rows, busy %d", rf.Judged(), len(m.rows), m.busy)
	}
}

// sendKeys presses keys while commands run on their own goroutines (r),
// running the commands the keys return.
func sendKeys(t testing.TB, m *Model, r *runner, keys ...tea.KeyPressMsg) *Model {
	t.Helper()
	for _, k := range keys {
		nm, cmd := m.Update(k)
		m = nm.(*Model)
		r.run(cmd)
	}
	return m
}

func runes(s string) []tea.KeyPressMsg {
	var out []tea.KeyPressMsg
	for _, r := range s {
		out = append(out, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return out
}

// While a big capture is indexed, the picker's display filter is judged
// again as it grows (at most every refreshEvery), and once more when the
// last frame is filed: at the end it is the whole capture's.
func TestPickerFilterWhileIndexing(t *testing.T) {
	const frames, conns = 120000, 3000
	in := synthInput(t, frames, conns)
	m, cmd := startedModel(t, in, Options{Stream: -1}, 120, 30)
	r := newRunner()
	r.run(cmd)
	m = r.until(t, m, true, func(m *Model) bool { return m.screen == screenPicker })
	const expr = "tcp.port in {1030..1099} && tcp.flags.syn == 1"
	m = sendKeys(t, m, r, runes(expr)...)
	m = r.until(t, m, true, func(m *Model) bool {
		e, n := m.picker.MatchedFor()
		return !m.indexing && !m.flt.running && e == expr && n == len(m.tl.Frames)
	})
	want := wantConvs(m.tl, passingFrames(t, m.tl, in, expr))
	if got := shownIndices(m); len(want) == 0 || len(want) == conns || !slices.Equal(got, want) {
		t.Fatalf("after indexing %s shows %d conversations, want %d of %d", expr, len(got), len(want), conns)
	}
}

// A live capture's conversation grows under the ladder's filter: the new
// rows are judged as they come, and in the end every row's verdict is
// filter.Frames'.
func TestLadderFilterWhileLive(t *testing.T) {
	feed, pr := newPipeFeeder(t, "smtp-figure10")
	m, r := startPiped(t, feed, pr)
	feed.sendFrames(3)
	m = r.until(t, m, false, filed(3))
	const expr = "tcp.len > 0 || tcp.flags.fin == 1"
	m = sendKeys(t, m, r, keyMsg("f"))
	m = sendKeys(t, m, r, runes(expr)...)
	m = sendKeys(t, m, r, keyMsg("enter"), keyMsg("H"))
	for _, n := range []int{6, 12, 20, len(feed.ends)} {
		feed.sendFrames(n)
		m = r.until(t, m, false, filed(n))
		checkScreen(t, m, 200, 50)
	}
	feed.close()
	m = r.until(t, m, false, func(m *Model) bool { return !m.indexing })
	rf := m.rowFilter()
	if rf == nil || rf.Judged() != len(m.rows) {
		t.Fatalf("judged %d of %d rows", rf.Judged(), len(m.rows))
	}
	pass := passingFrames(t, m.tl, m.src, expr)
	for i, row := range m.rows {
		if rf.Matches(i) != pass[row.Frame] {
			t.Errorf("frame %d: matches %v, filter.Frames %v", row.Frame, rf.Matches(i), pass[row.Frame])
		}
	}
	if !rf.Shown(m.cur) {
		t.Fatalf("the selection (row %d) is hidden", m.cur)
	}
}

// With a display filter set and no search, the search's repeat keys n and
// N move between the rows the filter matches; a search, once set, takes
// them back.
func TestFilterMatchesWithSearchKeys(t *testing.T) {
	src := sample(t, "smtp-figure10")
	m := loadedModel(t, src, Options{Stream: -1}, 80, 24)
	const expr = "tcp.srcport == 25 && tcp.len > 0"
	m = press(t, typeText(t, press(t, m, "f"), expr), "enter")
	pass := passingFrames(t, m.tl, src, expr)
	var want []int
	for i, r := range m.rows {
		if pass[r.Frame] {
			want = append(want, i)
		}
	}
	if len(want) < 3 {
		t.Fatalf("%s matches rows %v: want several", expr, want)
	}
	for _, w := range want {
		if m = press(t, m, "n"); m.cur != w {
			t.Fatalf("n went to row %d, want the next match %d", m.cur, w)
		}
	}
	if m = press(t, m, "N"); m.cur != want[len(want)-2] {
		t.Fatalf("N went to row %d, want the previous match %d", m.cur, want[len(want)-2])
	}
	m = press(t, typeText(t, press(t, m, "/"), "QUIT"), "enter")
	if m.search == nil {
		t.Fatal("the search should be set")
	}
}
