package ui

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/ladder"
)

// The keys that move around as less, vim and Wireshark do (move.go),
// driven through the whole model as a user presses them.

// footerText is the footer's lines as one string.
func footerText(m *Model) string { return strings.Join(footerOf(m), "\n") }

// rowFrame is the frame number of the selected row.
func rowFrame(m *Model) uint32 { return m.rows[m.cur].Frame }

// : or # and a number go to that frame; the line is typed in the footer,
// backspace edits it, esc cancels it, and what is not a frame number or
// not in the capture is said in the footer.
func TestGoToFrame(t *testing.T) {
	m := loadedModel(t, figure10(), Options{Stream: -1}, 80, 24)
	m = typeText(t, press(t, m, ":"), "7")
	if f := footerText(m); !strings.Contains(f, ":7") || !strings.Contains(f, "enter go to frame") || !strings.Contains(f, "esc cancel") {
		t.Fatalf("the prompt is not in the footer while typing: %q", f)
	}
	if m.cur != 0 {
		t.Fatalf("typing moved the selection to %d", m.cur)
	}
	m = press(t, m, "enter")
	if rowFrame(m) != 7 || m.prompt != nil {
		t.Fatalf(":7 enter: frame %d, prompt %v", rowFrame(m), m.prompt != nil)
	}
	if !strings.Contains(screenOf(m), "step 7/13") {
		t.Errorf("the header does not follow:\n%s", screenOf(m))
	}
	// Backspace edits; letters are not part of a frame number (1x2 is
	// 12); # is : too.
	m = press(t, typeText(t, press(t, m, "#"), "1x2"), "backspace", "backspace", "5", "enter")
	if rowFrame(m) != 5 {
		t.Fatalf("#1x2 ⌫ 5 enter: frame %d, want 5", rowFrame(m))
	}
	// esc cancels, and so does backspace on an empty line.
	m = press(t, typeText(t, press(t, m, ":"), "12"), "esc")
	if rowFrame(m) != 5 || m.prompt != nil {
		t.Fatalf("esc: frame %d, prompt %v", rowFrame(m), m.prompt != nil)
	}
	if f := footerText(m); strings.Contains(f, ":12") || !strings.Contains(f, "? help") {
		t.Errorf("after esc the footer is %q", f)
	}
	m = press(t, m, ":", "backspace")
	if m.prompt != nil {
		t.Error("backspace on an empty line should close the prompt")
	}
	// q and ? are letters in the prompt, not quit and help; ctrl+c quits.
	m = press(t, m, ":")
	nm, cmd := m.Update(keyMsg("q"))
	if m = nm.(*Model); quits(cmd) || m.showHelp || m.prompt == nil {
		t.Fatal("q in the prompt quit or closed it")
	}
	if _, cmd := m.Update(keyMsg("ctrl+c")); !quits(cmd) {
		t.Error("ctrl+c should quit from the prompt")
	}
	m = press(t, m, "esc")
	for _, c := range []struct{ typed, want string }{
		{"99", "no frame 99: the capture has 13 frames"},
		{"0", "frames are numbered from 1"},
		{"99999999999", "is not a frame number"},
	} {
		m = press(t, typeText(t, press(t, m, ":"), c.typed), "enter")
		if !strings.Contains(footerText(m), c.want) || rowFrame(m) != 5 {
			t.Errorf(":%s: frame %d, footer %q, want %q", c.typed, rowFrame(m), footerText(m), c.want)
		}
	}
	// ctrl+g, Wireshark's Go To Packet, opens the same prompt.
	m = press(t, update(t, m, keyCtrl('g')), "3", "enter")
	if rowFrame(m) != 3 {
		t.Errorf("ctrl+g 3 enter: frame %d", rowFrame(m))
	}
}

