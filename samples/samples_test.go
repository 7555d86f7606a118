package samples

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/tcpstep/tcpstep/scenario"
)

// These tests read the embedded captures with gopacket, not with tcpstep's
// decoder: the samples are meant to be the decoder's independent truth, so
// they are checked against RFC arithmetic and their own scripts' claims.

func TestListAndBytes(t *testing.T) {
	list := List()
	if len(list) == 0 || list[0].Name != Default {
		t.Fatalf("List()[0] = %+v, want the default %q first", list, Default)
	}
	seen := map[string]bool{}
	for _, s := range list {
		if seen[s.Name] {
			t.Errorf("sample %q listed twice", s.Name)
		}
		seen[s.Name] = true
		if s.Title == "" || len(s.Description) < 80 {
			t.Errorf("sample %q: title %q, description of %d bytes: both are needed", s.Name, s.Title, len(s.Description))
		}
		b, err := Bytes(s.Name)
		if err != nil {
			t.Errorf("Bytes(%q): %v", s.Name, err)
			continue
		}
		if n := len(readPcap(t, s.Name, b)); n == 0 || n >= 60 {
			t.Errorf("sample %q has %d packets, want 1..59", s.Name, n)
		}
	}
	_, err := Bytes("no-such-sample")
	if err == nil || err.Error() != `unknown sample "no-such-sample" (tcpstep samples lists them)` {
		t.Errorf("Bytes(unknown) error = %v", err)
	}
	// List returns a copy: callers cannot reorder the catalogue.
	list[0].Name = "changed"
	if List()[0].Name != Default {
		t.Error("List() exposes the catalogue itself")
	}
}

// TestCatalogueMatchesGenerator checks that the catalogue, the scenarios
// and the embedded captures name the same samples.
func TestCatalogueMatchesGenerator(t *testing.T) {
	var names []string
	for _, s := range List() {
		names = append(names, s.Name)
	}
	sorted := slices.Sorted(slices.Values(names))
	for dir, ext := range map[string]string{"data": ".pcap", "scenarios": ".tcpscenario"} {
		fsys := files
		if dir == "scenarios" {
			fsys = scenarios
		}
		entries, err := fsys.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ext) {
				got = append(got, strings.TrimSuffix(e.Name(), ext))
			}
		}
		if !slices.Equal(got, sorted) {
			t.Errorf("%s holds %v, want %v", dir, got, sorted)
		}
	}
}

// TestDeterministic crafts every sample's scenario and compares the bytes
// with the committed, embedded capture: byte for byte, twice.
func TestDeterministic(t *testing.T) {
	for _, s := range List() {
		src, err := Scenario(s.Name)
		if err != nil {
			t.Fatal(err)
		}
		want, err := Bytes(s.Name)
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			got, err := scenario.Craft(s.Name+".tcpscenario", src)
			if err != nil {
				t.Fatalf("%s: %v", s.Name, err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s: the scenario crafts other bytes than the embedded capture: run `go generate ./samples`", s.Name)
				break
			}
		}
	}
	if _, err := Scenario("no-such-sample"); err == nil {
		t.Error("Scenario(unknown): no error")
	}
}

// pkt is one frame of a sample, decoded by gopacket.
type pkt struct {
	n    int // frame number, from 1
	ts   time.Time
	data []byte
	p    gopacket.Packet
}

func readPcap(t *testing.T, name string, b []byte) []pkt {
	t.Helper()
	r, err := pcapgo.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if r.LinkType() != layers.LinkTypeEthernet {
		t.Fatalf("%s: link type %v, want Ethernet", name, r.LinkType())
	}
	var out []pkt
	for {
		data, ci, err := r.ReadPacketData()
		if err != nil {
			break
		}
		if ci.CaptureLength != ci.Length {
			t.Errorf("%s frame %d: captured %d of %d bytes", name, len(out)+1, ci.CaptureLength, ci.Length)
		}
		p := gopacket.NewPacket(data, layers.LayerTypeEthernet, gopacket.Default)
		if el := p.ErrorLayer(); el != nil {
			t.Errorf("%s frame %d: %v", name, len(out)+1, el.Error())
		}
		out = append(out, pkt{n: len(out) + 1, ts: ci.Timestamp, data: data, p: p})
	}
	return out
}

