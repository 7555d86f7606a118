package model

// Lesson is the teaching text that goes with a capture: a title, what to
// watch for, and notes attached to chosen frames, shown in the explanation
// pane when that frame's step is selected.
type Lesson struct {
	Title string
	// Watch says, in a few sentences, what to look for in the capture.
	Watch string
	// Notes maps a frame number (1-based, as in the timeline) to the note
	// shown at that step.
	Notes map[uint32]string
}
