package model

// The paragraphs of a segment's explanation about its numbers: what it
// is, its SEQ and its ACK with the arithmetic behind them.

func (x *explainer) what() para {
	s := x.s
	src, dst := x.tl.SrcDst(s)
	var p para
	p.add("Frame %v, %v s: the %v (%v) sends the %v (%v) a segment with flags %v",
		frameNo(s.Frame), part{kind: partTime, f: s.Frame, v: uint64(x.tl.SegTime(s))}, x.snd,
		part{kind: partAddr, f: s.Frame, v: addrSrc, s: src.String()}, x.rcv,
		part{kind: partAddr, f: s.Frame, v: addrDst, s: dst.String()}, s.Flags.String())
	if s.Len > 0 {
		p.add(" carrying "+bytesOf(lenPart(s))+" of data.", lenPart(s))
	} else {
		p.add(" and no data.")
	}
	f := s.Flags
	switch {
	case f.Has(SYN | ACK):
		p.add(" SYN,ACK accepts the connection: the %v announces its own initial sequence number and acknowledges the %v's SYN.", x.snd, x.rcv)
	case f.Has(SYN):
		p.add(" SYN asks to open a connection: the %v announces the initial sequence number its bytes will be counted from.", x.snd)
	case f.Has(ACK):
		p.add(" ACK says the acknowledgement field is valid.")
		if f&(FIN|RST|URG) == 0 && s.Len == 0 {
			p.add(" With no data and no SYN, FIN or RST, this is a pure acknowledgement.")
		}
	}
	if f.Has(RST) {
		p.add(" RST aborts the connection at once: the %v will neither send nor accept anything more on it, and no answer is expected.", x.snd)
		if r := x.refusedSYN(); r != nil {
			p.add(" It answers the %v's SYN of frame %v: nothing listens on port %v of the %v, so the connection is refused.",
				x.rcv, frameNo(r.Frame), part{kind: partPort, f: s.Frame, v: uint64(src.Port)}, x.snd)
		}
	}
	if f.Has(FIN) {
		p.add(" FIN says the %v has no more data to send: it closes its direction of the connection (the other may go on sending).", x.snd)
	}
	if f.Has(PSH) {
		p.add(" PSH asks the %v to hand the data to its application now instead of waiting for more.", x.rcv)
	}
	if f.Has(URG) {
		p.add(" URG says the urgent pointer marks urgent data.")
	}
	switch {
	case f.Has(SYN|ECE|CWR) && !f.Has(ACK):
		p.add(" ECE and CWR on a SYN ask to use Explicit Congestion Notification (RFC 3168).")
	case f.Has(SYN|ECE) && f.Has(ACK):
		p.add(" ECE on a SYN,ACK agrees to use Explicit Congestion Notification (RFC 3168).")
	default:
		if f.Has(ECE) {
			p.add(" ECE echoes a congestion mark: a router on the path signalled congestion, so the %v should slow down.", x.rcv)
		}
		if f.Has(CWR) {
			p.add(" CWR says the %v has reduced its congestion window in answer to ECE.", x.snd)
		}
	}
	if f.Has(NS) {
		p.add(" NS (AE in Accurate ECN) is set: an ECN nonce or AccECN counter bit.")
	}
	if f&(SYN|ACK|RST|FIN) == 0 {
		p.add(" Without SYN, ACK, RST or FIN this segment is unusual: a synchronized connection sets ACK on every segment.")
	}
	return p
}

// refusedSYN returns the peer's SYN that this RST refuses: a RST from a side
// that never sent a SYN, right after the peer's pure SYN.
func (x *explainer) refusedSYN() *Segment {
	var syn *Segment
	sent := false
	x.back(func(p *Segment) bool {
		if p.Dir == x.s.Dir {
			sent = true
			return false
		}
		if syn == nil && p.Flags&(SYN|ACK) == SYN {
			syn = p
		}
		return syn == nil
	})
	if sent {
		return nil
	}
	return syn
}

