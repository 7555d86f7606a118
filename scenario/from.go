package scenario

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"maps"
	"net"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// FromOptions tunes FromCapture.
type FromOptions struct {
	Absolute bool   // write numbers absolute (numbers absolute) rather than relative to the ISNs
	Capture  string // the capture point to declare: client (default), server or middle
}

// FromCapture writes a scenario that crafts exactly the given capture (a
// classic pcap file, Ethernet or raw IP, holding TCP over IPv4 or IPv6,
// ICMPv4 and ICMPv6 errors, IPv4 fragments). What a capture cannot show (segments
// lost before the capture point, the reason a number jumps) is written as
// explicit numbers; a teacher then replaces them with lost lines and
// comments. name is used in the scenario's first comment.
func FromCapture(name string, data []byte, opt FromOptions) (string, error) {
	pk, link, err := readFrames(data)
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	if len(pk) == 0 {
		return "", fmt.Errorf("%s: no packets", name)
	}
	cv := &converter{name: name, opt: opt, pk: pk, link: link, hostOf: map[netip.Addr]*Host{}}
	if cv.opt.Capture == "" {
		cv.opt.Capture = "client"
	}
	if err := cv.events(); err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	if err := cv.inferHosts(); err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	out, err := cv.body()
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

type rawFrame struct {
	n      int
	ts     time.Time
	srcMAC net.HardwareAddr
	dstMAC net.HardwareAddr
	ip     []byte // the IP datagram
}

func readFrames(data []byte) ([]rawFrame, string, error) {
	r, err := pcapgo.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, "", fmt.Errorf("read pcap: %w (classic pcap only)", err)
	}
	link := ""
	switch r.LinkType() {
	case layers.LinkTypeEthernet:
		link = "ethernet"
	case layers.LinkTypeRaw, layers.LinkType(12):
		link = "raw"
	default:
		return nil, "", fmt.Errorf("link type %v: a scenario writes Ethernet or raw IP", r.LinkType())
	}
	var out []rawFrame
	for n := 1; ; n++ {
		b, ci, err := r.ReadPacketData()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, "", fmt.Errorf("frame %d: %w", n, err)
		}
		if ci.CaptureLength != ci.Length {
			return nil, "", fmt.Errorf("frame %d is cut short: a scenario writes whole frames", n)
		}
		f := rawFrame{n: n, ts: ci.Timestamp}
		if link == "ethernet" {
			if len(b) < 14 {
				return nil, "", fmt.Errorf("frame %d: short Ethernet header", n)
			}
			f.dstMAC, f.srcMAC = net.HardwareAddr(b[0:6]), net.HardwareAddr(b[6:12])
			if et := binary.BigEndian.Uint16(b[12:]); et != 0x0800 && et != 0x86dd {
				return nil, "", fmt.Errorf("frame %d: EtherType %#04x, not IP", n, et)
			}
			b = b[14:]
		}
		// Ethernet pads short frames to 60 bytes: the datagram is what
		// its own length says.
		if len(b) >= 20 && b[0]>>4 == 4 {
			if n := int(binary.BigEndian.Uint16(b[2:])); n >= 20 && n <= len(b) {
				b = b[:n]
			}
		} else if len(b) >= 40 && b[0]>>4 == 6 {
			if n := 40 + int(binary.BigEndian.Uint16(b[4:])); n <= len(b) {
				b = b[:n]
			}
		}
		f.ip = b
		out = append(out, f)
	}
	return out, link, nil
}

// event is one line to write: a TCP segment (perhaps in fragments) or an
// ICMP error.
type event struct {
	frames []rawFrame // one, or the fragments in arrival order
	order  []int      // fragment indexes (by offset) in arrival order
	dgram  []byte     // the whole datagram (reassembled)
	src    netip.Addr
	dst    netip.Addr
	tcp    *layers.TCP
	icmp   *icmpErr
	label  string
	quotes int // for ICMP: index of the event quoted
	mtu    int
}

// icmpErr is an ICMPv4 or ICMPv6 error as the converter reads it.
type icmpErr struct {
	v6        bool
	typ, code uint8
	mtu       uint32
	quote     []byte
}

type converter struct {
	name   string
	opt    FromOptions
	pk     []rawFrame
	link   string
	ev     []*event
	hostOf map[netip.Addr]*Host
	hosts  []*Host
	macs   map[netip.Addr]net.HardwareAddr
	start  time.Time
}

func addrsOf(ip []byte) (netip.Addr, netip.Addr, error) {
	if len(ip) < 20 {
		return netip.Addr{}, netip.Addr{}, fmt.Errorf("short IP header")
	}
	if ip[0]>>4 == 6 {
		if len(ip) < 40 {
			return netip.Addr{}, netip.Addr{}, fmt.Errorf("short IPv6 header")
		}
		s, _ := netip.AddrFromSlice(ip[8:24])
		d, _ := netip.AddrFromSlice(ip[24:40])
		return s, d, nil
	}
	s, _ := netip.AddrFromSlice(ip[12:16])
	d, _ := netip.AddrFromSlice(ip[16:20])
	return s, d, nil
}

