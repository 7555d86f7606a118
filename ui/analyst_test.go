package ui

// Tests of the analyst's views inside the stepper, driven by messages as
// the program drives them: the number keys, stepping in the follow view
// and the graph, the netstat lines at each step against the RFC arithmetic
// of what is sent and not yet acknowledged, the export key writing a file,
// the vantage sentence against the handshake's timing, and the reassembly
// running off the UI goroutine.

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/export"
	"github.com/tcpstep/tcpstep/internal/testsample"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/graph"
	"github.com/tcpstep/tcpstep/ui/pane"
)

// Each number key brings its view to the front: a tab on a small screen,
// its slot's content on a large one, where the ladder stays in view.
func TestNumberKeysShowEachView(t *testing.T) {
	want := map[paneID]string{
		paneLadder:  "SYN seq 0 len 0",
		paneStates:  "States as seen from",
		paneLayers:  "Ethernet II",
		paneExplain: "Frame 1",
		paneFollow:  "220 mailhub.example.com",
		paneGraph:   "retrans",
		paneNetstat: "netstat -tan",
		paneISN:     "too few connections (1) to judge",
		paneExpert:  "Whole capture: ",
	}
	for _, sz := range goldenSizes {
		m := loadedModel(t, sample(t, "smtp-figure10"), Options{Stream: -1}, sz[0], sz[1])
		for p := range numPanes {
			m = pressRun(t, m, fmt.Sprint(int(p)+1))
			if m.focus != p || !m.visible(p) {
				t.Fatalf("%v: key %d: focus %v, visible %v", sz, p+1, m.focus, m.visible(p))
			}
			s := screenOf(m)
			if !strings.Contains(s, want[p]) {
				t.Fatalf("%v: key %d: the screen lacks %q:\n%s", sz, p+1, want[p], s)
			}
			if !m.lay.Tabs && !strings.Contains(s, "SYN seq 0 len 0") {
				t.Fatalf("%v: key %d hid the ladder:\n%s", sz, p+1, s)
			}
		}
		if !m.lay.Tabs {
			// The slots keep what they were last given.
			if m.shown != [numSlots]paneID{paneLadder, paneNetstat, paneGraph, paneExpert} {
				t.Fatalf("%v: slots show %v", sz, m.shown)
			}
			m = press(t, m, "tab")
			if m.focus != paneLadder {
				t.Fatalf("%v: tab from the expert pane went to %v", sz, m.focus)
			}
		}
	}
	// A click on a tab shows it.
	m := loadedModel(t, sample(t, "smtp-figure10"), Options{Stream: -1}, 80, 24)
	_, starts := tabBar(80, m.focus)
	x := starts[paneNetstat]
	m = update(t, m, tea.MouseClickMsg{X: x + 2, Y: m.lay.TabBar.Y, Button: tea.MouseLeft})
	if m.focus != paneNetstat || !strings.Contains(screenOf(m), "netstat -tan") {
		t.Fatalf("click on the Netstat tab: focus %v\n%s", m.focus, screenOf(m))
	}
}

// openSample decodes an embedded sample for a test that needs its
// timeline and payloads beside the stepper's.
func openSample(t *testing.T, name string) (*decode.Input, *model.Timeline) {
	t.Helper()
	in := sample(t, name).(*decode.Input)
	tl, err := in.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	return in, tl
}

// selectedFrame is the frame of the ladder's selected row.
func selectedFrame(m *Model) uint32 { return m.rows[m.cur].Frame }

// followMarked is the text of the follow view's lines marked as the
// selected step's, gutters removed, joined.
func followMarked(m *Model) string {
	in := m.lay.Inner[paneFollow]
	var b strings.Builder
	for _, l := range strings.Split(ansi.Strip(m.renderPane(paneFollow, in.W, in.H)), "\n") {
		if rest, ok := strings.CutPrefix(l, glyphCursor+" "); ok {
			b.WriteString(rest)
		}
	}
	return b.String()
}

