package model

// This file reproduces the sequence analysis of Wireshark's TCP dissector
// (epan/dissectors/packet-tcp.c, tcp_analyze_sequence_number and the parts of
// dissect_tcp around it) as tshark 4.0.17 runs it with default preferences
// in a single pass. The goal is to flag the same tcp.analysis.* events on the same
// frames and to compute the same relative numbers, so the rules below keep
// tshark's order and its quirks (a keep-alive is never a retransmission, a
// zero window probe does not move nextseq, unsigned time differences, ...).
// The code is ours; the comments name the tshark rule each part mirrors.

// maxUnacked is tshark's TCP_MAX_UNACKED_SEGMENTS: past this many unacked
// segments in one direction it stops remembering new ones, and (a quirk we
// keep) then no longer counts a SYN or FIN in the next expected sequence
// number.
const maxUnacked = 10000

// dupAckUnseen is tshark's -1 in its unsigned duplicate ACK counter.
const dupAckUnseen = ^uint32(0)

// Window scale states, as tshark keeps them per direction.
const (
	wsUnknown int8 = -1 // no SYN seen yet: the scale is not known
	wsNone    int8 = -2 // the handshake showed that scaling is not used
)

// Time thresholds of tshark's retransmission classification, in nanoseconds.
const (
	fastRetransWindowNS = 20_000_000 // a fast retransmission follows the dup ACKs within 20 ms
	outOfOrderDefaultNS = 3_000_000  // out-of-order threshold when no handshake RTT is known
)

// seqRange is one segment still waiting for its acknowledgement.
type seqRange struct{ seq, next uint32 }

// flowState is one direction's analysis state: tshark's tcp_flow_t with its
// tcp_analyze_seq_flow_info_t, reduced to what the flags need.
//
// Its fields are ordered widest first, so that padding does not make every
// conversation's state larger than it needs to be.
type flowState struct {
	// unacked are this direction's segments not yet acknowledged; tshark
	// keeps them to stop remembering at maxUnacked. scanAck/scanned let a
	// repeated ACK number skip the part of the list it already examined.
	unacked []seqRange

	nextseqTime int64 // capture time (ns since the epoch) when nextseq last moved
	lastackTime int64 // capture time of this direction's last segment

	base            uint32 // relative-numbering base
	nextseq         uint32 // highest next sequence number seen (0: none yet)
	maxseqtobeacked uint32 // highest contiguous sequence number, for ack_lost_segment
	lastack         uint32 // the last ACK number this direction sent
	window          uint32 // the last window field this direction sent (unscaled)
	scanAck         uint32
	scanned         int32 // at most maxUnacked
	// dupacknum counts duplicate ACKs in a row; dupAckUnseen marks an ACK of
	// an unseen segment. It is unsigned as in tshark 4.0, where that mark
	// (-1) therefore also counts as "at least two duplicate ACKs" for the
	// fast retransmission rule.
	dupacknum   uint32
	lastFlags   Events // the events of this direction's last segment
	winScale    int8   // shift, or wsUnknown / wsNone
	baseSet     bool
	baseFromSYN bool
	isFirstAck  bool // a SYN was sent and no pure ACK yet: its window is not scaled
	scanValid   bool
}

func newFlowState() flowState {
	return flowState{window: 0xFFFFFFFF, winScale: wsUnknown}
}

// Sequence-space comparisons modulo 2^32, as tshark's GT_SEQ, LT_SEQ, LE_SEQ.
func seqGT(x, y uint32) bool { return int32(y-x) < 0 }
func seqLT(x, y uint32) bool { return int32(x-y) < 0 }
func seqLE(x, y uint32) bool { return int32(x-y) <= 0 }

// connState is a conversation's builder-side state: both directions'
// analysis, the handshake timings the out-of-order rule uses, and the state
// machine. It lives only while the timeline is being built.
//
// The builder keeps one per conversation, so it is kept small: the machine
// is part of it rather than an allocation of its own, and the builder
// allocates connStates a slab at a time (see Builder.newConnState).
type connState struct {
	flows      [2]flowState // by Dir
	machine    machine
	tsMruSyn   int64 // capture time of the latest pure SYN (0: none)
	tsFirstRTT int64 // SYN to first pure ACK (0: not known)
	dropped    int   // how many of the first rows Forget has dropped from Segs
	sawSYN     bool  // a SYN without ACK has been seen: the client is settled
}

// reset makes cs the state of a conversation before its first segment.
func (cs *connState) reset() {
	*cs = connState{flows: [2]flowState{newFlowState(), newFlowState()}, machine: newMachine()}
}

