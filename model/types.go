// Package model holds tcpstep's domain: the timeline of a capture, its TCP
// conversations and segments, the RFC 793 state machine as a passive observer
// infers it, relative sequence numbering, analysis events and explanations.
//
// It is pure Go: no I/O, no gopacket, no terminal. The decoder (package
// decode) turns capture bytes into Packet values and feeds them to a Builder;
// the interface (package ui) reads the finished Timeline.
package model

import (
	"net/netip"
	"strings"
)

// Dir is the direction of a segment within its conversation.
type Dir uint8

const (
	// C2S is a segment sent by the client to the server.
	C2S Dir = iota
	// S2C is a segment sent by the server to the client.
	S2C
)

func (d Dir) String() string {
	if d == S2C {
		return "s2c"
	}
	return "c2s"
}

// Flags are the TCP header's flag bits as they sit on the wire: FIN is bit 0,
// NS (AE, RFC 3540/AccECN) bit 8; bits 9-11 are reserved.
type Flags uint16

// The TCP flag bits.
const (
	FIN Flags = 1 << iota
	SYN
	RST
	PSH
	ACK
	URG
	ECE
	CWR
	NS
	// Reserved covers the three reserved header bits (0xE00).
	Reserved Flags = 0xE00
)

var flagNames = []struct {
	f    Flags
	name string
}{
	{CWR, "CWR"}, {ECE, "ECE"}, {URG, "URG"}, {ACK, "ACK"}, {PSH, "PSH"},
	{RST, "RST"}, {SYN, "SYN"}, {FIN, "FIN"}, {NS, "NS"},
}

// Has reports whether every bit of x is set in f.
func (f Flags) Has(x Flags) bool { return f&x == x }

// Names lists the set flags by name in the order CWR ECE URG ACK PSH RST SYN
// FIN NS, the order of the dump contract.
func (f Flags) Names() []string {
	out := make([]string, 0, 4)
	for _, n := range flagNames {
		if f&n.f != 0 {
			out = append(out, n.name)
		}
	}
	return out
}

// String joins the set flags with commas, e.g. "SYN,ACK"; "none" when none.
func (f Flags) String() string {
	names := f.Names()
	if len(names) == 0 {
		return "none"
	}
	// Read as people say it: SYN,ACK rather than ACK,SYN.
	order := map[string]int{"SYN": 0, "FIN": 1, "RST": 2, "PSH": 3, "ACK": 4, "URG": 5, "ECE": 6, "CWR": 7, "NS": 8}
	sorted := make([]string, len(names))
	copy(sorted, names)
	for i := 1; i < len(sorted); i++ {
		for j := i; j > 0 && order[sorted[j]] < order[sorted[j-1]]; j-- {
			sorted[j], sorted[j-1] = sorted[j-1], sorted[j]
		}
	}
	return strings.Join(sorted, ",")
}

// State is one of the eleven connection states of RFC 793.
type State uint8

// The RFC 793 states. Their order is the RFC's.
const (
	Closed State = iota
	Listen
	SynSent
	SynReceived
	Established
	FinWait1
	FinWait2
	CloseWait
	Closing
	LastAck
	TimeWait
)

// NumStates is how many states RFC 793 defines.
const NumStates = 11

var stateNames = [NumStates]string{
	"CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1",
	"FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT",
}

func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "UNKNOWN"
}

// AllStates lists the eleven states in RFC order.
func AllStates() []State {
	out := make([]State, NumStates)
	for i := range out {
		out[i] = State(i)
	}
	return out
}

// Event is one analysis finding, named and meant as tshark's tcp.analysis.*.
type Event uint16

// The analysis events, in the order of the dump contract.
const (
	Retransmission Event = 1 << iota
	FastRetransmission
	SpuriousRetransmission
	OutOfOrder
	LostSegment
	AckLostSegment
	DuplicateAck
	ZeroWindow
	ZeroWindowProbe
	KeepAlive
	KeepAliveAck
	WindowUpdate
	WindowFull
	ReusedPorts
	// ZeroWindowProbeAck is tshark's zero_window_probe_ack; it is not part of
	// the dump contract's list but the explanation names it.
	ZeroWindowProbeAck
)

var eventNames = []struct {
	e    Event
	name string
}{
	{Retransmission, "retransmission"},
	{FastRetransmission, "fast_retransmission"},
	{SpuriousRetransmission, "spurious_retransmission"},
	{OutOfOrder, "out_of_order"},
	{LostSegment, "lost_segment"},
	{AckLostSegment, "ack_lost_segment"},
	{DuplicateAck, "duplicate_ack"},
	{ZeroWindow, "zero_window"},
	{ZeroWindowProbe, "zero_window_probe"},
	{KeepAlive, "keep_alive"},
	{KeepAliveAck, "keep_alive_ack"},
	{WindowUpdate, "window_update"},
	{WindowFull, "window_full"},
	{ReusedPorts, "reused_ports"},
	{ZeroWindowProbeAck, "zero_window_probe_ack"},
}

// Events is a set of analysis events.
type Events uint16

// Has reports whether e is in the set.
func (es Events) Has(e Event) bool { return uint16(es)&uint16(e) != 0 }

// Add returns the set with e added.
func (es Events) Add(e Event) Events { return es | Events(e) }

// Names lists the events by their tshark names, in contract order.
func (es Events) Names() []string {
	out := []string{}
	for _, n := range eventNames {
		if es.Has(n.e) {
			out = append(out, n.name)
		}
	}
	return out
}

// ContractEvents is the set of events the dump contract lists (every event
// but ZeroWindowProbeAck).
const ContractEvents Events = Events(ReusedPorts<<1 - 1)

func (e Event) String() string {
	for _, n := range eventNames {
		if n.e == e {
			return n.name
		}
	}
	return "unknown"
}

// Endpoint is one side of a conversation: an IP address and a TCP port.
type Endpoint struct {
	Addr netip.Addr
	Port uint16
}

func (e Endpoint) String() string {
	return netip.AddrPortFrom(e.Addr, e.Port).String()
}

// Packet is the decoder's account of one TCP segment: the input of a
// Builder. It holds only what the timeline keeps or the analysis reads.
type Packet struct {
	Frame  uint32 // 1-based frame number; for a reassembled datagram, the completing frame
	TimeNS int64  // capture timestamp, nanoseconds since the Unix epoch
	Src    Endpoint
	Dst    Endpoint
	Seq    uint32
	Ack    uint32
	Flags  Flags
	Win    uint16 // window field as sent, unscaled
	Len    uint32 // payload length as the IP header gives it (not the captured bytes)
	// WinScale is the window-scale shift of a window scale option on this
	// segment, or -1 when the segment carries none.
	WinScale int8
	// Short says tshark runs no sequence analysis on the segment (it shows
	// its SEQ and ACK numbers raw, not relative, leaves tcp.len empty and
	// flags no event, reused_ports included, though a SYN with a new
	// sequence number still opens a new stream). That is so when the IP
	// datagram ends inside the TCP header (its length is below the data
	// offset; Len is 0), when the segment is the first fragment of a
	// datagram that was not reassembled, and when it is a sampled header
	// (sFlow): Len is then the length its IP header claims.
	Short bool
}
