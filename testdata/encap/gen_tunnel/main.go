// Command gen_tunnel writes the tun_*.pcap(ng) test captures of
// testdata/encap: short TCP conversations (handshake, data both ways, a
// retransmission, FIN close) carried in the tunnels tcpstep's header walk
// decodes (GTP-U, ERSPAN I/II/III, WCCP, Aruba WLAN-over-GRE, CAPWAP data,
// IPComp, sFlow sampled headers), and the captures of four decoder bugs
// (pcapng and pcap timestamps, a first IPv4 fragment cut by the snap length,
// a SYN whose header claims more than the datagram holds).
//
// Run from the module root:
//
//	go run ./testdata/encap/gen_tunnel testdata/encap
//
// then record tshark's answers for each capture:
//
//	../shared/oracle/tshark-expect.sh testdata/encap/tun_X.pcap > testdata/encap/expected/tun_X.tsv
//
// The inner IP and TCP headers and the outer Ethernet, IP and UDP headers are
// serialized by gopacket's layers (with checksums); the tunnel headers gopacket
// has no layer for (or whose layer cannot set every bit the tests need) are
// written by hand, byte by byte, below.
package main

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"log"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

var base = time.Unix(1700000000, 0).UTC()

// seg is one TCP segment of a conversation, from the client (c2s) or the server.
type seg struct {
	c2s   bool
	flags string // any of S A P F R
	seq   uint32
	ack   uint32
	data  int
}

// conversation is the shape every capture uses: handshake, data both ways,
// a retransmission of the client's data, FIN close.
func conversation(cISN, sISN uint32) []seg {
	c, s := cISN, sISN
	return []seg{
		{true, "S", c, 0, 0},
		{false, "SA", s, c + 1, 0},
		{true, "A", c + 1, s + 1, 0},
		{true, "PA", c + 1, s + 1, 100},
		{false, "A", s + 1, c + 101, 0},
		{true, "PA", c + 1, s + 1, 100}, // retransmission
		{false, "PA", s + 1, c + 101, 200},
		{true, "A", c + 101, s + 201, 0},
		{true, "FA", c + 101, s + 201, 0},
		{false, "FA", s + 201, c + 102, 0},
		{true, "A", c + 102, s + 202, 0},
	}
}

// endpoint pair of one conversation.
type pair struct {
	cli, srv     net.IP
	cport, sport uint16
}

func (p pair) v6() bool { return p.cli.To4() == nil }

func payload(n int, fill byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = fill + byte(i%26)
	}
	return b
}

// tcpLayers returns the IP and TCP layers of segment s.
func tcpLayers(p pair, s seg) (gopacket.SerializableLayer, *layers.TCP) {
	src, dst, sp, dp := p.cli, p.srv, p.cport, p.sport
	if !s.c2s {
		src, dst, sp, dp = dst, src, dp, sp
	}
	t := &layers.TCP{SrcPort: layers.TCPPort(sp), DstPort: layers.TCPPort(dp), Seq: s.seq, Ack: s.ack, Window: 64240}
	for _, f := range s.flags {
		switch f {
		case 'S':
			t.SYN = true
		case 'A':
			t.ACK = true
		case 'P':
			t.PSH = true
		case 'F':
			t.FIN = true
		case 'R':
			t.RST = true
		}
	}
	var ip gopacket.NetworkLayer
	if p.v6() {
		ip = &layers.IPv6{Version: 6, NextHeader: layers.IPProtocolTCP, HopLimit: 64, SrcIP: src, DstIP: dst}
	} else {
		ip = &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: src, DstIP: dst, Id: 0x1234}
	}
	if err := t.SetNetworkLayerForChecksum(ip); err != nil {
		log.Fatal(err)
	}
	return ip.(gopacket.SerializableLayer), t
}

func serialize(ls ...gopacket.SerializableLayer) []byte {
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		log.Fatal(err)
	}
	return append([]byte(nil), buf.Bytes()...)
}

// innerIP is segment s as an IP datagram.
func innerIP(p pair, s seg) []byte {
	ip, t := tcpLayers(p, s)
	return serialize(ip, t, gopacket.Payload(payload(s.data, 'a')))
}