// synFinRst are the flags that exclude a segment from most of tshark's
// window and keep-alive rules.
const synFinRst = SYN | FIN | RST

// analyze runs tshark's tcp_analyze_sequence_number for one segment sent in
// direction d at capture time now (ns since the epoch) and returns the events
// it finds. ev holds events already found for this segment (reused_ports).
func (cs *connState) analyze(d Dir, seq, ack, seglen uint32, flags Flags, window uint32, now int64, ev Events) Events {
	fwd, rev := &cs.flows[d], &cs.flows[d^1]

	// The base of this direction: the SYN's sequence number, else one less
	// than the first sequence number seen, so numbering starts at 1.
	if !fwd.baseSet {
		if flags&SYN != 0 {
			fwd.base = seq
			fwd.baseFromSYN = true
		} else {
			fwd.base = seq - 1
		}
		fwd.baseSet = true
	}
	// The other direction's base from the first ACK: ack-1 is the ISN when
	// the SYN/ACK was missed, and as good a guess as any otherwise.
	if !rev.baseSet && flags&ACK != 0 {
		rev.base = ack - 1
		rev.baseSet = true
	}

	noSFR := flags&synFinRst == 0
	nextseq := fwd.nextseq
	sameAsPrev := seglen == 0 && seq == nextseq && ack == fwd.lastack && noSFR

	switch {
	case seglen == 1 && seq == nextseq && rev.window == 0:
		// Zero window probe: one byte at the next sequence number while the
		// peer's window is closed. Nothing else is checked for it.
		ev = ev.Add(ZeroWindowProbe)
	default:
		if window == 0 && noSFR {
			ev = ev.Add(ZeroWindow)
		}
		// Lost segment: this one starts beyond what we have seen.
		if nextseq != 0 && seqGT(seq, nextseq) && flags&RST == 0 {
			ev = ev.Add(LostSegment)
		}
		// Keep-alive: zero or one byte, one before the next sequence number.
		if (seglen == 0 || seglen == 1) && seq == nextseq-1 && noSFR {
			ev = ev.Add(KeepAlive)
		}
		// Window update: an empty segment repeating SEQ/ACK with a new window.
		if sameAsPrev && window != 0 && window != fwd.window {
			ev = ev.Add(WindowUpdate)
		}
		// Window full: the data reaches the edge of the peer's advertised
		// window. Only when the peer's scale is known (or known unused); a
		// window sent before the peer's first pure ACK is not scaled.
		if seglen > 0 && rev.winScale != wsUnknown && noSFR {
			shift := uint32(0)
			if !rev.isFirstAck && rev.winScale >= 0 {
				shift = uint32(rev.winScale)
			}
			if seq+seglen == rev.lastack+rev.window<<shift {
				ev = ev.Add(WindowFull)
			}
		}
		switch {
		case sameAsPrev && window != 0 && window == fwd.window && rev.lastFlags.Has(KeepAlive):
			ev = ev.Add(KeepAliveAck)
		case sameAsPrev && window == 0 && fwd.window == 0 && rev.lastFlags.Has(ZeroWindowProbe):
			ev = ev.Add(ZeroWindowProbeAck)
		case sameAsPrev && window != 0 && window == fwd.window:
			// Duplicate ACK; after an ACK of an unseen segment (-1) the count
			// restarts at one.
			if fwd.dupacknum == dupAckUnseen {
				fwd.dupacknum = 1
			} else {
				fwd.dupacknum++
			}
			ev = ev.Add(DuplicateAck)
		}
	}

	// A new ACK number ends a run of duplicate ACKs.
	if ack != fwd.lastack {
		fwd.dupacknum = 0
	}

	// ACKed lost segment: this acknowledges beyond what the other direction
	// has been seen to send. tshark reports it once per hole.
	if rev.maxseqtobeacked != 0 && seqGT(ack, rev.maxseqtobeacked) && flags&ACK != 0 {
		if seqLT(rev.maxseqtobeacked, rev.nextseq) {
			// Jump past the hole so it is reported once.
			rev.maxseqtobeacked = rev.nextseq
			ev = ev.Add(AckLostSegment)
		} else {
			// The other side is stalled: report once until it sends a
			// new ACK number (which resets its dupacknum).
			if rev.dupacknum == 0 {
				ev = ev.Add(AckLostSegment)
			}
			rev.dupacknum = dupAckUnseen
		}
	}

	// Retransmission, fast retransmission, spurious retransmission, out of
	// order: a segment with data (or SYN/FIN) that does not advance.
	if (seglen > 0 || flags&(SYN|FIN) != 0) && !ev.Has(KeepAlive) {
		notAdvanced := nextseq != 0 && seqLT(seq, nextseq)
		// More than one byte starting one before nextseq follows a zero
		// window probe: it is new data.
		if seglen > 1 && nextseq-1 == seq {
			notAdvanced = false
		}
		switch {
		case seglen > 0 && rev.lastack != 0 && seqLE(seq+seglen, rev.lastack):
			// Everything in it was already acknowledged.
			ev = ev.Add(SpuriousRetransmission).Add(Retransmission)
		case notAdvanced && rev.dupacknum >= 2 && rev.lastack == seq &&
			uint64(now-rev.lastackTime) < fastRetransWindowNS:
			ev = ev.Add(FastRetransmission).Add(Retransmission)
		case notAdvanced && uint64(now-fwd.nextseqTime) < cs.outOfOrderThreshold() &&
			nextseq != seq+seglen+boolU32(flags&(SYN|FIN) != 0):
			ev = ev.Add(OutOfOrder)
		case notAdvanced:
			ev = ev.Add(Retransmission)
		}
	}

	// Remember the segment and move nextseq / maxseqtobeacked.
	end := seq + seglen
	if (seglen > 0 || flags&(SYN|FIN) != 0) && len(fwd.unacked) < maxUnacked {
		if flags&(SYN|FIN) != 0 {
			end++
		}
		fwd.unacked = append(fwd.unacked, seqRange{seq, end})
	}
	probe := ev.Has(ZeroWindowProbe)
	if (seqGT(end, fwd.nextseq) || fwd.nextseq == 0) && !probe {
		fwd.nextseq = end
		fwd.nextseqTime = now
	}
	if (seq == fwd.maxseqtobeacked || fwd.maxseqtobeacked == 0) && !probe {
		fwd.maxseqtobeacked = fwd.nextseq
	}
	fwd.window = window
	fwd.lastack = ack
	fwd.lastackTime = now
	fwd.lastFlags = ev

	rev.acked(ack)
	return ev
}

