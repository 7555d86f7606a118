package cli

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/internal/synth"
	"github.com/tcpstep/tcpstep/internal/testshared"
	"github.com/tcpstep/tcpstep/samples"
)

// compareStreaming checks that streamJSONL, which writes rows while the
// capture is read and forgets them, prints byte for byte what writeJSONL
// prints from the finished timeline, for every stream and for a few single
// streams (--stream N), and the same warnings.
func compareStreaming(t *testing.T, name string, data []byte) {
	t.Helper()
	in, err := decode.OpenBytes(name, data)
	if err != nil {
		return // not a capture: neither writer runs
	}
	defer in.Close()
	tl, err := in.Load(nil)
	if err != nil {
		t.Fatalf("%s: load: %v", name, err)
	}
	streams := []int{-1, 0, 1, len(tl.Conversations) - 1}
	for _, stream := range streams {
		if stream < -1 || (stream >= 0 && stream >= len(tl.Conversations)) {
			continue
		}
		var want, got bytes.Buffer
		if err := writeJSONL(&want, tl, stream, nil, nil); err != nil {
			t.Fatal(err)
		}
		warnings, err := streamJSONL(&got, in, stream)
		if err != nil {
			t.Fatalf("%s --stream %d: %v", name, stream, err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			g, w := strings.Split(got.String(), "\n"), strings.Split(want.String(), "\n")
			for i := range min(len(g), len(w)) {
				if g[i] != w[i] {
					t.Fatalf("%s --stream %d: line %d differs\nstreamed: %s\ntimeline: %s", name, stream, i+1, g[i], w[i])
				}
			}
			t.Fatalf("%s --stream %d: %d lines streamed, %d from the timeline", name, stream, len(g), len(w))
		}
		if strings.Join(warnings, "\n") != strings.Join(tl.Warnings, "\n") {
			t.Errorf("%s: streamed warnings %q, timeline warnings %q", name, warnings, tl.Warnings)
		}
	}
	// A stream past the last is refused, as the timeline path refuses it.
	_, err = streamJSONL(&bytes.Buffer{}, in, len(tl.Conversations))
	var ee *exitError
	if !errors.As(err, &ee) {
		t.Errorf("%s --stream %d: got %v, want a bad-input error", name, len(tl.Conversations), err)
	}
}

// TestStreamJSONLSamples compares the streaming writer with the timeline
// writer on every embedded sample.
func TestStreamJSONLSamples(t *testing.T) {
	for _, smp := range samples.List() {
		data, err := samples.Bytes(smp.Name)
		if err != nil {
			t.Fatal(err)
		}
		compareStreaming(t, "sample:"+smp.Name, data)
	}
}

// TestStreamJSONLCorpus compares them on every capture of the shared
// corpus, the malformed ones included (refused reset connections, ICMP
// errors, fragments, captures cut short).
func TestStreamJSONLCorpus(t *testing.T) {
	files := testshared.Captures(t, "*.pcap", "*.pcapng", "malformed/*")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		compareStreaming(t, filepath.Base(f), data)
	}
}

// TestStreamJSONLForgets compares them on a generated capture long enough
// that the builder forgets written frames many times (forgetEvery) while
// conversations are still open, with fewer and with more conversations
// than frames between two forgets.
func TestStreamJSONLForgets(t *testing.T) {
	for _, conns := range []int{3, 500, 40_000} {
		compareStreaming(t, "synth", synth.Capture(6*forgetEvery+77, conns))
	}
}

// BenchmarkStreamJSONL measures dump --format jsonl as streamed (read,
// index, write, forget) on a generated capture of 200,000 frames in 2,000
// conversations. Run: go test -run='^$' -bench=StreamJSONL -benchmem .
func BenchmarkStreamJSONL(b *testing.B) {
	const frames = 200_000
	data := synth.Capture(frames, 2000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		in, err := decode.OpenBytes("synth.pcap", data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := streamJSONL(io.Discard, in, -1); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*frames), "ns/frame")
}

// lockedBuffer is a bytes.Buffer safe to read while another goroutine
// writes it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestStreamJSONLLive pipes the paper's session in, as tcpdump -U -w -
// does, and checks that the dump writes a frame's row while the pipe is
// still open (not when its buffer fills or the input ends), then the whole
// dump as from the file.
func TestStreamJSONLLive(t *testing.T) {
	data, err := samples.Bytes("smtp-figure10")
	if err != nil {
		t.Fatal(err)
	}
	file, err := decode.OpenBytes("sample", data)
	if err != nil {
		t.Fatal(err)
	}
	tl, err := file.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := writeJSONL(&want, tl, -1, nil, nil); err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	in, err := decode.OpenReader("-", io.MultiReader(bytes.NewReader(data[:24]), pr))
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	var out lockedBuffer
	done := make(chan error, 1)
	go func() {
		w := bufio.NewWriterSize(&out, 1<<16)
		_, err := streamJSONL(w, in, -1)
		if err == nil {
			err = w.Flush()
		}
		done <- err
	}()
	// Ten frames in; the pipe stays open.
	f10 := tl.Frames[9]
	if _, err := pw.Write(data[24 : f10.Offset+int64(f10.CapLen)]); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), `"frame":8,`) {
		if time.Now().After(deadline) {
			t.Fatalf("no row for frame 8 with 10 frames in and the pipe open; written so far:\n%s", out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := pw.Write(data[f10.Offset+int64(f10.CapLen):]); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if out.String() != want.String() {
		t.Errorf("the live dump differs from the file's:\n%s\nwant\n%s", out.String(), want.String())
	}
}
