// Package lesson reads and writes lesson files, the Markdown teaching text
// that goes beside a capture (lab.pcap and lab.lesson.md), and checks a
// lesson against its decoded capture. The format is docs/lesson-format.md:
// a "# " title, an optional "Numbering:" line, the watch text, then a
// "## frame N" or "## frames N-M" heading per note, a note holding at most
// one "Question:" paragraph and the "Answer:" paragraph after it.
//
// Parse gives a model.Lesson, with the source line of every part so that
// Check (the numbers of the notes against the decoder: the check the
// built-in lessons pass) and the errors of Parse name lines. Skeleton
// writes a lesson to start from, a heading per segment. Rendering the
// Markdown is the interface's business (ui/lesson); this package only
// splits the file into its parts, which stay Markdown.
package lesson

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/tcpstep/tcpstep/model"
)

// Error is a problem of a lesson file at a line.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// Errors are all the problems Parse found, in the file's order; as an
// error it is one "FILE:LINE: message" per line.
type Errors []*Error

func (es Errors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// MaxFrames is the most frames the headings of one lesson may cover: a
// range is expanded into a note per frame, and a typo such as
// "frames 1-4000000000" must be an error, not all of memory.
const MaxFrames = 1 << 20

// maxErrors is where Parse stops collecting problems.
const maxErrors = 50

var (
	// A heading that starts with "frame" and a digit is a frame heading,
	// and must be one exactly.
	frameHeading = regexp.MustCompile(`^(?i:frames?)\s+\d`)
	frameOne     = regexp.MustCompile(`^frame\s+(\d+)\s*$`)
	frameRange   = regexp.MustCompile(`^frames\s+(\d+)\s*[-–]\s*(\d+)\s*$`)
	numbering    = regexp.MustCompile(`^Numbering:\s*(.*?)\s*$`)
)

// line is one line of the source with its number.
type line struct {
	n    int
	text string
}

// parser collects a lesson's parts and its problems.
type parser struct {
	name string
	errs Errors
	src  model.LessonSource
	// at maps a frame to the heading line that covers it.
	at      map[uint32]int
	covered int
}

func (p *parser) fail(n int, format string, args ...any) {
	if len(p.errs) < maxErrors {
		p.errs = append(p.errs, &Error{File: p.name, Line: n, Msg: fmt.Sprintf(format, args...)})
	}
}

// Parse reads a lesson file; name is what its errors call it. The lesson's
// Source is name and its Sections say where each note came from. Every
// problem is reported (as Errors), not only the first.
func Parse(name string, src []byte) (model.Lesson, error) {
	p := &parser{name: name, at: map[uint32]int{}}
	p.src.Source = name
	lines := splitLines(src)
	if len(lines) == 0 || !strings.HasPrefix(lines[0].text, "# ") || strings.TrimSpace(lines[0].text[2:]) == "" {
		p.fail(1, `the first line must be "# " and the lesson's title`)
		return model.Lesson{}, p.errs
	}
	p.src.Title = strings.TrimSpace(lines[0].text[2:])
	// The header: the numbering, then the watch text, up to the first
	// "## " heading.
	rest := lines[1:]
	var watch []line
	for len(rest) > 0 && !isH2(rest[0].text) {
		l := rest[0]
		rest = rest[1:]
		if m := numbering.FindStringSubmatch(l.text); m != nil {
			switch {
			case nonBlank(watch):
				p.fail(l.n, `the "Numbering:" line must come before the watch text`)
			case m[1] == "absolute":
				p.src.Absolute = true
			case m[1] == "relative":
				p.src.Absolute = false
			default:
				p.fail(l.n, `Numbering: %q: it is "absolute" or "relative"`, m[1])
			}
			continue
		}
		watch = append(watch, l)
	}
	watch = trim(watch)
	p.src.Watch = p.text(watch, "the watch text")
	// The sections, split at "## " headings outside code fences.
	for len(rest) > 0 {
		h := rest[0]
		body := rest[1:]
		end := nextH2(body)
		rest = body[end:]
		p.section(h, body[:end])
	}
	if len(p.errs) > 0 {
		return model.Lesson{}, p.errs
	}
	l, err := model.BuildLesson(p.src)
	if err != nil {
		// The texts were checked one by one above; this is a bug.
		return model.Lesson{}, Errors{{File: name, Line: 1, Msg: err.Error()}}
	}
	return l, nil
}

// section reads one "## " heading and its text: a frame's note, or
// another heading, which is for readers and ignored.
func (p *parser) section(h line, body []line) {
	title := strings.TrimSpace(strings.TrimPrefix(h.text, "##"))
	title = strings.TrimSpace(strings.TrimRight(title, "#"))
	if !frameHeading.MatchString(title) {
		return
	}
	var first, last uint64
	if m := frameOne.FindStringSubmatch(title); m != nil {
		first = atoi(m[1])
		last = first
	} else if m := frameRange.FindStringSubmatch(title); m != nil {
		first, last = atoi(m[1]), atoi(m[2])
		if last <= first {
			p.fail(h.n, "frames %d-%d: the range must go up (frames N-M with N < M)", first, last)
			return
		}
	} else {
		p.fail(h.n, `%q: a frame's heading is "## frame N" or "## frames N-M", nothing after`, "## "+title)
		return
	}
	if first == 0 {
		p.fail(h.n, "frame 0: frames count from 1, as in the timeline")
		return
	}
	if last > 1<<32-1 {
		p.fail(h.n, "frame %d: beyond any capture", last)
		return
	}
	if p.covered+int(last-first+1) > MaxFrames {
		p.fail(h.n, "frames %d-%d: the headings cover more than %d frames", first, last, MaxFrames)
		return
	}
	for f := first; f <= last; f++ {
		if prev, ok := p.at[uint32(f)]; ok {
			p.fail(h.n, "frame %d already has a note, under the heading of line %d", f, prev)
			return
		}
	}
	for f := first; f <= last; f++ {
		p.at[uint32(f)] = h.n
	}
	p.covered += int(last - first + 1)
	sec := model.Section{First: uint32(first), Last: uint32(last), Heading: h.n}

	// The note, less its Question: and Answer: paragraphs.
	var note, ask, answer []line
	paras := paragraphs(body)
	for i := 0; i < len(paras); i++ {
		para := paras[i]
		switch {
		case hasLabel(para, "Question:"):
			if ask != nil {
				p.fail(para[0].n, "a second question under the heading of line %d: one per heading", h.n)
				continue
			}
			ask = unlabel(para, "Question:")
			if len(ask) == 0 {
				p.fail(para[0].n, `"Question:" with no question after it`)
			}
			if i+1 < len(paras) && hasLabel(paras[i+1], "Answer:") {
				i++
				answer = unlabel(paras[i], "Answer:")
				if len(answer) == 0 {
					p.fail(paras[i][0].n, `"Answer:" with no answer after it`)
				}
			}
		case hasLabel(para, "Answer:"):
			p.fail(para[0].n, `an "Answer:" paragraph must follow its "Question:" paragraph`)
		default:
			if len(note) > 0 {
				note = append(note, line{n: para[0].n - 1})
			}
			note = append(note, para...)
		}
	}
	what := fmt.Sprintf("the note on frame %d", first)
	if last != first {
		what = fmt.Sprintf("the note on frames %d-%d", first, last)
	}
	noteText := p.text(note, what)
	askText := p.text(ask, "the question")
	answerText := p.text(answer, "the answer")
	sec.NoteLines, sec.AskLines, sec.AnswerLines = numbers(note), numbers(ask), numbers(answer)
	p.src.Sections = append(p.src.Sections, sec)
	if noteText != "" {
		if p.src.Notes == nil {
			p.src.Notes = map[uint32]string{}
		}
		for f := first; f <= last; f++ {
			p.src.Notes[uint32(f)] = noteText
		}
	}
	if ask != nil {
		// A range's question is asked once, where the range begins.
		if p.src.Questions == nil {
			p.src.Questions = map[uint32]model.LessonQuestion{}
		}
		p.src.Questions[uint32(first)] = model.LessonQuestion{Ask: askText, Answer: answerText}
	}
}

// text joins lines into one text, checking its "{absolute|relative}"
// alternatives and naming the line of a malformed one.
func (p *parser) text(ls []line, what string) string {
	if len(ls) == 0 {
		return ""
	}
	texts := make([]string, len(ls))
	for i, l := range ls {
		texts[i] = l.text
	}
	s := strings.Join(texts, "\n")
	if _, _, err := model.ResolveNumbering(s); err != nil {
		// Name the first line that is wrong on its own, else the first.
		at := ls[0].n
		for _, l := range ls {
			if _, _, e := model.ResolveNumbering(l.text); e != nil {
				at, err = l.n, e
				break
			}
		}
		p.fail(at, "%s: %v (alternatives are {absolute|relative})", what, err)
	}
	return s
}

// splitLines cuts src into numbered lines, without their line endings
// (LF or CRLF) and a byte order mark. Invalid UTF-8 is kept: what shows it
// makes it visible.
func splitLines(src []byte) []line {
	src = bytes.TrimPrefix(src, []byte("\ufeff"))
	if len(src) == 0 {
		return nil
	}
	raw := strings.Split(strings.TrimSuffix(string(src), "\n"), "\n")
	out := make([]line, len(raw))
	for i, r := range raw {
		out[i] = line{n: i + 1, text: strings.TrimSuffix(r, "\r")}
	}
	return out
}

// isH2 reports whether s is a "## " heading (level 2, not 3).
func isH2(s string) bool {
	return s == "##" || strings.HasPrefix(s, "## ") || strings.HasPrefix(s, "##\t")
}

// fence reports whether s opens or closes a fenced code block, and with
// what.
func fence(s string) string {
	t := strings.TrimLeft(s, " ")
	if len(s)-len(t) > 3 {
		return ""
	}
	for _, f := range []string{"```", "~~~"} {
		if strings.HasPrefix(t, f) {
			return f
		}
	}
	return ""
}

// nextH2 is the index of the first "## " heading of ls outside a code
// fence, or len(ls).
func nextH2(ls []line) int {
	open := ""
	for i, l := range ls {
		f := fence(l.text)
		switch {
		case open != "" && f == open:
			open = ""
		case open != "":
		case f != "":
			open = f
		case isH2(l.text):
			return i
		}
	}
	return len(ls)
}

// paragraphs cuts ls at blank lines (outside code fences) into its
// non-blank runs.
func paragraphs(ls []line) [][]line {
	var out [][]line
	var cur []line
	open := ""
	for _, l := range ls {
		f := fence(l.text)
		switch {
		case open != "" && f == open:
			open = ""
		case open == "" && f != "":
			open = f
		}
		if open == "" && f == "" && strings.TrimSpace(l.text) == "" {
			if cur != nil {
				out = append(out, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, l)
	}
	if cur != nil {
		out = append(out, cur)
	}
	return out
}

// hasLabel reports whether para starts with label ("Question:").
func hasLabel(para []line, label string) bool {
	return strings.HasPrefix(para[0].text, label)
}

// unlabel is para without its label, nil when nothing is left.
func unlabel(para []line, label string) []line {
	out := append([]line{}, para...)
	out[0].text = strings.TrimSpace(strings.TrimPrefix(out[0].text, label))
	if out[0].text == "" {
		out = out[1:]
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func trim(ls []line) []line {
	for len(ls) > 0 && strings.TrimSpace(ls[0].text) == "" {
		ls = ls[1:]
	}
	for len(ls) > 0 && strings.TrimSpace(ls[len(ls)-1].text) == "" {
		ls = ls[:len(ls)-1]
	}
	return ls
}

func nonBlank(ls []line) bool {
	for _, l := range ls {
		if strings.TrimSpace(l.text) != "" {
			return true
		}
	}
	return false
}

func numbers(ls []line) []int {
	if len(ls) == 0 {
		return nil
	}
	out := make([]int, len(ls))
	for i, l := range ls {
		out[i] = l.n
	}
	return out
}

// atoi reads a run of digits; one too long to be a frame number is
// beyond any capture.
func atoi(s string) uint64 {
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 1 << 63
	}
	return v
}
