package decode

import (
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"

	"github.com/tcpstep/tcpstep/model"
)

// This file holds the header walk through the tunnels that carry TCP where
// tshark follows it and the walk of extract_walk.go alone did not: GTP-U,
// ERSPAN types I–III, WCCP redirection, Aruba's WLAN-over-GRE and CAPWAP
// data (whose 802.11 payload goes to the 802.11 walk, lDot11), IPComp,
// and sFlow's sampled headers. extract_walk.go reaches it through a few hook
// lines: UDP ports (udpEncap), GRE protocols (greEncap), IP protocol 108,
// and one case of walker.run (walkEncap).
//
// gopacket has GTPv1U and ERSPANII layers, which the tests' capture
// generator could use; the walk does not: their DecodeFromBytes keeps the
// extension headers in a slice it grows per packet, hides the captured and
// claimed lengths apart, and knows nothing of ERSPAN types I and III, so it
// would cost an allocation per frame and lose what the walk reports.

// Layer IDs of this file's headers. They sit above the IDs of
// extract_walk.go's list (and of the link walks', 48-49 and 56-66) so that the
// lists can grow apart, and close enough to them that run's switch over
// layers stays one jump table.
const (
	lGTPU        layerID = 72 + iota // GTPv1-U header with its optional fields
	lGTPExt                          // one GTP-U extension header
	lERSPAN                          // ERSPAN type II or III header (type I has none)
	lWCCP                            // WCCPv2 redirect header
	lCAPWAP                          // CAPWAP data header
	lIPComp                          // IPComp header (RFC 3173)
	lIPCompData                      // the compressed payload after it
	lSFlow                           // sFlow v5 datagram header
	lSFlowSample                     // a flow sample's header, up to its records
	lSFlowRecord                     // the raw packet header record before the sampled bytes
)

// isEncap reports whether id is one of this file's layer IDs.
func isEncap(id layerID) bool { return id >= lGTPU && id <= lSFlowRecord }

// UDP ports of the tunnels (tshark's defaults).
const (
	portGTPU       = 2152
	portCAPWAPData = 5247
	portSFlow      = 6343
)

// udpEncap maps a UDP datagram's ports to the tunnel it carries, or lNone.
// Like tshark's UDP, the lower of the two ports is tried first.
func udpEncap(sp, dp uint16) layerID {
	lo, hi := min(sp, dp), max(sp, dp)
	if id := udpPortEncap(lo); id != lNone {
		return id
	}
	return udpPortEncap(hi)
}

func udpPortEncap(port uint16) layerID {
	switch port {
	case portGTPU:
		return lGTPU
	case portCAPWAPData:
		return lCAPWAP
	case portSFlow:
		return lSFlow
	}
	return lNone
}

// greEncap picks what follows a GRE header of flags-and-version fl and
// protocol t that extract_walk.go's EtherTypes do not cover: ERSPAN, WCCP,
// Aruba's 802.11. greStart is where the GRE header starts; p.off is past it.
// It reports false for any other protocol.
func (w *walker) greEncap(t, fl uint16, greStart int, p *walkPos) (layerID, bool) {
	switch {
	case t == 0x88be || t == 0x22eb:
		// tshark's packet-erspan.c: a GRE header with no flag and
		// version 0 at all means type I, no ERSPAN header; otherwise the
		// ERSPAN header's version says (1: type II, 2: type III),
		// whichever of the two protocols GRE named.
		if fl == 0 {
			return lEthernet, true
		}
		return lERSPAN, true
	case t == 0x883e:
		// tshark's packet-gre.c: WCCPv2 adds a 4-byte redirect header
		// with the same protocol; when the byte after GRE's first four
		// (optional fields or not) does not look like the start of an
		// IPv4 header, it is WCCPv2.
		if greStart+4 < p.capEnd && w.data[greStart+4]>>4 != 4 {
			return lWCCP, true
		}
		return lIPv4, true
	case t >= 0x8200 && t <= 0x8370 && t&0xf == 0:
		// Aruba's WLAN over GRE: an 802.11 frame without FCS.
		return lDot11, true
	}
	return lNone, false
}

// walkEncap reads one of this file's headers.
// It returns false when the walk ends here.
func (w *walker) walkEncap(p *walkPos) bool {
	switch p.cur {
	case lGTPU:
		return w.walkGTPU(p)
	case lERSPAN:
		return w.walkERSPAN(p)
	case lWCCP:
		if !w.need("WCCP redirect", p.off, 4, p.capEnd) {
			return false
		}
		w.push(lWCCP, p.off, p.off+4)
		p.off += 4
		p.cur = lIPv4
		return true
	case lCAPWAP:
		return w.walkCAPWAP(p)
	case lIPComp:
		return w.walkIPComp(p)
	case lSFlow:
		return w.walkSFlow(p)
	}
	w.bad("internal: unknown layer")
	return false
}

