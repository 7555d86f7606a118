package ui

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/internal/synth"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/samples"
	"github.com/tcpstep/tcpstep/ui/ladder"
)

// liveInput is a decode.Input as the stepper takes it (main's
// stepperSource): indexed while it is shown.
type liveInput struct{ *decode.Input }

func (l liveInput) Index() Indexer { return l.Input.Index() }

// startedModel returns a model sized w×h that has run Init's commands:
// for a LiveSource, until the first batch is filed.
func startedModel(t testing.TB, src Source, opts Options, w, h int) (*Model, tea.Cmd) {
	t.Helper()
	m := New(src, opts)
	m = update(t, m, tea.WindowSizeMsg{Width: w, Height: h})
	msg := m.startLoad()()
	nm, cmd := m.Update(msg)
	return nm.(*Model), cmd
}

// runner runs commands the way the program does, each on its own
// goroutine (a batch's commands each on theirs), and hands their messages
// back in the order they come.
type runner struct{ msgs chan tea.Msg }

func newRunner() *runner { return &runner{msgs: make(chan tea.Msg, 1024)} }

func (r *runner) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() {
		switch msg := cmd().(type) {
		case nil:
		case tea.BatchMsg:
			for _, c := range msg {
				r.run(c)
			}
		default:
			r.msgs <- msg
		}
	}()
}

// until delivers messages to m until done(m) holds, failing after ten
// seconds; when view is set, the screen is drawn after every message, as
// the program does.
func (r *runner) until(t testing.TB, m *Model, view bool, done func(*Model) bool) *Model {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for !done(m) {
		var msg tea.Msg
		select {
		case msg = <-r.msgs:
		case <-deadline:
			t.Fatalf("not done after 10 s: %d frames filed, indexing %v", m.prog.Frames, m.indexing)
		}
		nm, next := m.Update(msg)
		m = nm.(*Model)
		if m.fatal != nil {
			t.Fatalf("Update: %v", m.fatal)
		}
		if view {
			_ = m.View()
		}
		r.run(next)
	}
	return m
}

// indexAll runs the indexing commands until the last frame is filed, and
// the application layer of the conversation shown is read again for it,
// drawing the screen after every message as the program does.
func indexAll(t testing.TB, m *Model, cmd tea.Cmd) *Model {
	t.Helper()
	r := newRunner()
	r.run(cmd)
	return r.until(t, m, true, func(m *Model) bool { return !m.indexing && !appReading(m) })
}

// appReading says the application layer of a conversation is being read,
// or the shown one's is waiting to be read again.
func appReading(m *Model) bool {
	for c, e := range m.apps.convs {
		if e.loading || (e.stale && c == m.conv) {
			return true
		}
	}
	return false
}

func synthInput(t testing.TB, frames, conns int) liveInput {
	t.Helper()
	in, err := decode.OpenBytes("synth.pcap", synth.Capture(frames, conns))
	if err != nil {
		t.Fatal(err)
	}
	return liveInput{in}
}

// bigCapture is a 1,000,000-packet, 25,000-conversation capture (the
// issue's big case), generated once per test binary.
var bigCapture = sync.OnceValue(func() []byte { return synth.Capture(1000000, 25000) })

// startBig opens the million-packet capture in a 120x40 stepper.
func startBig(b *testing.B) (*Model, tea.Cmd) {
	in, err := decode.OpenBytes("big.pcap", bigCapture())
	if err != nil {
		b.Fatal(err)
	}
	return startedModel(b, liveInput{in}, Options{Stream: -1}, 120, 40)
}

// BenchmarkFirstScreen measures what a user waits for on opening a big
// capture: from the stepper's creation to its first drawn screen with
// frames in it (the first batch filed), on the million-packet capture.
func BenchmarkFirstScreen(b *testing.B) {
	bigCapture()
	b.ResetTimer()
	for b.Loop() {
		m, cmd := startBig(b)
		r := newRunner()
		r.run(cmd)
		m = r.until(b, m, true, func(m *Model) bool { return m.screen != screenLoading })
		if !strings.Contains(screenOf(m), "conversations so far") {
			b.Fatalf("first screen:\n%s", screenOf(m))
		}
		m.ix.Close()
	}
}

