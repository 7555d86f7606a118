package model

import (
	"fmt"
	"strings"
)

// Lesson is the teaching text that goes with a capture: a title, what to
// watch for, and notes attached to chosen frames, shown in the explanation
// pane when that frame's step is selected.
//
// A lesson is written in one numbering, Absolute or relative, and its
// capture is best opened in it; but the numbers it quotes can be shown in
// either. NewLesson reads sources in which each piece of text that depends
// on the numbering is written both ways, "{absolute|relative}": "ACK
// {1023645928|6} = {1023645923|1} + 5" reads "ACK 1023645928 = 1023645923 +
// 5" beside absolute numbers and "ACK 6 = 1 + 5" beside relative ones. Note
// and WatchText give the text in the numbering on screen.
type Lesson struct {
	Title string
	// Watch says, in a few sentences, what to look for in the capture, in
	// the lesson's own numbering (WatchText gives either).
	Watch string
	// Notes maps a frame number (1-based, as in the timeline) to the note
	// shown at that step, in the lesson's own numbering (Note gives
	// either).
	Notes map[uint32]string
	// Absolute says the lesson speaks in absolute sequence numbers, the raw
	// values on the wire, as a paper that prints them does; false says
	// relative ones, counted from each side's ISN as tshark does. Its
	// capture opens in this numbering.
	Absolute bool

	// other holds the watch text (key 0) and the notes whose text differs
	// in the other numbering, rendered in it.
	other map[uint32]string
}

// NewLesson builds a lesson from its sources: watch and notes may hold
// "{absolute|relative}" alternatives (no nesting, no braces or bars
// otherwise), which are resolved for the lesson's own numbering into Watch
// and Notes and kept for the other one. A malformed source is an error
// naming the frame (0 for the watch text).
func NewLesson(title, watch string, notes map[uint32]string, absolute bool) (Lesson, error) {
	l := Lesson{Title: title, Absolute: absolute, Notes: make(map[uint32]string, len(notes))}
	set := func(frame uint32, src string) error {
		abs, rel, err := resolveNumbering(src)
		if err != nil {
			if frame == 0 {
				return fmt.Errorf("lesson %q, watch text: %w", title, err)
			}
			return fmt.Errorf("lesson %q, note on frame %d: %w", title, frame, err)
		}
		own, other := rel, abs
		if absolute {
			own, other = abs, rel
		}
		if frame == 0 {
			l.Watch = own
		} else {
			l.Notes[frame] = own
		}
		if other != own {
			if l.other == nil {
				l.other = map[uint32]string{}
			}
			l.other[frame] = other
		}
		return nil
	}
	if err := set(0, watch); err != nil {
		return Lesson{}, err
	}
	for f, n := range notes {
		if f == 0 {
			return Lesson{}, fmt.Errorf("lesson %q: a note on frame 0 (frames count from 1)", title)
		}
		if err := set(f, n); err != nil {
			return Lesson{}, err
		}
	}
	return l, nil
}

// Note returns the note on frame, with its numbers in absolute or
// relative numbering as asked (the numbering on screen), and "" when the
// frame has none.
func (l *Lesson) Note(frame uint32, absolute bool) string {
	if l == nil || frame == 0 {
		return ""
	}
	n, ok := l.Notes[frame]
	if !ok {
		return ""
	}
	if absolute != l.Absolute {
		if o, ok := l.other[frame]; ok {
			return o
		}
	}
	return n
}

// WatchText returns the watch text in absolute or relative numbering as
// asked.
func (l *Lesson) WatchText(absolute bool) string {
	if l == nil {
		return ""
	}
	if absolute != l.Absolute {
		if o, ok := l.other[0]; ok {
			return o
		}
	}
	return l.Watch
}

// resolveNumbering renders src twice: with each "{a|r}" replaced by a, and
// by r.
func resolveNumbering(src string) (abs, rel string, err error) {
	var a, r strings.Builder
	for {
		i := strings.IndexAny(src, "{|}")
		if i < 0 {
			a.WriteString(src)
			r.WriteString(src)
			return a.String(), r.String(), nil
		}
		if src[i] != '{' {
			return "", "", fmt.Errorf("%q outside {absolute|relative}", src[i])
		}
		a.WriteString(src[:i])
		r.WriteString(src[:i])
		rest := src[i+1:]
		bar := strings.IndexAny(rest, "{|}")
		if bar < 0 || rest[bar] != '|' {
			return "", "", fmt.Errorf("{ at %q without its |", clip(src[i:]))
		}
		end := strings.IndexAny(rest[bar+1:], "{|}")
		if end < 0 || rest[bar+1+end] != '}' {
			return "", "", fmt.Errorf("{ at %q without its }", clip(src[i:]))
		}
		a.WriteString(rest[:bar])
		r.WriteString(rest[bar+1 : bar+1+end])
		src = rest[bar+1+end+1:]
	}
}

func clip(s string) string {
	if len(s) > 30 {
		return s[:30] + "…"
	}
	return s
}
