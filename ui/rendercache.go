package ui

// renderCache keeps the boxes drawn for the last frame that nothing since
// has changed. Holding → through a long transfer redraws the screen many
// times a second, and much of it is the same from one step to the next:
// the state diagram shows ESTABLISHED on both sides for a million steps,
// the ISN analysis does not move (each view keeps its own last drawing),
// and a box around unchanged content need not be fitted and bordered again.
// It lives in the viewCache, behind the pointer that the Model's copies
// share.
type renderCache struct {
	boxes [numSlots]boxMemo
}

// boxMemo is one slot's box as last drawn.
type boxMemo struct {
	st             *styles
	title, content string
	w, h           int
	focused        bool
	lines          []string
}

// boxed is the package's boxed, from slot's memo when the box and its
// content are those last drawn there. The lines returned are shared: the
// caller must not change them.
func (rc *renderCache) boxed(slot int, st *styles, title, content string, w, h int, focused bool) []string {
	b := &rc.boxes[slot]
	if b.lines != nil && b.st == st && b.w == w && b.h == h && b.focused == focused && b.title == title && b.content == content {
		return b.lines
	}
	lines := boxed(st, title, content, w, h, focused)
	*b = boxMemo{st: st, title: title, content: content, w: w, h: h, focused: focused, lines: lines}
	return lines
}
