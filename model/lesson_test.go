package model_test

import (
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/model"
)

func TestLessonNumberings(t *testing.T) {
	notes := map[uint32]string{
		7: "ACK {1023645928|6} = {1023645923|1} + 5, the SEQ of frame 6 plus its bytes.",
		9: "VRFY root, 10 bytes.",
		3: "{In relative numbers its SEQ would be a guess|Its relative SEQ 1 is a guess}.",
	}
	for _, abs := range []bool{true, false} {
		l, err := model.NewLesson("T", "Watch the SEQ ({absolute numbers|relative numbers}).", notes, abs)
		if err != nil {
			t.Fatal(err)
		}
		if l.Absolute != abs || l.Title != "T" {
			t.Errorf("Absolute %v Title %q, want %v T", l.Absolute, l.Title, abs)
		}
		for _, c := range []struct {
			frame     uint32
			absolute  bool
			want      string
			watchWant string
		}{
			{7, true, "ACK 1023645928 = 1023645923 + 5, the SEQ of frame 6 plus its bytes.", "Watch the SEQ (absolute numbers)."},
			{7, false, "ACK 6 = 1 + 5, the SEQ of frame 6 plus its bytes.", "Watch the SEQ (relative numbers)."},
			{9, true, "VRFY root, 10 bytes.", ""},
			{9, false, "VRFY root, 10 bytes.", ""},
			{3, true, "In relative numbers its SEQ would be a guess.", ""},
			{3, false, "Its relative SEQ 1 is a guess.", ""},
			{4, true, "", ""},
			{4, false, "", ""},
		} {
			if got := l.Note(c.frame, c.absolute); got != c.want {
				t.Errorf("lesson absolute %v: Note(%d, %v) = %q, want %q", abs, c.frame, c.absolute, got, c.want)
			}
			if c.watchWant != "" && l.WatchText(c.absolute) != c.watchWant {
				t.Errorf("lesson absolute %v: WatchText(%v) = %q, want %q", abs, c.absolute, l.WatchText(c.absolute), c.watchWant)
			}
		}
		// Watch and Notes are the lesson's own numbering, for callers that
		// read them directly.
		if l.Watch != l.WatchText(abs) || l.Notes[7] != l.Note(7, abs) || len(l.Notes) != len(notes) {
			t.Errorf("lesson absolute %v: Watch %q, Notes[7] %q are not its own numbering", abs, l.Watch, l.Notes[7])
		}
	}
	// A lesson built as a literal, without alternatives, reads the same in
	// both numberings; a nil lesson has nothing to say.
	lit := &model.Lesson{Watch: "w", Notes: map[uint32]string{2: "n"}}
	if lit.Note(2, true) != "n" || lit.Note(2, false) != "n" || lit.WatchText(true) != "w" || lit.Note(0, false) != "" {
		t.Error("a literal lesson does not read its own fields")
	}
	var none *model.Lesson
	if none.Note(1, true) != "" || none.WatchText(false) != "" {
		t.Error("a nil lesson says something")
	}
}

func TestLessonSourceErrors(t *testing.T) {
	for _, c := range []struct {
		watch string
		notes map[uint32]string
		want  string
	}{
		{"{unclosed|", nil, "watch text"},
		{"no bar {here}", nil, "without its |"},
		{"stray } brace", nil, "outside"},
		{"stray | bar", nil, "outside"},
		{"nested {a {b|c}|d}", nil, "without its |"},
		{"", map[uint32]string{5: "two bars {a|b|c}"}, "note on frame 5"},
		{"", map[uint32]string{0: "frame zero"}, "frame 0"},
	} {
		_, err := model.NewLesson("L", c.watch, c.notes, false)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewLesson(%q, %v): error %v, want one saying %q", c.watch, c.notes, err, c.want)
		}
	}
}
