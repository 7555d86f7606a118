package decode

import (
	"encoding/hex"
	"fmt"
	"net/netip"

	"github.com/tcpstep/tcpstep/model"
)

// The layers view's account of the tunnels of extract_tunnel.go: every
// header field named, with its byte range. describe (dissect.go) hands the
// spans of those layer IDs to describeEncap.

// describeEncap fills l for span i, one of extract_tunnel.go's layers.
func describeEncap(w *walker, i int, l *model.Layer) {
	sp := w.spans[i]
	s, e := sp.start, sp.end
	b := w.data[s:e]
	l.Kind = model.LayerTunnel
	add := func(f model.Field) { l.Fields = append(l.Fields, f) }
	switch sp.id {
	case lGTPU:
		l.Name = "GTP-U"
		fl := b[0]
		add(fld("Flags", fmt.Sprintf("0x%02x", fl), s, s+1,
			fld("Version", u8(fl>>5), s, s+1),
			fld("Protocol type (PT)", ptName(fl>>4&1), s, s+1),
			fld("Reserved", u8(fl>>3&1), s, s+1),
			fld("Extension header present (E)", yesNo(fl&4 != 0), s, s+1),
			fld("Sequence number present (S)", yesNo(fl&2 != 0), s, s+1),
			fld("N-PDU number present (PN)", yesNo(fl&1 != 0), s, s+1)))
		add(fld("Message type", fmt.Sprintf("%d (%s)", b[1], gtpMessageName(b[1])), s+1, s+2))
		add(fld("Length", u16(be16(b, 2)), s+2, s+4))
		add(fld("Tunnel endpoint identifier (TEID)", fmt.Sprintf("0x%08x", be32(b, 4)), s+4, s+8))
		if len(b) >= 12 {
			add(fld("Sequence number", u16(be16(b, 8)), s+8, s+10))
			add(fld("N-PDU number", u8(b[10]), s+10, s+11))
			add(fld("Next extension header type", gtpExtValue(b[11]), s+11, s+12))
		}
	case lGTPExt:
		t := w.data[s-1] // the previous header's next-type byte
		l.Name = "GTP-U extension header: " + gtpExtName(t)
		add(fld("Length", fmt.Sprintf("%d (%d bytes)", b[0], len(b)), s, s+1))
		c := b[1 : len(b)-1]
		switch {
		case t == 0x40 && len(c) == 2:
			add(fld("UDP port", u16(be16(c, 0)), s+1, s+3))
		case t == 0x85 && len(c) >= 2:
			add(fld("PDU type", fmt.Sprintf("%d (%s)", c[0]>>4, map[bool]string{true: "uplink", false: "downlink"}[c[0]>>4 == 1]), s+1, s+2))
			add(fld("QoS flow identifier (QFI)", u8(c[1]&0x3f), s+2, s+3))
			if len(c) > 2 {
				add(fld("Other content", hexValue(c[2:]), s+3, e-1))
			}
		default:
			add(fld("Content", hexValue(c), s+1, e-1))
		}
		add(fld("Next extension header type", gtpExtValue(b[len(b)-1]), e-1, e))
	case lERSPAN:
		describeERSPAN(l, b, s)
	case lWCCP:
		l.Name = "WCCPv2 redirect header"
		add(fld("Flags", fmt.Sprintf("0x%02x", b[0]), s, s+1,
			fld("Dynamic service (D)", yesNo(b[0]&0x04 != 0), s, s+1),
			fld("Alternate bucket used (A)", yesNo(b[0]&0x02 != 0), s, s+1)))
		add(fld("Service ID", u8(b[1]), s+1, s+2))
		add(fld("Alternate bucket", u8(b[2]), s+2, s+3))
		add(fld("Primary bucket", u8(b[3]), s+3, s+4))
	case lCAPWAP:
		describeCAPWAP(l, b, s)
	case lIPComp:
		l.Name = "IPComp"
		add(fld("Next header", ipProtoValue(b[0]), s, s+1))
		add(fld("Flags", fmt.Sprintf("0x%02x", b[1]), s+1, s+2))
		cpi := be16(b, 2)
		v := u16(cpi)
		switch cpi {
		case 1:
			v += " (OUI)"
		case cpiDeflate:
			v += " (DEFLATE)"
		case 3:
			v += " (LZS)"
		case 4:
			v += " (LZJH)"
		}
		add(fld("Compression parameter index (CPI)", v, s+2, s+4))
	case lIPCompData:
		l.Kind = model.LayerPayload
		l.Name = "IPComp compressed payload"
		add(fld("Length", fmt.Sprintf("%d bytes captured", len(b)), s, e))
		describeInflated(l, w, s, e)
	case lSFlow:
		l.Name = "sFlow v5"
		add(fld("Version", u32(be32(b, 0)), s, s+4))
		add(fld("Agent address type", map[uint32]string{1: "1 (IPv4)", 2: "2 (IPv6)"}[be32(b, 4)], s+4, s+8))
		p := 8
		if be32(b, 4) == 1 {
			add(fld("Agent address", netip.AddrFrom4([4]byte(b[8:12])).String(), s+8, s+12))
			p = 12
		} else {
			add(fld("Agent address", netip.AddrFrom16([16]byte(b[8:24])).String(), s+8, s+24))
			p = 24
		}
		add(fld("Sub-agent ID", u32(be32(b, p)), s+p, s+p+4))
		add(fld("Sequence number", u32(be32(b, p+4)), s+p+4, s+p+8))
		add(fld("System uptime", fmt.Sprintf("%d ms", be32(b, p+8)), s+p+8, s+p+12))
		add(fld("Number of samples", u32(be32(b, p+12)), s+p+12, s+p+16))
	case lSFlowSample:
		describeSFlowSample(l, b, s)
	case lSFlowRecord:
		l.Name = "sFlow raw packet header record"
		add(fld("Record type", fmt.Sprintf("%d (raw packet header)", be32(b, 0)&0xfff), s, s+4))
		add(fld("Record length", u32(be32(b, 4)), s+4, s+8))
		hp := be32(b, 8)
		hv := u32(hp)
		if hp == 1 {
			hv += " (Ethernet)"
		}
		add(fld("Header protocol", hv, s+8, s+12))
		add(fld("Frame length", fmt.Sprintf("%d bytes (of the sampled frame on the wire)", be32(b, 12)), s+12, s+16))
		add(fld("Bytes stripped", u32(be32(b, 16)), s+16, s+20))
		add(fld("Header length", fmt.Sprintf("%d bytes sampled", be32(b, 20)), s+20, s+24))
	}
}

