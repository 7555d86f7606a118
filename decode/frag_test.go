package decode

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/tcpstep/tcpstep/model"
)

// fragFrame builds an Ethernet/IPv4 fragment: off in bytes, more the MF bit.
func fragFrame(id uint16, off int, more bool, part []byte) []byte {
	ff := uint16(off / 8)
	if more {
		ff |= 0x2000
	}
	return eth(0x0800, ipv4("192.0.2.1", "198.51.100.2", 6, id, ff, part))
}

// TestReassemblyOverlap rebuilds the shape of zeek_fragmented-4 (fragments
// 0-24, 48-72, 72-89 and then 24-72, overlapping the second) and checks the
// TCP header and length of the result: the reassembled TCP segment is 89
// bytes, 20 of header and 69 of payload (tshark: frame 5, tcp.len 69).
func TestReassemblyOverlap(t *testing.T) {
	s := tcpSpec{sport: 7790, dport: 80, seq: 14715173, ack: 2988018, win: 65535, payload: make([]byte, 69)}.bytes()
	d := newDissector()
	frames := [][]byte{
		fragFrame(0, 0, true, s[0:24]),
		fragFrame(0, 48, true, s[48:72]),
		fragFrame(0, 72, false, s[72:89]),
		fragFrame(0, 24, true, s[24:72]),
	}
	var ex extracted
	for i, f := range frames {
		ex = d.Extract(uint32(i+1), 1, f, uint32(len(f)))
		if i < 3 && ex.Kind != model.FrameFragment {
			t.Fatalf("frame %d: %v (%s)", i+1, ex.Kind, ex.Reason)
		}
	}
	if ex.Kind != model.FrameTCP || ex.Packet.Len != 69 || ex.Packet.Seq != 14715173 || ex.Packet.Src.Port != 7790 {
		t.Fatalf("completing frame: %v %+v (%s)", ex.Kind, ex.Packet, ex.Reason)
	}
	if !slices.Equal(ex.FragFrames, []uint32{1, 2, 3}) || ex.Frag.Completes != 4 || ex.Frag.Offset != 24 {
		t.Errorf("frag %+v frames %v", ex.Frag, ex.FragFrames)
	}
	if d.reassembler().Pending() != 0 {
		t.Errorf("%d datagrams still pending", d.reassembler().Pending())
	}
}

// TestReassemblyBounds: datagrams older than MaxAge frames, beyond
// MaxPending, or over 64 KiB are dropped and their frames reported.
func TestReassemblyBounds(t *testing.T) {
	part := make([]byte, 16)
	t.Run("age", func(t *testing.T) {
		d := newDissector()
		d.reassembler().MaxAge = 5
		d.Extract(1, 1, fragFrame(1, 0, true, part), 0)
		d.Extract(3, 1, fragFrame(1, 16, true, part), 0)
		ex := d.Extract(7, 1, fragFrame(2, 0, true, part), 0) // 6 frames after frame 1
		if !slices.Equal(ex.Expired, []uint32{1, 3}) {
			t.Errorf("expired %v, want [1 3]", ex.Expired)
		}
		// The missing last fragment of datagram 1 now starts a new,
		// incomplete datagram rather than completing the dropped one.
		if ex := d.Extract(8, 1, fragFrame(1, 32, false, part), 0); ex.Kind != model.FrameFragment {
			t.Errorf("late fragment: %v", ex.Kind)
		}
		if got := d.Flush(); !slices.Equal(got, []uint32{7, 8}) {
			t.Errorf("flush %v, want [7 8]", got)
		}
	})
	t.Run("pending", func(t *testing.T) {
		d := newDissector()
		d.reassembler().MaxPending = 2
		d.Extract(1, 1, fragFrame(1, 0, true, part), 0)
		d.Extract(2, 1, fragFrame(2, 0, true, part), 0)
		ex := d.Extract(3, 1, fragFrame(3, 0, true, part), 0)
		if !slices.Equal(ex.Expired, []uint32{1}) || d.reassembler().Pending() != 2 {
			t.Errorf("expired %v, pending %d", ex.Expired, d.reassembler().Pending())
		}
	})
	t.Run("size", func(t *testing.T) {
		d := newDissector()
		d.Extract(1, 1, fragFrame(1, 0, true, part), 0)
		// Offset 65528 + 16 bytes ends past 65535.
		ex := d.Extract(2, 1, fragFrame(1, 65528, false, part), 0)
		if ex.Kind != model.FrameFragment || !slices.Equal(ex.Expired, []uint32{1, 2}) {
			t.Errorf("kind %v expired %v", ex.Kind, ex.Expired)
		}
	})
	t.Run("snaplen", func(t *testing.T) {
		// A fragment cut by the snap length is not reassembled (as in
		// Wireshark), so its datagram never completes. Being the first,
		// it is dissected as far as it goes: here its TCP header is cut
		// short (12 of 20 bytes), which makes the frame undecodable.
		d := newDissector()
		s := seg.bytes()
		first := fragFrame(1, 0, true, s[:16])
		ex := d.Extract(1, 1, first[:len(first)-4], uint32(len(first)))
		if ex.Kind != model.FrameUndecodable || d.reassembler().Pending() != 0 {
			t.Errorf("cut fragment: %v, pending %d", ex.Kind, d.reassembler().Pending())
		}
		if ex := d.Extract(2, 1, fragFrame(1, 16, false, s[16:]), 0); ex.Kind != model.FrameFragment {
			t.Errorf("second fragment: %v", ex.Kind)
		}
	})
}

// TestReassemblerKeys: fragments of different datagrams (id, addresses,
// protocol) never mix.
func TestReassemblerKeys(t *testing.T) {
	r := newReassembler()
	a := fragKey{Src: netip.MustParseAddr("10.0.0.1"), Dst: netip.MustParseAddr("10.0.0.2"), ID: 7, Proto: 6}
	b := a
	b.Proto = 17
	r.Add(1, a, 0, true, []byte("01234567"))
	if _, _, ok := r.Add(2, b, 8, false, []byte("89")); ok {
		t.Fatal("fragments of different protocols completed a datagram")
	}
	data, frames, ok := r.Add(3, a, 8, false, []byte("89"))
	if !ok || string(data) != "0123456789" || !slices.Equal(frames, []uint32{1}) {
		t.Fatalf("got %q %v %v", data, frames, ok)
	}
}
