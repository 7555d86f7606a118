package model

import (
	"encoding/binary"
	"net/netip"
	"reflect"
	"slices"
	"testing"
)

// fuzzEndpoints are the few endpoints fuzz input picks from, so that
// conversations repeat, reverse and reuse ports.
var fuzzEndpoints = []Endpoint{
	{netip.MustParseAddr("10.0.0.1"), 1000},
	{netip.MustParseAddr("10.0.0.1"), 2000},
	{netip.MustParseAddr("10.0.0.2"), 80},
	{netip.MustParseAddr("10.0.0.2"), 1000},
	{netip.MustParseAddr("2001:db8::1"), 80},
	{netip.MustParseAddr("::ffff:10.0.0.1"), 1000},
}

// fuzzOp is one Add call decoded from 16 bytes of fuzz input.
type fuzzOp struct {
	kind     byte
	src, dst Endpoint
	p        Packet
}

// decodeOps turns fuzz bytes into Add calls. Sequence and ACK numbers are
// either small steps from the previous ones (so that the analysis sees
// plausible conversations) or raw values (anything at all).
func decodeOps(data []byte) []fuzzOp {
	var ops []fuzzOp
	seq, ack := uint32(0xFFFFFF00), uint32(1000)
	now := int64(1_600_000_000_000_000_000)
	for len(data) >= 16 {
		d := data[:16]
		data = data[16:]
		op := fuzzOp{kind: d[0] % 8}
		op.src = fuzzEndpoints[int(d[1])%len(fuzzEndpoints)]
		op.dst = fuzzEndpoints[int(d[1]/8)%len(fuzzEndpoints)]
		flags := Flags(binary.BigEndian.Uint16(d[2:4])) & 0x1FF
		if d[4]&0x80 != 0 {
			seq = binary.BigEndian.Uint32(d[4:8])
			ack = binary.BigEndian.Uint32(d[8:12])
		} else {
			seq += uint32(d[5]) - 64
			ack += uint32(d[6]) * uint32(d[7]&3)
		}
		now += int64(d[12]) * int64(d[13]) * 10_000
		if d[12] == 255 {
			now -= 1_000_000_000 // time going backwards happens in captures
		}
		ws := int8(-1)
		if d[14]&0x10 != 0 {
			ws = int8(d[14] & 0x0F)
		}
		op.p = Packet{
			TimeNS: now, Src: op.src, Dst: op.dst, Seq: seq, Ack: ack, Flags: flags,
			Win: uint16(d[15]) * uint16(d[14]&0xE0), Len: uint32(d[15] % 40),
			WinScale: ws, Short: d[13] == 0xFF,
		}
		if op.p.Short {
			op.p.Len = 0
		}
		ops = append(ops, op)
	}
	return ops
}

// runOps feeds the ops to a builder and checks the timeline's invariants.
func runOps(t *testing.T, ops []fuzzOp) {
	tl, segPkts, framePkts := buildOps(t, ops, false)
	checkTimeline(t, tl, len(ops), segPkts, framePkts)
	// A builder that fills in the conversations' Segs only at Finish (as
	// Input.Load has it do) must build the same timeline.
	if deferred, _, _ := buildOps(t, ops, true); !reflect.DeepEqual(deferred, tl) {
		t.Fatalf("DeferSegs built a different timeline")
	}
}

