package export

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFileName checks the suggested names for the interface's export key.
func TestFileName(t *testing.T) {
	for _, c := range []struct {
		capture string
		stream  int
		format  string
		want    string
	}{
		{"sample:smtp-figure10", 0, "mermaid", "smtp-figure10-stream0.mmd"},
		{"/tmp/x/capture.pcapng", 12, "svg", "capture-stream12.svg"},
		{"-", -1, "txt", "capture-all.txt"},
		{"trace", 3, "text", "trace-stream3.txt"},
	} {
		if got := FileName(c.capture, c.stream, c.format); got != c.want {
			t.Errorf("FileName(%q, %d, %q) = %q, want %q", c.capture, c.stream, c.format, got, c.want)
		}
	}
}

// TestWriteFile writes each format to a file: the bytes equal the writer's
// output, the count is right, no temporary file stays behind, and a
// failure (no such stream) leaves no file at all.
func TestWriteFile(t *testing.T) {
	tl := load(t, "smtp-figure10")
	dir := t.TempDir()
	for _, f := range []string{"mermaid", "svg", "txt"} {
		p := filepath.Join(dir, FileName("sample:smtp-figure10", 0, f))
		n, err := WriteFile(p, f, tl, 0, false)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var want strings.Builder
		write, _, _ := ByName(f)
		if err := write(&want, tl, 0, false); err != nil {
			t.Fatal(err)
		}
		if string(b) != want.String() || n != int64(len(b)) {
			t.Errorf("%s: file differs from the writer's output (%d bytes, counted %d)", f, len(b), n)
		}
	}
	if _, err := WriteFile(filepath.Join(dir, "bad.mmd"), "mermaid", tl, 4, false); err == nil {
		t.Errorf("stream 4 of a one-stream capture: no error")
	}
	if _, err := WriteFile(filepath.Join(dir, "x.png"), "png", tl, 0, false); err == nil {
		t.Errorf("format png: no error")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v, want the three exports only", names)
	}
}