// maxGTPExt bounds the extension headers of one GTP-U header; each is at
// least 4 bytes, so the captured length bounds them too.
const maxGTPExt = 16

func (w *walker) walkGTPU(p *walkPos) bool {
	data := w.data
	if !w.need("GTP-U", p.off, 8, p.capEnd) {
		return false
	}
	fl, mt, l := data[p.off], data[p.off+1], int(be16(data, p.off+2))
	if fl>>5 != 1 || fl&0x10 == 0 {
		w.other(fmt.Sprintf("GTP version %d (protocol type %d) on the GTP-U port", fl>>5, fl>>4&1))
		w.push(lData, p.off, p.capEnd)
		return false
	}
	start := p.off
	// The length counts the bytes after the 8 mandatory ones; it bounds
	// the T-PDU as UDP's length bounds the datagram.
	if end := p.off + 8 + l; end < p.repEnd {
		p.repEnd = end
		p.capEnd = min(p.capEnd, end)
	}
	n := 8
	next := byte(0)
	if fl&7 != 0 {
		if !w.need("GTP-U", p.off, 12, p.capEnd) {
			return false
		}
		n = 12
		next = data[p.off+11]
		if fl&4 == 0 {
			next = 0 // the field is there but means nothing without E
		}
	}
	w.push(lGTPU, start, start+n)
	p.off += n
	for k := 0; next != 0; k++ {
		if k == maxGTPExt {
			w.bad(fmt.Sprintf("more than %d GTP-U extension headers", maxGTPExt))
			w.push(lUndecoded, p.off, p.capEnd)
			return false
		}
		if !w.need("GTP-U extension", p.off, 1, p.capEnd) {
			return false
		}
		el := int(data[p.off]) * 4
		if el == 0 {
			w.bad("GTP-U extension header of length 0")
			w.push(lUndecoded, p.off, p.capEnd)
			return false
		}
		if !w.need("GTP-U extension", p.off, el, p.capEnd) {
			return false
		}
		if !w.push(lGTPExt, p.off, p.off+el) {
			return false
		}
		next = data[p.off+el-1]
		p.off += el
	}
	if mt != 0xff {
		w.other(fmt.Sprintf("GTP-U %s", gtpMessageName(mt)))
		if p.off < p.capEnd {
			w.push(lData, p.off, p.capEnd)
		}
		return false
	}
	return w.ipInside(p, "GTP-U G-PDU with no T-PDU captured", "GTP-U T-PDU that is not IP")
}

func gtpMessageName(t uint8) string {
	switch t {
	case 1:
		return "echo request"
	case 2:
		return "echo response"
	case 26:
		return "error indication"
	case 31:
		return "supported extension headers notification"
	case 253:
		return "tunnel status"
	case 254:
		return "end marker"
	case 255:
		return "G-PDU"
	}
	return fmt.Sprintf("message type %d", t)
}

// walkERSPAN reads an ERSPAN type II or III header (type I has none and
// never gets here). The Ethernet frame follows.
func (w *walker) walkERSPAN(p *walkPos) bool {
	data := w.data
	if !w.need("ERSPAN", p.off, 2, p.capEnd) {
		return false
	}
	var n int
	switch v := data[p.off] >> 4; v {
	case 1:
		n = 8
	case 2:
		n = 12
		if !w.need("ERSPAN", p.off, n, p.capEnd) {
			return false
		}
		if be16(data, p.off+10)&1 != 0 {
			n += 8 // the O bit: a platform-specific subheader follows
		}
	default:
		w.other(fmt.Sprintf("ERSPAN version %d", v))
		w.push(lData, p.off, p.capEnd)
		return false
	}
	if !w.need("ERSPAN", p.off, n, p.capEnd) {
		return false
	}
	w.push(lERSPAN, p.off, p.off+n)
	p.off += n
	p.cur = lEthernet
	return true
}