var (
	macA = net.HardwareAddr{0x02, 0, 0, 0, 0, 0x0a}
	macB = net.HardwareAddr{0x02, 0, 0, 0, 0, 0x0b}
)

// innerEther is segment s as an Ethernet frame.
func innerEther(p pair, s seg) []byte {
	ip, t := tcpLayers(p, s)
	et := layers.EthernetTypeIPv4
	if p.v6() {
		et = layers.EthernetTypeIPv6
	}
	src, dst := macA, macB
	if !s.c2s {
		src, dst = dst, src
	}
	return serialize(&layers.Ethernet{SrcMAC: src, DstMAC: dst, EthernetType: et}, ip, t, gopacket.Payload(payload(s.data, 'a')))
}

// outer wraps a tunnel payload in Ethernet/IPv4 with protocol proto
// (47 GRE, 108 IPComp) or, for proto 17, in UDP from sport to dport.
func outer(src, dst string, proto layers.IPProtocol, sport, dport uint16, tunnel []byte) []byte {
	ip := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: proto, SrcIP: net.ParseIP(src).To4(), DstIP: net.ParseIP(dst).To4(), Id: 0x4242}
	eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 1, 1}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 1, 2}, EthernetType: layers.EthernetTypeIPv4}
	if proto == layers.IPProtocolUDP {
		u := &layers.UDP{SrcPort: layers.UDPPort(sport), DstPort: layers.UDPPort(dport)}
		if err := u.SetNetworkLayerForChecksum(ip); err != nil {
			log.Fatal(err)
		}
		return serialize(eth, ip, u, gopacket.Payload(tunnel))
	}
	return serialize(eth, ip, gopacket.Payload(tunnel))
}

func be16(v uint16) []byte    { return binary.BigEndian.AppendUint16(nil, v) }
func be32(v uint32) []byte    { return binary.BigEndian.AppendUint32(nil, v) }
func cat(bs ...[]byte) []byte { return bytes.Join(bs, nil) }

type frame struct {
	data    []byte
	origLen int // 0: len(data)
}

func writePcap(dir, name string, frames []frame) {
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	w := pcapgo.NewWriter(f)
	if err := w.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		log.Fatal(err)
	}
	for i, fr := range frames {
		ol := fr.origLen
		if ol == 0 {
			ol = len(fr.data)
		}
		ci := gopacket.CaptureInfo{Timestamp: base.Add(time.Duration(i) * 10 * time.Millisecond), CaptureLength: len(fr.data), Length: ol}
		if err := w.WritePacket(ci, fr.data); err != nil {
			log.Fatal(err)
		}
	}
}

// each builds one frame per segment of conversation(cISN, sISN) with wrap.
func each(p pair, cISN, sISN uint32, wrap func(i int, s seg) []byte) []frame {
	var out []frame
	for i, s := range conversation(cISN, sISN) {
		out = append(out, frame{data: wrap(i, s)})
	}
	return out
}

// gtpu is a GTPv1-U G-PDU around inner: flags (version 1, PT 1, E/S/PN as
// given), message type 0xff, length of everything after the 8 mandatory
// bytes, TEID, and, when any of E/S/PN is set, sequence number, N-PDU
// number and the next extension header type, then the extension headers.
func gtpu(e, s, pn bool, exts [][]byte, extTypes []byte, teid uint32, inner []byte) []byte {
	fl := byte(0x30)
	if e {
		fl |= 4
	}
	if s {
		fl |= 2
	}
	if pn {
		fl |= 1
	}
	var opt []byte
	if e || s || pn {
		next := byte(0)
		if e && len(extTypes) > 0 {
			next = extTypes[0]
		}
		opt = []byte{0x12, 0x34, 0x00, next}
		for i, x := range exts {
			nx := byte(0)
			if i+1 < len(extTypes) {
				nx = extTypes[i+1]
			}
			// x is the content; length in 4-byte units covers the length
			// byte, the content and the next-type byte.
			n := 1 + len(x) + 1
			if n%4 != 0 {
				log.Fatalf("extension content %d bytes: not a multiple of 4 with its length and next type", len(x))
			}
			opt = append(opt, byte(n/4))
			opt = append(opt, x...)
			opt = append(opt, nx)
		}
	}
	body := cat(opt, inner)
	return cat([]byte{fl, 0xff}, be16(uint16(len(body))), be32(teid), body)
}

