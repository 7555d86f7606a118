package model

// Machine infers both sides' RFC 793 connection states over one
// conversation, as a passive observer of its segments can. There is one per
// conversation; Step it with every segment in capture order.
//
// An observer sees segments, not the two hosts, so it only knows when a side
// sent something and, from the acknowledgement number a side sends, which of
// its peer's segments that side had received. The rules follow from that.
//
// Roles. The client is the sender of the conversation's first segment (C2S);
// the builder makes that the sender of a pure SYN when there is one.
//
// Initial states. A first segment that is a pure SYN (SYN without ACK) comes
// from a CLOSED side doing an active open; its peer is assumed to be LISTEN,
// provisionally, until it answers: a SYN,ACK confirms LISTEN, a RST shows it
// was CLOSED (a refused connection) and a pure SYN shows it was CLOSED too
// (a simultaneous open is two active opens). Initial reports what is known
// so far. A first segment that is a SYN,ACK means the capture missed the SYN:
// its sender is SYN_RECEIVED and the other side SYN_SENT. Any other first
// segment means the capture began mid-connection: both sides are assumed
// ESTABLISHED. Both of these are reported as assumed.
//
// Each segment, sent by side A to side B, is applied in three steps.
//
//  1. What A shows it had received. If A's ACK number covers (in serial
//     number arithmetic, RFC 1982, so that sequence numbers may wrap past
//     2^32) a SYN or FIN of B that A had not yet shown it received, A
//     processed that segment before sending this one: LISTEN → SYN_RECEIVED,
//     SYN_SENT → ESTABLISHED (a SYN,ACK that acknowledged A's SYN) or
//     SYN_RECEIVED (a bare SYN: simultaneous open), ESTABLISHED → CLOSE_WAIT,
//     FIN_WAIT_1 → CLOSING, or → TIME_WAIT when the FIN came with an ACK of
//     A's own FIN, FIN_WAIT_2 → TIME_WAIT. The ACK that such a segment of B
//     carried is processed with it, before its FIN, as RFC 793 orders it.
//  2. What A sends. A SYN takes a CLOSED side to SYN_SENT; a SYN,ACK takes
//     LISTEN or SYN_SENT to SYN_RECEIVED; the first FIN (with ACK) takes ESTABLISHED or
//     SYN_RECEIVED to FIN_WAIT_1 and CLOSE_WAIT to LAST_ACK; a RST takes A to
//     CLOSED (ABORT), and B with it unless B is LISTEN (which ignores resets)
//     or SYN_SENT and the RST does not acknowledge B's SYN (RFC 793 3.4).
//  3. What B receives that needs no answer. An ACK covering B's SYN moves
//     SYN_RECEIVED → ESTABLISHED; one covering B's FIN moves FIN_WAIT_1 →
//     FIN_WAIT_2, CLOSING → TIME_WAIT and LAST_ACK → CLOSED. These apply at
//     once: nothing later in the capture could show when B got them.
//
// A SYN or FIN is not applied to its receiver at the row where it is sent,
// because the observer cannot tell whether it has arrived: it is applied
// when the receiver next sends a segment whose ACK number covers it (step
// 1). This is what tells a simultaneous close, where each side sent its FIN
// before receiving the other's (each FIN's ACK number does not cover the
// other FIN, so both go FIN_WAIT_1 → CLOSING → TIME_WAIT), from a normal
// close, where the second FIN acknowledges the first (ESTABLISHED →
// CLOSE_WAIT → LAST_ACK). If the receiver's next segment does not cover it,
// the receiver had not received it yet, and it stays pending. Segments
// arrive in the order they were sent, so whatever A sends after a pending
// SYN or FIN waits behind it: the ACKs it carries reach B only once B has
// shown it received the SYN or FIN, and are applied after B's own send at
// that row (step 3). That keeps a side that acknowledges its peer's FIN
// from being shown in FIN_WAIT_2 before it is shown in CLOSING.
//
// Segments no TCP sends in that state change nothing. A FIN without ACK
// is not a close: every state that could take a FIN drops a segment without
// ACK (RFC 793 3.9), and every state that can send a FIN sends it with an
// ACK, so such a FIN comes from a scanner or a broken capture. A RST that
// answers a SYN but does not acknowledge it is not a refusal (a real one
// acknowledges the SYN, RFC 793 3.4): the SYN's sender ignores it, and so
// does the observer's guess of the answering side's state.
//
// Resets. A reset closes the connection rather than returning a passive
// SYN_RECEIVED side to LISTEN as RFC 793's text has it: the capture of one
// conversation shows the connection end, and modern stacks keep the
// listener apart from the embryonic connection, which they delete. If the
// same pair starts again, the next pure SYN restarts the handshake (below).
//
// Retransmissions and duplicates never move a state backwards: every rule
// above moves forwards from named states only, and a SYN or FIN its
// receiver has already processed (or is holding) is treated as a plain ACK.
//
// Restarts. A pure SYN from a side that is CLOSED or TIME_WAIT (after a
// reset, a refusal, or a close when the same pair is reused) starts the
// handshake again: a TIME_WAIT side first leaves it ("timeout=2MSL", the
// only way the observer sees that move), and the peer, if CLOSED or
// TIME_WAIT, is provisionally LISTEN again ("passive OPEN") if it had
// accepted a connection before and CLOSED if it had refused. When its answer
// shows otherwise, Revisions tells the caller which rows to correct.
type Machine struct {
	sides [2]smSide
	revs  []Revision
	rows  uint32 // Step calls so far (a conversation has fewer than 2^32 frames)
	// moves are the last Step's moves of each side, as allEdges indices.
	moves   [2][smMaxMoves]uint8
	nmoves  [2]uint8
	init    [2]State
	started bool
	assumed bool
}