// ↓ and ↑ in the follow view walk the conversation's data segments in the
// order the dialogue shows them, moving the ladder; moving on the ladder
// marks the selected segment's bytes, which are the bytes the capture holds
// for it (re-read through the decoder).
func TestFollowStepsTheLadderAndBack(t *testing.T) {
	for _, name := range []string{"smtp-figure10", "http-close"} {
		in, tl := openSample(t, name)
		var data []uint32 // frames with payload, in capture order
		for _, si := range tl.Conversations[0].Segs {
			if s := tl.Segments[si]; s.Len > 0 {
				data = append(data, s.Frame)
			}
		}
		if len(data) < 2 {
			t.Fatalf("%s: %d data segments", name, len(data))
		}
		// Tall enough that every segment's bytes are on screen when
		// selected; narrow enough to be tabs.
		m := loadedModel(t, sample(t, name), Options{Stream: 0}, 100, 39)
		m = pressRun(t, m, "5")
		var walked []uint32
		for range len(data) + 2 {
			before := m.cur
			m = press(t, m, "down")
			if m.cur == before {
				break
			}
			walked = append(walked, selectedFrame(m))
		}
		if fmt.Sprint(walked) != fmt.Sprint(data) {
			t.Fatalf("%s: ↓ walked frames %v, the data segments are %v", name, walked, data)
		}
		for i := len(data) - 2; i >= 0; i-- {
			m = press(t, m, "up")
			if got := selectedFrame(m); got != data[i] {
				t.Fatalf("%s: ↑ went to frame %d, want %d", name, got, data[i])
			}
		}
		// Ladder to follow: every data segment's bytes are the ones marked.
		m = press(t, m, "1")
		for i := range m.rows {
			m.setCur(i)
			seg := int(m.rows[i].Seg)
			if seg < 0 || tl.Segments[seg].Len == 0 {
				continue
			}
			m = press(t, m, "5")
			p, err := in.Payload(tl, seg)
			if err != nil {
				t.Fatal(err)
			}
			if got := followMarked(m); !strings.Contains(got, pane.Printable(p)) {
				t.Fatalf("%s frame %d: marked %q, the segment carried %q", name, m.rows[i].Frame, got, pane.Printable(p))
			}
			m = press(t, m, "1")
		}
	}
}

// gatedSource is a real sample whose payload reads wait until the gate
// opens: a reassembly that ran on the UI goroutine would hang the test.
type gatedSource struct {
	*decode.Input
	gate chan struct{}
}

func (g gatedSource) Payload(tl *model.Timeline, seg int) ([]byte, error) {
	<-g.gate
	return g.Input.Payload(tl, seg)
}

func TestFollowReassemblesOffTheUIGoroutine(t *testing.T) {
	src := gatedSource{sample(t, "smtp-figure10").(*decode.Input), make(chan struct{})}
	m := loadedModel(t, src, Options{Stream: -1}, 80, 24)
	type result struct {
		m   *Model
		cmd tea.Cmd
	}
	done := make(chan result, 1)
	go func() {
		nm, cmd := m.Update(keyMsg("5"))
		done <- result{nm.(*Model), cmd}
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(10 * time.Second):
		close(src.gate)
		t.Fatal("Update blocked on the reassembly")
	}
	m = r.m
	if r.cmd == nil || !strings.Contains(screenOf(m), "reassembling") {
		t.Fatalf("the follow view should say it is reassembling:\n%s", screenOf(m))
	}
	// The interface answers meanwhile.
	m = press(t, m, "right")
	if m.cur != 1 || !strings.Contains(screenOf(m), "reassembling") {
		t.Fatalf("stepping while reassembling: cur %d\n%s", m.cur, screenOf(m))
	}
	msgs := make(chan tea.Msg, 1)
	go func() { msgs <- r.cmd() }()
	close(src.gate)
	m = update(t, m, <-msgs)
	if s := screenOf(m); !strings.Contains(s, "220 mailhub.example.com") || strings.Contains(s, "reassembling") {
		t.Fatalf("after the reassembly:\n%s", s)
	}
	// Kept per conversation: showing the view again starts nothing.
	m = press(t, m, "1")
	if _, cmd := m.Update(keyMsg("5")); cmd != nil {
		t.Fatal("the follow view reassembled the conversation twice")
	}
}

