package ui

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/model"
)

// writable is an embedded sample that writes its frames as the command
// line's input does.
type writable struct{ *decode.Input }

func (s writable) WriteCapture(w io.Writer, tl *model.Timeline, frames []uint32) (string, error) {
	f, err := s.WriteFrames(w, tl, frames, false)
	return f.String(), err
}

// w writes the conversation's frames as tcpstep write does, and the
// footer says where; a Source that cannot write, and a directory that
// cannot be written to, are errors in the footer.
func TestWriteKeyWritesTheConversation(t *testing.T) {
	dir := t.TempDir()
	in, tl := openSample(t, "isn-prediction")
	m := loadedModel(t, writable{sample(t, "isn-prediction").(*decode.Input)}, Options{Stream: 2, ExportDir: dir}, 80, 24)
	m = pressRun(t, m, "w")
	path := filepath.Join(dir, "isn-prediction-stream2.pcap")
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v\n%s", err, screenOf(m))
	}
	var want bytes.Buffer
	if _, err := in.WriteFrames(&want, tl, tl.ConvFrames(tl.Conversations[2]), false); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("the file (%d bytes) differs from stream 2's frames written by decode (%d bytes)", len(got), want.Len())
	}
	if s := screenOf(m); !strings.Contains(s, "wrote isn-prediction-stream2.pcap (6 frames, 480 bytes)") {
		t.Fatalf("the footer should say where:\n%s", s)
	}
	if m.busy != 0 {
		t.Fatalf("busy %d after the write", m.busy)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o644 {
		t.Fatalf("mode %v, %v", st.Mode(), err)
	}
	m = pressRun(t, loadedModel(t, sample(t, "isn-prediction"), Options{Stream: 2, ExportDir: dir}, 80, 24), "w")
	if s := screenOf(m); !strings.Contains(s, "cannot write its frames") {
		t.Fatalf("a Source that cannot write:\n%s", s)
	}
	m = loadedModel(t, writable{sample(t, "isn-prediction").(*decode.Input)}, Options{Stream: 2, ExportDir: filepath.Join(dir, "missing")}, 80, 24)
	m = pressRun(t, m, "w")
	if s := screenOf(m); !strings.Contains(s, "write:") || m.screen != screenStepper || m.busy != 0 {
		t.Fatalf("a write to a missing directory:\n%s", s)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".tcpstep-write-*")); len(left) > 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}
