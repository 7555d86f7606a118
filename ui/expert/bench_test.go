package expert

import (
	"testing"

	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/internal/synth"
	"github.com/tcpstep/tcpstep/model"
)

// synthTimeline decodes synth's capture of n frames over conns
// conversations: the stepper's benchmarks' big captures.
func synthTimeline(b *testing.B, n, conns int) *model.Timeline {
	b.Helper()
	in, err := decode.OpenBytes("synth.pcap", synth.Capture(n, conns))
	if err != nil {
		b.Fatal(err)
	}
	tl, err := in.Load(nil)
	if err != nil {
		b.Fatal(err)
	}
	return tl
}

// BenchmarkExpertAnalysis is the analysis the view needs, model.Expert of
// the whole capture, on a million segments in one conversation and on
// 25,000 conversations. It walks every segment: 50 to 150 ms for the
// million on the (shared, two-core) machine this was written on, far too
// long for Update, which is why the view is a pane.Loader and runs it in a
// tea.Cmd.
//
//	go test ./ui/expert -run '^$' -bench Analysis -benchmem
func BenchmarkExpertAnalysis(b *testing.B) {
	for _, c := range []struct {
		name     string
		n, conns int
	}{{"1M-segments", 1_000_000, 1}, {"25k-conversations", 100_000, 25_000}} {
		tl := synthTimeline(b, c.n, c.conns)
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				model.Expert(tl, -1)
			}
		})
	}
}

// BenchmarkExpertDraw is what the view does on the UI goroutine once the
// analysis is in: lay it out for a conversation and draw a screenful, the
// 25,000 SYNs open. It must not grow with the capture.
func BenchmarkExpertDraw(b *testing.B) {
	tl := synthTimeline(b, 100_000, 25_000)
	info := model.Expert(tl, -1)
	st := NewStyles(true)
	b.Run("summarise", func(b *testing.B) {
		for b.Loop() {
			Summarise(&info, 12_345, false)
		}
	})
	s := Summarise(&info, 12_345, false)
	v := State{Open: Open{model.ExpertSYN: true}, Cur: 12_000, Top: 11_990}
	b.Run("render", func(b *testing.B) {
		for b.Loop() {
			Render(st, tl, &s, &v, 120, 40)
		}
	})
}