func genGTPU(dir string) {
	var frames []frame
	// Conversation 1: IPv4 inside, no optional fields; uplink to port 2152
	// from 2152.
	p1 := pair{net.IPv4(10, 45, 0, 1).To4(), net.IPv4(93, 184, 216, 34).To4(), 40001, 80}
	frames = append(frames, each(p1, 1000, 5000, func(i int, s seg) []byte {
		g := gtpu(false, false, false, nil, nil, 0x100+uint32(i), innerIP(p1, s))
		if s.c2s {
			return outer("172.16.0.1", "172.16.0.2", 17, 2152, 2152, g)
		}
		return outer("172.16.0.2", "172.16.0.1", 17, 2152, 2152, g)
	})...)
	// Conversation 2: IPv6 inside, E bit with two chained extension
	// headers (PDU session container 0x85, UDP port 0x40); only the
	// destination port is 2152 one way, only the source the other.
	p2 := pair{net.ParseIP("2001:db8:45::1"), net.ParseIP("2001:db8:80::2"), 40002, 443}
	frames = append(frames, each(p2, 7000, 9000, func(i int, s seg) []byte {
		g := gtpu(true, false, false, [][]byte{{0x10, 0x09}, {0x08, 0x68}}, []byte{0x85, 0x40}, 0x200, innerIP(p2, s))
		if s.c2s {
			return outer("172.16.0.1", "172.16.0.2", 17, 33000, 2152, g)
		}
		return outer("172.16.0.2", "172.16.0.1", 17, 2152, 33000, g)
	})...)
	// Conversation 3: IPv4 inside, S and PN bits (4 optional bytes, no
	// extension).
	p3 := pair{net.IPv4(10, 45, 0, 3).To4(), net.IPv4(198, 51, 100, 7).To4(), 40003, 8080}
	frames = append(frames, each(p3, 300, 600, func(i int, s seg) []byte {
		g := gtpu(false, true, true, nil, nil, 0x300, innerIP(p3, s))
		return outer("172.16.0.1", "172.16.0.2", 17, 2152, 2152, g)
	})...)
	// An echo request (message type 1): GTP, but no T-PDU.
	echo := []byte{0x32, 0x01, 0x00, 0x04, 0, 0, 0, 0, 0x00, 0x01, 0x00, 0x00}
	frames = append(frames, frame{data: outer("172.16.0.1", "172.16.0.2", 17, 2152, 2152, echo)})
	writePcap(dir, "tun_gtpu.pcap", frames)
}

// gre is a GRE header: flags and version, protocol, and the optional
// sequence number when seq is set.
func gre(proto uint16, seq bool, n uint32) []byte {
	if seq {
		return cat(be16(0x1000), be16(proto), be32(n))
	}
	return cat(be16(0), be16(proto))
}

func genERSPAN(dir string) {
	var frames []frame
	// Type I: GRE without any flag, protocol 0x88be, no ERSPAN header.
	p1 := pair{net.IPv4(192, 168, 10, 1).To4(), net.IPv4(192, 168, 20, 2).To4(), 50001, 22}
	frames = append(frames, each(p1, 11, 22, func(i int, s seg) []byte {
		return outer("10.99.0.1", "10.99.0.2", 47, 0, 0, cat(gre(0x88be, false, 0), innerEther(p1, s)))
	})...)
	// Type II: GRE with a sequence number, 8-byte ERSPAN header version 1.
	p2 := pair{net.IPv4(192, 168, 10, 3).To4(), net.IPv4(192, 168, 20, 4).To4(), 50002, 80}
	frames = append(frames, each(p2, 33, 44, func(i int, s seg) []byte {
		// version 1, VLAN 100; COS 5, encap 0, T 0, session 42; reserved, index 7
		h := cat(be16(0x1000|100), be16(5<<13|42), be32(7))
		return outer("10.99.0.1", "10.99.0.2", 47, 0, 0, cat(gre(0x88be, true, uint32(i)), h, innerEther(p2, s)))
	})...)
	// Type III: protocol 0x22eb, 12-byte header version 2; every other
	// frame sets the O bit and carries the 8-byte platform subheader.
	p3 := pair{net.IPv4(192, 168, 10, 5).To4(), net.IPv4(192, 168, 20, 6).To4(), 50003, 443}
	frames = append(frames, each(p3, 55, 66, func(i int, s seg) []byte {
		o := uint16(i % 2)
		// version 2, VLAN 200; COS 3, BSO 0, T 0, session 77;
		// timestamp; SGT 9; P 1, FT 0, HW 5, D, Gra 1, O
		h := cat(be16(0x2000|200), be16(3<<13|77), be32(0x01020304+uint32(i)), be16(9), be16(0x8000|5<<4|uint16(i%2)<<3|1<<1|o))
		if o == 1 {
			// platform ID 7: reserved, source index 3; upper timestamp
			h = cat(h, be32(7<<26|3), be32(0))
		}
		return outer("10.99.0.1", "10.99.0.2", 47, 0, 0, cat(gre(0x22eb, true, uint32(i)), h, innerEther(p3, s)))
	})...)
	writePcap(dir, "tun_erspan.pcap", frames)
}

