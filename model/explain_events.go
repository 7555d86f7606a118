package model

// The paragraphs of a segment's explanation about its window, its
// analysis events, what was assumed and what it completes.

func (x *explainer) windowPara() para {
	s := x.s
	var p para
	if s.Flags.Has(RST) {
		return nil
	}
	sh := x.shift(s)
	handshake := x.c.BaseFromSYN[0] && x.c.BaseFromSYN[1]
	pShift := part{kind: partShift, f: s.Frame, v: uint64(max(sh, 0))}
	if s.Flags.Has(SYN) {
		p.add("The %v advertises a receive window of %v bytes: how much the %v may send before it must wait for an acknowledgement. The window of a SYN is never scaled.", x.snd, winPart(s), x.rcv)
		switch {
		case sh >= 0:
			p.add(" Both SYNs carry the window scale option (RFC 7323): after the handshake the %v's window field counts in units of 2^%v bytes.", x.snd, pShift)
		case s.Flags.Has(ACK) && handshake:
			p.add(" The two SYNs did not both carry the window scale option, so the windows of this connection are not scaled.")
		}
		return p
	}
	if s.Win == 0 {
		p.add("The %v advertises a window of %v: it has no room to receive, so the %v must stop sending data.", x.snd, winPart(s), x.rcv)
		return p
	}
	wb := part{kind: partWinBytes, f: s.Frame, v: x.winBytes(s)}
	if sh >= 0 {
		p.add("The %v's window field is %v; scaled by 2^%v, as its SYN announced, that is a receive window of %v bytes", x.snd, winPart(s), pShift, wb)
	} else {
		p.add("The %v advertises a receive window of %v bytes", x.snd, winPart(s))
	}
	if s.Flags.Has(ACK) {
		edge := part{kind: partWinEdge, f: s.Frame, v: uint64(x.ack(s) + uint32(x.winBytes(s)))}
		p.add(": the %v may send up to sequence number ", x.rcv)
		p.eq(edge, plus(x.ackPart(s)), plus(wb))
		p.add(" (not included) before it must wait for another ACK")
	}
	p.add(".")
	if sh < 0 && !handshake {
		p.add(" The handshake was not captured, so if the two sides scale their windows the true window is larger: the scale is announced only in the SYNs.")
	}
	return p
}

// sideHigh returns the earliest segment of direction d before s that
// reached the highest next sequence number (SEQ + SeqLen) d had sent, as
// tshark's nextseq remembers it (zero window probes do not move it).
func (x *explainer) sideHigh(d Dir) (hi *Segment) {
	x.back(func(q *Segment) bool {
		if q.Dir != d || q.Events.Has(ZeroWindowProbe) {
			return true
		}
		if hi == nil || seqGE(q.Seq+q.SeqLen(), hi.Seq+hi.SeqLen()) {
			hi = q
		}
		return true
	})
	return hi
}

// rtt returns the handshake's round-trip time as tshark measures it for
// its out-of-order test: from the latest pure SYN to the first pure ACK,
// when that ACK came before s.
func (x *explainer) rtt() (syn, ack *Segment) {
	for j, si := range x.c.Segs {
		if j > explainScan || x.k < 0 || j >= x.k {
			return nil, nil
		}
		q := &x.tl.Segments[si]
		switch q.Flags & (SYN | ACK) {
		case SYN:
			syn = q
		case ACK:
			if syn == nil {
				return nil, nil
			}
			return syn, q
		}
	}
	return nil, nil
}

// threshold writes tshark's out-of-order threshold: the handshake RTT, or
// 3 ms when none was measured.
func (x *explainer) threshold(p *para) {
	if syn, ack := x.rtt(); syn != nil && x.tl.SegTime(ack) > x.tl.SegTime(syn) {
		p.add("the handshake's round-trip time, %v ms from frame %v to frame %v", gapPart(syn.Frame, ack.Frame, x.tl.SegTime(ack)-x.tl.SegTime(syn)), frameNo(syn.Frame), frameNo(ack.Frame))
		return
	}
	p.add("3 ms, used when no handshake round-trip time is known")
}