// smMaxMoves bounds the moves one side makes at one segment; the longest
// chain the rules allow is four (LISTEN → SYN_RECEIVED → ESTABLISHED →
// CLOSE_WAIT → LAST_ACK for a SYN,FIN answered by a SYN,FIN).
const smMaxMoves = 6

// smSide is what the machine knows of one end of the connection.
//
// Its fields are ordered widest first so that padding does not make every
// conversation's machine larger than it needs to be.
type smSide struct {
	// prov says st is a guess (LISTEN or CLOSED) that the side's first
	// answer since row provFrom will confirm or revise.
	provFrom uint32

	// q holds the peer's segments with a SYN or FIN that this side has not
	// yet shown it received, oldest first.
	q [2]smPending

	// What this side sent, and whether its peer acknowledged it.
	synSeq uint32
	synNxt uint32 // sequence number just past the SYN and its data
	finEnd uint32 // sequence number just past the FIN

	st   State
	prov bool
	nq   uint8
	// accepted and refused remember how the side answered a SYN before, to
	// guess its state when the pair restarts.
	accepted, refused bool
	synSent, synAcked bool
	finSent, finAcked bool
	// Whether this side has shown it received its peer's SYN and FIN.
	peerSyn, peerFin bool
}

// smPending is a peer segment carrying SYN or FIN, waiting for evidence that
// its receiver got it.
type smPending struct {
	seq    uint32
	finEnd uint32
	ack    uint32
	// trail is the furthest ACK number of the peer's later segments, which
	// arrive only after this one.
	trail            uint32
	syn, fin         bool
	hasAck, hasTrail bool
}

// Revision corrects states that Step has already returned for one side: rows
// From up to (not including) To, counted from 0 in Step calls, showed the
// side as LISTEN (or CLOSED) before its answer showed it was State. The
// revision of the conversation's first rows is also reflected by Initial.
type Revision struct {
	Client   bool
	From, To int
	State    State
}

// NewMachine returns the machine for a conversation before its first
// segment.
func NewMachine() *Machine {
	m := newMachine()
	return &m
}

func newMachine() Machine { return Machine{init: [2]State{Closed, Listen}} }

// ackCovers reports whether acknowledgement number ack acknowledges every
// sequence number before end, in serial number arithmetic (RFC 1982) so that
// it holds across the wrap at 2^32.
func ackCovers(ack, end uint32) bool { return int32(ack-end) >= 0 }

// seqLater returns the later of two sequence numbers, serially.
func seqLater(a, b uint32) uint32 {
	if int32(b-a) > 0 {
		return b
	}
	return a
}

// Initial returns both sides' states before the first segment as now known,
// and whether they were assumed because the capture began mid-connection (or
// at a SYN,ACK). Before any segment it returns CLOSED and LISTEN. The
// server's LISTEN becomes CLOSED once its first answer is a RST (or a SYN:
// simultaneous open).
func (m *Machine) Initial() (client, server State, assumed bool) {
	return m.init[0], m.init[1], m.assumed
}