func (cv *converter) events() error {
	cv.start = cv.pk[0].ts
	cv.macs = map[netip.Addr]net.HardwareAddr{}
	type fragKey struct {
		src, dst netip.Addr
		id       uint16
	}
	pending := map[fragKey]*event{}
	for _, f := range cv.pk {
		src, dst, err := addrsOf(f.ip)
		if err != nil {
			return fmt.Errorf("frame %d: %w", f.n, err)
		}
		if f.srcMAC != nil {
			if m, ok := cv.macs[src]; ok && !bytes.Equal(m, f.srcMAC) {
				return fmt.Errorf("frame %d: %s sends from two MAC addresses", f.n, src)
			}
			cv.macs[src] = f.srcMAC
			if m, ok := cv.macs[dst]; ok && !bytes.Equal(m, f.dstMAC) {
				return fmt.Errorf("frame %d: %s receives at two MAC addresses", f.n, dst)
			}
			cv.macs[dst] = f.dstMAC
		}
		ip := f.ip
		if ip[0]>>4 == 4 {
			flags := ip[6] >> 5
			off := int(binary.BigEndian.Uint16(ip[6:])&0x1fff) * 8
			if flags&1 != 0 || off != 0 {
				k := fragKey{src, dst, binary.BigEndian.Uint16(ip[4:])}
				e := pending[k]
				if e == nil {
					e = &event{src: src, dst: dst}
					pending[k] = e
					cv.ev = append(cv.ev, e)
				}
				e.frames = append(e.frames, f)
				if d := reassemble(e.frames); d != nil {
					e.dgram = d
					delete(pending, k)
				}
				continue
			}
		}
		cv.ev = append(cv.ev, &event{frames: []rawFrame{f}, dgram: ip, src: src, dst: dst})
	}
	if len(pending) > 0 {
		return fmt.Errorf("an incomplete set of IPv4 fragments: a scenario writes only whole datagrams")
	}
	for i, e := range cv.ev {
		if len(e.frames) > 1 {
			if err := e.fragOrder(); err != nil {
				return err
			}
		}
		var p gopacket.Packet
		if e.dgram[0]>>4 == 6 {
			p = gopacket.NewPacket(e.dgram, layers.LayerTypeIPv6, gopacket.Default)
		} else {
			p = gopacket.NewPacket(e.dgram, layers.LayerTypeIPv4, gopacket.Default)
		}
		ic4, is4 := p.Layer(layers.LayerTypeICMPv4).(*layers.ICMPv4)
		ic6, is6 := p.Layer(layers.LayerTypeICMPv6).(*layers.ICMPv6)
		if t, ok := p.Layer(layers.LayerTypeTCP).(*layers.TCP); ok && !is4 && !is6 {
			e.tcp = t
			continue
		}
		switch {
		case len(e.frames) > 1:
			return fmt.Errorf("frame %d: a fragmented datagram that is not TCP", e.frames[0].n)
		case is4:
			e.icmp = &icmpErr{typ: ic4.TypeCode.Type(), code: ic4.TypeCode.Code(), mtu: uint32(ic4.Seq), quote: ic4.Payload}
		case is6 && len(ic6.Payload) >= 4:
			e.icmp = &icmpErr{v6: true, typ: ic6.TypeCode.Type(), code: ic6.TypeCode.Code(), quote: ic6.Payload[4:]}
			if e.icmp.typ == 2 {
				e.icmp.mtu = binary.BigEndian.Uint32(ic6.Payload)
			} else if binary.BigEndian.Uint32(ic6.Payload) != 0 {
				return fmt.Errorf("frame %d: an ICMPv6 error whose unused field is not zero", e.frames[0].n)
			}
		default:
			return fmt.Errorf("frame %d: neither TCP nor an ICMP error", e.frames[0].n)
		}
		q := e.icmp.quote
		e.quotes = -1
		for j := i - 1; j >= 0; j-- {
			if sameQuote(cv.ev[j].dgram, q) {
				e.quotes = j
				break
			}
		}
		if e.quotes < 0 {
			return fmt.Errorf("frame %d: the ICMP error quotes no datagram of the capture", e.frames[0].n)
		}
		cv.ev[e.quotes].label = fmt.Sprintf("f%d", cv.ev[e.quotes].frames[0].n)
	}
	return nil
}

// sameQuote reports whether q is the start of d, TTL (hop limit) and IPv4
// header checksum aside.
func sameQuote(d, q []byte) bool {
	if len(q) < 28 || len(q) > len(d) || d[0]>>4 != q[0]>>4 {
		return false
	}
	v6 := d[0]>>4 == 6
	for i := range q {
		if (!v6 && (i == 8 || i == 10 || i == 11)) || (v6 && i == 7) {
			continue
		}
		if q[i] != d[i] {
			return false
		}
	}
	return true
}

// reassemble returns the datagram once its fragments cover it, or nil.
func reassemble(frags []rawFrame) []byte {
	type piece struct {
		off  int
		data []byte
		more bool
	}
	var ps []piece
	for _, f := range frags {
		ihl := int(f.ip[0]&0x0f) * 4
		ps = append(ps, piece{int(binary.BigEndian.Uint16(f.ip[6:])&0x1fff) * 8, f.ip[ihl:], f.ip[6]&0x20 != 0})
	}
	slices.SortFunc(ps, func(a, b piece) int { return a.off - b.off })
	var payload []byte
	for i, p := range ps {
		if p.off != len(payload) {
			return nil
		}
		payload = append(payload, p.data...)
		if !p.more {
			if i != len(ps)-1 {
				return nil
			}
			first := frags[0].ip
			ihl := int(first[0]&0x0f) * 4
			d := append(append([]byte(nil), first[:ihl]...), payload...)
			binary.BigEndian.PutUint16(d[2:], uint16(len(d)))
			binary.BigEndian.PutUint16(d[6:], 0)
			setTTL(d, d[8])
			return d
		}
	}
	return nil
}

