// Package decode turns capture bytes into tcpstep's model values: it reads
// pcap and pcapng files, walks each frame's link, tunnel, IP and TCP headers,
// reassembles IPv4 fragments, and ties ICMP errors to the TCP header they
// quote.
//
// Two entry points share one header walk. dissector.Extract is the fast path
// used while indexing a capture: it allocates nothing for an ordinary TCP
// frame and returns only what the timeline keeps. Dissect is the full account
// of one frame for views: every layer and every field with its byte range.
package decode

import (
	"fmt"

	"github.com/tcpstep/tcpstep/model"
)

// extracted is what Extract found in one frame.
type extracted struct {
	Kind model.FrameKind
	// Reason says in words what the frame is when it carries no segment
	// (FrameOther: "UDP 10.0.0.1:53 → 10.0.0.2:4000", "ARP request") or
	// why it could not be decoded (FrameUndecodable: "TCP header cut
	// short: 14 of 20 bytes captured"). For a fragment or an ICMP error it
	// is a one-line summary.
	Reason string
	// Packet is the TCP segment (FrameTCP). Frame is set to the frame
	// number given to Extract; TimeNS is left for the caller.
	Packet model.Packet
	// IsFrag says the frame is an IP fragment, described by Frag; it is
	// also set on the frame that completes a datagram, whose Kind is then
	// what the datagram carries (usually FrameTCP).
	IsFrag bool
	Frag   model.Fragment
	// FragFrames lists the earlier fragment frames whose bytes the
	// completed datagram used, in frame order. Valid until the next call.
	FragFrames []uint32
	// Expired lists fragment frames whose datagram this call dropped
	// without completing it (too old, too many pending, inconsistent).
	// Valid until the next call.
	Expired []uint32
	// ICMP is the error and the TCP header it quotes (FrameICMP).
	ICMP model.ICMPError
	// Samples are the TCP headers of an sFlow datagram's sampled headers
	// after the one that is Packet, as short segments (their Frame
	// unset). Valid until the next call.
	Samples []model.Packet
}

// dissector extracts segments from frames. It keeps a reusable header walk
// and the fragments of incomplete IP datagrams, so it is not safe for
// concurrent use: give each goroutine its own.
type dissector struct {
	w  walker
	re *reassembler

	sub     walker // an sFlow datagram's further sampled headers
	samples []model.Packet
}

// newDissector returns a dissector with a reassembler of default bounds.
func newDissector() *dissector {
	return &dissector{re: newReassembler()}
}

// reassembler returns the dissector's fragment reassembler, e.g. to change
// its bounds before the first frame.
func (d *dissector) reassembler() *reassembler { return d.re }

// Flush drops the datagrams still incomplete (at the end of a capture) and
// returns their fragment frames.
func (d *dissector) Flush() []uint32 { return d.re.Flush() }

// Extract decodes frame number frameNo (1-based) of the given link type.
// data is the captured bytes, which Extract does not keep; origLen is the
// frame's length on the wire (0 when unknown), from which payload lengths are
// taken when the snap length cut the frame.
func (d *dissector) Extract(frameNo uint32, linkType uint16, data []byte, origLen uint32) extracted {
	var ex extracted
	w := &d.w
	w.walk(linkType, data, int(origLen))
	if w.sampled || w.out == outComp {
		// Rare: an IPComp payload or an sFlow datagram.
		w.finishTunnel(linkType, data, int(origLen))
		if w.out != outFrag {
			w.result(&ex, frameNo)
			if w.sampled && ex.Kind == model.FrameTCP {
				ex.Samples = d.moreSamples(data)
			}
			return ex
		}
	} else if w.out != outFrag {
		w.result(&ex, frameNo)
		return ex
	}

	f := w.frag
	ex.IsFrag = true
	ex.Kind = model.FrameFragment
	ex.Frag = model.Fragment{
		Frame: frameNo, ID: uint16(f.id), DF: f.df, MF: f.mf,
		Offset: uint16(f.offset), Len: uint16(min(f.payLen, 0xffff)),
	}
	ver := "IPv4"
	if f.v6 {
		ver = "IPv6"
	}
	more := ""
	if f.mf {
		more = ", more fragments"
	}
	ex.Reason = fmt.Sprintf("%s fragment %s → %s id 0x%x offset %d length %d%s", ver, w.src, w.dst, f.id, f.offset, f.payLen, more)
	if f.payCapEnd-f.payOff < f.payLen {
		// Like Wireshark, reassemble only fragments whose bytes were all
		// captured.
		ex.Reason += " (cut short by the snap length: not reassembled)"
		return ex
	}
	key := fragKey{Src: w.src, Dst: w.dst, ID: f.id, Proto: f.proto, V6: f.v6}
	dg, frames, ok := d.re.Add(frameNo, key, f.offset, f.mf, data[f.payOff:f.payOff+f.payLen])
	ex.Expired = d.re.Dropped()
	if !ok {
		return ex
	}
	ex.Frag.Completes = frameNo
	ex.FragFrames = frames
	w.walkIPPayload(f.proto, f.v6, w.src, w.dst, dg)
	if w.out == outComp {
		w.decompress()
	}
	if w.out == outFrag {
		w.bad("a fragment inside a reassembled datagram")
	}
	w.result(&ex, frameNo)
	ex.Reason = fmt.Sprintf("%s (reassembled from %d fragments)", ex.Reason, len(frames)+1)
	return ex
}

