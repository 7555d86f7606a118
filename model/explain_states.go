package model

import (
	"strings"
)

// The paragraph of a segment's explanation about the states: each side's
// moves in RFC 793's words, and where evidence placed an arrival.

// stateMeaning says what being in a state means, in a few words.
var stateMeanings = [NumStates]string{
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

// moveWords says what causes a move of the state diagram, in words.
var moveWords = map[string]string{
	"passive OPEN":    "its application waits for connections",
	"active OPEN":     "its application asked to connect",
	"SEND":            "its application sent data before a connection existed",
	"CLOSE":           "its application closed the connection",
	"rcv SYN":         "it received a SYN",
	"rcv SYN,ACK":     "it received the SYN,ACK answering its SYN",
	"rcv ACK of SYN":  "its SYN was acknowledged",
	"rcv FIN":         "it received the peer's FIN",
	"rcv FIN,ACK":     "it received a FIN that also acknowledges its own",
	"rcv ACK of FIN":  "its FIN was acknowledged",
	"timeout=2MSL":    "its TIME_WAIT timer ran out",
	"rcv RST":         "it received a reset",
	"ABORT":           "it aborted the connection",
	"SEGMENT ARRIVES": "a segment arrived that its TCP had no connection for, and it answered with a reset",
}

func stateMeaning(s State) string {
	if int(s) < len(stateMeanings) {
		return stateMeanings[s]
	}
	return ""
}

func (x *explainer) statesPara(segIndex int) para {
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
	if mv, ok := x.sentReset(); ok && mv.AnswersSegment() && mv.From != SynSent {
		// SYN_SENT's case is the rejected SYN,ACK that placed says.
		x.answeredReset(&p, mv)
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
// this segment carries or that takes effect at it (see machine): which of
// the receiver's own segments showed it had not arrived, and where it did.
func (x *explainer) placed(p *para) {
	if x.k < 0 {
		return
	}
	for _, pl := range x.c.Placements {
		rcv := "server"
		if pl.Client {
			rcv = "client"
		}
		what := arrivalWords(pl.What, rcv)
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
				upperFirst(what), rcv, rcv, evidenceWords(pl.What), frameNo(x.frameAt(pl.Sighted)))
		case x.k == pl.Arrived:
			p.add(" %v reaches the %v with this segment, not with frame %v: the %v's frame %v showed it had not received that one (%v).",
				upperFirst(what), rcv, frameNo(x.frameAt(pl.Sighted)), rcv, ev, evidenceWords(pl.What))
		case x.k == pl.Evidence:
			p.add(" This segment shows the %v had not received %v of frame %v yet (%v).",
				rcv, what, frameNo(x.frameAt(pl.Sighted)), evidenceWords(pl.What))
		case x.k >= pl.Sighted && x.k < pl.Arrived && x.carries(pl):
			p.add(" %v does not reach the %v yet: the %v's frame %v shows it had not received it (%v).", upperFirst(what), rcv, rcv, ev, evidenceWords(pl.What))
		}
	}
}

// evidenceWords says what kind of segment shows that arrival a had not
// happened.
func evidenceWords(a Arrival) string {
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

// arrivalWords names an arrival at side rcv.
func arrivalWords(a Arrival, rcv string) string {
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
func (x *explainer) carries(pl Placement) bool {
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
func (x *explainer) rowFrame(i int) (part, bool) {
	if i < 0 || i >= len(x.c.Segs) || int(x.c.Segs[i]) >= len(x.tl.Segments) {
		return part{}, false
	}
	return frameNo(x.tl.Segments[x.c.Segs[i]].Frame), true
}

func (x *explainer) frameAt(i int) uint32 {
	if i < 0 || i >= len(x.c.Segs) || int(x.c.Segs[i]) >= len(x.tl.Segments) {
		return 0
	}
	return x.tl.Segments[x.c.Segs[i]].Frame
}

// side writes one side's moves at this segment: the path, RFC 793's labels,
// what caused them and what the new state means. A segment moves its
// receiver on its own row (RFC 9293 §3.5); placed says where evidence moved
// an arrival.
func (x *explainer) side(p *para, who string, now State, ms []Transition) {
	if len(ms) == 0 {
		p.add("The %v stays in %v.", who, now.String())
		return
	}
	path := ms[0].From.String()
	var labels, words []string
	for _, m := range ms {
		path += " → " + m.To.String()
		labels = append(labels, `"`+Visible(m.Label())+`"`)
		if w, ok := moveWords[m.Event]; ok {
			words = append(words, w)
		}
	}
	rfc := "RFC 793's"
	if len(ms) == 1 && ms[0].AnswersSegment() {
		rfc = "RFC 9293's" // section 3.10.7; RFC 793 names no such move
	}
	p.add("The %v moves %v, %v %v", who, path, rfc, strings.Join(labels, " then "))
	if len(words) > 0 {
		p.add(" (%v)", strings.Join(words, ", then "))
	}
	p.add(": %v.", stateMeaning(ms[len(ms)-1].To))
	for _, m := range ms {
		if m.From == SynReceived && m.To == Listen {
			p.add(" Linux differs in form, not in what netstat shows: it deletes the embryonic connection, and its listener goes on listening.")
		}
	}
}

func seqGE(x, y uint32) bool { return int32(x-y) >= 0 }

// senderMoves returns the moves at this segment of the side that sent it.
func (x *explainer) senderMoves() []Transition {
	if x.k < 0 {
		return nil
	}
	cm, sm := StepTransitions(x.tl, int(x.c.Segs[x.k]))
	if x.s.Dir == C2S {
		return cm
	}
	return sm
}

// sentReset returns the move of this segment's sender into CLOSED by the
// reset it sends, if it made one.
func (x *explainer) sentReset() (Transition, bool) {
	if !x.s.Flags.Has(RST) {
		return Transition{}, false
	}
	for _, m := range x.senderMoves() {
		if m.Abort() && m.Action != "" {
			return m, true
		}
	}
	return Transition{}, false
}

// answeredReset says why a reset sent from CLOSING, LAST_ACK or TIME_WAIT is
// no abort but an answer (see sndRST), and which rule gives its numbers.
func (x *explainer) answeredReset(p *para, mv Transition) {
	s := x.s
	var q *Segment // the segment it answers: the peer's latest
	x.back(func(t *Segment) bool {
		if t.Dir != s.Dir {
			q = t
			return false
		}
		return true
	})
	from := mv.From.String()
	p.add(" An ABORT in %v sends nothing (RFC 9293, section 3.10.5)", from)
	if mv.From == TimeWait {
		p.add(", and a TCP still in TIME_WAIT acknowledges a FIN that comes again (section 3.10.7.4)")
	} else {
		p.add(", and a TCP still in %v answers a segment it cannot accept with an ACK (section 3.10.7.4)", from)
	}
	if q == nil {
		p.add(": this reset answers a segment for a connection its TCP no longer had (section 3.10.7.1).")
		return
	}
	what := "segment"
	if q.Flags.Has(FIN) {
		what = "FIN"
	}
	p.add(": this reset answers the %v's %v of frame %v, which passed %v ms earlier, as a TCP answers a segment for a connection it does not have (section 3.10.7.1).",
		x.rcv, what, frameNo(q.Frame), gapPart(q.Frame, s.Frame, x.tl.SegTime(s)-x.tl.SegTime(q)))
	switch {
	case !s.Flags.Has(ACK) && q.Flags.Has(ACK) && q.Ack == s.Seq:
		p.add(" A segment that carries ACK gets <SEQ=SEG.ACK><CTL=RST>: SEQ %v is the ACK %v of frame %v, and the ACK flag is off.",
			x.seqPart(s), x.ackPart(q), frameNo(q.Frame))
	case s.Flags.Has(ACK) && s.Seq == 0 && !q.Flags.Has(ACK):
		p.add(" A segment without ACK gets <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>: ACK ")
		p.eq(x.ackPart(s), plus(x.seqPart(q)), plus(seqLenPart(q)))
		p.add(".")
	}
	p.add(" The observer had the %v in %v; the reset shows its TCP no longer had the connection.", x.snd, from)
}
