package decode

import (
	"runtime"
	"testing"
	"unsafe"

	"github.com/tcpstep/tcpstep/internal/synth"
	"github.com/tcpstep/tcpstep/model"
)

// BenchmarkLoad measures the whole indexing pipeline (read, extract, build
// the timeline) on a generated capture of 200,000 frames in 2,000
// conversations. Run: go test -run=^$ -bench=Load -benchmem ./decode
//
// Besides time it reports B/packet: the heap the finished timeline holds,
// per packet (after a collection, so garbage does not count). The room Load
// reserves beyond the last frame and segment is left out: its pages are
// never written, so it costs address space, not memory. scripts/bench.sh
// measures the whole process's peak instead.
func BenchmarkLoad(b *testing.B) {
	const frames = 200_000
	data := synth.Capture(frames, 2000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	var tl *model.Timeline
	for b.Loop() {
		tl = nil
		in, err := OpenBytes("synth.pcap", data)
		if err != nil {
			b.Fatal(err)
		}
		tl, err = in.Load(nil)
		if err != nil {
			b.Fatal(err)
		}
		if len(tl.Segments) != frames {
			b.Fatalf("got %d segments, want %d", len(tl.Segments), frames)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*frames), "ns/frame")
	runtime.GC()
	runtime.ReadMemStats(&after)
	spare := (cap(tl.Frames)-len(tl.Frames))*int(unsafe.Sizeof(model.Frame{})) +
		(cap(tl.Segments)-len(tl.Segments))*int(unsafe.Sizeof(model.Segment{}))
	held := int64(after.HeapAlloc) - int64(before.HeapAlloc) - int64(spare)
	b.ReportMetric(float64(held)/frames, "B/packet")
	runtime.KeepAlive(tl)
	runtime.KeepAlive(data) // it was there before too
}
