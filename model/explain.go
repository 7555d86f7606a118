package model

import (
	"sort"
	"strings"
)

// explainScan bounds how far back the explanation looks for the segment an
// ACK acknowledges or the previous ACK of a side, so one step stays instant
// in a conversation of millions of segments.
const explainScan = 4096

// explainListMax is how many frames an explanation names in a list before
// it names only the first and the last.
const explainListMax = 4

// StepTransitions returns the RFC 793 transitions each side made at segment
// segIndex: from its state after the conversation's previous segment (or
// its initial state) to its state after this one.
func StepTransitions(tl *Timeline, segIndex int) (client, server []Transition) {
	if tl == nil || segIndex < 0 || segIndex >= len(tl.Segments) {
		return nil, nil
	}
	s := &tl.Segments[segIndex]
	c := exConv(tl, s)
	if c == nil {
		return nil, nil
	}
	pc, ps := c.InitClient, c.InitServer
	if k := exSegPos(c, segIndex); k > 0 {
		p := &tl.Segments[c.Segs[k-1]]
		pc, ps = p.Client(), p.Server()
	}
	cm := Transitions(pc, s.Client(), s.Flags, s.Dir == C2S)
	sm := Transitions(ps, s.Server(), s.Flags, s.Dir == S2C)
	return viaClosing(tl, c, segIndex, C2S, cm), viaClosing(tl, c, segIndex, S2C, sm)
}

// viaClosing corrects Transitions' one ambiguous case. FIN_WAIT_1 →
// TIME_WAIT is one move ("rcv FIN,ACK") when the peer's FIN acknowledged
// this side's FIN; when it did not (the FINs crossed: a simultaneous close)
// the side went through CLOSING: "rcv FIN / snd ACK", then "rcv ACK of FIN".
func viaClosing(tl *Timeline, c *Conversation, segIndex int, side Dir, ms []Transition) []Transition {
	if len(ms) != 1 || ms[0].From != FinWait1 || ms[0].To != TimeWait {
		return ms
	}
	k := exSegPos(c, segIndex)
	var own, peer *Segment
	for j := k; j >= 0 && j >= k-explainScan; j-- {
		q := &tl.Segments[c.Segs[j]]
		if !q.Flags.Has(FIN) {
			continue
		}
		if q.Dir == side && own == nil {
			own = q
		}
		if q.Dir != side && peer == nil {
			peer = q
		}
	}
	if own == nil || peer == nil || (peer.Flags.Has(ACK) && seqGE(peer.Ack, own.Seq+own.SeqLen())) {
		return ms
	}
	return []Transition{
		allEdges[edgeIndex[FinWait1][Closing][kindNormal]],
		allEdges[edgeIndex[Closing][TimeWait][kindNormal]],
	}
}

func exConv(tl *Timeline, s *Segment) *Conversation { return tl.Conv(s) }

// exSegPos is the position of segment index i in c.Segs, or -1.
func exSegPos(c *Conversation, i int) int {
	k := sort.Search(len(c.Segs), func(j int) bool { return int(c.Segs[j]) >= i })
	if k < len(c.Segs) && int(c.Segs[k]) == i {
		return k
	}
	for j, v := range c.Segs { // not sorted: still find it
		if int(v) == i {
			return j
		}
	}
	return -1
}

// exSide names a direction's sender and receiver.
func exSide(d Dir) (sender, receiver string) {
	if d == C2S {
		return "client", "server"
	}
	return "server", "client"
}

// Explain returns paragraphs of plain sentences about segment segIndex: what
// its flags ask for, what its SEQ and ACK mean with the arithmetic behind
// them, which earlier segments it acknowledges, how each side's state
// changes and why, the window and what it allows, its analysis events, and
// what was assumed. Numbers are absolute or relative as asked.
func Explain(tl *Timeline, segIndex int, absolute bool) []string {
	return render(explainParts(tl, segIndex, absolute))
}

// exCtx is what the paragraphs of one segment's explanation share.
type exCtx struct {
	tl       *Timeline
	c        *Conversation
	s        *Segment
	k        int // position of s in c.Segs (-1: not found)
	abs      bool
	snd, rcv string
}