// BenchmarkIndexLive indexes the million-packet capture the way the
// stepper does, batch by batch between screens drawn, and reports packets
// per second.
func BenchmarkIndexLive(b *testing.B) {
	bigCapture()
	b.ResetTimer()
	for b.Loop() {
		m, cmd := startBig(b)
		m = indexAll(b, m, cmd)
		if m.prog.Frames != 1000000 {
			b.Fatalf("%d frames filed", m.prog.Frames)
		}
	}
	b.ReportMetric(float64(b.N)*1e6/b.Elapsed().Seconds(), "packets/s")
}

// liveSample opens an embedded sample as main does: indexed while shown.
func liveSample(t testing.TB, name string) liveInput {
	t.Helper()
	return liveInput{sample(t, name).(*decode.Input)}
}

// TestLiveEndsLikeLoad opens every sample both ways, indexed while shown
// (as tcpstep does) and loaded whole first, presses the same keys, and
// checks the screens are the same: the growing path ends where the old one
// does, at both golden sizes.
func TestLiveEndsLikeLoad(t *testing.T) {
	keys := [][]string{nil, {"right", "right", "right"}, {"G", "tab"}, {"right", "r", "tab", "tab"}, {"s"}}
	for _, s := range samples.List() {
		for _, sz := range goldenSizes {
			for _, ks := range keys {
				want := press(t, loadedModel(t, sample(t, s.Name), Options{Stream: -1}, sz[0], sz[1]), ks...)
				m, cmd := startedModel(t, liveSample(t, s.Name), Options{Stream: -1}, sz[0], sz[1])
				m = indexAll(t, m, cmd)
				if m.indexing {
					t.Fatalf("%s: still indexing", s.Name)
				}
				got := press(t, m, ks...)
				if g, w := screenOf(got), screenOf(want); g != w {
					t.Errorf("%s %dx%d after %v: indexed while shown\n%s\nloaded first\n%s", s.Name, sz[0], sz[1], ks, g, w)
				}
			}
		}
	}
}

// pipeFeeder writes a capture into a pipe a frame at a time, on record
// boundaries taken from the decoded capture.
type pipeFeeder struct {
	w     *io.PipeWriter
	data  []byte
	ends  []int // where frame i's record ends
	sent  int   // frames written
	queue chan []byte
}

func newPipeFeeder(t testing.TB, name string) (*pipeFeeder, *io.PipeReader) {
	t.Helper()
	data, err := samples.Bytes(name)
	if err != nil {
		t.Fatal(err)
	}
	in, err := decode.OpenBytes(name, data)
	if err != nil {
		t.Fatal(err)
	}
	tl, err := in.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	f := &pipeFeeder{w: pw, data: data, queue: make(chan []byte, 100)}
	go func() {
		// One writer, in order, as a capture program; nil closes.
		for chunk := range f.queue {
			if chunk == nil {
				pw.Close()
				return
			}
			pw.Write(chunk)
		}
	}()
	for _, fr := range tl.Frames {
		f.ends = append(f.ends, int(fr.Offset)+int(fr.CapLen))
	}
	return f, pr
}

// sendFrames writes the frames up to frame k (the file header went
// first), as a capture program does; the pipe's reader takes them in the
// background.
func (f *pipeFeeder) sendFrames(k int) {
	from := 24 // the pcap file header
	if f.sent > 0 {
		from = f.ends[f.sent-1]
	}
	chunk := f.data[from:f.ends[k-1]]
	f.sent = k
	f.queue <- chunk
}

// close ends the capture, after the frames sent.
func (f *pipeFeeder) close() { f.queue <- nil }

// startPiped starts the interface at 200x50 on the capture that feed writes
// into pr, read as standard input is; the input closes with the test.
func startPiped(t *testing.T, feed *pipeFeeder, pr *io.PipeReader) (*Model, *runner) {
	t.Helper()
	in, err := decode.OpenReader("-", io.MultiReader(bytes.NewReader(feed.data[:24]), pr))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Close() })
	m, cmd := startedModel(t, liveInput{in}, Options{Stream: -1}, 200, 50)
	r := newRunner()
	r.run(cmd)
	return m, r
}

