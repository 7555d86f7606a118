package model

import (
	"fmt"
	"sort"
	"strings"
)

// explainScan bounds how far back the explanation looks for the segment an
// ACK acknowledges or the previous ACK of a side, so one step stays instant
// in a conversation of millions of segments.
const explainScan = 4096

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
		pc, ps = p.Client, p.Server
	}
	return Transitions(pc, s.Client, s.Flags, s.Dir == C2S), Transitions(ps, s.Server, s.Flags, s.Dir == S2C)
}

func exConv(tl *Timeline, s *Segment) *Conversation {
	if int(s.Stream) >= len(tl.Conversations) {
		return nil
	}
	return tl.Conversations[s.Stream]
}

// segPos is the position of segment index i in c.Segs, or -1.
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

// side names a direction's sender and receiver.
func exSide(d Dir) (sender, receiver string) {
	if d == C2S {
		return "client", "server"
	}
	return "server", "client"
}

// numbering turns raw sequence numbers into the numbering on screen.
type exNumbering struct {
	abs  bool
	base [2]uint32
}

// seq is the displayed value of raw sequence number v sent in direction d.
func (n exNumbering) seq(v uint32, d Dir) uint32 {
	if n.abs {
		return v
	}
	return v - n.base[d]
}

func exOther(d Dir) Dir { return d ^ 1 }

