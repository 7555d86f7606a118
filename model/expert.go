package model

import (
	"slices"
	"sort"
)

// This file is the expert summary: every finding of a capture (or of one
// conversation) counted and listed by frame, grouped by how much it matters,
// in the spirit of Wireshark's Analyze → Expert Information. The severities
// are Wireshark's, as tshark 4.0 (packet-tcp.c's expert infos) gives them to
// the same notions: a reset is a warning, not an error ("According to RFCs,
// RST is an indication of an error. Some applications use it to terminate a
// connection as well"), a retransmission is a note, a window update a chat.

// Severity ranks a finding as Wireshark's Expert Information does, from
// Chat (normal workflow) up to Error (a frame that could not be read).
type Severity uint8

// The severities, lowest first.
const (
	SeverityChat Severity = iota
	SeverityNote
	SeverityWarning
	SeverityError
)

// NumSeverities is how many severities there are.
const NumSeverities = 4

func (s Severity) String() string {
	switch s {
	case SeverityChat:
		return "chat"
	case SeverityNote:
		return "note"
	case SeverityWarning:
		return "warning"
	default:
		return "error"
	}
}

// Plural is the severity as a heading: "Errors", "Warnings", "Notes",
// "Chats".
func (s Severity) Plural() string {
	switch s {
	case SeverityChat:
		return "Chats"
	case SeverityNote:
		return "Notes"
	case SeverityWarning:
		return "Warnings"
	default:
		return "Errors"
	}
}

// ExpertKind is what one expert row counts: one of the analysis events
// (Event), or a fact about a segment's flags or a frame that Wireshark's
// expert information reports too (a SYN, a reset, who closed first, a frame
// that could not be decoded).
type ExpertKind uint8

// The expert kinds. Their order is the order of rows of equal severity and
// count.
const (
	ExpertUndecodable ExpertKind = iota
	ExpertReset
	ExpertOutOfOrder
	ExpertLostSegment
	ExpertAckLostSegment
	ExpertZeroWindow
	ExpertWindowFull
	ExpertRetransmission
	ExpertFastRetransmission
	ExpertSpuriousRetransmission
	ExpertDuplicateAck
	ExpertZeroWindowProbe
	ExpertZeroWindowProbeAck
	ExpertKeepAlive
	ExpertKeepAliveAck
	ExpertReusedPorts
	ExpertAckWithoutFlag
	ExpertCloseActive
	ExpertClosePassive
	ExpertWindowUpdate
	ExpertSYN
	ExpertSYNACK
	ExpertFIN
	numExpertKinds
)

// expertKinds describes each kind: its stable name (an event's is the event's
// tshark name, as the dump contract spells it), severity, the event it counts
// (0 for a kind that is not an analysis event) and tcpstep's words for it.
var expertKinds = [numExpertKinds]struct {
	name  string
	sev   Severity
	event Event
	words string
}{
	ExpertUndecodable:            {"undecodable", SeverityError, 0, "frame that could not be decoded"},
	ExpertReset:                  {"rst", SeverityWarning, 0, "connection reset (RST)"},
	ExpertOutOfOrder:             {"out_of_order", SeverityWarning, OutOfOrder, "out of order: arrives after data that follows it"},
	ExpertLostSegment:            {"lost_segment", SeverityWarning, LostSegment, "a previous segment was not captured"},
	ExpertAckLostSegment:         {"ack_lost_segment", SeverityWarning, AckLostSegment, "acknowledges data that was not captured"},
	ExpertZeroWindow:             {"zero_window", SeverityWarning, ZeroWindow, "zero window: the receiver takes no more data"},
	ExpertWindowFull:             {"window_full", SeverityWarning, WindowFull, "window full: the sender filled the receiver's window"},
	ExpertRetransmission:         {"retransmission", SeverityNote, Retransmission, "retransmission: data sent again"},
	ExpertFastRetransmission:     {"fast_retransmission", SeverityNote, FastRetransmission, "fast retransmission: resent after duplicate ACKs"},
	ExpertSpuriousRetransmission: {"spurious_retransmission", SeverityNote, SpuriousRetransmission, "spurious retransmission: resends acknowledged data"},
	ExpertDuplicateAck:           {"duplicate_ack", SeverityNote, DuplicateAck, "duplicate ACK"},
	ExpertZeroWindowProbe:        {"zero_window_probe", SeverityNote, ZeroWindowProbe, "zero-window probe"},
	ExpertZeroWindowProbeAck:     {"zero_window_probe_ack", SeverityNote, ZeroWindowProbeAck, "ACK of a zero-window probe"},
	ExpertKeepAlive:              {"keep_alive", SeverityNote, KeepAlive, "keep-alive"},
	ExpertKeepAliveAck:           {"keep_alive_ack", SeverityNote, KeepAliveAck, "ACK of a keep-alive"},
	ExpertReusedPorts:            {"reused_ports", SeverityNote, ReusedPorts, "new connection on the ports of an earlier one"},
	ExpertAckWithoutFlag:         {"ack_nonzero", SeverityNote, 0, "acknowledgement number set without the ACK flag"},
	ExpertCloseActive:            {"fin_active", SeverityNote, 0, "FIN of the side that closed first"},
	ExpertClosePassive:           {"fin_passive", SeverityNote, 0, "FIN of the side that closed second"},
	ExpertWindowUpdate:           {"window_update", SeverityChat, WindowUpdate, "window update"},
	ExpertSYN:                    {"syn", SeverityChat, 0, "connection request (SYN)"},
	ExpertSYNACK:                 {"syn_ack", SeverityChat, 0, "connection accepted (SYN+ACK)"},
	ExpertFIN:                    {"fin", SeverityChat, 0, "connection finish (FIN)"},
}

