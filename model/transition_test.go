package model

import (
	"slices"
	"testing"
)

// briefEdges are the moves tcpstep names, with RFC 793 figure 6's labels,
// written out independently of the implementation's table.
var briefEdges = []Transition{
	{Closed, Listen, "passive OPEN", ""},
	{Closed, SynSent, "active OPEN", "snd SYN"},
	{Listen, SynReceived, "rcv SYN", "snd SYN,ACK"},
	{Listen, SynSent, "SEND", "snd SYN"},
	{SynSent, SynReceived, "rcv SYN", "snd ACK"},
	{SynSent, Established, "rcv SYN,ACK", "snd ACK"},
	{SynReceived, Established, "rcv ACK of SYN", ""},
	{SynReceived, FinWait1, "CLOSE", "snd FIN"},
	{SynReceived, Listen, "rcv RST", ""},
	{Established, FinWait1, "CLOSE", "snd FIN"},
	{Established, CloseWait, "rcv FIN", "snd ACK"},
	{FinWait1, FinWait2, "rcv ACK of FIN", ""},
	{FinWait1, Closing, "rcv FIN", "snd ACK"},
	{FinWait1, TimeWait, "rcv FIN,ACK", "snd ACK"},
	{FinWait2, TimeWait, "rcv FIN", "snd ACK"},
	{Closing, TimeWait, "rcv ACK of FIN", ""},
	{CloseWait, LastAck, "CLOSE", "snd FIN"},
	{LastAck, Closed, "rcv ACK of FIN", ""},
	{TimeWait, Closed, "timeout=2MSL", ""},
}

func TestDiagramEdgesHasTheRFCMoves(t *testing.T) {
	edges := DiagramEdges()
	for _, e := range briefEdges {
		if !slices.Contains(edges, e) {
			t.Errorf("DiagramEdges lacks %v → %v %q", e.From, e.To, e.Label())
		}
	}
	// Every state with a connection can be reset, as receiver and sender.
	// The sender's move is RFC 9293's ABORT (section 3.10.5) from the
	// states whose ABORT sends a reset, and SEGMENT ARRIVES (section
	// 3.10.7) from those whose ABORT sends nothing: there the reset can
	// only answer a segment.
	aborts := []State{SynReceived, Established, FinWait1, FinWait2, CloseWait}
	for _, s := range []State{SynSent, SynReceived, Established, FinWait1, FinWait2, CloseWait, Closing, LastAck, TimeWait} {
		snd := Transition{s, Closed, "SEGMENT ARRIVES", "snd RST"}
		if slices.Contains(aborts, s) {
			snd = Transition{s, Closed, "ABORT", "snd RST"}
		}
		for _, e := range []Transition{{s, Closed, "rcv RST", ""}, snd} {
			if !slices.Contains(edges, e) {
				t.Errorf("DiagramEdges lacks %v → CLOSED %q", s, e.Label())
			} else if !e.Abort() || e.InFigure() {
				t.Errorf("%v %q: Abort %v InFigure %v, want true false", s, e.Label(), e.Abort(), e.InFigure())
			}
			if e.AnswersSegment() != (e.Event == "SEGMENT ARRIVES") {
				t.Errorf("%v %q: AnswersSegment %v", s, e.Label(), e.AnswersSegment())
			}
		}
		for _, other := range []Transition{{s, Closed, "ABORT", "snd RST"}, {s, Closed, "SEGMENT ARRIVES", "snd RST"}} {
			if other != snd && slices.Contains(edges, other) {
				t.Errorf("DiagramEdges has both resets sent from %v: %q and %q", s, snd.Label(), other.Label())
			}
		}
	}
	// No duplicates, and every state has an edge in and out.
	in, out := map[State]bool{}, map[State]bool{}
	for i, e := range edges {
		if slices.Contains(edges[:i], e) {
			t.Errorf("duplicate edge %v → %v %q", e.From, e.To, e.Label())
		}
		in[e.To], out[e.From] = true, true
	}
	for _, s := range AllStates() {
		if !in[s] || !out[s] {
			t.Errorf("%v: edge in %v, out %v", s, in[s], out[s])
		}
	}
	// The caller owns the slice.
	edges[0].Event = "changed"
	if DiagramEdges()[0].Event == "changed" {
		t.Error("DiagramEdges returns shared storage")
	}
}

func TestFigureEdgesAreRFC793Figure6(t *testing.T) {
	// Figure 6 has 19 arrows; the two moves the model adds that it lacks
	// are SYN_RECEIVED → LISTEN and the FIN,ACK shortcut.
	n := 0
	for _, e := range DiagramEdges() {
		if e.InFigure() {
			n++
		}
	}
	if n != 19 {
		t.Errorf("%d edges in the figure, want 19", n)
	}
	for _, e := range briefEdges {
		want := !(e.From == SynReceived && e.To == Listen) && !(e.From == FinWait1 && e.To == TimeWait)
		if e.InFigure() != want {
			t.Errorf("%v → %v InFigure %v, want %v", e.From, e.To, e.InFigure(), want)
		}
	}
}

func TestLabel(t *testing.T) {
	for _, c := range []struct {
		t    Transition
		want string
	}{
		{Transition{SynSent, Established, "rcv SYN,ACK", "snd ACK"}, "rcv SYN,ACK / snd ACK"},
		{Transition{TimeWait, Closed, "timeout=2MSL", ""}, "timeout=2MSL"},
	} {
		if got := c.t.Label(); got != c.want {
			t.Errorf("Label() = %q, want %q", got, c.want)
		}
	}
}