// A frame of another conversation opens it, as the picker does, at that
// frame; a frame of no conversation is named and the selection stays.
func TestGoToFrameElsewhere(t *testing.T) {
	f := newFixture()
	const A, P, S = model.ACK, model.PSH, model.SYN
	a1, a2 := "10.0.0.1:40000", "10.0.0.9:80"
	b1, b2 := "10.0.0.2:40001", "10.0.0.9:81"
	f.pkt(a1, a2, S, 100, 0, "")
	f.pkt(b1, b2, S, 7000, 0, "")
	f.pkt(a2, a1, S|A, 500, 101, "")
	f.n++
	f.t += 10_000_000
	f.b.AddFrame(model.Frame{Offset: int64(f.n), TimeNS: f.t, Kind: model.FrameOther}, "UDP 10.0.0.5:53 → 10.0.0.1:4000")
	f.pkt(b2, b1, S|A, 9000, 7001, "")
	f.pkt(b1, b2, A, 7001, 9001, "")
	f.pkt(b1, b2, P|A, 7001, 9001, "GET")
	m := loadedModel(t, f.source("two.pcap"), Options{Stream: 0}, 80, 24)
	if m.conv.Index != 0 {
		t.Fatalf("opened conversation %d", m.conv.Index)
	}
	m = press(t, typeText(t, press(t, m, ":"), "6"), "enter")
	if m.screen != screenStepper || m.conv.Index != 1 || rowFrame(m) != 6 {
		t.Fatalf(":6: screen %d, conversation %d, frame %d", m.screen, m.conv.Index, rowFrame(m))
	}
	if want := "frame 6 is in conversation 1"; !strings.Contains(footerText(m), want) {
		t.Errorf("the footer does not say %q: %q", want, footerText(m))
	}
	// As opening it from the picker: its rows, its first step's views,
	// and esc in the picker comes back to it.
	if len(m.rows) != 4 || !strings.Contains(screenOf(m), b1+" "+glyphBoth+" "+b2) {
		t.Errorf("conversation 1 is not what the screen shows:\n%s", screenOf(m))
	}
	if m = press(t, m, "s"); m.picker.Selected() != m.tl.Conversations[1] {
		t.Error("the picker should select the conversation gone to")
	}
	m = press(t, m, "esc")
	// Back to conversation 0, then a frame of none.
	m = press(t, typeText(t, press(t, m, ":"), "3"), "enter")
	if m.conv.Index != 0 || rowFrame(m) != 3 {
		t.Fatalf(":3: conversation %d, frame %d", m.conv.Index, rowFrame(m))
	}
	m = press(t, typeText(t, press(t, m, ":"), "4"), "enter")
	if want := "frame 4 is not TCP of any conversation: UDP 10.0.0.5:53 → 10.0.0.1:4000"; !strings.Contains(strings.Join(strings.Fields(footerText(m)), " "), want) {
		t.Errorf("footer %q, want %q", footerText(m), want)
	}
	if m.conv.Index != 0 || rowFrame(m) != 3 {
		t.Errorf("a frame of no conversation moved the selection: conversation %d, frame %d", m.conv.Index, rowFrame(m))
	}
}

// / searches forward over flags, the numbers on the row in the numbering
// on screen and payload bytes; n and N repeat it while it is set, esc
// ends it and n steps again.
func TestSearch(t *testing.T) {
	m := loadedModel(t, figure10(), Options{Stream: -1}, 80, 24)
	m = typeText(t, press(t, m, "/"), "RS")
	if f := footerText(m); !strings.Contains(f, "/RS") || !strings.Contains(f, "enter search") {
		t.Fatalf("the pattern is not in the footer while typing: %q", f)
	}
	m = press(t, m, "T", "enter")
	if rowFrame(m) != 12 {
		t.Fatalf("/RST: frame %d, want 12", rowFrame(m))
	}
	f := footerText(m)
	for _, want := range []string{"/RST", "n/N match", "esc end search", "? help", "q quit"} {
		if !strings.Contains(f, want) {
			t.Errorf("the footer of a search lacks %q: %q", want, f)
		}
	}
	steps := []struct {
		key   string
		frame uint32
		note  string
	}{
		{"n", 13, ""},
		{"n", 13, "/RST: not found after this step"},
		{"N", 12, ""},
		{"N", 12, "/RST: not found before this step"},
		{"esc", 12, "search ended"},
		{"n", 13, ""}, // a step again
	}
	for _, s := range steps {
		m = press(t, m, s.key)
		if rowFrame(m) != s.frame || (s.note != "" && !strings.Contains(footerText(m), s.note)) {
			t.Fatalf("%s: frame %d, footer %q; want frame %d, %q", s.key, rowFrame(m), footerText(m), s.frame, s.note)
		}
	}
	if m.search != nil {
		t.Fatal("esc should end the search")
	}

	search := func(m *Model, pattern string) *Model {
		t.Helper()
		return press(t, typeText(t, press(t, m, "g", "/"), pattern), "enter")
	}
	for _, c := range []struct {
		pattern string
		frames  []uint32 // the first match and those n finds after it
	}{
		{"FIN", []uint32{11}},
		{"fin", []uint32{11}},
		{"help", []uint32{5, 6}}, // lower case matches the server's HELP too
		{"HELP", []uint32{6}},
		{`\x1b[31m`, []uint32{9}}, // an escape sequence, by its bytes
		{"␛[31m", []uint32{9}},    // and by its picture
		{`root\r\n`, []uint32{7}},
		{`VRFY root\x0d\x0a`, []uint32{7}},
		{"seq 94", []uint32{6}},       // the server's, relative
		{"ack 94", []uint32{5}},       // the client's ACK of the greeting
		{"94", []uint32{5, 6}},        // either number
		{"ack 9", nil},                // a whole number: not ack 94
		{"len 0", []uint32{2, 3, 11}}, // the handshake's and the FIN's
	} {
		m := search(m, c.pattern)
		var got []uint32
		if m.cur > 0 {
			got = append(got, rowFrame(m))
			for range 12 {
				cur := m.cur
				if m = press(t, m, "n"); m.cur == cur {
					break
				}
				got = append(got, rowFrame(m))
			}
		}
		if c.pattern == "len 0" && len(got) > 3 {
			got = got[:3] // and the RSTs
		}
		if fmt.Sprint(got) != fmt.Sprint(c.frames) {
			t.Errorf("/%s: frames %v, want %v", c.pattern, got, c.frames)
		}
		m = press(t, m, "esc")
	}
	// The numbers are those on screen: absolute after r.
	abs := fmt.Sprintf("ack %d", figISNC+1)
	if m := search(m, abs); m.cur != 0 {
		t.Errorf("/%s in relative numbers found frame %d", abs, rowFrame(m))
	}
	if m := search(press(t, m, "esc", "r"), abs); rowFrame(m) != 2 {
		t.Errorf("/%s in absolute numbers: frame %d, want 2", abs, rowFrame(m))
	}
	// An empty pattern repeats the last search; a bad escape is said.
	m = search(press(t, m, "r"), "RST")
	m = press(t, m, "/", "enter")
	if rowFrame(m) != 13 {
		t.Errorf("/ enter should repeat /RST: frame %d", rowFrame(m))
	}
	m = search(press(t, m, "esc"), `\q`)
	if !strings.Contains(footerText(m), `\q is not an escape`) || m.search != nil {
		t.Errorf("a bad escape: footer %q", footerText(m))
	}
}

