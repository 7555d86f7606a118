package decode

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/tcpstep/tcpstep/model"
)

// Dissect decodes one frame of the given link type into layers and fields
// for views. Layers are the headers' own byte ranges, in frame order and
// never overlapping, so a hex dump can colour each byte by the one layer it
// belongs to; a field's range lies inside its layer's, a child's inside its
// parent's. Bytes after the last layer (Ethernet padding, a trailer) form a
// trailer layer. When a header is cut short or bad, Problem says so and the
// layers decoded so far are kept, followed by the undecoded bytes. Every
// value is printable: capture bytes appear hex-encoded or quoted.
//
// Dissect does not reassemble fragments: a fragment shows its IP header and
// its fragment data.
func Dissect(linkType uint16, data []byte) model.Dissection {
	var w walker
	w.walk(linkType, data, 0)
	if w.sampled && w.out == outOther {
		w.resample(linkType, data, 0)
	}
	var out model.Dissection
	out.Layers = make([]model.Layer, 0, w.n+1)
	// lastIP is the index of the innermost IP header: IP headers and
	// extension headers before it belong to tunnels.
	lastIP := -1
	for i := 0; i < w.n; i++ {
		if id := w.spans[i].id; id == lIPv4 || id == lIPv6 {
			lastIP = i
		}
	}
	end := 0
	for i := 0; i < w.n; i++ {
		sp := w.spans[i]
		if sp.start < end || sp.end < sp.start || sp.end > len(data) {
			continue // cannot happen; keeps the layers ordered regardless
		}
		l := describe(&w, i, lastIP)
		out.Layers = append(out.Layers, l)
		end = sp.end
	}
	if end < len(data) {
		out.Layers = append(out.Layers, model.Layer{
			Name: "Trailer", Kind: model.LayerTrailer, Start: end, End: len(data),
			Fields: []model.Field{{Name: "Bytes", Value: hexValue(data[end:]), Start: end, End: len(data)}},
		})
	}
	if w.out == outBad {
		out.Problem = w.reason
	}
	if w.out == outComp {
		out.Problem = compProblem(&w)
	}
	return out
}

// hexLimit is how many bytes a hex value shows before it is abbreviated.
const hexLimit = 64

// hexValue hex-encodes b, abbreviated past hexLimit bytes.
func hexValue(b []byte) string {
	if len(b) <= hexLimit {
		return hex.EncodeToString(b)
	}
	return fmt.Sprintf("%s… (%d bytes)", hex.EncodeToString(b[:hexLimit]), len(b))
}

// quoted renders capture bytes meant as text: in quotes, with every
// control or non-ASCII character escaped.
func quoted(b []byte) string {
	if len(b) > hexLimit {
		return strconv.QuoteToASCII(string(b[:hexLimit])) + "…"
	}
	return strconv.QuoteToASCII(string(b))
}

func mac(b []byte) string { return net.HardwareAddr(b).String() }

func fld(name, value string, start, end int, children ...model.Field) model.Field {
	return model.Field{Name: name, Value: value, Start: start, End: end, Children: children}
}

func u8(v uint8) string   { return strconv.Itoa(int(v)) }
func u16(v uint16) string { return strconv.Itoa(int(v)) }
func u32(v uint32) string { return strconv.FormatUint(uint64(v), 10) }
func hex16(v uint16) string {
	return fmt.Sprintf("0x%04x", v)
}

func yesNo(b bool) string {
	if b {
		return "set"
	}
	return "not set"
}

func ethertypeValue(t uint16) string {
	if n := ethertypeName(t); n != "" {
		return fmt.Sprintf("0x%04x (%s)", t, n)
	}
	return hex16(t)
}

func ipProtoValue(p uint8) string {
	if n := ipProtoName(p); n != "" {
		return fmt.Sprintf("%d (%s)", p, n)
	}
	return u8(p)
}