// filed is the condition that n frames are filed, or indexing has ended.
func filed(n int) func(*Model) bool {
	return func(m *Model) bool { return m.prog.Frames >= n || !m.indexing }
}

// TestLiveWatch pipes the paper's session in a frame at a time, as
// `tcpdump -U -w - | tcpstep -` does, and watches the stepper: the
// conversation opens by itself, the ladder grows and the selection follows
// the last row with its states; a step back stops following and the
// selection stays while rows come; F follows again; when the pipe closes
// the live mark goes.
func TestLiveWatch(t *testing.T) {
	feed, pr := newPipeFeeder(t, "smtp-figure10")
	m, r := startPiped(t, feed, pr)
	// The header is all there is: waiting, not an error.
	if s := screenOf(m); !strings.Contains(s, "waiting for packets") {
		t.Fatalf("before any frame:\n%s", s)
	}
	states := []string{"C SYN_SENT  S SYN_RECEIVED", "C ESTABLISHED  S SYN_RECEIVED", "C ESTABLISHED  S ESTABLISHED"}
	for i, want := range states {
		feed.sendFrames(i + 1)
		m = r.until(t, m, false, filed(i+1))
		s := screenOf(m)
		step := fmt.Sprintf("step %d/%d", i+1, i+1)
		if !strings.Contains(s, step) || !strings.Contains(s, want) || !strings.Contains(s, fmt.Sprintf("● live %d frames · following", i+1)) {
			t.Fatalf("after frame %d want %q, %q and following:\n%s", i+1, step, want, s)
		}
	}
	m = press(t, m, "left") // back to frame 2: the user's choice now
	feed.sendFrames(6)
	m = r.until(t, m, false, filed(6))
	if s := screenOf(m); !strings.Contains(s, "step 2/6") || strings.Contains(s, "· following") {
		t.Fatalf("after stepping back and three more frames, want step 2/6, not following:\n%s", s)
	}
	m = press(t, m, "F")
	if s := screenOf(m); !strings.Contains(s, "step 6/6") || !strings.Contains(s, "· following") {
		t.Fatalf("F: want step 6/6, following:\n%s", s)
	}
	feed.sendFrames(len(feed.ends))
	feed.close()
	m = r.until(t, m, false, filed(len(feed.ends)+1))
	if m.indexing {
		t.Fatal("still indexing after the pipe closed")
	}
	s := screenOf(m)
	if want := fmt.Sprintf("step %d/%d", len(feed.ends), len(feed.ends)); !strings.Contains(s, want) || strings.Contains(s, "● live") {
		t.Fatalf("after the pipe closed want %s and no live mark:\n%s", want, s)
	}
}

// TestLiveBigFilePicker opens a capture of many conversations, indexed
// while shown: the picker comes with the first batch, says how many so
// far with a progress bar in the footer, answers keys meanwhile and keeps
// the chosen conversation selected as rows are added and re-sorted; at the
// end its title reads "N conversations" and the help bar is back.
func TestLiveBigFilePicker(t *testing.T) {
	const frames, conns = 120000, 3000
	m, cmd := startedModel(t, synthInput(t, frames, conns), Options{Stream: -1}, 120, 30)
	r := newRunner()
	r.run(cmd)
	m = r.until(t, m, true, func(m *Model) bool { return m.screen == screenPicker })
	if !m.indexing {
		t.Skip("indexing finished with the first batch: nothing to see while it runs")
	}
	s := screenOf(m)
	if !strings.Contains(s, "conversations so far") || !strings.Contains(s, "indexing synth.pcap") || !strings.Contains(s, "%") {
		t.Fatalf("picker while indexing:\n%s", s)
	}
	// Sort by packets, descending, and pick the third row: the order
	// changes as packets come, the selection must not.
	m = press(t, m, "tab", "shift+tab", "down", "down")
	chosen := m.picker.Selected()
	m = r.until(t, m, true, func(m *Model) bool { return !m.indexing })
	if got := m.picker.Selected(); got != chosen {
		t.Fatalf("selection moved from stream %d to %d while indexing", chosen.Index, got.Index)
	}
	s = screenOf(m)
	if !strings.Contains(s, fmt.Sprintf(" %d conversations   filter", conns)) || strings.Contains(s, "so far") || !strings.Contains(s, "enter open") {
		t.Fatalf("picker after indexing:\n%s", s)
	}
	// The counters are the whole capture's: synth spreads frames evenly.
	var pk int
	for _, c := range m.tl.Conversations {
		pk += c.Packets[0] + c.Packets[1]
	}
	if pk != frames {
		t.Errorf("conversations count %d packets, want %d", pk, frames)
	}
}

