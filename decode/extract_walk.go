package decode

import (
	"encoding/binary"
	"fmt"
	"net/netip"
)

// This file holds the header walk that both entry points share: Extract (the
// fast path used while indexing) and Dissect (the full field-by-field account
// for views). The walk is hand-written rather than built on gopacket's
// DecodingLayerParser because some link types the corpus needs have no
// DecodingLayer in gopacket (NFLOG, Cisco HDLC, PPP in HDLC framing; its
// Loopback layer does read both byte orders, and loopbackFamily below does
// the same in a few lines so that the one walk covers every link type),
// because the walk must keep the captured length and the length the headers
// claim apart (snap-length truncation, reported per layer), and because a
// fixed array of spans lets it run without allocating.

// layerID names a header the walk recognised.
type layerID uint8

const (
	lNone layerID = iota
	lEthernet
	lVLAN
	lLLC
	lSNAP
	lSLL
	lSLL2
	lLoopback
	lPPP
	lCHDLC
	lNFLOG
	lPPPoE
	lMPLS
	lGRE
	lUDP
	lVXLAN
	lGeneve
	lIPv4
	lIPv6
	lIPv6HopByHop
	lIPv6Routing
	lIPv6DestOpts
	lIPv6Fragment
	lIPv6Ext // another IPv6 extension header with the generic length rule
	lAH
	lTCP
	lICMPv4
	lICMPv6
	lARP
	// The rest are not headers but byte ranges Dissect shows as layers.
	lPayload   // TCP or other transport payload
	lQuote     // the datagram quoted by an ICMP error
	lFragData  // the payload of an IP fragment
	lData      // bytes of a protocol the walk does not decode
	lUndecoded // the bytes of a header that was cut short or bad
)

// outcome is what the walk found at its innermost point.
type outcome uint8

const (
	outNone outcome = iota
	outTCP
	outFrag
	outICMP
	outOther
	outBad
)

// maxSpans bounds the number of headers in one frame; crafted frames could
// otherwise stack VLAN tags or extension headers without end.
const maxSpans = 48

// span is one header's byte range in the walked buffer.
type span struct {
	id         layerID
	start, end int
}

// fragInfo describes the innermost IP header when it is a fragment.
type fragInfo struct {
	v6        bool
	id        uint32
	df, mf    bool
	offset    int // fragment offset in bytes
	payOff    int // start of the fragment's payload in the walked buffer
	payCapEnd int // end of the captured part of that payload
	payLen    int // payload length the IP header claims
	proto     uint8
}

// walker walks one frame's headers. Its zero value is ready; it is reused
// from frame to frame so that walking allocates nothing.
type walker struct {
	data  []byte
	spans [maxSpans]span
	n     int

	out    outcome
	reason string

	// The innermost IP header seen.
	ipVer    uint8
	src, dst netip.Addr

	// The transport header (TCP or ICMP) the walk stopped at.
	l4Off    int
	l4RepEnd int // end of the IP payload as its headers claim it (reported)
	l4CapEnd int // end of the captured part of the IP payload
	frag     fragInfo
	icmpType uint8
	icmpCode uint8
}

func be16(b []byte, off int) uint16 { return binary.BigEndian.Uint16(b[off:]) }
func be32(b []byte, off int) uint32 { return binary.BigEndian.Uint32(b[off:]) }

func (w *walker) reset(data []byte) {
	w.data = data
	w.n = 0
	w.out = outNone
	w.reason = ""
	w.ipVer = 0
	w.src, w.dst = netip.Addr{}, netip.Addr{}
	w.l4Off, w.l4RepEnd, w.l4CapEnd = 0, 0, 0
	w.frag = fragInfo{}
	w.icmpType, w.icmpCode = 0, 0
}

// push records a header's span; it reports false (and marks the frame
// undecodable) when the frame holds more headers than the walk allows.
func (w *walker) push(id layerID, start, end int) bool {
	if w.n == len(w.spans) {
		w.bad("too many nested headers")
		return false
	}
	w.spans[w.n] = span{id, start, end}
	w.n++
	return true
}

func (w *walker) bad(reason string) {
	w.out = outBad
	w.reason = reason
}

func (w *walker) other(reason string) {
	w.out = outOther
	w.reason = reason
}

