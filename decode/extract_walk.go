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
	outComp // stopped at an IPComp payload to decompress (extract_tunnel.go)
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

	// noAnalysis says tshark runs no sequence analysis on the TCP header
	// the walk reaches: it is in a first IPv4 fragment cut by the snap
	// length, or in an sFlow sampled header.
	noAnalysis bool

	// Tunnels of extract_tunnel.go.
	sampled     bool     // the TCP header is in an sFlow sampled header
	dot11SwapFC bool     // the 802.11 frame control field arrives byte-swapped
	comp        compInfo // the IPComp payload the walk stopped at (outComp)
	infl        *inflater
	sflow       sflowIter // where the sFlow scan stopped (sampled)
	sflowSkip   int       // sampled Ethernet headers walkSFlow passes over (resample)
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
	w.noAnalysis, w.sampled, w.dot11SwapFC = false, false, false // comp and sflow are read only when set
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
	case linkPPP, linkPPPHDLC:
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
	case linkRadiotap:
		cur = lRadiotap
	case linkIEEE80211:
		cur = lDot11
	case linkFDDI:
		cur = lFDDI
	case linkJuniperMLPPP, linkJuniperMLFR, linkJuniperGGSN, linkJuniperATM2, linkJuniperSvcs, linkJuniperATM1,
		linkJuniperPPPoE, linkJuniperEther, linkJuniperPPP, linkJuniperFRelay, linkJuniperCHDLC, linkJuniperVP:
		cur = juniperLayer(link)
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
	case 0x8926:
		return lVNTag
	case 0x893f:
		return lETag
	case 0x8903:
		return lFabricPath
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
	case 108:
		return lIPComp
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

// walkPos is where the walk is: the header to read next, its offset, the
// end of the captured bytes of the current region, the end its enclosing
// headers claim (beyond capEnd when the snap length cut the frame), and
// whether the innermost IP header is IPv6 (for protocol numbers).
type walkPos struct {
	cur                 layerID
	off, capEnd, repEnd int
	v6                  bool
}

// run walks headers starting with cur at off. capEnd is the end of the
// captured bytes of the current region, repEnd the end its enclosing
// headers claim (beyond capEnd when the snap length cut the frame).
func (w *walker) run(cur layerID, off, capEnd, repEnd int) {
	p := walkPos{cur: cur, off: off, capEnd: capEnd, repEnd: repEnd, v6: w.ipVer == 6}
	for p.cur != lNone {
		if w.n >= len(w.spans)-2 {
			w.bad("too many nested headers")
			return
		}
		var more bool
		switch p.cur {
		case lEthernet, lLLC, lSNAP, lSLL, lSLL2, lLoopback, lCHDLC, lNFLOG:
			more = w.walkLink(&p)
		case lVLAN, lPPP, lPPPoE, lMPLS:
			more = w.walkShim(&p)
		case lGRE, lUDP, lVXLAN, lGeneve:
			more = w.walkTunnel(&p)
		case lIPv4, lIPv6, lIPv6HopByHop, lIPv6Routing, lIPv6DestOpts, lIPv6Ext, lAH, lIPv6Fragment:
			more = w.walkIP(&p)
		case lTCP, lICMPv4, lICMPv6, lARP:
			more = w.walkTransport(&p)
		case lDot11:
			more = w.walkDot11(&p)
		case lRadiotap:
			more = w.walkRadiotap(&p)
		case lFDDI, lVNTag, lETag, lFabricPath, lJuniperEther, lJuniperPPP, lJuniperCHDLC, lJuniperGGSN,
			lJuniperSvcs, lJuniperVP, lJuniperOther:
			more = w.walkLinkMore(&p)
		default:
			// The tunnels of extract_tunnel.go (and the 802.11
			// walk), outside the switch so that its common cases
			// stay as they were.
			more = w.walkEncap(&p)
		}
		if !more {
			return
		}
	}
	// Reached when a dispatch function classified the frame and stopped.
	if w.out == outNone {
		w.bad("nothing decodable")
	}
	if p.off < p.capEnd && w.n > 0 && w.spans[w.n-1].end <= p.off {
		w.push(lData, p.off, p.capEnd)
	}
}