// The graph's ↑ and ↓ step the ladder, and its drawing is kept while
// nothing it shows changes.
func TestGraphStepsAndIsCached(t *testing.T) {
	m := pressRun(t, atFrame(t, loadedModel(t, sample(t, "lossy-transfer"), Options{Stream: -1}, 80, 24), 22), "6")
	before := screenOf(m)
	if !strings.Contains(before, "R") || !strings.Contains(before, string(graph.SelectedMark)) {
		t.Fatalf("the graph should mark the retransmission and the step:\n%s", before)
	}
	m = press(t, m, "down")
	if selectedFrame(m) != 23 {
		t.Fatalf("↓ in the graph: frame %d, want 23", selectedFrame(m))
	}
	after := screenOf(m)
	if after == before {
		t.Fatal("the graph did not move its mark with the step")
	}
	m = press(t, m, "up")
	if selectedFrame(m) != 22 || screenOf(m) != before {
		t.Fatalf("↑ should return to frame 22 and its drawing")
	}
	// The drawing's memo is the graph package's (TestPaneMemo); here the
	// numbering key must reach it.
	m = press(t, m, "r")
	if screenOf(m) == after {
		t.Fatal("r did not redraw the graph in absolute numbers")
	}
	// m switches the directions, + zooms.
	m = press(t, m, "m", "+")
	if v := m.views[paneGraph].(*graph.Pane).Settings(); v.Show != graph.ShowC2S || v.Zoom != 1 {
		t.Fatalf("graph settings %+v", v)
	}
}

// nsField returns the Send-Q and state of the netstat line whose local
// address is local, from the netstat view's text.
func nsField(s, local string) (sendQ, state string, ok bool) {
	for _, l := range strings.Split(s, "\n") {
		f := strings.Fields(l)
		if len(f) == 6 && f[0] == "tcp" && f[3] == local {
			return f[2], f[5], true
		}
	}
	return "", "", false
}

// At every step, each host's connection line shows as Send-Q what it has
// sent and its peer has not acknowledged yet: the highest sequence number it
// has used (SYN and FIN count one) less the peer's latest ACK, RFC 793's
// SND.NXT − SND.UNA, computed here from the segments.
func TestNetstatLinesFollowTheStep(t *testing.T) {
	for _, name := range []string{"smtp-figure10", "lossy-transfer", "http-close"} {
		_, tl := openSample(t, name)
		c := tl.Conversations[0]
		m := pressRun(t, loadedModel(t, sample(t, name), Options{Stream: 0}, 100, 39), "7")
		var sent [2]uint32 // highest relative sequence number used, by direction
		var acked [2]uint32
		var ackSeen [2]bool
		checked := 0
		for i, r := range m.rows {
			m = update(t, m, tea.KeyPressMsg{Code: tea.KeyHome})
			m.setCur(i)
			m = press(t, m, "7")
			if r.Seg < 0 {
				continue
			}
			s := &tl.Segments[r.Seg]
			d := s.Dir
			sent[d] = max(sent[d], s.RelSeq+s.SeqLen())
			if s.Flags&model.ACK != 0 {
				acked[1-d], ackSeen[1-d] = s.RelAck, true
			}
			if s.Flags&model.RST != 0 {
				break
			}
			screen := screenOf(m)
			for d, local := range []string{c.Client.String(), c.Server.String()} {
				q, state, ok := nsField(screen, local)
				if !ok || state != "ESTABLISHED" || !ackSeen[d] {
					continue
				}
				if want := fmt.Sprint(sent[d] - acked[d]); q != want {
					t.Fatalf("%s frame %d: %s Send-Q %s, want %s = %d − %d\n%s", name, r.Frame, local, q, want, sent[d], acked[d], screen)
				}
				checked++
			}
		}
		t.Logf("%s: %d netstat lines checked", name, checked)
		if checked < 4 {
			t.Fatalf("%s: only %d lines checked", name, checked)
		}
	}
	// After the close, the side that closed first waits in TIME_WAIT and
	// the other has no connection line left.
	_, tl := openSample(t, "lossy-transfer")
	c := tl.Conversations[0]
	m := pressRun(t, loadedModel(t, sample(t, "lossy-transfer"), Options{Stream: 0}, 100, 39), "G", "7")
	s := screenOf(m)
	if _, state, ok := nsField(s, c.Client.String()); !ok || state != "TIME_WAIT" {
		t.Fatalf("client after the close: %q\n%s", state, s)
	}
	if _, _, ok := nsField(s, c.Server.String()); ok {
		t.Fatalf("the server still has its connection line after the last ACK:\n%s", s)
	}
	// m switches to ss's wording.
	if s := screenOf(press(t, m, "m")); !strings.Contains(s, "ss -tan") || !strings.Contains(s, "TIME-WAIT") {
		t.Fatalf("ss view:\n%s", s)
	}
}

