package model

import (
	"encoding/binary"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Short names for the tables below.
const (
	cs = C2S
	sc = S2C

	sa  = SYN | ACK
	fa  = FIN | ACK
	pa  = PSH | ACK
	ra  = RST | ACK
	fpa = FIN | PSH | ACK

	aOpen   = "active OPEN / snd SYN"
	pOpen   = "passive OPEN"
	rSyn    = "rcv SYN / snd SYN,ACK"
	rSynAck = "rcv SYN,ACK / snd ACK"
	rSynSim = "rcv SYN / snd ACK"
	ackSyn  = "rcv ACK of SYN"
	closeF  = "CLOSE / snd FIN"
	rFin    = "rcv FIN / snd ACK"
	ackFin  = "rcv ACK of FIN"
	rFinAck = "rcv FIN,ACK / snd ACK"
	rRst    = "rcv RST"
	abortR  = "ABORT / snd RST"
	answerR = "SEGMENT ARRIVES / snd RST"
	tmo     = "timeout=2MSL"
)

// row is one segment and what the machine must make of it: both states
// after it and the labels of each side's moves at it.
type row struct {
	dir               Dir
	flags             Flags
	seq, ack, length  uint32
	client, server    State
	cMoves, sMoves    []string
	ambiguousFromPair bool // Transitions cannot tell this row's moves from the two states
}

type machineCase struct {
	name         string
	initC, initS State
	assumed      bool
	revs         []Revision
	rows         []row
}

func l(labels ...string) []string { return labels }

// handshake is the three-way handshake of ISNs c and s (RFC 793 figure 7).
func handshake(c, s uint32) []row {
	return []row{
		{cs, SYN, c, 0, 0, SynSent, SynReceived, l(aOpen), l(rSyn), false},
		{sc, sa, s, c + 1, 0, Established, SynReceived, l(rSynAck), nil, false},
		{cs, ACK, c + 1, s + 1, 0, Established, Established, nil, l(ackSyn), false},
	}
}

func cat(parts ...[]row) []row { return slices.Concat(parts...) }

var machineCases = []machineCase{
	{
		name: "handshake and client close", initC: Closed, initS: Listen,
		rows: cat(handshake(1000, 5000), []row{
			{cs, pa, 1001, 5001, 100, Established, Established, nil, nil, false},
			{sc, ACK, 5001, 1101, 0, Established, Established, nil, nil, false},
			{cs, fa, 1101, 5001, 0, FinWait1, CloseWait, l(closeF), l(rFin), false},
			{sc, ACK, 5001, 1102, 0, FinWait2, CloseWait, l(ackFin), nil, false},
			{sc, fa, 5001, 1102, 0, TimeWait, LastAck, l(rFin), l(closeF), false},
			{cs, ACK, 1102, 5002, 0, TimeWait, Closed, nil, l(ackFin), false},
		}),
	},
	{
		name: "server close", initC: Closed, initS: Listen,
		rows: cat(handshake(2000, 7000), []row{
			{sc, pa, 7001, 2001, 50, Established, Established, nil, nil, false},
			{cs, ACK, 2001, 7051, 0, Established, Established, nil, nil, false},
			{sc, fa, 7051, 2001, 0, CloseWait, FinWait1, l(rFin), l(closeF), false},
			{cs, ACK, 2001, 7052, 0, CloseWait, FinWait2, nil, l(ackFin), false},
			{cs, fa, 2001, 7052, 0, LastAck, TimeWait, l(closeF), l(rFin), false},
			{sc, ACK, 7052, 2002, 0, Closed, TimeWait, l(ackFin), nil, false},
		}),
	},
	{
		// The server's FIN carries the ACK of the client's: three segments.
		name: "FIN,ACK close", initC: Closed, initS: Listen,
		rows: cat(handshake(3000, 9000), []row{
			{cs, fpa, 3001, 9001, 10, FinWait1, CloseWait, l(closeF), l(rFin), false},
			{sc, fa, 9001, 3012, 0, TimeWait, LastAck, l(rFinAck), l(closeF), false},
			{cs, ACK, 3012, 9002, 0, TimeWait, Closed, nil, l(ackFin), false},
		}),
	},
	{
		// Each FIN's ACK number does not cover the other FIN: both were
		// sent before the other arrived (RFC 793 figure 14).
		name: "simultaneous close", initC: Closed, initS: Listen,
		revs: []Revision{{Client: false, From: 3, To: 4, State: Established}},
		rows: cat(handshake(100, 200), []row{
			{cs, fa, 101, 201, 0, FinWait1, CloseWait, l(closeF), l(rFin), false},
			{sc, fa, 201, 101, 0, Closing, Closing, l(rFin), l(closeF, rFin), false},
			{cs, ACK, 102, 202, 0, Closing, TimeWait, nil, l(ackFin), false},
			{sc, ACK, 202, 102, 0, TimeWait, TimeWait, l(ackFin), nil, true},
		}),
	},
	{
		// As above, the server's ACK first.
		name: "simultaneous close, server acknowledges first", initC: Closed, initS: Listen,
		revs: []Revision{{Client: true, From: 3, To: 4, State: Established}},
		rows: cat(handshake(100, 200), []row{
			{sc, fa, 201, 101, 0, CloseWait, FinWait1, l(rFin), l(closeF), false},
			{cs, fa, 101, 201, 0, Closing, Closing, l(closeF, rFin), l(rFin), false},
			{sc, ACK, 202, 102, 0, TimeWait, Closing, l(ackFin), nil, false},
			{cs, ACK, 102, 202, 0, TimeWait, TimeWait, nil, l(ackFin), true},
		}),
	},
	{
		// RFC 793 figure 8: both sides send a SYN; each answers the other's
		// with a SYN,ACK.
		name: "simultaneous open", initC: Closed, initS: Closed,
		revs: []Revision{{Client: false, From: 0, To: 1, State: Closed}, {Client: false, From: 1, To: 2, State: SynSent}, {Client: false, From: 2, To: 3, State: SynReceived}, {Client: false, From: 3, To: 4, State: SynReceived}},
		rows: []row{
			{cs, SYN, 1000, 0, 0, SynSent, SynReceived, l(aOpen), l(rSyn), false},
			{sc, SYN, 5000, 0, 0, SynReceived, SynReceived, l(rSynSim), l(aOpen, rSynSim), false},
			{cs, sa, 1000, 5001, 0, SynReceived, Established, nil, l(rSynAck), false},
			{sc, sa, 5000, 1001, 0, Established, Established, l(ackSyn), l(ackSyn), false},
			{cs, pa, 1001, 5001, 5, Established, Established, nil, l(ackSyn), false},
		},
	},
	{
		// A SYN to a closed port is answered with RST,ACK; the client tries
		// again (the same pair restarts) and is refused again.
		name: "refused", initC: Closed, initS: Closed,
		revs: []Revision{{Client: false, From: 0, To: 1, State: Closed}},
		rows: []row{
			{cs, SYN, 31337, 0, 0, SynSent, SynReceived, l(aOpen), l(rSyn), false},
			{sc, ra, 0, 31338, 0, Closed, Closed, l(rRst), nil, false},
			{cs, SYN, 31337, 0, 0, SynSent, Closed, l(aOpen), nil, false},
			{sc, ra, 0, 31338, 0, Closed, Closed, l(rRst), nil, false},
		},
	},
	{
		// Refused, then the server starts listening and accepts the retry:
		// its answer revises the restart's guess.
		name: "refused then accepted", initC: Closed, initS: Closed,
		revs: []Revision{{Client: false, From: 0, To: 1, State: Closed}, {Client: false, From: 2, To: 3, State: Listen}},
		rows: []row{
			{cs, SYN, 500, 0, 0, SynSent, SynReceived, l(aOpen), l(rSyn), false},
			{sc, ra, 0, 501, 0, Closed, Closed, l(rRst), nil, false},
			{cs, SYN, 500, 0, 0, SynSent, Closed, l(aOpen), nil, false},
			{sc, sa, 800, 501, 0, Established, SynReceived, l(rSynAck), l(rSyn), false},
			{cs, ACK, 501, 801, 0, Established, Established, nil, l(ackSyn), false},
		},
	},
	{
		// RFC 793 3.9: in SYN_SENT a RST without an acceptable ACK is
		// ignored; the SYN retransmission is then answered.
		// Nor is it a refusal; neither is a RST,ACK that acknowledges
		// something the client never sent (a forged reset), nor one that
		// does not acknowledge the SYN (zeek_rst-inject-rae.pcap). Only the
		// last RST refuses, and the server's rows are corrected up to it.
		name: "RST without acceptable ACK ignored in SYN_SENT", initC: Closed, initS: Closed,
		revs: []Revision{{Client: false, From: 0, To: 4, State: Closed}},
		rows: []row{
			{cs, SYN, 10, 0, 0, SynSent, SynReceived, l(aOpen), l(rSyn), false},
			{sc, RST, 0, 0, 0, SynSent, SynReceived, nil, nil, false},
			{sc, ra, 0, 999, 0, SynSent, SynReceived, nil, nil, false},
			{sc, ra, 0, 10, 0, SynSent, SynReceived, nil, nil, false},
			{sc, ra, 0, 11, 0, Closed, Closed, l(rRst), nil, false},
		},
	},
	{
		// A forged RST before the real answer leaves the server listening
		// (zeek_rst-inject-rae.pcap: its RST acknowledges the SYN's own
		// sequence number).
		name: "forged RST before the SYN,ACK", initC: Closed, initS: Listen,
		rows: []row{
			{cs, SYN, 1569339004, 0, 0, SynSent, SynReceived, l(aOpen), l(rSyn), false},
			{sc, ra | NS | Reserved, 0, 1569339004, 0, SynSent, SynReceived, nil, nil, false},
			{sc, sa, 1616457233, 1569339005, 0, Established, SynReceived, l(rSynAck), nil, false},
			{cs, ACK, 1569339005, 1616457234, 0, Established, Established, nil, l(ackSyn), false},
		},
	},
	{
		// A FIN without ACK, on the SYN's sequence number, while the
		// client waits for the SYN,ACK (zeek_fin_retransmission.pcap):
		// no TCP sends it and none would accept it.
		name: "FIN without ACK ignored", initC: Closed, initS: Listen,
		rows: []row{
			{cs, SYN, 100, 0, 0, SynSent, SynReceived, l(aOpen), l(rSyn), false},
			{cs, FIN, 100, 0, 0, SynSent, SynReceived, nil, nil, false},
			{sc, sa, 500, 101, 0, Established, SynReceived, l(rSynAck), nil, false},
			{cs, fa, 101, 501, 0, FinWait1, CloseWait, l(closeF), l(ackSyn, rFin), false},
			{sc, ACK, 501, 102, 0, FinWait2, CloseWait, l(ackFin), nil, false},
			{sc, FIN, 501, 102, 0, FinWait2, CloseWait, nil, nil, false},
		},
	},
	{
		name: "client abort", initC: Closed, initS: Listen,
		rows: cat(handshake(10, 20), []row{
			{cs, pa, 11, 21, 5, Established, Established, nil, nil, false},
			{sc, ACK, 21, 16, 0, Established, Established, nil, nil, false},
			{cs, ra, 16, 21, 0, Closed, Closed, l(abortR), l(rRst), false},
			// Data the server had in flight: nothing comes back to life.
			{sc, pa, 21, 16, 10, Closed, Closed, nil, nil, false},
			{cs, RST, 16, 0, 0, Closed, Closed, nil, nil, false},
		}),
	},
	{
		name: "server abort during close", initC: Closed, initS: Listen,
		rows: cat(handshake(10, 20), []row{
			{cs, fa, 11, 21, 0, FinWait1, CloseWait, l(closeF), l(rFin), false},
			{sc, RST, 21, 0, 0, Closed, Closed, l(rRst), l(abortR), false},
		}),
	},
	{
		name: "abort in SYN_RECEIVED", initC: Closed, initS: Listen,
		revs: []Revision{{Client: true, From: 1, To: 2, State: SynSent}},
		rows: []row{
			{cs, SYN, 70, 0, 0, SynSent, SynReceived, l(aOpen), l(rSyn), false},
			{sc, sa, 90, 71, 0, Established, SynReceived, l(rSynAck), nil, false},
			// The client resets a SYN,ACK that acknowledges its SYN: no
			// abort (an ABORT in SYN_SENT sends nothing) but the answer of
			// a TCP that had no connection for it.
			{cs, RST, 71, 0, 0, Closed, Listen, l(answerR), l(rRst), false},
		},
	},
	{
		name: "mid-connection", initC: Established, initS: Established, assumed: true,
		rows: []row{
			{cs, pa, 5000, 9000, 10, Established, Established, nil, nil, false},
			{sc, ACK, 9000, 5010, 0, Established, Established, nil, nil, false},
			{sc, fa, 9000, 5010, 0, CloseWait, FinWait1, l(rFin), l(closeF), false},
			{cs, ACK, 5010, 9001, 0, CloseWait, FinWait2, nil, l(ackFin), false},
			{cs, fa, 5010, 9001, 0, LastAck, TimeWait, l(closeF), l(rFin), false},
			{sc, ACK, 9001, 5011, 0, Closed, TimeWait, l(ackFin), nil, false},
		},
	},
	{
		name: "mid-connection RST", initC: Established, initS: Established, assumed: true,
		rows: []row{
			{cs, ra, 5000, 9000, 0, Closed, Closed, l(abortR), l(rRst), false},
		},
	},
	{
		// The capture missed the SYN: the SYN,ACK's sender is the client of
		// the conversation (its first segment) and was SYN_RECEIVED.
		name: "starts at SYN,ACK", initC: SynReceived, initS: SynSent, assumed: true,
		rows: []row{
			{cs, sa, 7000, 300, 0, SynReceived, Established, nil, l(rSynAck), false},
			{sc, ACK, 300, 7001, 0, Established, Established, l(ackSyn), nil, false},
		},
	},
	{
		name: "retransmitted SYN and FIN", initC: Closed, initS: Listen,
		revs: []Revision{{Client: false, From: 4, To: 5, State: SynReceived}, {Client: false, From: 5, To: 7, State: SynReceived}, {Client: true, From: 9, To: 10, State: FinWait1}, {Client: true, From: 10, To: 11, State: FinWait1}, {Client: false, From: 13, To: 14, State: LastAck}, {Client: false, From: 14, To: 15, State: LastAck}},
		rows: []row{
			{cs, SYN, 40000, 0, 0, SynSent, SynReceived, l(aOpen), l(rSyn), false},
			{cs, SYN, 40000, 0, 0, SynSent, SynReceived, nil, nil, false},
			{sc, sa, 60000, 40001, 0, Established, SynReceived, l(rSynAck), nil, false},
			{sc, sa, 60000, 40001, 0, Established, SynReceived, nil, nil, false},
			{cs, ACK, 40001, 60001, 0, Established, Established, nil, l(ackSyn), false},
			{sc, sa, 60000, 40001, 0, Established, Established, nil, l(ackSyn), false},
			{cs, SYN, 40000, 0, 0, Established, Established, nil, nil, false},
			{cs, fa, 40001, 60001, 0, FinWait1, CloseWait, l(closeF), l(ackSyn, rFin), false},
			{cs, fa, 40001, 60001, 0, FinWait1, CloseWait, nil, nil, false},
			{sc, ACK, 60001, 40002, 0, FinWait2, CloseWait, l(ackFin), nil, false},
			{cs, fa, 40001, 60001, 0, FinWait2, CloseWait, l(ackFin), nil, false},
			{sc, fa, 60001, 40002, 0, TimeWait, LastAck, l(rFinAck), l(closeF), false},
			{sc, fa, 60001, 40002, 0, TimeWait, LastAck, nil, nil, false},
			{cs, ACK, 40002, 60002, 0, TimeWait, Closed, nil, l(ackFin), false},
			{sc, fa, 60001, 40002, 0, TimeWait, Closed, nil, l(ackFin), false},
			{cs, ACK, 40002, 60002, 0, TimeWait, Closed, nil, l(ackFin), false},
		},
	},
	{
		// Both sequence spaces wrap past 2^32 during the transfer; the
		// server's stale ACK 4294967141 (from before the wrap) must not be
		// read as covering the client's FIN at 45, which a plain >= would.
		name: "sequence wraparound", initC: Closed, initS: Listen,
		revs: []Revision{{Client: false, From: 6, To: 7, State: Established}},
		rows: cat(handshake(4294967040, 4294967290), []row{
			{cs, pa, 4294967041, 4294967291, 300, Established, Established, nil, nil, false},
			{sc, ACK, 4294967291, 45, 0, Established, Established, nil, nil, false},
			{sc, pa, 4294967291, 45, 10, Established, Established, nil, nil, false},
			{cs, fa, 45, 5, 0, FinWait1, CloseWait, l(closeF), l(rFin), false},
			{sc, ACK, 5, 4294967141, 0, FinWait1, CloseWait, nil, l(rFin), false},
			{sc, ACK, 5, 46, 0, FinWait2, CloseWait, l(ackFin), nil, false},
			{sc, fa, 5, 46, 0, TimeWait, LastAck, l(rFin), l(closeF), false},
			{cs, ACK, 46, 6, 0, TimeWait, Closed, nil, l(ackFin), false},
		}),
	},
	{
		// The SYN itself takes the last sequence number: its ACK is 0.
		name: "SYN at 2^32-1", initC: Closed, initS: Listen,
		rows: cat(handshake(4294967295, 100), []row{
			{cs, fa, 0, 101, 0, FinWait1, CloseWait, l(closeF), l(rFin), false},
			{sc, fa, 101, 1, 0, TimeWait, LastAck, l(rFinAck), l(closeF), false},
			{cs, ACK, 1, 102, 0, TimeWait, Closed, nil, l(ackFin), false},
		}),
	},
	{
		// TCP Fast Open (RFC 7413): 20 bytes on the SYN, acknowledged by the
		// SYN,ACK; the FIN's sequence number follows the data.
		name: "data on SYN", initC: Closed, initS: Listen,
		revs: []Revision{{Client: false, From: 3, To: 4, State: Established}},
		rows: []row{
			{cs, SYN, 1000, 0, 20, SynSent, SynReceived, l(aOpen), l(rSyn), false},
			{sc, sa, 5000, 1021, 0, Established, SynReceived, l(rSynAck), nil, false},
			{cs, ACK, 1021, 5001, 0, Established, Established, nil, l(ackSyn), false},
			{cs, fa, 1021, 5001, 0, FinWait1, CloseWait, l(closeF), l(rFin), false},
			{sc, ACK, 5001, 1021, 0, FinWait1, CloseWait, nil, l(rFin), false},
			{sc, fa, 5001, 1022, 0, TimeWait, LastAck, l(rFinAck), l(closeF), false},
			{cs, ACK, 1022, 5002, 0, TimeWait, Closed, nil, l(ackFin), false},
		},
	},
	{
		// The server acknowledges only the SYN of a SYN with data (no Fast
		// Open cookie); the client sends the data again.
		name: "data on SYN not accepted", initC: Closed, initS: Listen,
		rows: []row{
			{cs, SYN, 1000, 0, 20, SynSent, SynReceived, l(aOpen), l(rSyn), false},
			{sc, sa, 5000, 1001, 0, Established, SynReceived, l(rSynAck), nil, false},
			{cs, pa, 1001, 5001, 20, Established, Established, nil, l(ackSyn), false},
		},
	},
	{
		// The third segment of the handshake already carries the FIN.
		name: "FIN on the handshake's ACK", initC: Closed, initS: Listen,
		rows: []row{
			{cs, SYN, 1000, 0, 0, SynSent, SynReceived, l(aOpen), l(rSyn), false},
			{sc, sa, 5000, 1001, 0, Established, SynReceived, l(rSynAck), nil, false},
			{cs, fa, 1001, 5001, 0, FinWait1, CloseWait, l(closeF), l(ackSyn, rFin), false},
			{sc, ACK, 5001, 1002, 0, FinWait2, CloseWait, l(ackFin), nil, false},
		},
	},
	{
		// The server closes before the handshake's last ACK arrives; that
		// ACK then acknowledges both its SYN and its FIN.
		name: "server closes in SYN_RECEIVED", initC: Closed, initS: Listen,
		rows: []row{
			{cs, SYN, 1000, 0, 0, SynSent, SynReceived, l(aOpen), l(rSyn), false},
			{sc, sa, 5000, 1001, 0, Established, SynReceived, l(rSynAck), nil, false},
			{sc, fa, 5001, 1001, 0, CloseWait, FinWait1, l(rFin), l(closeF), false},
			{cs, ACK, 1001, 5002, 0, CloseWait, FinWait2, nil, l(ackFin), false},
			{cs, fa, 1001, 5002, 0, LastAck, TimeWait, l(closeF), l(rFin), false},
			{sc, ACK, 5002, 1002, 0, Closed, TimeWait, l(ackFin), nil, false},
		},
	},
	{
		// The same pair is used again after a close: the TIME_WAIT side
		// leaves it by its timeout and opens again.
		name: "pair reused after TIME_WAIT", initC: Closed, initS: Listen,
		rows: cat(handshake(1000, 5000), []row{
			{cs, fa, 1001, 5001, 0, FinWait1, CloseWait, l(closeF), l(rFin), false},
			{sc, fa, 5001, 1002, 0, TimeWait, LastAck, l(rFinAck), l(closeF), false},
			{cs, ACK, 1002, 5002, 0, TimeWait, Closed, nil, l(ackFin), false},
			{cs, SYN, 90000, 0, 0, SynSent, SynReceived, l(tmo, aOpen), l(pOpen, rSyn), false},
			{sc, sa, 70000, 90001, 0, Established, SynReceived, l(rSynAck), nil, false},
			{cs, ACK, 90001, 70001, 0, Established, Established, nil, l(ackSyn), false},
		}),
	},
}

func labels(ts []Transition) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Label())
	}
	return out
}

