package scenario

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFromCaptureRoundTrip converts every built-in sample back into a
// scenario and crafts it again: the bytes must be the capture's.
func TestFromCaptureRoundTrip(t *testing.T) {
	paths, _ := filepath.Glob("../samples/data/*.pcap")
	if len(paths) == 0 {
		t.Skip("no samples")
	}
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".pcap")
		t.Run(name, func(t *testing.T) {
			want, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			src, err := FromCapture(name, want, FromOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if d := os.Getenv("SCENARIO_DUMP"); d != "" {
				os.WriteFile(filepath.Join(d, name+".tcpscenario"), []byte(src), 0o644)
			}
			got, err := Craft(name+".tcpscenario", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("crafted %d bytes, want %d (first difference at %d)", len(got), len(want), firstDiff(got, want))
			}
		})
	}
}
