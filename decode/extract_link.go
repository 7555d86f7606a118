package decode

import (
	"encoding/binary"
	"fmt"
)

// This file walks link layers beyond Ethernet's: FDDI, the Juniper link
// types, and the Ethernet tags VN-Tag, E-Tag (802.1BR) and Cisco
// FabricPath. Like the rest of the walk it reads bytes by hand: gopacket
// has no layer for Juniper's headers or the tags, and its FDDI layer
// allocates.

// Link types of this file (LINKTYPE_* values, as libpcap's pcap/dlt.h and
// wiretap's pcap-common.c number them).
//
// The Juniper link types decode as tshark 4.0 decodes them (Wireshark's
// packet-juniper.c): Ethernet (178) and PPPoE (167) carry Ethernet, PPP
// (179) two bytes and PPP, C-HDLC (181) Cisco HDLC, GGSN (133) a protocol
// and a VLAN ID, services (136) a 12- or 16-byte cookie, voice PIC (183)
// 18 bytes, then IPv4. MLPPP (130), MLFR (131), ATM1 (137), ATM2 (135) and
// Frame Relay (180) decode when the router stripped the link-layer header
// (the "no L2" flag: a protocol number, then IP); with the header they lead
// to cookie heuristics, ATM and Frame Relay, which the walk does not
// follow, and the frame is reported as such. ES (132) and MFR (134) have
// no dissector in tshark, and Secure Tunnel (200) carries its own tunnel
// information that tshark 4.0 does not decode to TCP: they stay
// unsupported link types.
const (
	linkFDDI          = 10
	linkJuniperMLPPP  = 130
	linkJuniperMLFR   = 131
	linkJuniperGGSN   = 133
	linkJuniperATM2   = 135
	linkJuniperSvcs   = 136
	linkJuniperATM1   = 137
	linkJuniperPPPoE  = 167
	linkJuniperEther  = 178
	linkJuniperPPP    = 179
	linkJuniperFRelay = 180
	linkJuniperCHDLC  = 181
	linkJuniperVP     = 183
)

// Layers of this file, numbered apart from the main list (see extract_wlan.go).
const (
	lFDDI layerID = 56 + iota
	lVNTag
	lETag
	lFabricPath
	// One layer per Juniper link type, so that the walk and Dissect know
	// what follows the header.
	lJuniperEther // Ethernet follows (Juniper Ethernet and PPPoE)
	lJuniperPPP   // two bytes, then PPP
	lJuniperCHDLC // Cisco HDLC follows
	lJuniperGGSN  // a protocol and a VLAN ID, then IP
	lJuniperSvcs  // a service cookie, then IPv4
	lJuniperVP    // 18 bytes, then IPv4
	lJuniperOther // MLPPP, MLFR, ATM, Frame Relay: only frames without L2 header decode
)

// The Juniper header's flags, magic number and payload protocols.
const (
	juniperPktIn   = 0x01 // the packet came in
	juniperNoL2    = 0x02 // the link-layer header was stripped
	juniperExt     = 0x80 // extension TLVs follow
	juniperMagic   = 0x4d4743
	juniperProtoV4 = 2
	juniperProtoV6 = 6
)

// juniperLayer maps a Juniper link type to its layer (lNone: not Juniper).
func juniperLayer(link uint16) layerID {
	switch link {
	case linkJuniperEther, linkJuniperPPPoE:
		return lJuniperEther
	case linkJuniperPPP:
		return lJuniperPPP
	case linkJuniperCHDLC:
		return lJuniperCHDLC
	case linkJuniperGGSN:
		return lJuniperGGSN
	case linkJuniperSvcs:
		return lJuniperSvcs
	case linkJuniperVP:
		return lJuniperVP
	case linkJuniperMLPPP, linkJuniperMLFR, linkJuniperATM1, linkJuniperATM2, linkJuniperFRelay:
		return lJuniperOther
	}
	return lNone
}

// juniperHeaderLen is the length of the Juniper header in b (at least 4
// bytes): magic, flags and, with the extension flag, a 2-byte length and
// the TLVs it counts.
func juniperHeaderLen(b []byte) int {
	if b[3]&juniperExt != 0 {
		if len(b) < 6 {
			return 6
		}
		return 6 + int(binary.BigEndian.Uint16(b[4:]))
	}
	return 4
}

