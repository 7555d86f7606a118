// Command gen writes the link-layer test captures of testdata/encap
// (link_*.pcap): one short TCP conversation (handshake, data both ways, FIN
// close) per capture, each segment wrapped in the link layer under test,
// with that layer's edge cases mixed in (802.11 QoS, four addresses, HT
// control, FCS, data padding, a protected frame, management and control
// frames; stacked Ethernet tags; Juniper extension TLVs).
//
// IP and TCP headers (with checksums), Ethernet, 802.1Q, LLC, SNAP and the
// plain 802.11 header are serialized by gopacket's layers; radiotap, QoS
// data, FDDI, Juniper and the tags gopacket does not build are written by
// hand here. What the captures mean is not taken from this program: the
// expected answers are tshark's (testdata/encap/expected, written by
// ../shared/oracle/tshark-expect.sh).
//
// Run from the repository root:
//
//	go run ./testdata/encap/gen
package main

import (
	"encoding/binary"
	"hash/crc32"
	"log"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// seg is one TCP segment of the conversation; c2s says it goes client to
// server.
type seg struct {
	c2s     bool
	flags   string
	seq     uint32
	ack     uint32
	payload int
}

var (
	client = net.IP{10, 1, 0, 2}
	server = net.IP{10, 1, 0, 1}
	cmac   = net.HardwareAddr{0x02, 0x00, 0x00, 0x00, 0x00, 0x02}
	smac   = net.HardwareAddr{0x02, 0x00, 0x00, 0x00, 0x00, 0x01}
	bssid  = net.HardwareAddr{0x02, 0x00, 0x00, 0x00, 0x00, 0xaa}
)

// conversation is the exchange every capture carries: handshake, 20 bytes
// from the client, 30 from the server, FIN from each side.
func conversation() []seg {
	const ci, si = 1000, 5000
	return []seg{
		{true, "S", ci, 0, 0},
		{false, "SA", si, ci + 1, 0},
		{true, "A", ci + 1, si + 1, 0},
		{true, "PA", ci + 1, si + 1, 20},
		{false, "A", si + 1, ci + 21, 0},
		{false, "PA", si + 1, ci + 21, 30},
		{true, "A", ci + 21, si + 31, 0},
		{true, "FA", ci + 21, si + 31, 0},
		{false, "FA", si + 31, ci + 22, 0},
		{true, "A", ci + 22, si + 32, 0},
	}
}

func serialize(ls ...gopacket.SerializableLayer) []byte {
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if err := gopacket.SerializeLayers(buf, opts, ls...); err != nil {
		log.Fatal(err)
	}
	return append([]byte(nil), buf.Bytes()...)
}

// ipPacket is segment s as an IPv4 packet.
func ipPacket(s seg, id uint16) []byte {
	src, dst, sp, dp := client, server, layers.TCPPort(40001), layers.TCPPort(80)
	if !s.c2s {
		src, dst, sp, dp = server, client, dp, sp
	}
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: src, DstIP: dst, Id: id, Flags: layers.IPv4DontFragment}
	tcp := &layers.TCP{SrcPort: sp, DstPort: dp, Seq: s.seq, Ack: s.ack, Window: 64240}
	for _, f := range s.flags {
		switch f {
		case 'S':
			tcp.SYN = true
		case 'A':
			tcp.ACK = true
		case 'P':
			tcp.PSH = true
		case 'F':
			tcp.FIN = true
		}
	}
	if err := tcp.SetNetworkLayerForChecksum(ip); err != nil {
		log.Fatal(err)
	}
	pay := make([]byte, s.payload)
	for i := range pay {
		pay[i] = 'a' + byte(i%26)
	}
	return serialize(ip, tcp, gopacket.Payload(pay))
}

// snapIPv4 is LLC (SNAP SAPs, UI) and SNAP for EtherType IPv4, as 802.11
// and FDDI carry IP.
func snapIPv4(ip []byte) []byte {
	return serialize(&layers.LLC{DSAP: 0xaa, SSAP: 0xaa, Control: 3},
		&layers.SNAP{OrganizationalCode: []byte{0, 0, 0}, Type: layers.EthernetTypeIPv4}, gopacket.Payload(ip))
}

func le16(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }
func be16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

func cat(bs ...[]byte) []byte {
	var out []byte
	for _, b := range bs {
		out = append(out, b...)
	}
	return out
}