// Revisions lists the corrections to rows already returned by Step, oldest
// first (see Revision). The first rows' correction to CLOSED of a server
// that refuses is one; so is any restart whose guess the answer overturned.
func (m *Machine) Revisions() []Revision {
	return append([]Revision(nil), m.revs...)
}

// Settled returns how many of the rows returned by Step no revision can
// change any more: all of them, unless a side's state is still a guess that
// its first answer will confirm or revise (see Revision), in which case the
// rows before the guess.
func (m *Machine) Settled() int {
	n := m.rows
	for d := range m.sides {
		if s := &m.sides[d]; s.prov && s.provFrom < n {
			n = s.provFrom
		}
	}
	return int(n)
}

// Moves returns the moves each side made at the last Step, exactly as the
// machine made them (Transitions can only reconstruct them from two states).
func (m *Machine) Moves() (client, server []Transition) {
	out := [2][]Transition{}
	for d := range 2 {
		for _, i := range m.moves[d][:m.nmoves[d]] {
			out[d] = append(out[d], allEdges[i])
		}
	}
	return out[0], out[1]
}

// Step observes one segment of the conversation, in capture order: its
// direction, flags, sequence and acknowledgement numbers and payload length.
// It returns both sides' states after it.
func (m *Machine) Step(dir Dir, flags Flags, seq, ack, length uint32) (client, server State) {
	d := int(dir & 1)
	a := &m.sides[d]
	row := int(m.rows)
	m.rows++
	m.nmoves = [2]uint8{}
	syn, rst, hasAck := flags&SYN != 0, flags&RST != 0, flags&ACK != 0
	pureSyn := syn && !hasAck && !rst

	if !m.started {
		m.start(d, flags, ack)
	} else if pureSyn && (a.st == Closed || a.st == TimeWait) {
		m.restart(d, row)
	}

	if rst {
		m.reset(d, row, hasAck, ack)
		return m.sides[0].st, m.sides[1].st
	}
	if a.prov {
		m.answer(d, row, syn, hasAck)
	}
	var trail uint32
	var hasTrail bool
	if hasAck {
		trail, hasTrail = m.receive(d, ack)
	}
	m.send(d, flags, seq, length)
	if hasTrail {
		m.acked(d, trail)
	}
	m.deliver(1-d, flags, seq, ack, length)
	return m.sides[0].st, m.sides[1].st
}

// move records side d's move to state to and makes it.
func (m *Machine) move(d int, to State, kind int) {
	s := &m.sides[d]
	i := edgeIndex[s.st][to][kind]
	if i != noEdge && m.nmoves[d] < smMaxMoves {
		m.moves[d][m.nmoves[d]] = i
		m.nmoves[d]++
	}
	s.st = to
}

// start sets the states before the first segment, sent by side d.
func (m *Machine) start(d int, flags Flags, ack uint32) {
	m.started = true
	a, b := &m.sides[d], &m.sides[1-d]
	switch {
	case flags&(SYN|ACK|RST) == SYN:
		a.st = Closed
		b.st, b.prov, b.provFrom = Listen, true, 0
	case flags&(SYN|ACK|RST) == SYN|ACK:
		// The capture missed the SYN this answers.
		m.assumed = true
		a.st, a.peerSyn = SynReceived, true
		b.st, b.synSent, b.synSeq, b.synNxt = SynSent, true, ack-1, ack
	default:
		m.assumed = true
		for _, s := range []*smSide{a, b} {
			s.st = Established
			s.synSent, s.synAcked, s.peerSyn = true, true, true
		}
	}
	m.init[d], m.init[1-d] = a.st, b.st
}

// restart begins a new handshake of the same pair at a pure SYN from side d,
// which is CLOSED or TIME_WAIT.
func (m *Machine) restart(d, row int) {
	a, b := &m.sides[d], &m.sides[1-d]
	if a.st == TimeWait {
		m.move(d, Closed, kindNormal)
	}
	*a = smSide{st: a.st, accepted: a.accepted, refused: a.refused}
	switch b.st {
	case TimeWait, Closed:
		if b.st == TimeWait {
			m.move(1-d, Closed, kindNormal)
		}
		if !b.refused || b.accepted {
			m.move(1-d, Listen, kindNormal)
		}
		*b = smSide{st: b.st, prov: true, provFrom: uint32(row), accepted: b.accepted, refused: b.refused}
	case Listen:
		*b = smSide{st: Listen, prov: b.prov, provFrom: b.provFrom, accepted: b.accepted, refused: b.refused}
	default:
		// A half-open peer: it forgets the old connection's SYN and FIN so
		// that it can receive the new SYN.
		b.peerSyn, b.peerFin, b.nq = false, false, 0
	}
}