// The events are searched by their names on the row.
func TestSearchFindsEvents(t *testing.T) {
	m := loadedModel(t, threeConversations(), Options{Stream: 2}, 80, 24)
	m = press(t, typeText(t, press(t, m, "/"), "retrans"), "enter")
	if rowFrame(m) != 14 {
		t.Errorf("/retrans: frame %d, want 14", rowFrame(m))
	}
}

// needleConversation is one connection of n data segments, all "data"
// but the last, "needle".
func needleConversation(n int) *fakeSource {
	f := newFixture()
	const A, P, S = model.ACK, model.PSH, model.SYN
	c, s := "10.1.0.1:5000", "10.1.0.2:6000"
	f.pkt(c, s, S, 1, 0, "")
	f.pkt(s, c, S|A, 1000, 2, "")
	seq := uint32(2)
	for i := range n {
		p := "data"
		if i == n-1 {
			p = "needle"
		}
		f.pkt(c, s, P|A, seq, 1001, p)
		seq += uint32(len(p))
	}
	return f.source("needle.pcap")
}

// withScanLimits makes a search read reads payloads in the key press and
// in each command after it.
func withScanLimits(t *testing.T, press, chunk int) {
	t.Helper()
	p, c := scanPressReads, scanChunkReads
	scanPressReads, scanChunkReads = press, chunk
	t.Cleanup(func() { scanPressReads, scanChunkReads = p, c })
}

