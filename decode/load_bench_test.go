package decode

import (
	"runtime"
	"testing"
	"time"
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

// BenchmarkLoadSniff measures what index-time recognition of the
// application protocol (sniff.go) costs: each iteration indexes
// scripts/bench.sh's capture (1,000,000 frames in 25,000 conversations, the
// same generator) twice, with the recognition off then on, so that both
// figures come from one run under the same load. Run:
//
//	go test -run=^$ -bench=LoadSniff -benchtime=5x ./decode
//
// It reports ns/frame for each and the recognition's cost in percent; the
// issue allows it 20% of the index's time.
func BenchmarkLoadSniff(b *testing.B) {
	const frames, conns = 1_000_000, 25_000
	data := synth.Capture(frames, conns)
	defer func(was bool) { sniffApp = was }(sniffApp)
	load := func(on bool) time.Duration {
		sniffApp = on
		start := time.Now()
		in, err := OpenBytes("bench.pcap", data)
		if err != nil {
			b.Fatal(err)
		}
		tl, err := in.Load(nil)
		if err != nil {
			b.Fatal(err)
		}
		took := time.Since(start)
		if len(tl.Conversations) != conns {
			b.Fatalf("got %d conversations, want %d", len(tl.Conversations), conns)
		}
		if on != (tl.Conversations[0].App.Proto != "") {
			b.Fatalf("recognition %v, conversation 0 hinted %q", on, tl.Conversations[0].App.Proto)
		}
		return took
	}
	var off, on time.Duration
	for b.Loop() {
		off += load(false)
		on += load(true)
	}
	n := float64(b.N * frames)
	b.ReportMetric(float64(off.Nanoseconds())/n, "ns/frame-off")
	b.ReportMetric(float64(on.Nanoseconds())/n, "ns/frame-on")
	b.ReportMetric(100*(float64(on)/float64(off)-1), "%cost")
}
