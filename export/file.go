package export

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/tcpstep/tcpstep/model"
)

// WriterFunc is the shape of Mermaid, SVG and Text.
type WriterFunc func(w io.Writer, tl *model.Timeline, stream int, absolute bool) error

// formats are the export formats: their names, file extension, and writer
// with every row kept and with Options.
var formats = []struct {
	names []string
	ext   string
	plain WriterFunc
	write func(w io.Writer, tl *model.Timeline, o Options) error
}{
	{[]string{"mermaid", "mmd"}, ".mmd", Mermaid, writeMermaid},
	{[]string{"svg"}, ".svg", SVG, writeSVG},
	{[]string{"txt", "text"}, ".txt", Text, writeText},
}

// findFormat finds a format by name, in any case.
func findFormat(name string) (int, error) {
	for i, f := range formats {
		for _, n := range f.names {
			if strings.EqualFold(name, n) {
				return i, nil
			}
		}
	}
	return -1, fmt.Errorf("unknown format %q: want mermaid, svg or txt", name)
}

// ByName returns the writer for a format name (mermaid or mmd, svg, txt or
// text) and the file extension that goes with it.
func ByName(name string) (WriterFunc, string, error) {
	i, err := findFormat(name)
	if err != nil {
		return nil, "", err
	}
	return formats[i].plain, formats[i].ext, nil
}

// Write writes the export in the named format (as ByName takes it) to w:
// the conversation, numbering and rows that o says.
func Write(w io.Writer, name string, tl *model.Timeline, o Options) error {
	i, err := findFormat(name)
	if err != nil {
		return err
	}
	return formats[i].write(w, tl, o)
}

// FileName suggests a file name for an export of stream of capture (a
// path, "-" or "sample:NAME"): the capture's base name without its
// extension, the stream and the format's extension, e.g.
// "smtp-figure10-stream0.mmd".
func FileName(capture string, stream int, name string) string {
	_, ext, err := ByName(name)
	if err != nil {
		ext = "." + name
	}
	base := strings.TrimPrefix(capture, "sample:")
	base = filepath.Base(base)
	base = strings.TrimSuffix(base, filepath.Ext(base))
	if base == "" || base == "-" || base == "." || base == string(filepath.Separator) {
		base = "capture"
	}
	s := "all"
	if stream >= 0 {
		s = "stream" + strconv.Itoa(stream)
	}
	return base + "-" + s + ext
}

// CountingWriter counts the bytes written through it to W, so that a caller
// can tell how long an export was (a Mermaid diagram past MermaidMaxText
// deserves a warning).
type CountingWriter struct {
	W io.Writer
	N int64
}

func (c *CountingWriter) Write(p []byte) (int, error) {
	n, err := c.W.Write(p)
	c.N += int64(n)
	return n, err
}

// WriteFile writes the export to path and returns how many bytes it wrote:
// Save with every row kept.
func WriteFile(path string, name string, tl *model.Timeline, stream int, absolute bool) (int64, error) {
	return Save(path, name, tl, Options{Stream: stream, Absolute: absolute})
}

// Save writes the export in the named format to path, as Write writes it,
// and returns how many bytes it wrote. It writes a temporary file beside
// path and renames it at the end, so a failed export never leaves half a
// file under the name asked for.
func Save(path string, name string, tl *model.Timeline, o Options) (int64, error) {
	i, err := findFormat(name)
	if err != nil {
		return 0, err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".tcpstep-export-*")
	if err != nil {
		return 0, fmt.Errorf("create %s: %w", path, err)
	}
	defer os.Remove(f.Name()) // after a successful rename, there is nothing to remove
	cw := &CountingWriter{W: f}
	err = formats[i].write(cw, tl, o)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		// CreateTemp makes the file private; an export is a document.
		_ = os.Chmod(f.Name(), 0o644)
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		return cw.N, fmt.Errorf("write %s: %w", path, err)
	}
	return cw.N, nil
}
