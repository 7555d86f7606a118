package model

import (
	"net/netip"
	"slices"
	"testing"
)

// Hand-built segment sequences, one per rule. The expected values come from
// TCP arithmetic (a SYN and a FIN each consume one sequence number, numbers
// wrap at 2^32) and from tshark's documented rules.

var (
	cli  = Endpoint{netip.MustParseAddr("10.0.0.1"), 40000}
	srv  = Endpoint{netip.MustParseAddr("10.0.0.2"), 80}
	cli6 = Endpoint{netip.MustParseAddr("2001:db8::1"), 40000}
	srv6 = Endpoint{netip.MustParseAddr("2001:db8::2"), 80}
)

const t0 = int64(1_700_000_000_000_000_000)

// seg describes one segment for the test builder.
type seg struct {
	c2s      bool
	flags    Flags
	seq, ack uint32
	len      uint32
	win      uint16
	atMS     float64 // milliseconds after t0
	ws       int8    // window scale option, -1 none
}

// tb wraps a Builder with a pair of endpoints.
type tb struct {
	*Builder
	a, b Endpoint
}

func newTB() *tb { return &tb{Builder: NewBuilder(), a: cli, b: srv} }

func (t *tb) add(s seg) Segment {
	p := Packet{Seq: s.seq, Ack: s.ack, Flags: s.flags, Len: s.len, Win: s.win, WinScale: s.ws}
	p.Src, p.Dst = t.b, t.a
	if s.c2s {
		p.Src, p.Dst = t.a, t.b
	}
	p.TimeNS = t0 + int64(s.atMS*1e6)
	return *t.AddPacket(Frame{TimeNS: p.TimeNS}, &p)
}

// C and S build client and server segments with a window of 1000.
func C(flags Flags, seq, ack, n uint32, ms float64) seg {
	return seg{c2s: true, flags: flags, seq: seq, ack: ack, len: n, win: 1000, atMS: ms, ws: -1}
}
func S(flags Flags, seq, ack, n uint32, ms float64) seg {
	return seg{c2s: false, flags: flags, seq: seq, ack: ack, len: n, win: 1000, atMS: ms, ws: -1}
}

func (s seg) w(win uint16) seg  { s.win = win; return s }
func (s seg) scale(ws int8) seg { s.ws = ws; return s }

// handshake adds SYN (ISN 1000), SYN/ACK (ISN 5000) and ACK.
func (t *tb) handshake() {
	t.add(C(SYN, 1000, 0, 0, 0))
	t.add(S(SYN|ACK, 5000, 1001, 0, 1))
	t.add(C(ACK, 1001, 5001, 0, 2))
}

func wantEvents(t *testing.T, got Segment, want ...Event) {
	t.Helper()
	var w Events
	for _, e := range want {
		w = w.Add(e)
	}
	if got.Events != w {
		t.Errorf("frame %d: events %v, want %v", got.Frame, got.Events.Names(), w.Names())
	}
}