// walkCAPWAP reads a CAPWAP data header (RFC 5415 section 4.3): its HLEN
// covers the optional radio MAC and wireless information fields. The T bit
// says the payload is in the native format of the wireless binding (802.11
// for WBID 1), else it is an IEEE 802.3 frame.
func (w *walker) walkCAPWAP(p *walkPos) bool {
	data := w.data
	if !w.need("CAPWAP", p.off, 8, p.capEnd) {
		return false
	}
	pre := data[p.off]
	if pre>>4 != 0 {
		w.other(fmt.Sprintf("CAPWAP version %d", pre>>4))
		w.push(lData, p.off, p.capEnd)
		return false
	}
	if pre&0x0f == 1 {
		w.other("CAPWAP DTLS (encrypted)")
		w.push(lData, p.off, p.capEnd)
		return false
	}
	v := be32(data, p.off) & 0xffffff
	hlen := int(v>>19) * 4
	wbid, t, f, k := v>>9&0x1f, v>>8&1, v>>7&1, v>>3&1
	if hlen < 8 {
		w.bad(fmt.Sprintf("CAPWAP header length %d bytes (less than 8)", hlen))
		w.push(lUndecoded, p.off, p.capEnd)
		return false
	}
	if !w.need("CAPWAP", p.off, hlen, p.capEnd) {
		return false
	}
	w.push(lCAPWAP, p.off, p.off+hlen)
	p.off += hlen
	switch {
	case f == 1:
		w.other("CAPWAP data fragment (not reassembled)")
	case k == 1:
		w.other("CAPWAP data keep-alive")
	case t == 0:
		p.cur = lEthernet
		return true
	case wbid == 1:
		// Cisco's access points send the 802.11 frame control field
		// byte-swapped in CAPWAP; tshark undoes that by default
		// (capwap.swap_frame_control), and so must the 802.11 walk.
		w.dot11SwapFC = true
		p.cur = lDot11
		return true
	default:
		w.other(fmt.Sprintf("CAPWAP data for wireless binding %d", wbid))
	}
	if p.off < p.capEnd {
		w.push(lData, p.off, p.capEnd)
	}
	return false
}

// IPComp (RFC 3173): a 4-byte header (next header, flags, compression
// parameter index) and the datagram's payload compressed. The walk stops at
// it (outComp) and records where the compressed bytes are; Extract and
// Payload then decompress them (decompress) and walk the result, as they
// walk a reassembled datagram. Decompressing allocates (the inflater's
// state once per walker, the output buffer as it grows): it is kept out of
// the common path, which never meets IP protocol 108.

// cpiDeflate is the compression parameter index of DEFLATE (RFC 2394).
const cpiDeflate = 2

// maxInflate bounds a decompressed IPComp payload: no IP datagram is longer.
const maxInflate = 65535

// compInfo is where the walk stopped at an IPComp payload.
type compInfo struct {
	next     uint8
	v6       bool
	off, end int // the compressed bytes in the walked buffer
}

func (w *walker) walkIPComp(p *walkPos) bool {
	data := w.data
	if !w.need("IPComp", p.off, 4, p.capEnd) {
		return false
	}
	nh, cpi := data[p.off], be16(data, p.off+2)
	w.push(lIPComp, p.off, p.off+4)
	p.off += 4
	if p.off < p.capEnd {
		w.push(lIPCompData, p.off, p.capEnd)
	}
	switch {
	case cpi != cpiDeflate:
		w.other(fmt.Sprintf("IPComp with compression parameter index %d (only DEFLATE, 2, is decompressed)", cpi))
	case p.capEnd < w.ipClaimedEnd(p.repEnd):
		w.bad(fmt.Sprintf("IPComp payload cut short by the snap length (%d of %d bytes captured): not decompressed", p.capEnd-p.off, w.ipClaimedEnd(p.repEnd)-p.off))
	default:
		w.out = outComp
		w.comp = compInfo{next: nh, v6: p.v6, off: p.off, end: p.capEnd}
	}
	return false
}

// ipClaimedEnd is where the innermost IP header's length says its datagram
// ends (or def when it says 0, as under segmentation offload). It tells a
// payload cut by the snap length from the captured bytes alone, so that
// Extract (which knows the frame's length on the wire) and Dissect (which
// does not) agree.
func (w *walker) ipClaimedEnd(def int) int {
	for i := w.n - 1; i >= 0; i-- {
		sp := w.spans[i]
		switch sp.id {
		case lIPv4:
			if t := int(be16(w.data, sp.start+2)); t != 0 {
				return sp.start + t
			}
			return def
		case lIPv6:
			if l := int(be16(w.data, sp.start+4)); l != 0 {
				return sp.start + 40 + l
			}
			return def
		}
	}
	return def
}

// inflater is the reusable DEFLATE state of a walker's decompress.
type inflater struct {
	src bytes.Reader
	r   io.ReadCloser
	out []byte
}

