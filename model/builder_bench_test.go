package model

import (
	"math/rand/v2"
	"net/netip"
	"runtime"
	"testing"
)

// synthPackets generates n packets over about convs conversations, their
// segments interleaved as on a busy link: each conversation does a handshake,
// a transfer with acknowledgements (and now and then a retransmission), and a
// close; several conversations run at once.
func synthPackets(n, convs int) []Packet {
	rng := rand.New(rand.NewPCG(1, 2))
	type conv struct {
		c, s       Endpoint
		cseq, sseq uint32
		step       int
	}
	perConv := n / convs
	active := make([]*conv, 0, 64)
	out := make([]Packet, 0, n)
	now := int64(1_700_000_000_000_000_000)
	started := 0
	for len(out) < n {
		for len(active) < 64 && started < convs {
			i := started
			started++
			active = append(active, &conv{
				c:    Endpoint{netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), uint16(1024 + i%60000)},
				s:    Endpoint{netip.AddrFrom4([4]byte{192, 168, byte(i % 7), 1}), 443},
				cseq: rng.Uint32(), sseq: rng.Uint32(),
			})
		}
		if len(active) == 0 {
			break
		}
		k := rng.IntN(len(active))
		c := active[k]
		now += int64(rng.IntN(200_000))
		p := Packet{TimeNS: now, Win: 65535, WinScale: -1}
		switch st := c.step; {
		case st == 0:
			p.Src, p.Dst, p.Flags, p.Seq, p.WinScale = c.c, c.s, SYN, c.cseq, 7
			c.cseq++
		case st == 1:
			p.Src, p.Dst, p.Flags, p.Seq, p.Ack, p.WinScale = c.s, c.c, SYN|ACK, c.sseq, c.cseq, 7
			c.sseq++
		case st < perConv-4 && st%2 == 0:
			p.Src, p.Dst, p.Flags, p.Seq, p.Ack, p.Len = c.s, c.c, PSH|ACK, c.sseq, c.cseq, 1448
			if rng.IntN(50) == 0 {
				p.Seq -= 1448 // now and then the same data again
			} else {
				c.sseq += 1448
			}
		case st < perConv-4:
			p.Src, p.Dst, p.Flags, p.Seq, p.Ack = c.c, c.s, ACK, c.cseq, c.sseq
		case st == perConv-4:
			p.Src, p.Dst, p.Flags, p.Seq, p.Ack = c.c, c.s, FIN|ACK, c.cseq, c.sseq
			c.cseq++
		case st == perConv-3:
			p.Src, p.Dst, p.Flags, p.Seq, p.Ack = c.s, c.c, ACK, c.sseq, c.cseq
		case st == perConv-2:
			p.Src, p.Dst, p.Flags, p.Seq, p.Ack = c.s, c.c, FIN|ACK, c.sseq, c.cseq
			c.sseq++
		default:
			p.Src, p.Dst, p.Flags, p.Seq, p.Ack = c.c, c.s, ACK, c.cseq, c.sseq
			active[k] = active[len(active)-1]
			active = active[:len(active)-1]
		}
		c.step++
		out = append(out, p)
	}
	return out
}

// BenchmarkBuilder indexes 200,000 packets over 5,000 conversations; it
// reports the cost per packet in time and in bytes allocated.
func BenchmarkBuilder(b *testing.B) { benchBuilder(b, false, false) }

// BenchmarkBuilderGrow is the same with Grow told the number of frames.
func BenchmarkBuilderGrow(b *testing.B) { benchBuilder(b, true, false) }

// BenchmarkBuilderLoad is the same with Grow and DeferSegs, as Input.Load
// has it.
func BenchmarkBuilderLoad(b *testing.B) { benchBuilder(b, true, true) }

func benchBuilder(b *testing.B, grow, deferSegs bool) {
	pkts := synthPackets(200_000, 5_000)
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	var tl *Timeline
	for b.Loop() {
		bl := NewBuilder()
		if grow {
			bl.Grow(len(pkts))
		}
		if deferSegs {
			bl.DeferSegs()
		}
		for i := range pkts {
			bl.AddPacket(Frame{Offset: int64(i) * 1500, TimeNS: pkts[i].TimeNS, CapLen: 1500, OrigLen: 1500, LinkType: 1}, &pkts[i])
		}
		tl = bl.Finish()
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	if len(tl.Conversations) != 5_000 {
		b.Fatalf("%d conversations, want 5000", len(tl.Conversations))
	}
	per := float64(b.N) * float64(len(pkts))
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/per, "ns/packet")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/per, "B/packet")
}