func load(t *testing.T, name string) []pkt {
	t.Helper()
	b, err := Bytes(name)
	if err != nil {
		t.Fatal(err)
	}
	return readPcap(t, name, b)
}

// seg is a TCP segment as the tests see it: from a frame, or reassembled from
// IPv4 fragments (then n is the frame that completed it).
type seg struct {
	n        int
	ts       time.Time
	src, dst netip.AddrPort
	tcp      *layers.TCP
	payload  []byte
}

func (s seg) flags() string {
	var f []string
	for _, x := range []struct {
		on   bool
		name string
	}{{s.tcp.SYN, "S"}, {s.tcp.FIN, "F"}, {s.tcp.RST, "R"}, {s.tcp.PSH, "P"}, {s.tcp.ACK, "A"}} {
		if x.on {
			f = append(f, x.name)
		}
	}
	return strings.Join(f, "")
}

// end is the sequence number just past the segment (SYN and FIN count one).
func (s seg) end() uint32 {
	e := s.tcp.Seq + uint32(len(s.payload))
	if s.tcp.SYN {
		e++
	}
	if s.tcp.FIN {
		e++
	}
	return e
}

// segments returns the TCP segments of a sample in frame order, with IPv4
// fragments reassembled, and checks every checksum on the way.
func segments(t *testing.T, name string, pkts []pkt) []seg {
	t.Helper()
	var out []seg
	frags := map[uint16]map[int][]byte{} // IP ID -> offset -> payload
	fragLast := map[uint16]int{}         // IP ID -> total length once the last fragment is seen
	for _, k := range pkts {
		ip4, _ := k.p.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
		ip6, _ := k.p.Layer(layers.LayerTypeIPv6).(*layers.IPv6)
		var src, dst netip.Addr
		var tcpBytes []byte
		switch {
		case ip4 != nil:
			if c := onesSum(ip4.Contents); c != 0xffff {
				t.Errorf("%s frame %d: bad IPv4 header checksum", name, k.n)
			}
			src, _ = netip.AddrFromSlice(ip4.SrcIP)
			dst, _ = netip.AddrFromSlice(ip4.DstIP)
			if ip4.Protocol == layers.IPProtocolICMPv4 {
				if c := onesSum(ip4.Payload); c != 0xffff {
					t.Errorf("%s frame %d: bad ICMP checksum", name, k.n)
				}
				continue
			}
			if ip4.Protocol != layers.IPProtocolTCP {
				t.Errorf("%s frame %d: IP protocol %v", name, k.n, ip4.Protocol)
				continue
			}
			if ip4.Flags&layers.IPv4MoreFragments != 0 || ip4.FragOffset != 0 {
				if frags[ip4.Id] == nil {
					frags[ip4.Id] = map[int][]byte{}
				}
				off := int(ip4.FragOffset) * 8
				frags[ip4.Id][off] = ip4.Payload
				if ip4.Flags&layers.IPv4MoreFragments == 0 {
					fragLast[ip4.Id] = off + len(ip4.Payload)
				}
				whole, ok := reassemble(frags[ip4.Id], fragLast[ip4.Id])
				if !ok {
					continue
				}
				tcpBytes = whole
				delete(frags, ip4.Id)
			} else {
				tcpBytes = ip4.Payload
			}
		case ip6 != nil:
			src, _ = netip.AddrFromSlice(ip6.SrcIP)
			dst, _ = netip.AddrFromSlice(ip6.DstIP)
			tcpBytes = ip6.Payload
		default:
			t.Errorf("%s frame %d: neither IPv4 nor IPv6", name, k.n)
			continue
		}
		if !tcpChecksumOK(src, dst, tcpBytes) {
			t.Errorf("%s frame %d: bad TCP checksum", name, k.n)
		}
		tcp := &layers.TCP{}
		if err := tcp.DecodeFromBytes(tcpBytes, gopacket.NilDecodeFeedback); err != nil {
			t.Errorf("%s frame %d: %v", name, k.n, err)
			continue
		}
		out = append(out, seg{
			n: k.n, ts: k.ts,
			src:     netip.AddrPortFrom(src, uint16(tcp.SrcPort)),
			dst:     netip.AddrPortFrom(dst, uint16(tcp.DstPort)),
			tcp:     tcp,
			payload: tcp.Payload,
		})
	}
	for id := range frags {
		t.Errorf("%s: fragments of IP ID %d never complete", name, id)
	}
	return out
}