// walkLinkMore reads the headers of this file.
// It returns false when the walk ends here.
func (w *walker) walkLinkMore(p *walkPos) bool {
	data := w.data
	switch p.cur {
	case lFDDI:
		if !w.need("FDDI", p.off, 13, p.capEnd) {
			return false
		}
		fc := data[p.off]
		w.push(lFDDI, p.off, p.off+13)
		p.off += 13
		if fc&0x30 != 0x10 {
			w.other(fmt.Sprintf("FDDI %s frame (frame control 0x%02x)", fddiFrameKind(fc), fc))
			if p.off < p.capEnd {
				w.push(lData, p.off, p.capEnd)
			}
			return false
		}
		p.cur = lLLC
	case lVNTag, lETag:
		n, name := 6, "VN-Tag"
		if p.cur == lETag {
			n, name = 8, "E-Tag"
		}
		if !w.need(name, p.off, n, p.capEnd) {
			return false
		}
		w.push(p.cur, p.off, p.off+n)
		t := be16(data, p.off+n-2)
		p.off += n
		p.cur = w.byEthertype(t)
	case lFabricPath:
		// The FabricPath header takes the place of an Ethernet header
		// (outer addresses, EtherType 0x8903, then FTag and TTL), with or
		// without one VLAN tag before the EtherType; the frame it carries
		// is a whole Ethernet frame, and the FabricPath frame ends with an
		// FCS of its own. The Ethernet (and VLAN) spans already
		// pushed become the FabricPath header's.
		k := w.n - 1
		start := -1
		switch {
		case k >= 0 && w.spans[k].id == lEthernet && w.spans[k].end == p.off:
			start = w.spans[k].start
			w.n--
		case k >= 1 && w.spans[k].id == lVLAN && w.spans[k].end == p.off &&
			w.spans[k-1].id == lEthernet && w.spans[k-1].end == w.spans[k].start:
			start = w.spans[k-1].start
			w.n -= 2
		default:
			w.other("Cisco FabricPath EtherType away from the start of an Ethernet frame")
			w.push(lData, p.off, p.capEnd)
			return false
		}
		if !w.need("Cisco FabricPath", p.off, 2, p.capEnd) {
			return false
		}
		w.push(lFabricPath, start, p.off+2)
		p.off += 2
		// tshark 4.0 takes the last 4 bytes of a FabricPath frame for its
		// FCS, and so does the walk.
		p.dropFCS()
		p.cur = lEthernet
	default:
		return w.walkJuniper(p)
	}
	return true
}

// walkJuniper reads the header Juniper routers put before each frame:
// "MGC", flags, optional extension TLVs; then, when the router stripped the
// link-layer header, a little-endian protocol number and the IP packet;
// otherwise what the link type says (see the l* constants above).
func (w *walker) walkJuniper(p *walkPos) bool {
	data := w.data
	id := p.cur
	if !w.need("Juniper", p.off, 4, p.capEnd) {
		return false
	}
	if uint32(data[p.off])<<16|uint32(data[p.off+1])<<8|uint32(data[p.off+2]) != juniperMagic {
		w.bad("Juniper header without its magic number (MGC)")
		w.push(lUndecoded, p.off, p.capEnd)
		return false
	}
	flags := data[p.off+3]
	n := juniperHeaderLen(data[p.off:p.capEnd])
	if !w.need("Juniper", p.off, n, p.capEnd) {
		return false
	}
	if flags&juniperNoL2 != 0 {
		if !w.need("Juniper", p.off, n+4, p.capEnd) {
			return false
		}
		proto := binary.LittleEndian.Uint32(data[p.off+n:])
		w.push(id, p.off, p.off+n+4)
		p.off += n + 4
		p.cur = w.juniperProto(proto, p)
		return p.cur != lNone
	}
	skip, ggsn := 0, false
	switch id {
	case lJuniperEther:
		p.cur = lEthernet
	case lJuniperPPP:
		skip, p.cur = 2, lPPP
	case lJuniperCHDLC:
		p.cur = lCHDLC
	case lJuniperGGSN:
		skip, ggsn = 4, true
	case lJuniperSvcs:
		skip, p.cur = 12, lIPv4
		if flags&juniperPktIn != 0 {
			skip = 16
		}
	case lJuniperVP:
		skip, p.cur = 18, lIPv4
	default:
		w.push(id, p.off, p.off+n)
		w.other(juniperName(id) + " frame with its link-layer header (not decoded)")
		if p.off+n < p.capEnd {
			w.push(lData, p.off+n, p.capEnd)
		}
		return false
	}
	if !w.need(juniperName(id), p.off, n+skip, p.capEnd) {
		return false
	}
	w.push(id, p.off, p.off+n+skip)
	p.off += n + skip
	if ggsn {
		p.cur = w.juniperProto(uint32(binary.LittleEndian.Uint16(data[p.off-4:])), p)
	}
	return p.cur != lNone
}

// juniperProto maps a Juniper payload protocol to the next header.
func (w *walker) juniperProto(proto uint32, p *walkPos) layerID {
	switch proto {
	case juniperProtoV4:
		return lIPv4
	case juniperProtoV6:
		return lIPv6
	}
	w.other(fmt.Sprintf("Juniper payload protocol %d", proto))
	if p.off < p.capEnd {
		w.push(lData, p.off, p.capEnd)
	}
	return lNone
}

func juniperName(id layerID) string {
	switch id {
	case lJuniperEther:
		return "Juniper Ethernet"
	case lJuniperPPP:
		return "Juniper PPP"
	case lJuniperCHDLC:
		return "Juniper Cisco HDLC"
	case lJuniperGGSN:
		return "Juniper GGSN"
	case lJuniperSvcs:
		return "Juniper services"
	case lJuniperVP:
		return "Juniper voice PIC"
	}
	return "Juniper"
}

func fddiFrameKind(fc uint8) string {
	switch {
	case fc&0x30 == 0x00 && fc&0x0f == 0:
		return "void or token"
	case fc&0x30 == 0x00:
		return "SMT or MAC"
	case fc&0x30 == 0x20:
		return "implementer"
	}
	return "reserved"
}
