package decode

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/tcpstep/tcpstep/internal/synth"
	"github.com/tcpstep/tcpstep/internal/testshared"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/samples"
)

// drain files everything s reads into b, calling Apply with
// budget (0: one batch of 256 frames at a time) and Live after each call,
// as the interface does, and returns the finished timeline and how many
// Apply calls it took.
func drain(t *testing.T, s *Stream, b *model.Builder, budget time.Duration) (*model.Timeline, int) {
	t.Helper()
	calls := 0
	seen := map[*model.Conversation]int{}
	tl0, _ := b.Live()
	for _, c := range tl0.Conversations {
		seen[c] = len(c.Segs) + len(c.Extra)
	}
	deadline := time.After(time.Minute)
	for {
		select {
		case <-s.Ready():
		case <-deadline:
			t.Fatal("the stream never ended")
		}
		for {
			p := s.Apply(b, budget)
			calls++
			tl, changed := b.Live()
			if p.Frames != len(tl.Frames) {
				t.Fatalf("progress says %d frames filed, the timeline holds %d", p.Frames, len(tl.Frames))
			}
			checkLive(t, tl, changed, seen)
			if p.Done {
				return b.Finish(), calls
			}
			if !p.More {
				break
			}
		}
	}
}

// checkLive checks a growing timeline as Live returned it: every
// conversation whose rows changed since the last call is in changed, and
// every changed conversation's counters equal a count of its segments.
// seen holds each conversation's rows at the last call.
func checkLive(t *testing.T, tl *model.Timeline, changed []*model.Conversation, seen map[*model.Conversation]int) {
	t.Helper()
	in := map[*model.Conversation]bool{}
	for _, c := range changed {
		in[c] = true
		var pk [2]int
		var by [2]uint64
		for _, si := range c.Segs {
			s := &tl.Segments[si]
			pk[s.Dir]++
			by[s.Dir] += uint64(s.Len)
		}
		if pk != c.Packets || by != c.Bytes {
			t.Fatalf("stream %d: counters %v %v while growing, its segments count %v %v", c.Index, c.Packets, c.Bytes, pk, by)
		}
	}
	for _, c := range tl.Conversations {
		n := len(c.Segs) + len(c.Extra)
		if n != seen[c] && !in[c] {
			t.Fatalf("stream %d grew from %d to %d rows but Live did not say it changed", c.Index, seen[c], n)
		}
		seen[c] = n
	}
}

// loadBytes is the timeline Load makes of a capture held in memory.
func loadBytes(t *testing.T, name string, data []byte) *model.Timeline {
	t.Helper()
	in, err := OpenBytes(name, data)
	_, tl := loaded(t, in, err)
	return tl
}

// sameTimeline fails the test when the streamed timeline differs from the
// loaded one in anything: frames, segments, conversations with their
// counters and summaries, ICMP errors, fragments, notes and warnings.
func sameTimeline(t *testing.T, name string, got, want *model.Timeline) {
	t.Helper()
	if !reflect.DeepEqual(got.Frames, want.Frames) {
		t.Errorf("%s: frames differ (%d streamed, %d loaded)", name, len(got.Frames), len(want.Frames))
	}
	if !reflect.DeepEqual(got.Segments, want.Segments) {
		t.Errorf("%s: segments differ (%d streamed, %d loaded)", name, len(got.Segments), len(want.Segments))
	}
	if len(got.Conversations) != len(want.Conversations) {
		t.Fatalf("%s: %d conversations streamed, %d loaded", name, len(got.Conversations), len(want.Conversations))
	}
	for i := range got.Conversations {
		// Revised is the history of what a live view was shown, which a
		// load has none of; everything else must be equal.
		g, w := *got.Conversations[i], *want.Conversations[i]
		g.Revised, w.Revised = nil, nil
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s: conversation %d differs:\nstreamed %+v\nloaded   %+v", name, i, g, w)
		}
	}
	for _, f := range []struct {
		what      string
		got, want any
	}{
		{"ICMP errors", got.ICMP, want.ICMP},
		{"fragments", got.Fragments, want.Fragments},
		{"notes", got.Notes, want.Notes},
		{"warnings", got.Warnings, want.Warnings},
		{"start", got.StartNS, want.StartNS},
	} {
		if !reflect.DeepEqual(f.got, f.want) {
			t.Errorf("%s: %s differ:\nstreamed %v\nloaded   %v", name, f.what, f.got, f.want)
		}
	}
}

// TestStreamEqualsLoad files every sample and every shared capture
// (fragments, ICMP errors, cut files included) through a Stream, a few
// frames per Apply, and checks the timeline is exactly Load's.
func TestStreamEqualsLoad(t *testing.T) {
	type capture struct {
		name string
		data []byte
	}
	var caps []capture
	for _, s := range samples.List() {
		b, err := samples.Bytes(s.Name)
		if err != nil {
			t.Fatal(err)
		}
		caps = append(caps, capture{"sample:" + s.Name, b})
	}
	if dir, ok := testshared.Optional(t); ok {
		for _, pat := range []string{"captures/*.pcap", "captures/*.pcapng", "captures/malformed/*"} {
			files, _ := filepath.Glob(filepath.Join(dir, pat))
			for _, f := range files {
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				caps = append(caps, capture{f, b})
			}
		}
	}
	t.Logf("%d captures", len(caps))
	for _, c := range caps {
		in, err := OpenBytes(c.name, c.data)
		if err != nil {
			continue // not a capture at all: Open's error, tested elsewhere
		}
		got, _ := drain(t, in.Index(), model.NewBuilder(), 0)
		sameTimeline(t, c.name, got, loadBytes(t, c.name, c.data))
	}
}

