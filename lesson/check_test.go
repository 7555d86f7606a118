package lesson_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/internal/testsample"
	"github.com/tcpstep/tcpstep/lesson"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/samples"
)

// A lesson on the paper's session with a wrong number of each kind, a
// note on a frame the capture does not have, and one read in the other
// numbering that forgot an alternative.
const wrong = `# A wrong lesson

Numbering: absolute

Watch the ACKs.

## frame 1

The SYN of port 1042.

## frame 4

The greeting: 93 bytes at SEQ 2234678800,
in a segment with window 64000.

## frame 6

The client types help, **5 bytes** at
SEQ 1023645924.

Question: What will the server's ACK be?

Answer: ACK {1023645929|7} = {1023645923|1} + 5.

## frame 7

ACK {1023645928|6}, and the reply is 439 bytes long: 439 bytes.
Its SEQ 2234678893 follows the greeting.

## frames 40-42

The end that never was.

## frame 2

The SYN,ACK takes the client to ESTABLISHED
and the server to ESTABLISHED.
`

func TestCheckWrongLesson(t *testing.T) {
	tl := testsample.Timeline(t, "smtp-figure10")
	l, err := lesson.Parse("wrong.lesson.md", []byte(wrong))
	if err != nil {
		t.Fatal(err)
	}
	got := lesson.Check(tl, &l)
	want := []struct {
		line  int
		frame uint32
		msg   string
	}{
		{14, 4, "window 64000: no window of frames [4]"},
		{19, 6, "SEQ 1023645924 is no SEQ of frames [6] in absolute numbering (frame 6's is 1023645923)"},
		{23, 6, `"ACK 1023645929 = 1023645923 + 5" does not add up`},
		{23, 6, `"ACK 7 = 1 + 5" does not add up (read in relative numbering)`},
		{27, 7, "439 bytes: no payload or window of frames [7] is that long (frame 7's is 440)"},
		// The note holds an alternative, so it is read in relative
		// numbering too, where this SEQ needed one.
		{28, 7, "SEQ 2234678893 is no SEQ of frames [7] in relative numbering (frame 7's is 94) (read in relative numbering)"},
		{30, 40, fmt.Sprintf("no frames 40-42: the capture has %d frames", len(tl.Frames))},
		// A state: the client is ESTABLISHED after the SYN,ACK, the server
		// not yet.
		{37, 2, "the server is not in ESTABLISHED at frames [2] (frame 2's is SYN_RECEIVED)"},
	}
	if len(got) != len(want) {
		t.Errorf("%d problems, want %d:\n%s", len(got), len(want), list(got))
	}
	for i := range min(len(got), len(want)) {
		g, w := got[i], want[i]
		if g.Line != w.line || g.Frame != w.frame || !strings.HasPrefix(g.Msg, w.msg) {
			t.Errorf("problem %d: %s, want %d: frame %d: %s", i, g, w.line, w.frame, w.msg)
		}
	}
	t.Logf("\n%s", list(got))
}

func list(ps []lesson.Problem) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.String() + "\n")
	}
	return b.String()
}

// A note on a frame that carries no TCP is reported at its heading.
func TestCheckNonTCPFrame(t *testing.T) {
	tl := testsample.Timeline(t, "smtp-figure10")
	tl.Frames[4].Kind = model.FrameOther // frame 5
	l, err := lesson.Parse("x.lesson.md", []byte("# T\n\n## frame 4\n\nThe greeting.\n\n## frames 5-6\n\nThe ACK and help.\n"))
	if err != nil {
		t.Fatal(err)
	}
	got := lesson.Check(tl, &l)
	if len(got) != 1 || got[0].Line != 7 || got[0].Frame != 5 || !strings.Contains(got[0].Msg, "carries no TCP") {
		t.Errorf("got\n%s", list(got))
	}
}

// The lesson skeleton of every sample passes the check as written, and
// says something at every segment.
func TestSkeletonRoundTrip(t *testing.T) {
	for _, smp := range samples.List() {
		tl := testsample.Timeline(t, smp.Name)
		src := lesson.Skeleton(smp.Name+".pcap", tl)
		l, err := lesson.Parse(smp.Name+".lesson.md", src)
		if err != nil {
			t.Errorf("%s: %v", smp.Name, err)
			continue
		}
		if len(l.Sections) != len(tl.Segments) {
			t.Errorf("%s: %d headings for %d segments", smp.Name, len(l.Sections), len(tl.Segments))
		}
		for _, s := range tl.Segments {
			if l.Notes[s.Frame] == "" {
				t.Errorf("%s: frame %d has no note", smp.Name, s.Frame)
			}
		}
		for _, p := range lesson.Check(tl, &l) {
			t.Errorf("%s.lesson.md:%s", smp.Name, p)
		}
	}
}

// TestCheckWrappedLines: a note wrapped as a teacher's editor wraps it keeps
// its numbers: "of frame\n6." is frame 6, not a list item "6.", and a
// time after a frame list ("frame 1, 210.050 ms") is no frame 210.
func TestCheckWrappedLines(t *testing.T) {
	tl := testsample.Timeline(t, "smtp-figure10")
	src := "# Wrapped\n\nNumbering: absolute\n\nWatch.\n\n## frame 7\n\n" +
		"The server's ACK {1023645928|6} = {1023645923|1} + 5 counts the bytes of frame\n6. It answers the help.\n\n" +
		"## frame 9\n\nThe client asks again after frame 7, 6511.700 ms later.\n\n" +
		"1. a list item\n2. another, with SEQ {1023645928|6} of frame 9\n"
	l, err := lesson.Parse("wrapped.lesson.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if got := lesson.Check(tl, &l); len(got) != 0 {
		t.Errorf("problems in a right lesson:\n%s", list(got))
	}
}
