package model

import (
	"sort"
	"strings"
)

// ExplainFrame explains a frame with absolute sequence numbers; see
// ExplainFrameAs.
func ExplainFrame(tl *Timeline, frame uint32) []string {
	return ExplainFrameAs(tl, frame, true)
}

// ExplainFrameAs explains any frame of the capture in the numbering asked
// for: a TCP frame its segment (as Explain); an IPv4 fragment its ID, flags
// and offset, why datagrams are cut and which frame completes this one; an
// ICMP error its type, code and MTU, why the router sent it and which
// segment it quotes. Other frames get their note.
func ExplainFrameAs(tl *Timeline, frame uint32, absolute bool) []string {
	return render(explainFrameParts(tl, frame, absolute))
}

func explainFrameParts(tl *Timeline, frame uint32, absolute bool) []para {
	if tl == nil || frame == 0 || int(frame) > len(tl.Frames) {
		return nil
	}
	f := &tl.Frames[frame-1]
	switch f.Kind {
	case FrameFragment:
		for i := range tl.Fragments {
			if tl.Fragments[i].Frame == frame {
				return explainFragment(tl, &tl.Fragments[i], absolute)
			}
		}
	case FrameICMP:
		for i := range tl.ICMP {
			if tl.ICMP[i].Frame == frame {
				return explainICMP(tl, &tl.ICMP[i], absolute)
			}
		}
	case FrameTCP:
		if si := tl.SegOf(frame); si >= 0 {
			return explainParts(tl, si, absolute)
		}
	}
	var p para
	if note := tl.Note(frame); note != "" {
		p.add("Frame %v (%v): %v", frameNo(frame), f.Kind.String(), part{kind: partNote, f: frame, s: Visible(note)})
	} else {
		p.add("Frame %v is a %v frame.", frameNo(frame), f.Kind.String())
	}
	return []para{p}
}