// reassemble joins fragments when they cover [0, total) without gaps.
func reassemble(parts map[int][]byte, total int) ([]byte, bool) {
	if total == 0 {
		return nil, false
	}
	buf := make([]byte, 0, total)
	for len(buf) < total {
		p, ok := parts[len(buf)]
		if !ok {
			return nil, false
		}
		buf = append(buf, p...)
	}
	return buf, len(buf) == total
}

// onesSum is the folded one's-complement sum; a valid header sums to 0xffff.
func onesSum(b []byte) uint16 {
	var s uint32
	for i := 0; i+1 < len(b); i += 2 {
		s += uint32(binary.BigEndian.Uint16(b[i:]))
	}
	if len(b)%2 == 1 {
		s += uint32(b[len(b)-1]) << 8
	}
	for s > 0xffff {
		s = s>>16 + s&0xffff
	}
	return uint16(s)
}

func tcpChecksumOK(src, dst netip.Addr, tcp []byte) bool {
	var ph []byte
	ph = append(ph, src.AsSlice()...)
	ph = append(ph, dst.AsSlice()...)
	if src.Is4() {
		ph = append(ph, 0, 6, byte(len(tcp)>>8), byte(len(tcp)))
	} else {
		ph = binary.BigEndian.AppendUint32(ph, uint32(len(tcp)))
		ph = append(ph, 0, 0, 0, 6)
	}
	return onesSum(append(ph, tcp...)) == 0xffff
}

func find(t *testing.T, segs []seg, pred func(seg) bool, what string) seg {
	t.Helper()
	for _, s := range segs {
		if pred(s) {
			return s
		}
	}
	t.Fatalf("no segment %s", what)
	return seg{}
}

// TestFigure10 holds the default sample to the paper's printed numbers.
func TestFigure10(t *testing.T) {
	segs := segments(t, Default, load(t, Default))
	const cISN, sISN = 1023645922, 2234678799
	type want struct {
		flags    string
		cport    uint16
		seq, ack uint32
		len      int
	}
	wants := []want{
		{"S", 1042, cISN, 0, 0},
		{"SA", 25, sISN, cISN + 1, 0},
		{"A", 1042, cISN + 1, sISN + 1, 0},
		{"PA", 25, sISN + 1, cISN + 1, 93},
	}
	for i, w := range wants {
		s := segs[i]
		if s.flags() != w.flags || uint16(s.tcp.SrcPort) != w.cport || s.tcp.Seq != w.seq || s.tcp.Ack != w.ack || len(s.payload) != w.len {
			t.Errorf("segment %d: %s port %d seq %d ack %d len %d; want %+v",
				i+1, s.flags(), s.tcp.SrcPort, s.tcp.Seq, s.tcp.Ack, len(s.payload), w)
		}
	}
	for _, s := range segs {
		if p := [2]uint16{uint16(s.tcp.SrcPort), uint16(s.tcp.DstPort)}; p != [2]uint16{1042, 25} && p != [2]uint16{25, 1042} {
			t.Fatalf("frame %d: ports %v, want 1042 and 25", s.n, p)
		}
	}
	greeting := string(segs[3].payload)
	if !strings.HasPrefix(greeting, "220 ") || !strings.Contains(greeting, "ESMTP") || !strings.HasSuffix(greeting, "\r\n") {
		t.Errorf("greeting %q is not an ESMTP banner", greeting)
	}
	help := find(t, segs, func(s seg) bool { return s.tcp.SrcPort == 1042 && len(s.payload) > 0 }, "from the client with data")
	if string(help.payload) != "help\n" || help.flags() != "PA" || help.tcp.Seq != 1023645923 {
		t.Errorf("help: %q %s seq %d; want \"help\\n\" PA seq 1023645923", help.payload, help.flags(), help.tcp.Seq)
	}
	reply := find(t, segs, func(s seg) bool { return s.tcp.SrcPort == 25 && s.n > help.n && len(s.payload) > 0 }, "replying to help")
	if reply.tcp.Ack != 1023645928 || !strings.HasPrefix(string(reply.payload), "214") {
		t.Errorf("help reply: ack %d, %q; want ack 1023645928 and a 214 reply", reply.tcp.Ack, reply.payload[:min(20, len(reply.payload))])
	}
	// The probing, then the close begun by the server, ended by a RST.
	var cmds []string
	for _, s := range segs {
		if s.tcp.SrcPort == 1042 && len(s.payload) > 0 {
			cmds = append(cmds, strings.Fields(string(s.payload))[0])
		}
	}
	if !slices.Contains(cmds, "VRFY") || !slices.Contains(cmds, "EXPN") || cmds[len(cmds)-1] != "QUIT" {
		t.Errorf("client commands %v: want VRFY and EXPN probes, then QUIT", cmds)
	}
	var finFrom []layers.TCPPort
	for _, s := range segs {
		if s.tcp.FIN {
			finFrom = append(finFrom, s.tcp.SrcPort)
		}
	}
	if !slices.Equal(finFrom, []layers.TCPPort{25, 1042}) {
		t.Errorf("FINs from %v, want the server's first, then the client's", finFrom)
	}
	last := segs[len(segs)-1]
	if !last.tcp.RST || last.tcp.SrcPort != 25 || last.tcp.Seq != segs[len(segs)-2].tcp.Ack {
		t.Errorf("last segment %s from %d seq %d: want the server's RST with SEQ = the client FIN's ACK", last.flags(), last.tcp.SrcPort, last.tcp.Seq)
	}
}