func TestRelativeNumbersHandshakeAndClose(t *testing.T) {
	b := newTB()
	syn := b.add(C(SYN, 1000, 0, 0, 0))
	synack := b.add(S(SYN|ACK, 5000, 1001, 0, 1))
	ack := b.add(C(ACK, 1001, 5001, 0, 2))
	data := b.add(C(PSH|ACK, 1001, 5001, 10, 3))
	fin := b.add(C(FIN|ACK, 1011, 5001, 0, 4))
	last := b.add(S(FIN|ACK, 5001, 1012, 0, 5))
	final := b.add(C(ACK, 1012, 5002, 0, 6))
	cases := []struct {
		s          Segment
		rseq, rack uint32
	}{
		{syn, 0, 0}, // ACK clear: RelAck is the raw value, as tshark shows it
		{synack, 0, 1},
		{ack, 1, 1},
		{data, 1, 1},
		{fin, 11, 1},
		{last, 1, 12}, // the FIN consumed sequence number 11
		{final, 12, 2},
	}
	for _, c := range cases {
		if c.s.RelSeq != c.rseq || c.s.RelAck != c.rack {
			t.Errorf("frame %d: rseq/rack %d/%d, want %d/%d", c.s.Frame, c.s.RelSeq, c.s.RelAck, c.rseq, c.rack)
		}
		wantEvents(t, c.s)
	}
	tl := b.Finish()
	if len(tl.Conversations) != 1 {
		t.Fatalf("%d conversations, want 1", len(tl.Conversations))
	}
	c := tl.Conversations[0]
	if c.Client != cli || c.Server != srv {
		t.Errorf("client/server %v/%v", c.Client, c.Server)
	}
	if c.Base != [2]uint32{1000, 5000} || c.BaseFromSYN != [2]bool{true, true} {
		t.Errorf("bases %v from SYN %v", c.Base, c.BaseFromSYN)
	}
	if c.Packets != [2]int{5, 2} || c.Bytes != [2]uint64{10, 0} {
		t.Errorf("packets %v bytes %v", c.Packets, c.Bytes)
	}
	if c.Assumed || c.InitClient != Closed || c.InitServer != Listen {
		t.Errorf("initial %v/%v assumed %v", c.InitClient, c.InitServer, c.Assumed)
	}
	if got := tl.Segments[len(tl.Segments)-1]; got.Client() != TimeWait || got.Server() != Closed {
		t.Errorf("final states %v/%v, want TIME_WAIT/CLOSED", got.Client(), got.Server())
	}
	if !slices.Equal(c.Segs, []uint32{0, 1, 2, 3, 4, 5, 6}) {
		t.Errorf("segs %v", c.Segs)
	}
	if tl.SegTime(&tl.Segments[3]) != 3_000_000 || tl.StartNS != t0 {
		t.Errorf("times: %d, start %d", tl.SegTime(&tl.Segments[3]), tl.StartNS)
	}
}

func TestMidConnectionStartsAtOne(t *testing.T) {
	b := newTB()
	first := b.add(C(PSH|ACK, 7000, 9000, 100, 0))
	reply := b.add(S(ACK, 9000, 7100, 0, 1))
	more := b.add(S(PSH|ACK, 9000, 7100, 50, 2))
	if first.RelSeq != 1 || first.RelAck != 1 {
		t.Errorf("first: %d/%d, want 1/1 (base = seq-1; peer base = ack-1)", first.RelSeq, first.RelAck)
	}
	if reply.RelSeq != 1 || reply.RelAck != 101 {
		t.Errorf("reply: %d/%d, want 1/101", reply.RelSeq, reply.RelAck)
	}
	if more.RelSeq != 1 {
		t.Errorf("more: rseq %d", more.RelSeq)
	}
	tl := b.Finish()
	c := tl.Conversations[0]
	if c.Base != [2]uint32{6999, 8999} || c.BaseFromSYN != [2]bool{} {
		t.Errorf("bases %v %v", c.Base, c.BaseFromSYN)
	}
	if !c.Assumed || c.InitClient != Established || c.InitServer != Established {
		t.Errorf("mid-connection start: initial %v/%v assumed %v", c.InitClient, c.InitServer, c.Assumed)
	}
}