// The export key writes the conversation to the export directory in the
// format chosen and the numbering on screen, and says where.
func TestExportKeyWritesTheConversation(t *testing.T) {
	dir := t.TempDir()
	_, tl := openSample(t, "smtp-figure10")
	m := loadedModel(t, sample(t, "smtp-figure10"), Options{Stream: -1, ExportDir: dir}, 80, 24)
	for _, c := range []struct {
		keys     []string
		format   string
		absolute bool
		write    export.WriterFunc
	}{
		{[]string{"x", "m"}, "mermaid", false, export.Mermaid},
		{[]string{"x", "s"}, "svg", false, export.SVG},
		{[]string{"r", "x", "t"}, "txt", true, export.Text},
	} {
		m = pressRun(t, m, c.keys...)
		path := filepath.Join(dir, export.FileName("sample:smtp-figure10", 0, c.format))
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v\n%s", c.format, err, screenOf(m))
		}
		var want bytes.Buffer
		if err := c.write(&want, tl, 0, c.absolute); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("%s: the file differs from the %s export of stream 0 (absolute %v)", c.format, c.format, c.absolute)
		}
		if s := screenOf(m); !strings.Contains(s, "wrote ") || !strings.Contains(s, filepath.Base(path)) {
			t.Fatalf("%s: the footer should say where:\n%s", c.format, s)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "smtp-figure10-stream0.mmd")); !bytes.HasPrefix(b, []byte("sequenceDiagram")) {
		t.Fatalf("not a Mermaid sequence diagram: %.40q", b)
	}
	// esc cancels; a directory that cannot be written is an error in the
	// footer, and the program goes on.
	m = pressRun(t, m, "x", "esc")
	if s := screenOf(m); !strings.Contains(s, "export cancelled") {
		t.Fatalf("esc:\n%s", s)
	}
	m = loadedModel(t, sample(t, "smtp-figure10"), Options{Stream: -1, ExportDir: filepath.Join(dir, "missing", "dir")}, 80, 24)
	m = pressRun(t, m, "x", "m")
	if s := screenOf(m); !strings.Contains(s, "export:") || m.screen != screenStepper {
		t.Fatalf("export to a missing directory:\n%s", s)
	}
}