func yesNo(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

// segmentAt is the segment frame n carries, or nil.
func segmentAt(tl *Timeline, n uint32) *Segment {
	if n == 0 || int(n) > len(tl.Frames) {
		return nil
	}
	if f := &tl.Frames[n-1]; f.Kind == FrameTCP {
		if si := tl.SegOf(n); si >= 0 {
			return &tl.Segments[si]
		}
	}
	return nil
}

func explainFragment(tl *Timeline, g *Fragment, absolute bool) []para {
	off := part{kind: partFragOffset, f: g.Frame, v: uint64(g.Offset)}
	ln := part{kind: partFragLen, f: g.Frame, v: uint64(g.Len)}
	var p1, p2, p3 para
	p1.add("Frame %v is an IPv4 fragment: %v bytes of a larger datagram, at offset %v bytes, with ID %v (%v).",
		frameNo(g.Frame), ln, off, part{kind: partFragID, f: g.Frame, v: uint64(g.ID)}, part{kind: partFragIDHex, f: g.Frame, v: uint64(g.ID)})
	if g.DF {
		p1.add(" Its DF (don't fragment) flag is set, which a fragment should not have: whoever cut the datagram ignored it.")
	} else {
		p1.add(" The datagram was too big for a link on its way and its DF (don't fragment) flag was clear, so the sender or a router cut it into fragments that share its ID; the receiver puts them back together by ID and offset.")
	}
	p2.add("MF (more fragments) is %v", yesNo(g.MF, "set", "clear"))
	if g.MF {
		p2.add(": more of the datagram follows, from offset ")
		p2.eq(calc(uint32(g.Offset)+uint32(g.Len)), plus(off), plus(ln))
		p2.add(" on.")
	} else {
		p2.add(": this is the datagram's last piece.")
	}
	p2.add(" DF (don't fragment) is %v.", yesNo(g.DF, "set", "clear"))
	if g.Offset == 0 && g.MF {
		p2.add(" Offset %v makes it the first fragment: it holds the TCP header.", off)
	}
	if g.Completes != 0 {
		p3.add("Frame %v completes the datagram", frameNo(g.Completes))
		if seg := segmentAt(tl, g.Completes); seg != nil {
			seq := seg.RelSeq
			if absolute {
				seq = seg.Seq
			}
			p3.add(": the reassembled TCP segment (flags %v, SEQ %v, %v bytes) is shown at that frame", seg.Flags.String(),
				part{kind: partSeq, f: seg.Frame, v: uint64(seq)}, lenPart(seg))
		}
		p3.add(".")
	} else {
		p3.add("No frame of the capture completes this datagram: some of its fragments are missing, so the receiver drops the pieces it has when its reassembly timer runs out.")
	}
	return []para{p1, p2, p3}
}

func explainICMP(tl *Timeline, e *ICMPError, absolute bool) []para {
	var p1, p2 para
	f := e.Frame
	p1.add("Frame %v is an ICMP error, type %v code %v (%v), from %v to %v: ", frameNo(f),
		part{kind: partICMPType, f: f, v: uint64(e.Type)}, part{kind: partICMPCode, f: f, v: uint64(e.Code)},
		strings.ReplaceAll(e.Kind, "_", " "),
		part{kind: partAddr, f: f, v: addrICMPSrc, s: e.Src.Addr.String()},
		part{kind: partAddr, f: f, v: addrICMPDst, s: e.Dst.Addr.String()})
	mtu := part{kind: partMTU, f: f, v: uint64(e.MTU)}
	switch e.Kind {
	case "frag_needed":
		p1.add("a router could not forward a datagram of this connection: it is larger than the next hop's MTU of %v bytes and has DF (don't fragment) set, so the router dropped it and told the sender. Path MTU discovery (RFC 1191) makes the sender shrink its segments to fit and send the data again.", mtu)
	case "packet_too_big":
		p1.add("a router could not forward a packet of this connection: it is larger than the next link's MTU of %v bytes, and IPv6 routers never fragment, so the router dropped it and told the sender. Path MTU discovery (RFC 8201) makes the sender shrink its segments to fit and send the data again.", mtu)
	case "port_unreachable":
		p1.add("the destination host has no process listening on the quoted port (for TCP a host normally answers with RST instead).")
	case "dest_unreachable":
		p1.add("the destination could not be reached (no route, host down, or administratively prohibited), so the router or host on the way dropped the datagram and told its sender.")
	case "time_exceeded":
		p1.add("the datagram's TTL (hop limit) ran out at this router, which dropped it and told the sender. Every router lowers the TTL by one, so a probe sent with a small TTL reveals the router that many hops away: this is how traceroute maps a path.")
	default:
		p1.add("a router or host reports a problem with a datagram of this connection.")
	}
	p1.add(" An ICMP error goes back to the source of the datagram it is about, here %v.", part{kind: partAddr, f: f, v: addrICMPDst, s: e.Dst.Addr.String()})

	p2.add("It quotes the IP header and the first bytes of the TCP header it is about")
	if e.QuotedTCPLen > 0 {
		p2.add(" (%v bytes of it", part{kind: partQuotedLen, f: f, v: uint64(e.QuotedTCPLen)})
		if e.QuotedTCPLen < 20 {
			p2.add(": RFC 792's minimum reaches only the ports and the sequence number")
		}
		p2.add(")")
	}
	p2.add(": the segment from %v to %v with SEQ ",
		part{kind: partAddr, f: f, v: addrQuotedSrc, s: e.QuotedSrc.String()},
		part{kind: partAddr, f: f, v: addrQuotedDst, s: e.QuotedDst.String()})
	var c *Conversation
	if e.Stream >= 0 && e.Stream < len(tl.Conversations) {
		c = tl.Conversations[e.Stream]
	}
	wire := part{kind: partQuotedSeq, f: f, v: uint64(e.QuotedSeq)}
	if c == nil {
		p2.add("%v", wire)
	} else {
		d := C2S
		if e.QuotedSrc == c.Server {
			d = S2C
		}
		snd, _ := sideNames(d)
		rel := part{kind: partQuotedRel, f: f, v: uint64(e.QuotedSeq - c.Base[d])}
		if absolute {
			p2.add("%v", wire)
		} else {
			p2.add("%v (%v on the wire)", rel, wire)
		}
		p2.add(", sent by the %v", snd)
		if q := quotedSegment(tl, c, e, d); q != nil {
			p2.add(": that is the segment of frame %v (flags %v, %v bytes), which never reached its destination", frameNo(q.Frame), q.Flags.String(), lenPart(q))
		}
	}
	p2.add(". The quote is how the sender tells which connection, and which segment, the error is about.")
	return []para{p1, p2}
}

// quotedSegment finds the latest segment before the ICMP frame that the error
// quotes: same direction, same sequence number.
func quotedSegment(tl *Timeline, c *Conversation, e *ICMPError, d Dir) *Segment {
	// The conversation's segments are in capture order: start at the last
	// one before the error and look back a bounded way.
	k := sort.Search(len(c.Segs), func(j int) bool {
		i := c.Segs[j]
		return int(i) >= len(tl.Segments) || tl.Segments[i].Frame > e.Frame
	})
	for j := k - 1; j >= 0 && j >= k-explainScan; j-- {
		if i := c.Segs[j]; int(i) < len(tl.Segments) {
			if s := &tl.Segments[i]; s.Dir == d && s.Seq == e.QuotedSeq {
				return s
			}
		}
	}
	return nil
}
