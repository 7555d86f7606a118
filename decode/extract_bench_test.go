package decode

import (
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/tcpstep/tcpstep/model"
)

// benchFrames are typical frames: Ethernet/IPv4/TCP with timestamps, and a
// VLAN-tagged IPv6/TCP with timestamps, each carrying 100 bytes of data.
func benchFrames() map[string][]byte {
	ts := []byte{1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2}
	s := tcpSpec{sport: 40000, dport: 443, seq: 1, ack: 2, flags: 0x18, win: 501, opts: ts, payload: make([]byte, 100)}.bytes()
	return map[string][]byte{
		"eth-ipv4-tcp":  eth(0x0800, ipv4("192.0.2.1", "198.51.100.2", 6, 1, 0x4000, s)),
		"vlan-ipv6-tcp": eth(0x8100, cat(put16(0x0064), put16(0x86dd), ipv6("2001:db8::1", "2001:db8::2", 6, s))),
	}
}

func BenchmarkExtract(b *testing.B) {
	for name, f := range benchFrames() {
		b.Run(name, func(b *testing.B) {
			d := newDissector()
			b.SetBytes(int64(len(f)))
			b.ReportAllocs()
			n := uint32(0)
			for b.Loop() {
				n++
				if ex := d.Extract(n, 1, f, uint32(len(f))); ex.Kind != model.FrameTCP {
					b.Fatal(ex.Reason)
				}
			}
		})
	}
}

func BenchmarkDissect(b *testing.B) {
	for name, f := range benchFrames() {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if d := Dissect(1, f); d.Problem != "" {
					b.Fatal(d.Problem)
				}
			}
		})
	}
}

// BenchmarkExtractFragments reassembles a datagram of 11 fragments.
func BenchmarkExtractFragments(b *testing.B) {
	s := tcpSpec{sport: 40000, dport: 80, seq: 1, ack: 2, flags: 0x18, win: 501, payload: make([]byte, 1580)}.bytes()
	var frames [][]byte
	for off := 0; off < len(s); off += 144 {
		end := min(off+144, len(s))
		ff := uint16(off / 8)
		if end < len(s) {
			ff |= 0x2000
		}
		frames = append(frames, eth(0x0800, ipv4("192.0.2.1", "198.51.100.2", 6, 0x425f, ff, s[off:end])))
	}
	d := newDissector()
	b.ReportAllocs()
	n := uint32(0)
	for b.Loop() {
		var ex extracted
		for _, f := range frames {
			n++
			ex = d.Extract(n, 1, f, uint32(len(f)))
		}
		if ex.Kind != model.FrameTCP {
			b.Fatal(ex.Reason)
		}
	}
}

// BenchmarkGopacketReference decodes the same frames with gopacket's
// DecodingLayerParser (Ethernet, Dot1Q, IPv4, IPv6, TCP), the fastest
// gopacket path, as a yardstick for Extract on a loaded or slow machine.
func BenchmarkGopacketReference(b *testing.B) {
	var (
		eth  layers.Ethernet
		vlan layers.Dot1Q
		ip4  layers.IPv4
		ip6  layers.IPv6
		tcp  layers.TCP
	)
	p := gopacket.NewDecodingLayerParser(layers.LayerTypeEthernet, &eth, &vlan, &ip4, &ip6, &tcp)
	p.IgnoreUnsupported = true
	decoded := make([]gopacket.LayerType, 0, 8)
	for name, f := range benchFrames() {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := p.DecodeLayers(f, &decoded); err != nil || decoded[len(decoded)-1] != layers.LayerTypeTCP {
					b.Fatal(err, decoded)
				}
			}
		})
	}
}
