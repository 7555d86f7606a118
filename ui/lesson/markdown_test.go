package lesson

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane/panetest"
)

// mdLesson is a lesson on the paper's session whose note at step 2 uses
// the Markdown a note may: emphasis, strong words, code, lists (nested,
// numbered), a code block, and a question at that step.
func mdLesson(t *testing.T) *model.Lesson {
	t.Helper()
	l, err := model.BuildLesson(model.LessonSource{
		Title: "Markdown in the strip",
		Watch: "Watch *every* ACK.",
		Notes: map[uint32]string{
			2: "The server's **SYN,ACK** acknowledges the client's ISN plus one, `ACK {1023645923|1}`, and picks its own.\n" +
				"\n" +
				"- the *SYN* takes one sequence number\n" +
				"- so does the FIN:\n" +
				"  1. its ACK goes up by one\n" +
				"  2. `tcp.flags.fin == 1` finds it\n" +
				"\n" +
				"```\n" +
				"seq=2234678799 ack=1023645923\n" +
				"```",
		},
		Questions: map[uint32]model.LessonQuestion{
			2: {Ask: "Which state is the *client* in now?", Answer: "**ESTABLISHED**: the SYN,ACK completed its half."},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return &l
}

// The strip's Markdown at 80 and 120 columns, the answer hidden and shown.
func TestMarkdownStripGolden(t *testing.T) {
	l, rows := mdLesson(t), smtpRows(t)
	st := NewStyles(true)
	for _, w := range []int{80, 120} {
		for _, answer := range []bool{false, true} {
			name := fmt.Sprintf("%d-answer-%v", w, answer)
			t.Run(name, func(t *testing.T) {
				out := Strip(st, l, rows, 1, len(rows)-1, w, 12, false, answer)
				panetest.CheckFits(t, name, out, w, 12)
				golden.RequireEqual(t, ansi.Strip(out))
			})
		}
	}
}

// Emphasis, strong words and code are drawn in their styles; the marks
// themselves are gone.
func TestMarkdownStyles(t *testing.T) {
	l, rows := mdLesson(t), smtpRows(t)
	st := NewStyles(true)
	out := Strip(st, l, rows, 1, len(rows)-1, 120, 12, false, true)
	for _, want := range []string{
		st.Strong.Render("SYN,ACK"),
		st.Code.Render("ACK 1"),
		st.Emph.Render("SYN"),
		st.Code.Render("tcp.flags.fin == 1"),
		st.Code.Render("seq=2234678799 ack=1023645923"),
		st.Ask.Render("Question:"),
		st.Strong.Render("ESTABLISHED"),
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the strip lacks %q:\n%s", want, out)
		}
	}
	plain := ansi.Strip(out)
	for _, mark := range []string{"**", "`", "*SYN*", "```"} {
		if strings.Contains(plain, mark) {
			t.Errorf("the strip shows the mark %q:\n%s", mark, plain)
		}
	}
}

// Lesson files are user input: no control character of theirs reaches the
// terminal, raw or by an entity; they show as pictures.
func TestMarkdownControlCharacters(t *testing.T) {
	rows := smtpRows(t)
	l := &model.Lesson{
		Title: "Evil\x1b]0;owned\x07 title",
		Notes: map[uint32]string{
			rows[1].Frame: "Red \x1b[31mtext\x1b[0m, an entity &#27;[2J, a bell \a, C1 \u009b31m, `code \x1b[1m` and\n```\nblock \x1b[5m\n```",
		},
		Questions: map[uint32]model.LessonQuestion{rows[1].Frame: {Ask: "Why \x1b[2J?", Answer: "because \x08\x08"}},
	}
	for _, answer := range []bool{false, true} {
		out := Strip(Styles{}, l, rows, 1, len(rows)-1, 120, 12, false, answer)
		for i, r := range out {
			if r < 0x20 && r != '\n' || r == 0x7f || r >= 0x80 && r < 0xa0 {
				t.Fatalf("a control character %U at %d:\n%q", r, i, out)
			}
		}
		if !strings.Contains(out, "␛[31mtext") || !strings.Contains(out, "␛[2J") || !strings.Contains(out, "␇") {
			t.Errorf("the controls are not shown as pictures:\n%s", out)
		}
		for _, p := range Paragraphs(l, rows, 1, false, answer) {
			if strings.ContainsAny(p, "\x1b\a\x08\u009b") {
				t.Errorf("a control character in the explanation's paragraph %q", p)
			}
		}
	}
}

// The explanation gets the Markdown as plain text: a paragraph per
// paragraph and per list item, no line feed.
func TestPlain(t *testing.T) {
	got := Plain("The **SYN** and `ACK`.\n\n- one\n- *two*\n\nAfter,  \nbroken.")
	want := []string{"The SYN and ACK.", "• one", "• two", "After, broken."}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Plain = %q, want %q", got, want)
	}
	l, rows := mdLesson(t), smtpRows(t)
	ps := Paragraphs(l, rows, 1, false, false)
	if len(ps) < 4 || !strings.HasPrefix(ps[0], "Lesson, this step: The server's SYN,ACK") ||
		ps[len(ps)-2] != "Question: Which state is the client in now?" || ps[len(ps)-1] != "Answer: ("+AnswerHint+")" {
		t.Errorf("paragraphs %q", ps)
	}
	if ps := Paragraphs(l, rows, 1, false, true); ps[len(ps)-1] != "Answer: ESTABLISHED: the SYN,ACK completed its half." {
		t.Errorf("answered: %q", ps[len(ps)-1])
	}
}

// The Markdown lesson fits the strip at every size, and a long word is
// cut, never wider than the strip.
func TestMarkdownFits(t *testing.T) {
	l, rows := mdLesson(t), smtpRows(t)
	l.Notes[rows[2].Frame] = "A " + strings.Repeat("x", 300) + " and *" + strings.Repeat("界", 100) + "*"
	for row := range 4 {
		for _, w := range []int{1, 2, 3, 5, 20, 40, 80, 120, 200} {
			for _, h := range []int{1, 2, 3, 5, 9, 12} {
				for _, answer := range []bool{false, true} {
					out := Strip(NewStyles(w%2 == 0), l, rows, row, len(rows)-1, w, h, false, answer)
					panetest.CheckFits(t, fmt.Sprintf("row %d %dx%d answer %v", row, w, h, answer), out, w, h)
				}
			}
		}
	}
}

func BenchmarkStripMarkdown(b *testing.B) {
	l := mdLesson(&testing.T{})
	rows := smtpRows(&testing.T{})
	st := NewStyles(true)
	for b.Loop() {
		Strip(st, l, rows, 1, len(rows)-1, 120, 9, false, true)
	}
}

// Any Markdown a lesson file may hold draws within the strip, and no
// control character of it reaches the terminal.
func FuzzStripMarkdown(f *testing.F) {
	f.Add("The **SYN** and `ACK`.\n\n- one\n  1. *two*\n\n```\ncode\n```\n> quote\n\n---\n# h\n<b>html</b> <http://x>")
	f.Add("\x1b[31m&#27;[2J\u009b\a")
	rows := smtpRows(&testing.T{})
	f.Fuzz(func(t *testing.T, note string) {
		l := &model.Lesson{Title: "T", Notes: map[uint32]string{rows[1].Frame: note},
			Questions: map[uint32]model.LessonQuestion{rows[1].Frame: {Ask: note, Answer: note}}}
		for _, w := range []int{1, 7, 40, 80} {
			out := Strip(Styles{}, l, rows, 1, len(rows)-1, w, 9, false, true)
			panetest.CheckFits(t, fmt.Sprint(w), out, w, 9)
			for _, r := range out {
				if r < 0x20 && r != '\n' || r == 0x7f || r >= 0x80 && r < 0xa0 {
					t.Fatalf("a control character %U in %q", r, out)
				}
			}
		}
		for _, p := range Plain(note) {
			for _, r := range p {
				if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 {
					t.Fatalf("a control character %U in the plain %q", r, p)
				}
			}
		}
	})
}
