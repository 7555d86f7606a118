package model

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"sync"
)

// The netstat view answers "what would `netstat -tan` (or `ss -tan`) print on
// each host at this step?" for one conversation. It reads the states the
// machine inferred and the sequence numbers of the segments seen so far, and
// reports them the way Linux does (net-tools netstat reads /proc/net/tcp, ss
// asks inet_diag; both take their queues from the same socket fields).
//
// What Linux reports, and what this view can know:
//
//   - Send-Q is write_seq − snd_una: every byte the application has written
//     and the peer has not acknowledged, counting the SYN and the FIN, each
//     one sequence number (a SYN_SENT socket shows Send-Q 1, a FIN_WAIT1 one
//     its unacknowledged data plus 1). A capture shows only what was sent, so
//     this view reports snd_nxt − snd_una: the highest sequence number the
//     host has sent (SEQ + LEN, + 1 for SYN and FIN) minus the highest ACK
//     it has received from its peer, in sequence arithmetic modulo 2^32.
//     Bytes written but held back by the window are invisible and missing.
//   - Recv-Q is rcv_nxt − copied_seq: bytes received in order and not yet
//     read by the application. A capture never shows a read, so this view
//     always reports 0 (RecvQKnown is false) rather than guess.
//   - A passive opener in SYN_RECV is a request socket on Linux (since 4.4)
//     and both tools print 0 and 0 for it; TIME_WAIT sockets too. A LISTEN
//     socket's Recv-Q is its accept queue, its Send-Q (in ss only) the
//     backlog; neither is visible in a capture, so both are 0 here.
//   - A CLOSED side has no socket: no line. After the last ACK of a LAST_ACK
//     side its line is gone; a TIME_WAIT side keeps its line (for 60 s on
//     Linux), which the capture never shows ending.
//   - The listening socket is assumed bound to the wildcard address
//     (0.0.0.0:PORT, or [::]:PORT over IPv6), as most servers bind; it is
//     shown on a side whose first SYN was a SYN,ACK (it answered from a
//     listening socket), from step 0 on, and stays after the connection
//     closes.

// SocketLine is one socket as netstat or ss would list it on one host.
type SocketLine struct {
	// State is the socket's state; Listen for the listening socket.
	State State
	// Local and Foreign are the socket's addresses as the host sees them.
	// A listener's Local has the wildcard address (Wildcard is set) and its
	// Foreign is unset (printed 0.0.0.0:* or [::]:*).
	Local, Foreign Endpoint
	Wildcard       bool
	IPv6           bool
	// RecvQ and SendQ are the queues in bytes (see the package notes above):
	// RecvQ is always 0 (unknown), SendQ is snd_nxt − snd_una.
	RecvQ, SendQ uint32
	// SynFin is how many of SendQ's sequence numbers are a SYN or a FIN
	// (0-2): SendQ − SynFin is the data bytes in flight, Wireshark's
	// tcp.analysis.bytes_in_flight.
	SynFin uint8
}

// NetstatHost is what netstat prints on one host for the conversation.
type NetstatHost struct {
	Addr netip.Addr
	// Client says this is the conversation's client host.
	Client bool
	// State is the host's connection state at the step (CLOSED: no line).
	State State
	// Lines lists the listener (first, when there is one) and the
	// connection's socket (when it is not CLOSED).
	Lines []SocketLine
}

// NetstatView is both hosts' netstat lines for one conversation after its
// first N segments.
type NetstatView struct {
	Stream int
	// N is how many of the conversation's segments have been applied (0:
	// before the first); Total is how many it has.
	N, Total int
	// Frame is the frame number of the N-th segment (0 when N is 0).
	Frame uint32
	// TimeNS is the N-th segment's time since the capture's first frame.
	TimeNS         int64
	Client, Server NetstatHost
	// SameHost says client and server have the same address (loopback):
	// one netstat on that host prints both hosts' lines.
	SameHost bool
	// Assumed says the capture began mid-connection: states and queues
	// before it are guesses, and the listener is not known.
	Assumed bool
	// RecvQKnown is always false: see the notes on Recv-Q above.
	RecvQKnown bool
}