// Explain returns paragraphs of plain sentences about segment segIndex: what
// its flags ask for, what its SEQ and ACK mean with the arithmetic behind
// them, how each side's state changes and why, the window, its analysis
// events, and what was assumed. Numbers are absolute or relative as asked.
func Explain(tl *Timeline, segIndex int, absolute bool) []string {
	if tl == nil || segIndex < 0 || segIndex >= len(tl.Segments) {
		return nil
	}
	s := &tl.Segments[segIndex]
	c := exConv(tl, s)
	if c == nil {
		return nil
	}
	n := exNumbering{abs: absolute, base: c.Base}
	snd, rcv := exSide(s.Dir)
	k := exSegPos(c, segIndex)
	var out []string

	out = append(out, explainWhat(tl, s, snd, rcv))
	out = append(out, explainSeq(s, n, snd))
	out = append(out, explainAck(tl, c, k, s, n, snd, rcv))
	out = append(out, explainStates(tl, segIndex))
	out = append(out, explainWindow(s, n, snd, rcv))
	out = append(out, explainEvents(tl, c, k, s, n, snd, rcv)...)
	out = append(out, explainAssumed(tl, c, s, absolute)...)
	out = append(out, explainReassembled(tl, s))

	kept := out[:0]
	for _, p := range out {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return kept
}

func exPlural(n uint32, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

func explainWhat(tl *Timeline, s *Segment, snd, rcv string) string {
	src, dst := tl.SrcDst(s)
	var b strings.Builder
	fmt.Fprintf(&b, "Frame %d, %.6f s: the %s (%s) sends the %s (%s) a segment with flags %s",
		s.Frame, float64(s.TimeNS)/1e9, snd, src, rcv, dst, s.Flags)
	if s.Len > 0 {
		fmt.Fprintf(&b, " carrying %s of data.", exPlural(s.Len, "byte", "bytes"))
	} else {
		b.WriteString(" and no data.")
	}
	f := s.Flags
	add := func(x string) { b.WriteString(" " + x) }
	switch {
	case f.Has(SYN | ACK):
		add(fmt.Sprintf("SYN,ACK accepts the connection: the %s announces its own initial sequence number and acknowledges the %s's SYN.", snd, rcv))
	case f.Has(SYN):
		add(fmt.Sprintf("SYN asks to open a connection: the %s announces the initial sequence number its bytes will be counted from.", snd))
	case f.Has(ACK):
		add("ACK says the acknowledgement field is valid.")
	}
	if f.Has(RST) {
		add(fmt.Sprintf("RST aborts the connection at once: the %s will neither send nor accept anything more on it.", snd))
	}
	if f.Has(FIN) {
		add(fmt.Sprintf("FIN says the %s has no more data to send: it closes its direction of the connection (the other may go on).", snd))
	}
	if f.Has(PSH) {
		add(fmt.Sprintf("PSH asks the %s to hand the data to its application now instead of waiting for more.", rcv))
	}
	if f.Has(URG) {
		add("URG says the urgent pointer marks urgent data.")
	}
	switch {
	case f.Has(SYN|ECE|CWR) && !f.Has(ACK):
		add("ECE and CWR on a SYN ask to use Explicit Congestion Notification (RFC 3168).")
	case f.Has(SYN|ECE) && f.Has(ACK):
		add("ECE on a SYN,ACK agrees to use Explicit Congestion Notification (RFC 3168).")
	default:
		if f.Has(ECE) {
			add(fmt.Sprintf("ECE echoes a congestion mark: a router on the path signalled congestion, so the %s should slow down.", rcv))
		}
		if f.Has(CWR) {
			add(fmt.Sprintf("CWR says the %s has reduced its congestion window in answer to ECE.", snd))
		}
	}
	if f.Has(NS) {
		add("NS (AE in Accurate ECN) is set: an ECN nonce or AccECN counter bit.")
	}
	if f&(SYN|ACK|RST|FIN) == 0 {
		add("Without SYN, ACK, RST or FIN this segment is unusual: a synchronized connection sets ACK on every segment.")
	}
	return b.String()
}

func explainSeq(s *Segment, n exNumbering, snd string) string {
	seq := s.Seq
	if !n.abs {
		seq = s.RelSeq
	}
	var b strings.Builder
	next := seq + s.SeqLen()
	wrap := ""
	if next < seq {
		wrap = " (sequence numbers wrap around at 2^32)"
	}
	switch {
	case s.Flags.Has(SYN):
		if n.abs {
			fmt.Fprintf(&b, "SEQ %d is the %s's initial sequence number (ISN).", seq, snd)
		} else {
			fmt.Fprintf(&b, "SEQ %d is the %s's initial sequence number (ISN); relative numbers count from it (%d on the wire).", seq, snd, s.Seq)
		}
		fmt.Fprintf(&b, " A SYN consumes one sequence number, so the %s's next byte will be %d = %d + 1", snd, seq+1, seq)
		if s.Len > 0 {
			fmt.Fprintf(&b, "; the %s it carries already are numbers %d to %d", exPlural(s.Len, "byte", "bytes"), seq+1, seq+s.Len)
		}
		if s.Flags.Has(FIN) {
			fmt.Fprintf(&b, "; its FIN takes one more, so the next number will be %d", next)
		}
		b.WriteString(wrap + ".")
	case s.Len > 0:
		fmt.Fprintf(&b, "SEQ %d is the number of the first byte this segment carries: its %s are numbers %d to %d", seq, exPlural(s.Len, "byte", "bytes"), seq, seq+s.Len-1)
		if s.Flags.Has(FIN) {
			fmt.Fprintf(&b, ", and its FIN consumes one more sequence number (%d), so the %s's next number will be %d = %d + %d + 1", seq+s.Len, snd, next, seq, s.Len)
		} else {
			fmt.Fprintf(&b, ", so the %s's next byte will be %d = %d + %d", snd, next, seq, s.Len)
		}
		b.WriteString(wrap + ".")
	case s.Flags.Has(FIN):
		fmt.Fprintf(&b, "SEQ %d is the sequence number of the FIN itself: a FIN consumes one sequence number, so the %s's next number will be %d = %d + 1%s.", seq, snd, next, seq, wrap)
	case s.Flags.Has(RST):
		fmt.Fprintf(&b, "SEQ %d: a reset is accepted only when its SEQ falls inside the receiver's window, which keeps a blind attacker from guessing it.", seq)
	default:
		fmt.Fprintf(&b, "It carries no data and consumes no sequence number: SEQ %d is simply the next byte the %s will send.", seq, snd)
	}
	return b.String()
}

// ackCtx is what the ACK explanation needs to know from earlier segments.
type exAckCtx struct {
	acked   *Segment // the latest earlier segment of the other side ending exactly at this ACK
	prevAck *Segment // this side's previous segment with ACK set
}

func exFindAckCtx(tl *Timeline, c *Conversation, k int, s *Segment) exAckCtx {
	var ctx exAckCtx
	if k < 0 {
		return ctx
	}
	for j := k - 1; j >= 0 && j >= k-explainScan; j-- {
		p := &tl.Segments[c.Segs[j]]
		if p.Dir == s.Dir {
			if ctx.prevAck == nil && p.Flags.Has(ACK) {
				ctx.prevAck = p
			}
		} else if ctx.acked == nil && p.SeqLen() > 0 && p.Seq+p.SeqLen() == s.Ack {
			ctx.acked = p
		}
		if ctx.acked != nil && ctx.prevAck != nil {
			break
		}
	}
	return ctx
}

func explainAck(tl *Timeline, c *Conversation, k int, s *Segment, n exNumbering, snd, rcv string) string {
	if !s.Flags.Has(ACK) {
		if s.Flags.Has(SYN) {
			return "The ACK flag is not set, as on every opening SYN: there is nothing to acknowledge yet, so the acknowledgement field means nothing."
		}
		return "The ACK flag is not set, so the acknowledgement field means nothing here."
	}
	ack := s.Ack
	if !n.abs {
		ack = s.RelAck
	}
	ctx := exFindAckCtx(tl, c, k, s)
	var b strings.Builder
	fmt.Fprintf(&b, "ACK %d is the next byte the %s expects from the %s: every byte before it has arrived.", ack, snd, rcv)
	if p := ctx.prevAck; p != nil && p.Ack == s.Ack {
		fmt.Fprintf(&b, " It acknowledges nothing new: frame %d already acknowledged up to %d.", p.Frame, ack)
		return b.String()
	}
	if a := ctx.acked; a != nil {
		aseq := n.seq(a.Seq, a.Dir)
		if !n.abs {
			aseq = a.RelSeq
		}
		if aseq+a.SeqLen() == ack {
			var what string
			switch {
			case a.Len == 0 && a.Flags.Has(SYN):
				what = fmt.Sprintf("the %s's SYN in frame %d (SEQ %d) consumes one sequence number", rcv, a.Frame, aseq)
			case a.Len == 0 && a.Flags.Has(FIN):
				what = fmt.Sprintf("the %s's FIN in frame %d (SEQ %d) consumes one sequence number", rcv, a.Frame, aseq)
			default:
				parts := []string{}
				if a.Flags.Has(SYN) {
					parts = append(parts, "the SYN")
				}
				parts = append(parts, "the "+exPlural(a.Len, "byte", "bytes"))
				if a.Flags.Has(FIN) {
					parts = append(parts, "the FIN")
				}
				what = fmt.Sprintf("%s of the %s's segment in frame %d, which starts at SEQ %d", strings.Join(parts, " and "), rcv, a.Frame, aseq)
			}
			fmt.Fprintf(&b, " ACK %d = %d + %d: %s.", ack, aseq, a.SeqLen(), what)
		}
	} else if s.Ack != 0 {
		fmt.Fprintf(&b, " No earlier segment of the %s in this capture ends exactly at %d: the ACK covers segments together, or ones the capture did not see.", rcv, ack)
	}
	if p := ctx.prevAck; p != nil {
		pa := p.Ack
		if !n.abs {
			pa = p.RelAck
		}
		if d := ack - pa; d > 0 && d < 1<<31 {
			fmt.Fprintf(&b, " Since the %s's previous ACK %d (frame %d) it newly acknowledges %d = %d - %d bytes.", snd, pa, p.Frame, d, ack, pa)
		}
	}
	return b.String()
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

func exMeaning(s State) string {
	if int(s) < len(exStateMeaning) {
		return exStateMeaning[s]
	}
	return ""
}

func explainStates(tl *Timeline, segIndex int) string {
	s := &tl.Segments[segIndex]
	cm, sm := StepTransitions(tl, segIndex)
	var parts []string
	one := func(who string, now State, ms []Transition) {
		if len(ms) == 0 {
			parts = append(parts, fmt.Sprintf("The %s stays in %s.", who, now))
			return
		}
		path := []string{ms[0].From.String()}
		var labels []string
		for _, m := range ms {
			path = append(path, m.To.String())
			labels = append(labels, fmt.Sprintf("%q", Visible(m.Label())))
		}
		parts = append(parts, fmt.Sprintf("The %s moves %s, RFC 793's %s: %s.",
			who, strings.Join(path, " → "), strings.Join(labels, " then "), exMeaning(ms[len(ms)-1].To)))
	}
	if len(cm) == 0 && len(sm) == 0 && s.Client == s.Server {
		return fmt.Sprintf("Both sides stay in %s.", s.Client)
	}
	one("client", s.Client, cm)
	one("server", s.Server, sm)
	return strings.Join(parts, " ")
}

func explainWindow(s *Segment, n exNumbering, snd, rcv string) string {
	if s.Flags.Has(RST) {
		return ""
	}
	if s.Win == 0 {
		return fmt.Sprintf("The %s advertises a window of 0: it has no room to receive, so the %s must stop sending data.", snd, rcv)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "The %s advertises a receive window of %d", snd, s.Win)
	if s.Flags.Has(ACK) {
		ack := s.Ack
		if !n.abs {
			ack = s.RelAck
		}
		fmt.Fprintf(&b, ": the %s may send that many bytes from byte %d on before it must wait for another ACK", rcv, ack)
	} else {
		fmt.Fprintf(&b, ": how much the %s may send before it must wait for an ACK", rcv)
	}
	if s.Flags.Has(SYN) {
		b.WriteString(" (the window of a SYN is never scaled).")
	} else {
		b.WriteString(" (times 2^scale when the SYNs negotiated window scaling).")
	}
	return b.String()
}

// sideHigh returns the highest next sequence number (seq + SeqLen) the
// sender of s reached before it, and the frame that reached it.
func exSideHigh(tl *Timeline, c *Conversation, k int, s *Segment) (next uint32, frame uint32, ok bool) {
	for j := k - 1; j >= 0 && j >= k-explainScan; j-- {
		p := &tl.Segments[c.Segs[j]]
		if p.Dir != s.Dir {
			continue
		}
		e := p.Seq + p.SeqLen()
		if !ok || int32(e-next) > 0 {
			next, frame, ok = e, p.Frame, true
		}
	}
	return next, frame, ok
}

func explainEvents(tl *Timeline, c *Conversation, k int, s *Segment, n exNumbering, snd, rcv string) []string {
	if s.Events == 0 {
		return nil
	}
	seq := s.Seq
	ack := s.Ack
	if !n.abs {
		seq, ack = s.RelSeq, s.RelAck
	}
	hi, hiFrame, hiOK := exSideHigh(tl, c, k, s)
	hiShown := n.seq(hi, s.Dir)
	var out []string
	ev := func(e Event, text string) {
		if s.Events.Has(e) {
			out = append(out, text)
		}
	}
	below := ""
	if hiOK {
		below = fmt.Sprintf(" Its SEQ %d is below %d, the next new byte after frame %d.", seq, hiShown, hiFrame)
	}
	ev(Retransmission, fmt.Sprintf("Retransmission: the %s sends sequence numbers it has sent before, and not so soon after a higher one that it could be a mere reordering: it resends data it believes lost, typically after its retransmission timer ran out.%s", snd, below))
	ev(FastRetransmission, fmt.Sprintf("Fast retransmission: the %s resends this data because the %s's duplicate ACKs asked for it (RFC 5681), without waiting for its retransmission timer.", snd, rcv))
	ev(SpuriousRetransmission, fmt.Sprintf("Spurious retransmission: the %s had already acknowledged these bytes, so the resend was unnecessary (the original or its ACK was slow, not lost).", rcv))
	ev(OutOfOrder, fmt.Sprintf("Out of order: a segment with higher sequence numbers was seen first, and this one came too soon after it to be a retransmission, so the network (or the capture) reordered them.%s", below))
	if s.Events.Has(LostSegment) {
		t := fmt.Sprintf("Previous segment not captured: the %s's data before this segment never appeared in the capture.", snd)
		if hiOK && int32(s.Seq-hi) > 0 {
			t += fmt.Sprintf(" SEQ %d is beyond %d, where frame %d ended, so %d = %d - %d bytes were lost on the way or missed by the capture.", seq, hiShown, hiFrame, seq-hiShown, seq, hiShown)
		}
		out = append(out, t)
	}
	ev(AckLostSegment, fmt.Sprintf("ACKed segment not captured: ACK %d acknowledges data of the %s that the capture never saw.", ack, rcv))
	if s.Events.Has(DuplicateAck) {
		nth, orig := exDupCount(tl, c, k, s)
		t := fmt.Sprintf("Duplicate ACK: the %s repeats ACK %d with no data and no window change", snd, ack)
		if orig != 0 {
			t += fmt.Sprintf(" (duplicate %d of the ACK in frame %d)", nth, orig)
		}
		t += fmt.Sprintf(". It has received a segment beyond a gap and asks again for byte %d; three duplicates make the %s retransmit it at once (fast retransmit).", ack, rcv)
		out = append(out, t)
	}
	ev(ZeroWindow, fmt.Sprintf("Zero window: the %s's receive buffer is full. The %s must stop sending and probe now and then until a window update reopens it.", snd, rcv))
	ev(ZeroWindowProbe, fmt.Sprintf("Zero window probe: the %s sends a byte into the %s's closed window to find out whether it has opened.", snd, rcv))
	ev(ZeroWindowProbeAck, fmt.Sprintf("Zero window probe ACK: the %s answers a zero window probe; the window is still what it says.", snd))
	ev(KeepAlive, fmt.Sprintf("Keep-alive: SEQ %d is one below the %s's next byte and carries at most one byte, so it asks nothing new; it only checks that the %s is still there and makes it answer with an ACK.", seq, snd, rcv))
	ev(KeepAliveAck, fmt.Sprintf("Keep-alive ACK: the %s answers a keep-alive, showing the connection is still alive.", snd))
	ev(WindowUpdate, fmt.Sprintf("Window update: no data and the same ACK, only the window changed to %d: the %s tells the %s it has room again.", s.Win, snd, rcv))
	ev(WindowFull, fmt.Sprintf("Window full: this segment fills the %s's advertised window; the %s can send nothing more until an ACK opens it.", rcv, snd))
	ev(ReusedPorts, "Reused ports: a new SYN on the same addresses and ports as an earlier connection in the capture, with a different sequence number: a new connection reusing the port pair.")
	return out
}

// exDupCount counts which duplicate of its ACK segment s is, and finds the
// frame of the original ACK: the sender's latest earlier segment with the
// same ACK that was not itself a duplicate.
func exDupCount(tl *Timeline, c *Conversation, k int, s *Segment) (nth int, orig uint32) {
	nth = 1
	for j := k - 1; j >= 0 && j >= k-explainScan; j-- {
		p := &tl.Segments[c.Segs[j]]
		if p.Dir != s.Dir {
			continue
		}
		if p.Ack != s.Ack || !p.Flags.Has(ACK) {
			return 0, 0
		}
		if !p.Events.Has(DuplicateAck) {
			return nth, p.Frame
		}
		nth++
	}
	return 0, 0
}

func explainAssumed(tl *Timeline, c *Conversation, s *Segment, absolute bool) []string {
	var out []string
	if c.Assumed {
		first := uint32(0)
		if len(c.Segs) > 0 && int(c.Segs[0]) < len(tl.Segments) {
			first = tl.Segments[c.Segs[0]].Frame
		}
		out = append(out, fmt.Sprintf("The capture starts in the middle of this connection (its first segment, frame %d, is no SYN), so the states before it were assumed, not seen: client %s, server %s.", first, c.InitClient, c.InitServer))
	}
	if absolute {
		return out
	}
	snd, rcv := exSide(s.Dir)
	if !c.BaseFromSYN[s.Dir] {
		out = append(out, fmt.Sprintf("No SYN from the %s was captured, so its relative numbers count from the first sequence number seen from it, %d: they are a guess at its ISN.", snd, c.Base[s.Dir]))
	}
	if s.Flags.Has(ACK) && !c.BaseFromSYN[exOther(s.Dir)] {
		out = append(out, fmt.Sprintf("No SYN from the %s was captured, so the relative ACK counts from the first sequence number seen from it, %d.", rcv, c.Base[exOther(s.Dir)]))
	}
	return out
}

// explainReassembled says which fragments carried the segment when its IP
// datagram came in pieces ("" when it did not).
func explainReassembled(tl *Timeline, s *Segment) string {
	var frames []string
	var id uint16
	for i := range tl.Fragments {
		g := &tl.Fragments[i]
		if g.Completes == s.Frame {
			frames = append(frames, fmt.Sprint(g.Frame))
			id = g.ID
		}
	}
	if len(frames) < 2 {
		return ""
	}
	return fmt.Sprintf("The IPv4 datagram carrying this segment arrived in %d fragments with ID %d, frames %s; frame %d completed it, so the reassembled segment is shown here.",
		len(frames), id, strings.Join(frames, ", "), s.Frame)
}

// ExplainFrame explains a frame of a conversation that is not a segment: an
// IPv4 fragment (its ID, flags and offset, and which frame completes the
// datagram) or an ICMP error (its type, the MTU it reports, the segment it
// quotes and why a router sends it). Other frames get their note.
func ExplainFrame(tl *Timeline, frame uint32) []string {
	if tl == nil || frame == 0 || int(frame) > len(tl.Frames) {
		return nil
	}
	f := &tl.Frames[frame-1]
	switch f.Kind {
	case FrameFragment:
		for i := range tl.Fragments {
			if tl.Fragments[i].Frame == frame {
				return explainFragment(tl, &tl.Fragments[i])
			}
		}
	case FrameICMP:
		for i := range tl.ICMP {
			if tl.ICMP[i].Frame == frame {
				return explainICMP(tl, &tl.ICMP[i])
			}
		}
	case FrameTCP:
		if f.Seg >= 0 && int(f.Seg) < len(tl.Segments) {
			return Explain(tl, int(f.Seg), true)
		}
	}
	if note := tl.Note(f); note != "" {
		return []string{fmt.Sprintf("Frame %d (%s): %s", frame, f.Kind, Visible(note))}
	}
	return []string{fmt.Sprintf("Frame %d is a %s frame.", frame, f.Kind)}
}

func exYesNo(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

func explainFragment(tl *Timeline, g *Fragment) []string {
	var out []string
	out = append(out, fmt.Sprintf("Frame %d is an IPv4 fragment: %d bytes of a larger datagram, at offset %d bytes, with ID %d (0x%04x). The datagram was too big for a link on its way, so the sender or a router cut it into fragments that share its ID; the receiver puts them back together by ID and offset.",
		g.Frame, g.Len, g.Offset, g.ID, g.ID))
	flags := fmt.Sprintf("MF (more fragments) is %s: %s. DF (don't fragment) is %s.",
		exYesNo(g.MF, "set", "clear"),
		exYesNo(g.MF, fmt.Sprintf("more of the datagram follows byte %d", uint32(g.Offset)+uint32(g.Len)), "this is the datagram's last fragment"),
		exYesNo(g.DF, "set", "clear"))
	if g.Offset == 0 && g.MF {
		flags += " Offset 0 makes it the first fragment: it holds the TCP header."
	}
	out = append(out, flags)
	if g.Completes != 0 {
		t := fmt.Sprintf("Frame %d completes the datagram", g.Completes)
		if int(g.Completes) <= len(tl.Frames) {
			if cf := &tl.Frames[g.Completes-1]; cf.Kind == FrameTCP && cf.Seg >= 0 && int(cf.Seg) < len(tl.Segments) {
				seg := &tl.Segments[cf.Seg]
				t += fmt.Sprintf(": the reassembled TCP segment (flags %s, SEQ %d, %s) is shown at that frame", seg.Flags, seg.Seq, exPlural(seg.Len, "byte", "bytes"))
			}
		}
		out = append(out, t+".")
	} else {
		out = append(out, "No frame of the capture completes this datagram: some of its fragments are missing, so the receiver would drop it after its reassembly timeout.")
	}
	return out
}

func explainICMP(tl *Timeline, e *ICMPError) []string {
	var out []string
	what := ""
	switch e.Kind {
	case "frag_needed":
		what = fmt.Sprintf("a router could not forward a datagram of this connection: it is larger than the next hop's MTU of %d bytes and has DF (don't fragment) set. Path MTU discovery (RFC 1191) makes the sender shrink its segments to fit", e.MTU)
	case "packet_too_big":
		what = fmt.Sprintf("a router could not forward a packet of this connection: it is larger than the next link's MTU of %d bytes, and IPv6 routers never fragment. Path MTU discovery (RFC 8201) makes the sender shrink its segments to fit", e.MTU)
	case "port_unreachable":
		what = "the destination host has no process listening on the quoted port (for TCP a host normally answers with RST instead)"
	case "dest_unreachable":
		what = "the destination could not be reached (no route, host down, or administratively prohibited)"
	case "time_exceeded":
		what = "the datagram's TTL (hop limit) ran out on the way: a routing loop, or a traceroute"
	default:
		what = "a router or host reports a problem with a datagram of this connection"
	}
	out = append(out, fmt.Sprintf("Frame %d is an ICMP error, type %d code %d (%s), from %s to %s: %s.",
		e.Frame, e.Type, e.Code, strings.ReplaceAll(e.Kind, "_", " "), e.Src.Addr, e.Dst.Addr, what))
	q := fmt.Sprintf("It quotes the IP header and the first bytes of the TCP header it is about: the segment from %s to %s with SEQ %d", e.QuotedSrc, e.QuotedDst, e.QuotedSeq)
	if e.Stream >= 0 && e.Stream < len(tl.Conversations) {
		c := tl.Conversations[e.Stream]
		d := C2S
		if e.QuotedSrc == c.Server {
			d = S2C
		}
		snd, _ := exSide(d)
		q += fmt.Sprintf(" (relative %d), sent by the %s", e.QuotedSeq-c.Base[d], snd)
	}
	out = append(out, q+". That is how the sender tells which connection the error is for.")
	return out
}