func (x *explainer) events() []para {
	s := x.s
	if s.Events == 0 {
		return nil
	}
	var out []para
	seq := x.seqPart(s)
	hi := x.sideHigh(s.Dir)
	has := s.Events.Has

	if has(Retransmission) && !has(FastRetransmission) && !has(SpuriousRetransmission) {
		var p para
		p.add("Retransmission: the %v sends sequence numbers it has sent before.", x.snd)
		if hi != nil {
			p.add(" Its SEQ %v is below %v, the next new number after frame %v.", seq, x.nextPart(hi), frameNo(hi.Frame))
		}
		switch {
		case hi != nil && hi.Seq == s.Seq && hi.Len == s.Len && hi.Flags == s.Flags && x.tl.SegTime(s)-x.tl.SegTime(hi) < 10_000:
			p.add(" It repeats frame %v only %v ms later, too soon for any timer: more likely the same segment captured twice (a duplicate made by a switch or the capture) than a resend.", frameNo(hi.Frame), gapPart(hi.Frame, s.Frame, x.tl.SegTime(s)-x.tl.SegTime(hi)))
		case s.Flags.Has(SYN|ACK) && hi != nil && hi.Flags&(SYN|ACK) == SYN:
			p.add(" A SYN,ACK that repeats its sender's own SYN (frame %v) is what each side of a simultaneous open sends (RFC 793, figure 8), so the repeat is expected here.", frameNo(hi.Frame))
		case s.Flags.Has(SYN) && hi != nil:
			p.add(" It repeats the %v of frame %v, %v ms later: no answer came in time (or the answer was lost), so the %v's timer sent it again.", hi.Flags.String(), frameNo(hi.Frame), gapPart(hi.Frame, s.Frame, x.tl.SegTime(s)-x.tl.SegTime(hi)), x.snd)
		case hi != nil && s.Seq+s.SeqLen() == hi.Seq+hi.SeqLen():
			p.add(" It ends exactly where frame %v ended, so it repeats data already sent rather than filling a gap: a resend, not a segment the network reordered.", frameNo(hi.Frame))
		case hi != nil:
			p.add(" It comes %v ms after frame %v, more than the out-of-order threshold (", gapPart(hi.Frame, s.Frame, x.tl.SegTime(s)-x.tl.SegTime(hi)), frameNo(hi.Frame))
			x.threshold(&p)
			p.add("): too late to be a segment the network merely delayed, so it is a resend of data the %v believed lost, typically after its retransmission timer ran out.", x.snd)
		}
		out = append(out, p)
	}
	if has(FastRetransmission) {
		var p para
		dups, last := x.dupAcksFor()
		p.add("Fast retransmission: ")
		if len(dups) > 0 {
			p.add("the %v's duplicate ACKs in ", x.rcv)
			frameList(&p, dups)
			p.add(" asked again for byte %v, and the %v resends exactly that byte's segment %v ms after the last of them,", x.ackPart(last), x.snd, gapPart(last.Frame, s.Frame, x.tl.SegTime(s)-x.tl.SegTime(last)))
		} else {
			p.add("the %v's duplicate ACKs asked again for byte %v, and the %v resends that byte's segment", x.rcv, seq, x.snd)
		}
		p.add(" without waiting for its retransmission timer (RFC 5681). It is a retransmission, sent on purpose, not a segment the network reordered.")
		out = append(out, p)
	}
	if has(SpuriousRetransmission) {
		var p para
		p.add("Spurious retransmission: everything in it was already acknowledged")
		if a := x.peerLastAck(); a != nil && seqLE(s.Seq+s.SeqLen(), a.Ack) {
			p.add(": it ends at ")
			p.eq(x.nextPart(s), plus(seq), plus(seqLenPart(s)))
			p.add(" and the %v's ACK %v in frame %v already covers it", x.rcv, x.ackPart(a), frameNo(a.Frame))
		}
		p.add(", so the resend was unnecessary (the original or its ACK was slow, not lost).")
		out = append(out, p)
	}
	if has(OutOfOrder) {
		var p para
		p.add("Out of order: ")
		if hi != nil {
			p.add("its SEQ %v is below %v, the next new number after frame %v, yet it comes only %v ms after that frame, within the out-of-order threshold (",
				seq, x.nextPart(hi), frameNo(hi.Frame), gapPart(hi.Frame, s.Frame, x.tl.SegTime(s)-x.tl.SegTime(hi)))
			x.threshold(&p)
			p.add("), and it does not end where frame %v ended: ", frameNo(hi.Frame))
		} else {
			p.add("a segment with higher sequence numbers was seen first and this one came soon after: ")
		}
		p.add("the network (or the capture) delivered it late, rather than the %v sending it again.", x.snd)
		out = append(out, p)
	}
	if has(LostSegment) {
		var p para
		p.add("Previous segment not captured: the %v's data before this segment never appeared in the capture.", x.snd)
		if hi != nil && seqGT(s.Seq, hi.Seq+hi.SeqLen()) {
			p.add(" SEQ %v is beyond %v, where frame %v ended, so ", seq, x.nextPart(hi), frameNo(hi.Frame))
			p.eq(calc(x.seq(s)-x.seq(hi)-hi.SeqLen()), plus(seq), minus(x.nextPart(hi)))
			p.add(" bytes were lost on the way or missed by the capture.")
		}
		out = append(out, p)
	}
	if has(AckLostSegment) {
		var p para
		p.add("ACKed segment not captured: ACK %v acknowledges data of the %v that the capture never saw", x.ackPart(s), x.rcv)
		if h := x.sideHigh(s.Dir ^ 1); h != nil {
			p.add(": the %v's highest sequence number seen is %v, after frame %v", x.rcv, x.nextPart(h), frameNo(h.Frame))
		}
		p.add(".")
		out = append(out, p)
	}
	if has(DuplicateAck) {
		var p para
		p.add("Duplicate ACK")
		if nth, orig := x.dupCount(); orig != nil {
			p.add(" (duplicate %v of the ACK in frame %v)", part{kind: partDupNth, f: s.Frame, g: orig.Frame, v: uint64(nth)}, frameNo(orig.Frame))
		}
		p.add(": the %v repeats ACK %v with no data and no change of window. It usually tells the %v that a segment beyond a gap arrived and that it still waits for byte %v; three duplicates make the %v resend that segment at once (fast retransmit, RFC 5681) instead of waiting for its timer.",
			x.snd, x.ackPart(s), x.rcv, x.ackPart(s), x.rcv)
		out = append(out, p)
	}
	if has(ZeroWindow) {
		var p para
		p.add("Zero window: the %v's receive buffer is full. The %v must stop sending and probe now and then until a window update reopens it.", x.snd, x.rcv)
		out = append(out, p)
	}
	if has(ZeroWindowProbe) {
		var p para
		p.add("Zero window probe: the %v sends one byte, at SEQ %v, into the %v's closed window to find out whether it has opened; the byte is sent again with the data when it does.", x.snd, seq, x.rcv)
		out = append(out, p)
	}
	if has(ZeroWindowProbeAck) {
		var p para
		p.add("Zero window probe ACK: the %v answers a zero window probe without taking its byte: the window is still closed.", x.snd)
		out = append(out, p)
	}
	if has(KeepAlive) {
		var p para
		p.add("Keep-alive: ")
		if hi != nil && x.seq(s) == x.seq(hi)+hi.SeqLen()-1 {
			p.add("SEQ ")
			p.eq(seq, plus(x.nextPart(hi)), minus(onePart()))
			p.add(" is one below the %v's next new number (after frame %v)", x.snd, frameNo(hi.Frame))
		} else {
			p.add("SEQ %v is one below the %v's next new number", seq, x.snd)
		}
		p.add(" and it carries at most one byte, so it asks nothing new: it makes the %v answer with an ACK, which shows the connection is still alive.", x.rcv)
		out = append(out, p)
	}
	if has(KeepAliveAck) {
		var p para
		p.add("Keep-alive ACK: the %v answers a keep-alive, showing the connection is still alive.", x.snd)
		out = append(out, p)
	}
	if has(WindowUpdate) {
		var p para
		p.add("Window update: no data and the same ACK")
		if q := x.ownPrev(); q != nil {
			p.add(" as frame %v; only the window changed, from %v to %v", frameNo(q.Frame), winPart(q), winPart(s))
		} else {
			p.add("; only the window changed, to %v", winPart(s))
		}
		p.add(": the %v tells the %v it has room again.", x.snd, x.rcv)
		out = append(out, p)
	}
	if has(WindowFull) {
		var p para
		p.add("Window full: this segment fills the %v's advertised window", x.rcv)
		if a := x.peerLastAck(); a != nil {
			edge := part{kind: partWinEdge, f: a.Frame, v: uint64(x.ack(a) + uint32(x.winBytes(a)))}
			if uint32(edge.v) == x.seq(s)+s.SeqLen() {
				p.add(": it ends at ")
				p.eq(x.nextPart(s), plus(seq), plus(seqLenPart(s)))
				p.add(", the edge of the window frame %v offered: ", frameNo(a.Frame))
				p.eq(edge, plus(x.ackPart(a)), plus(part{kind: partWinBytes, f: a.Frame, v: x.winBytes(a)}))
			}
		}
		p.add(". The %v can send nothing more until an ACK opens the window further.", x.snd)
		out = append(out, p)
	}
	if has(ReusedPorts) {
		var p para
		p.add("Reused ports: a SYN on the same addresses and ports as an earlier connection in the capture, with a different initial sequence number: a new connection reusing the port pair.")
		out = append(out, p)
	}
	return out
}