func TestSequenceWraparound(t *testing.T) {
	b := newTB()
	isn := uint32(0xFFFFFFF0) // a variable, so that isn+33 wraps
	b.add(C(SYN, isn, 0, 0, 0))
	b.add(S(SYN|ACK, 5000, isn+1, 0, 1))
	b.add(C(ACK, isn+1, 5001, 0, 2))
	d1 := b.add(C(ACK, isn+1, 5001, 32, 3))     // crosses 2^32
	d2 := b.add(C(ACK, isn+33, 5001, 32, 4))    // isn+33 wrapped to 0x11
	ack := b.add(S(ACK, 5001, isn+65, 0, 5))    // acknowledges both
	retr := b.add(C(ACK, isn+33, 5001, 32, 50)) // an old segment again
	if d2.Seq != 0x11 {
		t.Fatalf("test setup: seq %#x", d2.Seq)
	}
	if d1.RelSeq != 1 || d2.RelSeq != 33 || ack.RelAck != 65 {
		t.Errorf("relative across the wrap: %d %d %d, want 1 33 65", d1.RelSeq, d2.RelSeq, ack.RelAck)
	}
	wantEvents(t, d1)
	wantEvents(t, d2) // modular comparison: no lost segment
	wantEvents(t, ack)
	wantEvents(t, retr, Retransmission, SpuriousRetransmission) // already acknowledged
}

func TestPortReuseOpensNewStream(t *testing.T) {
	b := newTB()
	b.handshake()
	b.add(C(FIN|ACK, 1001, 5001, 0, 3))
	b.add(S(FIN|ACK, 5001, 1002, 0, 4))
	b.add(C(ACK, 1002, 5002, 0, 5))
	again := b.add(C(SYN, 1000, 0, 0, 6)) // same ISN: a retransmission, same stream
	reuse := b.add(C(SYN, 77777, 0, 0, 1000))
	answer := b.add(S(SYN|ACK, 88888, 77778, 0, 1001))
	if b.SegStream(&again) != 0 || again.Events.Has(ReusedPorts) || !again.Events.Has(Retransmission) {
		t.Errorf("same-ISN SYN: stream %d events %v", b.SegStream(&again), again.Events.Names())
	}
	if b.SegStream(&reuse) != 1 || reuse.RelSeq != 0 {
		t.Errorf("new-ISN SYN: stream %d rseq %d", b.SegStream(&reuse), reuse.RelSeq)
	}
	wantEvents(t, reuse, ReusedPorts)
	if b.SegStream(&answer) != 1 || answer.RelSeq != 0 || answer.RelAck != 1 {
		t.Errorf("answer: stream %d rseq %d rack %d", b.SegStream(&answer), answer.RelSeq, answer.RelAck)
	}
	wantEvents(t, answer)
	tl := b.Finish()
	if len(tl.Conversations) != 2 || tl.Conversations[1].Index != 1 {
		t.Fatalf("%d conversations", len(tl.Conversations))
	}
	if !slices.Equal(tl.Conversations[1].Segs, []uint32{7, 8}) {
		t.Errorf("stream 1 segs %v", tl.Conversations[1].Segs)
	}
}

func TestSynAckWithNewSeqResetsBase(t *testing.T) {
	b := newTB()
	b.add(C(SYN, 1000, 0, 0, 0))
	b.add(S(SYN|ACK, 5000, 1001, 0, 1))
	b.add(S(RST, 5001, 0, 0, 2)) // injected reset
	again := b.add(S(SYN|ACK, 9000, 1001, 0, 3))
	ack := b.add(C(ACK, 1001, 9001, 0, 4))
	if b.SegStream(&again) != 0 || again.RelSeq != 0 {
		t.Errorf("second SYN/ACK: stream %d rseq %d", b.SegStream(&again), again.RelSeq)
	}
	// nextseq is not reset with the base: the new ISN is also a gap.
	wantEvents(t, again, LostSegment, ReusedPorts)
	if ack.RelAck != 1 {
		t.Errorf("ack after base reset: rack %d, want 1", ack.RelAck)
	}
}

func TestRetransmissionOutOfOrderLost(t *testing.T) {
	b := newTB()
	b.handshake()
	first := b.add(C(ACK, 1001, 5001, 100, 10))
	third := b.add(C(ACK, 1201, 5001, 100, 11))  // 1101..1200 not seen yet
	second := b.add(C(ACK, 1101, 5001, 100, 12)) // 1 ms later: out of order
	again := b.add(C(ACK, 1001, 5001, 100, 500)) // long after: retransmission
	wantEvents(t, first)
	wantEvents(t, third, LostSegment)
	wantEvents(t, second, OutOfOrder)
	wantEvents(t, again, Retransmission)
}

