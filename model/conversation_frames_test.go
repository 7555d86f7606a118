package model_test

import (
	"slices"
	"testing"

	"github.com/tcpstep/tcpstep/internal/testsample"
)

// TestConvFrames lists a conversation's frames: its segments and its extra
// frames (fragments, ICMP errors) merged in capture order, and every frame
// whose record names the stream.
func TestConvFrames(t *testing.T) {
	for _, name := range []string{"ip-fragments", "icmp-frag-needed", "icmp-time-exceeded", "smtp-figure10"} {
		tl := testsample.Timeline(t, name)
		for st, c := range tl.Conversations {
			got := tl.ConvFrames(c)
			var want []uint32
			for i := range tl.Frames {
				if int(tl.Frames[i].Stream) == st {
					want = append(want, uint32(i+1))
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s stream %d: %v, the frames of the stream are %v", name, st, got, want)
			}
			if len(got) != len(c.Segs)+len(c.Extra) {
				t.Errorf("%s stream %d: %d frames for %d segments and %d extra", name, st, len(got), len(c.Segs), len(c.Extra))
			}
		}
	}
}