// radiotap builds a radiotap header with TSFT, Flags, Rate, Channel and
// antenna signal; ext adds a second (empty) present word.
func radiotap(flags uint8, ext bool) []byte {
	present := uint32(1<<0 | 1<<1 | 1<<2 | 1<<3 | 1<<5)
	words := le32(present)
	if ext {
		words = cat(le32(present|1<<31), le32(0))
	}
	h := cat([]byte{0, 0, 0, 0}, words)
	for len(h)%8 != 0 {
		h = append(h, 0) // TSFT is 8-aligned
	}
	h = cat(h, binary.LittleEndian.AppendUint64(nil, 123456789), []byte{flags, 0x0c}, le16(2437), le16(0x00a0), []byte{0xc4})
	binary.LittleEndian.PutUint16(h[2:], uint16(len(h)))
	return h
}

// dot11Data is an 802.11 data frame header from gopacket's Dot11 (no QoS).
func dot11Data(c2s bool, four bool) []byte {
	d := &layers.Dot11{Type: layers.Dot11TypeData, SequenceNumber: 7}
	if c2s {
		d.Flags = layers.Dot11FlagsToDS
		d.Address1, d.Address2, d.Address3 = bssid, cmac, smac
	} else {
		d.Flags = layers.Dot11FlagsFromDS
		d.Address1, d.Address2, d.Address3 = cmac, bssid, smac
	}
	if four {
		d.Flags = layers.Dot11FlagsToDS | layers.Dot11FlagsFromDS
		d.Address4 = smac
		if !c2s {
			d.Address4 = cmac
		}
	}
	return serialize(d)
}

// qosData is a QoS data header, by hand: fc1 holds the DS, protected and
// order bits; the HT control field follows when the order bit is set.
func qosData(fc1 uint8, tid uint8) []byte {
	h := cat([]byte{0x88, fc1}, le16(44), bssid, cmac, smac, le16(0x0230))
	if fc1&3 == 3 {
		h = append(h, smac...)
	}
	h = append(h, tid, 0)
	if fc1&0x80 != 0 {
		h = append(h, 0x00, 0x00, 0x00, 0x00) // HT control
	}
	return h
}

// beacon is an 802.11 beacon with an SSID element.
func beacon() []byte {
	bc := net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	h := cat([]byte{0x80, 0}, le16(0), bc, bssid, bssid, le16(0x0100))
	body := cat(binary.LittleEndian.AppendUint64(nil, 1), le16(100), le16(0x0401), []byte{0, 4}, []byte("test"))
	return cat(h, body)
}

// ack is an 802.11 ACK control frame.
func ack() []byte { return cat([]byte{0xd4, 0}, le16(0), cmac) }

// protected is a protected (CCMP) data frame: header, CCMP header, cipher
// text, MIC.
func protected() []byte {
	h := cat([]byte{0x08, 0x41}, le16(44), bssid, cmac, smac, le16(0x0240))
	body := cat([]byte{1, 0, 0, 0x20, 0, 0, 0, 0}, []byte("0123456789abcdefghij"), make([]byte, 8))
	return cat(h, body)
}

// nullFunc is an 802.11 null function frame (a data frame without data).
func nullFunc() []byte { return cat([]byte{0x48, 0x11}, le16(44), bssid, cmac, bssid, le16(0x0250)) }

func fcs(b []byte) []byte { return le32(crc32.ChecksumIEEE(b)) }

func ether(dst, src net.HardwareAddr, t uint16) []byte { return cat(dst, src, be16(t)) }

// juniper is a Juniper header: magic, flags, and with ext one extension
// TLV (type 1, the interface index) counted by its length field.
func juniper(flags uint8, ext bool) []byte {
	h := []byte{'M', 'G', 'C', flags}
	if ext {
		h[3] |= 0x80
		tlv := []byte{1, 4, 7, 0, 0, 0}
		h = cat(h, be16(uint16(len(tlv))), tlv)
	}
	return h
}

type capture struct {
	name string
	link layers.LinkType
	// wrap puts segment i (as IP packet ip) in the link layer; extra
	// returns frames to write before segment i.
	wrap  func(i int, s seg, ip []byte) []byte
	extra func(i int) [][]byte
	// again, when not 0, is a segment sent a second time right after the
	// next one (a retransmission for tshark's analysis).
	again int
}