func TestOutOfOrderThresholdIsHandshakeRTT(t *testing.T) {
	// The handshake's RTT (SYN to the first pure ACK) is 40 ms here, so a
	// gap of 10 ms is still out of order, not a retransmission.
	b := newTB()
	b.add(C(SYN, 1000, 0, 0, 0))
	b.add(S(SYN|ACK, 5000, 1001, 0, 20))
	b.add(C(ACK, 1001, 5001, 0, 40))
	b.add(C(ACK, 1101, 5001, 100, 50))
	late := b.add(C(ACK, 1001, 5001, 100, 60))
	wantEvents(t, late, OutOfOrder)
}

func TestDupAcksAndFastRetransmission(t *testing.T) {
	b := newTB()
	b.handshake()
	b.add(C(ACK, 1001, 5001, 100, 10))
	b.add(C(ACK, 1101, 5001, 100, 11))
	b.add(C(ACK, 1201, 5001, 100, 12))
	ack := b.add(S(ACK, 5001, 1101, 0, 20)) // 1101 lost on the way
	d1 := b.add(S(ACK, 5001, 1101, 0, 21))
	d2 := b.add(S(ACK, 5001, 1101, 0, 22))
	d3 := b.add(S(ACK, 5001, 1101, 0, 23))
	fast := b.add(C(ACK, 1101, 5001, 100, 24))
	wantEvents(t, ack)
	wantEvents(t, d1, DuplicateAck)
	wantEvents(t, d2, DuplicateAck)
	wantEvents(t, d3, DuplicateAck)
	wantEvents(t, fast, FastRetransmission, Retransmission)
}

func TestZeroWindowProbeAndUpdate(t *testing.T) {
	b := newTB()
	b.handshake()
	b.add(C(ACK, 1001, 5001, 1000, 10))
	zw := b.add(S(ACK, 5001, 2001, 0, 11).w(0))
	probe := b.add(C(ACK, 2001, 5001, 1, 200))
	probeAck := b.add(S(ACK, 5001, 2001, 0, 201).w(0))
	update := b.add(S(ACK, 5001, 2001, 0, 300).w(2000))
	resend := b.add(C(ACK, 2001, 5001, 500, 301)) // the probed byte is sent again
	wantEvents(t, zw, ZeroWindow)
	wantEvents(t, probe, ZeroWindowProbe)
	wantEvents(t, probeAck, ZeroWindow, ZeroWindowProbeAck)
	wantEvents(t, update, WindowUpdate)
	wantEvents(t, resend) // a probe does not move nextseq: new data
}

func TestKeepAlive(t *testing.T) {
	b := newTB()
	b.handshake()
	ka := b.add(C(ACK, 1000, 5001, 0, 10000))
	kaAck := b.add(S(ACK, 5001, 1001, 0, 10001))
	ka1 := b.add(C(ACK, 1000, 5001, 1, 20000)) // one garbage byte, as Windows sends
	wantEvents(t, ka, KeepAlive)
	wantEvents(t, kaAck, KeepAliveAck)
	wantEvents(t, ka1, KeepAlive)
}