// runCase steps a fresh machine through c's rows, checking every row's
// states and moves, and returns the states with the revisions applied.
func runCase(t *testing.T, c machineCase) (got [][2]State) {
	t.Helper()
	m := newMachine()
	for i, r := range c.rows {
		cl, sv := m.Step(r.dir, r.flags, r.seq, r.ack, r.length)
		var prev [2]State
		if i == 0 {
			// The first segment sets the initial states.
			prev[0], prev[1], _ = m.Initial()
		} else {
			prev = got[i-1]
		}
		got = append(got, [2]State{cl, sv})
		if cl != r.client || sv != r.server {
			t.Errorf("row %d (%v %v seq=%d ack=%d len=%d): states %v %v, want %v %v",
				i, r.dir, r.flags, r.seq, r.ack, r.length, cl, sv, r.client, r.server)
		}
		cm, sm := m.Moves()
		if !slices.Equal(labels(cm), r.cMoves) || !slices.Equal(labels(sm), r.sMoves) {
			t.Errorf("row %d: moves client %q server %q, want %q %q", i, labels(cm), labels(sm), r.cMoves, r.sMoves)
		}
		// The moves chain from the state before to the state after; a
		// side whose provisional state was revised at this row starts
		// from the revised state, which checkChain cannot know.
		for d, ms := range [][]Transition{cm, sm} {
			if err := checkChain(ms, got[i][d]); err != "" {
				t.Errorf("row %d side %d: %s", i, d, err)
			}
			if len(ms) == 0 && got[i][d] != prev[d] && !revisedAt(m.Revisions(), d == 0, i) {
				t.Errorf("row %d side %d: state changed %v → %v without a move", i, d, prev[d], got[i][d])
			}
		}
	}
	ic, is, assumed := m.Initial()
	if ic != c.initC || is != c.initS || assumed != c.assumed {
		t.Errorf("Initial() = %v %v %v, want %v %v %v", ic, is, assumed, c.initC, c.initS, c.assumed)
	}
	revs := m.Revisions()
	if !slices.Equal(revs, c.revs) {
		t.Errorf("Revisions() = %+v, want %+v", revs, c.revs)
	}
	for _, rv := range revs {
		d := 1
		if rv.Client {
			d = 0
		}
		for i := rv.From; i < rv.To; i++ {
			got[i][d] = rv.State
		}
	}
	return got
}

