package scenario

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"net"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// Craft parses a scenario and writes its capture: a classic pcap file.
func Craft(name string, src []byte) ([]byte, error) {
	s, err := Parse(name, src)
	if err != nil {
		return nil, err
	}
	return s.Build()
}

// host is a Host as the run tracks it.
type host struct {
	*Host
	ipid uint16
}

// end is one side of a connection: RFC 9293's send and receive variables,
// as far as a scenario needs them.
type end struct {
	h      *host
	port   uint16
	iss    uint32
	nxt    uint32 // SND.NXT
	rcv    uint32 // RCV.NXT
	ooo    [][2]uint32
	sent   bool    // has sent its SYN (or started synchronized)
	synced bool    // has received the peer's SYN (or started synchronized)
	fin    *uint32 // the sequence number of its FIN, once sent
	win    uint16
	winSet bool // the handshake (or a synchronized start) set win
	ts     bool
	sack   bool
	peerTS uint32
	peer   *end
}

type conn struct {
	cli, srv *end
}

// frame is one record of the capture, before it is written.
type frame struct {
	at   time.Duration
	line int
	src  *host
	dst  *host
	data []byte // IP datagram as seen
}

// sentSeg is a segment the run has sent, for ICMP quotes.
type sentSeg struct {
	from, to *host
	dgram    []byte // as sent (TTL as sent)
	line     int
}

type run struct {
	s       *Script
	hosts   map[string]*host
	conns   map[[4]string]*conn
	cur     *conn
	now     time.Duration
	frames  []frame
	labels  map[string]sentSeg
	last    *sentSeg
	pending []pendingFrame // reordered frames waiting for the next segment of their side
}

type pendingFrame struct {
	f       frame
	fromSrv bool
	deliver func()
}