func TestWindowFullUsesScale(t *testing.T) {
	b := newTB()
	b.add(C(SYN, 1000, 0, 0, 0).scale(2))
	b.add(S(SYN|ACK, 5000, 1001, 0, 1).scale(1))
	b.add(C(ACK, 1001, 5001, 0, 2).w(100)) // 100 << 2 = 400 bytes
	notFull := b.add(S(ACK, 5001, 1001, 300, 3))
	full := b.add(S(ACK, 5301, 1001, 100, 4))
	wantEvents(t, notFull)
	wantEvents(t, full, WindowFull)

	// Until the client sends a segment with ACK (and no SYN), its window is
	// not scaled: here the SYN's window of 100 bytes is the edge. (A SYN's
	// ACK field is remembered even with the ACK flag clear.)
	b2 := newTB()
	b2.add(C(SYN, 1000, 5001, 0, 0).scale(2).w(100))
	b2.add(S(SYN|ACK, 5000, 1001, 0, 1).scale(1))
	edge := b2.add(S(ACK, 5001, 1001, 100, 2)) // 5001 + 100, not 5001 + 400
	wantEvents(t, edge, WindowFull)

	// Without a window scale option on the SYN, windows are taken as sent.
	b3 := newTB()
	b3.add(C(SYN, 1000, 0, 0, 0))
	b3.add(S(SYN|ACK, 5000, 1001, 0, 1).scale(7))
	b3.add(C(ACK, 1001, 5001, 0, 2).w(100))
	unscaled := b3.add(S(ACK, 5001, 1001, 100, 3))
	wantEvents(t, unscaled, WindowFull)

	// With no SYN seen, the scale is unknown and window_full is never set.
	b4 := newTB()
	b4.add(C(ACK, 1001, 5001, 0, 2).w(100))
	unknown := b4.add(S(ACK, 5001, 1001, 100, 3))
	wantEvents(t, unknown)
}

func TestAckedLostSegment(t *testing.T) {
	b := newTB()
	b.handshake()
	b.add(C(ACK, 1001, 5001, 100, 10))
	// The server acknowledges 200 bytes but only 100 were seen.
	jump := b.add(S(ACK, 5001, 1201, 0, 11))
	again := b.add(S(ACK, 5001, 1201, 0, 12))
	wantEvents(t, jump, AckLostSegment)
	wantEvents(t, again, DuplicateAck) // reported once per hole
}

func TestClientIsTheSynSender(t *testing.T) {
	// The SYN/ACK was captured before the SYN: its sender is the server.
	b := newTB()
	first := b.add(S(SYN|ACK, 5000, 1001, 0, 0))
	if first.Dir != C2S {
		t.Fatalf("first segment is C2S until a SYN says otherwise")
	}
	b.add(C(SYN, 1000, 0, 0, 1))
	b.add(C(ACK, 1001, 5001, 0, 2))
	tl := b.Finish()
	c := tl.Conversations[0]
	if c.Client != cli || c.Server != srv {
		t.Fatalf("client %v server %v, want the SYN's sender as client", c.Client, c.Server)
	}
	dirs := []Dir{tl.Segments[0].Dir, tl.Segments[1].Dir, tl.Segments[2].Dir}
	if !slices.Equal(dirs, []Dir{S2C, C2S, C2S}) {
		t.Errorf("dirs %v", dirs)
	}
	if c.Base != [2]uint32{1000, 5000} {
		t.Errorf("bases %v follow the swap", c.Base)
	}
	if s := tl.Segments[2]; s.Client() != Established || s.Server() != Established {
		t.Errorf("after the handshake: %v/%v", s.Client(), s.Server())
	}
}

func TestRefusedConnectionServerWasClosed(t *testing.T) {
	b := newTB()
	syn := b.add(C(SYN, 1000, 0, 0, 0))
	// Before the answer the server is guessed LISTEN, so the SYN takes it
	// to SYN_RECEIVED on its row (RFC 9293 Figure 6).
	if syn.Server() != SynReceived {
		t.Fatalf("before the answer the server is shown SYN_RECEIVED, got %v", syn.Server())
	}
	b.add(S(RST|ACK, 0, 1001, 0, 1))
	tl := b.Finish()
	c := tl.Conversations[0]
	if c.InitServer != Closed {
		t.Errorf("initial server %v, want CLOSED (it refused)", c.InitServer)
	}
	if s := tl.Segments[0]; s.Server() != Closed {
		t.Errorf("row 1 server %v, want the revision to CLOSED", s.Server())
	}
}

