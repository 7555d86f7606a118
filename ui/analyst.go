package ui

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/export"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
)

// This file holds what the stepper does around its views: the keys that
// choose and set them (number keys, mode, zoom), the export, and the vantage
// sentence under the state diagram. What each view costs and when it is
// paid is its package's business: slow work runs in a tea.Cmd (pane.Loader),
// the rest in Prepare, never in View.

// viewCache is what the root keeps of the last drawing (rendercache.go).
type viewCache struct {
	render renderCache // panes and boxes as last drawn (rendercache.go)
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
// zoom and the export. It reports whether it used the key.
func (m *Model) viewKey(msg tea.KeyPressMsg) (bool, tea.Cmd) {
	k := m.keys
	switch {
	case key.Matches(msg, k.Views):
		if r := []rune(msg.String()); len(r) == 1 && r[0] >= '1' && r[0] <= '8' {
			m.showView(paneID(r[0] - '1'))
		}
	case key.Matches(msg, k.Export):
		if m.conv == nil {
			return true, nil
		}
		m.exportAsk = true
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
			m.err = "m switches the mode of the follow (5), graph (6) and netstat (7) views: focus one first"
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

// vantageShort is the vantage sentence for a pane with one line to spare.
func vantageShort(v model.Vantage) string {
	switch v.Kind {
	case model.VantageUnknown:
		return "States as seen from an unknown vantage point."
	case model.VantageSameHost:
		return "States as seen on the host that is both ends."
	}
	return "States as seen from " + v.Kind.String() + "."
}

// renderStatesPane draws the state diagram and, under it, where the
// capture was taken (the states are as seen from there): the whole
// sentence when the diagram keeps its form with it, the short one when
// only a line is to spare.
func (m *Model) renderStatesPane(w, h int) string {
	c, s, seg := m.statesAt(m.cur)
	// An extra frame (fragment, ICMP error) moves no state: the sides
	// are shown where the segment before it left them, without moves.
	var cm, sm []model.Transition
	if m.segAt(m.cur) != nil {
		cm, sm = model.StepTransitions(m.tl, seg)
	}
	// The note may not take the line that names this step's moves (one
	// line for both sides when there is no room for one each).
	moves := 1
	form := diagramForm(w, h)
	room := func(dh int) bool {
		switch {
		case dh <= 0 || diagramForm(w, dh) != form:
			return false
		case form == 2:
			return dh >= dgFullGeom.h+moves
		case form == 1:
			return dh >= dgCondensedGeom.h+moves
		}
		return true
	}
	full := pane.Wrap(m.vantage.Sentence(), w)
	for _, note := range [][]string{full, {vantageShort(m.vantage)}} {
		if dh := h - len(note); room(dh) {
			d := strings.Split(renderStateSides(m.st.Diagram, c, s, cm, sm, w, dh), "\n")
			for _, l := range note {
				d = append(d, m.st.Views.Note.Render(ansi.Truncate(l, w, glyphEllipsis)))
			}
			return strings.Join(d, "\n")
		}
	}
	return renderStateSides(m.st.Diagram, c, s, cm, sm, w, h)
}

// diagramForm is which drawing renderStateSides makes in w×h: the full
// figure (2), the condensed one (1) or the compact list (0).
func diagramForm(w, h int) int {
	switch {
	case w >= dgFullGeom.w && h >= dgFullGeom.h+1:
		return 2
	case w >= dgCondensedGeom.w && h >= dgCondensedGeom.h+1:
		return 1
	}
	return 0
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
