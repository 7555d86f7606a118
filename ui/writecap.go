package ui

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/tcpstep/tcpstep/export"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
)

// The write key (w): the selected conversation's frames written to a
// capture file of their own, as tcpstep write does, in a tea.Cmd like the
// export, the footer saying where it went.

// CaptureWriter is a Source that can write frames back out as a capture
// file (the command line's input does, through decode.Input.WriteFrames);
// the write key needs it, and says so for a Source without it.
type CaptureWriter interface {
	// WriteCapture writes frames (1-based frame numbers of tl) to w as a
	// capture file, each byte for byte with its timestamp and lengths:
	// pcap, or pcapng when the frames need it (more than one link type, a
	// time a pcap file cannot hold). It returns the format it wrote,
	// "pcap" or "pcapng".
	WriteCapture(w io.Writer, tl *model.Timeline, frames []uint32) (format string, err error)
}

// writeDoneMsg says where the write went, or why it failed.
type writeDoneMsg struct {
	path   string
	frames int
	n      int64
	err    error
}

// writeKey starts writing the conversation's frames, as
// NAME-streamN.pcap in the export's directory.
func (m *Model) writeKey() tea.Cmd {
	if m.conv == nil || m.tl == nil {
		return nil
	}
	cw, ok := m.src.(CaptureWriter)
	if !ok {
		m.err = "w: this input cannot write its frames out"
		return nil
	}
	dir := m.opts.ExportDir
	if dir == "" {
		dir = "."
	}
	path := filepath.Join(dir, export.FileName(m.src.Name(), m.conv.Index, "pcap"))
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	frames := m.tl.ConvFrames(m.conv)
	m.note = "writing " + filepath.Base(path) + glyphEllipsis
	tl := m.tl
	m.busy++ // no frames are filed while it reads the timeline
	return func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				msg = writeDoneMsg{path: path, err: fmt.Errorf("write %s: internal error: %v", path, r)}
			}
		}()
		final, n, err := writeCaptureFile(cw, path, tl, frames)
		return writeDoneMsg{path: final, frames: len(frames), n: n, err: err}
	}
}

// writeCaptureFile writes the frames to a temporary file beside path and
// renames it to path once complete, so that a failure never leaves half a
// file; a capture that had to be pcapng is named .pcapng. It returns the
// name written and its size.
func writeCaptureFile(cw CaptureWriter, path string, tl *model.Timeline, frames []uint32) (string, int64, error) {
	f, err := os.CreateTemp(filepath.Dir(path), ".tcpstep-write-*")
	if err != nil {
		return path, 0, fmt.Errorf("create %s: %w", path, err)
	}
	defer os.Remove(f.Name()) // after the rename there is nothing to remove
	cnt := &export.CountingWriter{W: f}
	bw := bufio.NewWriterSize(cnt, 1<<16)
	format, err := cw.WriteCapture(bw, tl, frames)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if format == "pcapng" {
		path = strings.TrimSuffix(path, ".pcap") + ".pcapng"
	}
	if err == nil {
		// CreateTemp makes the file private; a capture to share is not.
		_ = os.Chmod(f.Name(), 0o644)
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		return path, cnt.N, fmt.Errorf("write %s: %w", path, err)
	}
	return path, cnt.N, nil
}

// writeDone says where the frames went, or why they did not.
func (m *Model) writeDone(msg writeDoneMsg) {
	if msg.err != nil {
		m.note = ""
		m.err = "write: " + msg.err.Error()
		return
	}
	// The name first: on a narrow footer the directory is what is cut.
	frames := groupDigits(msg.frames) + " frames"
	if msg.frames == 1 {
		frames = "1 frame"
	}
	m.note = fmt.Sprintf("wrote %s (%s, %s) in %s", filepath.Base(msg.path), frames, pane.ByteCount(msg.n), filepath.Dir(msg.path))
}