func TestShortSegmentKeepsRawNumbers(t *testing.T) {
	b := newTB()
	b.handshake()
	p := Packet{Src: cli, Dst: srv, Seq: 1001, Ack: 5001, Flags: ACK, Win: 1000, WinScale: -1, Short: true, TimeNS: t0 + 3e6}
	s := *b.AddPacket(Frame{}, &p)
	if s.RelSeq != 1001 || s.RelAck != 5001 || s.Events != 0 || b.SegStream(&s) != 0 {
		t.Errorf("short segment: %d/%d events %v stream %d", s.RelSeq, s.RelAck, s.Events.Names(), b.SegStream(&s))
	}
	next := b.add(C(ACK, 1001, 5001, 0, 4))
	wantEvents(t, next, DuplicateAck) // the short one changed no analysis state
}

func TestIPv6AndSeparateStreams(t *testing.T) {
	b := newTB()
	b.handshake()
	b6 := &tb{Builder: b.Builder, a: cli6, b: srv6}
	s := b6.add(C(SYN, 1, 0, 0, 10))
	back := b.add(S(ACK, 5001, 1001, 0, 11))
	if b.SegStream(&s) != 1 || b.SegStream(&back) != 0 {
		t.Errorf("streams %d %d", b.SegStream(&s), b.SegStream(&back))
	}
}

func TestFramesFragmentsICMP(t *testing.T) {
	b := newTB()
	b.AddFrame(Frame{TimeNS: t0, Kind: FrameUndecodable}, "cut short")
	b.AddFrame(Frame{TimeNS: t0, Kind: FrameTCP}, "ARP") // not TCP: Other
	b.handshake()                                        // frames 3-5
	b.AddFragment(Frame{TimeNS: t0 + 1e7}, Fragment{ID: 7, MF: true, Len: 8}, "fragment 0")
	ok := b.AddICMP(Frame{TimeNS: t0 + 2e7}, ICMPError{Kind: "frag_needed", MTU: 1400, QuotedSrc: srv, QuotedDst: cli}, "frag needed")
	b.AddFragment(Frame{TimeNS: t0 + 3e7}, Fragment{ID: 7, MF: true, Offset: 8, Len: 8}, "fragment 1")
	s := b.add(C(ACK, 1001, 5001, 16, 40))
	b.LinkFragments([]uint32{6, 8}, 9)
	lost := b.AddICMP(Frame{TimeNS: t0 + 5e7}, ICMPError{QuotedSrc: cli6, QuotedDst: srv6}, "unrelated")
	tl := b.Finish()

	if !ok || lost {
		t.Fatalf("AddICMP: tied %v, untied %v", ok, lost)
	}
	if s.Frame != 9 || len(tl.Frames) != 10 {
		t.Fatalf("frame numbering: segment frame %d, %d frames", s.Frame, len(tl.Frames))
	}
	kinds := make([]FrameKind, len(tl.Frames))
	for i, f := range tl.Frames {
		kinds[i] = f.Kind
	}
	want := []FrameKind{FrameUndecodable, FrameOther, FrameTCP, FrameTCP, FrameTCP, FrameFragment, FrameICMP, FrameFragment, FrameTCP, FrameOther}
	if !slices.Equal(kinds, want) {
		t.Errorf("kinds %v want %v", kinds, want)
	}
	if tl.Note(1) != "cut short" || tl.Note(3) != "" || tl.SegOf(3) != 0 {
		t.Errorf("notes/segs: %q %q %d", tl.Note(1), tl.Note(3), tl.SegOf(3))
	}
	for _, fn := range []int{6, 7, 8, 9} {
		if tl.Frames[fn-1].Stream != 0 {
			t.Errorf("frame %d stream %d, want 0", fn, tl.Frames[fn-1].Stream)
		}
	}
	if tl.Frames[9].Stream != -1 || tl.Frames[0].Stream != -1 || tl.SegOf(1) != -1 {
		t.Errorf("unrelated frames got a stream")
	}
	c := tl.Conversations[0]
	if !slices.Equal(c.Extra, []uint32{6, 7, 8}) {
		t.Errorf("extra %v, want [6 7 8] in capture order", c.Extra)
	}
	if len(tl.ICMP) != 1 || tl.ICMP[0].Frame != 7 || tl.ICMP[0].Stream != 0 || tl.ICMP[0].TimeNS != 2e7 || tl.ICMP[0].MTU != 1400 {
		t.Errorf("icmp %+v", tl.ICMP)
	}
	if len(tl.Fragments) != 2 || tl.Fragments[0].Frame != 6 || tl.Fragments[0].Completes != 9 || tl.Fragments[1].Completes != 9 {
		t.Errorf("fragments %+v", tl.Fragments)
	}
	if len(tl.Notes) != 7 {
		t.Errorf("notes %q", tl.Notes)
	}
}

