package decode

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/model"
)

// Builders of synthetic frames, for the encapsulations and corner cases the
// corpus lacks. The truth is the values the frames are built from; with
// TCPSTEP_TSHARK=1, TestSynthTshark also holds them to tshark.

func put16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
func put32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }
func cat(parts ...[]byte) []byte {
	return bytes.Join(parts, nil)
}

type tcpSpec struct {
	sport, dport uint16
	seq, ack     uint32
	flags        uint16
	win          uint16
	opts         []byte
	payload      []byte
}

func (s tcpSpec) bytes() []byte {
	opts := s.opts
	for len(opts)%4 != 0 {
		opts = append(opts[:len(opts):len(opts)], 0)
	}
	doff := uint16((20+len(opts))/4) << 12
	return cat(put16(s.sport), put16(s.dport), put32(s.seq), put32(s.ack),
		put16(doff|s.flags&0x0fff), put16(s.win), put16(0), put16(0), opts, s.payload)
}

// ipv4 builds an IPv4 header with the given identification and
// flags/fragment-offset field in front of payload.
func ipv4(src, dst string, proto uint8, id, ff uint16, payload []byte) []byte {
	a, b := netip.MustParseAddr(src).As4(), netip.MustParseAddr(dst).As4()
	return cat([]byte{0x45, 0}, put16(uint16(20+len(payload))), put16(id), put16(ff),
		[]byte{64, proto}, put16(0), a[:], b[:], payload)
}

func ipv6(src, dst string, nh uint8, payload []byte) []byte {
	a, b := netip.MustParseAddr(src).As16(), netip.MustParseAddr(dst).As16()
	return cat([]byte{0x60, 0, 0, 0}, put16(uint16(len(payload))), []byte{nh, 64}, a[:], b[:], payload)
}

var (
	macA = []byte{0x02, 0, 0, 0, 0, 1}
	macB = []byte{0x02, 0, 0, 0, 0, 2}
)

func eth(t uint16, payload []byte) []byte { return cat(macB, macA, put16(t), payload) }

func udp(sport, dport uint16, payload []byte) []byte {
	return cat(put16(sport), put16(dport), put16(uint16(8+len(payload))), put16(0), payload)
}

// synthCase is one synthetic capture: frames of one link type, and what the
// last frame must extract to.
type synthCase struct {
	name   string
	link   uint16
	frames [][]byte
	orig   uint32 // original length of the last frame (0: as captured)
	kind   model.FrameKind
	src    string // "addr:port" of the TCP segment or quoted header
	dst    string
	seq    uint32
	len    uint32
	reason string // substring of extracted.Reason, when set
	// tsharkDiffers says why TestSynthTshark skips this case.
	tsharkDiffers string
}

var seg = tcpSpec{sport: 40000, dport: 80, seq: 1000, ack: 2000, flags: 0x18, win: 512, payload: []byte("hello")}