// String is the kind's stable name: an event's tshark name
// ("retransmission"), or rst, syn, syn_ack, fin, fin_active, fin_passive,
// ack_nonzero, undecodable.
func (k ExpertKind) String() string {
	if k < numExpertKinds {
		return expertKinds[k].name
	}
	return "unknown"
}

// Severity is how much a finding of this kind matters (Wireshark's level for
// the same notion).
func (k ExpertKind) Severity() Severity {
	if k < numExpertKinds {
		return expertKinds[k].sev
	}
	return SeverityNote
}

// Event is the analysis event the kind counts, 0 for the kinds that count
// flags or frames.
func (k ExpertKind) Event() Event {
	if k < numExpertKinds {
		return expertKinds[k].event
	}
	return 0
}

// Words says what the kind means, in a few plain words.
func (k ExpertKind) Words() string {
	if k < numExpertKinds {
		return expertKinds[k].words
	}
	return "unknown"
}

// ExpertKinds lists every kind, in row order.
func ExpertKinds() []ExpertKind {
	out := make([]ExpertKind, numExpertKinds)
	for i := range out {
		out[i] = ExpertKind(i)
	}
	return out
}

// ExpertRow is one kind of finding: how many frames show it and which,
// over the whole capture and by conversation.
type ExpertRow struct {
	Kind     ExpertKind
	Severity Severity
	// Count is len(Frames).
	Count int
	// Frames are the frame numbers (1-based) that show the finding, in
	// capture order.
	Frames []uint32
	// Streams splits Frames by conversation, in stream order; frames of no
	// conversation (an undecodable frame) have Stream -1, listed first.
	Streams []ExpertStream
}

// ExpertStream is the part of a row in one conversation.
type ExpertStream struct {
	Stream int
	Frames []uint32
}

// ExpertGroup is the rows of one severity.
type ExpertGroup struct {
	Severity Severity
	// Count is the sum of the rows' counts.
	Count int
	Rows  []ExpertRow
}

// ExpertInfo is the expert summary of a capture or of one conversation:
// the groups that have rows, the most severe first; in each, the rows with
// the highest count first (ties in ExpertKinds order). A view shows a group
// as a heading, a row as a line it can open into its conversations and
// frames.
type ExpertInfo struct {
	// Stream is the conversation summarised, -1 for the whole capture.
	Stream int
	Groups []ExpertGroup
}

// Count returns how many findings of severity s there are.
func (e *ExpertInfo) Count(s Severity) int {
	for _, g := range e.Groups {
		if g.Severity == s {
			return g.Count
		}
	}
	return 0
}

// Rows lists every row of every group, in order.
func (e *ExpertInfo) Rows() []ExpertRow {
	var out []ExpertRow
	for _, g := range e.Groups {
		out = append(out, g.Rows...)
	}
	return out
}

