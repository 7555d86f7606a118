package lesson_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/tcpstep/tcpstep/lesson"
	"github.com/tcpstep/tcpstep/samples"
)

// Parse never panics, and what it returns is consistent: errors name a
// line of the file, a lesson's sections lie in it, in order, and every
// note and question is on a frame of a section.
func FuzzParse(f *testing.F) {
	f.Add([]byte(example))
	f.Add([]byte(wrong))
	for _, s := range samples.List() {
		if b, ok := samples.LessonFile(s.Name); ok {
			f.Add(b)
		}
	}
	f.Add([]byte("# T\n\n## frames 1-3\n\nQuestion: {a|b}?\n\nAnswer: `x`\n\n```\n## frame 9\n```\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		l, err := lesson.Parse("f.md", src)
		lines := bytes.Count(src, []byte("\n")) + 1
		if err != nil {
			var es lesson.Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("error %v is not lesson.Errors", err)
			}
			for _, e := range es {
				if e.Line < 1 || e.Line > lines || e.File != "f.md" {
					t.Fatalf("error %q outside the file's %d lines", e, lines)
				}
			}
			return
		}
		if l.Title == "" {
			t.Fatal("a lesson without a title")
		}
		covered := map[uint32]bool{}
		prev := 0
		for _, s := range l.Sections {
			if s.First == 0 || s.Last < s.First || s.Heading <= prev || s.Heading > lines {
				t.Fatalf("section %+v after line %d", s, prev)
			}
			prev = s.Heading
			for _, ls := range [][]int{s.NoteLines, s.AskLines, s.AnswerLines} {
				for _, n := range ls {
					if n <= s.Heading || n > lines {
						t.Fatalf("section %+v: line %d", s, n)
					}
				}
			}
			for f := s.First; f <= s.Last && f != 0; f++ {
				covered[f] = true
			}
		}
		for f := range l.Notes {
			if !covered[f] {
				t.Fatalf("a note on frame %d, under no heading", f)
			}
		}
		for f := range l.Questions {
			if !covered[f] {
				t.Fatalf("a question on frame %d, under no heading", f)
			}
		}
	})
}