func (r *run) errf(line int, format string, args ...any) error {
	return &Error{File: r.s.Name, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// Build writes the script's capture.
func (s *Script) Build() ([]byte, error) {
	r := &run{s: s, hosts: map[string]*host{}, conns: map[[4]string]*conn{}, labels: map[string]sentSeg{}}
	for _, h := range s.Hosts {
		r.hosts[h.Name] = &host{Host: h, ipid: h.IPID}
	}
	for _, st := range s.Stmts {
		var err error
		switch st.Kind {
		case KindConn:
			r.conn(st)
		case KindSegment:
			err = r.segment(st)
		case KindICMP:
			err = r.icmp(st)
		}
		if err != nil {
			return nil, err
		}
	}
	if len(r.pending) > 0 {
		return nil, r.errf(r.pending[0].f.line, "reorder: no later segment from the same side to arrive before this one")
	}
	return r.write()
}

func (r *run) conn(st *Stmt) {
	key := [4]string{st.Cli, fmt.Sprint(st.CliPort), st.Srv, fmt.Sprint(st.SrvPort)}
	if c, ok := r.conns[key]; ok && st.CliISN == nil {
		r.cur = c
		return
	}
	isn := func(p *uint32, h string, port uint16) uint32 {
		if p != nil {
			return *p
		}
		f := fnv.New32a()
		fmt.Fprintf(f, "%s:%d", h, port)
		return f.Sum32()
	}
	a := &end{h: r.hosts[st.Cli], port: st.CliPort}
	b := &end{h: r.hosts[st.Srv], port: st.SrvPort}
	a.iss = isn(st.CliISN, st.Cli, st.CliPort)
	b.iss = isn(st.SrvISN, st.Srv, st.SrvPort)
	a.nxt, b.nxt = a.iss, b.iss
	a.peer, b.peer = b, a
	c := &conn{cli: a, srv: b}
	r.conns[key] = c
	r.cur = c
}

// startSynchronized puts a connection whose first line is not a SYN in
// ESTABLISHED on both sides: the capture began after the handshake.
func (c *conn) startSynchronized() {
	for _, e := range []*end{c.cli, c.srv} {
		e.nxt, e.rcv = e.iss+1, e.peer.iss+1
		e.sent, e.synced = true, true
		e.ts = e.h.TS && e.peer.h.TS
		e.sack = e.h.SACK && e.peer.h.SACK
		e.win, e.winSet = e.h.established(e.peer.h), true
	}
}

// established is the window a host advertises once the handshake is over:
// its win, unless it scales windows and the peer does not, when the
// unscaled SYN window stays.
func (h *host) established(peer *host) uint16 {
	if h.WScale >= 0 && peer.WScale < 0 {
		return h.SynWin
	}
	return h.Win
}

func seqGT(a, b uint32) bool { return int32(a-b) > 0 }

func (r *run) clock(st *Stmt) {
	switch {
	case !st.TimeSet:
	case st.TimeRel:
		r.now += st.At
	default:
		r.now = st.At
	}
}

// seqOf resolves a written number against an ISN.
func seqOf(n Num, isn uint32) uint32 {
	if n.Abs {
		return n.V
	}
	return isn + n.V
}

// impossible names a flag combination no TCP sends, or "".
func impossible(f uint8, hasData bool) string {
	switch {
	case f == 0:
		return "a segment without flags (a null scan, not a TCP's)"
	case f&SYN != 0 && f&FIN != 0:
		return "SYN and FIN together"
	case f&SYN != 0 && f&RST != 0:
		return "SYN and RST together"
	case f&RST != 0 && f&FIN != 0:
		return "RST and FIN together"
	case f&FIN != 0 && f&PSH != 0 && f&URG != 0 && f&ACK == 0:
		return "FIN, PSH and URG without ACK (a Christmas-tree scan)"
	case f&SYN == 0 && f&RST == 0 && f&ACK == 0:
		return "a segment other than SYN or RST without ACK (after the SYN, every segment carries ACK)"
	case f&RST != 0 && hasData:
		return "a RST carrying data"
	}
	return ""
}

// lineDefaults are the values a segment line gets when it leaves them out.
type lineDefaults struct {
	Seq, Ack     uint32
	Win          uint16
	TSVal, TSEcr uint32
}

func (r *run) defaults(c *conn, fromSrv bool, f uint8) (e *end, d lineDefaults) {
	e = c.cli
	if fromSrv {
		e = c.srv
	}
	d.Seq = e.nxt
	if f&ACK != 0 {
		d.Ack = e.rcv
	}
	d.TSVal = e.h.TSVal + uint32(int64(r.now)*int64(e.h.TSHz)/int64(time.Second))
	d.TSEcr = e.peerTS
	return e, d
}

func (r *run) segment(st *Stmt) error {
	c := r.cur
	if c == nil {
		return r.errf(st.Line, "no connection: declare client and server, or a conn line")
	}
	prev := r.now
	r.clock(st)
	if r.now < prev && !st.Forced && !st.Reorder {
		return r.errf(st.Line, "time goes back: %s is before the previous line's %s (mark the line forced to keep it)", secs(r.now), secs(prev))
	}
	if !c.cli.sent && !c.srv.sent && st.Flags&SYN == 0 {
		c.startSynchronized()
	}
	f := st.Flags
	e, d := r.defaults(c, st.FromServer, f)
	p := e.peer
	if !st.Forced {
		if why := impossible(f, len(st.Payload) > 0); why != "" {
			return r.errf(st.Line, "%s: no stack sends that (mark the line forced to send it anyway)", why)
		}
	}
	seq, ack := d.Seq, d.Ack
	if st.Seq != nil {
		seq = seqOf(*st.Seq, e.iss)
	}
	if st.Ack != nil {
		ack = seqOf(*st.Ack, p.iss)
	}
	if !st.Forced && f&ACK != 0 {
		switch {
		case !p.sent:
			return r.errf(st.Line, "ACK %d acknowledges a SYN the %s has not sent (mark the line forced to send it anyway)", ack, sideName(!st.FromServer))
		case seqGT(ack, p.nxt):
			return r.errf(st.Line, "ACK %s is beyond what the %s has sent (up to %s) (mark the line forced to send it anyway)",
				r.show(ack, p.iss), sideName(!st.FromServer), r.show(p.nxt, p.iss))
		}
	}
	if !st.Forced && e.fin != nil && len(st.Payload) > 0 && seqGT(seq+uint32(len(st.Payload)), *e.fin) {
		return r.errf(st.Line, "data beyond the %s's FIN (SEQ %s): no stack sends after its FIN (mark the line forced to send it anyway)",
			sideName(st.FromServer), r.show(*e.fin, e.iss))
	}
	lost, undelivered, err := r.lossOf(st)
	if err != nil {
		return err
	}
	tcp := &layers.TCP{
		SrcPort: layers.TCPPort(e.port), DstPort: layers.TCPPort(p.port),
		Seq: seq, Ack: ack,
		FIN: f&FIN != 0, SYN: f&SYN != 0, RST: f&RST != 0, PSH: f&PSH != 0,
		ACK: f&ACK != 0, URG: f&URG != 0, ECE: f&ECE != 0, CWR: f&CWR != 0,
	}
	tsv, tse := d.TSVal, d.TSEcr
	if st.TSVal != nil {
		tsv = *st.TSVal
	}
	if st.TSEcr != nil {
		tse = *st.TSEcr
	}
	switch {
	case f&SYN != 0:
		tcp.Window = e.h.SynWin
		tcp.Options = synOptions(e, f&ACK != 0, tsv, tse, st.TSEcr != nil)
		if f&ACK != 0 {
			e.ts = e.h.TS && p.h.TS
			e.sack = e.h.SACK && p.h.SACK
			p.ts, p.sack = e.ts, e.sack
			for _, x := range []*end{e, p} {
				if !x.winSet {
					x.win, x.winSet = x.h.established(x.peer.h), true
				}
			}
		}
	case f&RST != 0 && f&ACK == 0:
		// A reset answering a segment has no options and no window.
	default:
		tcp.Window = e.win
		if !e.winSet && f&RST == 0 {
			// A side that never took part in a handshake of this
			// connection (it has one from before the capture)
			// advertises its usual window; a reset before the
			// handshake advertises none.
			tcp.Window = e.h.established(p.h)
		}
		if len(st.SACK) > 0 {
			var b [][2]uint32
			for _, x := range st.SACK {
				b = append(b, [2]uint32{seqOf(x[0], p.iss), seqOf(x[1], p.iss)})
			}
			tcp.Options = append(tcp.Options, nop, nop, sackOption(b))
		}
		if e.ts && !st.NoTS && f&RST == 0 {
			tcp.Options = append(tcp.Options, nop, nop, tsOption(tsv, tse))
		}
	}
	if st.OptsSet {
		tcp.Options = nil
		for _, o := range st.Opts {
			tcp.Options = append(tcp.Options, o.layer(e.iss, p.iss))
		}
	}
	if st.Win != nil {
		tcp.Window = *st.Win
	}
	ttl := e.h.TTL
	if st.TTL != nil {
		ttl = *st.TTL
	}
	dgram, err := r.datagram(e.h, p.h, tcp, st.Payload, ttl, st.IPID)
	if err != nil {
		return r.errf(st.Line, "%v", err)
	}
	endSeq := seq + uint32(len(st.Payload))
	if f&(SYN|FIN) != 0 {
		endSeq++
	}
	if f&SYN != 0 {
		e.sent = true
	}
	if f&FIN != 0 && e.fin == nil {
		x := seq + uint32(len(st.Payload))
		e.fin = &x
	}
	if seqGT(endSeq, e.nxt) {
		e.nxt = endSeq
	}
	deliver := func() {
		if lost || undelivered {
			return
		}
		switch {
		case f&SYN != 0:
			p.rcv = seq + 1
			p.synced = true
			p.ooo = nil
		case st.Discarded:
		default:
			p.receive(seq, endSeq)
		}
		if e.ts || (f&SYN != 0 && e.h.TS) {
			p.peerTS = tsv
		}
	}
	ss := sentSeg{from: e.h, to: p.h, dgram: dgram, line: st.Line}
	r.last = &ss
	if st.Label != "" {
		r.labels[st.Label] = ss
	}
	if lost || st.Unrecorded {
		deliver()
		r.flushPending(st.FromServer)
		return nil
	}
	var out []frame
	if st.FragMTU > 0 {
		frags, err := fragment(dgram, st.FragMTU)
		if err != nil {
			return r.errf(st.Line, "%v", err)
		}
		order := st.FragOrder
		if order == nil {
			for i := range frags {
				order = append(order, i)
			}
		}
		if len(order) != len(frags) || !isPerm(order) {
			return r.errf(st.Line, "frag %d: the segment makes %d fragments; order must list each of 0..%d once", st.FragMTU, len(frags), len(frags)-1)
		}
		gap := st.FragGap
		for i, n := range order {
			if i > 0 {
				r.now += gap
			}
			out = append(out, frame{at: r.now, line: st.Line, src: e.h, dst: p.h, data: seen(frags[n], e.h.Hops)})
		}
	} else {
		out = append(out, frame{at: r.now, line: st.Line, src: e.h, dst: p.h, data: seen(dgram, e.h.Hops)})
		if st.Dup {
			out = append(out, out[0])
		}
	}
	if st.Reorder {
		// Its time is when it is seen, after the next segment of its
		// side; the lines after it keep the clock of the line before.
		r.now = prev
		for _, fr := range out {
			r.pending = append(r.pending, pendingFrame{f: fr, fromSrv: st.FromServer, deliver: deliver})
		}
		return nil
	}
	r.frames = append(r.frames, out...)
	deliver()
	r.flushPending(st.FromServer)
	return nil
}

// flushPending writes the reordered frames of a side after its next segment.
func (r *run) flushPending(fromSrv bool) {
	var keep []pendingFrame
	var done []func()
	for _, pf := range r.pending {
		if pf.fromSrv != fromSrv {
			keep = append(keep, pf)
			continue
		}
		r.frames = append(r.frames, pf.f)
		done = append(done, pf.deliver)
	}
	r.pending = keep
	for _, d := range done {
		d()
	}
}

// receive takes the octets [seq, end) into the receive window: RCV.NXT
// moves over what arrives in order, and over held out-of-order data that
// then joins it.
func (e *end) receive(seq, endSeq uint32) {
	if !seqGT(endSeq, e.rcv) {
		return
	}
	if seqGT(seq, e.rcv) {
		e.ooo = append(e.ooo, [2]uint32{seq, endSeq})
		return
	}
	e.rcv = endSeq
	for moved := true; moved; {
		moved = false
		var keep [][2]uint32
		for _, b := range e.ooo {
			switch {
			case !seqGT(b[0], e.rcv) && seqGT(b[1], e.rcv):
				e.rcv, moved = b[1], true
			case seqGT(b[1], e.rcv):
				keep = append(keep, b)
			}
		}
		e.ooo = keep
	}
}

func isPerm(order []int) bool {
	seen := make([]bool, len(order))
	for _, n := range order {
		if n < 0 || n >= len(order) || seen[n] {
			return false
		}
		seen[n] = true
	}
	return true
}

func sideName(server bool) string {
	if server {
		return "server"
	}
	return "client"
}

// show writes a number in the script's numbering.
func (r *run) show(v, isn uint32) string {
	if r.s.Absolute {
		return fmt.Sprint(v)
	}
	return fmt.Sprint(v - isn)
}

func secs(d time.Duration) string { return fmt.Sprintf("%.6f", d.Seconds()) }

// lossOf says what "lost" means on this line, given the capture point.
func (r *run) lossOf(st *Stmt) (lost, undelivered bool, err error) {
	switch st.Lost {
	case "":
		return false, false, nil
	case "before":
		return true, false, nil
	case "after":
		return false, true, nil
	}
	switch r.s.Capture {
	case "client":
		// What the client sends passes the capture point first; what the
		// server sends is lost before reaching it.
		return st.FromServer, !st.FromServer, nil
	case "server":
		return !st.FromServer, st.FromServer, nil
	}
	return false, false, r.errf(st.Line, "lost: the capture point is in the middle; say lost before (not in the capture) or lost after (captured, not delivered)")
}

func (o Option) layer(isn, peerISN uint32) layers.TCPOption {
	switch o.Kind {
	case "mss":
		return layers.TCPOption{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{byte(o.Val >> 8), byte(o.Val)}}
	case "wscale":
		return layers.TCPOption{OptionType: layers.TCPOptionKindWindowScale, OptionLength: 3, OptionData: []byte{byte(o.Val)}}
	case "sackOK":
		return layers.TCPOption{OptionType: layers.TCPOptionKindSACKPermitted, OptionLength: 2}
	case "TS":
		return tsOption(o.Val, o.Ecr)
	case "sack":
		var b [][2]uint32
		for _, x := range o.Blocks {
			b = append(b, [2]uint32{seqOf(x[0], peerISN), seqOf(x[1], peerISN)})
		}
		return sackOption(b)
	case "eol":
		return layers.TCPOption{OptionType: layers.TCPOptionKindEndList, OptionLength: 1}
	}
	return nop
}

var nop = layers.TCPOption{OptionType: layers.TCPOptionKindNop, OptionLength: 1}

func tsOption(val, ecr uint32) layers.TCPOption {
	d := make([]byte, 8)
	binary.BigEndian.PutUint32(d, val)
	binary.BigEndian.PutUint32(d[4:], ecr)
	return layers.TCPOption{OptionType: layers.TCPOptionKindTimestamps, OptionLength: 10, OptionData: d}
}

func sackOption(blocks [][2]uint32) layers.TCPOption {
	d := make([]byte, 8*len(blocks))
	for i, b := range blocks {
		binary.BigEndian.PutUint32(d[8*i:], b[0])
		binary.BigEndian.PutUint32(d[8*i+4:], b[1])
	}
	return layers.TCPOption{OptionType: layers.TCPOptionKindSACK, OptionLength: uint8(2 + len(d)), OptionData: d}
}

// synOptions lays the options out as Linux does (MSS, SACK permitted,
// timestamps, NOP, window scale); a SYN,ACK only echoes what the SYN offered.
func synOptions(e *end, isSynAck bool, tsv, tse uint32, ecrSet bool) []layers.TCPOption {
	p := e.peer
	sack, ts, ws := e.h.SACK, e.h.TS, e.h.WScale >= 0
	if isSynAck {
		sack = sack && p.h.SACK
		ts = ts && p.h.TS
		ws = ws && p.h.WScale >= 0
	}
	ecr := uint32(0)
	if isSynAck || ecrSet {
		ecr = tse
	}
	var o []layers.TCPOption
	if e.h.MSS > 0 {
		o = append(o, layers.TCPOption{OptionType: layers.TCPOptionKindMSS, OptionLength: 4,
			OptionData: []byte{byte(e.h.MSS >> 8), byte(e.h.MSS)}})
	}
	switch {
	case sack && ts:
		o = append(o, layers.TCPOption{OptionType: layers.TCPOptionKindSACKPermitted, OptionLength: 2}, tsOption(tsv, ecr))
	case ts:
		o = append(o, nop, nop, tsOption(tsv, ecr))
	case sack:
		o = append(o, nop, nop, layers.TCPOption{OptionType: layers.TCPOptionKindSACKPermitted, OptionLength: 2})
	}
	if ws {
		o = append(o, nop, layers.TCPOption{OptionType: layers.TCPOptionKindWindowScale, OptionLength: 3,
			OptionData: []byte{byte(e.h.WScale)}})
	}
	return o
}

var serOpts = gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}

// datagram serializes IP + TCP + payload with valid checksums, as sent.
func (r *run) datagram(src, dst *host, tcp *layers.TCP, data []byte, ttl uint8, id *uint16) ([]byte, error) {
	buf := gopacket.NewSerializeBuffer()
	var err error
	if src.Addr.Is6() {
		ip := &layers.IPv6{
			Version: 6, FlowLabel: flowLabel(src, tcp), NextHeader: layers.IPProtocolTCP,
			HopLimit: ttl, SrcIP: src.Addr.AsSlice(), DstIP: dst.Addr.AsSlice(),
		}
		if err = tcp.SetNetworkLayerForChecksum(ip); err == nil {
			err = gopacket.SerializeLayers(buf, serOpts, ip, tcp, gopacket.Payload(data))
		}
	} else {
		ip := src.ipv4(dst, layers.IPProtocolTCP, id)
		ip.TTL = ttl
		if err = tcp.SetNetworkLayerForChecksum(ip); err == nil {
			err = gopacket.SerializeLayers(buf, serOpts, ip, tcp, gopacket.Payload(data))
		}
	}
	if err != nil {
		return nil, fmt.Errorf("serialize tcp: %w", err)
	}
	if len(buf.Bytes()) > 65535 {
		return nil, fmt.Errorf("datagram of %d bytes: IP carries at most 65535", len(buf.Bytes()))
	}
	return append([]byte(nil), buf.Bytes()...), nil
}

// flowLabel gives each IPv6 connection a stable label, as Linux hashes one
// from the flow.
func flowLabel(h *host, tcp *layers.TCP) uint32 {
	f := fnv.New32a()
	f.Write(h.Addr.AsSlice())
	var b [4]byte
	binary.BigEndian.PutUint16(b[:], uint16(tcp.SrcPort))
	binary.BigEndian.PutUint16(b[2:], uint16(tcp.DstPort))
	f.Write(b[:])
	return f.Sum32() & 0xfffff
}

func (h *host) ipv4(dst *host, proto layers.IPProtocol, id *uint16) *layers.IPv4 {
	ip := &layers.IPv4{Version: 4, TTL: h.TTL, Protocol: proto, SrcIP: h.Addr.AsSlice(), DstIP: dst.Addr.AsSlice()}
	switch {
	case id != nil:
		ip.Id = *id
		h.ipid = *id + 1
	case h.ZeroID && h.DF:
	default:
		ip.Id = h.ipid
		h.ipid++
	}
	if h.DF {
		ip.Flags = layers.IPv4DontFragment
	}
	return ip
}

// seen is a datagram as the capture point sees it: its TTL lowered by the
// routers on the way.
func seen(dgram []byte, hops uint8) []byte {
	d := append([]byte(nil), dgram...)
	if hops > 0 {
		setTTL(d, ttlOf(d)-hops)
	}
	return d
}

func ttlOf(d []byte) uint8 {
	if d[0]>>4 == 6 {
		return d[7]
	}
	return d[8]
}

// setTTL rewrites an IPv4 TTL or IPv6 hop limit, fixing the IPv4 header checksum.
func setTTL(d []byte, ttl uint8) {
	if d[0]>>4 == 6 {
		d[7] = ttl
		return
	}
	d[8] = ttl
	ihl := int(d[0]&0x0f) * 4
	d[10], d[11] = 0, 0
	binary.BigEndian.PutUint16(d[10:], ipChecksum(d[:ihl]))
}

func ipChecksum(h []byte) uint16 {
	var sum uint32
	for i := 0; i+1 < len(h); i += 2 {
		sum += uint32(h[i])<<8 | uint32(h[i+1])
	}
	for sum > 0xffff {
		sum = sum>>16 + sum&0xffff
	}
	return ^uint16(sum)
}

// fragment splits an IPv4 datagram into fragments of at most mtu bytes.
func fragment(dgram []byte, mtu int) ([][]byte, error) {
	if dgram[0]>>4 != 4 {
		return nil, fmt.Errorf("frag: only IPv4 datagrams are fragmented by routers (IPv6 fragments at the source)")
	}
	ihl := int(dgram[0]&0x0f) * 4
	payload := dgram[ihl:]
	id := binary.BigEndian.Uint16(dgram[4:])
	step := (mtu - 20) &^ 7
	if step <= 0 {
		return nil, fmt.Errorf("frag %d: too small an MTU", mtu)
	}
	var frags [][]byte
	for off := 0; off < len(payload); off += step {
		endOff := min(off+step, len(payload))
		ip := &layers.IPv4{
			Version: 4, Id: id, TTL: dgram[8], Protocol: layers.IPProtocol(dgram[9]),
			SrcIP: net.IP(dgram[12:16]), DstIP: net.IP(dgram[16:20]), FragOffset: uint16(off / 8),
		}
		if endOff < len(payload) {
			ip.Flags = layers.IPv4MoreFragments
		}
		buf := gopacket.NewSerializeBuffer()
		if err := gopacket.SerializeLayers(buf, serOpts, ip, gopacket.Payload(payload[off:endOff])); err != nil {
			return nil, fmt.Errorf("serialize fragment: %w", err)
		}
		frags = append(frags, append([]byte(nil), buf.Bytes()...))
	}
	return frags, nil
}

func (r *run) icmp(st *Stmt) error {
	prev := r.now
	r.clock(st)
	if r.now < prev && !st.Forced {
		return r.errf(st.Line, "time goes back: %s is before the previous line's %s (mark the line forced to keep it)", secs(r.now), secs(prev))
	}
	var q sentSeg
	if st.Quoting == "last" {
		if r.last == nil {
			return r.errf(st.Line, "icmp: no segment sent yet to quote")
		}
		q = *r.last
	} else {
		var ok bool
		if q, ok = r.labels[st.Quoting]; !ok {
			return r.errf(st.Line, "icmp: quoting %s: no segment has label %s", st.Quoting, st.Quoting)
		}
	}
	from, to := r.hosts[st.From], r.hosts[st.To]
	v6 := q.dgram[0]>>4 == 6
	if from.Addr.Is6() != v6 || to.Addr.Is6() != v6 {
		return r.errf(st.Line, "icmp: the router, the host and the quoted segment must all be IPv4 or all IPv6")
	}
	if !st.Forced && q.from.Name != to.Name {
		return r.errf(st.Line, "icmp: the error goes to %s, but the quoted segment came from %s (mark the line forced to send it anyway)", to.Name, q.from.Name)
	}
	typ, code := st.Type, st.Code
	if tc, ok := icmpByName(st.TypeName); ok && v6 {
		typ, code = tc.v6[0], tc.v6[1]
	}
	exceeded := (!v6 && typ == 11) || (v6 && typ == 3)
	switch {
	case !v6 && typ != 3 && typ != 11 && typ != 12:
		return r.errf(st.Line, "icmp type %d: the ICMPv4 errors that quote a datagram are types 3, 11 and 12", typ)
	case v6 && (typ < 1 || typ > 4):
		return r.errf(st.Line, "icmp type %d: the ICMPv6 errors are types 1 to 4", typ)
	case !v6 && st.MTU > 65535:
		return r.errf(st.Line, "mtu %d: ICMPv4 carries the MTU in 16 bits", st.MTU)
	}
	qd := append([]byte(nil), q.dgram...)
	qttl := ttlOf(qd)
	if exceeded {
		qttl = 1
	}
	if st.QTTL != nil {
		qttl = *st.QTTL
	}
	setTTL(qd, qttl)
	n := 576 - 28 // RFC 1812: as much as fits in 576 bytes
	if v6 {
		n = 1280 - 48 // RFC 4443: as much as fits in the minimum IPv6 MTU
	}
	if st.QuoteLen != nil {
		n = *st.QuoteLen
	}
	if n < len(qd) {
		qd = qd[:n]
	}
	buf := gopacket.NewSerializeBuffer()
	if v6 {
		ip := &layers.IPv6{Version: 6, NextHeader: layers.IPProtocolICMPv6, HopLimit: from.TTL,
			SrcIP: from.Addr.AsSlice(), DstIP: to.Addr.AsSlice()}
		icmp := &layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(typ, code)}
		body := make([]byte, 4, 4+len(qd))
		if typ == 2 {
			binary.BigEndian.PutUint32(body, st.MTU)
		}
		if err := icmp.SetNetworkLayerForChecksum(ip); err != nil {
			return r.errf(st.Line, "serialize icmpv6: %v", err)
		}
		if err := gopacket.SerializeLayers(buf, serOpts, ip, icmp, gopacket.Payload(append(body, qd...))); err != nil {
			return r.errf(st.Line, "serialize icmpv6: %v", err)
		}
	} else {
		ip := from.ipv4(to, layers.IPProtocolICMPv4, nil)
		ip.Flags = 0
		ip.TOS = 0xc0 // routers send ICMP errors as internetwork control
		icmp := &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(typ, code), Seq: uint16(st.MTU)}
		if err := gopacket.SerializeLayers(buf, serOpts, ip, icmp, gopacket.Payload(qd)); err != nil {
			return r.errf(st.Line, "serialize icmp: %v", err)
		}
	}
	r.frames = append(r.frames, frame{at: r.now, line: st.Line, src: from, dst: to, data: seen(buf.Bytes(), from.Hops)})
	return nil
}