// Row returns the row of kind k, false when no frame shows it.
func (e *ExpertInfo) Row(k ExpertKind) (ExpertRow, bool) {
	for _, g := range e.Groups {
		for _, r := range g.Rows {
			if r.Kind == k {
				return r, true
			}
		}
	}
	return ExpertRow{}, false
}

// Expert summarises the findings of conversation stream of tl, or of the
// whole capture when stream is negative. A segment counts once in each
// kind it shows, so that an event's count is the number of segments that
// the dump contract lists with that event.
//
// The flag kinds follow tshark's expert infos: a SYN without ACK is a
// request, with ACK an acceptance; every segment with FIN is a finish and
// every one with RST a reset. The first FIN of a conversation names the side
// that closed first: its FINs (retransmissions too) are fin_active, the
// other side's fin_passive. ack_nonzero is a segment without the ACK flag
// whose acknowledgement field is not zero.
func Expert(tl *Timeline, stream int) ExpertInfo {
	if stream < 0 {
		stream = -1
	}
	var frames [numExpertKinds][]uint32
	add := func(k ExpertKind, f uint32) { frames[k] = append(frames[k], f) }
	// closer is each conversation's side that sent the first FIN.
	closer := map[int]Dir{}
	for i := range tl.Segments {
		s := &tl.Segments[i]
		st := tl.SegStream(s)
		if stream >= 0 && st != stream {
			continue
		}
		for k := ExpertKind(0); k < numExpertKinds; k++ {
			if e := expertKinds[k].event; e != 0 && s.Events.Has(e) {
				add(k, s.Frame)
			}
		}
		switch {
		case s.Flags&(SYN|ACK) == SYN:
			add(ExpertSYN, s.Frame)
		case s.Flags.Has(SYN | ACK):
			add(ExpertSYNACK, s.Frame)
		}
		if s.Flags&FIN != 0 {
			add(ExpertFIN, s.Frame)
			d, ok := closer[st]
			if !ok {
				d = s.Dir
				closer[st] = d
			}
			if s.Dir == d {
				add(ExpertCloseActive, s.Frame)
			} else {
				add(ExpertClosePassive, s.Frame)
			}
		}
		if s.Flags&RST != 0 {
			add(ExpertReset, s.Frame)
		}
		if s.Flags&ACK == 0 && s.Ack != 0 {
			add(ExpertAckWithoutFlag, s.Frame)
		}
	}
	if stream < 0 {
		for i := range tl.Frames {
			if tl.Frames[i].Kind == FrameUndecodable {
				add(ExpertUndecodable, uint32(i+1))
			}
		}
	}
	info := ExpertInfo{Stream: stream}
	for sev := SeverityError; ; sev-- {
		g := ExpertGroup{Severity: sev}
		for k := ExpertKind(0); k < numExpertKinds; k++ {
			if expertKinds[k].sev != sev || len(frames[k]) == 0 {
				continue
			}
			g.Rows = append(g.Rows, expertRow(tl, k, frames[k]))
			g.Count += len(frames[k])
		}
		if len(g.Rows) > 0 {
			sort.SliceStable(g.Rows, func(i, j int) bool { return g.Rows[i].Count > g.Rows[j].Count })
			info.Groups = append(info.Groups, g)
		}
		if sev == SeverityChat {
			break
		}
	}
	return info
}

// expertRow makes the row of kind k from its frames (in capture order, as
// the segments are), split by conversation.
func expertRow(tl *Timeline, k ExpertKind, frames []uint32) ExpertRow {
	r := ExpertRow{Kind: k, Severity: expertKinds[k].sev, Count: len(frames), Frames: frames}
	by := map[int][]uint32{}
	for _, f := range frames {
		st := -1
		if i := int(f) - 1; i >= 0 && i < len(tl.Frames) {
			st = int(tl.Frames[i].Stream)
		}
		by[st] = append(by[st], f)
	}
	keys := make([]int, 0, len(by))
	for st := range by {
		keys = append(keys, st)
	}
	slices.Sort(keys)
	for _, st := range keys {
		r.Streams = append(r.Streams, ExpertStream{Stream: st, Frames: by[st]})
	}
	return r
}
