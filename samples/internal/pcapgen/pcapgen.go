// Package pcapgen builds tcpstep's sample captures from scripted scenarios.
//
// Every sample is written packet by packet with gopacket's serializers, so the
// bytes come from an implementation independent of tcpstep's own decoder, and
// a test that reads them back checks the decoder against something it did not
// produce itself. Everything is deterministic: fixed clocks, fixed addresses,
// and "random" initial sequence numbers drawn from a PRNG seeded with the
// sample's name, so regenerating gives byte-identical files.
package pcapgen

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// File is one generated capture.
type File struct {
	Name string // sample name; the file is Name + ".pcap"
	Data []byte // a classic pcap file, Ethernet link type
}

// scenario scripts one capture.
type scenario struct {
	name  string
	start string // RFC 3339 time of the first packet
	build func(c *capture)
}

// All builds every sample capture in memory, in a fixed order.
func All() ([]File, error) {
	out := make([]File, 0, len(scenarios))
	for _, s := range scenarios {
		data, err := run(s)
		if err != nil {
			return nil, fmt.Errorf("sample %s: %w", s.name, err)
		}
		out = append(out, File{Name: s.name, Data: data})
	}
	return out, nil
}

// Names lists the samples All builds, in the same order.
func Names() []string {
	out := make([]string, len(scenarios))
	for i, s := range scenarios {
		out[i] = s.name
	}
	return out
}

// WriteDir writes every sample as dir/NAME.pcap and returns the paths written.
func WriteDir(dir string) ([]string, error) {
	files, err := All()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	paths := make([]string, 0, len(files))
	for _, f := range files {
		p := filepath.Join(dir, f.Name+".pcap")
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return nil, fmt.Errorf("write %s: %w", p, err)
		}
		paths = append(paths, p)
	}
	return paths, nil
}

func run(s scenario) (data []byte, err error) {
	start, err := time.Parse(time.RFC3339Nano, s.start)
	if err != nil {
		return nil, fmt.Errorf("start time: %w", err)
	}
	c := &capture{start: start, now: start}
	h := fnv.New64a()
	h.Write([]byte(s.name))
	c.rng = rand.New(rand.NewPCG(0x7463707374657021, h.Sum64()))
	c.w = pcapgo.NewWriter(&c.buf)
	if err := c.w.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		return nil, fmt.Errorf("pcap header: %w", err)
	}
	// The scenarios are straight-line scripts; a serialization failure is a
	// bug in a script, reported as an error rather than a crash.
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(buildError); ok {
				data, err = nil, e.err
				return
			}
			panic(r)
		}
	}()
	s.build(c)
	return c.buf.Bytes(), nil
}

type buildError struct{ err error }

func fail(format string, args ...any) { panic(buildError{fmt.Errorf(format, args...)}) }

// capture is the file being written and the clock of its observer.
type capture struct {
	start, now time.Time
	rng        *rand.Rand
	buf        bytes.Buffer
	w          *pcapgo.Writer
}

// wait advances the observer's clock by ms milliseconds.
func (c *capture) wait(ms float64) {
	if ms < 0 {
		fail("clock cannot go back %.3f ms", -ms)
	}
	c.now = c.now.Add(time.Duration(ms * float64(time.Millisecond)))
}

// mark returns the current time, for scripts that lay events out on a
// timeline of their own.
func (c *capture) mark() time.Time { return c.now }

// after sets the clock to ms milliseconds after mark; it never goes back.
func (c *capture) after(mark time.Time, ms float64) {
	t := mark.Add(time.Duration(ms * float64(time.Millisecond)))
	if t.Before(c.now) {
		fail("event at +%.3f ms is before the previous one", ms)
	}
	c.now = t
}

// isn draws an initial sequence number, as a modern stack would: unpredictable.
func (c *capture) isn() uint32 { return c.rng.Uint32() }