// answer settles a provisional side d by its first answer, a segment
// without RST: a pure SYN shows it was CLOSED (an active open), a SYN,ACK
// that it was LISTEN. Anything else leaves the guess as it was.
func (m *Machine) answer(d, row int, syn, hasAck bool) {
	switch {
	case syn && !hasAck:
		m.revise(d, row, Closed)
	case syn:
		m.sides[d].accepted = true
		m.revise(d, row, Listen)
	default:
		m.sides[d].prov = false
	}
}

// revise ends side d's provisional state: rows [provFrom, row) should have
// shown it as st.
func (m *Machine) revise(d, row int, st State) {
	s := &m.sides[d]
	s.prov = false
	if s.st == st {
		return
	}
	if from := int(s.provFrom); from < row {
		m.revs = append(m.revs, Revision{Client: d == 0, From: from, To: row, State: st})
	}
	if s.provFrom == 0 {
		m.init[d] = st
	}
	s.st = st
}

// reset applies a segment with RST from side d.
func (m *Machine) reset(d, row int, hasAck bool, ack uint32) {
	a, b := &m.sides[d], &m.sides[1-d]
	switch {
	case a.prov:
		// A refusal acknowledges the SYN it refuses (RFC 793 3.4: the
		// RST's ACK is the SYN's SEQ plus its length). Any other RST
		// (forged, or answering something else) is not the side's answer,
		// and the SYN's sender ignores it too.
		if !hasAck || !b.synSent || !b.acksSyn(ack) {
			return
		}
		a.refused = true
		m.revise(d, row, Closed)
	case a.st != Closed && a.st != Listen:
		m.move(d, Closed, kindSndRST)
	}
	a.nq = 0
	accept := false
	switch b.st {
	case Closed, Listen:
	case SynSent:
		// RFC 793 3.9: in SYN_SENT a RST counts only if it acknowledges
		// the SYN.
		accept = hasAck && b.synSent && b.acksSyn(ack)
	default:
		accept = true
	}
	if accept {
		m.move(1-d, Closed, kindRcvRST)
		b.nq = 0
	}
}

// receive applies what side d shows it had received by sending ACK number
// ack (step 1), and returns the furthest ACK of the peer's segments that
// queued behind what it received, to apply after d's own send.
func (m *Machine) receive(d int, ack uint32) (trail uint32, ok bool) {
	s := &m.sides[d]
	for s.nq > 0 {
		p := &s.q[0]
		if p.syn {
			if !ackCovers(ack, p.seq+1) {
				break
			}
			p.syn = false
			m.gotSyn(d, p)
		}
		if p.fin {
			if !ackCovers(ack, p.finEnd) {
				break
			}
			p.fin = false
			m.gotFin(d, p)
		}
		if p.hasTrail {
			if !ok {
				trail = p.trail
			}
			trail, ok = seqLater(trail, p.trail), true
		}
		s.q[0] = s.q[1]
		s.q[1] = smPending{}
		s.nq--
	}
	return trail, ok
}

// gotSyn applies side d's receipt of its peer's SYN p.
func (m *Machine) gotSyn(d int, p *smPending) {
	s := &m.sides[d]
	s.peerSyn = true
	switch s.st {
	case Listen:
		m.move(d, SynReceived, kindNormal)
	case SynSent:
		if p.hasAck && s.synSent && s.acksSyn(p.ack) {
			s.synAcked = true
			m.move(d, Established, kindNormal)
		} else {
			m.move(d, SynReceived, kindNormal)
		}
		return
	}
	if p.hasAck {
		m.acked(d, p.ack)
	}
}

