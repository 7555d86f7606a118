package model

import "slices"

// machine infers both sides' RFC 9293 connection states over one
// conversation, as a passive observer of its segments can. There is one per
// conversation; Step it with every segment in capture order.
//
// RFC 9293 §3.5: "TCP connection states represent the state AFTER the
// departure or arrival of the segment". A capture point sees a segment at
// about the moment it departs and arrives, so a segment takes effect at its
// sender and at its receiver on the row where the capture shows it. The one
// exception is what the receiver's own segments prove: it had not received
// the segment yet.
//
// Roles. The client is the sender of the conversation's first segment (C2S);
// the builder makes that the sender of a pure SYN when there is one.
//
// Arrivals. Four things that reach a side change its state: the peer's SYN,
// the ACK of its own SYN, the peer's FIN and the ACK of its own FIN. Each is
// seen (sighted) on the rows of the segments that carry it: the first one
// and every retransmission. It arrives at the first sighting, unless a later
// segment of its receiver is contrary evidence:
//   - a segment whose ACK number does not cover the peer's SYN or FIN (every
//     TCP sends its current RCV.NXT in every segment with ACK) or that has no
//     ACK at all (a SYN sent again), for the peer's SYN or FIN;
//   - its own SYN (or SYN,ACK) sent again, for the ACK of its SYN;
//   - its own FIN sent again, for the ACK of its FIN.
//
// Then the arrival is placed at the first sighting after the last contrary
// evidence, or, when there is none, right after that evidence (on its row,
// after the evidence itself). This is what tells a simultaneous open or close
// (RFC 9293 Figures 7 and 13: each side's SYN or FIN is sent before the
// other's arrives) from a normal one, and a FIN lost after the capture point
// (its receiver keeps acknowledging below it; the retransmission is the one
// that arrives) from one that arrived. An arrival is confirmed, and never
// moves again, once its receiver shows it (an ACK that covers the SYN or FIN,
// a segment other than a SYN after the ACK of its SYN), or once the receiver
// has sent smConfirmAfter segments since without contrary evidence.
//
// Later evidence revises earlier rows: the machine keeps the rows that may
// still change since a snapshot, replays them when a placement moves, and
// lists the changed rows as Revisions. Loading a file decides with the whole
// capture; a live capture shows the answer so far.
//
// Each row, sent by side A to side B, is applied in order: A's sending (a
// SYN takes CLOSED to SYN_SENT, a SYN,ACK takes LISTEN to SYN_RECEIVED, a
// FIN with ACK takes ESTABLISHED or SYN_RECEIVED to FIN_WAIT_1 and
// CLOSE_WAIT to LAST_ACK), then the arrivals placed at A after this row,
// then what arrives at B on this row, in RFC 9293's order of processing: the
// SYN, the ACK, then the FIN.
//
// Initial states. A first segment that is a pure SYN (SYN without ACK) comes
// from a CLOSED side doing an active open; its peer's state is read from its
// first answer: a SYN,ACK shows it was LISTEN, a RST that acknowledges the
// SYN or a SYN of its own that it was CLOSED (a refusal; a simultaneous
// open), a plain ACK that it was a half-open ESTABLISHED side (Figure 9).
// Until it answers, it is LISTEN, provisionally. A first segment that is a
// SYN,ACK means the capture missed the SYN: its sender is SYN_RECEIVED and
// the other side SYN_SENT. Any other first segment means the capture began
// mid-connection: both sides are assumed ESTABLISHED, except that a side
// whose first segment is a RST without ACK was CLOSED (Figure 10: no
// synchronized TCP sends one).
//
// Resets, as RFC 9293 §3.5.2 and §3.10.7 have them. A RST sent from an
// unsynchronized state answers an unacceptable segment and leaves its sender
// where it was (Figures 8 and 9), except that a SYN_SENT side that resets a
// SYN,ACK acknowledging its SYN had no such connection: it was CLOSED (a
// port scanner's half-open probe; Figure 11's passive side). Such a RST also
// shows that the SYN,ACK's arrivals had no effect. A synchronized sender
// goes to CLOSED: an abort from the states whose ABORT sends a reset, and
// from CLOSING, LAST_ACK and TIME_WAIT, whose ABORT sends none, the answer
// of a TCP that no longer had the connection (sndRST). The receiver of a RST: a SYN_RECEIVED side that came
// from LISTEN returns to LISTEN, any other SYN_RECEIVED and every
// synchronized side goes to CLOSED, SYN_SENT only when the RST acknowledges
// its SYN, and LISTEN and CLOSED ignore it.
//
// Restarts. A pure SYN from a side that is CLOSED or TIME_WAIT starts the
// handshake again: a TIME_WAIT side first leaves it ("timeout=2MSL", the
// only way the observer sees that move), and the peer, if CLOSED or
// TIME_WAIT, is read from its answer as at the start; with no answer yet it
// is LISTEN again if it had accepted a connection before, CLOSED if it had
// refused one, provisionally.
//
// Segments no TCP sends in that state change nothing: a FIN without ACK (a
// scanner's), a SYN,ACK to a LISTEN side.
type machine struct {
	log   []smRow // the rows since baseRow
	shown []uint8 // the states returned for them, packed as in Segment
	facts []smFact
	done  []Placement // placements of facts trimmed away
	snaps []smSnap    // the engine every smSnapEvery rows since baseRow
	revs  []Revision
	base  smEngine // the engine before row baseRow
	cur   smEngine // the engine after the last row

	baseRow uint32
	rows    uint32 // Step calls so far (a conversation has fewer than 2^32 frames)

	// What observe has seen of each side's SYN and FIN.
	isn    [2]uint32
	finEnd [2]uint32
	hasISN [2]bool
	hasFin [2]bool

	init    [2]State
	assumed bool
}

