// Package pane is the contract between the stepper's root model and its
// views: what a view is told (Context) and the keys it may be handed (Key).
// Each view lives in a package of its own under ui/ and implements what it
// needs of it; ui/PANES.md says how to add one.
package pane

import (
	"github.com/tcpstep/tcpstep/app"
	"github.com/tcpstep/tcpstep/model"
)

// Context is what a view sees of the stepper when it prepares, draws or
// takes a key. All of it is the root's: a view reads it and never keeps a
// pointer into it beyond the call, except the timeline and conversation,
// which stay valid for good, and App, which is never changed once made.
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
	// Time is how the ladder's time column counts (t cycles it, as
	// Wireshark's View → Time Display Format does).
	Time TimeFormat
	// Filter is the display filter set on the ladder (f), with which of
	// Rows match it so far and whether the others are hidden or dimmed;
	// nil when none is set, and always during a quiz. Its methods answer
	// for nil too, so a view may call them without checking.
	Filter *RowFilter
	// App is Conv's application layer (package app): what each segment
	// carries above TCP, named from the reassembled streams. The root reads
	// it off the UI goroutine once per conversation shown, and again when
	// the conversation grows (keeping the last one meanwhile); it is nil
	// until the first reading is done, and AppSlow says a reading has
	// taken long enough for a view to say it is on its way. A view draws
	// as it did without it while it is nil.
	App     *app.Conv
	AppSlow bool
	// RawPayload says the ladder previews a segment's raw payload rather
	// than its application messages (the P key).
	RawPayload bool
}

// TimeFormat is how a row's time is written: each counts from a different
// origin, or is the time of day.
type TimeFormat int

const (
	// TimeCapture is seconds since the capture's first frame.
	TimeCapture TimeFormat = iota
	// TimeConversation is seconds since the conversation's first row.
	TimeConversation
	// TimeDelta is seconds since the row above (Wireshark's "since
	// previous displayed packet").
	TimeDelta
	// TimeOfDay is the wall-clock time of day in UTC.
	TimeOfDay
	NumTimeFormats
)

// String names the format as the ladder's column header does.
func (f TimeFormat) String() string {
	switch f {
	case TimeConversation:
		return "conv"
	case TimeDelta:
		return "delta"
	case TimeOfDay:
		return "UTC"
	}
	return "capture"
}

// Describe says what the format counts, for a message.
func (f TimeFormat) Describe() string {
	switch f {
	case TimeConversation:
		return "seconds since the conversation's first segment"
	case TimeDelta:
		return "seconds since the row above (delta)"
	case TimeOfDay:
		return "time of day, UTC"
	}
	return "seconds since the capture's first frame"
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
	// KeyOpen is → or enter, KeyClose ←: a view that opens and closes
	// what it lists (the expert view's rows) takes them before the
	// stepper, which steps with the arrows a view leaves unused.
	KeyOpen
	KeyClose
)