// describe builds the layer for span i.
func describe(w *walker, i, lastIP int) model.Layer {
	sp := w.spans[i]
	d := w.data
	s, e := sp.start, sp.end
	b := d[s:e]
	l := model.Layer{Start: s, End: e, Kind: model.LayerLink}
	add := func(f model.Field) { l.Fields = append(l.Fields, f) }
	switch sp.id {
	case lEthernet:
		t := be16(b, 12)
		l.Name = "Ethernet II"
		add(fld("Destination", mac(b[0:6]), s, s+6))
		add(fld("Source", mac(b[6:12]), s+6, s+12))
		if t <= 1500 {
			l.Name = "IEEE 802.3 Ethernet"
			add(fld("Length", u16(t), s+12, s+14))
		} else {
			add(fld("Type", ethertypeValue(t), s+12, s+14))
		}
	case lVLAN:
		l.Name = "802.1Q VLAN"
		if s >= 2 {
			switch be16(d, s-2) {
			case 0x88a8:
				l.Name = "802.1ad QinQ"
			case 0x9100:
				l.Name = "QinQ VLAN (0x9100)"
			}
		}
		tci := be16(b, 0)
		add(fld("Priority (PCP)", u16(tci>>13), s, s+1))
		add(fld("Drop eligible (DEI)", u16(tci>>12&1), s, s+1))
		add(fld("VLAN ID", u16(tci&0x0fff), s, s+2))
		add(fld("Type", ethertypeValue(be16(b, 2)), s+2, s+4))
	case lLLC:
		l.Name = "IEEE 802.2 LLC"
		add(fld("DSAP", fmt.Sprintf("0x%02x", b[0]), s, s+1))
		add(fld("SSAP", fmt.Sprintf("0x%02x", b[1]), s+1, s+2))
		add(fld("Control", "0x"+hex.EncodeToString(b[2:]), s+2, e))
	case lSNAP:
		l.Name = "SNAP"
		add(fld("Organization code", hex.EncodeToString(b[0:3]), s, s+3))
		add(fld("Type", ethertypeValue(be16(b, 3)), s+3, s+5))
	case lSLL:
		l.Name = "Linux cooked capture"
		add(fld("Packet type", sllPacketType(be16(b, 0)), s, s+2))
		add(fld("Link-layer address type", u16(be16(b, 2)), s+2, s+4))
		alen := be16(b, 4)
		add(fld("Link-layer address length", u16(alen), s+4, s+6))
		add(fld("Link-layer address", hex.EncodeToString(b[6:6+min(int(alen), 8)]), s+6, s+14))
		add(fld("Protocol", ethertypeValue(be16(b, 14)), s+14, s+16))
	case lSLL2:
		l.Name = "Linux cooked capture v2"
		add(fld("Protocol", ethertypeValue(be16(b, 0)), s, s+2))
		add(fld("Reserved", hex16(be16(b, 2)), s+2, s+4))
		add(fld("Interface index", u32(be32(b, 4)), s+4, s+8))
		add(fld("Link-layer address type", u16(be16(b, 8)), s+8, s+10))
		add(fld("Packet type", sllPacketType(uint16(b[10])), s+10, s+11))
		add(fld("Link-layer address length", u8(b[11]), s+11, s+12))
		add(fld("Link-layer address", hex.EncodeToString(b[12:12+min(int(b[11]), 8)]), s+12, s+20))
	case lLoopback:
		l.Name = "BSD loopback"
		fam := loopbackFamily(b)
		name := "unknown"
		switch fam {
		case 2:
			name = "IPv4"
		case 10, 24, 28, 30:
			name = "IPv6"
		}
		order := "little-endian"
		if binary.LittleEndian.Uint32(b) != fam {
			order = "big-endian"
		}
		add(fld("Address family", fmt.Sprintf("%d (%s, %s)", fam, name, order), s, s+4))
	case lPPP:
		l.Name = "PPP"
		p := s
		if b[0] == 0xff && len(b) >= 3 {
			add(fld("Address", fmt.Sprintf("0x%02x", b[0]), s, s+1))
			add(fld("Control", fmt.Sprintf("0x%02x", b[1]), s+1, s+2))
			p += 2
		}
		var proto uint16
		if e-p == 1 {
			proto = uint16(d[p])
		} else {
			proto = be16(d, p)
		}
		add(fld("Protocol", pppProtoValue(proto), p, e))
	case lCHDLC:
		l.Name = "Cisco HDLC"
		addr := "unicast"
		if b[0] == 0x8f {
			addr = "broadcast"
		}
		add(fld("Address", fmt.Sprintf("0x%02x (%s)", b[0], addr), s, s+1))
		add(fld("Control", fmt.Sprintf("0x%02x", b[1]), s+1, s+2))
		t := be16(b, 2)
		if t == 0x8035 {
			add(fld("Protocol", "0x8035 (SLARP)", s+2, s+4))
		} else {
			add(fld("Protocol", ethertypeValue(t), s+2, s+4))
		}
	case lNFLOG:
		l.Name = "Linux netfilter log (NFLOG)"
		describeNFLOG(&l, b, s)
	case lRadiotap, lDot11, lFDDI, lVNTag, lETag, lFabricPath, lJuniperEther, lJuniperPPP, lJuniperCHDLC,
		lJuniperGGSN, lJuniperSvcs, lJuniperVP, lJuniperOther:
		describeLinkMore(&l, sp.id, b, s)
	case lPPPoE:
		l.Kind = model.LayerTunnel
		l.Name = "PPPoE session"
		add(fld("Version", u8(b[0]>>4), s, s+1))
		add(fld("Type", u8(b[0]&0x0f), s, s+1))
		add(fld("Code", fmt.Sprintf("0x%02x", b[1]), s+1, s+2))
		add(fld("Session ID", hex16(be16(b, 2)), s+2, s+4))
		add(fld("Payload length", u16(be16(b, 4)), s+4, s+6))
	case lMPLS:
		l.Kind = model.LayerTunnel
		l.Name = "MPLS"
		for k := 0; k+4 <= len(b); k += 4 {
			v := be32(b, k)
			a := s + k
			label, tc, bos, ttl := v>>12, v>>9&7, v>>8&1, v&0xff
			add(fld(fmt.Sprintf("Label stack entry %d", k/4+1),
				fmt.Sprintf("label %d, TC %d, bottom %s, TTL %d", label, tc, yesNo(bos == 1), ttl), a, a+4,
				fld("Label", u32(label), a, a+3),
				fld("Traffic class", u32(tc), a+2, a+3),
				fld("Bottom of stack", yesNo(bos == 1), a+2, a+3),
				fld("TTL", u32(ttl), a+3, a+4)))
		}
	case lGRE:
		l.Kind = model.LayerTunnel
		l.Name = "GRE"
		fl := be16(b, 0)
		add(fld("Flags and version", hex16(fl), s, s+2,
			fld("Checksum present", yesNo(fl&0x8000 != 0), s, s+1),
			fld("Key present", yesNo(fl&0x2000 != 0), s, s+1),
			fld("Sequence number present", yesNo(fl&0x1000 != 0), s, s+1),
			fld("Acknowledgment present", yesNo(fl&0x0080 != 0), s+1, s+2),
			fld("Version", u16(fl&7), s+1, s+2)))
		t := be16(b, 2)
		add(fld("Protocol", ethertypeValue(t), s+2, s+4))
		p := 4
		if fl&0x8000 != 0 {
			add(fld("Checksum", hex16(be16(b, p)), s+p, s+p+2))
			add(fld("Reserved", hex16(be16(b, p+2)), s+p+2, s+p+4))
			p += 4
		}
		if fl&0x2000 != 0 {
			if fl&7 == 1 {
				add(fld("Payload length", u16(be16(b, p)), s+p, s+p+2))
				add(fld("Call ID", u16(be16(b, p+2)), s+p+2, s+p+4))
			} else {
				add(fld("Key", fmt.Sprintf("0x%08x", be32(b, p)), s+p, s+p+4))
			}
			p += 4
		}
		if fl&0x1000 != 0 {
			add(fld("Sequence number", u32(be32(b, p)), s+p, s+p+4))
			p += 4
		}
		if fl&7 == 1 && fl&0x0080 != 0 {
			add(fld("Acknowledgment number", u32(be32(b, p)), s+p, s+p+4))
		}
	case lUDP:
		l.Kind = model.LayerTransport
		if i+1 < w.n && (w.spans[i+1].id == lVXLAN || w.spans[i+1].id == lGeneve || isEncap(w.spans[i+1].id)) {
			l.Kind = model.LayerTunnel
		}
		l.Name = "UDP"
		add(fld("Source port", u16(be16(b, 0)), s, s+2))
		add(fld("Destination port", u16(be16(b, 2)), s+2, s+4))
		add(fld("Length", u16(be16(b, 4)), s+4, s+6))
		add(fld("Checksum", hex16(be16(b, 6)), s+6, s+8))
	case lVXLAN:
		l.Kind = model.LayerTunnel
		l.Name = "VXLAN"
		add(fld("Flags", fmt.Sprintf("0x%02x", b[0]), s, s+1,
			fld("VNI present", yesNo(b[0]&0x08 != 0), s, s+1)))
		add(fld("Reserved", hex.EncodeToString(b[1:4]), s+1, s+4))
		add(fld("VXLAN network identifier (VNI)", u32(be32(b, 4)>>8), s+4, s+7))
		add(fld("Reserved", fmt.Sprintf("0x%02x", b[7]), s+7, s+8))
	case lGeneve:
		l.Kind = model.LayerTunnel
		l.Name = "Geneve"
		add(fld("Version", u8(b[0]>>6), s, s+1))
		add(fld("Options length", fmt.Sprintf("%d bytes", int(b[0]&0x3f)*4), s, s+1))
		add(fld("Control packet (O)", yesNo(b[1]&0x80 != 0), s+1, s+2))
		add(fld("Critical options (C)", yesNo(b[1]&0x40 != 0), s+1, s+2))
		add(fld("Protocol", ethertypeValue(be16(b, 2)), s+2, s+4))
		add(fld("Virtual network identifier (VNI)", u32(be32(b, 4)>>8), s+4, s+7))
		add(fld("Reserved", fmt.Sprintf("0x%02x", b[7]), s+7, s+8))
		if len(b) > 8 {
			add(fld("Options", hexValue(b[8:]), s+8, e))
		}
	case lIPv4:
		l.Kind = ipKind(i, lastIP)
		l.Name = "IPv4"
		describeIPv4(&l, b, s)
	case lIPv6:
		l.Kind = ipKind(i, lastIP)
		l.Name = "IPv6"
		describeIPv6(&l, b, s)
	case lIPv6HopByHop, lIPv6Routing, lIPv6DestOpts, lIPv6Ext, lAH, lIPv6Fragment:
		l.Kind = ipKind(i, lastIP)
		l.Name = extName(sp.id)
		describeExt(&l, sp.id, b, s)
	case lTCP:
		l.Kind = model.LayerTransport
		l.Name = "TCP"
		describeTCP(&l, b, s)
	case lICMPv4, lICMPv6:
		l.Kind = model.LayerTransport
		l.Name = "ICMP"
		if sp.id == lICMPv6 {
			l.Name = "ICMPv6"
		}
		describeICMP(&l, sp.id == lICMPv6, b, s)
	case lARP:
		l.Name = "ARP"
		describeARP(&l, b, s)
	case lQuote:
		l.Kind = model.LayerPayload
		l.Name = "Quoted datagram"
		describeQuote(&l, w.l4IsV6(), b, s)
	case lGTPU, lGTPExt, lERSPAN, lWCCP, lCAPWAP, lIPComp, lIPCompData, lSFlow, lSFlowSample, lSFlowRecord:
		describeEncap(w, i, &l)
	case lPayload:
		l.Kind = model.LayerPayload
		l.Name = "Payload"
		add(fld("Length", fmt.Sprintf("%d bytes captured", len(b)), s, e))
	case lFragData:
		l.Kind = model.LayerPayload
		l.Name = "Fragment data"
		add(fld("Length", fmt.Sprintf("%d bytes captured", len(b)), s, e))
	case lData:
		l.Kind = model.LayerPayload
		l.Name = "Data"
		add(fld("Bytes", hexValue(b), s, e))
	default: // lUndecoded
		l.Kind = model.LayerPayload
		l.Name = "Undecoded bytes"
		add(fld("Bytes", hexValue(b), s, e))
	}
	return l
}