// smRow is one segment as the machine keeps it.
type smRow struct {
	seq, ack, length uint32
	flags            Flags
	dir              uint8
}

// Arrival names what reaches a side and changes its state.
type Arrival uint8

// The arrivals, in the order RFC 9293 processes them within one segment.
const (
	ArrivalSYN    Arrival = iota // the peer's SYN
	ArrivalAckSYN                // the ACK of the side's own SYN
	ArrivalAckFIN                // the ACK of the side's own FIN
	ArrivalFIN                   // the peer's FIN
	numArrivals
)

var arrivalNames = [numArrivals]string{"SYN", "ACK of SYN", "ACK of FIN", "FIN"}

func (a Arrival) String() string {
	if a < numArrivals {
		return arrivalNames[a]
	}
	return "?"
}

// smFact is one arrival at one side and where the evidence places it. Rows
// are Step indices; -1 is none.
type smFact struct {
	first    int32 // the first sighting
	evidence int32 // the last contrary evidence
	after    int32 // the first sighting after it
	// quiet counts the receiver's segments since the placement without
	// contrary evidence.
	quiet    uint16
	rcv      uint8 // the receiving side, as a Dir
	what     Arrival
	live     bool // the current incarnation's fact (else frozen)
	final    bool // confirmed: it never moves again
	rejected bool // answered by a RST: it had no effect
	lost     bool // the sighting at evidence never arrived (an ICMP error quoted it)
	fromAck  bool // sighted on a SYN,ACK (for ArrivalSYN)
}

// smConfirmAfter is how many segments a receiver sends after an arrival's
// placement, none of them contrary evidence, before the placement is taken
// as confirmed. It bounds the rows kept for replay in a long conversation
// whose last arrival no segment can confirm (the ACK of a FIN).
const smConfirmAfter = 16

// place returns the row the fact takes effect on, and whether it does after
// that row's own segment (placed right after evidence), or ok false when it
// takes no effect.
func (f *smFact) place() (row int32, afterRow, ok bool) {
	switch {
	case f.first < 0 || f.rejected:
		return -1, false, false
	case f.evidence < 0:
		return f.first, false, true
	case f.after >= 0:
		return f.after, false, true
	case f.lost:
		return -1, false, false
	}
	return f.evidence, true, true
}

// Placement says where the rule placed one arrival whose receiver's own
// segments showed it had not received it at its first sighting. Rows are
// counted from 0 in Step calls, as the conversation's rows are.
type Placement struct {
	Client bool // the receiver is the client
	What   Arrival
	// Sighted is the row of the arrival's first sighting; Evidence the row
	// of the receiver's last segment that showed it had not arrived.
	Sighted, Evidence int
	// Arrived is the row it takes effect on: a later sighting, or Evidence
	// itself (AfterEvidence) when none came after the evidence.
	Arrived       int
	AfterEvidence bool
	// Lost says an ICMP error showed that the segment on row Evidence never
	// reached the receiver; Arrived is -1 unless a later sighting arrived.
	Lost bool
	// Rejected says a RST (on row Evidence) answered it instead: it had no
	// effect, and Arrived is -1.
	Rejected bool
}