func (x *explainer) seqPara() para {
	s := x.s
	var p para
	seq := x.seqPart(s)
	wrap := ""
	if x.seq(s)+s.SeqLen() < x.seq(s) {
		wrap = " (sequence numbers wrap around at 2^32)"
	}
	switch {
	case s.Flags.Has(SYN):
		if x.abs {
			p.add("SEQ %v is the %v's initial sequence number (ISN).", seq, x.snd)
		} else {
			p.add("SEQ %v is the %v's initial sequence number (ISN), %v on the wire; relative numbers count from it.", seq, x.snd, wireSeqPart(s))
		}
		p.add(" An ISN is picked unpredictably (RFC 6528), so that no one off the path can guess the numbers and forge segments of the connection.")
		p.add(" A SYN consumes one sequence number, so the %v's first data byte will be ", x.snd)
		p.eq(calc(x.seq(s)+1), plus(seq), plus(onePart()))
		if s.Len > 0 {
			p.add("; the "+bytesOf(lenPart(s))+" it carries follow, up to number ", lenPart(s))
			p.eq(x.lastPart(s), plus(seq), plus(lenPart(s)))
		}
		if s.Flags.Has(FIN) {
			p.add("; its FIN takes one more, so the next number will be ")
			p.eq(x.nextPart(s), plus(seq), plus(seqLenPart(s)))
		}
		p.add(wrap + ".")
	case s.Len > 0:
		if s.Len == 1 {
			p.add("SEQ %v is the number of the one byte this segment carries", seq)
		} else {
			p.add("SEQ %v is the number of the first byte this segment carries: its "+bytesOf(lenPart(s))+" are numbers %v to %v", seq, lenPart(s), seq, x.lastPart(s))
		}
		if s.Flags.Has(FIN) {
			p.add(", and its FIN consumes one more sequence number, so the %v's next number will be ", x.snd)
		} else {
			p.add(", so the %v's next byte will be ", x.snd)
		}
		p.eq(x.nextPart(s), plus(seq), plus(seqLenPart(s)))
		p.add(wrap + ".")
	case s.Flags.Has(FIN):
		p.add("SEQ %v is the sequence number of the FIN itself: a FIN consumes one sequence number, so the %v's next number will be ", seq, x.snd)
		p.eq(x.nextPart(s), plus(seq), plus(seqLenPart(s)))
		p.add(wrap + ".")
	case s.Flags.Has(RST):
		if r := x.refusedSYN(); r != nil && s.Flags.Has(ACK) && s.Seq == 0 {
			p.add("SEQ %v: this reset answers a SYN, a segment without ACK, so RFC 793 has it carry %v as its sequence number on the wire and acknowledge the SYN instead; a SYN_SENT side accepts a reset only when its ACK covers the SYN it sent.", seq, wireSeqPart(s))
			break
		}
		p.add("SEQ %v: a reset is accepted only when its SEQ falls inside the receiver's window, which keeps a blind attacker from guessing it.", seq)
		a := x.resetAnswers()
		if mv, ok := x.sentReset(); ok && !mv.AnswersSegment() {
			// An abort: its SEQ is the sender's SND.NXT, which may also be
			// the receiver's last ACK without answering anything.
			p.add(" An abort takes the next sequence number the %v would have sent, <SEQ=SND.NXT> (RFC 9293, section 3.10.5)", x.snd)
			if h := x.sideHigh(s.Dir); h != nil && h.Seq+h.SeqLen() == s.Seq {
				p.add(", where the %v's frame %v ended", x.snd, frameNo(h.Frame))
			}
			if a != nil {
				p.add("; it is also the ACK field of the %v's frame %v, so the %v finds it in its window", x.rcv, frameNo(a.Frame), x.rcv)
			}
			p.add(".")
			break
		}
		if a != nil {
			p.add(" It is the ACK field of the %v's frame %v: a reset that answers a segment carrying ACK takes that ACK as its SEQ and sets no ACK itself, <SEQ=SEG.ACK><CTL=RST> (RFC 9293, section 3.10.7.1, as RFC 793, section 3.4, had it).", x.rcv, frameNo(a.Frame))
		}
	default:
		p.add("It carries no data and consumes no sequence number: SEQ %v is simply the next byte the %v will send.", seq, x.snd)
	}
	return p
}

// one is the constant 1 of sequence arithmetic: the number a SYN or FIN
// consumes, the step from a byte to the next.
func onePart() part { return part{kind: partOne, v: 1} }

// resetAnswers returns the receiver's latest segment whose ACK field is
// this RST's SEQ, when the RST carries no ACK.
func (x *explainer) resetAnswers() *Segment {
	if x.s.Flags.Has(ACK) {
		return nil
	}
	var found *Segment
	x.back(func(p *Segment) bool {
		if p.Dir != x.s.Dir && p.Flags.Has(ACK) {
			if p.Ack == x.s.Seq && x.ack(p) == x.seq(x.s) {
				found = p
			}
			return false
		}
		return true
	})
	return found
}

// ackSeen finds, before s, the latest segment of the peer that ends exactly
// at s's ACK, and this side's previous segment with ACK set.
func (x *explainer) ackSeen() (acked, prev *Segment) {
	s := x.s
	x.back(func(q *Segment) bool {
		if q.Dir == s.Dir {
			if prev == nil && q.Flags.Has(ACK) {
				prev = q
			}
		} else if acked == nil && q.SeqLen() > 0 && q.Seq+q.SeqLen() == s.Ack {
			acked = q
		}
		return acked == nil || prev == nil
	})
	return acked, prev
}