type connKey struct{ a, b netip.AddrPort }

func keyOf(s seg) (connKey, bool) {
	if s.src.Compare(s.dst) < 0 {
		return connKey{s.src, s.dst}, true
	}
	return connKey{s.dst, s.src}, false
}

// TestTCPArithmetic checks in every sample that an ACK never acknowledges
// more than the peer has sent (its highest SEQ + length, plus one for SYN or
// FIN), that a side's ACKs never go backwards, and that a SYN/ACK
// acknowledges its SYN. A side whose earlier segments predate the capture
// (mid-connection) is only checked once it has sent something.
func TestTCPArithmetic(t *testing.T) {
	for _, s := range List() {
		t.Run(s.Name, func(t *testing.T) {
			segs := segments(t, s.Name, load(t, s.Name))
			type side struct {
				sent    bool
				highEnd uint32
				lastAck uint32
				acked   bool
				isn     uint32
				synSeen bool
			}
			sides := map[netip.AddrPort]map[netip.AddrPort]*side{}
			get := func(from, to netip.AddrPort) *side {
				if sides[from] == nil {
					sides[from] = map[netip.AddrPort]*side{}
				}
				if sides[from][to] == nil {
					sides[from][to] = &side{}
				}
				return sides[from][to]
			}
			for _, g := range segs {
				me, peer := get(g.src, g.dst), get(g.dst, g.src)
				if g.tcp.SYN && !g.tcp.ACK && me.synSeen && g.tcp.Seq != me.isn {
					// A new connection on the same ports: start over.
					*me, *peer = side{}, side{}
				}
				if g.tcp.SYN {
					me.isn, me.synSeen = g.tcp.Seq, true
				}
				if g.tcp.ACK {
					if peer.sent && int32(g.tcp.Ack-peer.highEnd) > 0 {
						t.Errorf("frame %d: ack %d beyond what %v sent (up to %d)", g.n, g.tcp.Ack, g.dst, peer.highEnd)
					}
					if me.acked && int32(g.tcp.Ack-me.lastAck) < 0 && !g.tcp.RST {
						t.Errorf("frame %d: ack %d goes back from %d", g.n, g.tcp.Ack, me.lastAck)
					}
					if g.tcp.SYN && peer.synSeen && g.tcp.Ack != peer.isn+1 {
						t.Errorf("frame %d: SYN/ACK acks %d, want the SYN's %d + 1", g.n, g.tcp.Ack, peer.isn)
					}
					me.lastAck, me.acked = g.tcp.Ack, true
				}
				if !g.tcp.RST {
					if !me.sent || int32(g.end()-me.highEnd) > 0 {
						me.highEnd = g.end()
					}
					me.sent = true
				}
			}
		})
	}
}