var errInflateTooLong = errors.New("inflates past 65535 bytes")

// inflate decompresses raw DEFLATE data b into the inflater's buffer, at
// most maxInflate bytes. The result is valid until the next call.
func (f *inflater) inflate(b []byte) ([]byte, error) {
	f.src.Reset(b)
	if f.r == nil {
		f.r = flate.NewReader(&f.src)
	} else if err := f.r.(flate.Resetter).Reset(&f.src, nil); err != nil {
		return nil, err
	}
	if f.out == nil {
		f.out = make([]byte, 0, 2048)
	}
	out := f.out[:0]
	for {
		if len(out) == cap(out) {
			if cap(out) > maxInflate {
				return nil, errInflateTooLong
			}
			out = append(out, 0)[:len(out)]
		}
		n, err := f.r.Read(out[len(out):min(cap(out), maxInflate+1)])
		out = out[:len(out)+n]
		if len(out) > maxInflate {
			f.out = out
			return nil, errInflateTooLong
		}
		if err == io.EOF {
			f.out = out
			return out, nil
		}
		if err != nil {
			f.out = out
			return nil, err
		}
	}
}

// decompress inflates the IPComp payload the walk stopped at (out ==
// outComp) and walks the datagram payload it holds, as walkIPPayload walks a
// reassembled one; the walk then points into the inflater's buffer. When
// the payload does not inflate, the frame is undecodable, with the reason.
func (w *walker) decompress() {
	c := w.comp
	src, dst := w.src, w.dst
	if w.infl == nil {
		w.infl = new(inflater)
	}
	dec, err := w.infl.inflate(w.data[c.off:c.end])
	if err != nil {
		w.out = outBad
		w.reason = fmt.Sprintf("IPComp DEFLATE payload does not decompress: %v", err)
		return
	}
	w.walkIPPayload(c.next, c.v6, src, dst, dec)
	if w.out == outComp {
		w.bad("IPComp inside IPComp")
	}
}

// walkSFlow reads an sFlow v5 datagram up to the first sampled header of
// Ethernet (a raw packet header record, header protocol 1, in a flow sample
// or an expanded flow sample) and walks that header as a frame: its
// captured bytes are the record's, its length on the wire the sampled
// frame's. The segment is short: tshark runs no sequence analysis on a
// sampled header. tshark dissects every sampled header of the datagram;
// tcpstep's model keeps one segment per frame, so the first is the frame's
// segment and Extract hands the others' TCP headers over as Samples, whose
// conversations the builder numbers as tshark does (the README says what a
// sampled segment means). w.sflow is left where the scan stopped.
func (w *walker) walkSFlow(p *walkPos) bool {
	data := w.data
	if !w.need("sFlow", p.off, 8, p.capEnd) {
		return false
	}
	if v := be32(data, p.off); v != 5 {
		w.other(fmt.Sprintf("sFlow version %d", v))
		w.push(lData, p.off, p.capEnd)
		return false
	}
	hl := 28
	switch be32(data, p.off+4) {
	case 1:
	case 2:
		hl = 40
	default:
		w.other("sFlow datagram with an unknown agent address type")
		w.push(lData, p.off, p.capEnd)
		return false
	}
	if !w.need("sFlow", p.off, hl, p.capEnd) {
		return false
	}
	w.push(lSFlow, p.off, p.off+hl)
	w.sflow = sflowIter{q: p.off + hl, end: p.capEnd, samples: int(be32(data, p.off+hl-4))}
	h, ok, bad := w.sflow.next(data)
	for k := 0; k < w.sflowSkip && ok; k++ {
		h, ok, bad = w.sflow.next(data)
	}
	switch {
	case bad != "":
		w.bad(bad)
		w.push(lUndecoded, h.sample, p.capEnd)
		return false
	case !ok:
		w.other("sFlow datagram with no sampled Ethernet header")
		if q := p.off + hl; q < p.capEnd {
			w.push(lData, q, p.capEnd)
		}
		return false
	}
	if h.sample > p.off+hl {
		w.push(lData, p.off+hl, h.sample) // samples passed over
	}
	w.push(lSFlowSample, h.sample, h.record)
	w.push(lSFlowRecord, h.record, h.hdr)
	w.sampled, w.noAnalysis = true, true
	p.off, p.capEnd = h.hdr, h.hdr+h.hdrLen
	p.repEnd = h.hdr + max(h.hdrLen, h.origLen)
	p.cur = lEthernet
	return true
}

