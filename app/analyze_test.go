package app_test

import (
	"testing"

	"github.com/tcpstep/tcpstep/app"
	"github.com/tcpstep/tcpstep/internal/testsample"
	"github.com/tcpstep/tcpstep/samples"
)

// TestFigure10ReadsAsSMTP: the paper's session is SMTP, and every command
// and reply of it is named on the segment that carries it.
func TestFigure10ReadsAsSMTP(t *testing.T) {
	in, tl := testsample.Open(t, samples.Default)
	c := tl.Conversations[0]
	conv, err := app.Analyze(tl, c, func(seg int) ([]byte, error) { return in.Payload(tl, seg) })
	if err != nil {
		t.Fatal(err)
	}
	if conv.Proto != app.SMTP {
		t.Fatalf("proto = %v, want SMTP", conv.Proto)
	}
	for _, si := range c.Segs {
		s := &tl.Segments[si]
		if a := conv.Seg(int(si)); a != nil {
			t.Logf("frame %d %v len %d: %s %q", s.Frame, s.Dir, s.Len, a.Column, a.Summary())
		}
	}
}
