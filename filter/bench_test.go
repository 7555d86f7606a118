package filter

import (
	"sync"
	"testing"

	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/internal/synth"
	"github.com/tcpstep/tcpstep/model"
)

// The capture of scripts/bench.sh: a million frames in 25,000
// conversations, decoded once for all the benchmarks.
const benchFrames, benchConns = 1_000_000, 25_000

var bench struct {
	once sync.Once
	in   *decode.Input
	tl   *model.Timeline
	err  error
}

func benchTimeline(b *testing.B) (*decode.Input, *model.Timeline) {
	b.Helper()
	bench.once.Do(func() {
		bench.in, bench.err = decode.OpenBytes("bench.pcap", synth.Capture(benchFrames, benchConns))
		if bench.err == nil {
			bench.tl, bench.err = bench.in.Load(nil)
		}
	})
	if bench.err != nil {
		b.Fatal(bench.err)
	}
	return bench.in, bench.tl
}

// BenchmarkFrames runs Frames over the whole million-frame timeline, once an
// iteration, and reports the time per frame and the segments filtered a
// second. Run: go test -run=^$ -bench=Frames ./filter
func BenchmarkFrames(b *testing.B) {
	for _, c := range []struct{ name, expr string }{
		{"port", "tcp.port == 80 && tcp.flags.syn == 1"},
		{"mixed", "ip.addr == 10.0.0.0/8 && tcp.len > 50 && !tcp.analysis.retransmission || tcp.flags & 0x12 == 0x12"},
		{"sets", "tcp.port in {25, 443, 8000..8080} || tcpstep.server_state == SYN_RECEIVED || tcp.window_size < 1000 || frame.time_relative > 9.5"},
		{"payload", `tcp.len > 0 && tcp.payload contains "nothing"`},
	} {
		b.Run(c.name, func(b *testing.B) {
			in, tl := benchTimeline(b)
			f, err := Compile(c.expr)
			if err != nil {
				b.Fatal(err)
			}
			src := inputSource(in, tl)
			b.ResetTimer()
			for b.Loop() {
				if _, err := f.Frames(tl, src); err != nil {
					b.Fatal(err)
				}
			}
			per := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			b.ReportMetric(per/float64(len(tl.Frames)), "ns/frame")
			b.ReportMetric(float64(len(tl.Segments))/(per/1e9), "segments/s")
		})
	}
}