// slowWriter writes a capture into w in pieces, pausing between them.
func slowWriter(w io.WriteCloser, data []byte, pieces int, pause time.Duration) {
	step := (len(data) + pieces - 1) / pieces
	for off := 0; off < len(data); off += step {
		end := min(off+step, len(data))
		if _, err := w.Write(data[off:end]); err != nil {
			break
		}
		time.Sleep(pause)
	}
	w.Close()
}

// TestStreamPipeIsLive feeds a capture through a pipe a piece at a time, as
// tcpdump -U does, and checks that frames reach the builder while the pipe
// is still open (before the writer has finished), that a frame already
// filed can be re-read by offset from the spool meanwhile, and that the
// finished timeline is Load's.
func TestStreamPipeIsLive(t *testing.T) {
	data := synth.Capture(2000, 5)
	pr, pw := io.Pipe()
	go slowWriter(pw, data, 20, 20*time.Millisecond)
	in, err := OpenReader("-", pr)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	if !in.Live() {
		t.Fatal("standard input is not read live")
	}
	s := in.Index()
	b := model.NewBuilder()
	sawEarly := false
	for done := false; !done; {
		<-s.Ready()
		for {
			p := s.Apply(b, time.Millisecond)
			tl, _ := b.Live()
			if p.Total != -1 && !p.Done {
				t.Fatalf("a pipe's total is %d before it ends, want -1", p.Total)
			}
			if len(tl.Frames) > 0 && !sawEarly && p.Read < int64(len(data)) {
				sawEarly = true
				// A frame filed while the rest is still coming can be
				// read back from the spool.
				f := tl.Frames[len(tl.Frames)-1]
				raw, _, err := in.Frame(&f)
				if err != nil || len(raw) != int(f.CapLen) {
					t.Fatalf("re-read frame at %d mid-stream: %d bytes, %v", f.Offset, len(raw), err)
				}
			}
			if p.Done {
				if p.Total != int64(len(data)) {
					t.Errorf("total %d at the end, want %d", p.Total, len(data))
				}
				done = true
				break
			}
			if !p.More {
				break
			}
		}
	}
	if !sawEarly {
		t.Error("no frame was filed before the pipe closed")
	}
	sameTimeline(t, "pipe", b.Finish(), loadBytes(t, "synth", data))
}

// TestStreamFollowsGrowingFile writes a capture file in pieces while it is
// followed, and checks that frames written after the Stream started are
// filed, and that Close ends the following.
func TestStreamFollowsGrowingFile(t *testing.T) {
	data := synth.Capture(600, 3)
	path := filepath.Join(t.TempDir(), "growing.pcap")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	half := len(data) / 2
	if _, err := f.Write(data[:half]); err != nil {
		t.Fatal(err)
	}
	in, err := OpenFollow(path)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	s := in.Index()
	b := model.NewBuilder()
	wait := func(frames int) {
		t.Helper()
		deadline := time.After(10 * time.Second)
		for {
			select {
			case <-s.Ready():
			case <-deadline:
				tl, _ := b.Live()
				t.Fatalf("%d frames filed after 10 s, want %d", len(tl.Frames), frames)
			}
			for {
				p := s.Apply(b, time.Millisecond)
				if p.Done {
					t.Fatal("a followed file ended by itself")
				}
				if !p.More {
					break
				}
			}
			if tl, _ := b.Live(); len(tl.Frames) >= frames {
				return
			}
		}
	}
	want := loadBytes(t, "synth", data)
	// The first half may end inside a record: the frames wholly in it.
	firstHalf := 0
	for firstHalf < len(want.Frames) && want.Frames[firstHalf].Offset+int64(want.Frames[firstHalf].CapLen) <= int64(half) {
		firstHalf++
	}
	wait(firstHalf)
	if _, err := f.Write(data[half:]); err != nil {
		t.Fatal(err)
	}
	f.Close()
	wait(len(want.Frames))
	s.Close()
	got, _ := drain(t, s, b, 0)
	sameTimeline(t, "followed", got, want)
}

// TestStreamBoundsReadAhead checks that the reader stops maxPending frames
// ahead of a builder that files nothing, instead of holding the capture.
func TestStreamBoundsReadAhead(t *testing.T) {
	data := synth.Capture(3*maxPending, 10)
	in, err := OpenBytes("synth", data)
	if err != nil {
		t.Fatal(err)
	}
	s := in.Index()
	time.Sleep(200 * time.Millisecond)
	s.mu.Lock()
	n := len(s.pending.e)
	s.mu.Unlock()
	if n > maxPending {
		t.Errorf("%d frames read ahead, want at most %d", n, maxPending)
	}
	got, calls := drain(t, s, model.NewBuilder(), 0)
	if calls < 3 {
		t.Errorf("%d Apply calls for %d frames", calls, 3*maxPending)
	}
	sameTimeline(t, "synth", got, loadBytes(t, "synth", data))
}

// TestOpenReaderRejectsNonCapture keeps the one-line error for standard
// input that is not a capture.
func TestOpenReaderRejectsNonCapture(t *testing.T) {
	_, err := OpenReader("-", bytes.NewReader([]byte("hello, this is text\n")))
	if err == nil || err.Error() != "-: not a capture file (unknown magic 0x68656c6c)" {
		t.Errorf("error %v", err)
	}
}