// ipKind says whether the IP header (or extension header) at span i is the
// one carrying the transport (LayerIP) or belongs to a tunnel around it.
func ipKind(i, lastIP int) model.LayerKind {
	if i < lastIP {
		return model.LayerTunnel
	}
	return model.LayerIP
}

func sllPacketType(t uint16) string {
	names := [...]string{"sent to us", "broadcast", "multicast", "sent to another host", "sent by us"}
	if int(t) < len(names) {
		return fmt.Sprintf("%d (%s)", t, names[t])
	}
	return u16(t)
}

func pppProtoValue(p uint16) string {
	switch p {
	case 0x0021:
		return "0x0021 (IPv4)"
	case 0x0057:
		return "0x0057 (IPv6)"
	case 0x0281:
		return "0x0281 (MPLS unicast)"
	case 0x0283:
		return "0x0283 (MPLS multicast)"
	}
	name := pppProtoName(p)
	if strings.HasPrefix(name, "PPP protocol") {
		return hex16(p)
	}
	return fmt.Sprintf("0x%04x (%s)", p, strings.TrimPrefix(name, "PPP "))
}

var nflogTLVNames = map[uint16]string{
	1: "packet header", 2: "mark", 3: "timestamp", 4: "input interface", 5: "output interface",
	6: "physical input interface", 7: "physical output interface", 8: "hardware address",
	9: "payload", 10: "prefix", 11: "UID", 12: "sequence number", 13: "global sequence number",
	14: "GID", 15: "hardware type", 16: "hardware header", 17: "hardware header length",
}