// need checks that n bytes of header name are captured at off; otherwise it
// marks the frame undecodable, records the partial bytes, and reports false.
func (w *walker) need(name string, off, n, capEnd int) bool {
	if off+n <= capEnd {
		return true
	}
	have := max(capEnd-off, 0)
	w.bad(fmt.Sprintf("%s header cut short: %d of %d bytes captured", name, have, n))
	if have > 0 && w.n < len(w.spans) {
		w.spans[w.n] = span{lUndecoded, off, capEnd}
		w.n++
	}
	return false
}

// Link types the walk understands (LINKTYPE_* values of pcap and pcapng).
const (
	linkNull     = 0
	linkEthernet = 1
	linkPPP      = 9
	linkRawA     = 12 // DLT_RAW on most systems
	linkRawB     = 14 // DLT_RAW on OpenBSD
	linkPPPHDLC  = 50
	linkRaw      = 101
	linkCHDLC    = 104
	linkLoop     = 108
	linkSLL      = 113
	linkIPv4     = 228
	linkIPv6     = 229
	linkNFLOG    = 239
	linkSLL2     = 276
)

// walk decodes data, a frame of the given link type whose original length
// on the wire was reported bytes (0 when unknown).
func (w *walker) walk(link uint16, data []byte, reported int) {
	w.reset(data)
	var cur layerID
	switch link {
	case linkEthernet:
		cur = lEthernet
	case linkSLL:
		cur = lSLL
	case linkSLL2:
		cur = lSLL2
	case linkNull, linkLoop:
		cur = lLoopback
	case linkPPP:
		cur = lPPP
	case linkPPPHDLC:
		cur = lPPP
		if len(data) > 0 && (data[0] == 0x0f || data[0] == 0x8f) {
			cur = lCHDLC // PPP in HDLC framing may carry Cisco HDLC frames
		}
	case linkCHDLC:
		cur = lCHDLC
	case linkNFLOG:
		cur = lNFLOG
	case linkIPv4:
		cur = lIPv4
	case linkIPv6:
		cur = lIPv6
	case linkRaw, linkRawA, linkRawB:
		cur = w.byVersion(data, 0, "raw IP")
		if cur == lNone {
			return
		}
	default:
		w.bad(fmt.Sprintf("unsupported link type %d", link))
		if len(data) > 0 {
			w.push(lUndecoded, 0, len(data))
		}
		return
	}
	w.run(cur, 0, len(data), max(reported, len(data)))
}

// walkIPPayload decodes a reassembled IP payload of the given protocol
// carried between src and dst.
func (w *walker) walkIPPayload(proto uint8, v6 bool, src, dst netip.Addr, data []byte) {
	w.reset(data)
	w.src, w.dst = src, dst
	w.ipVer = 4
	if v6 {
		w.ipVer = 6
	}
	cur := w.byIPProto(proto, v6)
	if cur == lNone {
		return
	}
	w.run(cur, 0, len(data), len(data))
}

// byVersion picks IPv4 or IPv6 from the version nibble at off.
func (w *walker) byVersion(data []byte, off int, what string) layerID {
	if off >= len(data) {
		w.bad(what + " frame is empty")
		return lNone
	}
	switch data[off] >> 4 {
	case 4:
		return lIPv4
	case 6:
		return lIPv6
	}
	w.bad(fmt.Sprintf("%s packet with IP version %d", what, data[off]>>4))
	w.push(lUndecoded, off, len(data))
	return lNone
}

// byEthertype maps an EtherType to the next header, or marks the frame as
// other and returns lNone.
func (w *walker) byEthertype(t uint16) layerID {
	switch t {
	case 0x0800:
		return lIPv4
	case 0x86dd:
		return lIPv6
	case 0x8100, 0x88a8, 0x9100:
		return lVLAN
	case 0x8847, 0x8848:
		return lMPLS
	case 0x8864:
		return lPPPoE
	case 0x6558:
		return lEthernet
	case 0x0806:
		return lARP
	}
	if name := ethertypeName(t); name != "" {
		w.other(name)
	} else {
		w.other(fmt.Sprintf("EtherType 0x%04x", t))
	}
	return lNone
}