func explainParts(tl *Timeline, segIndex int, absolute bool) []para {
	if tl == nil || segIndex < 0 || segIndex >= len(tl.Segments) {
		return nil
	}
	s := &tl.Segments[segIndex]
	c := exConv(tl, s)
	if c == nil {
		return nil
	}
	x := &exCtx{tl: tl, c: c, s: s, k: exSegPos(c, segIndex), abs: absolute}
	x.snd, x.rcv = exSide(s.Dir)
	ps := []para{x.what(), x.seqPara(), x.ackPara(), x.statesPara(segIndex), x.windowPara()}
	ps = append(ps, x.events()...)
	ps = append(ps, x.assumed()...)
	ps = append(ps, x.reassembled())
	kept := ps[:0]
	for _, p := range ps {
		if len(p) > 0 {
			kept = append(kept, p)
		}
	}
	return kept
}

// Numbers of a segment t, in the explanation's numbering, as parts.

func (x *exCtx) seq(t *Segment) uint32 {
	if x.abs {
		return t.Seq
	}
	return t.RelSeq
}

func (x *exCtx) ack(t *Segment) uint32 {
	if x.abs {
		return t.Ack
	}
	return t.RelAck
}

func (x *exCtx) pSeq(t *Segment) part {
	return part{kind: kSeq, f: t.Frame, v: uint64(x.seq(t))}
}
func (x *exCtx) pAck(t *Segment) part {
	return part{kind: kAck, f: t.Frame, v: uint64(x.ack(t))}
}
func (x *exCtx) pNext(t *Segment) part {
	return part{kind: kNext, f: t.Frame, v: uint64(x.seq(t) + t.SeqLen())}
}
func (x *exCtx) pLast(t *Segment) part {
	return part{kind: kLast, f: t.Frame, v: uint64(x.seq(t) + t.Len - 1)}
}
func pLen(t *Segment) part     { return part{kind: kLen, f: t.Frame, v: uint64(t.Len)} }
func pSeqLen(t *Segment) part  { return part{kind: kSeqLen, f: t.Frame, v: uint64(t.SeqLen())} }
func pWin(t *Segment) part     { return part{kind: kWin, f: t.Frame, v: uint64(t.Win)} }
func pWireSeq(t *Segment) part { return part{kind: kWireSeq, f: t.Frame, v: uint64(t.Seq)} }
func pGap(from, to uint32, ns int64) part {
	return part{kind: kGap, f: to, g: from, v: uint64(ns)}
}

// bytes writes "N byte(s)" with N a part.
func bytesOf(p part) string {
	if p.v == 1 {
		return "%v byte"
	}
	return "%v bytes"
}

// shift is the window scale shift of t's sender, or -1.
func (x *exCtx) shift(t *Segment) int8 {
	return x.c.WinScale[t.Dir&1]
}

// winBytes is the window t advertises in bytes: scaled unless t is a SYN.
func (x *exCtx) winBytes(t *Segment) uint64 {
	if sh := x.shift(t); sh >= 0 && !t.Flags.Has(SYN) {
		return uint64(t.Win) << uint(sh)
	}
	return uint64(t.Win)
}

// back calls fn for the conversation's segments before s, newest first,
// within explainScan, until fn returns false.
func (x *exCtx) back(fn func(p *Segment) bool) {
	if x.k < 0 {
		return
	}
	for j := x.k - 1; j >= 0 && j >= x.k-explainScan; j-- {
		if !fn(&x.tl.Segments[x.c.Segs[j]]) {
			return
		}
	}
}

// frameList writes "frame 5", "frames 5 and 6", "frames 5, 6 and 7" or,
// for a long list, "frames 5 to 14": frames must be ascending.
func frameList(p *para, frames []uint32) {
	switch n := len(frames); {
	case n == 1:
		p.add("frame %v", frameNo(frames[0]))
	case n <= explainListMax:
		p.add("frames ")
		for i, f := range frames {
			switch {
			case i == n-1:
				p.add(" and ")
			case i > 0:
				p.add(", ")
			}
			p.add("%v", frameNo(f))
		}
	default:
		p.add("frames %v to %v", frameNo(frames[0]), frameNo(frames[n-1]))
	}
}