// Revision corrects states that Step has already returned for one side:
// rows From up to (not including) To, counted from 0 in Step calls, should
// show the side as State. The revision of the conversation's first rows is
// also reflected by Initial.
type Revision struct {
	Client   bool
	From, To int
	State    State
}

// smEngine is the state of both sides that the rows build up.
type smEngine struct {
	sides [2]smSide
	// moves are the last row's moves of each side, as allEdges indices.
	moves  [2][smMaxMoves]uint8
	nmoves [2]uint8
}

// smMaxMoves bounds the moves one side makes at one row; the longest chain
// the rules allow is four (LISTEN → SYN_RECEIVED → ESTABLISHED → CLOSE_WAIT
// → LAST_ACK for a SYN,FIN answered by a SYN,FIN).
const smMaxMoves = 6

// smSide is what the engine knows of one end of the connection.
type smSide struct {
	provFrom  uint32 // the row from which st is a guess (prov)
	synSeq    uint32
	synNxt    uint32 // sequence number just past the SYN and its data
	finEnd    uint32 // sequence number just past the FIN
	synAckAck uint32 // the ACK of the last SYN,ACK that reached the side

	st         State
	prov       bool // st is a guess that the side's first answer settles
	provAny    bool // any segment answers (else a RST without ACK does not)
	synSent    bool
	finSent    bool
	fromListen bool // in SYN_RECEIVED by a passive open
	sawSynAck  bool
	// accepted and refused remember how the side answered a SYN before, to
	// guess its state when the pair restarts.
	accepted, refused bool
}

// newMachine returns the machine for a conversation before its first
// segment.
func newMachine() machine { return machine{init: [2]State{Closed, Listen}} }

// ackCovers reports whether acknowledgement number ack acknowledges every
// sequence number before end, in serial number arithmetic (RFC 1982) so that
// it holds across the wrap at 2^32.
func ackCovers(ack, end uint32) bool { return int32(ack-end) >= 0 }

// Initial returns both sides' states before the first segment as now known,
// and whether they were assumed because the capture began mid-connection (or
// at a SYN,ACK). Before any segment it returns CLOSED and LISTEN.
func (m *machine) Initial() (client, server State, assumed bool) {
	return m.init[0], m.init[1], m.assumed
}

// Revisions lists the corrections to rows already returned by Step, oldest
// first (see Revision); the builder drains the list as it applies them.
func (m *machine) Revisions() []Revision {
	return append([]Revision(nil), m.revs...)
}

// Settled returns how many of the rows returned by Step no revision can
// change any more.
func (m *machine) Settled() int {
	if len(m.log) == 0 {
		return int(m.rows)
	}
	return int(m.baseRow)
}

// Placements lists the arrivals that evidence placed later than their first
// sighting, or that a RST rejected, in the order they were first sighted.
func (m *machine) Placements() []Placement {
	out := append([]Placement(nil), m.done...)
	for i := range m.facts {
		if p, ok := m.facts[i].placement(); ok {
			out = append(out, p)
		}
	}
	slices.SortStableFunc(out, func(a, b Placement) int { return a.Sighted - b.Sighted })
	return out
}

// placement describes the fact for Placements, if evidence placed it.
func (f *smFact) placement() (Placement, bool) {
	if f.evidence < 0 && !f.rejected {
		return Placement{}, false
	}
	row, afterRow, _ := f.place()
	return Placement{
		Client: f.rcv == 0, What: f.what,
		Sighted: int(f.first), Evidence: int(f.evidence),
		Arrived: int(row), AfterEvidence: afterRow, Rejected: f.rejected, Lost: f.lost,
	}, true
}

// Undelivered tells the machine that the last segment of direction dir with
// sequence number seq never reached its receiver: an ICMP error quoting it
// came back (time exceeded, unreachable, too big). What it carried arrives
// only with a later sighting. Rows it revises are listed by Revisions.
func (m *machine) Undelivered(dir Dir, seq uint32) {
	i := len(m.log) - 1
	for ; i >= 0; i-- {
		if r := &m.log[i]; r.dir == uint8(dir&1) && r.seq == seq && r.flags&RST == 0 {
			break
		}
	}
	if i < 0 {
		return
	}
	row := int32(m.baseRow) + int32(i)
	changed := false
	for j := range m.facts {
		f := &m.facts[j]
		if !f.live || f.final || f.rejected || int(f.rcv) == int(dir&1) {
			continue
		}
		switch {
		case f.after == row, f.evidence < 0 && f.first == row:
			f.evidence, f.after, f.lost = row, -1, true
			changed = true
		}
	}
	if changed {
		m.replay(row, false)
		m.trim()
	}
}

