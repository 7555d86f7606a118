package model

import (
	"fmt"
	"math"
	"net/netip"
	"time"
)

// Where the capture was taken decides what the states mean: an observer sees
// a segment when it passes, not when a host sends or receives it. The
// three-way handshake says where the observer sits. A host answers a
// handshake segment in tens of microseconds (a kernel turnaround); the rest
// of each gap is the path. So:
//
//	SYN → SYN,ACK   = round trip observer ⇄ server + the server's turnaround
//	SYN,ACK → ACK   = round trip observer ⇄ client + the client's turnaround
//
// Next to the client the first gap holds the whole path and the second only
// the client's turnaround (first ≫ second); next to the server the reverse;
// on the path between, both hold part of it.
//
// VantageRatio is the threshold: when one gap is at least four times the
// other, at least four fifths of the round trip lies on one side of the
// observer, which we call near that end. Real captures bear this out: those
// taken at a host give ratios of 10 to 10000 (zeek_smtp's mail client: 347
// ms against 32 µs), while captures on a switch between hosts or a virtual
// network give 0.3 to 3. A gap both ways under vantageShortGap is too short to
// place anything: the hosts are next to each other (or the same machine),
// and the sentence says so.
const (
	VantageRatio    = 4.0
	vantageShortGap = 100 * time.Microsecond
)

// VantageKind is where the capture was taken, relative to one connection.
type VantageKind uint8

const (
	// VantageUnknown: no full handshake (SYN, SYN,ACK, ACK) was seen, or
	// its times run backwards.
	VantageUnknown VantageKind = iota
	// VantageClient: near the client.
	VantageClient
	// VantageServer: near the server.
	VantageServer
	// VantageBetween: on the path, neither end dominating.
	VantageBetween
	// VantageSameHost: client and server share an address (loopback): the
	// capture was taken on the host that is both ends.
	VantageSameHost
)

func (k VantageKind) String() string {
	switch k {
	case VantageClient:
		return "near the client"
	case VantageServer:
		return "near the server"
	case VantageBetween:
		return "between client and server"
	case VantageSameHost:
		return "on the host that is both client and server"
	}
	return "unknown"
}

// Vantage is the handshake timing of one conversation and what it says.
type Vantage struct {
	Kind VantageKind
	// SynToSynAck is the time from the SYN (the last one before the first
	// SYN,ACK, in case it was resent) to the first SYN,ACK; SynAckToAck from
	// the last SYN,ACK before the client's ACK of it to that ACK.
	SynToSynAck, SynAckToAck time.Duration
	// Frames of the SYN, SYN,ACK and ACK used (0 when not seen).
	SynFrame, SynAckFrame, AckFrame uint32
	// Ratio is SynToSynAck / SynAckToAck (+Inf when the second is 0).
	Ratio float64
	// Short says both gaps are under vantageShortGap.
	Short bool
}

// VantageOf reads conversation stream's handshake. It returns Unknown for a
// stream out of range.
func VantageOf(tl *Timeline, stream int) Vantage {
	var v Vantage
	if tl == nil || stream < 0 || stream >= len(tl.Conversations) {
		return v
	}
	c := tl.Conversations[stream]
	var syn, synack, synack2, ack *Segment
	for _, si := range c.Segs {
		if int(si) >= len(tl.Segments) {
			break
		}
		s := &tl.Segments[si]
		f := s.Flags & (SYN | ACK | RST | FIN)
		switch {
		case s.Dir == C2S && f == SYN && synack == nil:
			syn = s
		case s.Dir == S2C && f == SYN|ACK && syn != nil && s.Ack == syn.Seq+1:
			if synack == nil {
				synack = s
			}
			synack2 = s
		case s.Dir == C2S && s.Flags&(SYN|ACK|RST) == ACK && synack != nil && s.Ack == synack.Seq+1:
			ack = s
		}
		if ack != nil {
			break
		}
	}
	if ack == nil {
		return v
	}
	v.SynFrame, v.SynAckFrame, v.AckFrame = syn.Frame, synack.Frame, ack.Frame
	v.SynToSynAck = time.Duration(tl.SegTime(synack) - tl.SegTime(syn))
	v.SynAckToAck = time.Duration(tl.SegTime(ack) - tl.SegTime(synack2))
	a, b := v.SynToSynAck, v.SynAckToAck
	if a < 0 || b < 0 || (a == 0 && b == 0) {
		return v
	}
	v.Ratio = math.Inf(1)
	if b > 0 {
		v.Ratio = float64(a) / float64(b)
	}
	v.Short = a < vantageShortGap && b < vantageShortGap
	switch {
	case c.Client.Addr == c.Server.Addr:
		v.Kind = VantageSameHost
	case float64(a) >= VantageRatio*float64(b):
		v.Kind = VantageClient
	case float64(b) >= VantageRatio*float64(a):
		v.Kind = VantageServer
	default:
		v.Kind = VantageBetween
	}
	return v
}

// Numbers states the timing: "SYN → SYN,ACK 347 ms, SYN,ACK → ACK 32 µs".
func (v Vantage) Numbers() string {
	if v.AckFrame == 0 {
		return "no complete handshake (SYN, SYN,ACK, ACK) in the capture"
	}
	return fmt.Sprintf("SYN → SYN,ACK %s, SYN,ACK → ACK %s", vpDur(v.SynToSynAck), vpDur(v.SynAckToAck))
}

