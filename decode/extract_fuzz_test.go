package decode

import (
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/tcpstep/tcpstep/model"
)

// addFuzzSeeds seeds a fuzz target with frames of the corpus (when present)
// and the synthetic frames.
func addFuzzSeeds(f *testing.F) {
	addLinkFuzzSeeds(f)
	for _, c := range synthCases() {
		for _, fr := range c.frames {
			f.Add(c.link, fr, uint32(len(fr)))
		}
	}
	for _, fr := range tunnelFuzzSeeds() {
		f.Add(uint16(linkEthernet), fr, uint32(len(fr)))
	}
	dir, err := filepath.Abs(filepath.Join("..", "..", "shared", "captures"))
	if err != nil {
		return
	}
	paths, _ := filepath.Glob(filepath.Join(dir, "*.pcap*"))
	mal, _ := filepath.Glob(filepath.Join(dir, "malformed", "*"))
	for _, p := range append(paths, mal...) {
		if _, err := os.Stat(p); err != nil {
			continue
		}
		frames, _ := readFrames(p)
		for i, fr := range frames {
			if i >= 12 {
				break
			}
			f.Add(fr.link, fr.data, fr.origLen)
		}
	}
}

// FuzzExtract: Extract never panics, and what it returns is consistent:
// TCP segments have addresses, reasons are printable, and Dissect agrees on
// whether the frame decodes.
func FuzzExtract(f *testing.F) {
	addFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, link uint16, data []byte, origLen uint32) {
		d := newDissector()
		ex := d.Extract(1, link, data, origLen)
		if !printable(ex.Reason) {
			t.Fatalf("reason %q not printable", ex.Reason)
		}
		switch ex.Kind {
		case model.FrameTCP:
			if !ex.Packet.Src.Addr.IsValid() || !ex.Packet.Dst.Addr.IsValid() {
				t.Fatalf("TCP segment without addresses: %+v", ex.Packet)
			}
			if ex.Packet.WinScale > 14 {
				t.Fatalf("window scale %d", ex.Packet.WinScale)
			}
		case model.FrameICMP:
			if !ex.ICMP.QuotedSrc.Addr.IsValid() {
				t.Fatalf("ICMP error without a quoted address: %+v", ex.ICMP)
			}
		}
		// A second frame with the same bytes: a fragment may now complete
		// a datagram of two identical fragments, which must not panic.
		d.Extract(2, link, data, origLen)
		ds := Dissect(link, data)
		if ex.Kind != model.FrameFragment && (ex.Kind == model.FrameUndecodable) != (ds.Problem != "") {
			t.Fatalf("Extract %v (%s) but Dissect problem %q", ex.Kind, ex.Reason, ds.Problem)
		}
	})
}

// FuzzDissect: Dissect never panics and its layers keep their promises.
func FuzzDissect(f *testing.F) {
	addFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, link uint16, data []byte, _ uint32) {
		checkDissection(t, "fuzz", data, Dissect(link, data))
	})
}

// FuzzReassemble feeds a reassembler fragments described by the input, 3
// bytes each (offset in 8-byte units, length, more flag and datagram), and
// checks that a completed datagram has the length its last fragment implies, carries
// the bytes given, and lists earlier frames in order.
func FuzzReassemble(f *testing.F) {
	f.Add([]byte{0, 24, 1, 6, 24, 1, 9, 17, 0, 3, 48, 1}) // zeek_fragmented-4's shape
	f.Add([]byte{0, 16, 1, 2, 8, 0})
	f.Fuzz(func(t *testing.T, in []byte) {
		r := newReassembler()
		r.MaxAge, r.MaxPending = 8, 2
		k := fragKey{Src: netip.MustParseAddr("10.0.0.1"), Dst: netip.MustParseAddr("10.0.0.2"), ID: 1, Proto: 6}
		lastEnd := map[uint32]int{} // end of the latest last fragment, by ID
		for i := 0; i+3 <= len(in); i += 3 {
			off, n, more := int(in[i])*8, int(in[i+1]), in[i+2]&1 == 1
			k.ID = uint32(in[i+2] >> 1 & 1) // two datagrams interleave
			payload := make([]byte, n)
			for j := range payload {
				payload[j] = byte(off + j) // each byte says where it belongs
			}
			frame := uint32(i/3 + 1)
			if !more {
				lastEnd[k.ID] = off + n
			}
			data, frames, ok := r.Add(frame, k, off, more, payload)
			if !ok {
				continue
			}
			if want, seen := lastEnd[k.ID]; !seen || len(data) != want {
				t.Fatalf("datagram of %d bytes, last fragment ends at %d (seen %v)", len(data), want, seen)
			}
			for j, b := range data {
				if b != byte(j) {
					t.Fatalf("byte %d is %d", j, b)
				}
			}
			if !slices.IsSorted(frames) || slices.Contains(frames, frame) {
				t.Fatalf("frames %v for completing frame %d", frames, frame)
			}
			for _, fr := range frames {
				if fr > frame || frame-fr > r.MaxAge {
					t.Fatalf("frame %d used frame %d, older than MaxAge %d", frame, fr, r.MaxAge)
				}
			}
		}
		if r.Pending() > r.MaxPending {
			t.Fatalf("%d datagrams pending, MaxPending %d", r.Pending(), r.MaxPending)
		}
	})
}