func synthCases() []synthCase {
	inner4 := ipv4("192.0.2.1", "198.51.100.2", 6, 1, 0x4000, seg.bytes())
	inner6 := ipv6("2001:db8::1", "2001:db8::2", 6, seg.bytes())
	tcp4 := func(c synthCase) synthCase {
		if c.src == "" {
			c.src, c.dst = "192.0.2.1:40000", "198.51.100.2:80"
		}
		c.kind, c.seq, c.len = model.FrameTCP, 1000, 5
		return c
	}
	tcp6 := func(c synthCase) synthCase {
		c.src, c.dst = "[2001:db8::1]:40000", "[2001:db8::2]:80"
		c.kind, c.seq, c.len = model.FrameTCP, 1000, 5
		return c
	}
	outer := func(proto uint8, p []byte) []byte { return ipv4("10.0.0.1", "10.0.0.2", proto, 7, 0, p) }
	outer6 := func(nh uint8, p []byte) []byte { return ipv6("fd00::1", "fd00::2", nh, p) }
	ws := tcpSpec{sport: 1, dport: 2, seq: 3, flags: 0x02, opts: []byte{1, 3, 3, 9}}.bytes()
	bigPayload := tcpSpec{sport: 40000, dport: 80, seq: 1000, ack: 2000, flags: 0x10, win: 512, payload: make([]byte, 1400)}.bytes()
	// A 3000-byte IPv6 payload in two fragments (RFC 8200 fragment header:
	// next header, reserved, offset<<3 | M, identification).
	frag6Data := tcpSpec{sport: 40000, dport: 80, seq: 1000, ack: 2000, flags: 0x10, win: 512, payload: make([]byte, 2980)}.bytes()
	frag6 := func(off int, more bool, part []byte) []byte {
		fo := uint16(off/8) << 3
		if more {
			fo |= 1
		}
		return eth(0x86dd, ipv6("2001:db8::1", "2001:db8::2", 44, cat([]byte{6, 0}, put16(fo), put32(0xabcdef01), part)))
	}
	nflogTLV := func(order binary.AppendByteOrder, typ uint16, v []byte) []byte {
		b := order.AppendUint16(nil, uint16(4+len(v)))
		b = order.AppendUint16(b, typ)
		b = append(b, v...)
		for len(b)%4 != 0 {
			b = append(b, 0)
		}
		return b
	}
	icmpQuote := ipv4("192.0.2.1", "198.51.100.2", 6, 1, 0x4000, seg.bytes()[:8])
	quote6 := ipv6("2001:db8::1", "2001:db8::2", 6, seg.bytes()[:8])
	return []synthCase{
		tcp4(synthCase{name: "ethernet", link: 1, frames: [][]byte{eth(0x0800, inner4)}}),
		tcp6(synthCase{name: "qinq-ipv6", link: 1, frames: [][]byte{eth(0x88a8, cat(put16(0x2064), put16(0x8100), put16(0x0065), put16(0x86dd), inner6))}}),
		tcp4(synthCase{name: "gre-ipv4", link: 1, frames: [][]byte{eth(0x0800, outer(47, cat(put16(0), put16(0x0800), inner4)))}}),
		tcp4(synthCase{name: "gre-key-seq-ethernet", link: 1, frames: [][]byte{eth(0x0800, outer(47, cat(put16(0x3000), put16(0x6558), put32(42), put32(1), eth(0x0800, inner4))))}}),
		tcp4(synthCase{name: "vxlan", link: 1, frames: [][]byte{eth(0x0800, outer(17, udp(50000, 4789, cat([]byte{8, 0, 0, 0}, put32(100<<8), eth(0x0800, inner4)))))}}),
		tcp4(synthCase{name: "geneve", link: 1, frames: [][]byte{eth(0x0800, outer(17, udp(50000, 6081, cat([]byte{0, 0}, put16(0x6558), put32(100<<8), eth(0x0800, inner4)))))}}),
		tcp4(synthCase{name: "ipip", link: 1, frames: [][]byte{eth(0x0800, outer(4, inner4))}}),
		tcp6(synthCase{name: "6in4", link: 1, frames: [][]byte{eth(0x0800, outer(41, inner6))}}),
		tcp4(synthCase{name: "4in6", link: 1, frames: [][]byte{eth(0x86dd, outer6(4, inner4))}}),
		tcp6(synthCase{name: "6in6-hopbyhop", link: 1, frames: [][]byte{eth(0x86dd, outer6(0, cat([]byte{41, 0, 1, 4, 0, 0, 0, 0}, inner6)))}}),
		tcp6(synthCase{name: "mpls-ipv6", link: 1, frames: [][]byte{eth(0x8847, cat(put32(16<<12|64), put32(17<<12|1<<8|64), inner6))}}),
		tcp6(synthCase{name: "pppoe-ipv6", link: 1, frames: [][]byte{eth(0x8864, cat([]byte{0x11, 0}, put16(1), put16(uint16(2+len(inner6))), put16(0x0057), inner6))}}),
		tcp4(synthCase{name: "llc-snap", link: 1, frames: [][]byte{cat(macB, macA, put16(uint16(8+len(inner4))), []byte{0xaa, 0xaa, 3, 0, 0, 0}, put16(0x0800), inner4)}}),
		tcp4(synthCase{name: "null-big-endian", link: 0, frames: [][]byte{cat(put32(2), inner4)}}),
		tcp6(synthCase{name: "null-little-endian-ipv6", link: 0, frames: [][]byte{cat([]byte{30, 0, 0, 0}, inner6)}}),
		tcp4(synthCase{name: "loop", link: 108, frames: [][]byte{cat(put32(2), inner4)}}),
		tcp4(synthCase{name: "ppp-compressed-protocol", link: 9, frames: [][]byte{cat([]byte{0x21}, inner4)}}),
		tcp6(synthCase{name: "ppp-hdlc", link: 50, frames: [][]byte{cat([]byte{0xff, 3}, put16(0x0057), inner6)}}),
		tcp4(synthCase{name: "cisco-hdlc", link: 104, frames: [][]byte{cat([]byte{0x0f, 0}, put16(0x0800), inner4)}}),
		tcp4(synthCase{name: "nflog", link: 239, frames: [][]byte{cat([]byte{2, 0, 0, 1},
			nflogTLV(binary.LittleEndian, 10, []byte("drop\x1b[31m\x00")), nflogTLV(binary.LittleEndian, 9, inner4))}}),
		// NFLOG TLVs are in the capturing host's byte order: a capture made
		// on a big-endian host.
		tcp4(synthCase{name: "nflog-big-endian", link: 239, frames: [][]byte{cat([]byte{2, 0, 0, 1},
			nflogTLV(binary.BigEndian, 10, []byte("drop\x00")), nflogTLV(binary.BigEndian, 9, inner4))},
			tsharkDiffers: "tshark 4.0 reads NFLOG TLVs in the reading host's byte order only"}),
		tcp4(synthCase{name: "sll2", link: 276, frames: [][]byte{cat(put16(0x0800), put16(0), put32(3), put16(1), []byte{0, 6}, macA, []byte{0, 0}, inner4)}}),
		tcp4(synthCase{name: "raw-12", link: 12, frames: [][]byte{inner4}}),
		tcp4(synthCase{name: "ipv4-linktype", link: 228, frames: [][]byte{inner4}}),
		tcp6(synthCase{name: "ipv6-linktype", link: 229, frames: [][]byte{inner6}}),
		{name: "ipv6-fragments", link: 1, kind: model.FrameTCP, src: "[2001:db8::1]:40000", dst: "[2001:db8::2]:80", seq: 1000, len: 2980,
			frames: [][]byte{frag6(1456, false, frag6Data[1456:]), frag6(0, true, frag6Data[:1456])}},
		// Snap length 68 cut the frame; tcp.len comes from the IP total length.
		{name: "snaplen", link: 1, kind: model.FrameTCP, src: "192.0.2.1:40000", dst: "198.51.100.2:80", seq: 1000, len: 1400,
			frames: [][]byte{eth(0x0800, ipv4("192.0.2.1", "198.51.100.2", 6, 1, 0, bigPayload))[:68]}, orig: uint32(14 + 20 + len(bigPayload))},
		// Ethernet padding after a 40-byte datagram is not payload.
		{name: "padding", link: 1, kind: model.FrameTCP, src: "192.0.2.1:1", dst: "198.51.100.2:2", seq: 3,
			frames: [][]byte{cat(eth(0x0800, ipv4("192.0.2.1", "198.51.100.2", 6, 1, 0, tcpSpec{sport: 1, dport: 2, seq: 3, flags: 0x10}.bytes())), make([]byte, 6))}},
		{name: "window-scale", link: 228, kind: model.FrameTCP, src: "192.0.2.1:1", dst: "198.51.100.2:2", seq: 3,
			frames: [][]byte{ipv4("192.0.2.1", "198.51.100.2", 6, 1, 0, ws)}},
		{name: "icmp-time-exceeded", link: 1, kind: model.FrameICMP, src: "192.0.2.1:40000", dst: "198.51.100.2:80", seq: 1000,
			frames: [][]byte{eth(0x0800, ipv4("203.0.113.9", "192.0.2.1", 1, 9, 0, cat([]byte{11, 0}, put16(0), put32(0), icmpQuote)))}},
		{name: "icmpv6-packet-too-big", link: 1, kind: model.FrameICMP, src: "[2001:db8::1]:40000", dst: "[2001:db8::2]:80", seq: 1000,
			frames: [][]byte{eth(0x86dd, ipv6("2001:db8::ff", "2001:db8::1", 58, cat([]byte{2, 0}, put16(0), put32(1280), quote6)))}},
		{name: "icmp-port-unreachable-udp", link: 1, kind: model.FrameOther, reason: "quoting no TCP header",
			frames: [][]byte{eth(0x0800, ipv4("198.51.100.2", "192.0.2.1", 1, 9, 0, cat([]byte{3, 3}, put16(0), put32(0),
				ipv4("192.0.2.1", "198.51.100.2", 17, 1, 0, udp(5353, 53, nil)))))}},
		{name: "udp", link: 1, kind: model.FrameOther, reason: "UDP 192.0.2.1:5353 → 198.51.100.2:53",
			frames: [][]byte{eth(0x0800, ipv4("192.0.2.1", "198.51.100.2", 17, 1, 0, udp(5353, 53, []byte{1, 2})))}},
		{name: "arp", link: 1, kind: model.FrameOther, reason: "ARP request",
			frames: [][]byte{eth(0x0806, cat(put16(1), put16(0x0800), []byte{6, 4}, put16(1), macA, []byte{10, 0, 0, 1}, make([]byte, 6), []byte{10, 0, 0, 2}))}},
		{name: "unsupported-link", link: 147, kind: model.FrameUndecodable, reason: "unsupported link type 147", frames: [][]byte{inner4}},
		{name: "tcp-data-offset-16", link: 228, kind: model.FrameUndecodable, reason: "data offset 16",
			frames: [][]byte{ipv4("192.0.2.1", "198.51.100.2", 6, 1, 0, func() []byte { b := seg.bytes(); b[12] = 0x40; return b }())}},
		{name: "ipv4-bad-total-length", link: 228, kind: model.FrameUndecodable, reason: "total length",
			frames: [][]byte{func() []byte {
				b := ipv4("192.0.2.1", "198.51.100.2", 6, 1, 0, seg.bytes())
				b[2], b[3] = 0, 12
				return b
			}()}},
	}
}