// host is one machine (or, for remote machines, the MAC of the router it sits
// behind: frames on the observed link carry the next hop's address).
type host struct {
	mac  net.HardwareAddr
	ip   netip.Addr
	ttl  uint8
	ipid uint16
	df   bool   // sets Don't Fragment, as a stack doing path MTU discovery does
	tsHz uint32 // TCP timestamp clock ticks per second (1000 on Linux)
	ts0  uint32 // TSval at the capture's start
	hops uint8  // routers between this host and the observer: lowers the TTL seen
	// zeroID sends DF datagrams with IP ID 0, as Linux 2.4 did.
	zeroID bool
}

// newHost makes a host whose IP ID counter and timestamp clock start at values
// drawn from the capture's PRNG.
func (c *capture) newHost(mac, ip string) *host {
	hw, err := net.ParseMAC(mac)
	if err != nil {
		fail("mac %s: %v", mac, err)
	}
	return &host{
		mac:  hw,
		ip:   netip.MustParseAddr(ip),
		ttl:  64,
		ipid: uint16(c.rng.Uint32()),
		df:   true,
		tsHz: 1000,
		ts0:  c.rng.Uint32() >> 1,
	}
}

func (h *host) tsval(c *capture) uint32 { return h.tsvalAt(c, c.now) }

// tsvalAt is the host's TCP timestamp clock at time t.
func (h *host) tsvalAt(c *capture, t time.Time) uint32 {
	return h.ts0 + uint32(t.Sub(c.start)*time.Duration(h.tsHz)/time.Second)
}

// The TCP flags as scenarios spell them.
type flags uint8

const (
	fFIN flags = 1 << iota
	fSYN
	fRST
	fPSH
	fACK
)

// stack describes what a side offers in its SYN.
type stack struct {
	mss    uint16
	sack   bool
	ts     bool
	wscale int // -1: no window scale option
	synWin uint16
	estWin uint16 // window field once scaling is in effect
}

var (
	linux    = stack{mss: 1460, sack: true, ts: true, wscale: 7, synWin: 64240, estWin: 502}
	linuxSrv = stack{mss: 1460, sack: true, ts: true, wscale: 7, synWin: 65160, estWin: 509}
	linux6   = stack{mss: 1440, sack: true, ts: true, wscale: 7, synWin: 64800, estWin: 507}
)

// end is one side of a TCP connection as the script tracks it.
type end struct {
	h      *host
	port   uint16
	st     stack
	iss    uint32
	nxt    uint32 // SND.NXT: next sequence number to send
	rcv    uint32 // RCV.NXT: what this side acknowledges
	win    uint16 // window field to advertise after the handshake
	ts     bool   // timestamps negotiated
	sack   bool   // SACK negotiated
	peerTS uint32 // latest TSval received from the peer (TSecr)
	peer   *end
}

// conn is a TCP connection between a client and a server end.
type conn struct {
	c        *capture
	cli, srv *end
}

func (c *capture) conn(cli *host, cport uint16, cst stack, srv *host, sport uint16, sst stack) *conn {
	a := &end{h: cli, port: cport, st: cst}
	b := &end{h: srv, port: sport, st: sst}
	a.peer, b.peer = b, a
	return &conn{c: c, cli: a, srv: b}
}

// setISN fixes a side's initial sequence number before it sends its SYN.
func (e *end) setISN(isn uint32) { e.iss, e.nxt = isn, isn }

// seg holds per-segment choices a script can override.
type seg struct {
	seq, ack       uint32
	seqSet, ackSet bool
	win            int // -1: the side's current window
	sack           [][2]uint32
	lost           bool // dropped before the observer: not in the capture, not delivered
	undelivered    bool // seen by the observer, dropped after it
	dropData       bool // delivered, but the receiver kept none of the data
	unrecorded     bool // delivered, but before the capture started
	noTS           bool
	ttlSeen        uint8 // TTL as the observer sees it (0: host TTL minus hops)
	ipid           int   // -1: the host's counter
}

type opt func(*seg)

// at sends from an explicit sequence number (a retransmission, a probe).
func at(seq uint32) opt { return func(s *seg) { s.seq, s.seqSet = seq, true } }

// acking sends an explicit acknowledgment number.
func acking(ack uint32) opt { return func(s *seg) { s.ack, s.ackSet = ack, true } }