func genWCCP(dir string) {
	var frames []frame
	// WCCPv2: a 4-byte redirect header (type 0, dynamic service 0,
	// service 0, alternate bucket 0, primary bucket 12) then IPv4.
	p1 := pair{net.IPv4(10, 1, 1, 10).To4(), net.IPv4(203, 0, 113, 80).To4(), 51001, 80}
	frames = append(frames, each(p1, 101, 202, func(i int, s seg) []byte {
		return outer("10.1.1.1", "10.1.2.2", 47, 0, 0, cat(gre(0x883e, false, 0), []byte{0x00, 0x00, 0x00, 0x0c}, innerIP(p1, s)))
	})...)
	// WCCPv1: IPv4 straight after GRE.
	p2 := pair{net.IPv4(10, 1, 1, 11).To4(), net.IPv4(203, 0, 113, 81).To4(), 51002, 80}
	frames = append(frames, each(p2, 303, 404, func(i int, s seg) []byte {
		return outer("10.1.1.1", "10.1.2.2", 47, 0, 0, cat(gre(0x883e, false, 0), innerIP(p2, s)))
	})...)
	writePcap(dir, "tun_wccp.pcap", frames)
}

// dot11Data is an 802.11 data frame (to the AP: To DS) or from it (From
// DS), with the LLC/SNAP header of an IP datagram.
func dot11Data(toDS bool, p pair, s seg, seq int) []byte {
	fc := []byte{0x08, 0x01} // data, To DS
	a1, a2, a3 := []byte{2, 0, 0, 0, 9, 9}, []byte(macA), []byte(macB)
	if !toDS {
		fc = []byte{0x08, 0x02} // From DS
		a1, a2, a3 = []byte(macA), []byte{2, 0, 0, 0, 9, 9}, []byte(macB)
	}
	sc := uint16(seq<<4) & 0xfff0
	et := uint16(0x0800)
	if p.v6() {
		et = 0x86dd
	}
	h := cat(fc, be16(0), a1, a2, a3, []byte{byte(sc), byte(sc >> 8)})
	return cat(h, []byte{0xaa, 0xaa, 0x03, 0, 0, 0}, be16(et), innerIP(p, s))
}

func genAruba(dir string) {
	var frames []frame
	p1 := pair{net.IPv4(10, 20, 0, 5).To4(), net.IPv4(10, 30, 0, 9).To4(), 52001, 80}
	frames = append(frames, each(p1, 500, 900, func(i int, s seg) []byte {
		proto := uint16(0x8200)
		if i%2 == 1 {
			proto = 0x8240
		}
		return outer("10.20.0.254", "10.40.0.1", 47, 0, 0, cat(gre(proto, false, 0), dot11Data(s.c2s, p1, s, i)))
	})...)
	writePcap(dir, "tun_aruba.pcap", frames)
}