// byIPProto maps an IP protocol number (IPv6 next header) to the next header.
func (w *walker) byIPProto(p uint8, v6 bool) layerID {
	switch p {
	case 6:
		return lTCP
	case 17:
		return lUDP
	case 1:
		if !v6 {
			return lICMPv4
		}
	case 58:
		return lICMPv6
	case 4:
		return lIPv4
	case 41:
		return lIPv6
	case 47:
		return lGRE
	case 51:
		return lAH
	}
	if v6 {
		switch p {
		case 0:
			return lIPv6HopByHop
		case 43:
			return lIPv6Routing
		case 60:
			return lIPv6DestOpts
		case 44:
			return lIPv6Fragment
		case 135, 139, 140, 253, 254:
			return lIPv6Ext
		case 59:
			w.other(fmt.Sprintf("IPv6 %s → %s with no next header", w.src, w.dst))
			return lNone
		}
	}
	ver := "IPv4"
	if v6 {
		ver = "IPv6"
	}
	name := ipProtoName(p)
	if name == "" {
		name = fmt.Sprintf("protocol %d", p)
	}
	w.other(fmt.Sprintf("%s %s %s → %s", ver, name, w.src, w.dst))
	return lNone
}

// run walks headers starting with cur at off. capEnd is the end of the
// captured bytes of the current region, repEnd the end its enclosing
// headers claim (beyond capEnd when the snap length cut the frame).
func (w *walker) run(cur layerID, off, capEnd, repEnd int) {
	data := w.data
	v6 := w.ipVer == 6 // whether the innermost IP header is IPv6 (for protocol numbers)
	for cur != lNone {
		if w.n >= len(w.spans)-2 {
			w.bad("too many nested headers")
			return
		}
		switch cur {
		case lEthernet:
			if !w.need("Ethernet", off, 14, capEnd) {
				return
			}
			t := be16(data, off+12)
			w.push(lEthernet, off, off+14)
			off += 14
			if t <= 1500 {
				// An IEEE 802.3 length field: LLC follows, and bytes past
				// the length are padding.
				if end := off + int(t); end < repEnd {
					repEnd = end
					capEnd = min(capEnd, end)
				}
				cur = lLLC
				continue
			}
			cur = w.byEthertype(t)
		case lVLAN:
			if !w.need("VLAN tag", off, 4, capEnd) {
				return
			}
			w.push(lVLAN, off, off+4)
			t := be16(data, off+2)
			off += 4
			cur = w.byEthertype(t)
		case lLLC:
			if !w.need("LLC", off, 3, capEnd) {
				return
			}
			if data[off] == 0xff && data[off+1] == 0xff {
				w.other("Novell raw IPX over IEEE 802.3")
				w.push(lData, off, capEnd)
				return
			}
			n := 3
			if data[off+2]&3 != 3 {
				n = 4 // I and S formats have a two-byte control field
			}
			if !w.need("LLC", off, n, capEnd) {
				return
			}
			w.push(lLLC, off, off+n)
			if data[off] == 0xaa && data[off+1] == 0xaa && n == 3 {
				off += n
				cur = lSNAP
				continue
			}
			w.other(fmt.Sprintf("IEEE 802.2 LLC, DSAP 0x%02x SSAP 0x%02x", data[off], data[off+1]))
			w.push(lData, off+n, capEnd)
			return
		case lSNAP:
			if !w.need("SNAP", off, 5, capEnd) {
				return
			}
			w.push(lSNAP, off, off+5)
			oui := uint32(data[off])<<16 | uint32(data[off+1])<<8 | uint32(data[off+2])
			t := be16(data, off+3)
			off += 5
			if oui != 0 && oui != 0xf8 {
				w.other(fmt.Sprintf("SNAP OUI %06x protocol 0x%04x", oui, t))
				w.push(lData, off, capEnd)
				return
			}
			cur = w.byEthertype(t)
		case lSLL, lSLL2:
			n, name := 16, "Linux cooked"
			if cur == lSLL2 {
				n, name = 20, "Linux cooked v2"
			}
			if !w.need(name, off, n, capEnd) {
				return
			}
			var proto, hatype uint16
			if cur == lSLL {
				hatype, proto = be16(data, off+2), be16(data, off+14)
			} else {
				proto, hatype = be16(data, off), be16(data, off+8)
			}
			w.push(cur, off, off+n)
			off += n
			switch {
			case hatype == 824:
				w.other("Linux netlink message")
				cur = lNone
			case proto == 0x0004:
				cur = lLLC
			case proto < 0x0600:
				w.other(fmt.Sprintf("%s protocol 0x%04x", name, proto))
				cur = lNone
			default:
				cur = w.byEthertype(proto)
			}
		case lLoopback:
			if !w.need("loopback", off, 4, capEnd) {
				return
			}
			fam := loopbackFamily(data[off : off+4])
			w.push(lLoopback, off, off+4)
			off += 4
			switch fam {
			case 2:
				cur = lIPv4
			case 10, 24, 28, 30:
				cur = lIPv6
			default:
				w.other(fmt.Sprintf("loopback address family %d", fam))
				cur = lNone
			}
		case lPPP:
			if !w.need("PPP", off, 1, capEnd) {
				return
			}
			start := off
			if data[off] == 0xff {
				if !w.need("PPP", off, 2, capEnd) {
					return
				}
				off += 2 // address 0xff, control 0x03
			}
			n := 2
			if off < capEnd && data[off]&1 == 1 {
				n = 1 // protocol field compression
			}
			if !w.need("PPP", off, n, capEnd) {
				return
			}
			proto := uint16(data[off])
			if n == 2 {
				proto = be16(data, off)
			}
			off += n
			w.push(lPPP, start, off)
			switch proto {
			case 0x0021:
				cur = lIPv4
			case 0x0057:
				cur = lIPv6
			case 0x0281, 0x0283:
				cur = lMPLS
			default:
				w.other(pppProtoName(proto))
				cur = lNone
			}
		case lCHDLC:
			if !w.need("Cisco HDLC", off, 4, capEnd) {
				return
			}
			t := be16(data, off+2)
			w.push(lCHDLC, off, off+4)
			off += 4
			if t == 0x8035 {
				w.other("Cisco SLARP")
				cur = lNone
				continue
			}
			cur = w.byEthertype(t)
		case lNFLOG:
			if !w.need("NFLOG", off, 4, capEnd) {
				return
			}
			fam := data[off]
			pay, payLen, ok := nflogPayload(data[off:capEnd])
			if !ok {
				w.push(lNFLOG, off, capEnd)
				w.other("NFLOG message without a packet payload")
				return
			}
			w.push(lNFLOG, off, off+pay)
			off += pay
			if end := off + payLen; end < repEnd {
				repEnd = end
				capEnd = min(capEnd, end)
			}
			switch fam {
			case 2:
				cur = lIPv4
			case 10:
				cur = lIPv6
			default:
				cur = w.byVersion(data[:capEnd], off, "NFLOG")
			}
		case lPPPoE:
			if !w.need("PPPoE", off, 6, capEnd) {
				return
			}
			l := int(be16(data, off+4))
			w.push(lPPPoE, off, off+6)
			off += 6
			if end := off + l; end < repEnd {
				repEnd = end
				capEnd = min(capEnd, end)
			}
			cur = lPPP
		case lMPLS:
			start := off
			for {
				if !w.need("MPLS", off, 4, capEnd) {
					return
				}
				bottom := data[off+2]&1 == 1
				off += 4
				if bottom {
					break
				}
			}
			w.push(lMPLS, start, off)
			if off >= capEnd {
				w.other("MPLS with no payload captured")
				return
			}
			switch data[off] >> 4 {
			case 4:
				cur = lIPv4
			case 6:
				cur = lIPv6
			default:
				w.other("MPLS payload that is not IP (pseudowire)")
				w.push(lData, off, capEnd)
				return
			}
		case lGRE:
			if !w.need("GRE", off, 4, capEnd) {
				return
			}
			fl := be16(data, off)
			ver := fl & 7
			if ver > 1 || fl&0x4000 != 0 {
				if fl&0x4000 != 0 {
					w.other("GRE with source routing")
				} else {
					w.other(fmt.Sprintf("GRE version %d", ver))
				}
				w.push(lData, off, capEnd)
				return
			}
			n := 4
			for _, bit := range [...]uint16{0x8000, 0x2000, 0x1000} {
				if fl&bit != 0 {
					n += 4
				}
			}
			if ver == 1 && fl&0x0080 != 0 {
				n += 4 // enhanced GRE acknowledgment number
			}
			if !w.need("GRE", off, n, capEnd) {
				return
			}
			t := be16(data, off+2)
			w.push(lGRE, off, off+n)
			off += n
			if t == 0x880b {
				cur = lPPP
				continue
			}
			cur = w.byEthertype(t)
		case lUDP:
			if !w.need("UDP", off, 8, capEnd) {
				return
			}
			sp, dp, l := be16(data, off), be16(data, off+2), int(be16(data, off+4))
			w.push(lUDP, off, off+8)
			if l >= 8 {
				if end := off + l; end < repEnd {
					repEnd = end
					capEnd = min(capEnd, end)
				}
			}
			off += 8
			switch {
			case dp == 4789 || sp == 4789:
				cur = lVXLAN
			case dp == 6081 || sp == 6081:
				cur = lGeneve
			default:
				w.other(fmt.Sprintf("UDP %s → %s", netip.AddrPortFrom(w.src, sp), netip.AddrPortFrom(w.dst, dp)))
				if off < capEnd {
					w.push(lPayload, off, capEnd)
				}
				return
			}
		case lVXLAN:
			if !w.need("VXLAN", off, 8, capEnd) {
				return
			}
			w.push(lVXLAN, off, off+8)
			off += 8
			cur = lEthernet
		case lGeneve:
			if !w.need("Geneve", off, 8, capEnd) {
				return
			}
			n := 8 + int(data[off]&0x3f)*4
			if !w.need("Geneve", off, n, capEnd) {
				return
			}
			t := be16(data, off+2)
			w.push(lGeneve, off, off+n)
			off += n
			cur = w.byEthertype(t)
		case lIPv4:
			if !w.need("IPv4", off, 20, capEnd) {
				return
			}
			if v := data[off] >> 4; v != 4 {
				w.bad(fmt.Sprintf("IPv4 header with version %d", v))
				w.push(lUndecoded, off, capEnd)
				return
			}
			ihl := int(data[off]&0x0f) * 4
			if ihl < 20 {
				w.bad(fmt.Sprintf("IPv4 header length %d bytes (less than 20)", ihl))
				w.push(lUndecoded, off, capEnd)
				return
			}
			if !w.need("IPv4", off, ihl, capEnd) {
				return
			}
			total := int(be16(data, off+2))
			if total == 0 {
				total = repEnd - off // segmentation offload: the length was left 0
			}
			if total < ihl {
				w.bad(fmt.Sprintf("IPv4 total length %d less than its header length %d", total, ihl))
				w.push(lUndecoded, off, capEnd)
				return
			}
			w.push(lIPv4, off, off+ihl)
			w.ipVer = 4
			v6 = false
			w.src = netip.AddrFrom4([4]byte(data[off+12 : off+16]))
			w.dst = netip.AddrFrom4([4]byte(data[off+16 : off+20]))
			proto := data[off+9]
			ff := be16(data, off+6)
			if end := off + total; end < repEnd {
				repEnd = end
				capEnd = min(capEnd, end)
			}
			off += ihl
			mf, foff := ff&0x2000 != 0, int(ff&0x1fff)*8
			if mf || foff != 0 {
				w.frag = fragInfo{
					id: uint32(be16(data, off-ihl+4)), df: ff&0x4000 != 0, mf: mf, offset: foff,
					payOff: off, payCapEnd: max(capEnd, off), payLen: repEnd - off, proto: proto,
				}
				w.out = outFrag
				if off < capEnd {
					w.push(lFragData, off, capEnd)
				}
				return
			}
			cur = w.byIPProto(proto, false)
		case lIPv6:
			if !w.need("IPv6", off, 40, capEnd) {
				return
			}
			if v := data[off] >> 4; v != 6 {
				w.bad(fmt.Sprintf("IPv6 header with version %d", v))
				w.push(lUndecoded, off, capEnd)
				return
			}
			pl := int(be16(data, off+4))
			if pl == 0 {
				pl = repEnd - off - 40 // jumbogram or segmentation offload
			}
			nh := data[off+6]
			w.push(lIPv6, off, off+40)
			w.ipVer = 6
			v6 = true
			w.src = netip.AddrFrom16([16]byte(data[off+8 : off+24]))
			w.dst = netip.AddrFrom16([16]byte(data[off+24 : off+40]))
			if end := off + 40 + pl; end < repEnd {
				repEnd = end
				capEnd = min(capEnd, end)
			}
			off += 40
			cur = w.byIPProto(nh, true)
		case lIPv6HopByHop, lIPv6Routing, lIPv6DestOpts, lIPv6Ext, lAH:
			if !w.need(extName(cur), off, 2, capEnd) {
				return
			}
			nh := data[off]
			n := (int(data[off+1]) + 1) * 8
			if cur == lAH {
				n = (int(data[off+1]) + 2) * 4
			}
			if !w.need(extName(cur), off, n, capEnd) {
				return
			}
			w.push(cur, off, off+n)
			off += n
			cur = w.byIPProto(nh, v6)
		case lIPv6Fragment:
			if !w.need("IPv6 fragment", off, 8, capEnd) {
				return
			}
			nh := data[off]
			fo := be16(data, off+2)
			w.push(lIPv6Fragment, off, off+8)
			off += 8
			mf, foff := fo&1 != 0, int(fo>>3)*8
			if mf || foff != 0 {
				w.frag = fragInfo{
					v6: true, id: be32(data, off-4), mf: mf, offset: foff,
					payOff: off, payCapEnd: max(capEnd, off), payLen: repEnd - off, proto: nh,
				}
				w.out = outFrag
				if off < capEnd {
					w.push(lFragData, off, capEnd)
				}
				return
			}
			// An atomic fragment (offset 0, no more fragments): the
			// datagram is whole, carry on.
			cur = w.byIPProto(nh, true)
		case lTCP:
			// tshark reads the header up to the window before it shows
			// any field: fewer than 16 bytes make the frame undecodable.
			if have := capEnd - off; have < 16 {
				w.bad(fmt.Sprintf("TCP header cut short: %d of 20 bytes captured", max(have, 0)))
				if have > 0 {
					w.push(lUndecoded, off, capEnd)
				}
				return
			}
			doff := int(data[off+12]>>4) * 4
			if doff < 20 {
				// Undecodable for tshark too; Dissect still shows the
				// fixed header, as tshark -V does.
				w.bad(fmt.Sprintf("TCP data offset %d bytes (less than 20)", doff))
				hend := min(off+20, capEnd)
				w.push(lTCP, off, hend)
				if hend < capEnd {
					w.push(lUndecoded, hend, capEnd)
				}
				return
			}
			hend := min(off+doff, capEnd)
			w.push(lTCP, off, hend)
			w.out = outTCP
			w.l4Off, w.l4RepEnd, w.l4CapEnd = off, repEnd, capEnd
			if hend < capEnd {
				w.push(lPayload, hend, capEnd)
			}
			return
		case lICMPv4, lICMPv6:
			name := "ICMP"
			if cur == lICMPv6 {
				name = "ICMPv6"
			}
			if !w.need(name, off, 8, capEnd) {
				return
			}
			w.push(cur, off, off+8)
			w.icmpType, w.icmpCode = data[off], data[off+1]
			w.l4Off, w.l4RepEnd, w.l4CapEnd = off, repEnd, capEnd
			if icmpIsError(cur == lICMPv6, w.icmpType) {
				if off+8 < capEnd {
					w.push(lQuote, off+8, capEnd)
				}
				if _, ok := parseQuote(data[off+8:capEnd], cur == lICMPv6); ok {
					w.out = outICMP
					return
				}
				w.other(fmt.Sprintf("%s %s %s → %s quoting no TCP header", name, icmpTypeName(cur == lICMPv6, w.icmpType, w.icmpCode), w.src, w.dst))
				return
			}
			w.other(fmt.Sprintf("%s %s %s → %s", name, icmpTypeName(cur == lICMPv6, w.icmpType, w.icmpCode), w.src, w.dst))
			if off+8 < capEnd {
				w.push(lData, off+8, capEnd)
			}
			return
		case lARP:
			what := "ARP"
			if off+8 <= capEnd {
				switch be16(data, off+6) {
				case 1:
					what = "ARP request"
				case 2:
					what = "ARP reply"
				}
			}
			w.push(lARP, off, min(off+28, capEnd))
			w.other(what)
			return
		default:
			w.bad("internal: unknown layer")
			return
		}
	}
	// Reached when a dispatch function classified the frame and stopped.
	if w.out == outNone {
		w.bad("nothing decodable")
	}
	if off < capEnd && w.n > 0 && w.spans[w.n-1].end <= off {
		w.push(lData, off, capEnd)
	}
}