// window advertises an explicit window field.
func window(w uint16) opt { return func(s *seg) { s.win = int(w) } }

// sackBlocks adds SACK blocks [left, right).
func sackBlocks(b ...[2]uint32) opt { return func(s *seg) { s.sack = b } }

// lost drops the segment before it reaches the observer.
func lost() opt { return func(s *seg) { s.lost = true } }

// undelivered lets the observer see the segment but not the receiver.
func undelivered() opt { return func(s *seg) { s.undelivered = true } }

// offRecord delivers the segment without recording it: it happened before
// the capture started.
func offRecord() opt { return func(s *seg) { s.unrecorded = true } }

// discarded delivers the segment's header but not its data (a probe into a
// zero window).
func discarded() opt { return func(s *seg) { s.dropData = true } }

// withTTL sets the TTL the observer sees.
func withTTL(ttl uint8) opt { return func(s *seg) { s.ttlSeen = ttl } }

// sent describes a segment that a script sent, for later quoting.
type sent struct {
	seq, ack uint32
	datagram []byte // the IP datagram as it left the sender (TTL as sent)
}

// send writes one TCP segment from e to its peer and updates both sides as
// TCP would: SND.NXT advances past what was sent; the receiver's RCV.NXT
// advances when the segment arrives in order.
func (k *conn) send(e *end, fl flags, data []byte, opts ...opt) sent {
	c := k.c
	p := e.peer
	s := seg{win: -1, ipid: -1}
	for _, o := range opts {
		o(&s)
	}
	if !s.seqSet {
		s.seq = e.nxt
	}
	if !s.ackSet {
		s.ack = 0
		if fl&fACK != 0 {
			s.ack = e.rcv
		}
	}
	tcp := &layers.TCP{
		SrcPort: layers.TCPPort(e.port),
		DstPort: layers.TCPPort(p.port),
		Seq:     s.seq,
		Ack:     s.ack,
		FIN:     fl&fFIN != 0,
		SYN:     fl&fSYN != 0,
		RST:     fl&fRST != 0,
		PSH:     fl&fPSH != 0,
		ACK:     fl&fACK != 0,
	}
	tsv := e.h.tsval(c)
	switch {
	case fl&fSYN != 0:
		tcp.Window = e.st.synWin
		tcp.Options = synOptions(e, fl&fACK != 0, tsv)
		if fl&fACK != 0 {
			// The SYN/ACK settles what both sides use from here on.
			e.ts = e.st.ts && p.st.ts
			e.sack = e.st.sack && p.st.sack
			p.ts, p.sack = e.ts, e.sack
			scaled := e.st.wscale >= 0 && p.st.wscale >= 0
			for _, x := range []*end{e, p} {
				if x.win == 0 {
					x.win = x.st.synWin
					if scaled {
						x.win = x.st.estWin
					}
				}
			}
		}
	case fl&fRST != 0 && fl&fACK == 0:
		// A reset answering a segment has no options and no window.
	default:
		tcp.Window = e.win
		if s.win >= 0 {
			tcp.Window = uint16(s.win)
		}
		if len(s.sack) > 0 {
			tcp.Options = append(tcp.Options, nop, nop, sackOption(s.sack))
		}
		if e.ts && !s.noTS && fl&fRST == 0 {
			tcp.Options = append(tcp.Options, nop, nop, tsOption(tsv, e.peerTS))
		}
	}
	if fl&fSYN != 0 && s.win >= 0 {
		tcp.Window = uint16(s.win)
	}
	dgram := c.ipDatagram(e.h, p.h, tcp, data, s)
	end := s.seq + uint32(len(data))
	if fl&(fSYN|fFIN) != 0 {
		end++
	}
	if seqGT(end, e.nxt) {
		e.nxt = end
	}
	if !s.lost && !s.undelivered {
		switch {
		case fl&fSYN != 0:
			p.rcv = s.seq + 1
		case s.dropData:
			// The receiver took the header (ACK, window, timestamps) but
			// had no room for the data.
		case !seqGT(s.seq, p.rcv) && seqGT(end, p.rcv):
			p.rcv = end
		}
		if e.ts || (fl&fSYN != 0 && e.st.ts) {
			p.peerTS = tsv
		}
	}
	if !s.lost && !s.unrecorded {
		c.frame(e.h, p.h, dgram, s.ttlSeen)
	}
	return sent{seq: s.seq, ack: s.ack, datagram: dgram}
}

