package decode

import (
	"testing"

	"github.com/tcpstep/tcpstep/model"
)

// TestFirstFragmentCutBySnapLength is the regression test for a first IPv4
// fragment (offset 0, more fragments) cut short by the snap length with its
// TCP header whole. tshark 4.0.17 shows it as a segment of its conversation
// (testdata/encap/tun_bug_frag_snap.pcap, frames 4 and 7: tcp.stream 0,
// tcp.seq the raw number 101, tcp.len empty, no analysis flag): it cannot
// reassemble a fragment whose bytes were not all captured, so it dissects
// the first one as far as it goes. The second fragment stays a fragment.
func TestFirstFragmentCutBySnapLength(t *testing.T) {
	s := tcpSpec{sport: 56001, dport: 80, seq: 101, ack: 201, win: 64240, flags: 0x18, payload: make([]byte, 100)}.bytes()
	first := fragFrame(9, 0, true, s[:48])
	d := newDissector()
	ex := d.Extract(1, 1, first[:14+20+26], uint32(len(first)))
	if ex.Kind != model.FrameTCP {
		t.Fatalf("cut first fragment: %v (%s), tshark shows a TCP segment", ex.Kind, ex.Reason)
	}
	p := ex.Packet
	if !p.Short || p.Seq != 101 || p.Ack != 201 || p.Src.Port != 56001 || p.Flags != model.PSH|model.ACK {
		t.Errorf("packet %+v: want Short (no sequence analysis, no tcp.len), seq 101, ack 201", p)
	}
	if d.reassembler().Pending() != 0 {
		t.Errorf("a cut fragment went into reassembly")
	}
	if ex := d.Extract(2, 1, fragFrame(9, 48, false, s[48:]), 0); ex.Kind != model.FrameFragment {
		t.Errorf("second fragment: %v", ex.Kind)
	}
	// A whole first fragment still waits for the rest.
	if ex := d.Extract(3, 1, fragFrame(10, 0, true, s[:48]), 0); ex.Kind != model.FrameFragment {
		t.Errorf("whole first fragment: %v", ex.Kind)
	}
	// Its captured payload is what the layers and follow read.
	var w walker
	w.walk(1, first[:14+20+26], len(first))
	if got := len(w.tcpPayload()); got != 6 {
		t.Errorf("payload of the cut fragment: %d bytes, want the 6 captured", got)
	}
}