// result fills ex from a finished walk that found no fragment.
func (w *walker) result(ex *extracted, frameNo uint32) {
	switch w.out {
	case outTCP:
		ex.Kind = model.FrameTCP
		ex.Reason = ""
		ex.Packet = w.packet()
		ex.Packet.Frame = frameNo
	case outICMP:
		ex.Kind = model.FrameICMP
		ex.ICMP = w.icmpError()
		ex.ICMP.Frame = frameNo
		e := &ex.ICMP
		name := "ICMP"
		if w.l4IsV6() {
			name = "ICMPv6"
		}
		mtu := ""
		if e.MTU != 0 {
			mtu = fmt.Sprintf(", MTU %d", e.MTU)
		}
		ex.Reason = fmt.Sprintf("%s %s %s → %s%s, quoting %s → %s seq %d", name,
			icmpTypeName(w.l4IsV6(), e.Type, e.Code), e.Src.Addr, e.Dst.Addr, mtu, e.QuotedSrc, e.QuotedDst, e.QuotedSeq)
	case outOther:
		ex.Kind = model.FrameOther
		ex.Reason = w.reason
	default:
		ex.Kind = model.FrameUndecodable
		ex.Reason = w.reason
		if ex.Reason == "" {
			ex.Reason = "nothing decodable"
		}
	}
}

// l4IsV6 reports whether the ICMP header the walk stopped at is ICMPv6.
func (w *walker) l4IsV6() bool {
	for i := w.n - 1; i >= 0; i-- {
		switch w.spans[i].id {
		case lICMPv6:
			return true
		case lICMPv4:
			return false
		}
	}
	return false
}

// packet reads the TCP header the walk stopped at. The walk guaranteed that
// at least 16 bytes of it were captured and that its data offset is >= 20.
func (w *walker) packet() model.Packet {
	b := w.data[w.l4Off:w.l4CapEnd]
	doff := int(b[12]>>4) * 4
	p := model.Packet{
		Src:      model.Endpoint{Addr: w.src, Port: be16(b, 0)},
		Dst:      model.Endpoint{Addr: w.dst, Port: be16(b, 2)},
		Seq:      be32(b, 4),
		Ack:      be32(b, 8),
		Flags:    model.Flags(be16(b, 12) & 0x0fff),
		Win:      be16(b, 14),
		Len:      uint32(max(w.l4RepEnd-w.l4Off-doff, 0)),
		WinScale: -1,
	}
	if w.l4RepEnd-w.l4Off < doff || w.noAnalysis {
		// The datagram ends inside the TCP header, or the header is in a
		// first fragment that was not reassembled or in an sFlow sampled
		// header: tshark leaves tcp.len empty and runs no sequence
		// analysis.
		p.Short = true
	}
	if len(b) > 20 {
		p.WinScale = windowScale(b[20:min(doff, len(b))])
	}
	return p
}

// windowScale finds the shift of a window scale option (kind 3) among TCP
// options, or -1. A shift over 14 counts as 14, as RFC 7323 section 2.3
// tells a receiver to do.
func windowScale(opts []byte) int8 {
	for i := 0; i < len(opts); {
		k, n, ok := tcpOptionAt(opts, i)
		switch {
		case !ok || k == tcpOptEOL:
			return -1
		case k == tcpOptWindowScale && n == 3:
			return int8(min(opts[i+2], 14))
		}
		i += n
	}
	return -1
}

// icmpError reads the ICMP error the walk stopped at.
func (w *walker) icmpError() model.ICMPError {
	v6 := w.l4IsV6()
	b := w.data[w.l4Off:w.l4CapEnd]
	q, _ := parseQuote(b[8:], v6)
	e := model.ICMPError{
		Src:       model.Endpoint{Addr: w.src},
		Dst:       model.Endpoint{Addr: w.dst},
		Kind:      icmpKind(v6, b[0], b[1]),
		Type:      b[0],
		Code:      b[1],
		QuotedSrc: model.Endpoint{Addr: q.src, Port: q.sport},
		QuotedDst: model.Endpoint{Addr: q.dst, Port: q.dport},
		QuotedSeq: q.seq,
		// QuotedFlags and QuotedTCPLen let the builder look the
		// conversation up as tshark does from a quote reaching the window.
		QuotedFlags:  model.Flags(q.flags),
		QuotedTCPLen: uint8(q.tcpLen),
	}
	switch {
	case !v6 && b[0] == 3 && b[1] == 4:
		e.MTU = uint32(be16(b, 6))
	case v6 && b[0] == 2:
		e.MTU = be32(b, 4)
	}
	return e
}
