package ui

import (
	"fmt"
	"path/filepath"
	"sort"
	"strconv"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/tcpstep/tcpstep/export"
	"github.com/tcpstep/tcpstep/ui/pane"
)

// This file holds what the stepper does around its views: the keys that
// choose and set them (number keys, mode, zoom) and the export. What each
// view costs and when it is paid is its package's business: slow work runs
// in a tea.Cmd (pane.Loader), the rest in Prepare, never in View.

// viewCache is what the root keeps of the last drawing (rendercache.go).
type viewCache struct {
	render renderCache // boxes as last drawn (rendercache.go)
}

// Messages of the analyst's views.
type (
	exportDoneMsg struct {
		path string
		n    int64
		err  error
	}
)

// selSeg is the segment the selected row shows (or, for an extra frame,
// the last segment before it), an index in Timeline.Segments; -1 for none.
func (m *Model) selSeg() int {
	if m.conv == nil || len(m.rows) == 0 {
		return -1
	}
	_, _, seg := m.statesAt(m.cur)
	return seg
}

// segSteps is how many of the conversation's segments are applied at the
// selected row: the netstat view's step.
func (m *Model) segSteps() int {
	seg := m.selSeg()
	if seg < 0 {
		return 0
	}
	segs := m.conv.Segs
	i := sort.Search(len(segs), func(i int) bool { return int(segs[i]) >= seg })
	return min(i+1, len(segs))
}

// viewKey handles the keys of the views: the number keys, the mode, the
// zoom, the export and the write, and → ← enter when the focused view
// takes them. It reports whether it used the key.
func (m *Model) viewKey(msg tea.KeyPressMsg) (bool, tea.Cmd) {
	k := m.keys
	switch {
	case key.Matches(msg, k.Views):
		if n, err := strconv.Atoi(msg.String()); err == nil && n >= 1 && n <= int(numPanes) {
			m.showView(paneID(n - 1))
		}
	case key.Matches(msg, k.Export):
		if m.conv == nil {
			return true, nil
		}
		m.exportAsk = true
	case key.Matches(msg, k.Write):
		return true, m.writeKey()
	case key.Matches(msg, k.ViewOpen, k.ViewClose):
		// The focused view first; a view a quiz hides takes nothing (→
		// asks the quiz's next question).
		if viewTable[m.focus].quizHides != "" && m.quiz.On() {
			return false, nil
		}
		vk := pane.KeyOpen
		if key.Matches(msg, k.ViewClose) {
			vk = pane.KeyClose
		}
		return m.viewKeyTo(m.focus, vk), nil
	case key.Matches(msg, k.ZoomIn, k.ZoomOut):
		// The zoom goes to the view on screen that zooms (the graph),
		// focused or not.
		zk := pane.KeyZoomIn
		if key.Matches(msg, k.ZoomOut) {
			zk = pane.KeyZoomOut
		}
		for p := range numPanes {
			if m.visible(p) && m.viewKeyTo(p, zk) {
				return true, nil
			}
		}
		m.err = "+ and - zoom the graph: show it first (6)"
	case key.Matches(msg, k.Mode):
		if !m.viewKeyTo(m.focus, pane.KeyMode) {
			m.err = "m switches the mode of the follow (5), graph (6), netstat (7) and expert (9) views: focus one first"
		}
	default:
		return false, nil
	}
	return true, nil
}

// exportKey takes the format after x: the export runs as a command.
func (m *Model) exportKey(msg tea.KeyPressMsg) tea.Cmd {
	m.exportAsk = false
	k := m.keys
	format := ""
	switch {
	case key.Matches(msg, k.ExportMermaid):
		format = "mermaid"
	case key.Matches(msg, k.ExportSVG):
		format = "svg"
	case key.Matches(msg, k.ExportText):
		format = "txt"
	default:
		m.note = "export cancelled"
		return nil
	}
	if m.conv == nil || m.tl == nil {
		return nil
	}
	dir := m.opts.ExportDir
	if dir == "" {
		dir = "."
	}
	path := filepath.Join(dir, export.FileName(m.src.Name(), m.conv.Index, format))
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	m.note = "exporting " + filepath.Base(path) + glyphEllipsis
	tl, stream, absolute := m.tl, m.conv.Index, m.absolute
	m.busy++ // no frames are filed while it reads the timeline
	return func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				msg = exportDoneMsg{path: path, err: fmt.Errorf("export %s: internal error: %v", path, r)}
			}
		}()
		n, err := export.WriteFile(path, format, tl, stream, absolute)
		return exportDoneMsg{path: path, n: n, err: err}
	}
}

// exportDone says where the export went, or why it failed.
func (m *Model) exportDone(msg exportDoneMsg) {
	if msg.err != nil {
		m.note = ""
		m.err = "export: " + msg.err.Error()
		return
	}
	// The name first: on a narrow footer the directory is what is cut.
	m.note = fmt.Sprintf("wrote %s (%s) in %s", filepath.Base(msg.path), pane.ByteCount(msg.n), filepath.Dir(msg.path))
}

// batch joins two commands, either of which may be nil.
func batch(a, b tea.Cmd) tea.Cmd {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	return tea.Batch(a, b)
}