func (e *event) fragOrder() error {
	var offs []int
	for _, f := range e.frames {
		offs = append(offs, int(binary.BigEndian.Uint16(f.ip[6:])&0x1fff)*8)
	}
	sorted := slices.Sorted(slices.Values(offs))
	for _, o := range offs {
		e.order = append(e.order, slices.Index(sorted, o))
	}
	for _, f := range e.frames {
		if binary.BigEndian.Uint16(f.ip[6:])&0x1fff == 0 {
			ihl := int(f.ip[0]&0x0f) * 4
			e.mtu = ihl + len(f.ip) - ihl
			e.mtu = 20 + (len(f.ip) - ihl)
		}
	}
	return nil
}

func ttlGuess(maxSeen uint8) uint8 {
	for _, t := range []uint8{64, 128, 255} {
		if maxSeen <= t {
			return t
		}
	}
	return 255
}

type connKey struct {
	a, b   netip.Addr
	pa, pb uint16
}

// convConn is a connection as the converter finds it.
type convConn struct {
	cli, srv         netip.Addr
	cport, sport     uint16
	cisn, sisn       uint32
	declared         bool
	cname, sname     string
	cliSent, srvSent bool
}

func (cv *converter) inferHosts() error {
	type stats struct {
		maxTTL   uint8
		first    []byte
		allZero  bool
		v4       bool
		synOpts  []layers.TCPOption
		synWin   uint16
		synSeen  bool
		synAck   bool
		ts       bool
		tsFirst  uint32
		tsAt     time.Duration
		tsSet    bool
		wins     map[uint16]int
		firstWin []uint16
		role     string
		order    int
	}
	st := map[netip.Addr]*stats{}
	var order []netip.Addr
	get := func(a netip.Addr) *stats {
		s := st[a]
		if s == nil {
			s = &stats{allZero: true, wins: map[uint16]int{}}
			st[a] = s
			order = append(order, a)
		}
		return s
	}
	for _, e := range cv.ev {
		s := get(e.src)
		get(e.dst)
		for _, f := range e.frames {
			if ttlOf(f.ip) > s.maxTTL {
				s.maxTTL = ttlOf(f.ip)
			}
		}
		d := e.frames[0].ip
		if s.first == nil {
			s.first = d
		}
		if d[0]>>4 == 4 {
			s.v4 = true
			if d[6]&0x40 == 0 || binary.BigEndian.Uint16(d[4:]) != 0 {
				s.allZero = false
			}
		}
		if e.icmp != nil {
			if s.role == "" {
				s.role = "router"
			}
			continue
		}
		t := e.tcp
		if t.SYN {
			// The host's stack: its first SYN (a SYN,ACK only echoes
			// what the peer offered, so SYN,ACKs add to it).
			if !s.synSeen || (s.synAck && !t.ACK) {
				s.synOpts, s.synWin = append([]layers.TCPOption(nil), t.Options...), t.Window
				s.synSeen, s.synAck = true, t.ACK
			} else if s.synAck {
				s.synOpts = append(s.synOpts, t.Options...)
			}
		}
		for _, o := range t.Options {
			if o.OptionType == layers.TCPOptionKindTimestamps && len(o.OptionData) == 8 {
				s.ts = true
				if !s.tsSet {
					s.tsFirst = binary.BigEndian.Uint32(o.OptionData)
					s.tsAt = e.frames[0].ts.Sub(cv.start)
					s.tsSet = true
				}
			}
		}
		if !t.SYN && !(t.RST && !t.ACK) {
			s.wins[t.Window]++
		}
		if s.role == "" || s.role == "router" {
			if t.SYN && !t.ACK {
				s.role = "client"
			} else if t.SYN {
				s.role = "server"
			}
		}
	}
	// Roles: the first connection decides client and server; others are
	// clientN, serverN or routerN in order of appearance.
	counts := map[string]int{}
	var firstTCP *event
	for _, e := range cv.ev {
		if e.tcp != nil {
			firstTCP = e
			break
		}
	}
	if firstTCP == nil {
		return fmt.Errorf("no TCP segments")
	}
	c0, s0 := cv.orient(firstTCP)
	for _, a := range order {
		s := st[a]
		role := s.role
		switch {
		case a == c0:
			role = "client"
		case a == s0:
			role = "server"
		case role == "":
			role = "server"
		}
		counts[role]++
		name := role
		if counts[role] > 1 {
			name = fmt.Sprint(role, counts[role])
		}
		h := &Host{Name: name, Addr: a, MAC: cv.macs[a], TTL: 64, DF: true, TSHz: 1000, WScale: -1, SynWin: 65535}
		if s.maxTTL > 0 {
			h.TTL = ttlGuess(s.maxTTL)
			if s.first != nil {
				h.Hops = h.TTL - ttlOf(s.first)
				if ttlOf(s.first) < s.maxTTL {
					h.Hops = h.TTL - s.maxTTL
				}
			}
		}
		if s.first != nil && s.first[0]>>4 == 4 {
			h.IPID = binary.BigEndian.Uint16(s.first[4:])
			h.DF = s.first[6]&0x40 != 0
			h.ZeroID = s.allZero && s.v4
		}
		if s.synSeen {
			h.SynWin = s.synWin
			h.MSS = 0
			for _, o := range s.synOpts {
				switch o.OptionType {
				case layers.TCPOptionKindMSS:
					if len(o.OptionData) == 2 && h.MSS == 0 {
						h.MSS = binary.BigEndian.Uint16(o.OptionData)
					}
				case layers.TCPOptionKindSACKPermitted:
					h.SACK = true
				case layers.TCPOptionKindTimestamps:
					h.TS = true
				case layers.TCPOptionKindWindowScale:
					if len(o.OptionData) == 1 {
						h.WScale = int(o.OptionData[0])
					}
				}
			}
		} else {
			h.TS = s.ts
		}
		if s.tsSet {
			h.TSVal = s.tsFirst - uint32(int64(s.tsAt)*int64(h.TSHz)/int64(time.Second))
		}
		h.Win, h.winSet = h.SynWin, true
		best := -1
		for _, w := range slices.Sorted(maps.Keys(s.wins)) {
			if s.wins[w] > best {
				h.Win, best = w, s.wins[w]
			}
		}
		cv.hostOf[a] = h
		cv.hosts = append(cv.hosts, h)
	}
	return nil
}