func runSynth(c synthCase) extracted {
	d := newDissector()
	var ex extracted
	for i, f := range c.frames {
		orig := uint32(len(f))
		if i == len(c.frames)-1 && c.orig != 0 {
			orig = c.orig
		}
		ex = d.Extract(uint32(i+1), c.link, f, orig)
	}
	return ex
}

func TestExtractSynthetic(t *testing.T) {
	for _, c := range synthCases() {
		t.Run(c.name, func(t *testing.T) {
			ex := runSynth(c)
			if ex.Kind != c.kind {
				t.Fatalf("kind %v (%s), want %v", ex.Kind, ex.Reason, c.kind)
			}
			if c.reason != "" && !strings.Contains(ex.Reason, c.reason) {
				t.Errorf("reason %q, want it to contain %q", ex.Reason, c.reason)
			}
			if !printable(ex.Reason) {
				t.Errorf("reason %q not printable", ex.Reason)
			}
			switch c.kind {
			case model.FrameTCP:
				p := ex.Packet
				if p.Src.String() != c.src || p.Dst.String() != c.dst || p.Seq != c.seq || p.Len != c.len {
					t.Errorf("got %s → %s seq %d len %d, want %s → %s seq %d len %d", p.Src, p.Dst, p.Seq, p.Len, c.src, c.dst, c.seq, c.len)
				}
			case model.FrameICMP:
				e := ex.ICMP
				if e.QuotedSrc.String() != c.src || e.QuotedDst.String() != c.dst || e.QuotedSeq != c.seq {
					t.Errorf("quoted %s → %s seq %d, want %s → %s seq %d", e.QuotedSrc, e.QuotedDst, e.QuotedSeq, c.src, c.dst, c.seq)
				}
			}
			last := c.frames[len(c.frames)-1]
			d := Dissect(c.link, last)
			checkDissection(t, c.name, last, d)
			if (c.kind == model.FrameUndecodable) != (d.Problem != "") {
				t.Errorf("Dissect problem %q for a %v frame", d.Problem, c.kind)
			}
		})
	}
}