// Moves returns the moves each side made at the last Step, exactly as the
// machine made them (Transitions can only reconstruct them from two states).
func (m *machine) Moves() (client, server []Transition) {
	out := [2][]Transition{}
	e := &m.cur
	for d := range 2 {
		for _, i := range e.moves[d][:e.nmoves[d]] {
			out[d] = append(out[d], allEdges[i])
		}
	}
	return out[0], out[1]
}

// Step observes one segment of the conversation, in capture order: its
// direction, flags, sequence and acknowledgement numbers and payload length.
// It returns both sides' states after it.
func (m *machine) Step(dir Dir, flags Flags, seq, ack, length uint32) (client, server State) {
	r := smRow{seq: seq, ack: ack, length: length, flags: flags, dir: uint8(dir & 1)}
	row := int32(m.rows)
	m.rows++
	m.log = append(m.log, r)
	from := m.observe(row, r)
	if s := &m.cur.sides[r.dir]; s.prov && row > 0 && (s.provAny || r.flags&(RST|ACK) != RST) {
		// The side's first answer: the guess is read again from it.
		from = minRow(from, int32(s.provFrom))
	}
	if from >= 0 && from < row {
		m.replay(from, true)
	} else {
		st := m.apply(&m.cur, row, r)
		m.shown = append(m.shown, st)
		m.snapshot(row+1, &m.cur)
	}
	st := m.shown[len(m.shown)-1]
	m.trim()
	return State(st & 0xF), State(st >> 4)
}

func minRow(a, b int32) int32 {
	if a < 0 || (b >= 0 && b < a) {
		return b
	}
	return a
}

// replay runs the engine again over the kept rows from the snapshot and
// turns every changed state of an earlier row into a revision.
//
// The last kept row is the one being stepped when fresh: its states are
// returned, not revised.
func (m *machine) replay(from int32, fresh bool) {
	// Start from the last snapshot at or before from, so that evidence
	// that moves an arrival by a few rows costs a few rows, not every row
	// kept since the arrival was first seen.
	e, start := m.base, int(m.baseRow)
	k := len(m.snaps)
	for k > 0 && m.snaps[k-1].row > from {
		k--
	}
	if k > 0 {
		e, start = m.snaps[k-1].e, int(m.snaps[k-1].row)
	}
	m.snaps = m.snaps[:k]
	last := len(m.log) - 1
	if !fresh {
		last = -1
	}
	var run [2]Revision
	var open [2]bool
	flush := func(d int) {
		if open[d] {
			m.revs = append(m.revs, run[d])
			open[d] = false
		}
	}
	for i := start - int(m.baseRow); i < len(m.log); i++ {
		row := int(m.baseRow) + i
		st := m.apply(&e, int32(row), m.log[i])
		m.snapshot(int32(row+1), &e)
		if i == last {
			m.shown = append(m.shown[:i], st)
			break
		}
		old := m.shown[i]
		m.shown[i] = st
		for d := range 2 {
			now, was := State(st>>(4*d)&0xF), State(old>>(4*d)&0xF)
			if now != was && open[d] && run[d].State == now && run[d].To == row {
				run[d].To = row + 1
				continue
			}
			flush(d)
			if now != was {
				run[d] = Revision{Client: d == 0, From: row, To: row + 1, State: now}
				open[d] = true
			}
		}
	}
	flush(0)
	flush(1)
	m.cur = e
}

// smSnapEvery is how many rows apart replay snapshots are taken.
const smSnapEvery = 64

// smSnap is the engine before row.
type smSnap struct {
	row int32
	e   smEngine
}

// snapshot keeps e as the engine before row when row is due for one.
func (m *machine) snapshot(row int32, e *smEngine) {
	if row%smSnapEvery == 0 && row > int32(m.baseRow) {
		m.snaps = append(m.snaps, smSnap{row: row, e: *e})
	}
}