// dupAcksFor lists the peer's duplicate ACKs asking for s's first byte
// just before s (ascending frames) and returns the last of them.
func (x *explainer) dupAcksFor() (frames []uint32, last *Segment) {
	s := x.s
	x.back(func(q *Segment) bool {
		if q.Dir == s.Dir {
			return true
		}
		if !q.Flags.Has(ACK) || q.Ack != s.Seq {
			return false
		}
		if last == nil {
			last = q
		}
		if q.Events.Has(DuplicateAck) {
			frames = append(frames, q.Frame)
		}
		return true
	})
	for i, j := 0, len(frames)-1; i < j; i, j = i+1, j-1 {
		frames[i], frames[j] = frames[j], frames[i]
	}
	if len(frames) == 0 {
		return nil, nil
	}
	return frames, last
}

// peerLastAck is the peer's latest segment with ACK before s.
func (x *explainer) peerLastAck() (a *Segment) {
	x.back(func(q *Segment) bool {
		if q.Dir != x.s.Dir && q.Flags.Has(ACK) {
			a = q
			return false
		}
		return true
	})
	return a
}

// ownPrev is the sender's previous segment.
func (x *explainer) ownPrev() (o *Segment) {
	x.back(func(q *Segment) bool {
		if q.Dir == x.s.Dir {
			o = q
			return false
		}
		return true
	})
	return o
}