func ptName(pt uint8) string {
	if pt == 1 {
		return "1 (GTP)"
	}
	return "0 (GTP')"
}

func gtpExtName(t uint8) string {
	switch t {
	case 0x00:
		return "no more extension headers"
	case 0x01:
		return "MBMS support indication"
	case 0x02:
		return "MS info change reporting support indication"
	case 0x20:
		return "service class indicator"
	case 0x40:
		return "UDP port"
	case 0x81:
		return "RAN container"
	case 0x82:
		return "long PDCP PDU number"
	case 0x83:
		return "Xw RAN container"
	case 0x84:
		return "NR RAN container"
	case 0x85:
		return "PDU session container"
	case 0xc0:
		return "PDCP PDU number"
	}
	return fmt.Sprintf("type 0x%02x", t)
}

func gtpExtValue(t uint8) string { return fmt.Sprintf("0x%02x (%s)", t, gtpExtName(t)) }

func describeERSPAN(l *model.Layer, b []byte, s int) {
	add := func(f model.Field) { l.Fields = append(l.Fields, f) }
	w0, w1 := be16(b, 0), be16(b, 2)
	v := w0 >> 12
	l.Name = "ERSPAN type II"
	if v == 2 {
		l.Name = "ERSPAN type III"
	}
	add(fld("Version", fmt.Sprintf("%d (%s)", v, l.Name[len("ERSPAN "):]), s, s+1))
	add(fld("VLAN", u16(w0&0x0fff), s, s+2))
	add(fld("Class of service (COS)", u16(w1>>13), s+2, s+3))
	if v == 1 {
		add(fld("Encapsulation type", u16(w1>>11&3), s+2, s+3))
	} else {
		add(fld("Bad/short/oversized (BSO)", u16(w1>>11&3), s+2, s+3))
	}
	add(fld("Truncated (T)", yesNo(w1&0x0400 != 0), s+2, s+3))
	add(fld("Session ID", u16(w1&0x03ff), s+2, s+4))
	if v == 1 {
		x := be32(b, 4)
		add(fld("Reserved", u32(x>>20), s+4, s+6))
		add(fld("Index", u32(x&0xfffff), s+5, s+8))
		return
	}
	add(fld("Timestamp", u32(be32(b, 4)), s+4, s+8))
	add(fld("Security group tag (SGT)", u16(be16(b, 8)), s+8, s+10))
	f := be16(b, 10)
	add(fld("Flags", hex16(f), s+10, s+12,
		fld("Ethernet PDU (P)", yesNo(f&0x8000 != 0), s+10, s+11),
		fld("Frame type (FT)", u16(f>>10&0x1f), s+10, s+11),
		fld("Hardware ID", u16(f>>4&0x3f), s+10, s+12),
		fld("Direction (D)", map[bool]string{true: "egress", false: "ingress"}[f&0x0008 != 0], s+11, s+12),
		fld("Timestamp granularity", [...]string{"0 (100 µs)", "1 (100 ns)", "2 (IEEE 1588)", "3 (custom)"}[f>>1&3], s+11, s+12),
		fld("Optional subheader (O)", yesNo(f&1 != 0), s+11, s+12)))
	if len(b) >= 20 {
		add(fld("Platform-specific subheader", hex.EncodeToString(b[12:20]), s+12, s+20,
			fld("Platform ID", u8(b[12]>>2), s+12, s+13),
			fld("Platform-specific information", hex.EncodeToString(b[12:20])+" (after the ID's 6 bits)", s+12, s+20)))
	}
}