// Details of some synthetic cases beyond the segment itself.
func TestExtractSyntheticDetails(t *testing.T) {
	byName := map[string]synthCase{}
	for _, c := range synthCases() {
		byName[c.name] = c
	}
	if ex := runSynth(byName["window-scale"]); ex.Packet.WinScale != 9 {
		t.Errorf("window scale %d, want 9", ex.Packet.WinScale)
	}
	if ex := runSynth(byName["ethernet"]); ex.Packet.WinScale != -1 || ex.Packet.Flags != model.PSH|model.ACK || ex.Packet.Win != 512 || ex.Packet.Ack != 2000 {
		t.Errorf("ethernet: %+v", ex.Packet)
	}
	ex := runSynth(byName["icmpv6-packet-too-big"])
	if ex.ICMP.Kind != "packet_too_big" || ex.ICMP.MTU != 1280 || ex.ICMP.Src.Addr != netip.MustParseAddr("2001:db8::ff") {
		t.Errorf("icmpv6: %+v", ex.ICMP)
	}
	ex = runSynth(byName["icmp-time-exceeded"])
	if ex.ICMP.Kind != "time_exceeded" || ex.ICMP.MTU != 0 || ex.ICMP.Type != 11 {
		t.Errorf("icmp: %+v", ex.ICMP)
	}
	ex = runSynth(byName["ipv6-fragments"])
	if !ex.IsFrag || len(ex.FragFrames) != 1 || ex.FragFrames[0] != 1 || ex.Frag.Completes != 2 || ex.Frag.Offset != 0 || !ex.Frag.MF {
		t.Errorf("ipv6 fragments: %+v frames %v", ex.Frag, ex.FragFrames)
	}
	// The padding is a trailer layer of 6 bytes; the NFLOG prefix is quoted
	// with its escape character made visible.
	c := byName["padding"]
	d := Dissect(c.link, c.frames[0])
	if l := d.Layers[len(d.Layers)-1]; l.Kind != model.LayerTrailer || l.End-l.Start != 6 {
		t.Errorf("padding: last layer %+v", l)
	}
	c = byName["nflog"]
	d = Dissect(c.link, c.frames[0])
	nf, _ := layerByName(d, "Linux netfilter log (NFLOG)")
	if f, _ := field(nf.Fields, "TLV: prefix"); f.Value != `"drop\x1b[31m"` {
		t.Errorf("nflog prefix %q", f.Value)
	}
	// Layer kinds of a tunnel: the outer IPv4 and the UDP/VXLAN are tunnel
	// layers, the inner IPv4 the IP layer.
	c = byName["vxlan"]
	d = Dissect(c.link, c.frames[0])
	var kinds []string
	for _, l := range d.Layers {
		kinds = append(kinds, l.Name+":"+l.Kind.String())
	}
	want := "Ethernet II:link IPv4:tunnel UDP:tunnel VXLAN:tunnel Ethernet II:link IPv4:ip TCP:transport Payload:payload"
	if strings.Join(kinds, " ") != want {
		t.Errorf("vxlan layers\n got %s\nwant %s", strings.Join(kinds, " "), want)
	}
}