// describeNFLOG lists an NFLOG message's header and TLVs up to the payload.
func describeNFLOG(l *model.Layer, b []byte, s int) {
	fam := "unknown"
	switch b[0] {
	case 2:
		fam = "IPv4"
	case 10:
		fam = "IPv6"
	}
	l.Fields = append(l.Fields,
		fld("Address family", fmt.Sprintf("%d (%s)", b[0], fam), s, s+1),
		fld("Version", u8(b[1]), s+1, s+2),
		fld("Resource ID", u16(be16(b, 2)), s+2, s+4))
	bo := nflogByteOrder(b)
	for p := 4; p+4 <= len(b); {
		n := int(bo.Uint16(b[p:]))
		t := bo.Uint16(b[p+2:]) & 0x7fff
		if n < 4 {
			break
		}
		name := nflogTLVNames[t]
		if name == "" {
			name = "type " + u16(t)
		}
		vEnd := min(p+n, len(b))
		var v string
		switch {
		case t == 9:
			v = fmt.Sprintf("%d bytes (the packet)", n-4)
			vEnd = p + 4
		case t == 10:
			v = quoted([]byte(strings.TrimRight(string(b[p+4:vEnd]), "\x00")))
		default:
			v = hexValue(b[p+4 : vEnd])
		}
		l.Fields = append(l.Fields, fld("TLV: "+name, v, s+p, s+vEnd,
			fld("Length", strconv.Itoa(n), s+p, s+p+2),
			fld("Type", u16(t), s+p+2, s+p+4)))
		if t == 9 {
			break
		}
		p += (n + 3) &^ 3
	}
}