// A search whose payloads take more than a key press goes on in commands,
// a batch at a time, with its progress in the footer, and lands where the
// payload is; no frame is filed meanwhile, and a key stops it.
func TestSearchReadsPayloadsInBatches(t *testing.T) {
	withScanLimits(t, 3, 5)
	src := needleConversation(40)
	m := loadedModel(t, src, Options{Stream: -1}, 80, 24)
	nm, cmd := m.Update(keyMsg("/"))
	m = typeText(t, nm.(*Model), "needle")
	nm, cmd = m.Update(keyMsg("enter"))
	m = nm.(*Model)
	if cmd == nil || m.scan == nil || m.busy != 1 {
		t.Fatalf("the search should go on in a command: cmd %v, scan %v, busy %d", cmd != nil, m.scan != nil, m.busy)
	}
	if m.cur != 0 {
		t.Fatalf("the search moved before it found: row %d", m.cur)
	}
	if f := footerText(m); !strings.Contains(f, "searching payloads for /needle") || !strings.Contains(f, "%") || !strings.Contains(f, "esc stop") {
		t.Errorf("the footer does not show the search's progress: %q", f)
	}
	batches := 0
	for cmd != nil {
		msg := cmd()
		batches++
		nm, cmd = m.Update(msg)
		m = nm.(*Model)
	}
	if rowFrame(m) != 42 || m.scan != nil || m.busy != 0 {
		t.Fatalf("after %d batches: frame %d, scan %v, busy %d; want frame 42", batches, rowFrame(m), m.scan != nil, m.busy)
	}
	if batches < 5 {
		t.Errorf("%d batches: the limits were not kept", batches)
	}

	// esc stops it where it got to; the batch on its way only gives the
	// timeline back.
	m = press(t, m, "g")
	nm, cmd = m.Update(keyMsg("n"))
	m = nm.(*Model)
	if m.scan == nil {
		t.Fatal("n should search in a command again")
	}
	m = press(t, m, "esc")
	if m.scan != nil || m.cur != 0 || !strings.Contains(footerText(m), "search stopped at frame") {
		t.Fatalf("esc: scan %v, row %d, footer %q", m.scan != nil, m.cur, footerText(m))
	}
	if m.search == nil {
		t.Error("esc that stops the reading should keep the search for n")
	}
	m = update(t, m, cmd())
	if m.cur != 0 || m.busy != 0 {
		t.Errorf("a stopped search's batch moved to row %d, busy %d", m.cur, m.busy)
	}
	// Any other key stops it too, and does what it does.
	nm, _ = m.Update(keyMsg("n"))
	m = press(t, nm.(*Model), "right")
	if m.scan != nil || m.cur != 1 {
		t.Errorf("→ during a search: scan %v, row %d", m.scan != nil, m.cur)
	}
}

// ] and [ go to the segments with an analysis event, in order; } and {
// to the segments whose states differ from the segment's before them.
func TestJumpToEventsAndStateChanges(t *testing.T) {
	for _, name := range []string{"lossy-transfer", "smtp-figure10", "simultaneous-close"} {
		m := loadedModel(t, sample(t, name), Options{Stream: 0}, 80, 24)
		var events, changes []int
		c, s := m.conv.InitClient, m.conv.InitServer
		for i := range m.rows {
			seg := m.segAt(i)
			if seg == nil {
				continue
			}
			if seg.Events != 0 {
				events = append(events, i)
			}
			if seg.Client() != c || seg.Server() != s {
				changes = append(changes, i)
			}
			c, s = seg.Client(), seg.Server()
		}
		if name == "lossy-transfer" && len(events) < 3 {
			t.Fatalf("%s: %d rows with events", name, len(events))
		}
		for _, k := range []struct {
			next, prev, what string
			rows             []int
		}{{"]", "[", "analysis event", events}, {"}", "{", "state change", changes}} {
			m = press(t, m, "g")
			var got []int
			for range len(m.rows) {
				cur := m.cur
				if m = press(t, m, k.next); m.cur == cur {
					break
				}
				got = append(got, m.cur)
			}
			want := k.rows
			if len(want) > 0 && want[0] == 0 {
				want = want[1:] // row 0 is where it starts
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s: %s goes to rows %v, want %v", name, k.next, got, want)
			}
			if want := "no " + k.what + " after this step"; !strings.Contains(footerText(m), want) {
				t.Errorf("%s: at the last %s the footer is %q", name, k.what, footerText(m))
			}
			m = press(t, m, "G")
			var back []int
			for range len(m.rows) {
				cur := m.cur
				if m = press(t, m, k.prev); m.cur == cur {
					break
				}
				back = append([]int{m.cur}, back...)
			}
			want = k.rows
			if n := len(want); n > 0 && want[n-1] == len(m.rows)-1 {
				want = want[:n-1] // the last row is where it starts
			}
			if fmt.Sprint(back) != fmt.Sprint(want) {
				t.Errorf("%s: %s goes back to rows %v, want %v", name, k.prev, back, want)
			}
		}
	}
}