func TestTransitions(t *testing.T) {
	for _, c := range []struct {
		from, to State
		flags    Flags
		sender   bool
		want     []string
	}{
		{Established, Established, ACK, true, nil},
		{Closed, SynSent, SYN, true, l(aOpen)},
		{Closed, Listen, SYN, false, l(pOpen)},
		{Listen, SynReceived, SYN | ACK, true, l(rSyn)},
		{SynSent, Established, ACK, true, l(rSynAck)},
		{SynSent, SynReceived, SYN | ACK, true, l(rSynSim)},
		// A SYN,ACK sent from SYN_SENT: the sender was SYN_RECEIVED.
		{SynSent, Established, SYN | ACK, true, l(rSynSim, ackSyn)},
		{SynReceived, Established, ACK, false, l(ackSyn)},
		{Established, FinWait1, FIN | ACK, true, l(closeF)},
		{Established, CloseWait, ACK, true, l(rFin)},
		{Established, LastAck, FIN | ACK, true, l(rFin, closeF)},
		{FinWait1, FinWait2, ACK, false, l(ackFin)},
		{FinWait1, Closing, ACK, true, l(rFin)},
		{FinWait1, TimeWait, ACK, true, l(rFinAck)},
		{FinWait2, TimeWait, ACK, true, l(rFin)},
		{Closing, TimeWait, ACK, false, l(ackFin)},
		{CloseWait, LastAck, FIN | ACK, true, l(closeF)},
		{LastAck, Closed, ACK, false, l(ackFin)},
		{TimeWait, SynSent, SYN, true, l(tmo, aOpen)},
		{TimeWait, Listen, SYN, false, l(tmo, pOpen)},
		{SynReceived, CloseWait, ACK, true, l(ackSyn, rFin)},
		{Established, Closed, RST | ACK, false, l(rRst)},
		{Established, Closed, RST, true, l(abortR)},
		{LastAck, Closed, RST, false, l(rRst)},
		{TimeWait, Closed, RST, true, l(answerR)},
		{LastAck, Closed, RST, true, l(answerR)},
		{Closing, Closed, RST, true, l(answerR)},
		{SynSent, Closed, RST, true, l(answerR)},
		{FinWait2, Closed, RST, true, l(abortR)},
		{CloseWait, Closed, RST | ACK, true, l(abortR)},
		{SynReceived, Listen, RST, false, l("rcv RST")},
	} {
		got := labels(Transitions(c.from, c.to, c.flags, c.sender))
		if !slices.Equal(got, c.want) {
			t.Errorf("Transitions(%v, %v, %v, %v) = %q, want %q", c.from, c.to, c.flags, c.sender, got, c.want)
		}
	}
}

// TestTransitionsAreDiagramEdges checks every pair of states under every
// kind of segment: the moves are diagram edges chaining from one state to
// the other (the figure's graph is strongly connected, so there always is
// such a chain), and the same pair gives the same moves every time.
func TestTransitionsAreDiagramEdges(t *testing.T) {
	edges := DiagramEdges()
	flagSets := []Flags{0, ACK, SYN, SYN | ACK, FIN | ACK, PSH | ACK, RST, RST | ACK, SYN | FIN | RST | ACK}
	for _, from := range AllStates() {
		for _, to := range AllStates() {
			for _, fl := range flagSets {
				for _, sender := range []bool{false, true} {
					ts := Transitions(from, to, fl, sender)
					if from == to {
						if ts != nil {
							t.Errorf("Transitions(%v, %v) = %q, want none", from, to, labels(ts))
						}
						continue
					}
					if len(ts) == 0 || ts[0].From != from {
						t.Errorf("Transitions(%v, %v, %v, %v) = %q does not start at %v", from, to, fl, sender, labels(ts), from)
						continue
					}
					for _, e := range ts {
						if !slices.Contains(edges, e) {
							t.Errorf("Transitions(%v, %v, %v, %v) gives %q, not in DiagramEdges", from, to, fl, sender, e.Label())
						}
					}
					if msg := checkChain(ts, to); msg != "" {
						t.Errorf("Transitions(%v, %v, %v, %v): %s", from, to, fl, sender, msg)
					}
				}
			}
		}
	}
	if ts := Transitions(State(NumStates), Closed, 0, true); ts != nil {
		t.Errorf("an invalid state gives %q, want none", labels(ts))
	}
}

// TestMovesAreDiagramEdges checks that every move the machine makes over the
// cases of state_test.go is a diagram edge, and that those cases use every
// edge that the inference can make.
func TestMovesAreDiagramEdges(t *testing.T) {
	used := map[Transition]bool{}
	for _, c := range machineCases {
		m := newMachine()
		for _, r := range c.rows {
			m.Step(r.dir, r.flags, r.seq, r.ack, r.length)
			cm, sm := m.Moves()
			for _, mv := range append(cm, sm...) {
				used[mv] = true
			}
		}
	}
	edges := DiagramEdges()
	for mv := range used {
		if !slices.Contains(edges, mv) {
			t.Errorf("move %v → %v %q not in DiagramEdges", mv.From, mv.To, mv.Label())
		}
	}
	// The moves a passive observer cannot see: user calls that send
	// nothing (LISTEN → CLOSED, SYN_SENT → CLOSED), a SEND from LISTEN
	// (machine reads a SYN from a provisional LISTEN as a simultaneous
	// open from CLOSED), and SYN_RECEIVED → LISTEN (resets close).
	unseen := map[[2]State]bool{
		{Listen, Closed}: true, {SynSent, Closed}: true, {Listen, SynSent}: true, {SynReceived, Listen}: true,
	}
	for _, e := range edges {
		if e.Abort() {
			continue
		}
		if !used[e] && !unseen[[2]State{e.From, e.To}] {
			t.Errorf("no case makes the move %v → %v %q", e.From, e.To, e.Label())
		}
	}
}