// trim moves the snapshot forward past the rows that can no longer change:
// those before the first sighting of every arrival still unconfirmed and
// before every guess still open.
func (m *machine) trim() {
	keep := int32(m.rows)
	for i := range m.facts {
		if f := &m.facts[i]; !f.final && f.first >= 0 && !f.rejected {
			keep = min(keep, f.first)
		}
	}
	for d := range m.cur.sides {
		if s := &m.cur.sides[d]; s.prov {
			keep = min(keep, int32(s.provFrom))
		}
	}
	n := int(keep - int32(m.baseRow))
	if n <= 0 {
		return
	}
	if n < len(m.log) && n < len(m.log)/2 {
		return // not worth the copy yet
	}
	if n == len(m.log) {
		m.base = m.cur
	} else {
		for i, r := range m.log[:n] {
			m.apply(&m.base, int32(m.baseRow)+int32(i), r)
		}
	}
	j := 0
	for j < len(m.snaps) && m.snaps[j].row <= keep {
		j++
	}
	m.snaps = m.snaps[:copy(m.snaps, m.snaps[j:])]
	m.log = m.log[:copy(m.log, m.log[n:])]
	m.shown = m.shown[:copy(m.shown, m.shown[n:])]
	m.baseRow = uint32(keep)
	// Facts placed before the snapshot no longer matter to any replay.
	out := m.facts[:0]
	for _, f := range m.facts {
		if row, afterRow, ok := f.place(); f.live || (ok && (row >= keep || afterRow && row+1 >= keep)) {
			out = append(out, f)
		} else if p, ok := f.placement(); ok {
			m.done = append(m.done, p)
		}
	}
	m.facts = out
}

// fact returns side rcv's live fact of kind what, or nil.
func (m *machine) fact(rcv int, what Arrival) *smFact {
	for i := range m.facts {
		if f := &m.facts[i]; f.live && int(f.rcv) == rcv && f.what == what {
			return f
		}
	}
	return nil
}

// sight records a sighting at row of side rcv's arrival what, opening the
// fact at its first. It returns the fact.
func (m *machine) sight(rcv int, what Arrival, row int32) *smFact {
	f := m.fact(rcv, what)
	if f == nil {
		m.facts = append(m.facts, smFact{first: row, evidence: -1, after: -1, rcv: uint8(rcv), what: what, live: true})
		return &m.facts[len(m.facts)-1]
	}
	if f.evidence >= 0 && f.after < 0 && !f.final {
		f.after = row
	}
	return f
}

// freeze ends the live facts of side rcv's arrivals what: a new
// incarnation's SYN makes new ones.
func (m *machine) freeze(rcv int, whats ...Arrival) {
	for _, w := range whats {
		if f := m.fact(rcv, w); f != nil {
			f.live, f.final = false, true
		}
	}
}

// observe files row's segment as sightings and evidence, and returns the
// earliest row whose states may have changed because a placement moved, or
// -1 when only this row is affected.
func (m *machine) observe(row int32, r smRow) int32 {
	d, p := int(r.dir), int(1-r.dir)
	before := m.placements()
	syn, fin, hasAck, rst := r.flags&SYN != 0, r.flags&FIN != 0, r.flags&ACK != 0, r.flags&RST != 0

	if rst {
		// A RST without ACK that answers a SYN,ACK rejects it: neither its
		// SYN nor its ACK had any effect (see machine, Resets).
		if f := m.fact(d, ArrivalSYN); !hasAck && f != nil && f.fromAck && !f.final {
			f.rejected, f.final, f.evidence = true, true, row
			if g := m.fact(d, ArrivalAckSYN); g != nil && !g.final {
				g.rejected, g.final, g.evidence = true, true, row
			}
		}
		return m.moved(&before)
	}

	if syn {
		if m.hasISN[d] && r.seq != m.isn[d] {
			// A new ISN: a new incarnation of this side's SYN; a pure SYN
			// restarts the whole connection.
			m.freeze(p, ArrivalSYN)
			m.freeze(d, ArrivalAckSYN)
			if !hasAck {
				m.freeze(p, ArrivalFIN, ArrivalAckFIN)
				m.freeze(d, ArrivalFIN, ArrivalAckFIN)
				m.hasFin = [2]bool{}
			}
		}
		m.isn[d], m.hasISN[d] = r.seq, true
		if hasAck && row == 0 {
			// A capture that begins at a SYN,ACK: the SYN it answers.
			m.isn[p], m.hasISN[p] = r.ack-1, true
		}
	}
	if fin && hasAck && !m.hasFin[d] {
		end := r.seq + r.length + 1
		if syn {
			end++
		}
		m.finEnd[d], m.hasFin[d] = end, true
	}

	// Evidence: what this segment shows of the arrivals at its sender.
	for i := range m.facts {
		f := &m.facts[i]
		if !f.live || int(f.rcv) != d || f.final || f.rejected {
			continue
		}
		contrary, confirms := false, false
		switch f.what {
		case ArrivalSYN:
			contrary = !hasAck || !ackCovers(r.ack, m.isn[p]+1)
			confirms = !contrary
		case ArrivalAckSYN:
			contrary = syn
			confirms = !syn
		case ArrivalFIN:
			if hasAck {
				contrary = !ackCovers(r.ack, m.finEnd[p])
				confirms = !contrary
			}
		case ArrivalAckFIN:
			contrary = fin
		}
		switch {
		case contrary:
			f.evidence, f.after, f.quiet = row, -1, 0
		case confirms:
			f.final = true
		default:
			if f.quiet++; f.quiet >= smConfirmAfter {
				f.final = true
			}
		}
	}

	// Sightings: what this segment carries to its receiver.
	if syn && r.seq == m.isn[d] {
		f := m.sight(p, ArrivalSYN, row)
		if f.first == row {
			f.fromAck = hasAck
		}
	}
	if hasAck && m.hasISN[p] && ackCovers(r.ack, m.isn[p]+1) {
		m.sight(p, ArrivalAckSYN, row)
	}
	if fin && hasAck && m.hasFin[d] {
		m.sight(p, ArrivalFIN, row)
	}
	if hasAck && m.hasFin[p] && ackCovers(r.ack, m.finEnd[p]) {
		m.sight(p, ArrivalAckFIN, row)
	}
	return m.moved(&before)
}