// NetstatState returns net-tools netstat's spelling of a state (tcp_state[]
// in netstat.c): SYN_RECV, FIN_WAIT1, CLOSE for CLOSED.
func NetstatState(s State) string {
	switch s {
	case Closed:
		return "CLOSE"
	case Listen:
		return "LISTEN"
	case SynSent:
		return "SYN_SENT"
	case SynReceived:
		return "SYN_RECV"
	case Established:
		return "ESTABLISHED"
	case FinWait1:
		return "FIN_WAIT1"
	case FinWait2:
		return "FIN_WAIT2"
	case CloseWait:
		return "CLOSE_WAIT"
	case Closing:
		return "CLOSING"
	case LastAck:
		return "LAST_ACK"
	case TimeWait:
		return "TIME_WAIT"
	}
	return "UNKNOWN"
}

// SSState returns ss's spelling of a state (sstate_name[] in iproute2's
// ss.c): ESTAB, SYN-RECV, FIN-WAIT-1, UNCONN for CLOSED.
func SSState(s State) string {
	switch s {
	case Closed:
		return "UNCONN"
	case Listen:
		return "LISTEN"
	case SynSent:
		return "SYN-SENT"
	case SynReceived:
		return "SYN-RECV"
	case Established:
		return "ESTAB"
	case FinWait1:
		return "FIN-WAIT-1"
	case FinWait2:
		return "FIN-WAIT-2"
	case CloseWait:
		return "CLOSE-WAIT"
	case Closing:
		return "CLOSING"
	case LastAck:
		return "LAST-ACK"
	case TimeWait:
		return "TIME-WAIT"
	}
	return "UNKNOWN"
}

// nsSendQueue tracks snd_nxt and snd_una of one side from the segments seen.
type nsSendQueue struct {
	started bool
	nxt     uint32 // highest sequence number sent, plus one
	una     uint32 // oldest unacknowledged sequence number
	iss     uint32
	haveISS bool
	finEnd  uint32 // sequence number just past the latest FIN sent
	finSent bool
}

// sent applies a segment the side sent.
func (q *nsSendQueue) sent(s *Segment) {
	if s.Flags&RST != 0 {
		return
	}
	if s.Flags&SYN != 0 && q.haveISS && s.Seq != q.iss {
		// A new SYN with a new ISN: a new incarnation of the connection.
		*q = nsSendQueue{}
	}
	if s.Flags&SYN != 0 && !q.haveISS {
		q.iss, q.haveISS = s.Seq, true
	}
	end := s.Seq + s.SeqLen()
	if s.Flags&(SYN|ACK) == ACK && q.haveISS && q.started && ackCovers(q.nxt, q.iss+1) {
		// An ACK without SYN after our own SYN: only a side whose SYN
		// was acknowledged sends one (a SYN_SENT side waits for the
		// SYN,ACK), so the SYN is acknowledged even if the capture missed
		// the segment that did it.
		q.una = seqLater(q.una, q.iss+1)
	}
	if s.Flags&FIN != 0 {
		q.finEnd, q.finSent = end, true
	}
	if !q.started {
		q.started, q.nxt, q.una = true, end, s.Seq
		return
	}
	q.nxt = seqLater(q.nxt, end)
}

// acked applies an acknowledgement number the side received. ACKs of
// sequence numbers it has not been seen to send (a capture that missed
// them) are taken as acknowledging everything seen.
func (q *nsSendQueue) acked(ack uint32) {
	if !q.started {
		return
	}
	if int32(ack-q.nxt) > 0 {
		ack = q.nxt
	}
	q.una = seqLater(q.una, ack)
}

// phantom counts the SYN and FIN among the queued sequence numbers: sent,
// not yet acknowledged.
func (q *nsSendQueue) phantom() uint8 {
	var n uint8
	if q.started && q.haveISS && !ackCovers(q.una, q.iss+1) && ackCovers(q.nxt, q.iss+1) {
		n++
	}
	if q.started && q.finSent && !ackCovers(q.una, q.finEnd) {
		n++
	}
	return n
}

func (q *nsSendQueue) queued() uint32 {
	if !q.started {
		return 0
	}
	if d := int32(q.nxt - q.una); d > 0 {
		return uint32(d)
	}
	return 0
}