// TestTCPCutShort: tshark decodes a TCP header only when its first 16 bytes
// (through the window) are captured. Found by feeding tshark raw IPv4
// frames whose TCP header was cut at 12 to 20 bytes (tshark-expect.sh on
// the resulting file listed the frames cut at 12-15 bytes as undecodable
// and decoded those with 16 and more).
func TestTCPCutShort(t *testing.T) {
	full := seg.bytes()
	for cut := 0; cut <= 20; cut++ {
		b := ipv4("192.0.2.1", "198.51.100.2", 6, 1, 0, full)[:20+cut]
		ex := newDissector().Extract(1, 228, b, uint32(20+len(full)))
		want := model.FrameUndecodable
		if cut >= 16 {
			want = model.FrameTCP
		}
		if ex.Kind != want {
			t.Errorf("cut at %d bytes: %v (%s), want %v", cut, ex.Kind, ex.Reason, want)
		}
		if want == model.FrameTCP && ex.Packet.Len != 5 {
			t.Errorf("cut at %d bytes: len %d, want 5 (from the IP total length)", cut, ex.Packet.Len)
		}
		if want == model.FrameUndecodable && !strings.Contains(ex.Reason, fmt.Sprintf("%d of 20 bytes", cut)) {
			t.Errorf("cut at %d: reason %q", cut, ex.Reason)
		}
	}
}