// loopbackFamily reads the 4-byte address family of a BSD loopback header,
// which is in the capturing host's byte order (NULL) or network order
// (LOOP): families are small numbers, so whichever reading is small wins.
func loopbackFamily(b []byte) uint32 {
	v := binary.LittleEndian.Uint32(b)
	if v > 0xffff {
		v = binary.BigEndian.Uint32(b)
	}
	return v
}

// nflogByteOrder reports whether an NFLOG message's TLVs (whose length and
// type are in the capturing host's byte order) read as little-endian: the
// first TLV's length must fit the message.
func nflogByteOrder(msg []byte) binary.ByteOrder {
	if len(msg) >= 8 {
		l := int(binary.LittleEndian.Uint16(msg[4:]))
		if l >= 4 && 4+l <= len(msg) {
			return binary.LittleEndian
		}
		l = int(binary.BigEndian.Uint16(msg[4:]))
		if l >= 4 && 4+l <= len(msg) {
			return binary.BigEndian
		}
	}
	return binary.LittleEndian
}

// nflogPayload finds the packet payload TLV (type 9) of an NFLOG message:
// the offset of the payload bytes in msg and their length.
func nflogPayload(msg []byte) (off, n int, ok bool) {
	bo := nflogByteOrder(msg)
	for p := 4; p+4 <= len(msg); {
		l := int(bo.Uint16(msg[p:]))
		t := bo.Uint16(msg[p+2:]) & 0x7fff
		if l < 4 {
			return 0, 0, false
		}
		if t == 9 {
			return p + 4, l - 4, true
		}
		p += (l + 3) &^ 3
	}
	return 0, 0, false
}