// The ISN view gives each host's verdict; the sample's client steps its
// ISNs by a constant (read here from its SYNs), the server's are random.
func TestISNViewVerdicts(t *testing.T) {
	_, tl := openSample(t, "isn-prediction")
	var isns []uint32
	for _, s := range tl.Segments {
		if s.Flags&(model.SYN|model.ACK) == model.SYN && tl.Conv(&s).Client.Addr.String() == "192.0.2.10" {
			isns = append(isns, s.Seq)
		}
	}
	if len(isns) < 3 {
		t.Fatalf("%d SYNs of 192.0.2.10", len(isns))
	}
	for i := 2; i < len(isns); i++ {
		if isns[i]-isns[i-1] != isns[1]-isns[0] {
			t.Fatalf("the sample's client ISNs %v do not step by a constant", isns)
		}
	}
	m := pressRun(t, loadedModel(t, sample(t, "isn-prediction"), Options{Stream: 0}, 80, 24), "8")
	s := screenOf(m)
	if !strings.Contains(s, fmt.Sprintf("192.0.2.10 opened %d  predictable", len(isns))) || !strings.Contains(s, fmt.Sprint(isns[1]-isns[0])) {
		t.Fatalf("the ISN view of 192.0.2.10:\n%s", s)
	}
	m = press(t, m, "down")
	if s := screenOf(m); !strings.Contains(s, "192.0.2.80, connections accepted (SYN,ACK): unpredictable") {
		t.Fatalf("↓ should select the server's series:\n%s", s)
	}
}

// The state view says where the capture was taken, from the handshake's
// timing read here off the timeline: the paper's client waits far longer
// for the SYN,ACK's ACK than the server waits for its SYN,ACK's... which
// puts the observer near the server.
func TestStatesSayTheVantagePoint(t *testing.T) {
	for _, c := range []struct {
		name string
		want string
	}{{"smtp-figure10", "near the server"}, {"lossy-transfer", "near the client"}} {
		_, tl := openSample(t, c.name)
		seg := tl.Conversations[0].Segs
		s1, s2, s3 := tl.Segments[seg[0]], tl.Segments[seg[1]], tl.Segments[seg[2]]
		a, b := tl.SegTime(&s2)-tl.SegTime(&s1), tl.SegTime(&s3)-tl.SegTime(&s2)
		near := "near the client"
		if b > a {
			near = "near the server"
		}
		if near != c.want {
			t.Fatalf("%s: SYN→SYN,ACK %d ns, SYN,ACK→ACK %d ns: expected %s", c.name, a, b, c.want)
		}
		for _, sz := range goldenSizes {
			m := press(t, loadedModel(t, sample(t, c.name), Options{Stream: 0}, sz[0], sz[1]), "2")
			if s := screenOf(m); !strings.Contains(s, "States as seen from "+near) {
				t.Fatalf("%s %v:\n%s", c.name, sz, s)
			}
		}
	}
}

// The views that would show the steps a quiz hides say so instead.
func TestQuizHidesTheFollowAndTheGraph(t *testing.T) {
	m := loadedModel(t, sample(t, "smtp-figure10"), Options{Stream: -1, Quiz: true, Seed: 3}, 80, 24)
	if m.quiz.Asking() {
		t.Skip("the quiz asks at once")
	}
	for _, k := range []string{"5", "6", "8", "9"} {
		nm, cmd := m.Update(keyMsg(k))
		m = nm.(*Model)
		if cmd != nil {
			if _, ok := cmd().(viewDoneMsg); ok {
				t.Fatalf("%s: reassembled during the quiz", k)
			}
		}
		if s := screenOf(m); !strings.Contains(s, "hidden during the quiz") || strings.Contains(s, "mailhub") {
			t.Fatalf("%s in a quiz:\n%s", k, s)
		}
	}
}

// An ICMP error's quote is explained in the numbering on screen.
func TestICMPExplainedInTheNumberingOnScreen(t *testing.T) {
	_, tl := openSample(t, "icmp-frag-needed")
	q := tl.Segments[testsample.Seg(t, tl, 5)]
	m := loadedModel(t, sample(t, "icmp-frag-needed"), Options{Stream: -1}, 80, 24)
	for i, r := range m.rows {
		if r.Seg < 0 {
			m.setCur(i)
			break
		}
	}
	m = press(t, m, "4")
	if s := strings.Join(m.explainLines(200), " "); !strings.Contains(s, fmt.Sprintf("SEQ %d (%d on the wire)", q.RelSeq, q.Seq)) {
		t.Fatalf("relative:\n%s", s)
	}
	m = press(t, m, "r")
	if s := strings.Join(m.explainLines(200), " "); !strings.Contains(s, fmt.Sprintf("SEQ %d,", q.Seq)) {
		t.Fatalf("absolute:\n%s", s)
	}
}