// capwapData is a CAPWAP data header: preamble 0, HLEN in 4-byte words,
// RID 0, WBID 1 (IEEE 802.11), the T bit, W bit with wireless info when
// wi is not nil, fragment ID, offset 0.
func capwapData(t bool, wi []byte) []byte {
	hlen := 2
	var opt []byte
	if wi != nil {
		opt = append([]byte{byte(len(wi))}, wi...)
		for len(opt)%4 != 0 {
			opt = append(opt, 0)
		}
		hlen += len(opt) / 4
	}
	v := uint32(hlen)<<19 | 1<<9
	if t {
		v |= 1 << 8
	}
	if wi != nil {
		v |= 1 << 5
	}
	return cat([]byte{0x00, byte(v >> 16), byte(v >> 8), byte(v)}, be16(0x0001), be16(0), opt)
}

// swapFC swaps the two bytes of an 802.11 frame control field, as Cisco
// access points send it in CAPWAP (tshark's capwap.swap_frame_control
// preference, on by default, undoes the swap).
func swapFC(f []byte) []byte {
	f[0], f[1] = f[1], f[0]
	return f
}

func genCAPWAP(dir string) {
	var frames []frame
	// 802.3 payload (T bit clear), the first without optional fields, the
	// second with wireless specific information (W bit, HLEN 4).
	p1 := pair{net.IPv4(10, 50, 0, 5).To4(), net.IPv4(10, 60, 0, 9).To4(), 53001, 80}
	frames = append(frames, each(p1, 1234, 5678, func(i int, s seg) []byte {
		var wi []byte
		if i%2 == 1 {
			wi = []byte{0xc4, 0x28, 0x00, 0x6c} // RSSI -60, SNR 40, data rate
		}
		if s.c2s {
			return outer("10.50.0.254", "10.70.0.1", 17, 12345, 5247, cat(capwapData(false, wi), innerEther(p1, s)))
		}
		return outer("10.70.0.1", "10.50.0.254", 17, 5247, 12345, cat(capwapData(false, wi), innerEther(p1, s)))
	})...)
	writePcap(dir, "tun_capwap.pcap", frames)
	// Native 802.11 payload (T bit set, WBID 1).
	var f2 []frame
	p2 := pair{net.IPv4(10, 50, 0, 6).To4(), net.IPv4(10, 60, 0, 10).To4(), 53002, 80}
	f2 = append(f2, each(p2, 4321, 8765, func(i int, s seg) []byte {
		if s.c2s {
			return outer("10.50.0.254", "10.70.0.1", 17, 12345, 5247, cat(capwapData(true, nil), swapFC(dot11Data(true, p2, s, i))))
		}
		return outer("10.70.0.1", "10.50.0.254", 17, 5247, 12345, cat(capwapData(true, nil), swapFC(dot11Data(false, p2, s, i))))
	})...)
	writePcap(dir, "tun_capwap_dot11.pcap", f2)
}

func deflate(b []byte) []byte {
	var out bytes.Buffer
	w, err := flate.NewWriter(&out, flate.BestCompression)
	if err != nil {
		log.Fatal(err)
	}
	w.Write(b)
	w.Close()
	return out.Bytes()
}

func genIPComp(dir string) {
	var frames []frame
	// IPv4 protocol 108: IPComp header (next header 6, flags 0, CPI 2 =
	// DEFLATE), then the TCP segment compressed with raw DEFLATE. Every
	// segment is compressed, as a sender compressing all datagrams of the
	// SA would (RFC 3173 lets it send small ones uncompressed; the second
	// conversation does that for its segments without payload).
	p1 := pair{net.IPv4(10, 80, 0, 1).To4(), net.IPv4(10, 90, 0, 2).To4(), 54001, 80}
	comp := func(p pair, s seg, always bool) []byte {
		ip, t := tcpLayers(p, s)
		whole := serialize(ip, t, gopacket.Payload(payload(s.data, 'a')))
		v4 := ip.(*layers.IPv4)
		ihl := int(v4.IHL) * 4
		if !always && s.data == 0 {
			return whole
		}
		c := deflate(whole[ihl:])
		h := cat([]byte{6, 0}, be16(2), c)
		v4.Protocol = 108
		return serialize(v4, gopacket.Payload(h))
	}
	frames = append(frames, each(p1, 7777, 8888, func(i int, s seg) []byte {
		return ether(comp(p1, s, true), s.c2s)
	})...)
	p2 := pair{net.IPv4(10, 80, 0, 3).To4(), net.IPv4(10, 90, 0, 4).To4(), 54002, 80}
	frames = append(frames, each(p2, 1111, 2222, func(i int, s seg) []byte {
		return ether(comp(p2, s, false), s.c2s)
	})...)
	writePcap(dir, "tun_ipcomp.pcap", frames)
}