// walkLink reads a link-layer header: Ethernet (and the LLC/SNAP of an
// 802.3 frame), Linux cooked capture, BSD loopback, Cisco HDLC, NFLOG.
// It returns false when the walk ends here.
func (w *walker) walkLink(p *walkPos) bool {
	data := w.data
	switch p.cur {
	case lEthernet:
		if !w.need("Ethernet", p.off, 14, p.capEnd) {
			return false
		}
		t := be16(data, p.off+12)
		w.push(lEthernet, p.off, p.off+14)
		p.off += 14
		if t <= 1500 {
			// An IEEE 802.3 length field: LLC follows, and bytes past
			// the length are padding.
			if end := p.off + int(t); end < p.repEnd {
				p.repEnd = end
				p.capEnd = min(p.capEnd, end)
			}
			p.cur = lLLC
			return true
		}
		p.cur = w.byEthertype(t)
	case lLLC:
		if !w.need("LLC", p.off, 3, p.capEnd) {
			return false
		}
		if data[p.off] == 0xff && data[p.off+1] == 0xff {
			w.other("Novell raw IPX over IEEE 802.3")
			w.push(lData, p.off, p.capEnd)
			return false
		}
		n := 3
		if data[p.off+2]&3 != 3 {
			n = 4 // I and S formats have a two-byte control field
		}
		if !w.need("LLC", p.off, n, p.capEnd) {
			return false
		}
		w.push(lLLC, p.off, p.off+n)
		if data[p.off] == 0xaa && data[p.off+1] == 0xaa && n == 3 {
			p.off += n
			p.cur = lSNAP
			return true
		}
		w.other(fmt.Sprintf("IEEE 802.2 LLC, DSAP 0x%02x SSAP 0x%02x", data[p.off], data[p.off+1]))
		w.push(lData, p.off+n, p.capEnd)
		return false
	case lSNAP:
		if !w.need("SNAP", p.off, 5, p.capEnd) {
			return false
		}
		w.push(lSNAP, p.off, p.off+5)
		oui := uint32(data[p.off])<<16 | uint32(data[p.off+1])<<8 | uint32(data[p.off+2])
		t := be16(data, p.off+3)
		p.off += 5
		if oui != 0 && oui != 0xf8 {
			w.other(fmt.Sprintf("SNAP OUI %06x protocol 0x%04x", oui, t))
			w.push(lData, p.off, p.capEnd)
			return false
		}
		p.cur = w.byEthertype(t)
	case lSLL, lSLL2:
		n, name := 16, "Linux cooked"
		if p.cur == lSLL2 {
			n, name = 20, "Linux cooked v2"
		}
		if !w.need(name, p.off, n, p.capEnd) {
			return false
		}
		var proto, hatype uint16
		if p.cur == lSLL {
			hatype, proto = be16(data, p.off+2), be16(data, p.off+14)
		} else {
			proto, hatype = be16(data, p.off), be16(data, p.off+8)
		}
		w.push(p.cur, p.off, p.off+n)
		p.off += n
		switch {
		case hatype == 824:
			w.other("Linux netlink message")
			p.cur = lNone
		case proto == 0x0004:
			p.cur = lLLC
		case proto < 0x0600:
			w.other(fmt.Sprintf("%s protocol 0x%04x", name, proto))
			p.cur = lNone
		default:
			p.cur = w.byEthertype(proto)
		}
	case lLoopback:
		if !w.need("loopback", p.off, 4, p.capEnd) {
			return false
		}
		fam := loopbackFamily(data[p.off : p.off+4])
		w.push(lLoopback, p.off, p.off+4)
		p.off += 4
		switch fam {
		case 2:
			p.cur = lIPv4
		case 10, 24, 28, 30:
			p.cur = lIPv6
		default:
			w.other(fmt.Sprintf("loopback address family %d", fam))
			p.cur = lNone
		}
	case lCHDLC:
		if !w.need("Cisco HDLC", p.off, 4, p.capEnd) {
			return false
		}
		t := be16(data, p.off+2)
		w.push(lCHDLC, p.off, p.off+4)
		p.off += 4
		if t == 0x8035 {
			w.other("Cisco SLARP")
			p.cur = lNone
			return true
		}
		p.cur = w.byEthertype(t)
	case lNFLOG:
		if !w.need("NFLOG", p.off, 4, p.capEnd) {
			return false
		}
		fam := data[p.off]
		pay, payLen, ok := nflogPayload(data[p.off:p.capEnd])
		if !ok {
			w.push(lNFLOG, p.off, p.capEnd)
			w.other("NFLOG message without a packet payload")
			return false
		}
		w.push(lNFLOG, p.off, p.off+pay)
		p.off += pay
		if end := p.off + payLen; end < p.repEnd {
			p.repEnd = end
			p.capEnd = min(p.capEnd, end)
		}
		switch fam {
		case 2:
			p.cur = lIPv4
		case 10:
			p.cur = lIPv6
		default:
			p.cur = w.byVersion(data[:p.capEnd], p.off, "NFLOG")
		}
	}
	return true
}