func buildOps(t *testing.T, ops []fuzzOp, deferSegs bool) (*Timeline, []Packet, []*Packet) {
	b := NewBuilder()
	if deferSegs {
		b.DeferSegs()
	}
	var segPkts []Packet     // the packet of each segment, in order
	framePkts := []*Packet{} // the packet of each TCP or bogus frame, else nil
	var lastFrag []uint32
	for i, op := range ops {
		fr := Frame{Offset: int64(i), TimeNS: op.p.TimeNS, CapLen: 60, OrigLen: 60}
		n := uint32(i + 1)
		framePkts = append(framePkts, nil)
		switch op.kind {
		case 0, 1, 2, 3:
			s := b.AddPacket(fr, &op.p)
			segPkts = append(segPkts, op.p)
			framePkts[i] = &op.p
			if s.Frame != n {
				t.Fatalf("op %d: segment frame %d", i, s.Frame)
			}
		case 4:
			fr.Kind = FrameUndecodable
			b.AddFrame(fr, "bad")
		case 5:
			b.AddFragment(fr, Fragment{ID: uint16(op.p.Seq), MF: true}, "frag")
			lastFrag = append(lastFrag, n)
		case 6:
			e := ICMPError{QuotedSrc: op.src, QuotedDst: op.dst, QuotedSeq: op.p.Seq,
				QuotedFlags: op.p.Flags, QuotedTCPLen: uint8(op.p.Len % 24)}
			if b.AddICMP(fr, e, "icmp") && e.QuotedTCPLen >= 16 {
				framePkts[i] = &op.p // it may open a stream, like a segment
			}
		case 7:
			if op.p.Flags&FIN != 0 {
				b.AddBogusTCP(fr, &op.p, "bogus header")
				framePkts[i] = &op.p
				continue
			}
			s := b.AddPacket(fr, &op.p)
			segPkts = append(segPkts, op.p)
			framePkts[i] = &op.p
			// Link with garbage too: unknown frames, non-fragments, itself.
			b.LinkFragments(append(lastFrag, n, 0, n+5, 1), s.Frame)
			lastFrag = nil
		}
	}
	return b.Finish(), segPkts, framePkts
}

func checkTimeline(t *testing.T, tl *Timeline, frames int, pkts []Packet, framePkts []*Packet) {
	t.Helper()
	if len(tl.Frames) != frames {
		t.Fatalf("%d frames for %d Add calls", len(tl.Frames), frames)
	}
	if len(tl.Segments) != len(pkts) {
		t.Fatalf("%d segments for %d packets", len(tl.Segments), len(pkts))
	}
	if len(tl.Notes) == 0 || tl.Notes[0] != "" {
		t.Fatalf("Notes[0] must be empty")
	}
	seen := make([]bool, len(tl.Segments))
	for ci, c := range tl.Conversations {
		if c.Index != ci {
			t.Fatalf("conversation %d has index %d", ci, c.Index)
		}
		if !slices.IsSorted(c.Segs) || !slices.IsSorted(c.Extra) {
			t.Fatalf("conversation %d: Segs/Extra not in capture order", ci)
		}
		sum := 0
		for _, si := range c.Segs {
			if int(si) >= len(tl.Segments) || seen[si] {
				t.Fatalf("conversation %d: bad or repeated segment index %d", ci, si)
			}
			seen[si] = true
			s := &tl.Segments[si]
			if tl.SegStream(s) != ci {
				t.Fatalf("segment %d in conversation %d says stream %d", si, ci, tl.SegStream(s))
			}
			p := pkts[si]
			if (s.Dir == C2S) != (p.Src == c.Client && p.Dst == c.Server) && !(c.Client == c.Server) {
				t.Fatalf("segment %d: dir %v but %v→%v in %v↔%v", si, s.Dir, p.Src, p.Dst, c.Client, c.Server)
			}
			if keyOf(p.Src, p.Dst) != keyOf(c.Client, c.Server) {
				t.Fatalf("segment %d filed in the wrong conversation", si)
			}
			if s.Client() >= NumStates || s.Server() >= NumStates {
				t.Fatalf("segment %d: invalid states", si)
			}
			if s.Seq != p.Seq || s.Ack != p.Ack || s.Len != p.Len || s.Flags != p.Flags {
				t.Fatalf("segment %d: fields differ from its packet", si)
			}
			if p.Short && (s.RelSeq != p.Seq || s.Events != 0) {
				t.Fatalf("segment %d: short segment analysed", si)
			}
			sum++
		}
		if c.Packets[0]+c.Packets[1] != sum {
			t.Fatalf("conversation %d: packet counts %v for %d segments", ci, c.Packets, sum)
		}
		for _, fn := range c.Extra {
			if fn < 1 || int(fn) > len(tl.Frames) || tl.Frames[fn-1].Stream != int32(ci) || tl.Frames[fn-1].Kind == FrameTCP {
				t.Fatalf("conversation %d: bad extra frame %d", ci, fn)
			}
		}
	}
	for si, ok := range seen {
		if !ok {
			t.Fatalf("segment %d in no conversation", si)
		}
	}
	// A new stream starts only at a pair not seen before or at a pure SYN
	// (flagged reused_ports on a segment when the pair was seen), in order.
	pairs := map[convKey]bool{}
	next := int32(0)
	for i, f := range tl.Frames {
		p := framePkts[i]
		if p == nil {
			continue
		}
		if f.Stream < 0 || f.Stream > next {
			if f.Kind == FrameICMP && f.Stream >= 0 && f.Stream < next {
				continue
			}
			t.Fatalf("frame %d: stream %d, next new one is %d", i+1, f.Stream, next)
		}
		k := keyOf(p.Src, p.Dst)
		if f.Stream == next {
			next++
			if pairs[k] && p.Flags&(SYN|ACK) != SYN {
				t.Fatalf("frame %d opens stream %d without a new SYN", i+1, f.Stream)
			}
			if pairs[k] && f.Kind == FrameTCP && !p.Short && !tl.Segments[tl.SegOf(uint32(i+1))].Events.Has(ReusedPorts) {
				t.Fatalf("frame %d reuses a pair without reused_ports", i+1)
			}
		}
		pairs[k] = true
	}
	if int(next) != len(tl.Conversations) {
		t.Fatalf("%d conversations, %d opened", len(tl.Conversations), next)
	}
	for i, fn := range tl.FrameNotes {
		if fn.Note == 0 || int(fn.Note) >= len(tl.Notes) || fn.Frame == 0 || int(fn.Frame) > len(tl.Frames) {
			t.Fatalf("frame note %+v out of range", fn)
		}
		if i > 0 && tl.FrameNotes[i-1].Frame >= fn.Frame {
			t.Fatalf("frame notes out of order at %+v", fn)
		}
	}
	for i, f := range tl.Frames {
		si := tl.SegOf(uint32(i + 1))
		switch f.Kind {
		case FrameTCP:
			if si < 0 || tl.Segments[si].Frame != uint32(i+1) {
				t.Fatalf("frame %d: bad segment link", i+1)
			}
		default:
			if si != -1 {
				t.Fatalf("frame %d (%v) has a segment", i+1, f.Kind)
			}
		}
		if f.Stream >= int32(len(tl.Conversations)) {
			t.Fatalf("frame %d: stream out of range", i+1)
		}
	}
	for _, e := range tl.ICMP {
		if e.Frame < 1 || int(e.Frame) > len(tl.Frames) || tl.Frames[e.Frame-1].Kind != FrameICMP || e.Stream >= len(tl.Conversations) {
			t.Fatalf("bad ICMP record %+v", e)
		}
	}
	if !slices.IsSortedFunc(tl.Fragments, func(a, b Fragment) int { return int(a.Frame) - int(b.Frame) }) {
		t.Fatalf("fragments not in frame order")
	}
}