// placements returns where each live fact is placed, by receiver and kind:
// -1 for no fact, -2 for one without effect.
func (m *machine) placements() (out [2 * numArrivals]int32) {
	for i := range out {
		out[i] = -1
	}
	for i := range m.facts {
		if f := &m.facts[i]; f.live {
			row, _, ok := f.place()
			if !ok {
				row = -2
			}
			out[int(f.rcv)*int(numArrivals)+int(f.what)] = row
		}
	}
	return out
}

// moved compares the live facts' placements with before and returns the
// earliest row that changed, or -1.
func (m *machine) moved(before *[2 * numArrivals]int32) int32 {
	after := m.placements()
	from := int32(-1)
	for i := range after {
		if before[i] == after[i] || before[i] < 0 {
			continue // unchanged, or new at this row
		}
		from = minRow(from, before[i])
		if after[i] >= 0 {
			from = minRow(from, after[i])
		}
	}
	return from
}

// apply runs one row through engine e and returns both states after it,
// packed.
func (m *machine) apply(e *smEngine, row int32, r smRow) uint8 {
	e.nmoves = [2]uint8{}
	d := int(r.dir)
	a := &e.sides[d]
	pureSyn := r.flags&(SYN|ACK|RST) == SYN
	if row == 0 {
		m.start(e, r)
	} else if pureSyn && (a.st == Closed || a.st == TimeWait) {
		m.restart(e, row, r)
	}
	if r.flags&RST != 0 {
		e.reset(d, r)
	} else {
		e.send(d, r)
		m.arrive(e, d, row, true)
		m.arrive(e, 1-d, row, false)
	}
	return packStates(e.sides[0].st, e.sides[1].st)
}