// walkShim reads a header between the link and IP: a VLAN tag, PPP,
// PPPoE, an MPLS label stack.
// It returns false when the walk ends here.
func (w *walker) walkShim(p *walkPos) bool {
	data := w.data
	switch p.cur {
	case lVLAN:
		if !w.need("VLAN tag", p.off, 4, p.capEnd) {
			return false
		}
		w.push(lVLAN, p.off, p.off+4)
		t := be16(data, p.off+2)
		p.off += 4
		p.cur = w.byEthertype(t)
	case lPPP:
		if !w.need("PPP", p.off, 1, p.capEnd) {
			return false
		}
		start := p.off
		if data[p.off] == 0xff {
			if !w.need("PPP", p.off, 2, p.capEnd) {
				return false
			}
			p.off += 2 // address 0xff, control 0x03
		}
		n := 2
		if p.off < p.capEnd && data[p.off]&1 == 1 {
			n = 1 // protocol field compression
		}
		if !w.need("PPP", p.off, n, p.capEnd) {
			return false
		}
		proto := uint16(data[p.off])
		if n == 2 {
			proto = be16(data, p.off)
		}
		p.off += n
		w.push(lPPP, start, p.off)
		switch proto {
		case 0x0021:
			p.cur = lIPv4
		case 0x0057:
			p.cur = lIPv6
		case 0x0281, 0x0283:
			p.cur = lMPLS
		default:
			w.other(pppProtoName(proto))
			p.cur = lNone
		}
	case lPPPoE:
		if !w.need("PPPoE", p.off, 6, p.capEnd) {
			return false
		}
		l := int(be16(data, p.off+4))
		w.push(lPPPoE, p.off, p.off+6)
		p.off += 6
		if end := p.off + l; end < p.repEnd {
			p.repEnd = end
			p.capEnd = min(p.capEnd, end)
		}
		p.cur = lPPP
	case lMPLS:
		start := p.off
		for {
			if !w.need("MPLS", p.off, 4, p.capEnd) {
				return false
			}
			bottom := data[p.off+2]&1 == 1
			p.off += 4
			if bottom {
				break
			}
		}
		w.push(lMPLS, start, p.off)
		return w.ipInside(p, "MPLS with no payload captured", "MPLS payload that is not IP (pseudowire)")
	}
	return true
}