// dupCount counts which duplicate of its ACK s is and finds the original
// ACK: the sender's latest earlier segment with the same ACK that was not
// itself a duplicate.
func (x *explainer) dupCount() (nth int, orig *Segment) {
	nth = 1
	x.back(func(q *Segment) bool {
		if q.Dir != x.s.Dir {
			return true
		}
		if q.Ack != x.s.Ack || !q.Flags.Has(ACK) {
			nth = 0
			return false
		}
		if !q.Events.Has(DuplicateAck) {
			orig = q
			return false
		}
		nth++
		return true
	})
	if orig == nil {
		return 0, nil
	}
	return nth, orig
}

func (x *explainer) assumed() []para {
	var out []para
	c, s := x.c, x.s
	if c.Assumed && len(c.Segs) > 0 && int(c.Segs[0]) < len(x.tl.Segments) {
		first := &x.tl.Segments[c.Segs[0]]
		var p para
		p.add("The capture starts in the middle of this connection (its first segment, frame %v, is not an opening SYN), so the states before it were assumed, not seen: client %v, server %v.",
			frameNo(first.Frame), c.InitClient.String(), c.InitServer.String())
		out = append(out, p)
	}
	if !c.Assumed && c.Packets[S2C] == 0 && (s.Server() == Listen || s.Server() == SynReceived) {
		// No answer settles the server's state: it is the rule's guess.
		var p para
		p.add("The server never answers in this capture, so its state is a guess: LISTEN until a SYN reaches it, SYN_RECEIVED after. A closed port behind a firewall that drops the SYN, or a SYN lost on the way, looks the same from here.")
		out = append(out, p)
	}
	if x.abs {
		return out
	}
	for g, d := range []Dir{s.Dir, s.Dir ^ 1} {
		if c.BaseFromSYN[d&1] || (g == 1 && !s.Flags.Has(ACK)) {
			continue
		}
		who, _ := sideNames(d)
		base := part{kind: partBase, f: s.Frame, g: uint32(g), v: uint64(c.Base[d&1])}
		var p para
		if g == 0 {
			p.add("No SYN from the %v was captured, so its relative numbers are a guess at its ISN: they count from ", who)
		} else {
			p.add("No SYN from the %v was captured, so the relative ACK counts from a guess at its ISN, ", who)
		}
		if q, byAck := x.baseFrom(d); q != nil && !byAck && p.eq(base, plus(wireSeqPart(q)), minus(onePart())) {
			p.add(", one below the first sequence number seen from the %v (frame %v), so that frame's relative SEQ is %v, as tshark numbers it.", who, frameNo(q.Frame), x.seqPart(q))
			if q.Seq == 0 {
				p.add(" (Numbers wrap around at 2^32: one below zero is the highest.)")
			}
		} else if q != nil && byAck && p.eq(base, plus(part{kind: partWireAck, f: q.Frame, v: uint64(q.Ack)}), minus(onePart())) {
			p.add(", one below the ACK of frame %v, the first segment that acknowledged the %v's data, as tshark numbers it.", frameNo(q.Frame), who)
		} else {
			p.add("%v.", base)
		}
		out = append(out, p)
	}
	return out
}