func seqGT(a, b uint32) bool { return int32(a-b) > 0 }

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
// timestamps, NOP, window scale); a SYN/ACK only echoes what the SYN offered.
func synOptions(e *end, isSynAck bool, tsv uint32) []layers.TCPOption {
	p := e.peer
	sack, ts, ws := e.st.sack, e.st.ts, e.st.wscale >= 0
	if isSynAck {
		sack = sack && p.st.sack
		ts = ts && p.st.ts
		ws = ws && p.st.wscale >= 0
	}
	var o []layers.TCPOption
	if e.st.mss > 0 {
		o = append(o, layers.TCPOption{OptionType: layers.TCPOptionKindMSS, OptionLength: 4,
			OptionData: []byte{byte(e.st.mss >> 8), byte(e.st.mss)}})
	}
	switch {
	case sack && ts:
		o = append(o, layers.TCPOption{OptionType: layers.TCPOptionKindSACKPermitted, OptionLength: 2})
		ecr := uint32(0)
		if isSynAck {
			ecr = e.peerTS
		}
		o = append(o, tsOption(tsv, ecr))
	case ts:
		ecr := uint32(0)
		if isSynAck {
			ecr = e.peerTS
		}
		o = append(o, nop, nop, tsOption(tsv, ecr))
	case sack:
		o = append(o, nop, nop, layers.TCPOption{OptionType: layers.TCPOptionKindSACKPermitted, OptionLength: 2})
	}
	if ws {
		o = append(o, nop, layers.TCPOption{OptionType: layers.TCPOptionKindWindowScale, OptionLength: 3,
			OptionData: []byte{byte(e.st.wscale)}})
	}
	return o
}

var serOpts = gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}

// ipDatagram serializes IP + TCP + payload with valid checksums, as sent.
func (c *capture) ipDatagram(src, dst *host, tcp *layers.TCP, data []byte, s seg) []byte {
	buf := gopacket.NewSerializeBuffer()
	var err error
	if src.ip.Is6() {
		ip := &layers.IPv6{
			Version:    6,
			FlowLabel:  flowLabel(src, tcp),
			NextHeader: layers.IPProtocolTCP,
			HopLimit:   src.ttl,
			SrcIP:      src.ip.AsSlice(),
			DstIP:      dst.ip.AsSlice(),
		}
		if err = tcp.SetNetworkLayerForChecksum(ip); err == nil {
			err = gopacket.SerializeLayers(buf, serOpts, ip, tcp, gopacket.Payload(data))
		}
	} else {
		ip := c.ipv4(src, dst, layers.IPProtocolTCP, s.ipid)
		if err = tcp.SetNetworkLayerForChecksum(ip); err == nil {
			err = gopacket.SerializeLayers(buf, serOpts, ip, tcp, gopacket.Payload(data))
		}
	}
	if err != nil {
		fail("serialize tcp: %v", err)
	}
	return append([]byte(nil), buf.Bytes()...)
}

// flowLabel gives each IPv6 connection a stable label, as Linux hashes one
// from the flow.
func flowLabel(h *host, tcp *layers.TCP) uint32 {
	f := fnv.New32a()
	f.Write(h.ip.AsSlice())
	var b [4]byte
	binary.BigEndian.PutUint16(b[:], uint16(tcp.SrcPort))
	binary.BigEndian.PutUint16(b[2:], uint16(tcp.DstPort))
	f.Write(b[:])
	return f.Sum32() & 0xfffff
}

func (c *capture) ipv4(src, dst *host, proto layers.IPProtocol, id int) *layers.IPv4 {
	ip := &layers.IPv4{
		Version:  4,
		TTL:      src.ttl,
		Protocol: proto,
		SrcIP:    src.ip.AsSlice(),
		DstIP:    dst.ip.AsSlice(),
	}
	switch {
	case id >= 0:
		ip.Id = uint16(id)
	case src.zeroID && src.df:
	default:
		ip.Id = src.ipid
		src.ipid++
	}
	if src.df {
		ip.Flags = layers.IPv4DontFragment
	}
	return ip
}

