// Package app says what the bytes above TCP are: it recognises the
// application protocol of a conversation (HTTP, SMTP, FTP, POP, IMAP, TLS,
// SSH, DNS) by its content first and its port second, and names each
// application message on the segment that completes it, with its fields and
// their bytes, the way Wireshark's Info column and packet details do.
//
// It works on a conversation's reassembled byte streams (model.FollowDir),
// so a TLS record or an HTTP header split over several segments is still
// named, on the segment that carried its last byte. Every byte it reads is
// attacker-controlled: lengths may lie and records may be cut short; a
// message that does not parse is tagged Malformed, never a panic, and every
// string it returns is printable (model.Visible).
//
// Like model it does no I/O: the payload bytes come through a
// model.PayloadFunc.
package app

import (
	"strings"

	"github.com/tcpstep/tcpstep/model"
)

// Proto is an application protocol.
type Proto uint8

const (
	Unknown Proto = iota
	HTTP
	SMTP
	FTP
	POP
	IMAP
	TLS
	SSH
	DNS
)

var protoNames = [...]string{"", "HTTP", "SMTP", "FTP", "POP", "IMAP", "TLS", "SSH", "DNS"}

// String is the protocol's name as Wireshark spells it ("" for Unknown).
func (p Proto) String() string {
	if int(p) < len(protoNames) {
		return protoNames[p]
	}
	return ""
}

// Field is one field of an application message.
type Field struct {
	// Name is Wireshark's display-filter name of the field
	// ("smtp.req.command"), or "" where Wireshark has none.
	Name string
	// Label is what a person reads beside the value ("Command").
	Label string
	// Value is the field's value, printable.
	Value string
	// Off and Len are the field's bytes in the payload of the segment the
	// message is on; Len is 0 when that segment does not carry them (an
	// earlier segment did).
	Off, Len int
}

// Message is one application message (an SMTP command, a TLS handshake
// message, an HTTP request's head), named on the segment that completes it.
type Message struct {
	Proto Proto
	// Summary is the one line a ladder arrow or an Info column shows:
	// "VRFY root", "250 OK", "Client Hello SNI example.com".
	Summary string
	Fields  []Field
	// Off and Len are the message's bytes in the segment's payload (the part
	// of the message this segment carried).
	Off, Len int
	// Malformed says why the message does not parse ("" when it does).
	Malformed string
}

// Segment is what one segment carries above TCP.
type Segment struct {
	// Column is the protocol tshark's Protocol column shows for the
	// segment: "SMTP", "TLSv1.3", or "TCP" when it completes no message.
	Column string
	// Messages are the messages the segment completes, in stream order.
	Messages []Message
}

// Summary joins the segment's messages' summaries, as an arrow label.
func (s *Segment) Summary() string {
	if s == nil {
		return ""
	}
	parts := make([]string, 0, len(s.Messages))
	for i := range s.Messages {
		if m := s.Messages[i].Summary; m != "" {
			parts = append(parts, m)
		}
	}
	return strings.Join(parts, ", ")
}

// Conv is a conversation's application layer.
type Conv struct {
	Proto Proto
	// Server is the server's name where the conversation says it (TLS SNI,
	// HTTP Host), printable; "" otherwise.
	Server string
	// Segs holds, by index in Timeline.Segments, the segments that carry
	// application data.
	Segs map[int]*Segment
}

// Seg returns what segment i carries above TCP, or nil.
func (c *Conv) Seg(i int) *Segment {
	if c == nil {
		return nil
	}
	return c.Segs[i]
}

// Hint is the protocol and server name guessed from a conversation's first
// payload bytes in each direction: cheap enough to compute for every
// conversation while a capture is indexed.
type Hint struct {
	Proto  Proto
	Server string
}

// visible is capture bytes as printable text.
func visible(b []byte) string { return model.Visible(string(b)) }