// TestSynthTshark writes each synthetic case to a pcap and compares Extract
// with tshark-expect.sh (only with TCPSTEP_TSHARK=1: tshark is slow to start).
func TestSynthTshark(t *testing.T) {
	if os.Getenv("TCPSTEP_TSHARK") != "1" {
		t.Skip("set TCPSTEP_TSHARK=1 to compare the synthetic frames with tshark")
	}
	script := filepath.Join(sharedDir(t), "oracle", "tshark-expect.sh")
	dir := t.TempDir()
	for _, c := range synthCases() {
		t.Run(c.name, func(t *testing.T) {
			if c.tsharkDiffers != "" {
				t.Skip(c.tsharkDiffers)
			}
			var buf bytes.Buffer
			hdr := []any{uint32(0xa1b2c3d4), uint16(2), uint16(4), int32(0), uint32(0), uint32(262144), uint32(c.link)}
			for _, v := range hdr {
				binary.Write(&buf, binary.LittleEndian, v)
			}
			for i, f := range c.frames {
				orig := uint32(len(f))
				if i == len(c.frames)-1 && c.orig != 0 {
					orig = c.orig
				}
				for _, v := range []uint32{uint32(i + 1), 0, uint32(len(f)), orig} {
					binary.Write(&buf, binary.LittleEndian, v)
				}
				buf.Write(f)
			}
			p := filepath.Join(dir, c.name+".pcap")
			if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			mode := []string{p}
			if c.kind == model.FrameICMP {
				mode = []string{"--icmp", p}
			}
			out, err := exec.Command(script, mode...).Output()
			if err != nil {
				t.Fatal(err)
			}
			last := fmt.Sprint(len(c.frames))
			var row []string
			undecodable := false
			for _, line := range strings.Split(string(out), "\n") {
				if strings.HasPrefix(line, "# undecodable") {
					undecodable = true
				}
				if cols := strings.Split(line, "\t"); cols[0] == last {
					row = cols
				}
			}
			switch c.kind {
			case model.FrameTCP:
				// frame stream src sport dst dport flags seq_raw ack_raw seq ack len ...
				if row == nil {
					t.Fatalf("tshark has no TCP row:\n%s", out)
				}
				src := netip.AddrPortFrom(netip.MustParseAddr(row[2]), uint16(parseNum(t, row[3], 10))).String()
				dst := netip.AddrPortFrom(netip.MustParseAddr(row[4]), uint16(parseNum(t, row[5], 10))).String()
				if src != c.src || dst != c.dst || row[7] != fmt.Sprint(c.seq) || row[11] != fmt.Sprint(c.len) {
					t.Errorf("tshark row %v, want %s → %s seq %d len %d", row, c.src, c.dst, c.seq, c.len)
				}
			case model.FrameICMP:
				// frame time src dst type code mtu q_src q_sport q_dst q_dport q_seq_raw stream
				// tshark 4.0 leaves the quoted sequence number out of an
				// ICMPv6 error that quotes only 8 bytes of TCP.
				if row == nil {
					t.Fatalf("tshark lists no ICMP error:\n%s", out)
				}
				src := netip.AddrPortFrom(netip.MustParseAddr(row[7]), uint16(parseNum(t, row[8], 10))).String()
				dst := netip.AddrPortFrom(netip.MustParseAddr(row[9]), uint16(parseNum(t, row[10], 10))).String()
				if src != c.src || dst != c.dst || (row[11] != "" && row[11] != fmt.Sprint(c.seq)) {
					t.Errorf("tshark icmp row %v, want quoted %s → %s seq %d", row, c.src, c.dst, c.seq)
				}
			case model.FrameUndecodable:
				if row != nil {
					t.Errorf("tshark decodes a TCP row %v", row)
				}
				if strings.HasPrefix(c.name, "tcp-") && !undecodable {
					t.Errorf("tshark does not list the frame as undecodable:\n%s", out)
				}
			default:
				if row != nil {
					t.Errorf("tshark decodes a TCP row %v", row)
				}
			}
		})
	}
}