// holdFor keeps snd_una below the side's SYN or FIN while its state says
// the ACK of it has not arrived (machine places that arrival, which may
// come after the row of the segment that carried the ACK). It returns the
// queue as the side in state st sees it.
func (q nsSendQueue) holdFor(st State) nsSendQueue {
	switch {
	case !q.started:
	case (st == SynSent || st == SynReceived) && q.haveISS && ackCovers(q.una, q.iss+1):
		q.una = q.iss
	case (st == FinWait1 || st == Closing || st == LastAck) && q.finSent && ackCovers(q.una, q.finEnd):
		q.una = q.finEnd - 1
	}
	return q
}

// Netstat computes both hosts' netstat lines for conversation stream after
// its first n segments (0 ≤ n ≤ len(Segs); 0 is before the first). The UI's
// selected row cur is n = cur+1. It walks the conversation's first n
// segments; NetstatEach walks them all once.
func Netstat(tl *Timeline, stream, n int) (NetstatView, error) {
	c, err := netstatConv(tl, stream)
	if err != nil {
		return NetstatView{}, err
	}
	if n < 0 || n > len(c.Segs) {
		return NetstatView{}, fmt.Errorf("no step %d in stream %d (steps 0 to %d)", n, stream, len(c.Segs))
	}
	w := newNSWalk(tl, c)
	for range n {
		w.step()
	}
	return w.view(), nil
}

// NetstatEach calls fn with the view at every step of conversation stream,
// from 0 (before the first segment) to the last, in one pass; fn returns
// false to stop.
func NetstatEach(tl *Timeline, stream int, fn func(NetstatView) bool) error {
	c, err := netstatConv(tl, stream)
	if err != nil {
		return err
	}
	w := newNSWalk(tl, c)
	for {
		if !fn(w.view()) || w.n >= len(c.Segs) {
			return nil
		}
		w.step()
	}
}

func netstatConv(tl *Timeline, stream int) (*Conversation, error) {
	if tl == nil || stream < 0 || stream >= len(tl.Conversations) {
		total := 0
		if tl != nil {
			total = len(tl.Conversations)
		}
		return nil, fmt.Errorf("no stream %d (the capture has %d conversations)", stream, total)
	}
	return tl.Conversations[stream], nil
}

// nsWalk applies a conversation's segments one at a time.
type nsWalk struct {
	tl       *Timeline
	c        *Conversation
	n        int
	cst, sst State
	q        [2]nsSendQueue
	frame    uint32
	timeNS   int64
	passive  [2]bool
}

func newNSWalk(tl *Timeline, c *Conversation) *nsWalk {
	return &nsWalk{tl: tl, c: c, cst: c.InitClient, sst: c.InitServer,
		passive: [2]bool{nsPassiveOpener(tl, c, C2S), nsPassiveOpener(tl, c, S2C)}}
}

func (w *nsWalk) step() {
	si := w.c.Segs[w.n]
	w.n++
	if int(si) >= len(w.tl.Segments) {
		return
	}
	s := &w.tl.Segments[si]
	a, b := s.Dir&1, 1-s.Dir&1
	if s.Flags&RST == 0 {
		// An ACK reaches its receiver on its row (RFC 9293 §3.5, as the
		// states have it); holdFor defers the ACK of a SYN or FIN whose
		// arrival the state machine placed later.
		w.q[a].sent(s)
		if s.Flags&ACK != 0 {
			w.q[b].acked(s.Ack)
		}
	}
	w.cst, w.sst = s.Client(), s.Server()
	w.frame, w.timeNS = s.Frame, w.tl.SegTime(s)
}

func (w *nsWalk) view() NetstatView {
	c := w.c
	v := NetstatView{
		Stream:   c.Index,
		N:        w.n,
		Total:    len(c.Segs),
		Frame:    w.frame,
		TimeNS:   w.timeNS,
		SameHost: c.Client.Addr == c.Server.Addr,
		Assumed:  c.Assumed,
	}
	v.Client = nsHostLines(c.Client, c.Server, w.cst, &w.q[C2S], w.passive[C2S])
	v.Client.Client = true
	v.Server = nsHostLines(c.Server, c.Client, w.sst, &w.q[S2C], w.passive[S2C])
	return v
}