// Sentence is the line for the state view: "States as seen from near the
// client: SYN → SYN,ACK 347 ms, SYN,ACK → ACK 32 µs."
func (v Vantage) Sentence() string {
	switch v.Kind {
	case VantageUnknown:
		return "States as seen from an unknown vantage point: " + v.Numbers() + "."
	case VantageSameHost:
		return "States as seen on the host that is both ends (" + v.Numbers() + "): each side's segments are seen as it sends them."
	}
	s := "States as seen from " + v.Kind.String() + ": " + v.Numbers()
	if v.Short {
		s += " (both under " + vpDur(vantageShortGap) + ": the hosts are close together, so the distinction matters little)"
	}
	return s + "."
}

// Explain says why, in one sentence.
func (v Vantage) Explain() string {
	switch v.Kind {
	case VantageClient:
		return fmt.Sprintf("The SYN waited %s longer for its answer than the SYN,ACK did: the path lies beyond the observer, on the server's side (threshold %.0f×).", vpTimes(v.Ratio), VantageRatio)
	case VantageServer:
		return fmt.Sprintf("The SYN,ACK waited %s longer for its answer than the SYN did: the path lies beyond the observer, on the client's side (threshold %.0f×).", vpTimes(1/v.Ratio), VantageRatio)
	case VantageBetween:
		return fmt.Sprintf("The two gaps are within %.0f× of each other (ratio %.2f): part of the path lies on each side of the observer.", VantageRatio, v.Ratio)
	case VantageSameHost:
		return "Client and server have the same address: the capture was taken on that host, between its two sockets."
	}
	return "Without a complete handshake the timing cannot place the observer."
}

// vpTimes prints a ratio as "12×", or "incomparably" when it is infinite (a gap of 0).
func vpTimes(r float64) string {
	if math.IsInf(r, 0) || r > 1e9 {
		return "incomparably"
	}
	return fmt.Sprintf("%.0f×", r)
}

// vpDur prints a duration with three significant figures in µs, ms or s.
func vpDur(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return vpTrim(float64(d)/1e3) + " µs"
	case d < time.Second:
		return vpTrim(float64(d)/1e6) + " ms"
	}
	return vpTrim(float64(d)/1e9) + " s"
}

func vpTrim(f float64) string {
	switch {
	case f >= 100:
		return fmt.Sprintf("%.0f", f)
	case f >= 10:
		return fmt.Sprintf("%.1f", f)
	}
	return fmt.Sprintf("%.2f", f)
}

// CaptureVantagePoint summarises where a whole capture was taken.
type CaptureVantagePoint struct {
	// Kind is what most conversations with a full handshake say (Unknown
	// when none has one, or on a tie). When it is near the client or near
	// the server, Host is the address of that end.
	Kind VantageKind
	Host netip.Addr
	// Agree of Judged conversations (those with a full handshake) say so.
	Agree, Judged int
}

// String says it in words: "near 192.0.2.25 (3 of 3 conversations with a
// handshake agree)".
func (p CaptureVantagePoint) String() string {
	where := p.Kind.String()
	if p.Host.IsValid() {
		where = "near " + p.Host.WithZone("").String()
	}
	if p.Judged == 0 {
		return where + " (no conversation with a complete handshake)"
	}
	return fmt.Sprintf("%s (%d of %d conversations with a handshake agree)", where, p.Agree, p.Judged)
}

// CaptureVantage summarises the capture by the host the observer is near: a
// capture taken at an FTP client is near its client for the control
// connection and near its server for an active-mode data connection, and
// near the same host both times.
func CaptureVantage(tl *Timeline) CaptureVantagePoint {
	var p CaptureVantagePoint
	if tl == nil {
		return p
	}
	// Conversations near a host count for that host whichever end it is;
	// the others (between, same host) count by kind.
	type key struct {
		kind VantageKind
		host netip.Addr
	}
	counts := map[key]int{}
	kinds := map[key]VantageKind{}
	var order []key
	for i, c := range tl.Conversations {
		kind := VantageOf(tl, i).Kind
		var k key
		switch kind {
		case VantageUnknown:
			continue
		case VantageClient:
			k.host = c.Client.Addr.WithZone("")
		case VantageServer:
			k.host = c.Server.Addr.WithZone("")
		default:
			k.kind = kind
		}
		if counts[k] == 0 {
			order = append(order, k)
			kinds[k] = kind
		}
		counts[k]++
		p.Judged++
	}
	tie := false
	var best key
	for _, k := range order {
		switch n := counts[k]; {
		case n > p.Agree:
			best, p.Agree, tie = k, n, false
		case n == p.Agree:
			tie = true
		}
	}
	if !tie {
		p.Kind, p.Host = kinds[best], best.host
		return p
	}
	// Near different hosts, but all on the same side (several clients on
	// the observer's LAN, say): that side is the answer.
	for _, k := range order {
		if kinds[k] != kinds[order[0]] {
			return p
		}
	}
	p.Kind, p.Agree = kinds[order[0]], p.Judged
	return p
}