func captures() []capture {
	return []capture{
		{
			name: "link_radiotap", link: layers.LinkTypeIEEE80211Radio,
			wrap: func(i int, s seg, ip []byte) []byte {
				f := cat(dot11Data(s.c2s, false), snapIPv4(ip))
				if i%3 == 1 {
					return cat(radiotap(0x10, false), f, fcs(f)) // FCS present
				}
				return cat(radiotap(0x00, i == 2), f)
			},
			extra: func(i int) [][]byte {
				switch i {
				case 0:
					return [][]byte{cat(radiotap(0, false), beacon())}
				case 3:
					return [][]byte{cat(radiotap(0, false), ack()), cat(radiotap(0, false), protected())}
				case 6:
					return [][]byte{cat(radiotap(0, false), nullFunc())}
				}
				return nil
			},
		},
		{
			name: "link_radiotap_qos", link: layers.LinkTypeIEEE80211Radio, again: 3,
			wrap: func(i int, s seg, ip []byte) []byte {
				fc1 := uint8(0x01)
				if !s.c2s {
					fc1 = 0x02
				}
				switch i % 4 {
				case 1:
					fc1 = 0x03 // four addresses
				case 2:
					fc1 |= 0x80 // HT control
				case 3:
					fc1 = 0x83 // both
				}
				h := qosData(fc1, uint8(i%8))
				rflags := uint8(0)
				if i%2 == 1 {
					// data padding to a multiple of 4 bytes
					rflags = 0x20
					for len(h)%4 != 0 {
						h = append(h, 0)
					}
				}
				f := cat(h, snapIPv4(ip))
				if i >= 7 {
					return cat(radiotap(rflags|0x10, true), f, fcs(f))
				}
				return cat(radiotap(rflags, false), f)
			},
			extra: func(i int) [][]byte {
				if i == 4 {
					return [][]byte{cat(radiotap(0, false), qosData(0x41, 0), []byte("encrypted bytes, not LLC"))}
				}
				return nil
			},
		},
		{
			name: "link_dot11", link: layers.LinkTypeIEEE802_11,
			wrap: func(i int, s seg, ip []byte) []byte {
				if i%2 == 0 {
					return cat(dot11Data(s.c2s, i == 4), snapIPv4(ip))
				}
				fc1 := uint8(0x01)
				if !s.c2s {
					fc1 = 0x02
				}
				return cat(qosData(fc1, 5), snapIPv4(ip))
			},
			extra: func(i int) [][]byte {
				switch i {
				case 0:
					return [][]byte{beacon()}
				case 5:
					return [][]byte{protected(), ack()}
				}
				return nil
			},
		},
		{
			name: "link_fddi", link: layers.LinkTypeFDDI,
			wrap: func(i int, s seg, ip []byte) []byte {
				d, sa := smac, cmac
				if !s.c2s {
					d, sa = cmac, smac
				}
				return cat([]byte{0x50}, d, sa, snapIPv4(ip))
			},
			extra: func(i int) [][]byte {
				if i == 2 {
					// an SMT frame (NIF)
					return [][]byte{cat([]byte{0x41}, smac, cmac, []byte{0x01, 0x01, 0x00, 0x01}, make([]byte, 28))}
				}
				return nil
			},
		},
		{
			name: "link_ppp_chdlc", link: layers.LinkTypePPP,
			wrap: func(i int, s seg, ip []byte) []byte {
				if i%2 == 0 {
					addr := byte(0x0f)
					if i == 4 {
						addr = 0x8f
					}
					return cat([]byte{addr, 0x00}, be16(0x0800), ip)
				}
				return cat([]byte{0xff, 0x03}, be16(0x0021), ip)
			},
			extra: func(i int) [][]byte {
				if i == 3 {
					// SLARP keepalive
					return [][]byte{cat([]byte{0x8f, 0x00}, be16(0x8035), be16(0), be16(2), be16(0), be16(1), be16(0), be16(0), be16(0xffff))}
				}
				return nil
			},
		},
		{
			name: "link_juniper_ether", link: layers.LinkType(178),
			wrap: func(i int, s seg, ip []byte) []byte {
				d, sa, dir := smac, cmac, uint8(1)
				if !s.c2s {
					d, sa, dir = cmac, smac, 0
				}
				return cat(juniper(dir, i%2 == 1), ether(d, sa, 0x0800), ip)
			},
		},
		{
			name: "link_juniper_ppp", link: layers.LinkType(179),
			wrap: func(i int, s seg, ip []byte) []byte {
				return cat(juniper(btou8(s.c2s), i%3 == 0), []byte{0x00, 0x00}, be16(0x0021), ip)
			},
		},
		{
			name: "link_juniper_chdlc", link: layers.LinkType(181),
			wrap: func(i int, s seg, ip []byte) []byte {
				return cat(juniper(btou8(s.c2s), i%2 == 0), []byte{0x0f, 0x00}, be16(0x0800), ip)
			},
		},
		{
			name: "link_juniper_ggsn", link: layers.LinkType(133),
			wrap: func(i int, s seg, ip []byte) []byte {
				return cat(juniper(btou8(s.c2s), i == 5), le16(2), le16(100), ip)
			},
		},
		{
			name: "link_juniper_svcs", link: layers.LinkType(136),
			wrap: func(i int, s seg, ip []byte) []byte {
				dir := btou8(s.c2s)
				cookie := make([]byte, 12)
				if dir == 1 {
					cookie = make([]byte, 16)
				}
				cookie[0] = 0x0a
				return cat(juniper(dir, false), cookie, ip)
			},
		},
		{
			name: "link_juniper_vp", link: layers.LinkType(183),
			wrap: func(i int, s seg, ip []byte) []byte {
				return cat(juniper(btou8(s.c2s), i%2 == 1), make([]byte, 18), ip)
			},
		},
		{
			name: "link_juniper_atm1_nol2", link: layers.LinkType(137),
			wrap: func(i int, s seg, ip []byte) []byte {
				return cat(juniper(btou8(s.c2s)|0x02, false), le32(2), ip)
			},
		},
		{
			name: "link_juniper_mlppp_nol2", link: layers.LinkType(130),
			wrap: func(i int, s seg, ip []byte) []byte {
				return cat(juniper(btou8(s.c2s)|0x02, i%2 == 0), le32(2), ip)
			},
		},
		{
			name: "link_ethtags", link: layers.LinkTypeEthernet, again: 5,
			wrap: func(i int, s seg, ip []byte) []byte {
				d, sa := smac, cmac
				if !s.c2s {
					d, sa = cmac, smac
				}
				vlan := func(id, next uint16) []byte { return cat(be16(id), be16(next)) }
				vntag := func(next uint16) []byte { return cat([]byte{0x80, 0x05, 0x00, 0x12}, be16(next)) }
				etag := func(next uint16) []byte { return cat([]byte{0x20, 0x00, 0x10, 0x2a, 0x00, 0x00}, be16(next)) }
				// FabricPath: outer hierarchical addresses, 0x8903, FTag 1 and TTL 32.
				fp := cat([]byte{0x02, 0x00, 0x0a, 0x00, 0x00, 0x01}, []byte{0x02, 0x00, 0x0b, 0x00, 0x00, 0x02}, be16(0x8903), be16(1<<6|32))
				var f []byte
				switch i % 6 {
				case 0:
					f = cat(ether(d, sa, 0x8926), vntag(0x8100), vlan(10, 0x0800))
				case 1:
					f = cat(ether(d, sa, 0x8100), vlan(20, 0x8926), vntag(0x0800))
				case 2:
					f = cat(ether(d, sa, 0x893f), etag(0x8100), vlan(30, 0x0800))
				case 3:
					f = cat(ether(d, sa, 0x88a8), vlan(100, 0x8100), vlan(40, 0x893f), etag(0x8926), vntag(0x0800))
				case 4:
					f = cat(fp, ether(d, sa, 0x8100), vlan(50, 0x0800), ip)
					return cat(f, fcs(f)) // a FabricPath frame ends with its FCS
				case 5:
					f = cat(fp[:12], be16(0x8100), be16(60), fp[12:], ether(d, sa, 0x893f), etag(0x0800), ip)
					return cat(f, fcs(f))
				}
				return cat(f, ip)
			},
		},
	}
}