// revisedAt reports whether a revision of the side ends at row i: the side's
// state was corrected just before that row's segment.
func revisedAt(revs []Revision, client bool, i int) bool {
	for _, r := range revs {
		if r.Client == client && r.To == i {
			return true
		}
	}
	return false
}

// checkChain reports what is wrong with a sequence of moves ending in state
// to: moves must be diagram edges, each starting where the last ended.
func checkChain(ms []Transition, to State) string {
	for i, mv := range ms {
		if !slices.Contains(allEdges, mv) {
			return "move " + mv.Label() + " is not a diagram edge"
		}
		if i > 0 && ms[i-1].To != mv.From {
			return "moves do not chain: " + strings.Join(labels(ms), ", ")
		}
	}
	if len(ms) > 0 && ms[len(ms)-1].To != to {
		return "last move ends in " + ms[len(ms)-1].To.String() + ", state is " + to.String()
	}
	return ""
}

func TestMachine(t *testing.T) {
	for _, c := range machineCases {
		t.Run(c.name, func(t *testing.T) {
			got := runCase(t, c)
			// Transitions reconstructs each row's moves from the (revised)
			// states alone, as a view holding only a Segment's states does.
			var prev [2]State
			prev[0], prev[1], _ = runInitial(c)
			m := newMachine()
			for i, r := range c.rows {
				m.Step(r.dir, r.flags, r.seq, r.ack, r.length)
				cm, sm := m.Moves()
				if i > 0 {
					prev = got[i-1]
				}
				for d, want := range [][]Transition{cm, sm} {
					if inRevision(c.revs, d == 0, i) {
						continue
					}
					sender := (r.dir == C2S) == (d == 0)
					rec := Transitions(prev[d], got[i][d], r.flags, sender)
					if r.ambiguousFromPair && len(want) > 1 {
						// The documented ambiguity: the pair reads as the
						// single FIN,ACK move.
						if len(rec) != 1 || rec[0].Label() != rFinAck {
							t.Errorf("row %d side %d: Transitions %q, want the FIN,ACK shortcut", i, d, labels(rec))
						}
						continue
					}
					if !slices.Equal(labels(rec), labels(want)) {
						t.Errorf("row %d side %d: Transitions(%v, %v) = %q, Moves %q",
							i, d, prev[d], got[i][d], labels(rec), labels(want))
					}
				}
			}
		})
	}
}