// TestFragments checks the fragment sample: one IP ID, DF clear, MF on all
// but the last, one fragment out of order, and a reassembled segment that is
// valid TCP (checksum checked in segments) of about 3000 bytes.
func TestFragments(t *testing.T) {
	pkts := load(t, "ip-fragments")
	var frags []*layers.IPv4
	for _, k := range pkts {
		ip, _ := k.p.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
		if ip != nil && (ip.Flags&layers.IPv4MoreFragments != 0 || ip.FragOffset != 0) {
			frags = append(frags, ip)
		}
	}
	if len(frags) != 3 {
		t.Fatalf("%d fragments, want 3", len(frags))
	}
	var offs []uint16
	for _, f := range frags {
		if f.Id != frags[0].Id {
			t.Errorf("fragment IDs differ: %d and %d", f.Id, frags[0].Id)
		}
		if f.Flags&layers.IPv4DontFragment != 0 {
			t.Error("a fragment has DF set")
		}
		last := int(f.FragOffset)*8+len(f.Payload) == 2968+32
		if (f.Flags&layers.IPv4MoreFragments != 0) == last {
			t.Errorf("fragment at %d: MF=%v", f.FragOffset*8, f.Flags&layers.IPv4MoreFragments != 0)
		}
		offs = append(offs, f.FragOffset*8)
	}
	if slices.IsSorted(offs) {
		t.Errorf("fragment offsets %v arrive in order; the sample promises one out of order", offs)
	}
	segs := segments(t, "ip-fragments", pkts)
	big := find(t, segs, func(s seg) bool { return len(s.payload) > 2000 }, "reassembled")
	if len(big.payload) != 2968 || !strings.HasPrefix(string(big.payload), "HTTP/1.1 200 OK") {
		t.Errorf("reassembled segment: %d bytes starting %q", len(big.payload), big.payload[:15])
	}
}

// TestICMPQuotes checks that every ICMP error quotes the IP header and at
// least 8 bytes of a TCP segment that appeared earlier in the same capture:
// same addresses, ports and sequence number.
func TestICMPQuotes(t *testing.T) {
	kinds := map[string]int{}
	for _, name := range []string{"icmp-frag-needed", "icmp-time-exceeded"} {
		pkts := load(t, name)
		segs := segments(t, name, pkts)
		for _, k := range pkts {
			icmp, _ := k.p.Layer(layers.LayerTypeICMPv4).(*layers.ICMPv4)
			if icmp == nil {
				continue
			}
			q := icmp.Payload
			if len(q) < 28 || q[0]>>4 != 4 || q[9] != 6 {
				t.Errorf("%s frame %d: quote is not IPv4+TCP (%d bytes)", name, k.n, len(q))
				continue
			}
			ihl := int(q[0]&15) * 4
			if onesSum(q[:ihl]) != 0xffff {
				t.Errorf("%s frame %d: quoted IP header checksum is wrong", name, k.n)
			}
			src, _ := netip.AddrFromSlice(q[12:16])
			dst, _ := netip.AddrFromSlice(q[16:20])
			th := q[ihl:]
			qs := netip.AddrPortFrom(src, binary.BigEndian.Uint16(th))
			qd := netip.AddrPortFrom(dst, binary.BigEndian.Uint16(th[2:]))
			seq := binary.BigEndian.Uint32(th[4:])
			orig := find(t, segs, func(s seg) bool { return s.n < k.n && s.src == qs && s.dst == qd && s.tcp.Seq == seq },
				fmt.Sprintf("quoted by %s frame %d (%v -> %v seq %d)", name, k.n, qs, qd, seq))
			switch icmp.TypeCode.Type() {
			case layers.ICMPv4TypeDestinationUnreachable:
				if icmp.TypeCode.Code() != layers.ICMPv4CodeFragmentationNeeded || icmp.Seq != 1400 {
					t.Errorf("%s frame %d: %v MTU %d, want fragmentation needed, MTU 1400", name, k.n, icmp.TypeCode, icmp.Seq)
				}
				if total := binary.BigEndian.Uint16(q[2:]); total != 1500 || q[6]&0x40 == 0 || len(orig.payload) != 1448 {
					t.Errorf("%s frame %d: quotes a %d-byte datagram (DF=%v) of a %d-byte segment; want a full-size 1500-byte DF one",
						name, k.n, total, q[6]&0x40 != 0, len(orig.payload))
				}
				kinds["frag-needed"]++
			case layers.ICMPv4TypeTimeExceeded:
				if q[8] != 1 {
					t.Errorf("%s frame %d: quoted TTL %d, want 1 (the TTL that expired)", name, k.n, q[8])
				}
				kinds["time-exceeded"]++
			}
		}
	}
	if kinds["frag-needed"] == 0 || kinds["time-exceeded"] == 0 {
		t.Errorf("ICMP errors seen: %v; want both kinds", kinds)
	}
}

