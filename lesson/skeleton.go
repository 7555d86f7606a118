package lesson

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/tcpstep/tcpstep/model"
)

// Skeleton writes a lesson to start from for the capture tl, called name
// in its title: a heading per TCP segment, in frame order, its note the
// explanation tcpstep generates for the step (in relative numbering, which
// the skeleton declares), and a section for the teacher on what to do
// next. It passes Check as written; the teacher deletes the headings they
// have nothing to say about and rewrites the rest.
func Skeleton(name string, tl *model.Timeline) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# A lesson on %s\n\n", oneLine(name))
	b.WriteString("Numbering: relative\n\n")
	b.WriteString(wrapText("What to watch in this capture: a few sentences, shown at the first step. "+
		"Below, a heading per segment holds tcpstep's own explanation of that step as a starting point: "+
		"keep the headings you have something to say about and write your own notes under them.", 100))
	b.WriteString("\n")
	segs := make([]int, 0, len(tl.Segments))
	for i := range tl.Segments {
		segs = append(segs, i)
	}
	// Segments are in frame order already; a capture's segments across
	// conversations too.
	for _, i := range segs {
		s := &tl.Segments[i]
		fmt.Fprintf(&b, "\n## frame %d\n", s.Frame)
		for _, p := range model.Explain(tl, i, false) {
			b.WriteString("\n" + wrapText(escapeMarkdown(p), 100) + "\n")
		}
	}
	b.WriteString("\n## Notes for the teacher\n\n")
	b.WriteString(wrapText("tcpstep ignores this section (any heading that is not a frame's). "+
		"A note may hold *emphasis*, **strong** words, `code` and lists. To ask a question at a step, "+
		"end its note with a paragraph that starts \"Question:\" and one that starts \"Answer:\"; the "+
		"answer shows when the student presses a. A heading \"## frames 26-29\" puts one note on a range "+
		"of frames. Write a number that depends on the numbering both ways, {absolute|relative}. "+
		"Check the numbers of your notes against the capture with tcpstep lesson check.", 100))
	b.WriteString("\n")
	return []byte(b.String())
}

// oneLine is s with its line breaks and control characters made visible,
// for a title.
func oneLine(s string) string { return model.Visible(strings.ReplaceAll(s, "\n", " ")) }

var listNumber = regexp.MustCompile(`^\d+[.)]`)

var mdLineStart = regexp.MustCompile(`^(\d+[.)]|[-+*>#=~]|` + "```" + `)`)

// escapeMarkdown makes generated text (which may quote payload bytes)
// read as plain words in a lesson: Markdown's marks escaped, control
// characters visible, and the braces and bar of the numbering
// alternatives replaced, there being no way to escape them.
func escapeMarkdown(s string) string {
	s = model.Visible(s)
	var b strings.Builder
	if m := listNumber.FindStringIndex(s); m != nil {
		// "1. " would start an ordered list: "1\. " does not.
		b.WriteString(s[:m[1]-1] + "\\")
		s = s[m[1]-1:]
	} else if mdLineStart.MatchString(s) {
		b.WriteByte('\\')
	}
	rs := []rune(s)
	word := func(i int) bool {
		return i >= 0 && i < len(rs) && (unicode.IsLetter(rs[i]) || unicode.IsDigit(rs[i]))
	}
	for i, r := range rs {
		switch r {
		case '{':
			b.WriteRune('(')
		case '}':
			b.WriteRune(')')
		case '|':
			b.WriteRune('/')
		case '\\', '*', '`', '[', ']', '<':
			b.WriteRune('\\')
			b.WriteRune(r)
		case '_':
			if !word(i-1) || !word(i+1) {
				b.WriteRune('\\')
			}
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// wrapText breaks s at spaces into lines of about w bytes, never before a
// word that would start a Markdown block (a list's marker, a heading) or
// that is a number, so that a label and its number stay on one line.
func wrapText(s string, w int) string {
	var lines []string
	cur := ""
	for _, word := range strings.Fields(s) {
		switch {
		case cur == "":
			cur = word
		case len(cur)+1+len(word) > w && !mdLineStart.MatchString(word) && !startsDigit(word):
			lines = append(lines, cur)
			cur = word
		default:
			cur += " " + word
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return strings.Join(lines, "\n")
}

func startsDigit(w string) bool { return w != "" && (w[0] >= '0' && w[0] <= '9' || w[0] == '(') }
