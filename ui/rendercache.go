package ui

import (
	"strings"

	"github.com/tcpstep/tcpstep/model"
)

// renderCache keeps what the panes drew for the last frame that nothing
// since has changed. Holding → through a long transfer redraws the screen
// many times a second, and much of it is the same from one step to the
// next: the state diagram shows ESTABLISHED on both sides for a million
// steps, the ISN analysis does not move, and a box around unchanged content
// need not be fitted and bordered again. It lives in the viewCache, behind
// the pointer that the Model's copies share.
type renderCache struct {
	statesKey statesKey
	statesOut string
	statesOK  bool
	boxes     [numSlots]boxMemo
}

// statesKey is everything the states pane's drawing depends on.
type statesKey struct {
	st             *Styles
	client, server model.State
	moves          string // the step's transitions, both sides
	vantage        model.Vantage
	w, h           int
}

// boxMemo is one slot's box as last drawn.
type boxMemo struct {
	st             *Styles
	title, content string
	w, h           int
	focused        bool
	lines          []string
}

// statesPane is renderStatesPane, from the cache when the sides' states,
// the step's moves, the vantage point and the size are those last drawn.
func (m *Model) statesPane(w, h int) string {
	rc := &m.cache.render
	c, s, seg := m.statesAt(m.cur)
	var moves strings.Builder
	if m.segAt(m.cur) != nil {
		cm, sm := model.StepTransitions(m.tl, seg)
		for _, ms := range [][]model.Transition{cm, sm} {
			for _, t := range ms {
				moves.WriteString(t.From.String() + "\x00" + t.To.String() + "\x00" + t.Event + "\x00" + t.Action + "\x00")
			}
			moves.WriteString("\x01")
		}
	}
	k := statesKey{st: m.st, client: c, server: s, moves: moves.String(), vantage: m.vantage, w: w, h: h}
	if !rc.statesOK || rc.statesKey != k {
		rc.statesKey, rc.statesOut, rc.statesOK = k, m.renderStatesPane(w, h), true
	}
	return rc.statesOut
}

// boxed is the package's boxed, from slot's memo when the box and its
// content are those last drawn there. The lines returned are shared: the
// caller must not change them.
func (rc *renderCache) boxed(slot int, st *Styles, title, content string, w, h int, focused bool) []string {
	b := &rc.boxes[slot]
	if b.lines != nil && b.st == st && b.w == w && b.h == h && b.focused == focused && b.title == title && b.content == content {
		return b.lines
	}
	lines := boxed(st, title, content, w, h, focused)
	*b = boxMemo{st: st, title: title, content: content, w: w, h: h, focused: focused, lines: lines}
	return lines
}
