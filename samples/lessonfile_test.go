package samples

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/model"
)

// The RFC 9293 figure samples carry their lessons as files,
// data/NAME.lesson.md, in the lesson file format (docs/lesson-format.md),
// which this branch does not load yet. readLessonFile is a test's reading
// of that format, so that the existing lesson tests check those lessons as
// they check the built-in ones: the same numbers, the same coverage.

// anyLesson is the sample's built-in lesson, or its lesson file.
func anyLesson(t *testing.T, name string) (model.Lesson, bool) {
	t.Helper()
	if l, ok := Lesson(name); ok {
		return l, true
	}
	p := filepath.Join("data", name+".lesson.md")
	if _, err := os.Stat(p); err != nil {
		return model.Lesson{}, false
	}
	l, err := readLessonFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return l, true
}

// readLessonFile reads a lesson file: "# TITLE", "Numbering: absolute" or
// "relative", the watch text, then "## frame N" or "## frames N-M" notes;
// a note's "Question:" and "Answer:" paragraphs are part of its text here.
// Other "## " sections are for readers and skipped.
func readLessonFile(path string) (model.Lesson, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return model.Lesson{}, err
	}
	lines := strings.Split(string(b), "\n")
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "# ") {
		return model.Lesson{}, fmt.Errorf("%s:1: want # TITLE", path)
	}
	title := strings.TrimPrefix(lines[0], "# ")
	absolute := false
	var watch []string
	notes := map[uint32]string{}
	var cur []uint32 // frames of the note being read; nil: the watch text
	skip := false
	var text []string
	flush := func() {
		s := strings.Join(strings.Fields(strings.Join(text, " ")), " ")
		if cur == nil && !skip {
			watch = append(watch, s)
		}
		for _, f := range cur {
			notes[f] = s
		}
		text = nil
	}
	for i, l := range lines[1:] {
		switch {
		case strings.HasPrefix(l, "Numbering: ") && cur == nil && len(watch) == 0 && len(strings.TrimSpace(strings.Join(text, ""))) == 0:
			absolute = strings.TrimPrefix(l, "Numbering: ") == "absolute"
		case strings.HasPrefix(l, "## "):
			flush()
			h := strings.TrimPrefix(l, "## ")
			cur, skip = nil, true
			if r, ok := strings.CutPrefix(h, "frames "); ok {
				a, z, _ := strings.Cut(r, "-")
				x, err1 := strconv.Atoi(a)
				y, err2 := strconv.Atoi(z)
				if err1 != nil || err2 != nil || y < x {
					return model.Lesson{}, fmt.Errorf("%s:%d: bad heading %q", path, i+2, l)
				}
				for f := x; f <= y; f++ {
					cur = append(cur, uint32(f))
				}
			} else if r, ok := strings.CutPrefix(h, "frame "); ok {
				x, err := strconv.Atoi(r)
				if err != nil {
					return model.Lesson{}, fmt.Errorf("%s:%d: bad heading %q", path, i+2, l)
				}
				cur = []uint32{uint32(x)}
			}
			if cur != nil {
				skip = false
			}
		case skip:
		default:
			text = append(text, l)
		}
	}
	flush()
	return model.NewLesson(title, strings.Join(strings.Fields(strings.Join(watch, " ")), " "), notes, absolute)
}

func TestRFCFigureLessonFiles(t *testing.T) {
	for _, s := range List() {
		if !strings.HasPrefix(s.Name, "rfc9293-") {
			continue
		}
		l, ok := anyLesson(t, s.Name)
		if !ok || len(l.Notes) == 0 || !l.Absolute || !strings.Contains(l.Title, "Figure") {
			t.Errorf("%s: lesson %+v", s.Name, l)
		}
	}
}