func (x *exCtx) what() para {
	s := x.s
	src, dst := x.tl.SrcDst(s)
	var p para
	p.add("Frame %v, %v s: the %v (%v) sends the %v (%v) a segment with flags %v",
		frameNo(s.Frame), part{kind: kTime, f: s.Frame, v: uint64(x.tl.SegTime(s))}, x.snd,
		part{kind: kAddr, f: s.Frame, v: addrSrc, s: src.String()}, x.rcv,
		part{kind: kAddr, f: s.Frame, v: addrDst, s: dst.String()}, s.Flags.String())
	if s.Len > 0 {
		p.add(" carrying "+bytesOf(pLen(s))+" of data.", pLen(s))
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
				x.rcv, frameNo(r.Frame), part{kind: kPort, f: s.Frame, v: uint64(src.Port)}, x.snd)
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
func (x *exCtx) refusedSYN() *Segment {
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

func (x *exCtx) seqPara() para {
	s := x.s
	var p para
	seq := x.pSeq(s)
	wrap := ""
	if x.seq(s)+s.SeqLen() < x.seq(s) {
		wrap = " (sequence numbers wrap around at 2^32)"
	}
	switch {
	case s.Flags.Has(SYN):
		if x.abs {
			p.add("SEQ %v is the %v's initial sequence number (ISN).", seq, x.snd)
		} else {
			p.add("SEQ %v is the %v's initial sequence number (ISN), %v on the wire; relative numbers count from it.", seq, x.snd, pWireSeq(s))
		}
		p.add(" An ISN is picked unpredictably (RFC 6528), so that no one off the path can guess the numbers and forge segments of the connection.")
		p.add(" A SYN consumes one sequence number, so the %v's first data byte will be ", x.snd)
		p.eq(calc(x.seq(s)+1), plus(seq), plus(one()))
		if s.Len > 0 {
			p.add("; the "+bytesOf(pLen(s))+" it carries follow, up to number ", pLen(s))
			p.eq(x.pLast(s), plus(seq), plus(pLen(s)))
		}
		if s.Flags.Has(FIN) {
			p.add("; its FIN takes one more, so the next number will be ")
			p.eq(x.pNext(s), plus(seq), plus(pSeqLen(s)))
		}
		p.add(wrap + ".")
	case s.Len > 0:
		if s.Len == 1 {
			p.add("SEQ %v is the number of the one byte this segment carries", seq)
		} else {
			p.add("SEQ %v is the number of the first byte this segment carries: its "+bytesOf(pLen(s))+" are numbers %v to %v", seq, pLen(s), seq, x.pLast(s))
		}
		if s.Flags.Has(FIN) {
			p.add(", and its FIN consumes one more sequence number, so the %v's next number will be ", x.snd)
		} else {
			p.add(", so the %v's next byte will be ", x.snd)
		}
		p.eq(x.pNext(s), plus(seq), plus(pSeqLen(s)))
		p.add(wrap + ".")
	case s.Flags.Has(FIN):
		p.add("SEQ %v is the sequence number of the FIN itself: a FIN consumes one sequence number, so the %v's next number will be ", seq, x.snd)
		p.eq(x.pNext(s), plus(seq), plus(pSeqLen(s)))
		p.add(wrap + ".")
	case s.Flags.Has(RST):
		if r := x.refusedSYN(); r != nil && s.Flags.Has(ACK) && s.Seq == 0 {
			p.add("SEQ %v: this reset answers a SYN, a segment without ACK, so RFC 793 has it carry %v as its sequence number on the wire and acknowledge the SYN instead; a SYN_SENT side accepts a reset only when its ACK covers the SYN it sent.", seq, pWireSeq(s))
			break
		}
		p.add("SEQ %v: a reset is accepted only when its SEQ falls inside the receiver's window, which keeps a blind attacker from guessing it.", seq)
		if a := x.resetAnswers(); a != nil {
			p.add(" It is the ACK field of the %v's frame %v: a reset that answers a segment carrying ACK takes its SEQ from that ACK (RFC 793, section 3.4).", x.rcv, frameNo(a.Frame))
		}
	default:
		p.add("It carries no data and consumes no sequence number: SEQ %v is simply the next byte the %v will send.", seq, x.snd)
	}
	return p
}

// one is the constant 1 of sequence arithmetic: the number a SYN or FIN
// consumes, the step from a byte to the next.
func one() part { return part{kind: kOne, v: 1} }

// resetAnswers returns the receiver's latest segment whose ACK field is
// this RST's SEQ, when the RST carries no ACK.
func (x *exCtx) resetAnswers() *Segment {
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
func (x *exCtx) ackSeen() (acked, prev *Segment) {
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

func (x *exCtx) ackPara() para {
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
	ack := x.pAck(s)
	p.add("ACK %v is the next byte the %v expects from the %v: every byte before it has arrived.", ack, x.snd, x.rcv)
	acked, prev := x.ackSeen()
	if a := acked; a != nil && x.seq(a)+a.SeqLen() == x.ack(s) {
		p.add(" ")
		p.eq(ack, plus(x.pSeq(a)), plus(pSeqLen(a)))
		p.add(": ")
		switch {
		case a.Len == 0 && a.Flags.Has(SYN):
			p.add("the %v's SYN in frame %v (SEQ %v) consumes one sequence number", x.rcv, frameNo(a.Frame), x.pSeq(a))
		case a.Len == 0 && a.Flags.Has(FIN):
			p.add("the %v's FIN in frame %v (SEQ %v) consumes one sequence number", x.rcv, frameNo(a.Frame), x.pSeq(a))
		default:
			p.add("the ")
			if a.Flags.Has(SYN) {
				p.add("SYN and the ")
			}
			p.add(bytesOf(pLen(a)), pLen(a))
			if a.Flags.Has(FIN) {
				p.add(" and the FIN")
			}
			p.add(" of the %v's segment in frame %v, which starts at SEQ %v", x.rcv, frameNo(a.Frame), x.pSeq(a))
		}
		p.add(".")
	} else {
		p.add(" No earlier segment of the %v in this capture ends exactly at %v: the ACK covers data the capture did not see, or ends inside a segment.", x.rcv, ack)
	}
	switch {
	case prev != nil && prev.Ack == s.Ack:
		p.add(" It acknowledges nothing new: frame %v already acknowledged up to %v.", frameNo(prev.Frame), x.pAck(prev))
	case prev != nil && seqLT(s.Ack, prev.Ack):
		p.add(" It is below the %v's previous ACK %v (frame %v): an older acknowledgement overtaken by a newer one, so it acknowledges nothing new.", x.snd, x.pAck(prev), frameNo(prev.Frame))
	default:
		frames, phantom := x.newlyAcked(prev)
		unit := " bytes"
		if phantom {
			unit = " sequence numbers (a SYN or FIN counts as one)"
		}
		if prev != nil {
			p.add(" Since its previous ACK %v (frame %v) it newly acknowledges ", x.pAck(prev), frameNo(prev.Frame))
			p.eq(calc(x.ack(s)-x.ack(prev)), plus(ack), minus(x.pAck(prev)))
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
func (x *exCtx) newlyAcked(prev *Segment) (frames []uint32, phantom bool) {
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

// stateMeaning says what being in a state means, in a few words.
var exStateMeaning = [NumStates]string{
	Closed:      "there is no connection",
	Listen:      "it waits for a connection request",
	SynSent:     "it has sent a SYN and waits for the matching SYN,ACK",
	SynReceived: "it has answered a SYN with its own and waits for that to be acknowledged",
	Established: "the connection is open and data can flow both ways",
	FinWait1:    "it has sent its FIN and waits for it to be acknowledged (or for the peer's FIN)",
	FinWait2:    "its FIN is acknowledged; it waits for the peer's FIN and can still receive data",
	CloseWait:   "the peer has finished sending; it waits for its own application to close and can still send",
	Closing:     "both sides sent a FIN at once; it waits for the ACK of its own",
	LastAck:     "it has sent its FIN after the peer's and waits for the last ACK",
	TimeWait:    "it waits twice the maximum segment lifetime (2MSL) so a lost last ACK can be sent again and stray old segments die out",
}

// exEventWords says what causes a move of the state diagram, in words.
var exEventWords = map[string]string{
	"passive OPEN":   "its application waits for connections",
	"active OPEN":    "its application asked to connect",
	"SEND":           "its application sent data before a connection existed",
	"CLOSE":          "its application closed the connection",
	"rcv SYN":        "it received a SYN",
	"rcv SYN,ACK":    "it received the SYN,ACK answering its SYN",
	"rcv ACK of SYN": "its SYN was acknowledged",
	"rcv FIN":        "it received the peer's FIN",
	"rcv FIN,ACK":    "it received a FIN that also acknowledges its own",
	"rcv ACK of FIN": "its FIN was acknowledged",
	"timeout=2MSL":   "its TIME_WAIT timer ran out",
	"rcv RST":        "it received a reset",
	"ABORT":          "it aborted the connection",
}

func exMeaning(s State) string {
	if int(s) < len(exStateMeaning) {
		return exStateMeaning[s]
	}
	return ""
}

func (x *exCtx) statesPara(segIndex int) para {
	s := x.s
	cm, sm := StepTransitions(x.tl, segIndex)
	var p para
	switch {
	case len(cm) == 0 && len(sm) == 0 && s.Client() == s.Server():
		p.add("Both sides stay in %v.", s.Client().String())
	default:
		x.side(&p, "client", s.Client(), cm)
		p.add(" ")
		x.side(&p, "server", s.Server(), sm)
	}
	for _, who := range []string{"client", "server"} {
		if seg := uint32(segIndex); x.c.WasRevised(seg, who == "client") {
			p.add(" The %v's state on this row (marked %v) was revised after it was first shown: a later segment showed where an arrival really took effect.", who, "↺")
		}
	}
	x.placed(&p)
	return p
}

// placed says where the state machine placed, by evidence, an arrival that
// this segment carries or that takes effect at it (see Machine): which of
// the receiver's own segments showed it had not arrived, and where it did.
func (x *exCtx) placed(p *para) {
	if x.k < 0 {
		return
	}
	for _, pl := range x.c.Placements {
		rcv := "server"
		if pl.Client {
			rcv = "client"
		}
		what := exArrivalWords(pl.What, rcv)
		ev, ok := x.rowFrame(pl.Evidence)
		if !ok {
			continue
		}
		switch {
		case pl.Lost && x.k == pl.Evidence:
			p.add(" %v never reaches the %v: an ICMP error quoting this segment came back instead.", upperFirst(what), rcv)
		case pl.Lost && pl.Arrived < 0:
		case pl.Rejected && pl.What != ArrivalSYN:
			// Rejected with the SYN it came with: one sentence says both.
		case pl.Rejected && x.k == pl.Evidence:
			p.add(" This RST answers the SYN,ACK of frame %v, which the %v did not take: a RST without ACK is what a TCP sends for a segment it cannot accept (RFC 9293).",
				frameNo(x.frameAt(pl.Sighted)), rcv)
		case pl.Rejected:
			if x.k >= pl.Sighted && x.k < pl.Evidence && x.carries(pl) {
				p.add(" The %v answers this SYN,ACK with a RST in frame %v: it does not take it, and its state stays.", rcv, ev)
			}
		case x.k == pl.Arrived && pl.AfterEvidence:
			p.add(" %v reaches the %v only after this segment, which shows the %v had not received it yet (%v), though it was seen in frame %v.",
				upperFirst(what), rcv, rcv, exEvidenceWords(pl.What), frameNo(x.frameAt(pl.Sighted)))
		case x.k == pl.Arrived:
			p.add(" %v reaches the %v with this segment, not with frame %v: the %v's frame %v showed it had not received that one (%v).",
				upperFirst(what), rcv, frameNo(x.frameAt(pl.Sighted)), rcv, ev, exEvidenceWords(pl.What))
		case x.k == pl.Evidence:
			p.add(" This segment shows the %v had not received %v of frame %v yet (%v).",
				rcv, what, frameNo(x.frameAt(pl.Sighted)), exEvidenceWords(pl.What))
		case x.k >= pl.Sighted && x.k < pl.Arrived && x.carries(pl):
			p.add(" %v does not reach the %v yet: the %v's frame %v shows it had not received it (%v).", upperFirst(what), rcv, rcv, ev, exEvidenceWords(pl.What))
		}
	}
}

// exEvidenceWords says what kind of segment shows that arrival a had not
// happened.
func exEvidenceWords(a Arrival) string {
	switch a {
	case ArrivalAckSYN:
		return "it sends its SYN again"
	case ArrivalAckFIN:
		return "it sends its FIN again"
	}
	return "its ACK number does not cover it"
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// exArrivalWords names an arrival at side rcv.
func exArrivalWords(a Arrival, rcv string) string {
	peer := "server"
	if rcv == "server" {
		peer = "client"
	}
	switch a {
	case ArrivalSYN:
		return "the " + peer + "'s SYN"
	case ArrivalFIN:
		return "the " + peer + "'s FIN"
	case ArrivalAckSYN:
		return "the ACK of the " + rcv + "'s SYN"
	}
	return "the ACK of the " + rcv + "'s FIN"
}

// carries reports whether this segment carries the arrival of pl: it is
// sent by the receiver's peer with the SYN, FIN or ACK that pl names.
func (x *exCtx) carries(pl Placement) bool {
	s := x.s
	if (s.Dir == C2S) == pl.Client || s.Flags.Has(RST) {
		return false
	}
	switch pl.What {
	case ArrivalSYN:
		return s.Flags.Has(SYN)
	case ArrivalFIN:
		return s.Flags.Has(FIN)
	}
	return s.Flags.Has(ACK)
}

// rowFrame returns the frame number of the conversation's row i.
func (x *exCtx) rowFrame(i int) (part, bool) {
	if i < 0 || i >= len(x.c.Segs) || int(x.c.Segs[i]) >= len(x.tl.Segments) {
		return part{}, false
	}
	return frameNo(x.tl.Segments[x.c.Segs[i]].Frame), true
}

func (x *exCtx) frameAt(i int) uint32 {
	if i < 0 || i >= len(x.c.Segs) || int(x.c.Segs[i]) >= len(x.tl.Segments) {
		return 0
	}
	return x.tl.Segments[x.c.Segs[i]].Frame
}

// side writes one side's moves at this segment: the path, RFC 793's labels,
// what caused them and what the new state means. A segment moves its
// receiver on its own row (RFC 9293 §3.5); placed says where evidence moved
// an arrival.
func (x *exCtx) side(p *para, who string, now State, ms []Transition) {
	if len(ms) == 0 {
		p.add("The %v stays in %v.", who, now.String())
		return
	}
	path := ms[0].From.String()
	var labels, words []string
	for _, m := range ms {
		path += " → " + m.To.String()
		labels = append(labels, `"`+Visible(m.Label())+`"`)
		if w, ok := exEventWords[m.Event]; ok {
			words = append(words, w)
		}
	}
	p.add("The %v moves %v, RFC 793's %v", who, path, strings.Join(labels, " then "))
	if len(words) > 0 {
		p.add(" (%v)", strings.Join(words, ", then "))
	}
	p.add(": %v.", exMeaning(ms[len(ms)-1].To))
	for _, m := range ms {
		if m.From == SynReceived && m.To == Listen {
			p.add(" Linux differs in form, not in what netstat shows: it deletes the embryonic connection, and its listener goes on listening.")
		}
	}
}

func seqGE(x, y uint32) bool { return int32(x-y) >= 0 }

func (x *exCtx) windowPara() para {
	s := x.s
	var p para
	if s.Flags.Has(RST) {
		return nil
	}
	sh := x.shift(s)
	handshake := x.c.BaseFromSYN[0] && x.c.BaseFromSYN[1]
	pShift := part{kind: kShift, f: s.Frame, v: uint64(max(sh, 0))}
	if s.Flags.Has(SYN) {
		p.add("The %v advertises a receive window of %v bytes: how much the %v may send before it must wait for an acknowledgement. The window of a SYN is never scaled.", x.snd, pWin(s), x.rcv)
		switch {
		case sh >= 0:
			p.add(" Both SYNs carry the window scale option (RFC 7323): after the handshake the %v's window field counts in units of 2^%v bytes.", x.snd, pShift)
		case s.Flags.Has(ACK) && handshake:
			p.add(" The two SYNs did not both carry the window scale option, so the windows of this connection are not scaled.")
		}
		return p
	}
	if s.Win == 0 {
		p.add("The %v advertises a window of %v: it has no room to receive, so the %v must stop sending data.", x.snd, pWin(s), x.rcv)
		return p
	}
	wb := part{kind: kWinBytes, f: s.Frame, v: x.winBytes(s)}
	if sh >= 0 {
		p.add("The %v's window field is %v; scaled by 2^%v, as its SYN announced, that is a receive window of %v bytes", x.snd, pWin(s), pShift, wb)
	} else {
		p.add("The %v advertises a receive window of %v bytes", x.snd, pWin(s))
	}
	if s.Flags.Has(ACK) {
		edge := part{kind: kWinEdge, f: s.Frame, v: uint64(x.ack(s) + uint32(x.winBytes(s)))}
		p.add(": the %v may send up to sequence number ", x.rcv)
		p.eq(edge, plus(x.pAck(s)), plus(wb))
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
func (x *exCtx) sideHigh(d Dir) (hi *Segment) {
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
func (x *exCtx) rtt() (syn, ack *Segment) {
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
func (x *exCtx) threshold(p *para) {
	if syn, ack := x.rtt(); syn != nil && x.tl.SegTime(ack) > x.tl.SegTime(syn) {
		p.add("the handshake's round-trip time, %v ms from frame %v to frame %v", pGap(syn.Frame, ack.Frame, x.tl.SegTime(ack)-x.tl.SegTime(syn)), frameNo(syn.Frame), frameNo(ack.Frame))
		return
	}
	p.add("3 ms, used when no handshake round-trip time is known")
}

func (x *exCtx) events() []para {
	s := x.s
	if s.Events == 0 {
		return nil
	}
	var out []para
	seq := x.pSeq(s)
	hi := x.sideHigh(s.Dir)
	has := s.Events.Has

	if has(Retransmission) && !has(FastRetransmission) && !has(SpuriousRetransmission) {
		var p para
		p.add("Retransmission: the %v sends sequence numbers it has sent before.", x.snd)
		if hi != nil {
			p.add(" Its SEQ %v is below %v, the next new number after frame %v.", seq, x.pNext(hi), frameNo(hi.Frame))
		}
		switch {
		case hi != nil && hi.Seq == s.Seq && hi.Len == s.Len && hi.Flags == s.Flags && x.tl.SegTime(s)-x.tl.SegTime(hi) < 10_000:
			p.add(" It repeats frame %v only %v ms later, too soon for any timer: more likely the same segment captured twice (a duplicate made by a switch or the capture) than a resend.", frameNo(hi.Frame), pGap(hi.Frame, s.Frame, x.tl.SegTime(s)-x.tl.SegTime(hi)))
		case s.Flags.Has(SYN|ACK) && hi != nil && hi.Flags&(SYN|ACK) == SYN:
			p.add(" A SYN,ACK that repeats its sender's own SYN (frame %v) is what each side of a simultaneous open sends (RFC 793, figure 8), so the repeat is expected here.", frameNo(hi.Frame))
		case s.Flags.Has(SYN) && hi != nil:
			p.add(" It repeats the %v of frame %v, %v ms later: no answer came in time (or the answer was lost), so the %v's timer sent it again.", hi.Flags.String(), frameNo(hi.Frame), pGap(hi.Frame, s.Frame, x.tl.SegTime(s)-x.tl.SegTime(hi)), x.snd)
		case hi != nil && s.Seq+s.SeqLen() == hi.Seq+hi.SeqLen():
			p.add(" It ends exactly where frame %v ended, so it repeats data already sent rather than filling a gap: a resend, not a segment the network reordered.", frameNo(hi.Frame))
		case hi != nil:
			p.add(" It comes %v ms after frame %v, more than the out-of-order threshold (", pGap(hi.Frame, s.Frame, x.tl.SegTime(s)-x.tl.SegTime(hi)), frameNo(hi.Frame))
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
			p.add(" asked again for byte %v, and the %v resends exactly that byte's segment %v ms after the last of them,", x.pAck(last), x.snd, pGap(last.Frame, s.Frame, x.tl.SegTime(s)-x.tl.SegTime(last)))
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
			p.eq(x.pNext(s), plus(seq), plus(pSeqLen(s)))
			p.add(" and the %v's ACK %v in frame %v already covers it", x.rcv, x.pAck(a), frameNo(a.Frame))
		}
		p.add(", so the resend was unnecessary (the original or its ACK was slow, not lost).")
		out = append(out, p)
	}
	if has(OutOfOrder) {
		var p para
		p.add("Out of order: ")
		if hi != nil {
			p.add("its SEQ %v is below %v, the next new number after frame %v, yet it comes only %v ms after that frame, within the out-of-order threshold (",
				seq, x.pNext(hi), frameNo(hi.Frame), pGap(hi.Frame, s.Frame, x.tl.SegTime(s)-x.tl.SegTime(hi)))
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
			p.add(" SEQ %v is beyond %v, where frame %v ended, so ", seq, x.pNext(hi), frameNo(hi.Frame))
			p.eq(calc(x.seq(s)-x.seq(hi)-hi.SeqLen()), plus(seq), minus(x.pNext(hi)))
			p.add(" bytes were lost on the way or missed by the capture.")
		}
		out = append(out, p)
	}
	if has(AckLostSegment) {
		var p para
		p.add("ACKed segment not captured: ACK %v acknowledges data of the %v that the capture never saw", x.pAck(s), x.rcv)
		if h := x.sideHigh(s.Dir ^ 1); h != nil {
			p.add(": the %v's highest sequence number seen is %v, after frame %v", x.rcv, x.pNext(h), frameNo(h.Frame))
		}
		p.add(".")
		out = append(out, p)
	}
	if has(DuplicateAck) {
		var p para
		p.add("Duplicate ACK")
		if nth, orig := x.dupCount(); orig != nil {
			p.add(" (duplicate %v of the ACK in frame %v)", part{kind: kDupNth, f: s.Frame, g: orig.Frame, v: uint64(nth)}, frameNo(orig.Frame))
		}
		p.add(": the %v repeats ACK %v with no data and no change of window. It usually tells the %v that a segment beyond a gap arrived and that it still waits for byte %v; three duplicates make the %v resend that segment at once (fast retransmit, RFC 5681) instead of waiting for its timer.",
			x.snd, x.pAck(s), x.rcv, x.pAck(s), x.rcv)
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
			p.eq(seq, plus(x.pNext(hi)), minus(one()))
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
			p.add(" as frame %v; only the window changed, from %v to %v", frameNo(q.Frame), pWin(q), pWin(s))
		} else {
			p.add("; only the window changed, to %v", pWin(s))
		}
		p.add(": the %v tells the %v it has room again.", x.snd, x.rcv)
		out = append(out, p)
	}
	if has(WindowFull) {
		var p para
		p.add("Window full: this segment fills the %v's advertised window", x.rcv)
		if a := x.peerLastAck(); a != nil {
			edge := part{kind: kWinEdge, f: a.Frame, v: uint64(x.ack(a) + uint32(x.winBytes(a)))}
			if uint32(edge.v) == x.seq(s)+s.SeqLen() {
				p.add(": it ends at ")
				p.eq(x.pNext(s), plus(seq), plus(pSeqLen(s)))
				p.add(", the edge of the window frame %v offered: ", frameNo(a.Frame))
				p.eq(edge, plus(x.pAck(a)), plus(part{kind: kWinBytes, f: a.Frame, v: x.winBytes(a)}))
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
func (x *exCtx) dupAcksFor() (frames []uint32, last *Segment) {
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
func (x *exCtx) peerLastAck() (a *Segment) {
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
func (x *exCtx) ownPrev() (o *Segment) {
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
func (x *exCtx) dupCount() (nth int, orig *Segment) {
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

func (x *exCtx) assumed() []para {
	var out []para
	c, s := x.c, x.s
	if c.Assumed && len(c.Segs) > 0 && int(c.Segs[0]) < len(x.tl.Segments) {
		first := &x.tl.Segments[c.Segs[0]]
		var p para
		p.add("The capture starts in the middle of this connection (its first segment, frame %v, is not an opening SYN), so the states before it were assumed, not seen: client %v, server %v.",
			frameNo(first.Frame), c.InitClient.String(), c.InitServer.String())
		out = append(out, p)
	}
	if x.abs {
		return out
	}
	for g, d := range []Dir{s.Dir, s.Dir ^ 1} {
		if c.BaseFromSYN[d&1] || (g == 1 && !s.Flags.Has(ACK)) {
			continue
		}
		who, _ := exSide(d)
		base := part{kind: kBase, f: s.Frame, g: uint32(g), v: uint64(c.Base[d&1])}
		var p para
		if g == 0 {
			p.add("No SYN from the %v was captured, so its relative numbers are a guess at its ISN: they count from ", who)
		} else {
			p.add("No SYN from the %v was captured, so the relative ACK counts from a guess at its ISN, ", who)
		}
		if q, byAck := x.baseFrom(d); q != nil && !byAck && p.eq(base, plus(pWireSeq(q)), minus(one())) {
			p.add(", one below the first sequence number seen from the %v (frame %v), so that frame's relative SEQ is %v, as tshark numbers it.", who, frameNo(q.Frame), x.pSeq(q))
			if q.Seq == 0 {
				p.add(" (Numbers wrap around at 2^32: one below zero is the highest.)")
			}
		} else if q != nil && byAck && p.eq(base, plus(part{kind: kWireAck, f: q.Frame, v: uint64(q.Ack)}), minus(one())) {
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
func (x *exCtx) baseFrom(d Dir) (q *Segment, byAck bool) {
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
func (x *exCtx) reassembled() para {
	s := x.s
	var frames []uint32
	var id part
	for i := range x.tl.Fragments {
		g := &x.tl.Fragments[i]
		if g.Completes == s.Frame {
			frames = append(frames, g.Frame)
			id = part{kind: kFragID, f: g.Frame, v: uint64(g.ID)}
		}
	}
	if len(frames) == 0 {
		return nil
	}
	if frames[len(frames)-1] != s.Frame {
		frames = append(frames, s.Frame)
	}
	var p para
	p.add("The IPv4 datagram carrying this segment arrived in %v fragments with ID %v, ", part{kind: kFragCount, f: s.Frame, v: uint64(len(frames))}, id)
	frameList(&p, frames)
	p.add("; frame %v completed it, so the reassembled segment is shown here.", frameNo(s.Frame))
	return p
}