// ipInside goes on to the IPv4 or IPv6 packet at p.off, which a label stack
// or a tunnel header announced without saying which; a payload that is
// neither is a frame of another kind (other, not undecodable: unlike
// byVersion's link types, these headers may carry non-IP payloads), and
// none captured is said with empty.
func (w *walker) ipInside(p *walkPos, empty, notIP string) bool {
	if p.off >= p.capEnd {
		w.other(empty)
		return false
	}
	switch w.data[p.off] >> 4 {
	case 4:
		p.cur = lIPv4
	case 6:
		p.cur = lIPv6
	default:
		w.other(notIP)
		w.push(lData, p.off, p.capEnd)
		return false
	}
	return true
}

// walkTunnel reads a tunnel's headers: GRE, and UDP with the VXLAN and
// Geneve it may carry (UDP that carries nothing the walk knows ends it).
// It returns false when the walk ends here.
func (w *walker) walkTunnel(p *walkPos) bool {
	data := w.data
	switch p.cur {
	case lGRE:
		if !w.need("GRE", p.off, 4, p.capEnd) {
			return false
		}
		fl := be16(data, p.off)
		ver := fl & 7
		if ver > 1 || fl&0x4000 != 0 {
			if fl&0x4000 != 0 {
				w.other("GRE with source routing")
			} else {
				w.other(fmt.Sprintf("GRE version %d", ver))
			}
			w.push(lData, p.off, p.capEnd)
			return false
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
		if !w.need("GRE", p.off, n, p.capEnd) {
			return false
		}
		t := be16(data, p.off+2)
		w.push(lGRE, p.off, p.off+n)
		p.off += n
		if t == 0x880b {
			p.cur = lPPP
			return true
		}
		if c, ok := w.greEncap(t, fl, p.off-n, p); ok {
			p.cur = c
			return true
		}
		p.cur = w.byEthertype(t)
	case lUDP:
		if !w.need("UDP", p.off, 8, p.capEnd) {
			return false
		}
		sp, dp, l := be16(data, p.off), be16(data, p.off+2), int(be16(data, p.off+4))
		w.push(lUDP, p.off, p.off+8)
		if l >= 8 {
			if end := p.off + l; end < p.repEnd {
				p.repEnd = end
				p.capEnd = min(p.capEnd, end)
			}
		}
		p.off += 8
		switch {
		case dp == 4789 || sp == 4789:
			p.cur = lVXLAN
		case dp == 6081 || sp == 6081:
			p.cur = lGeneve
		case udpEncap(sp, dp) != lNone:
			p.cur = udpEncap(sp, dp)
		default:
			w.other(fmt.Sprintf("UDP %s → %s", netip.AddrPortFrom(w.src, sp), netip.AddrPortFrom(w.dst, dp)))
			if p.off < p.capEnd {
				w.push(lPayload, p.off, p.capEnd)
			}
			return false
		}
	case lVXLAN:
		if !w.need("VXLAN", p.off, 8, p.capEnd) {
			return false
		}
		w.push(lVXLAN, p.off, p.off+8)
		p.off += 8
		p.cur = lEthernet
	case lGeneve:
		if !w.need("Geneve", p.off, 8, p.capEnd) {
			return false
		}
		n := 8 + int(data[p.off]&0x3f)*4
		if !w.need("Geneve", p.off, n, p.capEnd) {
			return false
		}
		t := be16(data, p.off+2)
		w.push(lGeneve, p.off, p.off+n)
		p.off += n
		p.cur = w.byEthertype(t)
	}
	return true
}

// walkIP reads an IPv4 or IPv6 header, IPv6 extension headers and the
// fragment header.
// It returns false when the walk ends here.
func (w *walker) walkIP(p *walkPos) bool {
	data := w.data
	switch p.cur {
	case lIPv4:
		if !w.need("IPv4", p.off, 20, p.capEnd) {
			return false
		}
		if v := data[p.off] >> 4; v != 4 {
			w.bad(fmt.Sprintf("IPv4 header with version %d", v))
			w.push(lUndecoded, p.off, p.capEnd)
			return false
		}
		ihl := int(data[p.off]&0x0f) * 4
		if ihl < 20 {
			w.bad(fmt.Sprintf("IPv4 header length %d bytes (less than 20)", ihl))
			w.push(lUndecoded, p.off, p.capEnd)
			return false
		}
		if !w.need("IPv4", p.off, ihl, p.capEnd) {
			return false
		}
		total := int(be16(data, p.off+2))
		if total == 0 {
			total = p.repEnd - p.off // segmentation offload: the length was left 0
		}
		if total < ihl {
			w.bad(fmt.Sprintf("IPv4 total length %d less than its header length %d", total, ihl))
			w.push(lUndecoded, p.off, p.capEnd)
			return false
		}
		w.push(lIPv4, p.off, p.off+ihl)
		w.ipVer = 4
		p.v6 = false
		w.src = netip.AddrFrom4([4]byte(data[p.off+12 : p.off+16]))
		w.dst = netip.AddrFrom4([4]byte(data[p.off+16 : p.off+20]))
		proto := data[p.off+9]
		ff := be16(data, p.off+6)
		if end := p.off + total; end < p.repEnd {
			p.repEnd = end
			p.capEnd = min(p.capEnd, end)
		}
		p.off += ihl
		mf, foff := ff&0x2000 != 0, int(ff&0x1fff)*8
		if mf && foff == 0 && proto == 6 && be16(data, p.off-ihl+2) != 0 && p.capEnd < p.off-ihl+total {
			// A first fragment cut by the snap length (its bytes
			// end before its total length, not left 0, does) cannot be
			// reassembled; tshark then dissects what it holds, as a
			// fragmented segment (no sequence analysis, no tcp.len).
			w.noAnalysis = true
			p.cur = lTCP
			return true
		}
		if mf || foff != 0 {
			w.frag = fragInfo{
				id: uint32(be16(data, p.off-ihl+4)), df: ff&0x4000 != 0, mf: mf, offset: foff,
				payOff: p.off, payCapEnd: max(p.capEnd, p.off), payLen: p.repEnd - p.off, proto: proto,
			}
			w.out = outFrag
			if p.off < p.capEnd {
				w.push(lFragData, p.off, p.capEnd)
			}
			return false
		}
		p.cur = w.byIPProto(proto, false)
	case lIPv6:
		if !w.need("IPv6", p.off, 40, p.capEnd) {
			return false
		}
		if v := data[p.off] >> 4; v != 6 {
			w.bad(fmt.Sprintf("IPv6 header with version %d", v))
			w.push(lUndecoded, p.off, p.capEnd)
			return false
		}
		pl := int(be16(data, p.off+4))
		if pl == 0 {
			pl = p.repEnd - p.off - 40 // jumbogram or segmentation offload
		}
		nh := data[p.off+6]
		w.push(lIPv6, p.off, p.off+40)
		w.ipVer = 6
		p.v6 = true
		w.src = netip.AddrFrom16([16]byte(data[p.off+8 : p.off+24]))
		w.dst = netip.AddrFrom16([16]byte(data[p.off+24 : p.off+40]))
		if end := p.off + 40 + pl; end < p.repEnd {
			p.repEnd = end
			p.capEnd = min(p.capEnd, end)
		}
		p.off += 40
		p.cur = w.byIPProto(nh, true)
	case lIPv6HopByHop, lIPv6Routing, lIPv6DestOpts, lIPv6Ext, lAH:
		if !w.need(extName(p.cur), p.off, 2, p.capEnd) {
			return false
		}
		nh := data[p.off]
		n := (int(data[p.off+1]) + 1) * 8
		if p.cur == lAH {
			n = (int(data[p.off+1]) + 2) * 4
		}
		if !w.need(extName(p.cur), p.off, n, p.capEnd) {
			return false
		}
		w.push(p.cur, p.off, p.off+n)
		p.off += n
		p.cur = w.byIPProto(nh, p.v6)
	case lIPv6Fragment:
		if !w.need("IPv6 fragment", p.off, 8, p.capEnd) {
			return false
		}
		nh := data[p.off]
		fo := be16(data, p.off+2)
		w.push(lIPv6Fragment, p.off, p.off+8)
		p.off += 8
		mf, foff := fo&1 != 0, int(fo>>3)*8
		if mf || foff != 0 {
			w.frag = fragInfo{
				v6: true, id: be32(data, p.off-4), mf: mf, offset: foff,
				payOff: p.off, payCapEnd: max(p.capEnd, p.off), payLen: p.repEnd - p.off, proto: nh,
			}
			w.out = outFrag
			if p.off < p.capEnd {
				w.push(lFragData, p.off, p.capEnd)
			}
			return false
		}
		// An atomic fragment (offset 0, no more fragments): the
		// datagram is whole, carry on.
		p.cur = w.byIPProto(nh, true)
	}
	return true
}

// walkTransport reads what the walk is for: a TCP header, an ICMP or
// ICMPv6 message (an error quotes a TCP header), ARP.
// It returns false when the walk ends here.
func (w *walker) walkTransport(p *walkPos) bool {
	data := w.data
	switch p.cur {
	case lTCP:
		// tshark reads the header up to the window before it shows
		// any field: fewer than 16 bytes make the frame undecodable.
		if have := p.capEnd - p.off; have < 16 {
			w.bad(fmt.Sprintf("TCP header cut short: %d of 20 bytes captured", max(have, 0)))
			if have > 0 {
				w.push(lUndecoded, p.off, p.capEnd)
			}
			return false
		}
		doff := int(data[p.off+12]>>4) * 4
		if doff < 20 {
			// Undecodable for tshark too; Dissect still shows the
			// fixed header, as tshark -V does.
			w.bad(fmt.Sprintf("TCP data offset %d bytes (less than 20)", doff))
			hend := min(p.off+20, p.capEnd)
			w.push(lTCP, p.off, hend)
			if hend < p.capEnd {
				w.push(lUndecoded, hend, p.capEnd)
			}
			return false
		}
		hend := min(p.off+doff, p.capEnd)
		w.push(lTCP, p.off, hend)
		w.out = outTCP
		w.l4Off, w.l4RepEnd, w.l4CapEnd = p.off, p.repEnd, p.capEnd
		if hend < p.capEnd {
			w.push(lPayload, hend, p.capEnd)
		}
		return false
	case lICMPv4, lICMPv6:
		name := "ICMP"
		if p.cur == lICMPv6 {
			name = "ICMPv6"
		}
		if !w.need(name, p.off, 8, p.capEnd) {
			return false
		}
		w.push(p.cur, p.off, p.off+8)
		w.icmpType, w.icmpCode = data[p.off], data[p.off+1]
		w.l4Off, w.l4RepEnd, w.l4CapEnd = p.off, p.repEnd, p.capEnd
		if icmpIsError(p.cur == lICMPv6, w.icmpType) {
			if p.off+8 < p.capEnd {
				w.push(lQuote, p.off+8, p.capEnd)
			}
			if _, ok := parseQuote(data[p.off+8:p.capEnd], p.cur == lICMPv6); ok {
				w.out = outICMP
				return false
			}
			w.other(fmt.Sprintf("%s %s %s → %s quoting no TCP header", name, icmpTypeName(p.cur == lICMPv6, w.icmpType, w.icmpCode), w.src, w.dst))
			return false
		}
		w.other(fmt.Sprintf("%s %s %s → %s", name, icmpTypeName(p.cur == lICMPv6, w.icmpType, w.icmpCode), w.src, w.dst))
		if p.off+8 < p.capEnd {
			w.push(lData, p.off+8, p.capEnd)
		}
		return false
	case lARP:
		what := "ARP"
		if p.off+8 <= p.capEnd {
			switch be16(data, p.off+6) {
			case 1:
				what = "ARP request"
			case 2:
				what = "ARP reply"
			}
		}
		w.push(lARP, p.off, min(p.off+28, p.capEnd))
		w.other(what)
		return false
	}
	return true
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