// In a quiz the keys move among the steps revealed only.
func TestMovingKeysKeepTheQuiz(t *testing.T) {
	m := quizModel(t, sample(t, "lossy-transfer"), Options{Stream: 0, Seed: 3}, 80, 24)
	if m.quiz.Asking() {
		m = press(t, m, "esc", "Q")
	}
	if !m.quiz.On() || m.quiz.Asking() {
		t.Skip("the quiz asks at once")
	}
	last, _ := m.quizLimit()
	m = press(t, m, "]")
	if m.cur > last || !strings.Contains(footerText(m), "among the steps revealed") {
		t.Errorf("] in a quiz: row %d (revealed to %d), footer %q", m.cur, last, footerText(m))
	}
	m = press(t, typeText(t, press(t, m, "/"), "FIN"), "enter")
	if m.cur > last || !strings.Contains(footerText(m), "/FIN: not found after this step among the steps revealed") {
		t.Errorf("/FIN in a quiz: row %d (revealed to %d), footer %q", m.cur, last, footerText(m))
	}
	m = press(t, m, "esc") // ends the search, not the quiz
	if m.search != nil || !m.quiz.On() {
		t.Fatalf("esc: search %v, quiz %v", m.search != nil, m.quiz.On())
	}
	m = press(t, typeText(t, press(t, m, ":"), fmt.Sprint(m.rows[len(m.rows)-1].Frame)), "enter")
	if m.cur > last || !strings.Contains(footerText(m), "the quiz has not revealed") {
		t.Errorf(": to the last frame in a quiz: row %d, footer %q", m.cur, footerText(m))
	}
}

// t cycles the ladder's time column through Wireshark's formats, named
// in its header; a ladder too narrow for the column says so.
func TestTimeFormats(t *testing.T) {
	m := loadedModel(t, threeConversations(), Options{Stream: 2}, 120, 40)
	tl := m.tl
	first := tl.Frames[m.rows[0].Frame-1].TimeNS
	tod := func(i int) string {
		return time.Unix(0, tl.Frames[m.rows[i].Frame-1].TimeNS).UTC().Format("15:04:05.000000")
	}
	for _, c := range []struct {
		header, row0, row1 string
		note               string
	}{
		{"conv", "0.000000", "0.010000", "since the conversation's first segment"},
		{"delta", "0.000000", "0.010000", "since the row above"},
		{"UTC", tod(0), tod(1), "time of day, UTC"},
		{"capture", fmt.Sprintf("%.6f", float64(first-tl.StartNS)/1e9), "0.110000", "since the capture's first frame"},
	} {
		m = press(t, m, "t")
		s := screenOf(m)
		lines := strings.Split(s, "\n")
		hdr, r0, r1 := lines[2], lines[3], lines[4]
		if !strings.Contains(hdr, c.header+" client") || !strings.Contains(r0, " "+c.row0+" ") || !strings.Contains(r1, " "+c.row1+" ") {
			t.Errorf("t → %s:\n%s\n%s\n%s", c.header, hdr, r0, r1)
		}
		if !strings.Contains(footerText(m), c.note) {
			t.Errorf("t → %s: footer %q", c.header, footerText(m))
		}
		checkScreen(t, m, 120, 40)
	}
	// The delta is from the row above, wherever the ladder is scrolled.
	m = press(t, m, "t", "t", "G")
	if s := screenOf(m); !strings.Contains(s, "delta client") {
		t.Fatalf("not the delta:\n%s", s)
	}
	m = loadedModel(t, threeConversations(), Options{Stream: 2}, 80, 24)
	m = press(t, m, "t")
	if f := strings.Join(strings.Fields(footerText(m)), " "); !strings.Contains(f, fmt.Sprintf("the ladder shows its time column from %d columns", ladder.TimeMinWidth)) {
		t.Errorf("80 columns: footer %q", f)
	}
}

// The help lists every key that moves around, and the README's table of
// keys names them.
func TestHelpListsMovingKeys(t *testing.T) {
	m := press(t, loadedModel(t, figure10(), Options{Stream: -1}, 200, 50), "?")
	s := screenOf(m)
	for _, want := range []string{":/# go to frame", "/   search", "n/N next/previous match", "]/[ next/previous event", "}/{ next/previous state change", "t   time format"} {
		if !strings.Contains(s, want) {
			t.Errorf("the help lacks %q:\n%s", want, s)
		}
	}
	notes := strings.Join(helpNotes, " ")
	for _, want := range []string{"ctrl+g", "n and N repeat it", "esc ends it", `\xNN`, "time of day in UTC", "} and {"} {
		if !strings.Contains(notes, want) {
			t.Errorf("the help's notes do not say %q", want)
		}
	}
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	i := strings.Index(readme, "### Keys")
	if i < 0 {
		t.Fatal("README has no table of keys")
	}
	table := readme[i:]
	table = table[:strings.Index(table, "\n## ")]
	for _, want := range []string{"`:`", "`#`", "`ctrl+g`", "`/`", "`n` / `N`", "`]` / `[`", "`}` / `{`", "`t`"} {
		if !strings.Contains(table, want) {
			t.Errorf("the README's keys lack %s", want)
		}
	}
}

// keyCtrl is ctrl and a letter.
func keyCtrl(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Mod: tea.ModCtrl} }
