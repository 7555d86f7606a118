package model_test

import (
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/samples"
)

// sampleSeg loads a sample and returns it with the segment index of frame f.
func sampleSeg(t *testing.T, name string, f uint32) (*model.Timeline, int) {
	t.Helper()
	data, err := samples.Bytes(name)
	if err != nil {
		t.Fatal(err)
	}
	tl := loadCapture(t, name, data)
	si := tl.SegOf(f)
	if si < 0 {
		t.Fatalf("%s: frame %d carries no segment", name, f)
	}
	return tl, si
}

func labelsOf(ms []model.Transition) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.From.String()+" → "+m.To.String()+" "+m.Label())
	}
	return out
}

// The last segment of Figure 10 is a RST without ACK whose SEQ is the ACK
// field of the client's FIN, sent 70 µs after that FIN passed beside the
// server. It is no abort: an ABORT in TIME_WAIT sends nothing (RFC 9293
// §3.10.5), and a TCP in TIME_WAIT acknowledges a FIN. It is the answer of
// a TCP with no connection for the FIN (§3.10.7.1): <SEQ=SEG.ACK><CTL=RST>.
// The move and the explanation must both say so, in either numbering.
func TestFigure10ResetAnswersTheFIN(t *testing.T) {
	tl, si := sampleSeg(t, "smtp-figure10", 29)
	s := &tl.Segments[si]
	if s.Flags != model.RST || s.Seq != 2234679649 {
		t.Fatalf("frame 29: %v SEQ %d, want a bare RST at 2234679649", s.Flags, s.Seq)
	}
	cm, sm := model.StepTransitions(tl, si)
	if got := labelsOf(sm); len(got) != 1 || got[0] != "TIME_WAIT → CLOSED SEGMENT ARRIVES / snd RST" {
		t.Errorf("server's move %q, want TIME_WAIT → CLOSED SEGMENT ARRIVES / snd RST", got)
	}
	if len(sm) == 1 && (!sm[0].AnswersSegment() || !sm[0].Abort()) {
		t.Errorf("%q: AnswersSegment %v Abort %v, want both", sm[0].Label(), sm[0].AnswersSegment(), sm[0].Abort())
	}
	if got := labelsOf(cm); len(got) != 1 || got[0] != "LAST_ACK → CLOSED rcv RST" {
		t.Errorf("client's move %q, want LAST_ACK → CLOSED rcv RST", got)
	}
	for _, c := range []struct {
		abs       bool
		numbers   string
		seqAnswer string
	}{
		{true, "SEQ 2234679649 is the ACK 2234679649 of frame 28, and the ACK flag is off",
			"SEQ 2234679649: a reset is accepted only"},
		{false, "SEQ 850 is the ACK 850 of frame 28, and the ACK flag is off", "SEQ 850: a reset is accepted only"},
	} {
		text := strings.Join(model.Explain(tl, si, c.abs), "\n")
		for _, want := range []string{
			c.seqAnswer,
			"It is the ACK field of the client's frame 28: a reset that answers a segment carrying ACK takes that ACK as its SEQ",
			`The server moves TIME_WAIT → CLOSED, RFC 9293's "SEGMENT ARRIVES / snd RST"`,
			"An ABORT in TIME_WAIT sends nothing (RFC 9293, section 3.10.5)",
			"a TCP still in TIME_WAIT acknowledges a FIN that comes again (section 3.10.7.4)",
			"this reset answers the client's FIN of frame 28, which passed 0.070 ms earlier, as a TCP answers a segment for a connection it does not have (section 3.10.7.1)",
			"<SEQ=SEG.ACK><CTL=RST>",
			c.numbers,
		} {
			if !strings.Contains(text, want) {
				t.Errorf("absolute %v: the explanation does not say %q:\n%s", c.abs, want, text)
			}
		}
		for _, bad := range []string{"ABORT / snd RST", "aborted the connection", "SND.NXT"} {
			if strings.Contains(text, bad) {
				t.Errorf("absolute %v: the explanation says %q, an abort's words:\n%s", c.abs, bad, text)
			}
		}
	}
}

// An application's abort keeps its name and is explained by its own rule:
// the client of reset-abort closes with unread data from ESTABLISHED.
func TestAbortKeepsItsRule(t *testing.T) {
	tl, si := sampleSeg(t, "reset-abort", 14)
	cm, _ := model.StepTransitions(tl, si)
	if got := labelsOf(cm); len(got) != 1 || got[0] != "ESTABLISHED → CLOSED ABORT / snd RST" || cm[0].AnswersSegment() {
		t.Errorf("client's move %q, want ESTABLISHED → CLOSED ABORT / snd RST", got)
	}
	text := strings.Join(model.Explain(tl, si, false), "\n")
	for _, want := range []string{
		"An abort takes the next sequence number the client would have sent, <SEQ=SND.NXT> (RFC 9293, section 3.10.5), where the client's frame 4 ended.",
		`RFC 793's "ABORT / snd RST" (it aborted the connection)`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the explanation does not say %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "SEGMENT ARRIVES") || strings.Contains(text, "<SEQ=SEG.ACK>") {
		t.Errorf("an abort explained as an answer:\n%s", text)
	}
}