// No explanation line is wider than its pane, at any width, and wrapping
// loses no word: the "6 - 1" that ansi.Wrap cut to "6…" at 80 columns.
func TestExplanationWrapsWithinTheWidth(t *testing.T) {
	for _, name := range []string{"smtp-figure10", "lossy-transfer", "icmp-frag-needed"} {
		m := loadedModel(t, sample(t, name), Options{Stream: -1}, 80, 24)
		for i := range m.rows {
			m.setCur(i)
			words := strings.Fields(strings.Join(m.explainParagraphs(), " "))
			for w := 12; w <= 120; w += 9 {
				lines := m.explainLines(w)
				for _, l := range lines {
					if lw := ansi.StringWidth(l); lw > w {
						t.Fatalf("%s row %d width %d: line of %d: %q", name, i, w, lw, l)
					}
				}
				if got := strings.Fields(strings.Join(lines, " ")); len(got) < len(words) {
					t.Fatalf("%s row %d width %d: %d words of %d", name, i, w, len(got), len(words))
				}
			}
		}
	}
}

func TestWrapText(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "b", "-", "−", " ", " ", "é", "漢", "6", "="}
	for range 2000 {
		var b strings.Builder
		for range r.IntN(80) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		s := b.String()
		w := 1 + r.IntN(20)
		lines := pane.Wrap(s, w)
		for _, l := range lines {
			if lw := ansi.StringWidth(l); lw > w && !(w == 1 && lw == 2 && len([]rune(l)) == 1) {
				t.Fatalf("pane.Wrap(%q, %d): line %q is %d wide", s, w, l, lw)
			}
		}
		// Only spaces go: at a break one space is dropped, words are cut
		// but kept.
		if got, want := strings.ReplaceAll(strings.Join(lines, ""), " ", ""), strings.ReplaceAll(s, " ", ""); got != want {
			t.Fatalf("pane.Wrap(%q, %d) = %q: lost text", s, w, lines)
		}
	}
	if got := pane.Wrap("it newly acknowledges 5 = 6 - 1 bytes", 28); got[0] != "it newly acknowledges 5 = 6" || got[1] != "- 1 bytes" {
		t.Fatalf("%q", got)
	}
}

// A lesson's strip goes with the stepping views; the analyst's views get
// the whole height.
func TestLessonStripLeavesTheAnalystViews(t *testing.T) {
	m := loadedModel(t, sample(t, "smtp-figure10"), Options{Stream: -1, Lesson: testsample.Lesson()}, 80, 24)
	for _, c := range []struct {
		key   string
		strip bool
	}{{"1", true}, {"5", false}, {"6", false}, {"7", false}, {"8", false}, {"2", true}, {"3", true}} {
		m = pressRun(t, m, c.key)
		if got := strings.Contains(screenOf(m), "L hides"); got != c.strip {
			t.Fatalf("view %s: lesson strip %v, want %v\n%s", c.key, got, c.strip, screenOf(m))
		}
	}
}

// Two long IPv6 endpoints are cut with an ellipsis before the step, never
// run into it.
func TestHeaderCutsLongEndpoints(t *testing.T) {
	f := newFixture()
	c, s := "[2001:db8:aaaa:bbbb:cccc:dddd:eeee:1]:40000", "[2001:db8:aaaa:bbbb:cccc:dddd:eeee:2]:389"
	f.pkt(c, s, model.SYN, 1, 0, "")
	f.pkt(s, c, model.SYN|model.ACK, 9, 2, "")
	m := loadedModel(t, f.source("v6.pcap"), Options{Stream: -1}, 80, 24)
	head := strings.Split(screenOf(m), "\n")[0]
	if !strings.Contains(head, glyphEllipsis+" step 1/2") || ansi.StringWidth(head) != 80 {
		t.Fatalf("header %q", head)
	}
}