// orient says which end of a segment's connection is the client: the
// sender of a SYN without ACK, else of a SYN,ACK's peer, else the sender
// of the connection's first segment.
func (cv *converter) orient(e *event) (cli, srv netip.Addr) {
	key := func(x *event) connKey { return normKey(x) }
	k := key(e)
	for _, x := range cv.ev {
		if x.tcp == nil || key(x) != k {
			continue
		}
		if x.tcp.SYN && !x.tcp.ACK {
			return x.src, x.dst
		}
		if x.tcp.SYN {
			return x.dst, x.src
		}
	}
	return e.src, e.dst
}

func normKey(x *event) connKey {
	a, b := x.src, x.dst
	pa, pb := uint16(x.tcp.SrcPort), uint16(x.tcp.DstPort)
	if b.Less(a) || (a == b && pb < pa) {
		a, b, pa, pb = b, a, pb, pa
	}
	return connKey{a, b, pa, pb}
}

func (cv *converter) connOf(e *event, conns map[connKey]*convConn) *convConn {
	k := normKey(e)
	if c, ok := conns[k]; ok {
		return c
	}
	cli, srv := cv.orient(e)
	c := &convConn{cli: cli, srv: srv}
	for _, x := range cv.ev {
		if x.tcp == nil || normKey(x) != k {
			continue
		}
		if x.src == cli {
			c.cport, c.sport = uint16(x.tcp.SrcPort), uint16(x.tcp.DstPort)
		} else {
			c.cport, c.sport = uint16(x.tcp.DstPort), uint16(x.tcp.SrcPort)
		}
		break
	}
	// ISNs: a side's SYN; without one, the number before its first
	// segment when the connection starts synchronized, or its first
	// segment's number.
	startsSyn := false
	var cisn, sisn *uint32
	first := true
	for _, x := range cv.ev {
		if x.tcp == nil || normKey(x) != k {
			continue
		}
		if first {
			startsSyn = x.tcp.SYN
			first = false
		}
		v := x.tcp.Seq
		if x.tcp.SYN {
			if x.src == cli && cisn == nil {
				cisn = &v
			} else if x.src == srv && sisn == nil {
				sisn = &v
			}
		}
	}
	for _, x := range cv.ev {
		if x.tcp == nil || normKey(x) != k {
			continue
		}
		v := x.tcp.Seq
		if !startsSyn {
			v--
		}
		if x.src == cli && cisn == nil {
			cisn = &v
		} else if x.src == srv && sisn == nil {
			sisn = &v
		}
	}
	if cisn != nil {
		c.cisn = *cisn
	}
	if sisn != nil {
		c.sisn = *sisn
	}
	c.cname, c.sname = cv.hostOf[cli].Name, cv.hostOf[srv].Name
	conns[k] = c
	return c
}