// quote is the TCP header an ICMP error quotes.
type quote struct {
	src, dst     netip.Addr
	sport, dport uint16
	seq          uint32
	ipLen        int // quoted IP header length including IPv6 extension headers
	// tcpLen is how many bytes of the TCP header the quote holds (at least
	// 8; at most the header's data offset once that is quoted), flags the
	// header's flags when the quote reaches them (tcpLen >= 14).
	tcpLen int
	flags  uint16
}

// parseQuote reads the datagram an ICMP error quotes: an IP header and at
// least the first 8 bytes (ports and sequence number) of a TCP header.
func parseQuote(q []byte, v6 bool) (quote, bool) {
	var r quote
	if !v6 {
		if len(q) < 20 || q[0]>>4 != 4 {
			return r, false
		}
		ihl := int(q[0]&0x0f) * 4
		if ihl < 20 || q[9] != 6 || be16(q, 6)&0x1fff != 0 || len(q) < ihl+8 {
			return r, false
		}
		r.src = netip.AddrFrom4([4]byte(q[12:16]))
		r.dst = netip.AddrFrom4([4]byte(q[16:20]))
		r.ipLen = ihl
	} else {
		if len(q) < 40 || q[0]>>4 != 6 {
			return r, false
		}
		r.src = netip.AddrFrom16([16]byte(q[8:24]))
		r.dst = netip.AddrFrom16([16]byte(q[24:40]))
		nh, off := q[6], 40
		for steps := 0; nh != 6; steps++ {
			if steps > 16 || off+8 > len(q) {
				return r, false
			}
			switch nh {
			case 0, 43, 60:
				nh, off = q[off], off+(int(q[off+1])+1)*8
			case 44:
				if be16(q, off+2)&0xfff9 != 0 {
					return r, false // not the first fragment: no TCP header
				}
				nh, off = q[off], off+8
			case 51:
				nh, off = q[off], off+(int(q[off+1])+2)*4
			default:
				return r, false
			}
		}
		if off+8 > len(q) {
			return r, false
		}
		r.ipLen = off
	}
	t := q[r.ipLen:]
	r.sport, r.dport, r.seq = be16(t, 0), be16(t, 2), be32(t, 4)
	r.tcpLen = min(len(t), 60)
	if len(t) >= 14 {
		r.flags = be16(t, 12) & 0x0fff
		if doff := int(t[12]>>4) * 4; doff >= 20 {
			r.tcpLen = min(r.tcpLen, doff)
		}
	}
	return r, true
}

// icmpIsError reports whether an ICMP type is an error that quotes the
// datagram that caused it.
func icmpIsError(v6 bool, t uint8) bool {
	if v6 {
		return t >= 1 && t <= 4
	}
	switch t {
	case 3, 4, 5, 11, 12:
		return true
	}
	return false
}
