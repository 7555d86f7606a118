package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/tcpstep/tcpstep/ui"
)

// The stepper's write key writes what tcpstep write writes: the same
// bytes for the same conversation, through either source the stepper is
// given.
func TestStepperSourceWritesAsWriteDoes(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name   string
		stream int
	}{{"sample:lossy-transfer", 0}, {"sample:isn-prediction", 2}, {"sample:ip-fragments", 0}} {
		in, tl, err := loadInput(c.name, nil)
		if err != nil {
			t.Fatal(err)
		}
		frames := writeSelection(tl, c.stream, nil)
		path := filepath.Join(dir, "out.pcap")
		if _, err := writeCaptureFile(path, in, tl, frames, false); err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, src := range []ui.CaptureWriter{stepperSource{in}, quizSource{in}} {
			var got bytes.Buffer
			format, err := src.WriteCapture(&got, tl, frames)
			if err != nil || format != "pcap" {
				t.Fatalf("%s: %T: format %q, %v", c.name, src, format, err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("%s stream %d: %T wrote %d bytes, tcpstep write %d", c.name, c.stream, src, got.Len(), len(want))
			}
		}
		in.Close()
	}
}
