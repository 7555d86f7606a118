package model

import "testing"

// TestShortSYNNoReusedPorts is the regression test for a SYN whose TCP
// header claims more bytes than its IP datagram holds, on ports already in
// use with a new sequence number. tshark 4.0.17 on
// testdata/encap/tun_bug_short_syn.pcap gives it (frame 12) tcp.stream 1 —
// a new stream — but an empty tcp.len, the raw sequence number as tcp.seq,
// and no tcp.analysis flag: no reused_ports, since it runs no sequence
// analysis on a short segment. The full SYN after it (frame 13, same
// sequence number) opens nothing new either: the new stream's numbering
// starts there, with no reused_ports.
func TestShortSYNNoReusedPorts(t *testing.T) {
	b := newTB()
	b.handshake()
	b.add(C(FIN|ACK, 1001, 5001, 0, 3))
	b.add(S(FIN|ACK, 5001, 1002, 0, 4))
	b.add(C(ACK, 1002, 5002, 0, 5))
	p := Packet{Src: cli, Dst: srv, Seq: 900000, Flags: SYN, Win: 1000, WinScale: -1, Short: true, TimeNS: t0 + 6e6}
	short := *b.AddPacket(Frame{TimeNS: p.TimeNS}, &p)
	if b.SegStream(&short) != 1 {
		t.Errorf("short SYN in stream %d, tshark opens stream 1", b.SegStream(&short))
	}
	if short.Events != 0 || short.RelSeq != 900000 {
		t.Errorf("short SYN: events %v, rseq %d; tshark: none, the raw 900000", short.Events.Names(), short.RelSeq)
	}
	full := b.add(C(SYN, 900000, 0, 0, 7))
	if b.SegStream(&full) != 1 || full.RelSeq != 0 {
		t.Errorf("full SYN: stream %d rseq %d, tshark 1 and 0", b.SegStream(&full), full.RelSeq)
	}
	wantEvents(t, full)
	answer := b.add(S(SYN|ACK, 1900000, 900001, 0, 8))
	if b.SegStream(&answer) != 1 || answer.RelAck != 1 {
		t.Errorf("answer: stream %d rack %d", b.SegStream(&answer), answer.RelAck)
	}
	wantEvents(t, answer)
}