// body writes the scenario, line by line, checking each against the
// engine: a line gets exactly the overrides its frame needs.
func (cv *converter) body() (string, error) {
	s := &Script{Name: cv.name, Start: cv.start, Capture: cv.opt.Capture, Link: cv.link, Absolute: cv.opt.Absolute, Hosts: cv.hosts}
	r := &run{s: s, hosts: map[string]*host{}, conns: map[[4]string]*conn{}, labels: map[string]sentSeg{}}
	for _, h := range s.Hosts {
		r.hosts[h.Name] = &host{Host: h, ipid: h.IPID}
	}
	conns := map[connKey]*convConn{}
	var lines []string
	var cur *convConn
	var first *convConn
	for _, e := range cv.ev {
		if e.tcp == nil {
			continue
		}
		first = cv.connOf(e, conns)
		break
	}
	for _, e := range cv.ev {
		at := e.frames[0].ts.Sub(cv.start)
		if e.icmp != nil {
			st := &Stmt{Line: len(lines) + 1, Kind: KindICMP, At: at, TimeSet: true,
				From: cv.hostOf[e.src].Name, To: cv.hostOf[e.dst].Name,
				Type: e.icmp.typ, Code: e.icmp.code, MTU: e.icmp.mtu,
				Quoting: cv.ev[e.quotes].label}
			for _, x := range icmpNames {
				if tc := x.v4; e.icmp.v6 {
					tc = x.v6
					if tc == [2]uint8{st.Type, st.Code} {
						st.TypeName = x.name
						break
					}
				} else if tc == [2]uint8{st.Type, st.Code} {
					st.TypeName = x.name
					break
				}
			}
			if e.icmp.v6 && st.TypeName == "frag-needed" {
				st.TypeName = "packet-too-big" // ICMPv6's own name
			}
			q := e.icmp.quote
			qd := cv.ev[e.quotes].dgram
			defTTL := ttlOf(cv.ev[e.quotes].frames[0].ip) + cv.hostOf[cv.ev[e.quotes].src].Hops
			if (!e.icmp.v6 && st.Type == 11) || (e.icmp.v6 && st.Type == 3) {
				defTTL = 1
			}
			if ttlOf(q) != defTTL {
				x := ttlOf(q)
				st.QTTL = &x
			}
			defLen := 548
			if e.icmp.v6 {
				defLen = 1232
			}
			if len(q) != min(defLen, len(qd)) {
				n := len(q)
				st.QuoteLen = &n
			}
			if err := cv.apply(r, st, e); err != nil {
				return "", err
			}
			lines = append(lines, cv.icmpLine(st))
			continue
		}
		c := cv.connOf(e, conns)
		if c != cur {
			if c != first || cur != nil {
				st := &Stmt{Kind: KindConn, Cli: c.cname, Srv: c.sname, CliPort: c.cport, SrvPort: c.sport}
				l := fmt.Sprintf("conn %s:%d %s:%d", c.cname, c.cport, c.sname, c.sport)
				if !c.declared {
					st.CliISN, st.SrvISN = &c.cisn, &c.sisn
					l += fmt.Sprintf(" isn %d %d", c.cisn, c.sisn)
				}
				lines = append(lines, "", l)
				r.conn(st)
			} else {
				r.conn(&Stmt{Kind: KindConn, Cli: c.cname, Srv: c.sname, CliPort: c.cport, SrvPort: c.sport, CliISN: &c.cisn, SrvISN: &c.sisn})
			}
			c.declared = true
			cur = c
		}
		st, err := cv.segStmt(r, e, c, at)
		if err != nil {
			return "", err
		}
		lines = append(lines, cv.segLine(st, r)...)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s, written from a capture by tcpstep craft --from.\n", cv.name)
	fmt.Fprintf(&b, "start %s\n", cv.start.UTC().Format(time.RFC3339Nano))
	fmt.Fprintf(&b, "capture %s\n", cv.opt.Capture)
	if cv.link != "ethernet" {
		fmt.Fprintf(&b, "link %s\n", cv.link)
	}
	if cv.opt.Absolute {
		b.WriteString("numbers absolute\n")
	}
	for _, h := range cv.hosts {
		b.WriteString(cv.hostLine(h, first))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	for _, l := range lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String(), nil
}

func (cv *converter) hostLine(h *Host, first *convConn) string {
	var b strings.Builder
	switch {
	case h.Name == "client" && first != nil && h.Addr == first.cli:
		fmt.Fprintf(&b, "client %s isn %d", netip.AddrPortFrom(h.Addr, first.cport), first.cisn)
	case h.Name == "server" && first != nil && h.Addr == first.srv:
		fmt.Fprintf(&b, "server %s isn %d", netip.AddrPortFrom(h.Addr, first.sport), first.sisn)
	default:
		fmt.Fprintf(&b, "host %s %s", h.Name, h.Addr)
	}
	if h.MAC != nil {
		fmt.Fprintf(&b, " mac %s", h.MAC)
	}
	fmt.Fprintf(&b, " ttl %d", h.TTL)
	if h.Hops > 0 {
		fmt.Fprintf(&b, " hops %d", h.Hops)
	}
	if h.Addr.Is4() {
		if h.ZeroID {
			b.WriteString(" ipid zero")
		} else {
			fmt.Fprintf(&b, " ipid %d", h.IPID)
		}
		if !h.DF {
			b.WriteString(" nodf")
		}
	}
	if h.TS {
		fmt.Fprintf(&b, " tsval %d", h.TSVal)
	}
	if strings.HasPrefix(h.Name, "router") {
		return b.String()
	}
	fmt.Fprintf(&b, " mss %d", h.MSS)
	if h.SACK {
		b.WriteString(" sackOK")
	}
	if h.TS {
		b.WriteString(" ts")
	}
	if h.WScale >= 0 {
		fmt.Fprintf(&b, " wscale %d", h.WScale)
	}
	fmt.Fprintf(&b, " synwin %d win %d", h.SynWin, h.Win)
	return b.String()
}

// clone copies a run's state for a trial line.
func (r *run) clone() *run {
	n := *r
	n.hosts = map[string]*host{}
	for k, h := range r.hosts {
		c := *h
		n.hosts[k] = &c
	}
	seen := map[*end]*end{}
	cp := func(e *end) *end {
		if x, ok := seen[e]; ok {
			return x
		}
		c := *e
		c.h = n.hosts[e.h.Name]
		c.ooo = slices.Clone(e.ooo)
		if e.fin != nil {
			x := *e.fin
			c.fin = &x
		}
		seen[e] = &c
		return &c
	}
	n.conns = map[[4]string]*conn{}
	for k, c := range r.conns {
		nc := &conn{cli: cp(c.cli), srv: cp(c.srv)}
		nc.cli.peer, nc.srv.peer = nc.srv, nc.cli
		n.conns[k] = nc
		if c == r.cur {
			n.cur = nc
		}
	}
	n.frames = nil
	n.labels = maps.Clone(r.labels)
	n.pending = nil
	return &n
}

// apply runs a line on a trial copy, checks it makes the event's frames,
// and then runs it for real.
func (cv *converter) apply(r *run, st *Stmt, e *event) error {
	try := func() (*run, error) {
		t := r.clone()
		var err error
		if st.Kind == KindICMP {
			err = t.icmp(st)
		} else {
			err = t.segment(st)
		}
		return t, err
	}
	t, err := try()
	if err != nil && !st.Forced {
		st.Forced = true
		t, err = try()
	}
	if err != nil {
		return fmt.Errorf("frame %d: %w", e.frames[0].n, err)
	}
	if len(t.frames) != len(e.frames) {
		return fmt.Errorf("frame %d: the line makes %d frames, the capture has %d", e.frames[0].n, len(t.frames), len(e.frames))
	}
	for i, f := range t.frames {
		if !bytes.Equal(f.data, e.frames[i].ip) {
			return fmt.Errorf("frame %d: cannot write this frame as a scenario line (first difference at IP byte %d)", e.frames[i].n, firstDiff(f.data, e.frames[i].ip))
		}
		if f.at != e.frames[i].ts.Sub(cv.start) {
			return fmt.Errorf("frame %d: the fragments are not evenly spaced in time", e.frames[i].n)
		}
	}
	if st.Kind == KindICMP {
		return r.icmp(st)
	}
	return r.segment(st)
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func (cv *converter) segStmt(r *run, e *event, c *convConn, at time.Duration) (*Stmt, error) {
	t := e.tcp
	fromSrv := e.src == c.srv
	var f uint8
	for _, x := range []struct {
		on bool
		f  uint8
	}{{t.FIN, FIN}, {t.SYN, SYN}, {t.RST, RST}, {t.PSH, PSH}, {t.ACK, ACK}, {t.URG, URG}, {t.ECE, ECE}, {t.CWR, CWR}} {
		if x.on {
			f |= x.f
		}
	}
	if t.NS || t.Urgent != 0 {
		return nil, fmt.Errorf("frame %d: NS or an urgent pointer: not in the scenario language", e.frames[0].n)
	}
	st := &Stmt{Kind: KindSegment, At: at, TimeSet: true, FromServer: fromSrv, Flags: f,
		Payload: append([]byte(nil), t.Payload...), Label: e.label}
	if len(e.frames) > 1 {
		st.FragMTU, st.FragOrder = e.mtu, e.order
		if len(e.frames) > 1 {
			st.FragGap = e.frames[1].ts.Sub(e.frames[0].ts)
		}
		if slices.Equal(st.FragOrder, []int{0, 1, 2}[:min(3, len(st.FragOrder))]) && len(st.FragOrder) <= 3 {
			st.FragOrder = nil
		}
	}
	tr := r.clone()
	if !tr.cur.cli.sent && !tr.cur.srv.sent && f&SYN == 0 {
		tr.cur.startSynchronized()
	}
	tr.now = at
	end, d := tr.defaults(tr.cur, fromSrv, f)
	if t.Seq != d.Seq {
		st.Seq = &Num{V: t.Seq, Abs: true}
	}
	if t.Ack != d.Ack {
		st.Ack = &Num{V: t.Ack, Abs: true}
	}
	h := end.h
	ip := e.dgram
	if ttl := ttlOf(e.frames[0].ip) + h.Hops; ttl != h.TTL {
		st.TTL = &ttl
	}
	if ip[0]>>4 == 4 {
		id := binary.BigEndian.Uint16(ip[4:])
		want := h.ipid
		if h.ZeroID && h.DF {
			want = 0
		}
		if id != want {
			st.IPID = &id
		}
	}
	// Window and options: try the line as it stands and read back what
	// the engine wrote.
	for range 3 {
		t2 := r.clone()
		err := t2.segment(st)
		if err != nil && !st.Forced {
			st.Forced = true
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("frame %d: %w", e.frames[0].n, err)
		}
		if len(t2.frames) == 0 {
			return nil, fmt.Errorf("frame %d: the line writes no frame", e.frames[0].n)
		}
		var got *layers.TCP
		if len(t2.frames) > 1 {
			// fragments: compare the segment as a whole
			got = tcpOf(t2.lastDgram())
		} else {
			got = tcpOf(t2.frames[0].data)
		}
		if got == nil {
			return nil, fmt.Errorf("frame %d: cannot read back the crafted segment", e.frames[0].n)
		}
		if got.Window != t.Window {
			w := t.Window
			st.Win = &w
		}
		if !sameOptions(got.Options, t.Options) {
			gv, ge, okg := tsOf(got.Options)
			wv, we, okw := tsOf(t.Options)
			if blocks, ok := sackOf(t.Options); ok && st.SACK == nil && !st.OptsSet {
				st.SACK = blocks
				continue
			}
			if okg && okw && sameOptions(withTS(got.Options, wv, we), t.Options) {
				if gv != wv {
					st.TSVal = &wv
				}
				if ge != we {
					st.TSEcr = &we
				}
			} else {
				opts, err := optionsOf(t.Options)
				if err != nil {
					return nil, fmt.Errorf("frame %d: %w", e.frames[0].n, err)
				}
				st.Opts, st.OptsSet = opts, true
			}
		}
	}
	if err := cv.apply(r, st, e); err != nil {
		return nil, err
	}
	return st, nil
}

func (r *run) lastDgram() []byte {
	if r.last == nil {
		return nil
	}
	return r.last.dgram
}

func tcpOf(ip []byte) *layers.TCP {
	lt := layers.LayerTypeIPv4
	if ip[0]>>4 == 6 {
		lt = layers.LayerTypeIPv6
	}
	p := gopacket.NewPacket(ip, lt, gopacket.Default)
	t, _ := p.Layer(layers.LayerTypeTCP).(*layers.TCP)
	return t
}

func sameOptions(a, b []layers.TCPOption) bool {
	return bytes.Equal(optBytes(a), optBytes(b))
}

func optBytes(o []layers.TCPOption) []byte {
	var b []byte
	for _, x := range o {
		b = append(b, byte(x.OptionType))
		if x.OptionType == layers.TCPOptionKindNop || x.OptionType == layers.TCPOptionKindEndList {
			continue
		}
		b = append(b, x.OptionLength)
		b = append(b, x.OptionData...)
	}
	// gopacket pads with zeros (EOL) to a multiple of four
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return bytes.TrimRight(b, "\x00")
}

func sackOf(o []layers.TCPOption) ([][2]Num, bool) {
	for _, x := range o {
		if x.OptionType == layers.TCPOptionKindSACK {
			var out [][2]Num
			for i := 0; i+8 <= len(x.OptionData); i += 8 {
				out = append(out, [2]Num{{V: binary.BigEndian.Uint32(x.OptionData[i:]), Abs: true}, {V: binary.BigEndian.Uint32(x.OptionData[i+4:]), Abs: true}})
			}
			return out, true
		}
	}
	return nil, false
}

func tsOf(o []layers.TCPOption) (uint32, uint32, bool) {
	for _, x := range o {
		if x.OptionType == layers.TCPOptionKindTimestamps && len(x.OptionData) == 8 {
			return binary.BigEndian.Uint32(x.OptionData), binary.BigEndian.Uint32(x.OptionData[4:]), true
		}
	}
	return 0, 0, false
}

func withTS(o []layers.TCPOption, v, e uint32) []layers.TCPOption {
	out := slices.Clone(o)
	for i, x := range out {
		if x.OptionType == layers.TCPOptionKindTimestamps {
			out[i] = tsOption(v, e)
		}
	}
	return out
}

func optionsOf(o []layers.TCPOption) ([]Option, error) {
	var out []Option
	for _, x := range o {
		switch x.OptionType {
		case layers.TCPOptionKindNop:
			out = append(out, Option{Kind: "nop"})
		case layers.TCPOptionKindEndList:
			// padding
		case layers.TCPOptionKindMSS:
			out = append(out, Option{Kind: "mss", Val: uint32(binary.BigEndian.Uint16(x.OptionData))})
		case layers.TCPOptionKindWindowScale:
			out = append(out, Option{Kind: "wscale", Val: uint32(x.OptionData[0])})
		case layers.TCPOptionKindSACKPermitted:
			out = append(out, Option{Kind: "sackOK"})
		case layers.TCPOptionKindTimestamps:
			v, e, _ := tsOf([]layers.TCPOption{x})
			out = append(out, Option{Kind: "TS", Val: v, Ecr: e})
		case layers.TCPOptionKindSACK:
			o := Option{Kind: "sack"}
			for i := 0; i+8 <= len(x.OptionData); i += 8 {
				o.Blocks = append(o.Blocks, [2]Num{{V: binary.BigEndian.Uint32(x.OptionData[i:]), Abs: true}, {V: binary.BigEndian.Uint32(x.OptionData[i+4:]), Abs: true}})
			}
			out = append(out, o)
		default:
			return nil, fmt.Errorf("TCP option %d: not in the scenario language", x.OptionType)
		}
	}
	return out, nil
}

// numText writes an absolute number in the script's numbering.
func numText(v, isn uint32, absolute bool) string {
	if absolute {
		return fmt.Sprint(v)
	}
	if d := v - isn; d < 1<<31 {
		return fmt.Sprint(d)
	}
	return fmt.Sprintf("abs:%d", v)
}

func (cv *converter) segLine(st *Stmt, r *run) []string {
	e := r.cur.cli
	if st.FromServer {
		e = r.cur.srv
	}
	p := e.peer
	abs := cv.opt.Absolute
	var b strings.Builder
	dir := ">"
	if st.FromServer {
		dir = "<"
	}
	fl := FlagString(st.Flags)
	if fl == "." {
		fl = "."
	}
	fmt.Fprintf(&b, "%s %s %s", secs(st.At), dir, fl)
	if st.Seq != nil {
		fmt.Fprintf(&b, " seq %s", numText(st.Seq.V, e.iss, abs))
	}
	if st.Ack != nil {
		fmt.Fprintf(&b, " ack %s", numText(st.Ack.V, p.iss, abs))
	}
	if st.Win != nil {
		fmt.Fprintf(&b, " win %d", *st.Win)
	}
	if st.TSVal != nil {
		fmt.Fprintf(&b, " tsval %d", *st.TSVal)
	}
	if st.TSEcr != nil {
		fmt.Fprintf(&b, " tsecr %d", *st.TSEcr)
	}
	if st.TTL != nil {
		fmt.Fprintf(&b, " ttl %d", *st.TTL)
	}
	if st.IPID != nil {
		fmt.Fprintf(&b, " ipid %d", *st.IPID)
	}
	if st.SACK != nil {
		var bl []string
		for _, x := range st.SACK {
			bl = append(bl, numText(x[0].V, p.iss, abs)+":"+numText(x[1].V, p.iss, abs))
		}
		fmt.Fprintf(&b, " sack %s", strings.Join(bl, ","))
	}
	if st.OptsSet {
		var parts []string
		for _, o := range st.Opts {
			switch o.Kind {
			case "mss", "wscale":
				parts = append(parts, fmt.Sprintf("%s %d", o.Kind, o.Val))
			case "TS":
				parts = append(parts, fmt.Sprintf("TS val %d ecr %d", o.Val, o.Ecr))
			case "sack":
				s := "sack"
				for _, bl := range o.Blocks {
					s += " " + numText(bl[0].V, p.iss, abs) + ":" + numText(bl[1].V, p.iss, abs)
				}
				parts = append(parts, s)
			default:
				parts = append(parts, o.Kind)
			}
		}
		fmt.Fprintf(&b, " <%s>", strings.Join(parts, ","))
	}
	if st.FragMTU > 0 {
		fmt.Fprintf(&b, " frag %d", st.FragMTU)
		if st.FragOrder != nil {
			var o []string
			for _, n := range st.FragOrder {
				o = append(o, fmt.Sprint(n))
			}
			fmt.Fprintf(&b, " order %s", strings.Join(o, ","))
		}
		if st.FragGap > 0 {
			fmt.Fprintf(&b, " gap %s", strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.9f", st.FragGap.Seconds()), "0"), "."))
		}
	}
	if st.Label != "" {
		fmt.Fprintf(&b, " label %s", st.Label)
	}
	if st.Forced {
		b.WriteString(" forced")
	}
	pieces := payloadPieces(st.Payload)
	lines := []string{b.String()}
	for i, pc := range pieces {
		switch {
		case i == 0 || strings.HasSuffix(pc, " bytes") || strings.HasSuffix(pc, " byte"):
			lines[len(lines)-1] += " " + pc
		default:
			lines = append(lines, "    "+pc)
		}
	}
	return lines
}

func (cv *converter) icmpLine(st *Stmt) string {
	name := st.TypeName
	if name == "" {
		name = fmt.Sprintf("type %d code %d", st.Type, st.Code)
	}
	l := fmt.Sprintf("%s icmp %s > %s %s", secs(st.At), st.From, st.To, name)
	if st.MTU != 0 {
		l += fmt.Sprintf(" mtu %d", st.MTU)
	}
	l += " quoting " + st.Quoting
	if st.QTTL != nil {
		l += fmt.Sprintf(" ttl %d", *st.QTTL)
	}
	if st.QuoteLen != nil {
		l += fmt.Sprintf(" quote %d", *st.QuoteLen)
	}
	if st.Forced {
		l += " forced"
	}
	return l
}

func plural(n int) string {
	if n == 1 {
		return "1 byte"
	}
	return fmt.Sprintf("%d bytes", n)
}

func texty(c byte) bool {
	return c >= 0x20 && c < 0x7f || c == '\r' || c == '\n' || c == '\t' || c == 0x1b
}

// payloadPieces writes a payload as scenario pieces: quoted text (a piece
// per line of text), N bytes for runs of zeros, hex for the rest.
func payloadPieces(p []byte) []string {
	var out []string
	for i := 0; i < len(p); {
		j := i
		switch {
		case p[i] == 0:
			for j < len(p) && p[j] == 0 {
				j++
			}
			if j-i >= 8 || j == len(p) && i == 0 {
				out = append(out, plural(j-i))
				i = j
				continue
			}
			j = i
			fallthrough
		case !texty(p[i]):
			for j < len(p) && j-i < 48 && !(texty(p[j]) && j+3 < len(p) && texty(p[j+1]) && texty(p[j+2]) && texty(p[j+3])) &&
				!(p[j] == 0 && j+8 <= len(p) && bytes.Count(p[j:j+8], []byte{0}) == 8) {
				j++
			}
			if j == i {
				j++
			}
			out = append(out, "hex "+fmt.Sprintf("%x", p[i:j]))
		default:
			for j < len(p) && texty(p[j]) && j-i < 96 {
				j++
				if p[j-1] == '\n' {
					break
				}
			}
			out = append(out, quote(p[i:j]))
		}
		i = j
	}
	return out
}

// quote writes bytes as a Go-style string the parser reads back exactly.
func quote(b []byte) string {
	var s strings.Builder
	s.WriteByte('"')
	for _, c := range b {
		switch {
		case c == '"' || c == '\\':
			s.WriteByte('\\')
			s.WriteByte(c)
		case c == '\r':
			s.WriteString(`\r`)
		case c == '\n':
			s.WriteString(`\n`)
		case c == '\t':
			s.WriteString(`\t`)
		case c >= 0x20 && c < 0x7f:
			s.WriteByte(c)
		default:
			fmt.Fprintf(&s, `\x%02x`, c)
		}
	}
	s.WriteByte('"')
	return s.String()
}
