package model

import "sort"

// FrameKind says what a capture frame turned out to be.
type FrameKind uint8

const (
	// FrameTCP carries a TCP segment of a conversation (Timeline.SegOf).
	FrameTCP FrameKind = iota
	// FrameFragment is an IPv4 fragment that does not (yet) complete a
	// datagram; the segment it helps carry belongs to the completing frame.
	FrameFragment
	// FrameICMP is an ICMP or ICMPv6 error quoting a TCP header of a
	// conversation in the capture.
	FrameICMP
	// FrameOther is a well-formed frame that carries no TCP (ARP, UDP, ...).
	FrameOther
	// FrameUndecodable is a frame that could not be decoded: cut short by the
	// snap length, a bad header, an unsupported link type.
	FrameUndecodable
)

func (k FrameKind) String() string {
	switch k {
	case FrameTCP:
		return "tcp"
	case FrameFragment:
		return "fragment"
	case FrameICMP:
		return "icmp"
	case FrameOther:
		return "other"
	default:
		return "undecodable"
	}
}

// Frame is the compact record the timeline keeps for every frame of the
// capture. The frame's bytes are not kept: a view re-reads them from the
// capture file at Offset.
//
// It is 32 bytes, so that a million frames take 32 MB: what can be found
// otherwise is not repeated in every record. The segment a TCP frame
// carries is found by its frame number (Timeline.SegOf), and the few frames
// with a note have it in Timeline.FrameNotes (Timeline.Note).
type Frame struct {
	Offset  int64 // byte offset of the frame's data in the capture file
	TimeNS  int64 // capture timestamp, nanoseconds since the Unix epoch
	CapLen  uint32
	OrigLen uint32
	// Stream is the conversation this frame belongs to (TCP, fragments that
	// were reassembled into a segment, ICMP errors), or -1.
	Stream   int32
	LinkType uint16
	Kind     FrameKind
}

// FrameNote ties a frame to its note: why a frame is other or undecodable,
// or a fragment's or ICMP error's summary.
type FrameNote struct {
	Frame uint32 // 1-based frame number
	Note  uint32 // index in Timeline.Notes
}

// Segment is the compact record of one TCP segment in the timeline. It is
// 32 bytes with no 8-byte field, so that a million of them take 32 MB: what
// the frame record already holds (the time, the conversation) is read from
// there (Timeline.SegTime, Timeline.SegStream), and both sides' states share
// a byte.
type Segment struct {
	Frame  uint32 // 1-based frame number
	Seq    uint32 // absolute (raw) sequence number
	Ack    uint32 // absolute (raw) acknowledgement number
	RelSeq uint32 // relative sequence number, as tshark 4.x computes it
	RelAck uint32 // relative acknowledgement number (meaningful when ACK is set)
	Len    uint32 // payload length
	Win    uint16 // window as sent
	Flags  Flags
	Events Events
	Dir    Dir
	// states holds the client's state after this segment in its low four
	// bits and the server's in its high four (a State fits in four bits).
	states uint8
}

// Client is the client's state after this segment.
func (s *Segment) Client() State { return State(s.states & 0xF) }

// Server is the server's state after this segment.
func (s *Segment) Server() State { return State(s.states >> 4) }

// SetStates sets both sides' states after this segment.
func (s *Segment) SetStates(client, server State) { s.states = packStates(client, server) }

func packStates(client, server State) uint8 { return uint8(client&0xF) | uint8(server&0xF)<<4 }

// setClient and setServer change one side's state.
func (s *Segment) setClient(st State) { s.SetStates(st, s.Server()) }
func (s *Segment) setServer(st State) { s.SetStates(s.Client(), st) }

// Side returns the state after this segment of the side that sent it (from
// true) or received it (from false).
func (s *Segment) Side(sender bool) State {
	if (s.Dir == C2S) == sender {
		return s.Client()
	}
	return s.Server()
}

