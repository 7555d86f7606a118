package model

import (
	"sort"
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
	c := tl.Conv(s)
	if c == nil {
		return nil, nil
	}
	pc, ps := c.InitClient, c.InitServer
	if k := rowOf(c, segIndex); k > 0 {
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
	k := rowOf(c, segIndex)
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

// rowOf is the position of segment index i in c.Segs, or -1.
func rowOf(c *Conversation, i int) int {
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

// sideNames names a direction's sender and receiver.
func sideNames(d Dir) (sender, receiver string) {
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

// explainer is what the paragraphs of one segment's explanation share.
type explainer struct {
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
	c := tl.Conv(s)
	if c == nil {
		return nil
	}
	x := &explainer{tl: tl, c: c, s: s, k: rowOf(c, segIndex), abs: absolute}
	x.snd, x.rcv = sideNames(s.Dir)
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

func (x *explainer) seq(t *Segment) uint32 {
	if x.abs {
		return t.Seq
	}
	return t.RelSeq
}

func (x *explainer) ack(t *Segment) uint32 {
	if x.abs {
		return t.Ack
	}
	return t.RelAck
}

func (x *explainer) seqPart(t *Segment) part {
	return part{kind: partSeq, f: t.Frame, v: uint64(x.seq(t))}
}
func (x *explainer) ackPart(t *Segment) part {
	return part{kind: partAck, f: t.Frame, v: uint64(x.ack(t))}
}
func (x *explainer) nextPart(t *Segment) part {
	return part{kind: partNext, f: t.Frame, v: uint64(x.seq(t) + t.SeqLen())}
}
func (x *explainer) lastPart(t *Segment) part {
	return part{kind: partLast, f: t.Frame, v: uint64(x.seq(t) + t.Len - 1)}
}
func lenPart(t *Segment) part     { return part{kind: partLen, f: t.Frame, v: uint64(t.Len)} }
func seqLenPart(t *Segment) part  { return part{kind: partSeqLen, f: t.Frame, v: uint64(t.SeqLen())} }
func winPart(t *Segment) part     { return part{kind: partWin, f: t.Frame, v: uint64(t.Win)} }
func wireSeqPart(t *Segment) part { return part{kind: partWireSeq, f: t.Frame, v: uint64(t.Seq)} }
func gapPart(from, to uint32, ns int64) part {
	return part{kind: partGap, f: to, g: from, v: uint64(ns)}
}

// bytes writes "N byte(s)" with N a part.
func bytesOf(p part) string {
	if p.v == 1 {
		return "%v byte"
	}
	return "%v bytes"
}

// shift is the window scale shift of t's sender, or -1.
func (x *explainer) shift(t *Segment) int8 {
	return x.c.WinScale[t.Dir&1]
}

// winBytes is the window t advertises in bytes: scaled unless t is a SYN.
func (x *explainer) winBytes(t *Segment) uint64 {
	if sh := x.shift(t); sh >= 0 && !t.Flags.Has(SYN) {
		return uint64(t.Win) << uint(sh)
	}
	return uint64(t.Win)
}

// back calls fn for the conversation's segments before s, newest first,
// within explainScan, until fn returns false.
func (x *explainer) back(fn func(p *Segment) bool) {
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