// outOfOrderThreshold is the handshake's RTT when known, else 3 ms. A
// negative RTT (timestamps going backwards) becomes huge, as in tshark's
// unsigned arithmetic.
func (cs *connState) outOfOrderThreshold() uint64 {
	if cs.tsFirstRTT == 0 {
		return outOfOrderDefaultNS
	}
	return uint64(cs.tsFirstRTT)
}

func boolU32(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

// acked drops the segments that ack acknowledges and trims the ones it
// acknowledges in part, as tshark's unacked list walk does for every segment
// of the other direction (ACK flag or not).
func (f *flowState) acked(ack uint32) {
	start := 0
	if f.scanValid && f.scanAck == ack {
		// The part already walked with this same ACK cannot change.
		start = int(f.scanned)
	}
	w := start
	for r := start; r < len(f.unacked); r++ {
		u := f.unacked[r]
		switch {
		case ack == u.next:
			continue // acknowledged exactly
		case seqGT(ack, u.seq) && seqLE(ack, u.next):
			u.seq = ack // acknowledged in part
		case seqGT(u.next, ack):
			// not acknowledged yet
		default:
			continue // acknowledged long ago
		}
		f.unacked[w] = u
		w++
	}
	f.unacked = f.unacked[:w]
	f.scanAck, f.scanned, f.scanValid = ack, int32(w), true
}

// afterAnalysis applies what dissect_tcp does after the sequence analysis of a
// segment (also for a segment too short to analyse): the handshake timing
// used as out-of-order threshold, the "first ACK" window exception, and the
// window scale option with its check on SYN segments.
func (cs *connState) afterAnalysis(d Dir, flags Flags, winScale int8, now int64) {
	fwd, rev := &cs.flows[d], &cs.flows[d^1]
	if flags&SYN != 0 {
		if flags&ACK == 0 {
			cs.tsMruSyn = now
		}
		fwd.isFirstAck = true
	}
	if flags&(SYN|ACK) == ACK {
		if cs.tsMruSyn != 0 && cs.tsFirstRTT == 0 {
			cs.tsFirstRTT = now - cs.tsMruSyn
		}
		fwd.isFirstAck = false
	}
	if winScale >= 0 {
		// RFC 7323: a shift above 14 is taken as 14.
		fwd.winScale = min(winScale, 14)
	}
	if flags&SYN != 0 {
		switch {
		case fwd.winScale == wsUnknown:
			// A SYN without the option: neither side scales.
			fwd.winScale, rev.winScale = wsNone, wsNone
		case flags&ACK != 0 && rev.winScale == wsNone:
			// The SYN/ACK has it but the SYN had not: not used either.
			fwd.winScale = wsNone
		}
	}
}