// nsPassiveOpener reports whether side d's first SYN was a SYN,ACK: it
// answered its peer's SYN from a listening socket (a simultaneous open, a
// refusal or a side that never sends a SYN has no listener we know of).
func nsPassiveOpener(tl *Timeline, c *Conversation, d Dir) bool {
	for _, si := range c.Segs {
		if int(si) >= len(tl.Segments) {
			break
		}
		s := &tl.Segments[si]
		if s.Dir != d || s.Flags&SYN == 0 {
			continue
		}
		return s.Flags&(ACK|RST) == ACK
	}
	return false
}

// nsHostLines builds one host's lines: the listener when it has one, and the
// connection unless it is CLOSED.
func nsHostLines(local, foreign Endpoint, st State, q *nsSendQueue, passive bool) NetstatHost {
	h := NetstatHost{Addr: local.Addr, State: st}
	v6 := local.Addr.Is6() && !local.Addr.Is4In6()
	if passive {
		wild := netip.IPv4Unspecified()
		if v6 {
			wild = netip.IPv6Unspecified()
		}
		h.Lines = append(h.Lines, SocketLine{
			State: Listen, Local: Endpoint{Addr: wild, Port: local.Port}, Wildcard: true, IPv6: v6,
		})
	}
	if st == Closed || st == Listen {
		return h
	}
	line := SocketLine{State: st, Local: local, Foreign: foreign, IPv6: v6}
	switch {
	case st == TimeWait:
		// A timewait socket keeps no queues.
	case st == SynReceived && passive:
		// A request socket: Linux prints 0 and 0.
	default:
		held := q.holdFor(st)
		line.SendQ = held.queued()
		line.SynFin = min(held.phantom(), uint8(min(line.SendQ, 2)))
	}
	h.Lines = append(h.Lines, line)
	return h
}

// nsNetstatAddr formats an address as netstat -n does: 0.0.0.0:25, :::25,
// 2001:db8::1:80, and * for a listener's foreign port.
func nsNetstatAddr(l SocketLine, foreign bool) string {
	if foreign && l.Wildcard {
		if l.IPv6 {
			return ":::*"
		}
		return "0.0.0.0:*"
	}
	e := l.Local
	if foreign {
		e = l.Foreign
	}
	return e.Addr.WithZone("").String() + ":" + strconv.Itoa(int(e.Port))
}

// nsSSAddr formats an address as ss -n does: 0.0.0.0:25, [::]:25,
// [2001:db8::1]:80, and * for a listener's foreign port.
func nsSSAddr(l SocketLine, foreign bool) string {
	if foreign && l.Wildcard {
		if l.IPv6 {
			return "[::]:*"
		}
		return "0.0.0.0:*"
	}
	e := l.Local
	if foreign {
		e = l.Foreign
	}
	a := e.Addr.WithZone("").String()
	if l.IPv6 {
		a = "[" + a + "]"
	}
	return a + ":" + strconv.Itoa(int(e.Port))
}

// Addrs returns the line's local and foreign addresses as netstat -n (ss
// false) or ss -n (ss true) prints them.
func (l SocketLine) Addrs(ss bool) (local, foreign string) {
	if ss {
		return nsSSAddr(l, false), nsSSAddr(l, true)
	}
	return nsNetstatAddr(l, false), nsNetstatAddr(l, true)
}

// netstatHeader is the column header netstat -tan prints.
const netstatHeader = "Proto Recv-Q Send-Q Local Address           Foreign Address         State      "

// FormatNetstat formats a line as net-tools netstat -tan prints it
// ("%-4s  %6ld %6ld %-23s %-23s %-11s"), with addresses never cut (as -W).
func FormatNetstat(l SocketLine) string {
	proto := "tcp"
	if l.IPv6 {
		proto = "tcp6"
	}
	return fmt.Sprintf("%-4s  %6d %6d %-23s %-23s %-11s", proto, l.RecvQ, l.SendQ,
		nsNetstatAddr(l, false), nsNetstatAddr(l, true), NetstatState(l.State))
}

// ssHeader is the column header of FormatSS's lines.
const ssHeader = "State      Recv-Q Send-Q Local Address:Port           Peer Address:Port"

// FormatSS formats a line in ss -tan's columns (ss sizes its columns to the
// terminal; these are fixed, wide enough for IPv4).
func FormatSS(l SocketLine) string {
	return fmt.Sprintf("%-10s %-6d %-6d %-28s %s", SSState(l.State), l.RecvQ, l.SendQ,
		nsSSAddr(l, false), nsSSAddr(l, true))
}