// arrive applies to side d of e the arrivals placed at row: those that come
// after the row's own segment (d is its sender) or with it (d receives it).
func (m *machine) arrive(e *smEngine, d int, row int32, afterOwn bool) {
	var at [numArrivals]bool
	any := false
	for i := range m.facts {
		f := &m.facts[i]
		if int(f.rcv) != d {
			continue
		}
		if pr, afterRow, ok := f.place(); ok && pr == row && afterRow == afterOwn {
			at[f.what], any = true, true
		}
	}
	if !any {
		return
	}
	s := &e.sides[d]
	if s.st == Closed {
		return
	}
	if at[ArrivalSYN] {
		switch s.st {
		case Listen:
			s.fromListen = true
			e.move(d, SynReceived, kindNormal)
		case SynSent:
			switch {
			case at[ArrivalAckSYN] && s.acksSyn(s.synAckAck):
				e.move(d, Established, kindNormal)
			case s.sawSynAck && !s.acksSyn(s.synAckAck):
				// A SYN,ACK with an unacceptable ACK: answered by a
				// RST, the state stays (RFC 9293 §3.10.7.3).
			default:
				s.fromListen = false
				e.move(d, SynReceived, kindNormal)
			}
		}
	}
	if at[ArrivalAckSYN] && s.st == SynReceived {
		e.move(d, Established, kindNormal)
	}
	if at[ArrivalAckFIN] && s.finSent {
		switch s.st {
		case FinWait1:
			if !at[ArrivalFIN] {
				e.move(d, FinWait2, kindNormal)
			}
		case Closing:
			e.move(d, TimeWait, kindNormal)
		case LastAck:
			e.move(d, Closed, kindNormal)
		}
	}
	if at[ArrivalFIN] {
		switch s.st {
		case SynReceived:
			// A FIN is accepted only with an ACK of our SYN (RFC 9293
			// §3.10.7.4), so the side had that ACK too.
			e.move(d, Established, kindNormal)
			e.move(d, CloseWait, kindNormal)
		case Established:
			e.move(d, CloseWait, kindNormal)
		case FinWait1:
			if at[ArrivalAckFIN] {
				e.move(d, TimeWait, kindNormal)
			} else {
				e.move(d, Closing, kindNormal)
			}
		case FinWait2:
			e.move(d, TimeWait, kindNormal)
		}
	}
}

// move records side d's move to state to and makes it.
func (e *smEngine) move(d int, to State, kind int) {
	s := &e.sides[d]
	i := edgeIndex[s.st][to][kind]
	if i != noEdge && e.nmoves[d] < smMaxMoves {
		e.moves[d][e.nmoves[d]] = i
		e.nmoves[d]++
	}
	s.st = to
}

// smAnswer is how a side first answered a SYN.
type smAnswer uint8

const (
	answerNone     smAnswer = iota // not yet, or nothing that settles the guess
	answerSynAck                   // it was LISTEN
	answerClosed                   // its own SYN: it was CLOSED
	answerRefused                  // a RST that acknowledges the SYN: CLOSED
	answerHalfOpen                 // a plain ACK: a half-open ESTABLISHED side
)

// answer returns side d's first answer after row to a SYN acknowledged by
// an ACK of synEnd, from the kept rows.
func (m *machine) answer(d int, row int32, synEnd uint32) smAnswer {
	for i := int(row-int32(m.baseRow)) + 1; i < len(m.log); i++ {
		r := &m.log[i]
		if int(r.dir) != d {
			continue
		}
		switch {
		case r.flags&RST != 0:
			if r.flags&ACK != 0 && r.ack == synEnd {
				return answerRefused // RFC 9293 §3.10.7.1: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>
			}
			continue // not an answer to the SYN
		case r.flags&(SYN|ACK) == SYN|ACK:
			return answerSynAck
		case r.flags&SYN != 0:
			return answerClosed
		case r.flags&ACK != 0:
			return answerHalfOpen
		}
	}
	return answerNone
}

// guess sets side d, which a pure SYN from its peer at row finds without a
// connection, from its answer; with none yet to st, provisionally.
func (m *machine) guess(s *smSide, d int, row int32, r smRow, st State) {
	switch m.answer(d, row, r.seq+1+r.length) {
	case answerSynAck:
		s.st, s.accepted = Listen, true
	case answerClosed:
		s.st = Closed
	case answerRefused:
		s.st, s.refused = Closed, true
	case answerHalfOpen:
		s.st = Established
		s.synSent = true
	default:
		s.st, s.prov, s.provFrom = st, true, uint32(row)
	}
}

// start sets the states before the first row.
func (m *machine) start(e *smEngine, r smRow) {
	*e = smEngine{}
	d := int(r.dir)
	a, b := &e.sides[d], &e.sides[1-d]
	m.assumed = false
	switch r.flags & (SYN | ACK | RST) {
	case SYN:
		a.st = Closed
		m.guess(b, 1-d, 0, r, Listen)
	case SYN | ACK:
		// The capture missed the SYN this answers.
		m.assumed = true
		a.st, a.fromListen = SynReceived, true
		b.st, b.synSent, b.synSeq, b.synNxt = SynSent, true, r.ack-1, r.ack
	default:
		m.assumed = true
		a.st, b.st = Established, Established
		a.synSent, b.synSent = true, true
		if r.flags&(RST|ACK) == RST {
			a.st = Closed
		}
		switch f := m.firstOf(1 - d); {
		case f == nil:
			// Its first segment settles it.
			b.prov, b.provAny, b.provFrom = true, true, 0
		case f.flags&(RST|ACK) == RST:
			b.st = Closed
		}
	}
	m.init[d], m.init[1-d] = a.st, b.st
}

