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
	// Questions maps a frame to the question the lesson asks at its step
	// and the answer, in the lesson's own numbering (QuestionAt gives
	// either).
	Questions map[uint32]LessonQuestion
	// Sections say where each note came from in a lesson file (package
	// lesson), in the file's order: nil for a lesson built in Go. The
	// lesson check reads them to name the lines of its problems.
	Sections []Section
	// Source is the name of the file the lesson was read from ("" none).
	Source string

	// other holds the watch text, the notes, questions and answers whose
	// text differs in the other numbering, rendered in it.
	other map[otherKey]string
}

// LessonQuestion is what a lesson asks at a step, and its answer.
type LessonQuestion struct {
	Ask, Answer string
}

// Section is one note of a lesson file: the frames it is on (First to
// Last, one frame when they are equal) and the lines it came from. Lines
// count from 1; 0 is a part the section does not have.
type Section struct {
	First, Last uint32
	Heading     int // the "## frame" heading
	// NoteLines, AskLines and AnswerLines give the source line of each
	// line of the note's, the question's and the answer's text, in order.
	NoteLines, AskLines, AnswerLines []int
}

// LessonSource is a lesson's text before its "{absolute|relative}"
// alternatives are resolved (NewLesson's arguments, with questions).
type LessonSource struct {
	Title, Watch string
	Notes        map[uint32]string
	Questions    map[uint32]LessonQuestion
	Absolute     bool
	Sections     []Section
	Source       string
}

// The parts of a lesson that may differ between the numberings.
type lessonPart uint8

const (
	lessonNote lessonPart = iota
	lessonAsk
	lessonAnswer
)

// otherKey names one text of a lesson: the watch text is frame 0's note.
type otherKey struct {
	frame uint32
	part  lessonPart
}

// NewLesson builds a lesson from its sources: watch and notes may hold
// "{absolute|relative}" alternatives (no nesting, no braces or bars
// otherwise), which are resolved for the lesson's own numbering into Watch
// and Notes and kept for the other one. A malformed source is an error
// naming the frame (0 for the watch text).
func NewLesson(title, watch string, notes map[uint32]string, absolute bool) (Lesson, error) {
	return BuildLesson(LessonSource{Title: title, Watch: watch, Notes: notes, Absolute: absolute})
}

// BuildLesson is NewLesson with questions and a lesson file's sections.
func BuildLesson(src LessonSource) (Lesson, error) {
	l := Lesson{
		Title: src.Title, Absolute: src.Absolute, Notes: make(map[uint32]string, len(src.Notes)),
		Sections: src.Sections, Source: src.Source,
	}
	resolve := func(k otherKey, text string) (string, error) {
		abs, rel, err := resolveNumbering(text)
		if err != nil {
			what := [...]string{"note", "question", "answer"}[k.part]
			if k.frame == 0 {
				return "", fmt.Errorf("lesson %q, watch text: %w", src.Title, err)
			}
			return "", fmt.Errorf("lesson %q, %s on frame %d: %w", src.Title, what, k.frame, err)
		}
		own, other := rel, abs
		if src.Absolute {
			own, other = abs, rel
		}
		if other != own {
			if l.other == nil {
				l.other = map[otherKey]string{}
			}
			l.other[k] = other
		}
		return own, nil
	}
	var err error
	if l.Watch, err = resolve(otherKey{}, src.Watch); err != nil {
		return Lesson{}, err
	}
	for f, n := range src.Notes {
		if f == 0 {
			return Lesson{}, fmt.Errorf("lesson %q: a note on frame 0 (frames count from 1)", src.Title)
		}
		if l.Notes[f], err = resolve(otherKey{f, lessonNote}, n); err != nil {
			return Lesson{}, err
		}
	}
	for f, q := range src.Questions {
		if f == 0 {
			return Lesson{}, fmt.Errorf("lesson %q: a question on frame 0 (frames count from 1)", src.Title)
		}
		var own LessonQuestion
		if own.Ask, err = resolve(otherKey{f, lessonAsk}, q.Ask); err != nil {
			return Lesson{}, err
		}
		if own.Answer, err = resolve(otherKey{f, lessonAnswer}, q.Answer); err != nil {
			return Lesson{}, err
		}
		if l.Questions == nil {
			l.Questions = make(map[uint32]LessonQuestion, len(src.Questions))
		}
		l.Questions[f] = own
	}
	return l, nil
}

// QuestionAt returns the question asked at frame and its answer, in
// absolute or relative numbering as asked; ok is false when the lesson
// asks nothing there.
func (l *Lesson) QuestionAt(frame uint32, absolute bool) (q LessonQuestion, ok bool) {
	if l == nil {
		return LessonQuestion{}, false
	}
	q, ok = l.Questions[frame]
	if ok && absolute != l.Absolute {
		if o, found := l.other[otherKey{frame, lessonAsk}]; found {
			q.Ask = o
		}
		if o, found := l.other[otherKey{frame, lessonAnswer}]; found {
			q.Answer = o
		}
	}
	return q, ok
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
		if o, ok := l.other[otherKey{frame, lessonNote}]; ok {
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
		if o, ok := l.other[otherKey{}]; ok {
			return o
		}
	}
	return l.Watch
}

// ResolveNumbering renders src in both numberings, each "{a|r}" replaced
// by a and by r, and says what is malformed (a lesson file's parser names
// the line).
func ResolveNumbering(src string) (abs, rel string, err error) { return resolveNumbering(src) }

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