// SeqLen is how much sequence space the segment consumes: its payload plus
// one for a SYN and one for a FIN.
func (s *Segment) SeqLen() uint32 {
	n := s.Len
	if s.Flags&SYN != 0 {
		n++
	}
	if s.Flags&FIN != 0 {
		n++
	}
	return n
}

// Conversation is one TCP connection, numbered like tshark's tcp.stream.
type Conversation struct {
	Index  int
	Client Endpoint
	Server Endpoint
	// Segs lists the indices in Timeline.Segments of this conversation's
	// segments, in capture order.
	Segs []uint32
	// Extra lists the frame numbers of the conversation's frames that are
	// not segments: fragments reassembled into one of its segments, and ICMP
	// errors quoting it, in capture order.
	Extra []uint32
	// Base is each direction's relative-numbering base (index by Dir).
	Base [2]uint32
	// BaseFromSYN says whether Base[d] is a SYN's sequence number (true) or
	// inferred from the first segment seen (false).
	BaseFromSYN [2]bool
	// Assumed says the capture begins mid-connection: the states before the
	// first segment were assumed, not seen.
	Assumed bool
	// WinScale is the window scale shift each side (by Dir) announced in its
	// SYN when both SYNs carried the option (RFC 7323), so that its window
	// fields after the SYN count in units of 2^shift bytes; -1 when scaling
	// was not negotiated or the handshake was not seen.
	WinScale [2]int8
	// WinShift is each direction's window scale as tshark applies it to
	// that direction's tcp.window_size: the shift (at most 14) of the
	// option on the direction's own SYN, even when the peer's SYN was not
	// seen; -1 when no SYN of the direction was seen, -2 when the
	// handshake showed scaling is not used.
	WinShift [2]int8
	// InitClient and InitServer are the sides' states before the first
	// segment (LISTEN or CLOSED for a server, decided by how it answers).
	InitClient State
	InitServer State
	// Placements lists the arrivals (a SYN, a FIN, the ACK of either) that
	// the receiver's own segments showed had not arrived where they were
	// first seen, and where they were placed instead (see machine).
	Placements []Placement
	// Revised lists the rows whose state of one side later evidence changed
	// after a live view had been handed them (Builder.Live), so that the
	// view can mark them.
	Revised []RevisedState
	// Packets and Bytes count segments and payload bytes, by Dir.
	Packets [2]int
	Bytes   [2]uint64
	// EventCounts counts analysis events over the conversation, by name.
	EventCounts map[string]int
	// App is the application protocol and the server's name as the
	// conversation's first payload bytes in each direction show them (set
	// while indexing, from package app's Sniff).
	App AppHint
}

// AppHint names a conversation's application protocol ("SMTP", "TLS"; ""
// when unknown) and the server's name where the client gave it (TLS SNI,
// HTTP Host; "" otherwise), both printable. It is a string here so that the
// domain does not depend on the recognisers (package app), which depend on
// it.
type AppHint struct {
	Proto  string
	Server string
}

// RevisedState names one side's state on one row, changed by later
// evidence after it was first shown.
type RevisedState struct {
	Seg    uint32 // the row's index in Timeline.Segments
	Client bool
}

// WasRevised reports whether the state of a side (the client's when client)
// after segment seg was revised after it was first shown.
func (c *Conversation) WasRevised(seg uint32, client bool) bool {
	for _, r := range c.Revised {
		if r.Seg == seg && r.Client == client {
			return true
		}
	}
	return false
}