// TestScenarios checks that each sample contains what its description
// promises, in terms of raw header fields.
func TestScenarios(t *testing.T) {
	segsOf := func(name string) []seg { return segments(t, name, load(t, name)) }

	t.Run("refused", func(t *testing.T) {
		g := segsOf("refused")
		if len(g) != 2 || g[0].flags() != "S" || g[1].flags() != "RA" || g[1].tcp.Seq != 0 || g[1].tcp.Ack != g[0].tcp.Seq+1 {
			t.Errorf("want SYN then RST/ACK seq 0 ack ISN+1, got %d segments", len(g))
		}
	})
	t.Run("simultaneous-open", func(t *testing.T) {
		g := segsOf("simultaneous-open")
		if g[0].flags() != "S" || g[1].flags() != "S" || g[0].src != g[1].dst {
			t.Fatal("want two crossing SYNs first")
		}
		if g[2].flags() != "SA" || g[3].flags() != "SA" || g[2].tcp.Seq != g[0].tcp.Seq || g[3].tcp.Seq != g[1].tcp.Seq {
			t.Error("want two SYN/ACKs repeating each side's ISN")
		}
	})
	t.Run("simultaneous-close", func(t *testing.T) {
		g := segsOf("simultaneous-close")
		var fins []seg
		for _, s := range g {
			if s.tcp.FIN {
				fins = append(fins, s)
			}
		}
		if len(fins) != 2 || fins[0].src == fins[1].src {
			t.Fatalf("want one FIN from each side, got %d", len(fins))
		}
		if fins[0].tcp.Ack == fins[1].end() || fins[1].tcp.Ack == fins[0].end() {
			t.Error("a FIN acknowledges the other FIN: that is a normal close, not a simultaneous one")
		}
		for _, f := range fins {
			find(t, g, func(s seg) bool { return s.src == f.dst && s.tcp.Ack == f.end() && !s.tcp.FIN }, "acknowledging a FIN")
		}
	})
	t.Run("lossy-transfer", func(t *testing.T) {
		g := segsOf("lossy-transfer")
		// Three or more duplicate ACKs, then a resend of the missing
		// segment within 20 ms of the last one.
		dups, lastDup := 0, time.Time{}
		var prev *seg
		fast := false
		for i, s := range g {
			if len(s.payload) == 0 && !s.tcp.SYN && !s.tcp.FIN && prev != nil && s.src == prev.src && s.tcp.Ack == prev.tcp.Ack {
				dups++
				lastDup = s.ts
			}
			if len(s.payload) == 0 && s.tcp.ACK && !s.tcp.SYN {
				prev = &g[i]
			}
			if len(s.payload) > 0 && prev != nil && dups >= 3 && s.tcp.Seq == prev.tcp.Ack && s.ts.Sub(lastDup) < 20*time.Millisecond {
				fast = true
			}
		}
		if !fast {
			t.Errorf("no fast retransmission after %d duplicate ACKs", dups)
		}
		// A segment arriving below the highest sequence seen, within 3 ms.
		high, highAt := uint32(0), time.Time{}
		ooo := false
		for _, s := range g {
			if len(s.payload) == 0 || s.tcp.DstPort == 80 {
				continue
			}
			if high != 0 && int32(s.end()-high) < 0 && s.ts.Sub(highAt) < 3*time.Millisecond {
				ooo = true
			}
			if high == 0 || int32(s.end()-high) > 0 {
				high, highAt = s.end(), s.ts
			}
		}
		if !ooo {
			t.Error("no out-of-order arrival")
		}
	})
	t.Run("zero-window", func(t *testing.T) {
		g := segsOf("zero-window")
		var zeroAck uint32
		probes := 0
		for _, s := range g {
			if s.tcp.SrcPort == 9100 && s.tcp.Window == 0 && !s.tcp.SYN {
				zeroAck = s.tcp.Ack
			}
			if s.tcp.DstPort == 9100 && len(s.payload) == 1 && s.tcp.Seq == zeroAck {
				probes++
			}
		}
		if probes < 2 {
			t.Errorf("%d one-byte probes at the next sequence number, want 2", probes)
		}
		find(t, g, func(s seg) bool { return s.tcp.SrcPort == 9100 && s.tcp.Ack == zeroAck && s.tcp.Window > 0 }, "updating the window")
	})
	t.Run("keepalive", func(t *testing.T) {
		g := segsOf("keepalive")
		next := map[netip.AddrPort]uint32{}
		kinds := map[int]bool{}
		for _, s := range g {
			if n, ok := next[s.src]; ok && s.tcp.Seq == n-1 && len(s.payload) <= 1 && !s.tcp.FIN && !s.tcp.SYN {
				kinds[len(s.payload)] = true
			}
			if e := s.end(); int32(e-next[s.src]) > 0 || next[s.src] == 0 {
				next[s.src] = e
			}
		}
		if !kinds[0] || !kinds[1] {
			t.Errorf("keep-alives seen with lengths %v, want both 0 and 1", kinds)
		}
	})
	t.Run("mid-connection", func(t *testing.T) {
		for _, s := range segsOf("mid-connection") {
			if s.tcp.SYN {
				t.Fatalf("frame %d is a SYN", s.n)
			}
		}
	})
	t.Run("isn-prediction", func(t *testing.T) {
		isns := map[netip.Addr][]uint32{}
		for _, s := range segsOf("isn-prediction") {
			if s.flags() == "S" {
				isns[s.src.Addr()] = append(isns[s.src.Addr()], s.tcp.Seq)
			}
		}
		old := isns[netip.MustParseAddr("192.0.2.10")]
		modern := isns[netip.MustParseAddr("192.0.2.20")]
		if len(old) < 3 || len(modern) < 3 {
			t.Fatalf("ISNs: %v", isns)
		}
		for i := 1; i < len(old); i++ {
			if old[i]-old[i-1] != 64000 {
				t.Errorf("old host's ISNs %v do not step by 64000", old)
			}
		}
		for i := 1; i < len(modern); i++ {
			if d := modern[i] - modern[i-1]; d == modern[1]-modern[0] && i > 1 {
				t.Errorf("modern host's ISNs %v have a constant step", modern)
			}
		}
	})
	t.Run("ipv6", func(t *testing.T) {
		for _, s := range segsOf("ipv6") {
			if !s.src.Addr().Is6() || !netip.MustParsePrefix("2001:db8::/32").Contains(s.src.Addr()) {
				t.Fatalf("frame %d from %v", s.n, s.src)
			}
		}
	})
}