func describeIPv4(l *model.Layer, b []byte, s int) {
	ihl := int(b[0]&0x0f) * 4
	tos := b[1]
	ff := be16(b, 6)
	var flags []string
	if ff&0x8000 != 0 {
		flags = append(flags, "reserved")
	}
	if ff&0x4000 != 0 {
		flags = append(flags, "DF")
	}
	if ff&0x2000 != 0 {
		flags = append(flags, "MF")
	}
	fv := fmt.Sprintf("0x%x", ff>>13)
	if len(flags) > 0 {
		fv += " (" + strings.Join(flags, ", ") + ")"
	}
	l.Fields = append(l.Fields,
		fld("Version", u8(b[0]>>4), s, s+1),
		fld("Header length", fmt.Sprintf("%d bytes (%d)", ihl, ihl/4), s, s+1),
		fld("Differentiated services", fmt.Sprintf("0x%02x", tos), s+1, s+2,
			fld("DSCP", u8(tos>>2), s+1, s+2),
			fld("ECN", ecnName(tos&3), s+1, s+2)),
		fld("Total length", u16(be16(b, 2)), s+2, s+4),
		fld("Identification", fmt.Sprintf("0x%04x (%d)", be16(b, 4), be16(b, 4)), s+4, s+6),
		fld("Flags", fv, s+6, s+7,
			fld("Reserved bit", yesNo(ff&0x8000 != 0), s+6, s+7),
			fld("Don't fragment (DF)", yesNo(ff&0x4000 != 0), s+6, s+7),
			fld("More fragments (MF)", yesNo(ff&0x2000 != 0), s+6, s+7)),
		fld("Fragment offset", fmt.Sprintf("%d bytes", int(ff&0x1fff)*8), s+6, s+8),
		fld("Time to live", u8(b[8]), s+8, s+9),
		fld("Protocol", ipProtoValue(b[9]), s+9, s+10),
		fld("Header checksum", hex16(be16(b, 10)), s+10, s+12),
		fld("Source", netip.AddrFrom4([4]byte(b[12:16])).String(), s+12, s+16),
		fld("Destination", netip.AddrFrom4([4]byte(b[16:20])).String(), s+16, s+20))
	if ihl > 20 && len(b) >= ihl {
		l.Fields = append(l.Fields, fld("Options", hexValue(b[20:ihl]), s+20, s+ihl))
	}
}

func ecnName(e uint8) string {
	return [...]string{"0 (not ECN-capable)", "1 (ECT(1))", "2 (ECT(0))", "3 (congestion experienced)"}[e&3]
}

func describeIPv6(l *model.Layer, b []byte, s int) {
	v := be32(b, 0)
	tc := uint8(v >> 20)
	l.Fields = append(l.Fields,
		fld("Version", u8(b[0]>>4), s, s+1),
		fld("Traffic class", fmt.Sprintf("0x%02x", tc), s, s+2,
			fld("DSCP", u8(tc>>2), s, s+2),
			fld("ECN", ecnName(tc&3), s, s+2)),
		fld("Flow label", fmt.Sprintf("0x%05x", v&0xfffff), s+1, s+4),
		fld("Payload length", u16(be16(b, 4)), s+4, s+6),
		fld("Next header", ipProtoValue(b[6]), s+6, s+7),
		fld("Hop limit", u8(b[7]), s+7, s+8),
		fld("Source", netip.AddrFrom16([16]byte(b[8:24])).String(), s+8, s+24),
		fld("Destination", netip.AddrFrom16([16]byte(b[24:40])).String(), s+24, s+40))
}