// Text returns the view as plain text lines: for each host a title line and
// its netstat (or ss) lines, and the notes a reader needs.
func (v NetstatView) Text(ss bool) []string {
	header, format := netstatHeader, FormatNetstat
	if ss {
		header, format = ssHeader, FormatSS
	}
	var out []string
	step := fmt.Sprintf("stream %d, step %d/%d", v.Stream, v.N, v.Total)
	if v.N > 0 {
		step += fmt.Sprintf(" (frame %d)", v.Frame)
	} else {
		step += " (before the first segment)"
	}
	out = append(out, step)
	for _, h := range []NetstatHost{v.Client, v.Server} {
		out = append(out, "", h.Title(v.SameHost), strings.TrimRight(header, " "))
		for _, l := range h.Lines {
			out = append(out, strings.TrimRight(format(l), " "))
		}
		if len(h.Lines) == 0 {
			out = append(out, "(no line: "+h.Empty()+")")
		}
	}
	out = append(out, "", v.Note())
	return out
}

// Title names the host: "client 192.0.2.10 (SYN_SENT)".
func (h NetstatHost) Title(sameHost bool) string {
	role := "server"
	if h.Client {
		role = "client"
	}
	t := fmt.Sprintf("%s host %s", role, h.Addr.WithZone(""))
	if sameHost {
		t += " (the same host as its peer: one netstat there prints both)"
	}
	return t
}

// Empty says why a host has no line.
func (h NetstatHost) Empty() string {
	if h.State == Closed {
		return "the connection is CLOSED there, so it has no socket"
	}
	return "no socket for this conversation"
}

// Note is the footnote every rendering of the view carries.
func (v NetstatView) Note() string {
	n := "Send-Q: bytes sent and not yet acknowledged (SYN and FIN count one, as Linux counts them); Recv-Q: 0, as a capture cannot show the application's reads; listener assumed on the wildcard address."
	if v.Assumed {
		n += " The capture began mid-connection: earlier unacknowledged bytes are not known."
	}
	return n
}

// netstatEvery is how many steps apart a NetstatIndex keeps its snapshots.
const netstatEvery = 1024

// NetstatIndex answers Netstat for one conversation at any step in bounded
// time: it walks the conversation once and keeps the walk's state every
// netstatEvery steps (a few hundred bytes each), so a view replays at most
// that many segments. The interface builds one per conversation it shows.
type NetstatIndex struct {
	c     *Conversation
	snaps []nsWalk
	// last is the walk At made last: stepping on through a conversation
	// asks for the next step, one segment on from it. The lock makes At
	// safe to call from several goroutines, as it was before it kept this.
	mu      sync.Mutex
	last    nsWalk
	hasLast bool
}

// NewNetstatIndex walks conversation stream once.
func NewNetstatIndex(tl *Timeline, stream int) (*NetstatIndex, error) {
	c, err := netstatConv(tl, stream)
	if err != nil {
		return nil, err
	}
	x := &NetstatIndex{c: c}
	w := newNSWalk(tl, c)
	for {
		if w.n%netstatEvery == 0 {
			x.snaps = append(x.snaps, *w)
		}
		if w.n >= len(c.Segs) {
			return x, nil
		}
		w.step()
	}
}

// At returns the view after the conversation's first n segments, as
// Netstat does.
func (x *NetstatIndex) At(n int) (NetstatView, error) {
	if x == nil || n < 0 || n > len(x.c.Segs) {
		total := 0
		if x != nil {
			total = len(x.c.Segs)
		}
		return NetstatView{}, fmt.Errorf("no step %d (steps 0 to %d)", n, total)
	}
	w := x.snaps[min(n/netstatEvery, len(x.snaps)-1)]
	x.mu.Lock()
	if x.hasLast && x.last.n <= n && x.last.n > w.n {
		w = x.last
	}
	x.mu.Unlock()
	for w.n < n {
		w.step()
	}
	x.mu.Lock()
	x.last, x.hasLast = w, true
	x.mu.Unlock()
	return w.view(), nil
}

// seqLater returns the later of two sequence numbers, serially.
func seqLater(a, b uint32) uint32 {
	if int32(b-a) > 0 {
		return b
	}
	return a
}