// runInitial returns the initial states a case ends up reporting.
func runInitial(c machineCase) (State, State, bool) {
	m := newMachine()
	for _, r := range c.rows {
		m.Step(r.dir, r.flags, r.seq, r.ack, r.length)
	}
	return m.Initial()
}

func inRevision(revs []Revision, client bool, i int) bool {
	for _, r := range revs {
		if r.Client == client && r.From <= i && i < r.To {
			return true
		}
	}
	return false
}

// TestAllStatesOccur checks that the cases above reach every one of the
// eleven states on some side.
func TestAllStatesOccur(t *testing.T) {
	seen := map[State]bool{}
	for _, c := range machineCases {
		seen[c.initC], seen[c.initS] = true, true
		for _, r := range c.rows {
			seen[r.client], seen[r.server] = true, true
		}
	}
	for _, s := range AllStates() {
		if !seen[s] {
			t.Errorf("no case reaches %v", s)
		}
	}
	if len(seen) != NumStates {
		t.Errorf("%d states seen, want %d", len(seen), NumStates)
	}
}

func TestInitialBeforeAnySegment(t *testing.T) {
	m := newMachine()
	c, s, assumed := m.Initial()
	if c != Closed || s != Listen || assumed {
		t.Errorf("Initial() = %v %v %v, want CLOSED LISTEN false", c, s, assumed)
	}
}