func TestMaxUnackedQuirk(t *testing.T) {
	// Past 10000 unacknowledged segments tshark stops counting a FIN in the
	// next sequence number, so the segment after it looks like a gap.
	b := newTB()
	b.handshake()
	seq := uint32(1001)
	for i := range maxUnacked {
		b.add(C(ACK, seq, 5001, 1, 10+float64(i)))
		seq++
	}
	b.add(C(FIN|ACK, seq, 5001, 0, 20000))
	b.add(C(ACK, seq+1, 5001, 0, 20002))
	tl := b.Finish()
	last := tl.Segments[len(tl.Segments)-1]
	wantEvents(t, last, LostSegment)
}

func TestEventCounts(t *testing.T) {
	b := newTB()
	b.handshake()
	b.add(C(ACK, 1001, 5001, 10, 10))
	b.add(C(ACK, 1001, 5001, 10, 500))
	b.add(C(ACK, 1001, 5001, 10, 900))
	tl := b.Finish()
	got := tl.Conversations[0].EventCounts
	if got["retransmission"] != 2 || len(got) != 1 {
		t.Errorf("event counts %v", got)
	}
}

func TestICMPQuoteOpensStreamsAsTshark(t *testing.T) {
	// Replays a capture built to ask tshark 4.0.17: an ICMP error whose
	// quote reaches the TCP window opens a conversation, and one quoting a
	// SYN with a new ISN opens a new stream that later segments join.
	// tshark -T fields -e tcp.stream gave: 0, 1, 1, 2, 2, 3.
	ep := func(a string, port uint16) Endpoint { return Endpoint{netip.MustParseAddr(a), port} }
	b := NewBuilder()
	at := func(i int) Frame { return Frame{TimeNS: t0 + int64(i)*1e9} }
	pkt := func(src, dst Endpoint, flags Flags, seq uint32) *Packet {
		return &Packet{Src: src, Dst: dst, Flags: flags, Seq: seq, Win: 1000, WinScale: -1}
	}
	a1, a2 := ep("1.1.1.1", 1234), ep("2.2.2.2", 80)
	c, s := ep("3.3.3.3", 5555), ep("4.4.4.4", 80)
	var got []int32
	b.AddICMP(at(0), ICMPError{QuotedSrc: a1, QuotedDst: a2, QuotedSeq: 100, QuotedFlags: SYN, QuotedTCPLen: 20}, "")
	b.AddPacket(at(1), pkt(c, s, SYN, 1))
	b.AddPacket(at(2), pkt(c, s, ACK, 1))
	b.AddICMP(at(3), ICMPError{QuotedSrc: c, QuotedDst: s, QuotedSeq: 999, QuotedFlags: SYN, QuotedTCPLen: 20}, "")
	b.AddPacket(at(4), pkt(c, s, ACK, 2))
	b.AddPacket(at(5), pkt(ep("5.5.5.5", 5555), ep("6.6.6.6", 80), SYN, 1))
	// A quote of 8 bytes (RFC 792's minimum) opens nothing, and ties to
	// nothing unknown.
	tied := b.AddICMP(at(6), ICMPError{QuotedSrc: ep("7.7.7.7", 1), QuotedDst: a2, QuotedTCPLen: 8}, "short quote")
	tl := b.Finish()
	for _, f := range tl.Frames {
		got = append(got, f.Stream)
	}
	if want := []int32{0, 1, 1, 2, 2, 3, -1}; !slices.Equal(got, want) || tied {
		t.Errorf("streams %v (short quote tied %v), want %v", got, tied, want)
	}
	if c0 := tl.Conversations[0]; c0.Client != a1 || len(c0.Segs) != 0 || !slices.Equal(c0.Extra, []uint32{1}) {
		t.Errorf("conversation opened by the ICMP quote: %+v", c0)
	}
	if c2 := tl.Conversations[2]; c2.Client != c || !slices.Equal(c2.Segs, []uint32{2}) {
		t.Errorf("conversation opened by the quoted SYN: client %v segs %v", c2.Client, c2.Segs)
	}
}