func describeExt(l *model.Layer, id layerID, b []byte, s int) {
	add := func(f model.Field) { l.Fields = append(l.Fields, f) }
	add(fld("Next header", ipProtoValue(b[0]), s, s+1))
	switch id {
	case lIPv6Fragment:
		fo := be16(b, 2)
		add(fld("Reserved", fmt.Sprintf("0x%02x", b[1]), s+1, s+2))
		add(fld("Fragment offset", fmt.Sprintf("%d bytes", int(fo>>3)*8), s+2, s+4))
		add(fld("More fragments", yesNo(fo&1 != 0), s+3, s+4))
		add(fld("Identification", fmt.Sprintf("0x%08x", be32(b, 4)), s+4, s+8))
		if fo&0xfff9 == 0 {
			l.Name = "IPv6 fragment (atomic)"
		}
		return
	case lAH:
		add(fld("Length", fmt.Sprintf("%d (%d bytes)", b[1], len(b)), s+1, s+2))
		if len(b) >= 12 {
			add(fld("Reserved", hex16(be16(b, 2)), s+2, s+4))
			add(fld("Security parameters index", fmt.Sprintf("0x%08x", be32(b, 4)), s+4, s+8))
			add(fld("Sequence number", u32(be32(b, 8)), s+8, s+12))
			if len(b) > 12 {
				add(fld("Integrity check value", hexValue(b[12:]), s+12, s+len(b)))
			}
		}
		return
	}
	add(fld("Length", fmt.Sprintf("%d (%d bytes)", b[1], len(b)), s+1, s+2))
	if id == lIPv6Routing {
		add(fld("Routing type", u8(b[2]), s+2, s+3))
		add(fld("Segments left", u8(b[3]), s+3, s+4))
		if b[2] == 0 {
			add(fld("Reserved", hex.EncodeToString(b[4:8]), s+4, s+8))
			for k := 8; k+16 <= len(b); k += 16 {
				add(fld(fmt.Sprintf("Address %d", (k-8)/16+1), netip.AddrFrom16([16]byte(b[k:k+16])).String(), s+k, s+k+16))
			}
		} else if len(b) > 4 {
			add(fld("Data", hexValue(b[4:]), s+4, s+len(b)))
		}
		return
	}
	if id == lIPv6HopByHop || id == lIPv6DestOpts {
		var opts []model.Field
		for p := 2; p < len(b); {
			if b[p] == 0 {
				opts = append(opts, fld("Pad1", "", s+p, s+p+1))
				p++
				continue
			}
			if p+2 > len(b) || p+2+int(b[p+1]) > len(b) {
				opts = append(opts, fld("Malformed option", hexValue(b[p:]), s+p, s+len(b)))
				break
			}
			n := 2 + int(b[p+1])
			name := fmt.Sprintf("Option 0x%02x", b[p])
			switch b[p] {
			case 1:
				name = "PadN"
			case 5:
				name = "Router alert"
			case 0xc2:
				name = "Jumbo payload"
			case 0xc9:
				name = "Home address"
			}
			opts = append(opts, fld(name, hexValue(b[p+2:p+n]), s+p, s+p+n))
			p += n
		}
		add(fld("Options", fmt.Sprintf("%d", len(opts)), s+2, s+len(b), opts...))
		return
	}
	if len(b) > 2 {
		add(fld("Data", hexValue(b[2:]), s+2, s+len(b)))
	}
}

// tcpFlagBits lists the 12 flag bits of the TCP header, high bit first.
var tcpFlagBits = [...]struct {
	bit  uint16
	name string
}{
	{0x800, "Reserved (bit 4)"}, {0x400, "Reserved (bit 5)"}, {0x200, "Reserved (bit 6)"},
	{0x100, "Accurate ECN (AE, formerly NS)"}, {0x080, "Congestion window reduced (CWR)"},
	{0x040, "ECN-Echo (ECE)"}, {0x020, "Urgent (URG)"}, {0x010, "Acknowledgment (ACK)"},
	{0x008, "Push (PSH)"}, {0x004, "Reset (RST)"}, {0x002, "Syn (SYN)"}, {0x001, "Fin (FIN)"},
}

func describeTCP(l *model.Layer, b []byte, s int) {
	doff := int(b[12]>>4) * 4
	fl := be16(b, 12) & 0x0fff
	var bits []model.Field
	for _, f := range tcpFlagBits {
		a := s + 12
		if f.bit < 0x100 {
			a = s + 13
		}
		bits = append(bits, fld(f.name, yesNo(fl&f.bit != 0), a, a+1))
	}
	names := model.Flags(fl).String()
	if fl&0xe00 != 0 {
		names += ", reserved bits"
	}
	l.Fields = append(l.Fields,
		fld("Source port", u16(be16(b, 0)), s, s+2),
		fld("Destination port", u16(be16(b, 2)), s+2, s+4),
		fld("Sequence number", u32(be32(b, 4)), s+4, s+8),
		fld("Acknowledgment number", u32(be32(b, 8)), s+8, s+12),
		fld("Data offset", fmt.Sprintf("%d bytes (%d)", doff, doff/4), s+12, s+13),
		fld("Flags", fmt.Sprintf("0x%03x (%s)", fl, names), s+12, s+14, bits...),
		fld("Window", u16(be16(b, 14)), s+14, s+16))
	if len(b) >= 18 {
		l.Fields = append(l.Fields, fld("Checksum", hex16(be16(b, 16)), s+16, s+18))
	}
	if len(b) >= 20 {
		l.Fields = append(l.Fields, fld("Urgent pointer", u16(be16(b, 18)), s+18, s+20))
	}
	if len(b) > 20 {
		opts := tcpOptions(b[20:], s+20)
		v := fmt.Sprintf("%d bytes", len(b)-20)
		if len(b) < doff {
			v += fmt.Sprintf(" (%d claimed, cut short)", doff-20)
		}
		l.Fields = append(l.Fields, fld("Options", v, s+20, s+len(b), opts...))
	}
}