func describeCAPWAP(l *model.Layer, b []byte, s int) {
	add := func(f model.Field) { l.Fields = append(l.Fields, f) }
	l.Name = "CAPWAP data"
	v := be32(b, 0) & 0xffffff
	add(fld("Preamble", fmt.Sprintf("0x%02x", b[0]), s, s+1,
		fld("Version", u8(b[0]>>4), s, s+1),
		fld("Type", u8(b[0]&0x0f)+" (CAPWAP header)", s, s+1)))
	add(fld("Header length (HLEN)", fmt.Sprintf("%d (%d bytes)", v>>19, (v>>19)*4), s+1, s+2))
	add(fld("Radio ID", u32(v>>14&0x1f), s+1, s+3))
	wbid := v >> 9 & 0x1f
	wb := u32(wbid)
	switch wbid {
	case 1:
		wb += " (IEEE 802.11)"
	case 3:
		wb += " (EPCGlobal)"
	}
	add(fld("Wireless binding ID (WBID)", wb, s+2, s+3))
	add(fld("Flags", fmt.Sprintf("0x%03x", v&0x1ff), s+2, s+4,
		fld("Payload type (T)", map[bool]string{true: "native frame of the binding", false: "IEEE 802.3 frame"}[v&0x100 != 0], s+2, s+3),
		fld("Fragment (F)", yesNo(v&0x80 != 0), s+3, s+4),
		fld("Last fragment (L)", yesNo(v&0x40 != 0), s+3, s+4),
		fld("Wireless specific information (W)", yesNo(v&0x20 != 0), s+3, s+4),
		fld("Radio MAC address (M)", yesNo(v&0x10 != 0), s+3, s+4),
		fld("Keep-alive (K)", yesNo(v&0x08 != 0), s+3, s+4)))
	add(fld("Fragment ID", u16(be16(b, 4)), s+4, s+6))
	add(fld("Fragment offset", u16(be16(b, 6)>>3), s+6, s+8))
	p := 8
	if v&0x10 != 0 && p < len(b) {
		n := int(b[p])
		end := min(p+1+n, len(b))
		add(fld("Radio MAC address", hex.EncodeToString(b[p+1:end]), s+p, s+end,
			fld("Length", u8(b[p]), s+p, s+p+1)))
		p = (end + 3) &^ 3
	}
	if v&0x20 != 0 && p < len(b) {
		n := int(b[p])
		end := min(p+1+n, len(b))
		add(fld("Wireless specific information", hex.EncodeToString(b[p+1:end]), s+p, s+end,
			fld("Length", u8(b[p]), s+p, s+p+1)))
		p = end
	}
	if p < len(b) {
		add(fld("Padding", hex.EncodeToString(b[p:]), s+p, s+len(b)))
	}
}