// baseFrom finds the segment that set direction d's relative base: d's
// first segment (base = SEQ - 1) or the other side's first ACK (base = ACK
// - 1), whichever came first.
func (x *explainer) baseFrom(d Dir) (q *Segment, byAck bool) {
	for j, si := range x.c.Segs {
		if j > explainScan {
			break
		}
		t := &x.tl.Segments[si]
		if t.Dir == d {
			return t, false
		}
		if t.Flags.Has(ACK) {
			return t, true
		}
	}
	return nil, false
}

// reassembled says which fragments carried the segment when its IP
// datagram came in pieces (nil when it did not).
func (x *explainer) reassembled() para {
	s := x.s
	var frames []uint32
	var id part
	for i := range x.tl.Fragments {
		g := &x.tl.Fragments[i]
		if g.Completes == s.Frame {
			frames = append(frames, g.Frame)
			id = part{kind: partFragID, f: g.Frame, v: uint64(g.ID)}
		}
	}
	if len(frames) == 0 {
		return nil
	}
	if frames[len(frames)-1] != s.Frame {
		frames = append(frames, s.Frame)
	}
	var p para
	p.add("The IPv4 datagram carrying this segment arrived in %v fragments with ID %v, ", part{kind: partFragCount, f: s.Frame, v: uint64(len(frames))}, id)
	frameList(&p, frames)
	p.add("; frame %v completed it, so the reassembled segment is shown here.", frameNo(s.Frame))
	return p
}