func (x *explainer) ackPara() para {
	s := x.s
	var p para
	if !s.Flags.Has(ACK) {
		if s.Flags.Has(SYN) {
			p.add("The ACK flag is not set, as on every opening SYN: there is nothing to acknowledge yet, so the acknowledgement field means nothing.")
		} else {
			p.add("The ACK flag is not set, so the acknowledgement field means nothing here.")
		}
		return p
	}
	ack := x.ackPart(s)
	p.add("ACK %v is the next byte the %v expects from the %v: every byte before it has arrived.", ack, x.snd, x.rcv)
	acked, prev := x.ackSeen()
	if a := acked; a != nil && x.seq(a)+a.SeqLen() == x.ack(s) {
		p.add(" ")
		p.eq(ack, plus(x.seqPart(a)), plus(seqLenPart(a)))
		p.add(": ")
		switch {
		case a.Len == 0 && a.Flags.Has(SYN):
			p.add("the %v's SYN in frame %v (SEQ %v) consumes one sequence number", x.rcv, frameNo(a.Frame), x.seqPart(a))
		case a.Len == 0 && a.Flags.Has(FIN):
			p.add("the %v's FIN in frame %v (SEQ %v) consumes one sequence number", x.rcv, frameNo(a.Frame), x.seqPart(a))
		default:
			p.add("the ")
			if a.Flags.Has(SYN) {
				p.add("SYN and the ")
			}
			p.add(bytesOf(lenPart(a)), lenPart(a))
			if a.Flags.Has(FIN) {
				p.add(" and the FIN")
			}
			p.add(" of the %v's segment in frame %v, which starts at SEQ %v", x.rcv, frameNo(a.Frame), x.seqPart(a))
		}
		p.add(".")
	} else {
		p.add(" No earlier segment of the %v in this capture ends exactly at %v: the ACK covers data the capture did not see, or ends inside a segment.", x.rcv, ack)
	}
	switch {
	case prev != nil && prev.Ack == s.Ack:
		p.add(" It acknowledges nothing new: frame %v already acknowledged up to %v.", frameNo(prev.Frame), x.ackPart(prev))
	case prev != nil && seqLT(s.Ack, prev.Ack):
		p.add(" It is below the %v's previous ACK %v (frame %v): an older acknowledgement overtaken by a newer one, so it acknowledges nothing new.", x.snd, x.ackPart(prev), frameNo(prev.Frame))
	default:
		frames, phantom := x.newlyAcked(prev)
		unit := " bytes"
		if phantom {
			unit = " sequence numbers (a SYN or FIN counts as one)"
		}
		if prev != nil {
			p.add(" Since its previous ACK %v (frame %v) it newly acknowledges ", x.ackPart(prev), frameNo(prev.Frame))
			p.eq(calc(x.ack(s)-x.ack(prev)), plus(ack), minus(x.ackPart(prev)))
			p.add(unit)
			if len(frames) > 0 {
				p.add(": the %v's ", x.rcv)
				frameList(&p, frames)
			} else {
				p.add(", of segments the capture did not see")
			}
			p.add(".")
		} else if len(frames) > 0 {
			p.add(" It is the %v's first acknowledgement: it covers the %v's ", x.snd, x.rcv)
			frameList(&p, frames)
			p.add(".")
		}
	}
	return p
}

// newlyAcked lists (ascending) the frames of the peer's segments that end
// after prev's ACK (anywhere, when prev is nil) and no later than s's ACK,
// and whether one of them is a SYN or FIN.
func (x *explainer) newlyAcked(prev *Segment) (frames []uint32, phantom bool) {
	s := x.s
	passed := false
	x.back(func(q *Segment) bool {
		if q == prev {
			passed = true
		}
		if q.Dir == s.Dir || q.SeqLen() == 0 {
			return true
		}
		end := q.Seq + q.SeqLen()
		if passed && seqLE(end, prev.Ack) {
			// Older than the previous ACK and covered by it: so is what
			// came before, in a capture that is mostly in order.
			return false
		}
		if seqLE(end, s.Ack) && (prev == nil || seqGT(end, prev.Ack)) {
			frames = append(frames, q.Frame)
			phantom = phantom || q.Flags&(SYN|FIN) != 0
		}
		return true
	})
	for i, j := 0, len(frames)-1; i < j; i, j = i+1, j-1 {
		frames[i], frames[j] = frames[j], frames[i]
	}
	return frames, phantom
}