func (r *run) write() ([]byte, error) {
	var buf bytes.Buffer
	w := pcapgo.NewWriter(&buf)
	link := layers.LinkTypeEthernet
	if r.s.Link == "raw" {
		link = layers.LinkTypeRaw
	}
	if err := w.WriteFileHeader(65535, link); err != nil {
		return nil, fmt.Errorf("pcap header: %w", err)
	}
	var prev time.Duration
	for i, f := range r.frames {
		if i > 0 && f.at < prev {
			// Reordering may put a frame after a later one; the capture
			// is in arrival order, so its clock must agree.
			return nil, r.errf(f.line, "time goes back in the capture: %s after %s (a reordered segment is seen after the next one of its side)", secs(f.at), secs(prev))
		}
		prev = f.at
		b := f.data
		if link == layers.LinkTypeEthernet {
			et := layers.EthernetTypeIPv4
			if b[0]>>4 == 6 {
				et = layers.EthernetTypeIPv6
			}
			eb := gopacket.NewSerializeBuffer()
			eth := &layers.Ethernet{SrcMAC: f.src.MAC, DstMAC: f.dst.MAC, EthernetType: et}
			if err := gopacket.SerializeLayers(eb, serOpts, eth, gopacket.Payload(b)); err != nil {
				return nil, r.errf(f.line, "serialize ethernet: %v", err)
			}
			b = eb.Bytes()
		}
		ci := gopacket.CaptureInfo{Timestamp: r.s.Start.Add(f.at), CaptureLength: len(b), Length: len(b)}
		if err := w.WritePacket(ci, b); err != nil {
			return nil, r.errf(f.line, "write packet: %v", err)
		}
	}
	return buf.Bytes(), nil
}