// TestServerInitialFollowsAnswer checks that Initial reports LISTEN while the
// server has not answered and CLOSED from its RST on.
func TestServerInitialFollowsAnswer(t *testing.T) {
	m := newMachine()
	m.Step(C2S, SYN, 7, 0, 0)
	m.Step(C2S, SYN, 7, 0, 0)
	if _, s, _ := m.Initial(); s != Listen {
		t.Fatalf("before the answer the server is %v, want LISTEN", s)
	}
	m.Step(S2C, RST|ACK, 0, 8, 0)
	if _, s, _ := m.Initial(); s != Closed {
		t.Fatalf("after a RST answer the server is %v, want CLOSED", s)
	}
	if r := m.Revisions(); len(r) != 1 || r[0] != (Revision{Client: false, From: 0, To: 2, State: Closed}) {
		t.Errorf("Revisions() = %+v, want rows 0-1 of the server CLOSED", r)
	}
}

// TestStepAllocatesNothing checks that once the handshake's arrivals are
// confirmed, the rows kept for replay are dropped and stepping the data of
// an established connection allocates nothing.
func TestStepAllocatesNothing(t *testing.T) {
	m := newMachine()
	for _, r := range handshake(1000, 5000) {
		m.Step(r.dir, r.flags, r.seq, r.ack, r.length)
	}
	seq, ack := uint32(1001), uint32(5001)
	allocs := testing.AllocsPerRun(1000, func() {
		m.Step(C2S, PSH|ACK, seq, ack, 100)
		seq += 100
		m.Step(S2C, ACK, ack, seq, 0)
	})
	if allocs != 0 {
		t.Errorf("stepping an established conversation allocates %v times a round trip, want 0", allocs)
	}
	if got := m.Settled(); got != int(m.rows) {
		t.Errorf("Settled() = %d of %d rows: the data rows are kept for replay", got, m.rows)
	}
}

