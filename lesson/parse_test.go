package lesson_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/lesson"
	"github.com/tcpstep/tcpstep/model"
)

// The example of docs/lesson-format.md, with an ignored heading and a
// code fence whose "## " is not a heading.
const example = "# The SMTP session of Figure 10\n" +
	"\n" +
	"Numbering: absolute\n" +
	"\n" +
	"Watch the SEQ and ACK of every step: an ACK is always the next byte its sender\n" +
	"expects.\n" +
	"\n" +
	"Follow the *states*.\n" +
	"\n" +
	"## frame 1\n" +
	"\n" +
	"The client (port 1042) picks its ISN, 1023645922; the first data byte will be\n" +
	"{1023645923|1} = {1023645922|0} + 1.\n" +
	"\n" +
	"Question: What will the server's ACK number be?\n" +
	"\n" +
	"Answer: {1023645923|1}: the SYN consumed one sequence number.\n" +
	"\n" +
	"## Notes for the teacher\n" +
	"\n" +
	"Not shown.\n" +
	"\n" +
	"## frames 26-29\n" +
	"\n" +
	"The close:\n" +
	"\n" +
	"```\n" +
	"## not a heading\n" +
	"```\n" +
	"\n" +
	"- a list\n"

func TestParseExample(t *testing.T) {
	l, err := lesson.Parse("lab.lesson.md", []byte(example))
	if err != nil {
		t.Fatal(err)
	}
	if l.Title != "The SMTP session of Figure 10" || !l.Absolute || l.Source != "lab.lesson.md" {
		t.Errorf("title %q, absolute %v, source %q", l.Title, l.Absolute, l.Source)
	}
	if want := "Watch the SEQ and ACK of every step: an ACK is always the next byte its sender\nexpects.\n\nFollow the *states*."; l.Watch != want {
		t.Errorf("watch %q, want %q", l.Watch, want)
	}
	if got, want := l.Note(1, true), "The client (port 1042) picks its ISN, 1023645922; the first data byte will be\n1023645923 = 1023645922 + 1."; got != want {
		t.Errorf("note 1 %q, want %q", got, want)
	}
	if got := l.Note(1, false); !strings.Contains(got, "\n1 = 0 + 1.") {
		t.Errorf("note 1, relative: %q", got)
	}
	q, ok := l.QuestionAt(1, true)
	if !ok || q.Ask != "What will the server's ACK number be?" || q.Answer != "1023645923: the SYN consumed one sequence number." {
		t.Errorf("question %+v %v", q, ok)
	}
	if q, _ := l.QuestionAt(1, false); q.Answer != "1: the SYN consumed one sequence number." {
		t.Errorf("relative answer %q", q.Answer)
	}
	for f := uint32(26); f <= 29; f++ {
		if n := l.Note(f, true); !strings.HasPrefix(n, "The close:") || !strings.Contains(n, "## not a heading") || !strings.HasSuffix(n, "- a list") {
			t.Errorf("frame %d: %q", f, n)
		}
	}
	if len(l.Notes) != 5 || len(l.Questions) != 1 {
		t.Errorf("%d notes, %d questions", len(l.Notes), len(l.Questions))
	}
	want := []model.Section{
		{First: 1, Last: 1, Heading: 10, NoteLines: []int{12, 13}, AskLines: []int{15}, AnswerLines: []int{17}},
		{First: 26, Last: 29, Heading: 23, NoteLines: []int{25, 26, 27, 28, 29, 30, 31}},
	}
	if len(l.Sections) != 2 {
		t.Fatalf("sections %+v", l.Sections)
	}
	for i, s := range l.Sections {
		w := want[i]
		if s.First != w.First || s.Last != w.Last || s.Heading != w.Heading || !slices.Equal(s.NoteLines, w.NoteLines) ||
			!slices.Equal(s.AskLines, w.AskLines) || !slices.Equal(s.AnswerLines, w.AnswerLines) {
			t.Errorf("section %d: %+v, want %+v", i, s, w)
		}
	}
}