// ICMPError is an ICMP or ICMPv6 error that quotes a TCP header of one of the
// capture's conversations.
type ICMPError struct {
	Frame  uint32
	TimeNS int64 // nanoseconds since the first frame of the capture
	Stream int
	Src    Endpoint // the ICMP sender (Port 0)
	Dst    Endpoint
	// Kind is one of dest_unreachable port_unreachable frag_needed
	// time_exceeded packet_too_big other.
	Kind string
	Type uint8
	Code uint8
	MTU  uint32 // next-hop MTU for frag_needed / packet_too_big, else 0
	// Quoted is the quoted TCP header's endpoints and sequence number.
	QuotedSrc Endpoint
	QuotedDst Endpoint
	QuotedSeq uint32
	// QuotedFlags are the quoted TCP header's flags, and QuotedTCPLen how
	// many bytes of that header the error quotes (0: not known). tshark
	// looks the conversation up from a quote that reaches the window field
	// (16 bytes or more) exactly as from a segment: it opens one for a pair
	// not seen yet, and a new one for a SYN with a new ISN, which later
	// segments then join. The builder does the same, so stream numbers stay
	// tshark's.
	QuotedFlags  Flags
	QuotedTCPLen uint8
}

// Fragment describes one IPv4 fragment frame.
type Fragment struct {
	Frame  uint32
	ID     uint16
	DF, MF bool
	Offset uint16 // fragment offset in bytes
	Len    uint16 // fragment payload length in bytes
	// Completes is the frame number that completed the datagram this
	// fragment belongs to, 0 while it is incomplete.
	Completes uint32
}

// Timeline is a decoded capture: every frame, every TCP segment in capture
// order, the conversations, and the ICMP errors and fragments tied to them.
type Timeline struct {
	Frames        []Frame
	Segments      []Segment
	Conversations []*Conversation
	ICMP          []ICMPError
	Fragments     []Fragment
	// Notes holds frame notes; Notes[0] is the empty note.
	Notes []string
	// FrameNotes lists the frames that have a note, in frame order.
	FrameNotes []FrameNote
	// StartNS is the capture timestamp of the first frame.
	StartNS int64
	// Warnings are problems with the file as a whole (cut short at byte N).
	Warnings []string
}

// Note returns the note of frame n ("" when none).
func (t *Timeline) Note(n uint32) string {
	fn := t.FrameNotes
	i := sort.Search(len(fn), func(i int) bool { return fn[i].Frame >= n })
	if i < len(fn) && fn[i].Frame == n && int(fn[i].Note) < len(t.Notes) {
		return t.Notes[fn[i].Note]
	}
	return ""
}

// SegOf returns the index in Segments of the segment frame n carries, -1
// when it carries none. Segments are in capture order, so a binary search
// finds it.
func (t *Timeline) SegOf(n uint32) int {
	return segOf(t.Segments, n, 0)
}

// segOf finds frame n's segment in segs, whose first record is number base.
func segOf(segs []Segment, n uint32, base int) int {
	i := sort.Search(len(segs), func(i int) bool { return segs[i].Frame >= n })
	if i < len(segs) && segs[i].Frame == n {
		return i + base
	}
	return -1
}

// SegTime returns a segment's capture time in nanoseconds since the first
// frame (StartNS), read from its frame's record; 0 when that record is not
// held.
func (t *Timeline) SegTime(s *Segment) int64 {
	if i := int(s.Frame) - 1; i >= 0 && i < len(t.Frames) {
		return t.Frames[i].TimeNS - t.StartNS
	}
	return 0
}

// SegStream returns the index of the conversation a segment belongs to, read
// from its frame's record; -1 when that record is not held.
func (t *Timeline) SegStream(s *Segment) int {
	if i := int(s.Frame) - 1; i >= 0 && i < len(t.Frames) {
		return int(t.Frames[i].Stream)
	}
	return -1
}

// Conv returns the conversation a segment belongs to, nil when it is not
// known.
func (t *Timeline) Conv(s *Segment) *Conversation {
	if i := t.SegStream(s); i >= 0 && i < len(t.Conversations) {
		return t.Conversations[i]
	}
	return nil
}

// SrcDst returns a segment's source and destination endpoints (zero when its
// conversation is not known).
func (t *Timeline) SrcDst(s *Segment) (src, dst Endpoint) {
	c := t.Conv(s)
	if c == nil {
		return Endpoint{}, Endpoint{}
	}
	if s.Dir == C2S {
		return c.Client, c.Server
	}
	return c.Server, c.Client
}