// tcpOptions decodes TCP options; s is their offset in the frame.
func tcpOptions(b []byte, s int) []model.Field {
	var out []model.Field
	for p := 0; p < len(b); {
		k := b[p]
		switch k {
		case 0:
			out = append(out, fld("End of option list (EOL)", "", s+p, s+p+1))
			if p+1 < len(b) {
				out = append(out, fld("Padding", hexValue(b[p+1:]), s+p+1, s+len(b)))
			}
			return out
		case 1:
			out = append(out, fld("No operation (NOP)", "", s+p, s+p+1))
			p++
			continue
		}
		_, n, ok := tcpOptionAt(b, p)
		if !ok {
			out = append(out, fld(fmt.Sprintf("Malformed option (kind %d)", k), hexValue(b[p:]), s+p, s+len(b)))
			return out
		}
		a, z := s+p, s+p+n
		v := b[p+2 : p+n]
		lenF := fld("Length", strconv.Itoa(n), a+1, a+2)
		var f model.Field
		switch {
		case k == 2 && n == 4:
			f = fld("Maximum segment size", fmt.Sprintf("%d bytes", be16(v, 0)), a, z, lenF)
		case k == 3 && n == 3:
			sh := v[0]
			val := fmt.Sprintf("%d (multiply by %d)", sh, 1<<min(sh, 14))
			if sh > 14 {
				val = fmt.Sprintf("%d (over 14: counts as 14, multiply by 16384)", sh)
			}
			f = fld("Window scale", val, a, z, lenF, fld("Shift count", u8(sh), a+2, a+3))
		case k == 4 && n == 2:
			f = fld("SACK permitted", "", a, z, lenF)
		case k == 5 && (n-2)%8 == 0:
			var blocks []string
			kids := []model.Field{lenF}
			for q := 0; q+8 <= len(v); q += 8 {
				le, re := be32(v, q), be32(v, q+4)
				blocks = append(blocks, fmt.Sprintf("%d-%d", le, re))
				kids = append(kids, fld(fmt.Sprintf("Block %d", q/8+1), fmt.Sprintf("left edge %d, right edge %d", le, re), a+2+q, a+2+q+8,
					fld("Left edge", u32(le), a+2+q, a+2+q+4),
					fld("Right edge", u32(re), a+2+q+4, a+2+q+8)))
			}
			f = fld("SACK", strings.Join(blocks, " "), a, z, kids...)
		case k == 8 && n == 10:
			tv, te := be32(v, 0), be32(v, 4)
			f = fld("Timestamps", fmt.Sprintf("TSval %d, TSecr %d", tv, te), a, z, lenF,
				fld("Timestamp value (TSval)", u32(tv), a+2, a+6),
				fld("Timestamp echo reply (TSecr)", u32(te), a+6, a+10))
		case k == 34:
			if n == 2 {
				f = fld("TCP Fast Open", "cookie request", a, z, lenF)
			} else {
				f = fld("TCP Fast Open", "cookie "+hex.EncodeToString(v), a, z, lenF, fld("Cookie", hex.EncodeToString(v), a+2, z))
			}
		case k == 254 && n >= 4 && be16(v, 0) == 0xf989:
			// The experimental-kind form of TCP Fast Open (RFC 7413 section 4.1.1).
			val := "cookie request (experimental kind)"
			if n > 4 {
				val = "cookie " + hex.EncodeToString(v[2:]) + " (experimental kind)"
			}
			f = fld("TCP Fast Open", val, a, z, lenF)
		case k == 30 && n >= 3:
			f = fld("Multipath TCP", fmt.Sprintf("subtype %d, %s", v[0]>>4, hex.EncodeToString(v)), a, z, lenF,
				fld("Subtype", u8(v[0]>>4), a+2, a+3))
		case k == 28 && n == 4:
			unit := "seconds"
			if v[0]&0x80 != 0 {
				unit = "minutes"
			}
			f = fld("User timeout", fmt.Sprintf("%d %s", be16(v, 0)&0x7fff, unit), a, z, lenF)
		case k == 19 && n == 18:
			f = fld("MD5 signature", hex.EncodeToString(v), a, z, lenF)
		case k == 29:
			f = fld("TCP authentication option", hexValue(v), a, z, lenF)
		default:
			f = fld(fmt.Sprintf("Option kind %d", k), hexValue(v), a, z, lenF)
		}
		out = append(out, f)
		p += n
	}
	return out
}