func ether(ip []byte, c2s bool) []byte {
	src, dst := macA, macB
	if !c2s {
		src, dst = dst, src
	}
	et := layers.EthernetTypeIPv4
	if ip[0]>>4 == 6 {
		et = layers.EthernetTypeIPv6
	}
	return serialize(&layers.Ethernet{SrcMAC: src, DstMAC: dst, EthernetType: et}, gopacket.Payload(ip))
}

// sflowDatagram is an sFlow v5 datagram from agent 10.200.0.1 with one flow
// sample per sampled header (raw packet header records, header protocol 1
// = Ethernet), each holding at most snap bytes of its frame.
func sflowDatagram(seq uint32, frames [][]byte, snap int) []byte {
	d := cat(be32(5), be32(1), []byte{10, 200, 0, 1}, be32(0), be32(seq), be32(123456), be32(uint32(len(frames))))
	for i, f := range frames {
		h := f
		if len(h) > snap {
			h = h[:snap]
		}
		hp := append([]byte(nil), h...)
		for len(hp)%4 != 0 {
			hp = append(hp, 0)
		}
		// frame length on the wire counts the 4-byte FCS stripped off
		rec := cat(be32(1), be32(uint32(len(f)+4)), be32(4), be32(uint32(len(h))), hp)
		records := cat(be32(1), be32(uint32(len(rec))), rec)
		body := cat(be32(seq*10+uint32(i)), be32(3), be32(1024), be32(1024*(seq+1)), be32(0), be32(3), be32(4), be32(1), records)
		d = cat(d, be32(1), be32(uint32(len(body))), body)
	}
	return d
}

func genSFlow(dir string) {
	// A 1-in-1024 sample of two conversations: each datagram carries
	// sampled headers (first 64 bytes of each frame: Ethernet, IPv4, TCP
	// and a little payload). The first sample of every datagram is from
	// conversation 1; some datagrams carry a second sample from
	// conversation 2.
	p1 := pair{net.IPv4(10, 210, 0, 1).To4(), net.IPv4(10, 220, 0, 2).To4(), 55001, 80}
	p2 := pair{net.IPv4(10, 210, 0, 3).To4(), net.IPv4(10, 220, 0, 4).To4(), 55002, 443}
	c1 := conversation(3000, 4000)
	c2 := conversation(6000, 7000)
	var frames []frame
	for i, s := range c1 {
		hs := [][]byte{innerEther(p1, s)}
		if i%3 == 0 {
			hs = append(hs, innerEther(p2, c2[i]))
		}
		frames = append(frames, frame{data: outer("10.200.0.1", "10.200.0.100", 17, 50000, 6343, sflowDatagram(uint32(i+1), hs, 64))})
	}
	// Then a third conversation, first in its datagrams: tshark numbered
	// conversation 2 (seen only as second samples) stream 1, so this one
	// is stream 2.
	p3 := pair{net.IPv4(10, 210, 0, 5).To4(), net.IPv4(10, 220, 0, 6).To4(), 55003, 8080}
	for i, s := range conversation(9000, 9500)[:3] {
		hs := [][]byte{innerEther(p3, s)}
		frames = append(frames, frame{data: outer("10.200.0.1", "10.200.0.100", 17, 50000, 6343, sflowDatagram(uint32(20+i), hs, 64))})
	}
	// A datagram whose first sample is not TCP (a UDP datagram) and whose
	// second is conversation 3's data: tshark's TCP fields are the second's.
	uip := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: layers.IPProtocolUDP, SrcIP: net.IPv4(10, 210, 0, 9).To4(), DstIP: net.IPv4(10, 220, 0, 53).To4()}
	uu := &layers.UDP{SrcPort: 5353, DstPort: 53}
	if err := uu.SetNetworkLayerForChecksum(uip); err != nil {
		log.Fatal(err)
	}
	ud := serialize(&layers.Ethernet{SrcMAC: macA, DstMAC: macB, EthernetType: layers.EthernetTypeIPv4}, uip, uu, gopacket.Payload(payload(30, 'A')))
	hs := [][]byte{ud, innerEther(p3, conversation(9000, 9500)[3])}
	frames = append(frames, frame{data: outer("10.200.0.1", "10.200.0.100", 17, 50000, 6343, sflowDatagram(30, hs, 64))})
	writePcap(dir, "tun_sflow.pcap", frames)
}

