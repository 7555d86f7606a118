package search

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/internal/testsample"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/ladder"
	"github.com/tcpstep/tcpstep/ui/pane"
)

func mustCompile(t *testing.T, s string) *Query {
	t.Helper()
	q, err := Compile(s)
	if err != nil {
		t.Fatalf("Compile(%q): %v", s, err)
	}
	return q
}

// The pattern's escapes and control pictures stand for bytes; an upper
// case letter typed makes it case-sensitive; a bad escape is refused
// with a word on what is an escape.
func TestCompile(t *testing.T) {
	for _, c := range []struct {
		in   string
		pat  string
		fold bool
	}{
		{"rst", "rst", true},
		{"RST", "RST", false},
		{`\x0D\x0a`, "\r\n", true}, // hex digits are not letters typed
		{`\r\n\t\\`, "\r\n\t\\", true},
		{"␍␊␛␡", "\r\n\x1b\x7f", true},
		{"Höst", "Höst", false},
		{`\x41`, "a", true}, // folded like the rest
	} {
		q := mustCompile(t, c.in)
		if string(q.pat) != c.pat || q.fold != c.fold {
			t.Errorf("Compile(%q): %q fold %v, want %q fold %v", c.in, q.pat, q.fold, c.pat, c.fold)
		}
	}
	for in, want := range map[string]string{
		"":     "empty",
		`\`:    `lone \`,
		`\x4`:  `\x takes two hex digits`,
		`\xzz`: `\x takes two hex digits`,
		`\q`:   `\q is not an escape`,
	} {
		if _, err := Compile(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Compile(%q): %v, want %q", in, err, want)
		}
	}
}

// rendered is the text of row i of the ladder of tl's first conversation,
// drawn wide enough for every label, without colours or previews.
func rendered(tl *model.Timeline, rows []pane.Row, i int, absolute bool) string {
	v := ladder.View{TL: tl, Conv: tl.Conversations[0], Rows: rows, Cur: -1, Top: i, Absolute: absolute, Last: len(rows) - 1}
	out := ladder.Render(ladder.NewStyles(true), v, 400, 2)
	return ansi.Strip(strings.Split(out, "\n")[1])
}

// labelOf is the label the ladder draws on row i: the text between the
// arrow's head and its line, checked against the row as drawn.
func labelOf(t *testing.T, tl *model.Timeline, rows []pane.Row, i int, absolute bool) string {
	t.Helper()
	s := &tl.Segments[rows[i].Seg]
	q := &Query{} // not folded: the label as drawn
	l := string(q.appendLabel(nil, int(s.Flags&(flagCombos-1)), s.Events, pick(s.RelSeq, s.Seq, absolute), pick(s.RelAck, s.Ack, absolute), s.Len))
	line := rendered(tl, rows, i, absolute)
	if !strings.Contains(line, "─ "+l+" ─") && !strings.Contains(line, "─ "+l+" ▶") {
		t.Fatalf("row %d's label is not %q:\n%s", i, l, line)
	}
	return l
}

func pick(rel, abs uint32, absolute bool) uint32 {
	if absolute {
		return abs
	}
	return rel
}

// reference is the rule the query implements, applied to the label text
// as drawn: the pattern found, folded when it has no upper case, its
// numbers whole.
func reference(label, pattern string) bool {
	if strings.ToLower(pattern) == pattern {
		label = strings.ToLower(label)
	}
	digit := func(s string, i int) bool { return i >= 0 && i < len(s) && s[i] >= '0' && s[i] <= '9' }
	for i := 0; i+len(pattern) <= len(label); i++ {
		if label[i:i+len(pattern)] != pattern {
			continue
		}
		end := i + len(pattern)
		if digit(pattern, 0) && digit(label, i-1) {
			continue
		}
		if digit(pattern, len(pattern)-1) && digit(label, end) {
			continue
		}
		return true
	}
	return false
}

// Label answers as the rule does on the ladder's own text, for patterns
// cut from every row's label (with and without digits, at every place),
// on every row, in both numberings: the answers kept per flags and events
// and the numbers tried first change nothing.
func TestLabelIsTheLadders(t *testing.T) {
	for _, name := range []string{"smtp-figure10", "lossy-transfer", "zero-window", "reset-abort", "keepalive"} {
		_, tl := testsample.Open(t, name)
		rows := pane.BuildRows(tl, tl.Conversations[0])
		for _, absolute := range []bool{false, true} {
			labels := map[int]string{}
			patterns := map[string]bool{"SYN": true, "syn,ack": true, "ACK seq": true, "len 0": true, "0": true, "1 ack": true}
			for i, r := range rows {
				if r.Seg < 0 {
					continue
				}
				l := labelOf(t, tl, rows, i, absolute)
				labels[i] = l
				for start := 0; start < len(l); start += 3 {
					for _, n := range []int{1, 3, 6, 11} {
						if start+n <= len(l) {
							p := l[start : start+n]
							patterns[p] = true
							patterns[strings.ToLower(p)] = true
						}
					}
				}
			}
			for p := range patterns {
				q := mustCompile(t, p)
				for i, l := range labels {
					s := &tl.Segments[rows[i].Seg]
					if got, want := q.Label(s, absolute), reference(l, p); got != want {
						t.Fatalf("%s absolute=%v: /%s on row %d %q: %v, want %v", name, absolute, p, i, l, got, want)
					}
				}
			}
		}
	}
}

// The text of a row that is not a segment is searched as a label is.
func TestTextOfOtherRows(t *testing.T) {
	_, tl := testsample.Open(t, "ip-fragments")
	var text string
	for _, f := range tl.Fragments {
		if f.Offset > 0 {
			text = ladder.ExtraText(tl, f.Frame)
			break
		}
	}
	if !strings.Contains(text, "offset ") {
		t.Fatalf("no fragment with an offset: %q", text)
	}
	off := strings.Fields(text[strings.Index(text, "offset "):])[1]
	for p, want := range map[string]bool{
		"offset " + off:          true,
		"OFFSET " + off:          false, // upper case is exact
		"ipv4 fragment":          true,
		"offset " + off[:1]:      len(off) == 1,
		"offset " + off + "0":    false,
		"no such thing anywhere": false,
	} {
		if got := mustCompile(t, p).Text(text); got != want {
			t.Errorf("/%s in %q: %v, want %v", p, text, got, want)
		}
	}
}

// Payload bytes are bytes: no whole numbers, either case unless the
// pattern has an upper-case letter, escapes for controls.
func TestInPayload(t *testing.T) {
	payload := []byte("HELO mail\r\n\x1b[31mred 1000\x00")
	var scratch []byte
	for p, want := range map[string]bool{
		"helo":        true,
		"HELO":        true,
		"Helo":        false,
		`mail\r\n`:    true,
		`\x1b[31m`:    true,
		"␛[31m":       true,
		"100":         true, // a payload's digits are not numbers
		`1000\x00`:    true,
		`1000\x01`:    false,
		"mail\r\nred": false,
	} {
		var got bool
		got, scratch = mustCompile(t, p).InPayload(payload, scratch)
		if got != want {
			t.Errorf("/%s: %v, want %v", p, got, want)
		}
	}
	if string(payload) != "HELO mail\r\n\x1b[31mred 1000\x00" {
		t.Error("InPayload changed the payload")
	}
}

// A pattern with a number no row can show is not a label's, and one
// with a byte no label holds neither.
func TestPatternsNoLabelHolds(t *testing.T) {
	s := &model.Segment{Flags: model.ACK, RelSeq: 1, RelAck: 1}
	for _, p := range []string{"seq 99999999999", `ACK\r`, "ACK␀"} {
		if mustCompile(t, p).Label(s, false) {
			t.Errorf("/%s matched a label", p)
		}
	}
	if !mustCompile(t, "seq 1 ack 1 len 0").Label(s, false) {
		t.Error("the whole label should match")
	}
}