func describeICMP(l *model.Layer, v6 bool, b []byte, s int) {
	t, c := b[0], b[1]
	l.Fields = append(l.Fields,
		fld("Type", fmt.Sprintf("%d (%s)", t, icmpTypeName(v6, t, c)), s, s+1),
		fld("Code", u8(c), s+1, s+2),
		fld("Checksum", hex16(be16(b, 2)), s+2, s+4))
	add := func(f model.Field) { l.Fields = append(l.Fields, f) }
	switch {
	case !v6 && t == 3 && c == 4:
		add(fld("Unused", hex16(be16(b, 4)), s+4, s+6))
		add(fld("Next-hop MTU", u16(be16(b, 6)), s+6, s+8))
	case v6 && t == 2:
		add(fld("MTU", u32(be32(b, 4)), s+4, s+8))
	case !v6 && t == 12:
		add(fld("Pointer", u8(b[4]), s+4, s+5))
		add(fld("Unused", hex.EncodeToString(b[5:8]), s+5, s+8))
	case v6 && t == 4:
		add(fld("Pointer", u32(be32(b, 4)), s+4, s+8))
	case !v6 && (t == 0 || t == 8 || t == 13 || t == 14), v6 && (t == 128 || t == 129):
		add(fld("Identifier", hex16(be16(b, 4)), s+4, s+6))
		add(fld("Sequence number", u16(be16(b, 6)), s+6, s+8))
	case !v6 && t == 5:
		add(fld("Gateway", netip.AddrFrom4([4]byte(b[4:8])).String(), s+4, s+8))
	default:
		add(fld("Rest of header", hex.EncodeToString(b[4:8]), s+4, s+8))
	}
}

// describeQuote shows the datagram an ICMP error quotes.
func describeQuote(l *model.Layer, v6 bool, b []byte, s int) {
	q, ok := parseQuote(b, v6)
	if !ok {
		l.Fields = append(l.Fields, fld("Bytes", hexValue(b), s, s+len(b)))
		return
	}
	src, dst := s+12, s+16
	ver := "IPv4"
	proto := fld("Protocol", ipProtoValue(6), s+9, s+10)
	if v6 {
		src, dst, ver = s+8, s+24, "IPv6"
		proto = fld("Next header (after extension headers)", ipProtoValue(6), s+6, s+7)
	}
	sz := 4
	if v6 {
		sz = 16
	}
	t := s + q.ipLen
	l.Fields = append(l.Fields,
		fld("Quoted "+ver+" header", fmt.Sprintf("%s → %s", q.src, q.dst), s, t,
			fld("Source", q.src.String(), src, src+sz),
			fld("Destination", q.dst.String(), dst, dst+sz),
			proto),
		fld("Quoted TCP header", fmt.Sprintf("%s → %s seq %d",
			netip.AddrPortFrom(q.src, q.sport), netip.AddrPortFrom(q.dst, q.dport), q.seq), t, min(t+20, s+len(b)),
			fld("Source port", u16(q.sport), t, t+2),
			fld("Destination port", u16(q.dport), t+2, t+4),
			fld("Sequence number", u32(q.seq), t+4, t+8)))
}

func describeARP(l *model.Layer, b []byte, s int) {
	if len(b) < 8 {
		l.Fields = append(l.Fields, fld("Bytes", hexValue(b), s, s+len(b)))
		return
	}
	op := be16(b, 6)
	opName := map[uint16]string{1: "1 (request)", 2: "2 (reply)"}[op]
	if opName == "" {
		opName = u16(op)
	}
	l.Fields = append(l.Fields,
		fld("Hardware type", u16(be16(b, 0)), s, s+2),
		fld("Protocol type", ethertypeValue(be16(b, 2)), s+2, s+4),
		fld("Hardware size", u8(b[4]), s+4, s+5),
		fld("Protocol size", u8(b[5]), s+5, s+6),
		fld("Opcode", opName, s+6, s+8))
	if len(b) >= 28 && b[4] == 6 && b[5] == 4 {
		l.Fields = append(l.Fields,
			fld("Sender MAC address", mac(b[8:14]), s+8, s+14),
			fld("Sender IP address", netip.AddrFrom4([4]byte(b[14:18])).String(), s+14, s+18),
			fld("Target MAC address", mac(b[18:24]), s+18, s+24),
			fld("Target IP address", netip.AddrFrom4([4]byte(b[24:28])).String(), s+24, s+28))
	} else if len(b) > 8 {
		l.Fields = append(l.Fields, fld("Addresses", hexValue(b[8:]), s+8, s+len(b)))
	}
}