// firstOf returns side d's first kept row, or nil.
func (m *machine) firstOf(d int) *smRow {
	for i := range m.log {
		if int(m.log[i].dir) == d {
			return &m.log[i]
		}
	}
	return nil
}

// restart begins a new handshake at row, a pure SYN from a side that is
// CLOSED or TIME_WAIT.
func (m *machine) restart(e *smEngine, row int32, r smRow) {
	d := int(r.dir)
	a, b := &e.sides[d], &e.sides[1-d]
	if a.st == TimeWait {
		e.move(d, Closed, kindNormal)
	}
	*a = smSide{st: a.st, accepted: a.accepted, refused: a.refused}
	switch b.st {
	case TimeWait, Closed:
		if b.st == TimeWait {
			e.move(1-d, Closed, kindNormal)
		}
		old := *b
		*b = smSide{st: Closed, accepted: old.accepted, refused: old.refused}
		def := Listen
		if old.refused && !old.accepted {
			def = Closed
		}
		m.guess(b, 1-d, row, r, def)
		if b.st == Listen {
			b.st = Closed
			e.move(1-d, Listen, kindNormal) // passive OPEN
		}
	case Listen:
		*b = smSide{st: Listen, accepted: b.accepted, refused: b.refused}
	}
}

// reset applies a RST from side d.
func (e *smEngine) reset(d int, r smRow) {
	a, b := &e.sides[d], &e.sides[1-d]
	hasAck := r.flags&ACK != 0
	switch a.st {
	case Closed, Listen, SynReceived:
		// Unsynchronized: the RST answers an unacceptable segment.
	case SynSent:
		if !hasAck && a.sawSynAck && a.acksSyn(a.synAckAck) {
			// It resets a SYN,ACK that acknowledges its SYN: it had no
			// connection that SYN,ACK could belong to.
			e.move(d, Closed, kindSndRST)
		}
	default:
		e.move(d, Closed, kindSndRST)
	}
	switch b.st {
	case Closed, Listen:
	case SynSent:
		// RFC 9293 §3.10.7.3: in SYN_SENT a RST counts only if it
		// acknowledges the SYN.
		if hasAck && b.synSent && b.acksSyn(r.ack) {
			e.move(1-d, Closed, kindRcvRST)
		}
	case SynReceived:
		if b.fromListen {
			e.move(1-d, Listen, kindRcvRST)
			*b = smSide{st: Listen, accepted: b.accepted, refused: b.refused}
		} else {
			e.move(1-d, Closed, kindRcvRST)
		}
	default:
		e.move(1-d, Closed, kindRcvRST)
	}
}

// acksSyn reports whether ack is acceptable to a side in SYN_SENT: it
// acknowledges the SYN and nothing the side has not sent (RFC 9293
// §3.10.7.3: ISS < SEG.ACK =< SND.NXT).
func (s *smSide) acksSyn(ack uint32) bool {
	return s.synSent && ackCovers(ack, s.synSeq+1) && ackCovers(s.synNxt, ack)
}

// send applies side d's own SYN and FIN, and notes a SYN,ACK its peer sees.
func (e *smEngine) send(d int, r smRow) {
	s := &e.sides[d]
	if r.flags&SYN != 0 {
		if r.flags&ACK == 0 {
			if s.st == Closed || s.st == Listen {
				e.move(d, SynSent, kindNormal)
			}
		} else {
			if s.st == Listen || s.st == SynSent {
				s.fromListen = s.st == Listen
				e.move(d, SynReceived, kindNormal)
			}
			peer := &e.sides[1-d]
			peer.sawSynAck, peer.synAckAck = true, r.ack
		}
		if s.st == SynSent || s.st == SynReceived {
			if !s.synSent || s.synSeq != r.seq {
				s.synSent, s.synSeq, s.synNxt = true, r.seq, r.seq+1+r.length
			}
		}
	}
	if r.flags&(FIN|ACK) == FIN|ACK {
		end := r.seq + r.length + 1
		if r.flags&SYN != 0 {
			end++
		}
		switch s.st {
		case Established, SynReceived:
			s.finSent, s.finEnd = true, end
			e.move(d, FinWait1, kindNormal)
		case CloseWait:
			s.finSent, s.finEnd = true, end
			e.move(d, LastAck, kindNormal)
		}
	}
}