// gotFin applies side d's receipt of its peer's FIN p, and of the ACK it
// carried, which RFC 793 processes first.
func (m *Machine) gotFin(d int, p *smPending) {
	s := &m.sides[d]
	s.peerFin = true
	if p.hasAck && s.st == FinWait1 && s.finSent && ackCovers(p.ack, s.finEnd) {
		s.finAcked = true
		m.move(d, TimeWait, kindNormal)
		return
	}
	if p.hasAck {
		m.acked(d, p.ack)
	}
	switch s.st {
	case SynReceived:
		// A FIN is accepted only with an ACK of our SYN (RFC 793 3.9): the
		// side acknowledged the FIN, so it had that ACK.
		s.synAcked = true
		m.move(d, Established, kindNormal)
		m.move(d, CloseWait, kindNormal)
	case Established:
		m.move(d, CloseWait, kindNormal)
	case FinWait1:
		m.move(d, Closing, kindNormal)
	case FinWait2:
		m.move(d, TimeWait, kindNormal)
	}
}

// acksSyn reports whether ack is acceptable to a side in SYN_SENT: it
// acknowledges the SYN and nothing the side has not sent (RFC 793 3.9:
// ISS < SEG.ACK =< SND.NXT).
func (s *smSide) acksSyn(ack uint32) bool {
	return ackCovers(ack, s.synSeq+1) && ackCovers(s.synNxt, ack)
}

// acked applies side d's receipt of ACK number ack (step 3).
func (m *Machine) acked(d int, ack uint32) {
	s := &m.sides[d]
	// In SYN_SENT an ACK without the peer's SYN changes nothing (RFC 793
	// 3.9); the SYN,ACK case is gotSyn's.
	if s.synSent && !s.synAcked && s.st != SynSent && ackCovers(ack, s.synSeq+1) {
		s.synAcked = true
		if s.st == SynReceived {
			m.move(d, Established, kindNormal)
		}
	}
	if s.finSent && !s.finAcked && ackCovers(ack, s.finEnd) {
		s.finAcked = true
		switch s.st {
		case FinWait1:
			m.move(d, FinWait2, kindNormal)
		case Closing:
			m.move(d, TimeWait, kindNormal)
		case LastAck:
			m.move(d, Closed, kindNormal)
		}
	}
}

// send applies side d's own SYN and FIN (step 2).
func (m *Machine) send(d int, flags Flags, seq, length uint32) {
	s := &m.sides[d]
	if flags&SYN != 0 {
		if flags&ACK == 0 {
			if s.st == Closed || s.st == Listen {
				m.move(d, SynSent, kindNormal)
			}
		} else if s.st == Listen || s.st == SynSent {
			m.move(d, SynReceived, kindNormal)
		}
		if !s.synSent && (s.st == SynSent || s.st == SynReceived) {
			s.synSent, s.synSeq, s.synNxt = true, seq, seq+1+length
		}
	}
	if flags&(FIN|ACK) == FIN|ACK {
		end := seq + length + 1
		if flags&SYN != 0 {
			end++
		}
		switch s.st {
		case Established, SynReceived:
			s.finSent, s.finEnd = true, end
			m.move(d, FinWait1, kindNormal)
		case CloseWait:
			s.finSent, s.finEnd = true, end
			m.move(d, LastAck, kindNormal)
		}
	}
}

// deliver hands a segment without RST to its receiver, side d: a SYN or FIN
// it has not had waits for evidence (see Machine); an ACK applies at once,
// unless it queues behind such a segment.
func (m *Machine) deliver(d int, flags Flags, seq, ack, length uint32) {
	s := &m.sides[d]
	if s.st == Closed {
		return
	}
	hasAck := flags&ACK != 0
	var qSyn, qFin bool
	for _, p := range s.q[:s.nq] {
		qSyn = qSyn || p.syn
		qFin = qFin || p.fin
	}
	newSyn := flags&SYN != 0 && !s.peerSyn && !qSyn
	newFin := flags&(FIN|ACK) == FIN|ACK && !s.peerFin && !qFin
	if (newSyn || newFin) && int(s.nq) < len(s.q) {
		end := seq + length + 1
		if flags&SYN != 0 {
			end++
		}
		s.q[s.nq] = smPending{syn: newSyn, fin: newFin, seq: seq, finEnd: end, hasAck: hasAck, ack: ack}
		s.nq++
		return
	}
	if !hasAck {
		return
	}
	if s.nq > 0 {
		p := &s.q[s.nq-1]
		if !p.hasTrail {
			p.trail = ack
		}
		p.trail, p.hasTrail = seqLater(p.trail, ack), true
		return
	}
	m.acked(d, ack)
}