// finishTunnel completes a walk that stopped at an IPComp payload
// (decompress) or in an sFlow datagram whose first sampled header is not
// TCP (resample). Extract and Payload call it when w.sampled or out ==
// outComp: one test on the common path.
func (w *walker) finishTunnel(link uint16, data []byte, reported int) {
	switch {
	case w.out == outComp:
		w.decompress()
	case w.sampled && w.out == outOther:
		w.resample(link, data, reported)
	}
}

// resample walks the frame again when its first sampled Ethernet header is
// not TCP, passing over one sampled header more each time, until one is
// TCP: tshark's TCP fields for the frame are then that one's. When none is,
// the first one's walk is kept. Only such sFlow frames pay for it.
func (w *walker) resample(link uint16, data []byte, reported int) {
	for k := 1; k <= maxSamples; k++ {
		w.sflowSkip = k
		w.walk(link, data, reported)
		if !w.sampled || w.out != outOther {
			break
		}
	}
	if w.out != outTCP {
		w.sflowSkip = 0
		w.walk(link, data, reported)
	}
	w.sflowSkip = 0
}

// sflowHdr is one sampled Ethernet header of an sFlow datagram: where its
// flow sample, its raw packet header record and the sampled bytes start,
// how many bytes were sampled, and the sampled frame's length (less the
// bytes the agent stripped, its FCS).
type sflowHdr struct {
	sample, record, hdr int
	hdrLen, origLen     int
}

// sflowIter finds the sampled Ethernet headers of an sFlow v5 datagram one
// after the other: flow samples (format 1) and expanded flow samples
// (format 3), their raw packet header records (format 1) of header
// protocol 1. Other samples and records are skipped by their lengths.
type sflowIter struct {
	q, end  int // the next sample; the end of the datagram
	samples int // samples left, as the datagram counts them
	// Inside a sample: its start and end, the next record, records left.
	sample, sEnd, r, recs int
}

// next returns the next sampled Ethernet header; bad says why the
// datagram cannot be read further when a record lies about its header.
func (it *sflowIter) next(data []byte) (h sflowHdr, ok bool, bad string) {
	for {
		for it.recs > 0 && it.r+8 <= it.sEnd {
			it.recs--
			tag, rl := be32(data, it.r), int(be32(data, it.r+4))
			rb := it.r + 8
			if rl > it.sEnd-rb {
				it.recs = 0
				break
			}
			rec := it.r
			it.r = rb + rl
			if tag != 1 || rl < 16 || be32(data, rb) != 1 {
				continue
			}
			frameLen, stripped, hdrLen := int(be32(data, rb+4)), int(be32(data, rb+8)), int(be32(data, rb+12))
			if hdrLen > rl-16 {
				it.recs, it.samples = 0, 0
				return sflowHdr{sample: it.sample}, false, fmt.Sprintf("sFlow sampled header of %d bytes in a record of %d", hdrLen, rl)
			}
			return sflowHdr{sample: it.sample, record: rec, hdr: rb + 16, hdrLen: hdrLen, origLen: frameLen - stripped}, true, ""
		}
		if it.samples <= 0 || it.q+8 > it.end {
			return h, false, ""
		}
		it.samples--
		tag, sl := be32(data, it.q), int(be32(data, it.q+4))
		body := it.q + 8
		if sl > it.end-body {
			it.samples = 0
			return h, false, "" // the sample runs past the datagram
		}
		it.sample, it.sEnd, it.q = it.q, body+sl, body+sl
		fixed := 0
		switch tag {
		case 1:
			fixed = 32 // flow sample
		case 3:
			fixed = 44 // expanded flow sample
		}
		if fixed == 0 || sl < fixed {
			it.recs = 0
			continue
		}
		it.r, it.recs = body+fixed, int(be32(data, body+fixed-4))
	}
}

// maxSamples bounds the further samples of one datagram that Extract
// reports.
const maxSamples = 64

// moreSamples walks the sampled headers after the first of the sFlow
// datagram the walk stopped in and appends the TCP headers among them to
// d.samples, as short segments. It allocates only while d.samples grows,
// on sFlow frames.
func (d *dissector) moreSamples(data []byte) []model.Packet {
	it := d.w.sflow
	d.samples = d.samples[:0]
	for len(d.samples) < maxSamples {
		h, ok, _ := it.next(data)
		if !ok {
			break
		}
		sub := &d.sub
		sub.walk(linkEthernet, data[h.hdr:h.hdr+h.hdrLen], max(h.hdrLen, h.origLen))
		if sub.out == outTCP {
			p := sub.packet()
			p.Short = true
			d.samples = append(d.samples, p)
		}
	}
	return d.samples
}