// Bug captures.

// genFragSnap writes a conversation whose client data segment is sent as two
// IPv4 fragments, the first cut by the snap length (96 bytes kept of each
// frame), so that its TCP header is whole but its payload is not.
func genFragSnap(dir string) {
	p := pair{net.IPv4(10, 0, 0, 1).To4(), net.IPv4(10, 0, 0, 2).To4(), 56001, 80}
	var frames []frame
	for i, s := range conversation(100, 200) {
		d := innerEther(p, s)
		if s.data == 0 {
			frames = append(frames, frame{data: d})
			continue
		}
		// Split the IP payload at 48 bytes (a multiple of 8).
		ip := d[14:]
		ihl := int(ip[0]&0x0f) * 4
		pl := ip[ihl:]
		mk := func(part []byte, off int, mf bool) []byte {
			v4 := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: 6, SrcIP: net.IP(ip[12:16]), DstIP: net.IP(ip[16:20]), Id: uint16(0x5000 + i), FragOffset: uint16(off / 8)}
			if mf {
				v4.Flags = layers.IPv4MoreFragments
			}
			return serialize(&layers.Ethernet{SrcMAC: net.HardwareAddr(d[6:12]), DstMAC: net.HardwareAddr(d[0:6]), EthernetType: layers.EthernetTypeIPv4}, v4, gopacket.Payload(part))
		}
		first := mk(pl[:48], 0, true)
		second := mk(pl[48:], 48, false)
		if i == 3 || i == 5 {
			// the client's data (and its retransmission): first fragment cut to 60 bytes
			frames = append(frames, frame{data: first[:60], origLen: len(first)}, frame{data: second})
			continue
		}
		frames = append(frames, frame{data: first}, frame{data: second})
	}
	writePcap(dir, "tun_bug_frag_snap.pcap", frames)
}

// genShortSYN writes a conversation and then a SYN on the same ports with a
// new sequence number whose TCP header claims 40 bytes (with options) but
// whose IP datagram ends after 24 bytes of it; then a proper new SYN.
func genShortSYN(dir string) {
	p := pair{net.IPv4(10, 0, 1, 1).To4(), net.IPv4(10, 0, 1, 2).To4(), 57001, 80}
	var frames []frame
	for _, s := range conversation(100, 200) {
		frames = append(frames, frame{data: innerEther(p, s)})
	}
	ip, t := tcpLayers(p, seg{true, "S", 900000, 0, 0})
	t.Options = []layers.TCPOption{{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{0x05, 0xb4}},
		{OptionType: layers.TCPOptionKindNop}, {OptionType: layers.TCPOptionKindWindowScale, OptionLength: 3, OptionData: []byte{7}},
		{OptionType: layers.TCPOptionKindSACKPermitted, OptionLength: 2}, {OptionType: layers.TCPOptionKindTimestamps, OptionLength: 10, OptionData: make([]byte, 8)}}
	whole := serialize(&layers.Ethernet{SrcMAC: macA, DstMAC: macB, EthernetType: layers.EthernetTypeIPv4}, ip, t)
	// IP total length: 20 + 24, so the datagram ends inside the options.
	cut := whole[:14+20+24]
	binary.BigEndian.PutUint16(cut[14+2:], 44)
	binary.BigEndian.PutUint16(cut[14+10:], 0)
	binary.BigEndian.PutUint16(cut[14+10:], ipChecksum(cut[14:34]))
	frames = append(frames, frame{data: cut})
	for _, s := range conversation(900000, 1900000)[:3] {
		frames = append(frames, frame{data: innerEther(p, s)})
	}
	writePcap(dir, "tun_bug_short_syn.pcap", frames)
}

