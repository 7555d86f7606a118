package decode

import (
	"runtime"
	"slices"
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
// same generator) twice, with the recognition off and on, so that both
// figures come from one run under the same load. Run:
//
//	go test -run=^$ -bench=LoadSniff -benchtime=5x ./decode
//
// It reports the median ns/frame of each, by the wall clock and by the
// process's CPU time, and the recognition's cost in percent; the issue
// allows it 20% of the index's time.
func BenchmarkLoadSniff(b *testing.B) {
	const frames, conns = 1_000_000, 25_000
	data := synth.Capture(frames, conns)
	defer func(was bool) { sniffApp = was }(sniffApp)
	// load indexes the capture once and returns the wall and CPU time it
	// took.
	load := func(on bool) (wall, cpu time.Duration) {
		sniffApp = on
		c0, start := cpuTime(), time.Now()
		in, err := OpenBytes("bench.pcap", data)
		if err != nil {
			b.Fatal(err)
		}
		tl, err := in.Load(nil)
		if err != nil {
			b.Fatal(err)
		}
		wall, cpu = time.Since(start), cpuTime()-c0
		if len(tl.Conversations) != conns {
			b.Fatalf("got %d conversations, want %d", len(tl.Conversations), conns)
		}
		if on != (tl.Conversations[0].App.Proto != "") {
			b.Fatalf("recognition %v, conversation 0 hinted %q", on, tl.Conversations[0].App.Proto)
		}
		return wall, cpu
	}
	// Each load starts after a collection, so that one's garbage does not
	// land on the other, and the order alternates; the figures are the
	// medians, which a neighbour's burst on a shared machine moves least.
	var times [2][2][]time.Duration // [on][wall, cpu]
	i := 0
	for b.Loop() {
		for _, on := range []bool{i%2 == 0, i%2 != 0} {
			runtime.GC()
			w, c := load(on)
			k := 0
			if on {
				k = 1
			}
			times[k][0] = append(times[k][0], w)
			times[k][1] = append(times[k][1], c)
		}
		i++
	}
	median := func(ds []time.Duration) float64 {
		slices.Sort(ds)
		return float64(ds[len(ds)/2].Nanoseconds()) / frames
	}
	for j, what := range []string{"wall", "cpu"} {
		off, on := median(times[0][j]), median(times[1][j])
		if off == 0 {
			continue // no CPU clock here
		}
		b.ReportMetric(off, "ns/frame-"+what+"-off")
		b.ReportMetric(on, "ns/frame-"+what+"-on")
		b.ReportMetric(100*(on/off-1), "%cost-"+what)
	}
}