func BenchmarkMachineStep(b *testing.B) {
	rows := machineCases[0].rows
	b.ReportAllocs()
	for b.Loop() {
		m := newMachine()
		for _, r := range rows {
			m.Step(r.dir, r.flags, r.seq, r.ack, r.length)
		}
	}
}

// placedAfter reports whether an arrival was placed right after row n, the
// last of its receiver's segments that showed it had not arrived: the one
// way a segment sent twice in a row moves a state the second time.
func placedAfter(m *machine, n int) bool {
	for _, p := range m.Placements() {
		if p.AfterEvidence && p.Arrived == n {
			return true
		}
	}
	return false
}

// encodeRows writes rows in FuzzMachine's input format.
func encodeRows(rows []row) []byte {
	var out []byte
	for _, r := range rows {
		out = append(out, byte(r.dir&1)|byte(r.flags&0x7F)<<1)
		out = binary.BigEndian.AppendUint32(out, r.seq)
		out = binary.BigEndian.AppendUint32(out, r.ack)
		out = binary.BigEndian.AppendUint16(out, uint16(r.length))
	}
	return out
}

// FuzzMachine steps a machine through arbitrary segments (11 bytes each:
// direction and flags, SEQ, ACK, length) and checks that it never panics,
// that its states are valid, that its moves are diagram edges that chain
// into the states it returns, that its revisions name rows it returned, and
// that a segment repeated at once never moves a state.
func FuzzMachine(f *testing.F) {
	for _, c := range machineCases {
		f.Add(encodeRows(c.rows))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m := newMachine()
		var prevSeg []byte
		var prev [2]State
		n := 0
		for ; len(data) >= 11; data = data[11:] {
			seg := data[:11]
			dir := Dir(seg[0] & 1)
			flags := Flags(seg[0]>>1) & (FIN | SYN | RST | PSH | ACK | URG | ECE)
			seq := binary.BigEndian.Uint32(seg[1:])
			ack := binary.BigEndian.Uint32(seg[5:])
			length := uint32(binary.BigEndian.Uint16(seg[9:]))
			c, s := m.Step(dir, flags, seq, ack, length)
			if n == 0 {
				prev[0], prev[1], _ = m.Initial()
			}
			if c >= NumStates || s >= NumStates {
				t.Fatalf("segment %d: invalid states %d %d", n, c, s)
			}
			cm, sm := m.Moves()
			for d, ms := range [][]Transition{cm, sm} {
				st := [2]State{c, s}[d]
				if err := checkChain(ms, st); err != "" {
					t.Fatalf("segment %d side %d: %s", n, d, err)
				}
				if prevSeg != nil && string(prevSeg) == string(seg) && len(ms) > 0 && !placedAfter(&m, n) {
					t.Fatalf("segment %d side %d: a repeated segment moved %q", n, d, labels(ms))
				}
				if len(ms) > 0 && ms[0].From != prev[d] && !revisedAt(m.Revisions(), d == 0, n) {
					t.Fatalf("segment %d side %d: first move leaves %v, state was %v", n, d, ms[0].From, prev[d])
				}
				for _, tr := range Transitions(prev[d], st, flags, (dir == C2S) == (d == 0)) {
					if !slices.Contains(allEdges, tr) {
						t.Fatalf("Transitions(%v, %v) gives %q, not a diagram edge", prev[d], st, tr.Label())
					}
				}
			}
			prev, prevSeg = [2]State{c, s}, seg
			n++
		}
		ic, is, _ := m.Initial()
		if ic >= NumStates || is >= NumStates {
			t.Fatalf("invalid initial states %d %d", ic, is)
		}
		for _, r := range m.Revisions() {
			if r.From < 0 || r.From >= r.To || r.To > n || r.State >= NumStates {
				t.Fatalf("bad revision %+v of %d rows", r, n)
			}
		}
	})
}

// BenchmarkMachineLostFIN steps a half-closed connection whose FIN was lost
// after the capture point while the peer streams data below it: every data
// segment is evidence that moves the FIN's arrival, so the cost per
// segment must not grow with the rows since the FIN was first seen.
func BenchmarkMachineLostFIN(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				m := newMachine()
				for _, r := range handshake(1000, 5000) {
					m.Step(r.dir, r.flags, r.seq, r.ack, r.length)
				}
				m.Step(C2S, FIN|ACK, 1001, 5001, 0)
				seq := uint32(5001)
				for i := range n {
					m.Step(S2C, PSH|ACK, seq, 1001, 1000)
					seq += 1000
					m.Step(C2S, ACK, 1002, seq, 0)
					if i%1000 == 999 {
						m.Step(C2S, FIN|ACK, 1001, seq, 0)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(2*n), "ns/segment")
		})
	}
}