func describeSFlowSample(l *model.Layer, b []byte, s int) {
	add := func(f model.Field) { l.Fields = append(l.Fields, f) }
	tag := be32(b, 0)
	exp := tag&0xfff == 3
	l.Name = "sFlow flow sample"
	if exp {
		l.Name = "sFlow expanded flow sample"
	}
	add(fld("Sample type", fmt.Sprintf("enterprise %d, format %d", tag>>12, tag&0xfff), s, s+4))
	add(fld("Sample length", u32(be32(b, 4)), s+4, s+8))
	add(fld("Sequence number", u32(be32(b, 8)), s+8, s+12))
	p := 12
	if exp {
		add(fld("Source ID type", u32(be32(b, 12)), s+12, s+16))
		add(fld("Source ID index", u32(be32(b, 16)), s+16, s+20))
		p = 20
	} else {
		x := be32(b, 12)
		add(fld("Source ID", fmt.Sprintf("type %d, index %d", x>>24, x&0xffffff), s+12, s+16))
		p = 16
	}
	add(fld("Sampling rate", fmt.Sprintf("1 in %d", be32(b, p)), s+p, s+p+4))
	add(fld("Sample pool", u32(be32(b, p+4)), s+p+4, s+p+8))
	add(fld("Dropped packets", u32(be32(b, p+8)), s+p+8, s+p+12))
	p += 12
	if exp {
		add(fld("Input interface", fmt.Sprintf("format %d, value %d", be32(b, p), be32(b, p+4)), s+p, s+p+8))
		add(fld("Output interface", fmt.Sprintf("format %d, value %d", be32(b, p+8), be32(b, p+12)), s+p+8, s+p+16))
		p += 16
	} else {
		add(fld("Input interface", u32(be32(b, p)), s+p, s+p+4))
		add(fld("Output interface", u32(be32(b, p+4)), s+p+4, s+p+8))
		p += 8
	}
	add(fld("Number of records", u32(be32(b, p)), s+p, s+p+4))
	if p+4 < len(b) {
		add(fld("Records before the sampled header", hexValue(b[p+4:]), s+p+4, s+len(b)))
	}
}

// describeInflated decompresses the IPComp payload of span [s, e) for the
// layers view and names what it holds. The decompressed bytes have no range
// in the frame, so their fields span the whole compressed payload.
func describeInflated(l *model.Layer, w *walker, s, e int) {
	add := func(f model.Field) { l.Fields = append(l.Fields, f) }
	if w.out != outComp {
		if w.reason != "" {
			add(fld("Not decompressed", w.reason, s, e))
		}
		return
	}
	var f inflater
	dec, err := f.inflate(w.data[s:e])
	if err != nil {
		add(fld("Decompressed", fmt.Sprintf("does not decompress: %v", err), s, e))
		return
	}
	add(fld("Decompressed length", fmt.Sprintf("%d bytes", len(dec)), s, e))
	if w.comp.next == 6 && len(dec) >= 20 {
		doff := int(dec[12]>>4) * 4
		add(fld("Decompressed TCP header", fmt.Sprintf("%d → %d seq %d ack %d flags 0x%03x, %d bytes of payload",
			be16(dec, 0), be16(dec, 2), be32(dec, 4), be32(dec, 8), be16(dec, 12)&0x0fff, max(len(dec)-doff, 0)), s, e))
	}
}

// tunnelEthertypeName names the GRE protocols of extract_tunnel.go that are
// no EtherType of ethertypeName's.
func tunnelEthertypeName(t uint16) string {
	switch {
	case t == 0x883e:
		return "WCCP"
	case t >= 0x8200 && t <= 0x8370 && t&0xf == 0:
		return "Aruba WLAN (802.11)"
	}
	return ""
}

// compProblem is why the IPComp payload a walk stopped at does not decode,
// as Extract finds when it decompresses it, or "" when it decodes.
func compProblem(w *walker) string {
	c := *w
	c.infl = nil
	c.decompress()
	if c.out == outBad {
		return c.reason
	}
	return ""
}