func btou8(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

func main() {
	dir := filepath.Join("testdata", "encap")
	if _, err := os.Stat(dir); err != nil {
		log.Fatalf("run from the repository root: %v", err)
	}
	for _, c := range captures() {
		var frames [][]byte
		for i, s := range conversation() {
			if c.extra != nil {
				frames = append(frames, c.extra(i)...)
			}
			frames = append(frames, c.wrap(i, s, ipPacket(s, uint16(100+i))))
			if c.again != 0 && i == c.again+1 {
				r := conversation()[c.again]
				frames = append(frames, c.wrap(c.again, r, ipPacket(r, uint16(200+i))))
			}
		}
		path := filepath.Join(dir, c.name+".pcap")
		f, err := os.Create(path)
		if err != nil {
			log.Fatal(err)
		}
		w := pcapgo.NewWriter(f)
		if err := w.WriteFileHeader(65535, c.link); err != nil {
			log.Fatal(err)
		}
		t := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
		for _, fr := range frames {
			ci := gopacket.CaptureInfo{Timestamp: t, CaptureLength: len(fr), Length: len(fr)}
			if err := w.WritePacket(ci, fr); err != nil {
				log.Fatal(err)
			}
			t = t.Add(12345 * time.Microsecond)
		}
		if err := f.Close(); err != nil {
			log.Fatal(err)
		}
	}
}