// frame writes an IP datagram to the capture inside an Ethernet frame, with
// the TTL lowered by the routers between the sender and the observer.
func (c *capture) frame(src, dst *host, dgram []byte, ttlSeen uint8) {
	d := append([]byte(nil), dgram...)
	ttl := ttlSeen
	if ttl == 0 && src.hops > 0 {
		ttl = src.ttl - src.hops
	}
	if ttl != 0 {
		setTTL(d, ttl)
	}
	et := layers.EthernetTypeIPv4
	if d[0]>>4 == 6 {
		et = layers.EthernetTypeIPv6
	}
	c.ether(src.mac, dst.mac, et, d)
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

func (c *capture) ether(src, dst net.HardwareAddr, et layers.EthernetType, payload []byte) {
	buf := gopacket.NewSerializeBuffer()
	eth := &layers.Ethernet{SrcMAC: src, DstMAC: dst, EthernetType: et}
	if err := gopacket.SerializeLayers(buf, serOpts, eth, gopacket.Payload(payload)); err != nil {
		fail("serialize ethernet: %v", err)
	}
	b := buf.Bytes()
	ci := gopacket.CaptureInfo{Timestamp: c.now, CaptureLength: len(b), Length: len(b)}
	if err := c.w.WritePacket(ci, b); err != nil {
		fail("write packet: %v", err)
	}
}

// fragments writes a TCP segment that a router split into IPv4 fragments of
// at most mtu bytes, in the order given (indexes into the fragment list).
func (c *capture) fragments(src, dst *host, dgram []byte, mtu int, order []int) int {
	ihl := int(dgram[0]&0x0f) * 4
	payload := dgram[ihl:]
	id := binary.BigEndian.Uint16(dgram[4:])
	step := (mtu - 20) &^ 7
	var frags [][]byte
	for off := 0; off < len(payload); off += step {
		endOff := min(off+step, len(payload))
		ip := &layers.IPv4{
			Version:    4,
			Id:         id,
			TTL:        dgram[8],
			Protocol:   layers.IPProtocol(dgram[9]),
			SrcIP:      src.ip.AsSlice(),
			DstIP:      dst.ip.AsSlice(),
			FragOffset: uint16(off / 8),
		}
		if endOff < len(payload) {
			ip.Flags = layers.IPv4MoreFragments
		}
		buf := gopacket.NewSerializeBuffer()
		if err := gopacket.SerializeLayers(buf, serOpts, ip, gopacket.Payload(payload[off:endOff])); err != nil {
			fail("serialize fragment: %v", err)
		}
		frags = append(frags, append([]byte(nil), buf.Bytes()...))
	}
	if len(order) != len(frags) {
		fail("fragment order has %d entries for %d fragments", len(order), len(frags))
	}
	for i, n := range order {
		if i > 0 {
			c.wait(0.12)
		}
		c.frame(src, dst, frags[n], 0)
	}
	return len(frags)
}

// icmpError writes an ICMPv4 error from router to dst quoting the first
// quoteLen bytes of dgram (the whole datagram when it is shorter), with the
// quoted TTL set to what the router received.
func (c *capture) icmpError(router, dst *host, typ, code uint8, mtu uint16, dgram []byte, ttlAtRouter uint8, quoteLen int) {
	q := append([]byte(nil), dgram...)
	setTTL(q, ttlAtRouter)
	if quoteLen < len(q) {
		q = q[:quoteLen]
	}
	ip := c.ipv4(router, dst, layers.IPProtocolICMPv4, -1)
	ip.Flags = 0
	ip.TOS = 0xc0 // routers send ICMP errors as internetwork control
	icmp := &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(typ, code), Seq: mtu}
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, serOpts, ip, icmp, gopacket.Payload(q)); err != nil {
		fail("serialize icmp: %v", err)
	}
	c.frame(router, dst, buf.Bytes(), 0)
}
