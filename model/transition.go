package model

// Transition names one move of the RFC 793 state diagram (figure 6 of the
// RFC), in the RFC's own words: the event that causes the move ("rcv
// SYN,ACK", "CLOSE", "timeout=2MSL") and the action taken ("snd ACK"), which
// is empty when the move sends nothing.
type Transition struct {
	From, To State
	Event    string
	Action   string
}

// Label writes the move as the figure does: "rcv SYN,ACK / snd ACK", or the
// event alone when there is no action.
func (t Transition) Label() string {
	if t.Action == "" {
		return t.Event
	}
	return t.Event + " / " + t.Action
}

// Abort reports whether the move is a reset into CLOSED: "rcv RST",
// "ABORT / snd RST" or "SEGMENT ARRIVES / snd RST". RFC 793 describes these
// in its text, not in figure 6, and they leave every synchronized state, so
// a diagram may draw them apart.
func (t Transition) Abort() bool {
	return t.To == Closed && (t.Event == evRcvRST || t.Event == evAbort || t.Event == evSegmentArrives)
}

// AnswersSegment reports whether the move is a reset its sender sent in
// answer to an arriving segment ("SEGMENT ARRIVES / snd RST", RFC 9293
// §3.10.7) rather than because its application aborted ("ABORT / snd
// RST", §3.10.5).
func (t Transition) AnswersSegment() bool {
	return t.To == Closed && t.Event == evSegmentArrives
}

// InFigure reports whether the move is one of the arrows drawn in RFC 793's
// figure 6. The others are moves the RFC's text describes (resets, the
// return of SYN_RECEIVED to LISTEN) and the FIN_WAIT_1 → TIME_WAIT shortcut
// that later drawings of the diagram add for a FIN that also acknowledges
// ours.
func (t Transition) InFigure() bool {
	for _, e := range figureEdges {
		if e == t {
			return true
		}
	}
	return false
}

const (
	evRcvRST = "rcv RST"
	// evAbort is RFC 9293 §3.10.5's ABORT call, the application's abort.
	evAbort = "ABORT"
	// evSegmentArrives is RFC 9293 §3.10.7's SEGMENT ARRIVES event, for a
	// reset that answers an arriving segment.
	evSegmentArrives = "SEGMENT ARRIVES"
	evUnknown        = "?"
)

// figureEdges are the arrows of RFC 793's figure 6, in an order that makes
// the shortest-path reconstruction of Transitions prefer the common moves
// where two paths are as short: a passive open's LISTEN → SYN_RECEIVED over
// LISTEN → SYN_SENT, and an active open's SYN_SENT → ESTABLISHED over a
// simultaneous open's SYN_SENT → SYN_RECEIVED.
var figureEdges = []Transition{
	{Closed, Listen, "passive OPEN", ""},
	{Closed, SynSent, "active OPEN", "snd SYN"},
	{Listen, SynReceived, "rcv SYN", "snd SYN,ACK"},
	{Listen, SynSent, "SEND", "snd SYN"},
	{Listen, Closed, "CLOSE", ""},
	{SynSent, Established, "rcv SYN,ACK", "snd ACK"},
	{SynSent, SynReceived, "rcv SYN", "snd ACK"},
	{SynSent, Closed, "CLOSE", ""},
	{SynReceived, Established, "rcv ACK of SYN", ""},
	{SynReceived, FinWait1, "CLOSE", "snd FIN"},
	{Established, FinWait1, "CLOSE", "snd FIN"},
	{Established, CloseWait, "rcv FIN", "snd ACK"},
	{FinWait1, FinWait2, "rcv ACK of FIN", ""},
	{FinWait1, Closing, "rcv FIN", "snd ACK"},
	{FinWait2, TimeWait, "rcv FIN", "snd ACK"},
	{Closing, TimeWait, "rcv ACK of FIN", ""},
	{CloseWait, LastAck, "CLOSE", "snd FIN"},
	{LastAck, Closed, "rcv ACK of FIN", ""},
	{TimeWait, Closed, "timeout=2MSL", ""},
}

// textEdges are moves RFC 793 describes in its text (section 3.9) rather
// than in the figure, plus the combined FIN,ACK shortcut.
var textEdges = []Transition{
	{FinWait1, TimeWait, "rcv FIN,ACK", "snd ACK"},
	{SynReceived, Listen, evRcvRST, ""},
}

// abortableStates are the states a reset moves to CLOSED: every state with a
// connection to reset. CLOSED has none, and LISTEN ignores a RST.
var abortableStates = []State{SynSent, SynReceived, Established, FinWait1, FinWait2, CloseWait, Closing, LastAck, TimeWait}

// sndRST is the move of a side that sends a reset from state s into
// CLOSED. RFC 9293's ABORT call (§3.10.5) sends <SEQ=SND.NXT><CTL=RST> only
// from SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2 and CLOSE_WAIT; in
// SYN_SENT, CLOSING, LAST_ACK and TIME_WAIT it deletes the connection and
// sends nothing. A reset sent from one of those states is therefore no
// abort: it answers a segment that arrived (§3.10.7), as a TCP answers a
// segment for a connection it does not have (§3.10.7.1: <SEQ=SEG.ACK>
// <CTL=RST>, or <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> when the segment
// has no ACK). The observer had placed the side in that state; the reset
// shows its TCP no longer held the connection.
func sndRST(s State) Transition {
	switch s {
	case SynSent, Closing, LastAck, TimeWait:
		return Transition{s, Closed, evSegmentArrives, "snd RST"}
	}
	return Transition{s, Closed, evAbort, "snd RST"}
}

