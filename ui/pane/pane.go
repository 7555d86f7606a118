// Package pane is the contract between the stepper's root model and its
// views: what a view is told (Context) and the keys it may be handed (Key).
// Each view lives in a package of its own under ui/ and implements what it
// needs of it; ui/PANES.md says how to add one.
package pane

import "github.com/tcpstep/tcpstep/model"

// Context is what a view sees of the stepper when it prepares, draws or
// takes a key. All of it is the root's: a view reads it and never keeps a
// pointer into it beyond the call, except the timeline and conversation,
// which stay valid for good.
type Context struct {
	TL   *model.Timeline
	Conv *model.Conversation // the selected conversation, or nil
	// Row is the selected row of the ladder, and Seg the index in
	// TL.Segments of the segment whose states it shows: its own, or for a
	// row that is not a segment (a fragment, an ICMP error) the last
	// segment before it; -1 before the first.
	Row, Seg int
	// Absolute says the numbers are shown as sent, not relative.
	Absolute bool
	// Rows are the ladder's rows of Conv, in frame order.
	Rows []Row
	// Last is the last row a view may show: len(Rows)-1, except in a
	// quiz, where the rows after it are still hidden. Quiz says a quiz is
	// on, and Mask, when set, is the row whose question is being asked.
	Last int
	Quiz bool
	Mask *Mask
	// Vantage is where the capture was taken, as seen from Conv.
	Vantage model.Vantage
	// Lesson is the lesson's text for the selected row (nil when no
	// lesson is shown, empty when it has nothing for the row), which the
	// explanation puts first.
	Lesson []string
	// Frame reads the bytes of frame n (1-based) and dissects them; an
	// error reading it is also reported by the root.
	Frame func(n uint32) ([]byte, model.Dissection, error)
	// Payload reads segment seg's TCP payload (Source.Payload); it is
	// safe to call from a Loader's work.
	Payload func(seg int) ([]byte, error)
	// Filter is the display filter set on the ladder (f), with which of
	// Rows match it so far and whether the others are hidden or dimmed;
	// nil when none is set, and always during a quiz. Its methods answer
	// for nil too, so a view may call them without checking.
	Filter *RowFilter
}

// Key is a key the root hands the focused view, already mapped from the
// key bindings, so that a view does not know the key map.
type Key int

const (
	KeyUp Key = iota
	KeyDown
	KeyPageUp
	KeyPageDown
	KeyMode // m: the view's other mode
	KeyZoomIn
	KeyZoomOut
	// The mouse wheel over the view (three lines a notch).
	KeyWheelUp
	KeyWheelDown
)