// TestLiveHoldsForReaders opens a conversation and its follow view while
// the capture is indexed: no frame is filed while the reassembly reads the
// timeline on another goroutine, and filing resumes after it.
func TestLiveHoldsForReaders(t *testing.T) {
	m, cmd := startedModel(t, synthInput(t, 60000, 2), Options{Stream: -1}, 120, 30)
	r := newRunner()
	r.run(cmd)
	m = r.until(t, m, false, func(m *Model) bool { return m.screen == screenPicker })
	if !m.indexing {
		t.Skip("indexing finished with the first batch")
	}
	nm, next := m.Update(keyMsg("enter"))
	m = nm.(*Model)
	r.run(next)
	before := m.busy // the application layer's reading may be on its way too
	nm, next = m.Update(keyMsg("5"))
	m = nm.(*Model)
	if m.busy != before+1 {
		t.Fatalf("busy = %d with the reassembly started, %d before", m.busy, before)
	}
	filed := m.prog.Frames
	// Deliver messages until the reassembly is back: meanwhile, nothing
	// may be filed.
	r.run(next)
	m = r.until(t, m, false, func(mm *Model) bool {
		if mm.busy > 0 && mm.prog.Frames != filed {
			t.Fatalf("%d frames filed while the timeline was being read", mm.prog.Frames-filed)
		}
		return mm.busy == 0
	})
	m = r.until(t, m, false, func(m *Model) bool { return !m.indexing && m.busy == 0 })
	if m.prog.Frames != 60000 {
		t.Errorf("%d frames filed, want 60000", m.prog.Frames)
	}
}

// TestLiveRevisedRowMarked feeds the simultaneous close a frame at a time:
// the client's FIN first shows the server in CLOSE_WAIT on its row; the
// server's FIN, whose ACK does not cover it, shows it had not arrived, so
// that row is revised to ESTABLISHED, marked ↺, and its explanation says why.
func TestLiveRevisedRowMarked(t *testing.T) {
	feed, pr := newPipeFeeder(t, "simultaneous-close")
	m, r := startPiped(t, feed, pr)
	row := func(s string, n int) string {
		for _, l := range strings.Split(s, "\n") {
			if strings.Contains(l, fmt.Sprintf("│ %d 5.0", n)) || strings.Contains(l, fmt.Sprintf("│▸%d 5.0", n)) {
				return l
			}
		}
		return ""
	}
	feed.sendFrames(7)
	m = r.until(t, m, false, filed(7))
	s := screenOf(m)
	if l := row(s, 7); !strings.Contains(l, "CLOSE_WAIT") || strings.Contains(l, ladder.Revised) {
		t.Fatalf("after the client's FIN want row 7 with the server in CLOSE_WAIT, unmarked:\n%s", s)
	}
	feed.sendFrames(8)
	m = r.until(t, m, false, filed(8))
	s = screenOf(m)
	if l := row(s, 7); !strings.Contains(l, ladder.Revised+"ESTABLISHED") {
		t.Fatalf("after the server's FIN want row 7 revised to ESTABLISHED and marked %s:\n%s", ladder.Revised, s)
	}
	if l := row(s, 8); !strings.Contains(l, "CLOSING") || strings.Contains(l, ladder.Revised) {
		t.Fatalf("want row 8 CLOSING on both sides, unmarked:\n%s", s)
	}
	text := strings.Join(model.Explain(m.tl, m.tl.SegOf(7), false), "\n")
	for _, want := range []string{"was revised after it was first shown", "does not reach the server yet"} {
		if !strings.Contains(text, want) {
			t.Errorf("explanation of the revised row lacks %q:\n%s", want, text)
		}
	}
}