// allEdges is DiagramEdges' list: the figure, the text's moves, then for
// each abortable state its "rcv RST" and its reset sent (sndRST).
var allEdges = func() []Transition {
	out := append([]Transition{}, figureEdges...)
	out = append(out, textEdges...)
	for _, s := range abortableStates {
		out = append(out, Transition{s, Closed, evRcvRST, ""}, sndRST(s))
	}
	return out
}()

// move kinds, to pick among parallel arrows into CLOSED.
const (
	kindNormal = iota
	kindRcvRST
	kindSndRST
)

// noEdge marks a missing entry of edgeIndex.
const noEdge = 0xFF

// edgeIndex[from][to][kind] is the index in allEdges of that move, or
// noEdge. The machine records its moves as these indices, which keeps a
// machine small.
var edgeIndex = func() (t [NumStates][NumStates][3]uint8) {
	for i := range t {
		for j := range t[i] {
			t[i][j] = [3]uint8{noEdge, noEdge, noEdge}
		}
	}
	for i, e := range allEdges {
		k := kindNormal
		switch {
		case e.Event == evRcvRST && e.To == Closed:
			k = kindRcvRST
		case e.Event == evAbort || e.Event == evSegmentArrives:
			k = kindSndRST
		case e.From == SynReceived && e.To == Listen:
			// Only a RST makes this move; the path search, which follows
			// kindNormal entries only, never chooses it.
			k = kindRcvRST
		}
		t[e.From][e.To][k] = uint8(i)
	}
	return t
}()

// DiagramEdges lists every arrow of the state diagram: those of RFC 793's
// figure 6 first (InFigure), then the moves its text adds (FIN_WAIT_1 →
// TIME_WAIT on a FIN that acknowledges ours, SYN_RECEIVED → LISTEN on a
// RST), then the resets of every state with a connection (Abort), each as
// received ("rcv RST") and as sent: "ABORT / snd RST" from the states whose
// ABORT sends one, "SEGMENT ARRIVES / snd RST" from the others (see
// sndRST). The slice is the caller's.
func DiagramEdges() []Transition {
	return append([]Transition(nil), allEdges...)
}

// edgePaths[from][to] is a shortest path over the figure's arrows and the
// FIN,ACK shortcut (not the resets), found breadth-first in allEdges order.
var edgePaths = func() (p [NumStates][NumStates][]Transition) {
	for from := range State(NumStates) {
		prev := [NumStates]int{}
		for i := range prev {
			prev[i] = -1
		}
		var seen [NumStates]bool
		seen[from] = true
		queue := []State{from}
		for len(queue) > 0 {
			s := queue[0]
			queue = queue[1:]
			for i, e := range allEdges {
				if e.From != s || seen[e.To] || edgeIndex[e.From][e.To][kindNormal] != uint8(i) {
					continue
				}
				seen[e.To] = true
				prev[e.To] = i
				queue = append(queue, e.To)
			}
		}
		for to := range State(NumStates) {
			if to == from || prev[to] < 0 {
				continue
			}
			var rev []Transition
			for s := to; s != from; s = allEdges[prev[s]].From {
				rev = append(rev, allEdges[prev[s]])
			}
			path := make([]Transition, len(rev))
			for i, e := range rev {
				path[len(rev)-1-i] = e
			}
			p[from][to] = path
		}
	}
	return p
}()

// Transitions returns the moves a side made between two consecutive rows of
// a conversation, from state from to state to, at a segment with flags that
// the side sent (sender) or received. It is empty when the state did not
// change; usually it is one move, and it is several when one segment showed
// several (ESTABLISHED → CLOSE_WAIT → LAST_ACK when a FIN,ACK answers a FIN).
//
// A state change into CLOSED at a segment carrying RST is a reset: "rcv RST"
// for the receiver; for the sender "ABORT / snd RST", or "SEGMENT ARRIVES /
// snd RST" from a state whose ABORT sends nothing (sndRST); SYN_RECEIVED → LISTEN
// is the RFC's "rcv RST" of a passive open. Any other change is the shortest
// path over the figure's arrows, except that a sender whose segment carries a
// SYN was still in SYN_RECEIVED when it sent it, so SYN_SENT → ESTABLISHED
// goes through SYN_RECEIVED (the second SYN,ACK of a simultaneous open).
//
// Reconstructing moves from two states is ambiguous in one case that machine
// can produce: FIN_WAIT_1 → TIME_WAIT is reported as the single FIN,ACK move,
// while in a simultaneous close the second side to acknowledge went through
// CLOSING (its peer's ACK arrived after its peer's FIN). machine.Moves gives
// the exact moves of the segment just stepped. A change that no sequence of
// moves explains (a backward step) is one move whose Event is "?".
func Transitions(from, to State, flags Flags, sender bool) []Transition {
	if from == to || from >= NumStates || to >= NumStates {
		return nil
	}
	if flags&RST != 0 {
		if to == Closed {
			kind := kindRcvRST
			if sender {
				kind = kindSndRST
			}
			if i := edgeIndex[from][to][kind]; i != noEdge {
				return []Transition{allEdges[i]}
			}
		}
		if from == SynReceived && to == Listen && !sender {
			return []Transition{textEdges[1]}
		}
	}
	if sender && flags&SYN != 0 && from == SynSent && to == Established {
		return []Transition{
			allEdges[edgeIndex[SynSent][SynReceived][kindNormal]],
			allEdges[edgeIndex[SynReceived][Established][kindNormal]],
		}
	}
	if p := edgePaths[from][to]; p != nil {
		return append([]Transition(nil), p...)
	}
	return []Transition{{From: from, To: to, Event: evUnknown}}
}