// Defaults: relative numbering, no watch text, CRLF line ends and a byte
// order mark.
func TestParseDefaults(t *testing.T) {
	l, err := lesson.Parse("x.lesson.md", []byte("\ufeff# T\r\n\r\n## frame 3\r\nThe *greeting*.\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if l.Title != "T" || l.Absolute || l.Watch != "" || l.Notes[3] != "The *greeting*." {
		t.Errorf("%+v", l)
	}
}

// Every mistake is reported, each with its file and line.
func TestParseErrors(t *testing.T) {
	for _, c := range []struct {
		src  string
		want []string
	}{
		{"", []string{"f.md:1: the first line must be \"# \" and the lesson's title"}},
		{"Title\n", []string{"f.md:1: the first line must be"}},
		{"# \n", []string{"f.md:1: the first line must be"}},
		{"# T\n\nNumbering: upside down\n", []string{`f.md:3: Numbering: "upside down": it is "absolute" or "relative"`}},
		{"# T\n\nWatch this.\nNumbering: absolute\n", []string{`f.md:4: the "Numbering:" line must come before the watch text`}},
		{"# T\n\n## frame 0\n\nx\n", []string{"f.md:3: frame 0: frames count from 1"}},
		{"# T\n\n## frames 5-5\n", []string{"f.md:3: frames 5-5: the range must go up"}},
		{"# T\n\n## frames 9-2\n", []string{"f.md:3: frames 9-2: the range must go up"}},
		{"# T\n\n## frame 6: the greeting\n", []string{`f.md:3: "## frame 6: the greeting": a frame's heading is "## frame N" or "## frames N-M"`}},
		{"# T\n\n## frame 99999999999\n", []string{"f.md:3: frame 99999999999: beyond any capture"}},
		{"# T\n\n## frames 1-4000000000\n", []string{"f.md:3: frames 1-4000000000: the headings cover more than"}},
		{"# T\n\n## frame 2\n\na\n\n## frames 1-3\n\nb\n", []string{"f.md:7: frame 2 already has a note, under the heading of line 3"}},
		{"# T\n\n## frame 2\n\nQuestion: a?\n\nAnswer: b\n\nQuestion: c?\n", []string{"f.md:9: a second question under the heading of line 3"}},
		{"# T\n\n## frame 2\n\nAnswer: b\n", []string{`f.md:5: an "Answer:" paragraph must follow its "Question:" paragraph`}},
		{"# T\n\n## frame 2\n\nQuestion: a?\n\nmore\n\nAnswer: b\n", []string{`f.md:9: an "Answer:" paragraph must follow`}},
		{"# T\n\n## frame 2\n\nQuestion:\n", []string{`f.md:5: "Question:" with no question after it`}},
		{"# T\n\n## frame 2\n\nline one\nSEQ {1|2 and on\n", []string{"f.md:6: the note on frame 2: { at \"{1|2 and on\" without its }"}},
		{"# T\n\nWatch {a|b}} this.\n", []string{"f.md:3: the watch text: '}' outside {absolute|relative}"}},
		{"# T\n\n## frames 4-6\n\nQuestion: {x?\n\nAnswer: y|z\n", []string{
			"f.md:5: the question: { at \"{x?\" without its |",
			"f.md:7: the answer: '|' outside {absolute|relative}",
		}},
	} {
		_, err := lesson.Parse("f.md", []byte(c.src))
		var es lesson.Errors
		if !errors.As(err, &es) {
			t.Errorf("%q: error %v, want lesson.Errors", c.src, err)
			continue
		}
		if len(es) != len(c.want) {
			t.Errorf("%q: %d errors, want %d:\n%v", c.src, len(es), len(c.want), err)
			continue
		}
		for i, w := range c.want {
			if !strings.HasPrefix(es[i].Error(), w) {
				t.Errorf("%q: error %q, want it to start %q", c.src, es[i], w)
			}
		}
	}
}

// A question without an answer is a question; a heading that only looks
// like a frame's ("## Frames to watch") is for readers.
func TestParseLenient(t *testing.T) {
	l, err := lesson.Parse("f.md", []byte("# T\n\n## Frames to watch\n\nx\n\n## frame 2\n\nQuestion: why?\n"))
	if err != nil {
		t.Fatal(err)
	}
	if q, ok := l.QuestionAt(2, false); !ok || q.Ask != "why?" || q.Answer != "" {
		t.Errorf("%+v %v", q, ok)
	}
	if len(l.Notes) != 0 {
		t.Errorf("notes %v", l.Notes)
	}
}
