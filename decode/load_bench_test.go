package decode

import (
	"testing"

	"github.com/tcpstep/tcpstep/internal/synth"
)

// BenchmarkLoad measures the whole indexing pipeline (read, extract, build
// the timeline) on a generated capture of 200,000 frames in 2,000
// conversations. Run: go test -run=^$ -bench=Load -benchmem ./decode
func BenchmarkLoad(b *testing.B) {
	const frames = 200_000
	data := synth.Capture(frames, 2000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		in, err := OpenBytes("synth.pcap", data)
		if err != nil {
			b.Fatal(err)
		}
		tl, err := in.Load(nil)
		if err != nil {
			b.Fatal(err)
		}
		if len(tl.Segments) != frames {
			b.Fatalf("got %d segments, want %d", len(tl.Segments), frames)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*frames), "ns/frame")
}