func TestBogusHeaderJoinsAnalysis(t *testing.T) {
	// tshark analyses a header with a data offset below 5 (its length taken
	// as the IP payload minus that offset) before giving up on it: here the
	// bogus frame's 100 bytes make the next segment a retransmission.
	b := newTB()
	b.handshake()
	b.AddBogusTCP(Frame{TimeNS: t0 + 10e6}, &Packet{Src: cli, Dst: srv, Seq: 1001, Ack: 5001, Flags: ACK, Len: 100, Win: 1000, WinScale: -1}, "bogus TCP header length (0)")
	next := b.add(C(ACK, 1001, 5001, 50, 500))
	wantEvents(t, next, Retransmission)
	tl := b.Finish()
	f := tl.Frames[3]
	if f.Kind != FrameUndecodable || f.Stream != 0 || tl.SegOf(4) != -1 || tl.Note(4) == "" {
		t.Errorf("bogus frame record %+v", f)
	}
	if !slices.Equal(tl.Conversations[0].Extra, []uint32{4}) {
		t.Errorf("extra %v", tl.Conversations[0].Extra)
	}
}

// TestICMPErrorShowsSegmentNeverArrived: a SYN whose TTL ran out (an ICMP
// time exceeded quotes it) never reached the server, which stays LISTEN on
// its row; the retransmitted SYN that reaches it takes it to SYN_RECEIVED.
func TestICMPErrorShowsSegmentNeverArrived(t *testing.T) {
	b := newTB()
	b.add(C(SYN, 1000, 0, 0, 0))
	if !b.AddICMP(Frame{TimeNS: t0 + 5e5}, ICMPError{Kind: "time_exceeded", Type: 11, QuotedSrc: cli, QuotedDst: srv, QuotedSeq: 1000, QuotedFlags: SYN, QuotedTCPLen: 20}, "ttl") {
		t.Fatal("the ICMP error was not tied to the conversation")
	}
	b.add(C(SYN, 1000, 0, 0, 2))
	b.add(S(SYN|ACK, 5000, 1001, 0, 3))
	tl := b.Finish()
	c := tl.Conversations[0]
	got := []State{tl.Segments[c.Segs[0]].Server(), tl.Segments[c.Segs[1]].Server(), tl.Segments[c.Segs[2]].Server()}
	if want := []State{Listen, SynReceived, SynReceived}; !slices.Equal(got, want) {
		t.Errorf("server states %v, want %v", got, want)
	}
	if len(c.Placements) != 1 || !c.Placements[0].Lost || c.Placements[0].What != ArrivalSYN || c.Placements[0].Arrived != 1 {
		t.Errorf("placements %+v, want the SYN lost at row 0 and arrived at row 1", c.Placements)
	}
}