// TestDocumentationAddresses checks that every sample uses only addresses
// reserved for documentation (RFC 5737, RFC 3849) and MACs of RFC 7042.
func TestDocumentationAddresses(t *testing.T) {
	prefixes := []netip.Prefix{
		netip.MustParsePrefix("192.0.2.0/24"),
		netip.MustParsePrefix("198.51.100.0/24"),
		netip.MustParsePrefix("203.0.113.0/24"),
		netip.MustParsePrefix("2001:db8::/32"),
	}
	ok := func(a netip.Addr) bool {
		return slices.ContainsFunc(prefixes, func(p netip.Prefix) bool { return p.Contains(a) })
	}
	for _, s := range List() {
		for _, k := range load(t, s.Name) {
			eth := k.p.Layer(layers.LayerTypeEthernet).(*layers.Ethernet)
			for _, m := range []string{eth.SrcMAC.String(), eth.DstMAC.String()} {
				if !strings.HasPrefix(m, "00:00:5e:00:53:") {
					t.Errorf("%s frame %d: MAC %s outside 00:00:5e:00:53:xx", s.Name, k.n, m)
				}
			}
			if nl := k.p.NetworkLayer(); nl != nil {
				for _, e := range []gopacket.Endpoint{nl.NetworkFlow().Src(), nl.NetworkFlow().Dst()} {
					a, _ := netip.AddrFromSlice(e.Raw())
					if !ok(a) {
						t.Errorf("%s frame %d: address %v is not a documentation address", s.Name, k.n, a)
					}
				}
			}
		}
	}
}