func ipChecksum(h []byte) uint16 {
	var sum uint32
	for i := 0; i+1 < len(h); i += 2 {
		sum += uint32(h[i])<<8 | uint32(h[i+1])
	}
	for sum > 0xffff {
		sum = sum>>16 + sum&0xffff
	}
	return ^uint16(sum)
}

// genPcapngTS writes a pcapng file (µs resolution) whose timestamps have
// the top bit set: the first 0xffffffffe1dfd279, far in the future.
func genPcapngTS(dir string) {
	p := pair{net.IPv4(10, 0, 2, 1).To4(), net.IPv4(10, 0, 2, 2).To4(), 58001, 80}
	var out []byte
	le := binary.LittleEndian
	block := func(typ uint32, body []byte) {
		for len(body)%4 != 0 {
			body = append(body, 0)
		}
		n := uint32(12 + len(body))
		out = le.AppendUint32(out, typ)
		out = le.AppendUint32(out, n)
		out = append(out, body...)
		out = le.AppendUint32(out, n)
	}
	shb := le.AppendUint32(nil, 0x1a2b3c4d)
	shb = le.AppendUint16(shb, 1)
	shb = le.AppendUint16(shb, 0)
	shb = le.AppendUint64(shb, ^uint64(0))
	block(0x0a0d0d0a, shb)
	idb := le.AppendUint16(nil, 1)
	idb = le.AppendUint16(idb, 0)
	idb = le.AppendUint32(idb, 65535)
	block(1, idb)
	ts := uint64(0xffffffffe1dfd279)
	for i, s := range conversation(100, 200) {
		d := innerEther(p, s)
		t := ts + uint64(i)*10000
		epb := le.AppendUint32(nil, 0)
		epb = le.AppendUint32(epb, uint32(t>>32))
		epb = le.AppendUint32(epb, uint32(t))
		epb = le.AppendUint32(epb, uint32(len(d)))
		epb = le.AppendUint32(epb, uint32(len(d)))
		epb = append(epb, d...)
		block(6, epb)
	}
	if err := os.WriteFile(filepath.Join(dir, "tun_bug_pcapng_ts.pcapng"), out, 0o644); err != nil {
		log.Fatal(err)
	}
}

// genPcapUsec writes a pcap file (µs) whose records' microsecond fields
// are 10^6 or more: 0x80000000, 0xffffffff, 4294967 (beside 999999).
// Values from 10^6 to 4294966 are left to decode/capfile's handmade tests:
// tshark adds them as they are (1000000 µs is one more second) but prints
// frame.time_relative unnormalized ("2.1000000000" for 2 s + 10^9 ns), which
// the oracle's comparison would read as 2.1.
func genPcapUsec(dir string) {
	p := pair{net.IPv4(10, 0, 3, 1).To4(), net.IPv4(10, 0, 3, 2).To4(), 59001, 80}
	le := binary.LittleEndian
	out := le.AppendUint32(nil, 0xa1b2c3d4)
	out = le.AppendUint16(out, 2)
	out = le.AppendUint16(out, 4)
	out = le.AppendUint32(out, 0)
	out = le.AppendUint32(out, 0)
	out = le.AppendUint32(out, 65535)
	out = le.AppendUint32(out, 1)
	usecs := []uint32{0, 999999, 0x80000000, 0xffffffff, 4294967, 5, 6, 7, 8, 9, 10}
	for i, s := range conversation(100, 200) {
		d := innerEther(p, s)
		out = le.AppendUint32(out, uint32(1700000000+i))
		out = le.AppendUint32(out, usecs[i%len(usecs)])
		out = le.AppendUint32(out, uint32(len(d)))
		out = le.AppendUint32(out, uint32(len(d)))
		out = append(out, d...)
	}
	if err := os.WriteFile(filepath.Join(dir, "tun_bug_pcap_usec.pcap"), out, 0o644); err != nil {
		log.Fatal(err)
	}
}

func main() {
	dir := "testdata/encap"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	genGTPU(dir)
	genERSPAN(dir)
	genWCCP(dir)
	genAruba(dir)
	genCAPWAP(dir)
	genIPComp(dir)
	genSFlow(dir)
	genFragSnap(dir)
	genShortSYN(dir)
	genPcapngTS(dir)
	genPcapUsec(dir)
	fmt.Println("wrote the tun_* captures to", dir)
}