func FuzzBuilder(f *testing.F) {
	// Seeds: a handshake with data and close, a reuse, garbage.
	seed := func(ops ...[16]byte) []byte {
		var out []byte
		for _, o := range ops {
			out = append(out, o[:]...)
		}
		return out
	}
	f.Add(seed(
		[16]byte{0, 2 * 8, 0, byte(SYN), 0, 64, 0, 0, 0, 0, 0, 0, 1, 1, 0x10, 10},
		[16]byte{0, 2, 0, byte(SYN | ACK), 0x80, 0, 0, 5, 0, 0, 0, 1, 1, 1, 0x11, 10},
		[16]byte{0, 2 * 8, 0, byte(ACK), 0, 65, 1, 1, 0, 0, 0, 0, 1, 1, 0x20, 10},
		[16]byte{5, 2 * 8, 0, byte(ACK), 0, 64, 0, 0, 0, 0, 0, 0, 1, 1, 0x20, 10},
		[16]byte{7, 2 * 8, 0, byte(ACK | PSH), 0, 64, 0, 0, 0, 0, 0, 0, 1, 1, 0x20, 30},
		[16]byte{6, 2, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 1, 1, 0x20, 10},
		[16]byte{0, 2 * 8, 0, byte(FIN | ACK), 0, 64, 0, 0, 0, 0, 0, 0, 1, 1, 0x20, 0},
		[16]byte{0, 2 * 8, 0, byte(SYN), 0x80, 1, 2, 3, 4, 5, 6, 7, 255, 255, 0x1F, 0},
	))
	f.Add([]byte("0123456789abcdef0123456789abcdef0123456789abcdef"))
	f.Fuzz(func(t *testing.T, data []byte) {
		runOps(t, decodeOps(data))
	})
}
