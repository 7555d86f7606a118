package scenario

import (
	"fmt"
	"hash/fnv"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Error is a problem with one line of a scenario: "FILE:LINE: message".
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return e.File + ": " + e.Msg
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// Script is a parsed scenario: its header and its body, in file order.
type Script struct {
	Name     string // file name, for errors
	Start    time.Time
	Capture  string // "client", "server" or "middle": where the capture point is
	Link     string // "ethernet" or "raw"
	Absolute bool   // numbers absolute: seq and ack are the numbers on the wire
	Hosts    []*Host
	Stmts    []*Stmt
}

// Host is one machine: an end of a connection or a router sending ICMP.
type Host struct {
	Name   string
	Addr   netip.Addr
	MAC    net.HardwareAddr
	TTL    uint8  // as sent
	Hops   uint8  // routers between the host and the capture point
	IPID   uint16 // the first IPv4 ID
	ZeroID bool   // DF datagrams carry ID 0 (Linux 2.4)
	DF     bool
	TSVal  uint32 // TCP timestamp clock at time 0
	TSHz   uint32
	MSS    uint16 // 0: no MSS option
	SACK   bool
	TS     bool
	WScale int // -1: no window scale option
	SynWin uint16
	Win    uint16 // window field once the handshake is over
	winSet bool
	Line   int
}

// Stmt kinds.
const (
	KindConn = iota + 1
	KindSegment
	KindICMP
)

// Num is a sequence or acknowledgment number as written: relative to an
// ISN, or absolute (abs:N, or any number under "numbers absolute").
type Num struct {
	V   uint32
	Abs bool
}

// Option is one TCP option as written between < and >.
type Option struct {
	Kind   string // mss, wscale, sackOK, TS, sack, nop, eol
	Val    uint32
	Ecr    uint32
	Blocks [][2]Num
}

// Stmt is one body line.
type Stmt struct {
	Line int
	Kind int

	// KindConn
	Cli, Srv         string // host names
	CliPort, SrvPort uint16
	CliISN, SrvISN   *uint32

	// KindSegment and KindICMP
	At      time.Duration
	TimeSet bool
	TimeRel bool // +N: after the previous line

	// KindSegment
	FromServer  bool // <
	Flags       uint8
	Seq, Ack    *Num
	Win         *uint16
	TSVal       *uint32
	TSEcr       *uint32
	TTL         *uint8
	IPID        *uint16
	Opts        []Option
	OptsSet     bool
	Payload     []byte
	Lost        string // "", "auto", "before", "after"
	Dup         bool
	Reorder     bool
	Forced      bool
	Unrecorded  bool
	Discarded   bool
	NoTS        bool
	FragMTU     int
	FragOrder   []int
	FragGap     time.Duration
	Label       string
	SACK        [][2]Num // SACK blocks added to the default options
	payloadLine bool     // a payload was given: continuation lines may follow

	// KindICMP
	From, To   string
	Type, Code uint8
	TypeName   string // as written ("" for type N code N): its ICMPv6 type differs
	MTU        uint32
	Quoting    string
	QTTL       *uint8
	QuoteLen   *int
}

// TCP flags.
const (
	FIN uint8 = 1 << iota
	SYN
	RST
	PSH
	ACK
	URG
	ECE
	CWR
)

// flagLetters are tcpdump's letters; "." is ACK.
var flagLetters = map[byte]uint8{'F': FIN, 'S': SYN, 'R': RST, 'P': PSH, '.': ACK, 'U': URG, 'E': ECE, 'W': CWR}

// FlagString spells flags as a scenario writes them.
func FlagString(f uint8) string {
	var b strings.Builder
	for _, c := range "SFRPUEW." {
		if f&flagLetters[byte(c)] != 0 {
			b.WriteRune(c)
		}
	}
	if b.Len() == 0 {
		return "none"
	}
	return b.String()
}

// icmpName is an ICMP error a scenario can send, by name: its ICMPv4 and
// ICMPv6 type and code. The first of two names for one error is the one a
// converted capture uses.
type icmpName struct {
	name   string
	v4, v6 [2]uint8
}

var icmpNames = []icmpName{
	{"net-unreachable", [2]uint8{3, 0}, [2]uint8{1, 0}},
	{"host-unreachable", [2]uint8{3, 1}, [2]uint8{1, 3}},
	{"port-unreachable", [2]uint8{3, 3}, [2]uint8{1, 4}},
	{"frag-needed", [2]uint8{3, 4}, [2]uint8{2, 0}},
	{"packet-too-big", [2]uint8{3, 4}, [2]uint8{2, 0}},
	{"admin-prohibited", [2]uint8{3, 13}, [2]uint8{1, 1}},
	{"time-exceeded", [2]uint8{11, 0}, [2]uint8{3, 0}},
}

func icmpByName(n string) (icmpName, bool) {
	for _, x := range icmpNames {
		if x.name == n {
			return x, true
		}
	}
	return icmpName{}, false
}

// stacks are named sets of SYN options and windows.
var stacks = map[string]func(h *Host){
	"linux": func(h *Host) {
		h.MSS, h.SACK, h.TS, h.WScale, h.SynWin, h.Win, h.winSet = 1460, true, true, 7, 64240, 502, true
	},
	"linux-server": func(h *Host) {
		h.MSS, h.SACK, h.TS, h.WScale, h.SynWin, h.Win, h.winSet = 1460, true, true, 7, 65160, 509, true
	},
	"windows": func(h *Host) {
		h.MSS, h.SACK, h.TS, h.WScale, h.SynWin, h.Win, h.winSet = 1460, true, false, 8, 65535, 1026, true
	},
	"bsd": func(h *Host) {
		h.MSS, h.SACK, h.TS, h.WScale, h.SynWin, h.Win, h.winSet = 1460, false, false, -1, 16384, 16384, true
	},
	"bare": func(h *Host) {
		h.MSS, h.SACK, h.TS, h.WScale, h.SynWin, h.Win, h.winSet = 0, false, false, -1, 65535, 65535, true
	},
}

type parser struct {
	s        *Script
	line     int
	body     bool
	hosts    map[string]*Host
	last     *Stmt // the last segment line, for payload continuations
	conns    int
	cliAddr  string
	srvAddr  string
	cliPort  uint16
	srvPort  uint16
	cliISN   *uint32
	srvISN   *uint32
	defaults []string // a defaults line's attributes, for the hosts after it
}

// Parse reads a scenario. name is used in errors ("NAME:LINE: ...").
func Parse(name string, src []byte) (*Script, error) {
	p := &parser{
		s:     &Script{Name: name, Start: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Capture: "client", Link: "ethernet"},
		hosts: map[string]*Host{},
	}
	lines := strings.Split(string(src), "\n")
	for i, l := range lines {
		p.line = i + 1
		toks, err := tokenize(l)
		if err != nil {
			return nil, p.errf("%v", err)
		}
		if len(toks) == 0 {
			continue
		}
		if err := p.stmt(toks); err != nil {
			return nil, err
		}
	}
	if !p.body && p.conns == 0 {
		if err := p.implicitConn(); err != nil {
			return nil, err
		}
	}
	return p.s, nil
}

func (p *parser) errf(format string, args ...any) error {
	return &Error{File: p.s.Name, Line: p.line, Msg: fmt.Sprintf(format, args...)}
}

// tokenize splits a line into words, quoted strings (kept quoted) and an
// option list (<...>, kept whole); # starts a comment outside quotes.
func tokenize(l string) ([]string, error) {
	var out []string
	i := 0
	for i < len(l) {
		c := l[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == '#':
			return out, nil
		case c == '"':
			j := i + 1
			for j < len(l) && l[j] != '"' {
				if l[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(l) {
				return nil, fmt.Errorf("unterminated string")
			}
			out = append(out, l[i:j+1])
			i = j + 1
		case c == '<' && len(out) > 0 && isDirOrTime(out):
			j := strings.IndexByte(l[i:], '>')
			if j < 0 {
				return nil, fmt.Errorf("option list without a closing >")
			}
			out = append(out, l[i:i+j+1])
			i += j + 1
		default:
			j := i
			for j < len(l) && l[j] != ' ' && l[j] != '\t' && l[j] != '\r' && l[j] != '"' && l[j] != '#' {
				j++
			}
			w := l[i:j]
			if k, v, ok := strings.Cut(w, "="); ok && k != "" && v != "" {
				out = append(out, k, v)
			} else {
				out = append(out, w)
			}
			i = j
		}
	}
	return out, nil
}

// isDirOrTime reports whether a < at this point opens an option list: the
// line already has its direction.
func isDirOrTime(toks []string) bool {
	for _, t := range toks {
		if t == ">" || t == "<" {
			return true
		}
	}
	return false
}

func isTime(t string) bool {
	t = strings.TrimPrefix(t, "+")
	if t == "" {
		return false
	}
	dot := false
	for _, c := range t {
		switch {
		case c == '.' && !dot:
			dot = true
		case c >= '0' && c <= '9':
		default:
			return false
		}
	}
	return true
}

// parseSeconds reads decimal seconds exactly, to the nanosecond.
func parseSeconds(t string) (time.Duration, error) {
	whole, frac, _ := strings.Cut(t, ".")
	if len(frac) > 9 {
		return 0, fmt.Errorf("time %s: at most 9 decimals (nanoseconds)", t)
	}
	w, err := strconv.ParseUint("0"+whole, 10, 32)
	if err != nil || w > 1e7 {
		return 0, fmt.Errorf("time %s: want seconds, e.g. 0.010 or +0.010", t)
	}
	f, _ := strconv.ParseUint("0"+frac+strings.Repeat("0", 9-len(frac)), 10, 64)
	return time.Duration(w)*time.Second + time.Duration(f), nil
}

func (p *parser) stmt(toks []string) error {
	// A header keyword may be written with a colon, "numbers: absolute".
	if k, ok := strings.CutSuffix(toks[0], ":"); ok {
		switch k {
		case "start", "capture", "link", "numbers", "client", "server", "host", "defaults":
			toks = append([]string{k}, toks[1:]...)
		}
	}
	switch t := toks[0]; {
	case strings.HasPrefix(t, `"`) || t == "hex":
		if p.last == nil || !p.last.payloadLine {
			return p.errf("a payload line continues a segment line that has a payload; there is none above")
		}
		b, rest, err := p.payloads(toks)
		if err != nil {
			return err
		}
		if len(rest) > 0 {
			return p.errf("unexpected %q after the payload", rest[0])
		}
		p.last.Payload = append(p.last.Payload, b...)
		return nil
	case t == "host":
		return p.host(toks)
	case t == "defaults":
		// Attributes every host declared after this line starts from.
		probe := &Host{}
		if _, err := p.attrs(probe, toks[1:], false); err != nil {
			return err
		}
		p.defaults = append(p.defaults, toks[1:]...)
		return nil
	case t == "client" || t == "server":
		if p.body {
			return p.errf("%s belongs in the header, before the first packet (use conn for another connection)", t)
		}
		return p.end(toks)
	case t == "start" || t == "capture" || t == "link" || t == "numbers":
		if p.body {
			return p.errf("%s belongs in the header, before the first packet", t)
		}
		return p.header(toks)
	case t == "conn":
		return p.conn(toks)
	}
	return p.body0(toks)
}

func (p *parser) header(toks []string) error {
	if len(toks) != 2 {
		return p.errf("%s takes one value", toks[0])
	}
	v := toks[1]
	switch toks[0] {
	case "start":
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return p.errf("start %s: want an RFC 3339 time such as 2024-05-14T09:00:00Z", v)
		}
		p.s.Start = t
	case "capture":
		switch v {
		case "client", "server", "middle":
			p.s.Capture = v
		default:
			return p.errf("capture %s: want client, server or middle", v)
		}
	case "link":
		switch v {
		case "ethernet", "raw":
			p.s.Link = v
		default:
			return p.errf("link %s: want ethernet or raw", v)
		}
	case "numbers":
		switch v {
		case "absolute":
			p.s.Absolute = true
		case "relative":
			p.s.Absolute = false
		default:
			return p.errf("numbers %s: want relative or absolute", v)
		}
	}
	return nil
}

func (p *parser) newHost(name, addr string) (*Host, error) {
	if _, dup := p.hosts[name]; dup {
		return nil, p.errf("host %s declared twice", name)
	}
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return nil, p.errf("host %s: bad address %q", name, addr)
	}
	f := fnv.New32a()
	f.Write([]byte(name))
	hv := f.Sum32()
	n := len(p.s.Hosts)
	h := &Host{
		Name: name, Addr: a.Unmap(), TTL: 64, DF: true, TSHz: 1000,
		MAC:  net.HardwareAddr{0x00, 0x00, 0x5e, 0x00, 0x53, byte(0x10 + n)},
		IPID: uint16(hv), TSVal: hv >> 1, MSS: 1460, WScale: -1, SynWin: 65535, Line: p.line,
	}
	p.hosts[name] = h
	p.s.Hosts = append(p.s.Hosts, h)
	return h, nil
}

func (p *parser) host(toks []string) error {
	if len(toks) < 3 {
		return p.errf("host NAME ADDRESS [attributes]")
	}
	h, err := p.newHost(toks[1], toks[2])
	if err != nil {
		return err
	}
	_, err = p.attrs(h, append(append([]string(nil), p.defaults...), toks[3:]...), false)
	return err
}

// splitAddrPort reads ADDR:PORT or [V6]:PORT.
func splitAddrPort(s string) (string, uint16, error) {
	ap, err := netip.ParseAddrPort(s)
	if err != nil {
		return "", 0, fmt.Errorf("%q: want ADDRESS:PORT ([ADDRESS]:PORT for IPv6)", s)
	}
	return ap.Addr().String(), ap.Port(), nil
}

func (p *parser) end(toks []string) error {
	if len(toks) < 2 {
		return p.errf("%s ADDRESS:PORT [attributes]", toks[0])
	}
	addr, port, err := splitAddrPort(toks[1])
	if err != nil {
		return p.errf("%s %v", toks[0], err)
	}
	h, err := p.newHost(toks[0], addr)
	if err != nil {
		return err
	}
	isn, err := p.attrs(h, append(append([]string(nil), p.defaults...), toks[2:]...), true)
	if err != nil {
		return err
	}
	if toks[0] == "client" {
		p.cliAddr, p.cliPort, p.cliISN = addr, port, isn
	} else {
		p.srvAddr, p.srvPort, p.srvISN = addr, port, isn
	}
	return nil
}

func (p *parser) implicitConn() error {
	if p.cliAddr == "" || p.srvAddr == "" {
		return p.errf("declare client ADDRESS:PORT and server ADDRESS:PORT (or a conn line) before the first packet")
	}
	if p.hosts["client"].Addr.Is6() != p.hosts["server"].Addr.Is6() {
		return p.errf("client and server must both be IPv4 or both IPv6")
	}
	p.conns++
	p.s.Stmts = append(p.s.Stmts, &Stmt{Line: p.line, Kind: KindConn, Cli: "client", Srv: "server",
		CliPort: p.cliPort, SrvPort: p.srvPort, CliISN: p.cliISN, SrvISN: p.srvISN})
	return nil
}

func parseUint(s string, bits int) (uint64, bool) {
	v, err := strconv.ParseUint(s, 10, bits)
	return v, err == nil
}

// attrs reads a host's attributes; isn is allowed on client and server lines.
func (p *parser) attrs(h *Host, toks []string, isnOK bool) (*uint32, error) {
	var isn *uint32
	for i := 0; i < len(toks); i++ {
		k := toks[i]
		val := func(bits int) (uint64, error) {
			if i+1 >= len(toks) {
				return 0, p.errf("%s needs a value", k)
			}
			i++
			v, ok := parseUint(toks[i], bits)
			if !ok {
				return 0, p.errf("%s %s: want a number below 2^%d", k, toks[i], bits)
			}
			return v, nil
		}
		var v uint64
		var err error
		switch k {
		case "mac":
			if i+1 >= len(toks) {
				return nil, p.errf("mac needs a value")
			}
			i++
			m, e := net.ParseMAC(toks[i])
			if e != nil || len(m) != 6 {
				return nil, p.errf("mac %s: want six bytes, 00:00:5e:00:53:01", toks[i])
			}
			h.MAC = m
		case "ttl":
			v, err = val(8)
			h.TTL = uint8(v)
		case "hops":
			v, err = val(8)
			h.Hops = uint8(v)
		case "ipid":
			if i+1 < len(toks) && toks[i+1] == "zero" {
				i++
				h.ZeroID = true
				continue
			}
			v, err = val(16)
			h.IPID = uint16(v)
		case "df":
			h.DF = true
		case "nodf":
			h.DF = false
		case "tsval":
			v, err = val(32)
			h.TSVal = uint32(v)
		case "tshz":
			v, err = val(32)
			h.TSHz = uint32(v)
			if err == nil && v == 0 {
				return nil, p.errf("tshz 0: a clock needs ticks")
			}
		case "mss":
			v, err = val(16)
			h.MSS = uint16(v)
		case "wscale":
			v, err = val(8)
			if err == nil && v > 14 {
				return nil, p.errf("wscale %d: at most 14 (RFC 7323)", v)
			}
			h.WScale = int(v)
		case "nowscale":
			h.WScale = -1
		case "sackOK", "sackok":
			h.SACK = true
		case "nosack":
			h.SACK = false
		case "ts":
			h.TS = true
		case "nots":
			h.TS = false
		case "synwin":
			v, err = val(16)
			h.SynWin = uint16(v)
		case "win":
			v, err = val(16)
			h.Win, h.winSet = uint16(v), true
		case "stack":
			if i+1 >= len(toks) || stacks[toks[i+1]] == nil {
				return nil, p.errf("stack: want one of linux, linux-server, windows, bsd, bare")
			}
			i++
			stacks[toks[i]](h)
		case "isn":
			if !isnOK {
				return nil, p.errf("isn belongs on a client, server or conn line")
			}
			v, err = val(32)
			x := uint32(v)
			isn = &x
		default:
			return nil, p.errf("unknown attribute %q", k)
		}
		if err != nil {
			return nil, err
		}
	}
	if !h.winSet {
		h.Win = h.SynWin
		if h.WScale > 0 {
			h.Win = h.SynWin >> h.WScale
		}
	}
	return isn, nil
}

// conn starts (or returns to) a connection: conn HOST:PORT [>] HOST:PORT [isn N N].
func (p *parser) conn(toks []string) error {
	if !p.body && p.conns == 0 && p.cliAddr != "" && p.srvAddr != "" {
		if err := p.implicitConn(); err != nil {
			return err
		}
	}
	p.body = true
	args := toks[1:]
	if len(args) >= 3 && args[1] == ">" {
		args = append([]string{args[0]}, args[2:]...)
	}
	if len(args) < 2 {
		return p.errf("conn HOST:PORT HOST:PORT [isn CLIENT-ISN SERVER-ISN]")
	}
	st := &Stmt{Line: p.line, Kind: KindConn}
	for i, a := range args[:2] {
		name, port, ok := strings.Cut(a, ":")
		pv, pok := parseUint(port, 16)
		if !ok || !pok {
			return p.errf("conn %s: want HOST:PORT, HOST a declared host's name", a)
		}
		h := p.hosts[name]
		if h == nil {
			return p.errf("conn: no host %q (declare it with host, client or server)", name)
		}
		if i == 0 {
			st.Cli, st.CliPort = name, uint16(pv)
		} else {
			st.Srv, st.SrvPort = name, uint16(pv)
		}
	}
	if p.hosts[st.Cli].Addr.Is6() != p.hosts[st.Srv].Addr.Is6() {
		return p.errf("conn: %s and %s must both be IPv4 or both IPv6", st.Cli, st.Srv)
	}
	rest := args[2:]
	if len(rest) > 0 {
		if len(rest) != 3 || rest[0] != "isn" {
			return p.errf("conn: after the two ends, only isn CLIENT-ISN SERVER-ISN")
		}
		a, ok1 := parseUint(rest[1], 32)
		b, ok2 := parseUint(rest[2], 32)
		if !ok1 || !ok2 {
			return p.errf("conn: isn wants two numbers below 2^32")
		}
		x, y := uint32(a), uint32(b)
		st.CliISN, st.SrvISN = &x, &y
	}
	p.conns++
	p.s.Stmts = append(p.s.Stmts, st)
	p.last = nil
	return nil
}

func (p *parser) num(t string) (Num, error) {
	abs := p.s.Absolute
	if v, ok := strings.CutPrefix(t, "abs:"); ok {
		t, abs = v, true
	} else if v, ok := strings.CutPrefix(t, "rel:"); ok {
		t, abs = v, false
	}
	v, ok := parseUint(t, 32)
	if !ok {
		return Num{}, p.errf("%q: want a number below 2^32 (abs:N for an absolute one)", t)
	}
	return Num{V: uint32(v), Abs: abs}, nil
}

func (p *parser) body0(toks []string) error {
	if !p.body {
		p.body = true
		if p.conns == 0 {
			if err := p.implicitConn(); err != nil {
				return err
			}
		}
	}
	st := &Stmt{Line: p.line}
	if isTime(toks[0]) {
		d, err := parseSeconds(strings.TrimPrefix(toks[0], "+"))
		if err != nil {
			return p.errf("%v", err)
		}
		st.At, st.TimeSet, st.TimeRel = d, true, strings.HasPrefix(toks[0], "+")
		toks = toks[1:]
	}
	if len(toks) == 0 {
		return p.errf("a time alone: want a direction (> client to server, < server to client) and flags")
	}
	switch toks[0] {
	case ">", "<":
		st.Kind = KindSegment
		st.FromServer = toks[0] == "<"
		if err := p.segment(st, toks[1:]); err != nil {
			return err
		}
		p.last = st
	case "icmp":
		st.Kind = KindICMP
		if err := p.icmp(st, toks[1:]); err != nil {
			return err
		}
		p.last = nil
	default:
		return p.errf("unknown line %q: want a header keyword, conn, icmp, or [TIME] > or < and flags", toks[0])
	}
	p.s.Stmts = append(p.s.Stmts, st)
	return nil
}

func parseFlags(t string) (uint8, bool) {
	if t == "none" || t == "-" {
		return 0, true
	}
	var f uint8
	for i := 0; i < len(t); i++ {
		b, ok := flagLetters[t[i]]
		if !ok || f&b != 0 {
			return 0, false
		}
		f |= b
	}
	return f, len(t) > 0
}

// payloads reads payload pieces ("text", hex HEX, N bytes) from the front
// of toks and returns the rest.
func (p *parser) payloads(toks []string) ([]byte, []string, error) {
	var out []byte
	for len(toks) > 0 {
		t := toks[0]
		switch {
		case strings.HasPrefix(t, `"`):
			s, err := strconv.Unquote(t)
			if err != nil {
				return nil, nil, p.errf("string %s: %v (escapes as in Go: \\r \\n \\t \\\\ \\\" \\xHH)", t, err)
			}
			out = append(out, s...)
			toks = toks[1:]
		case t == "hex":
			if len(toks) < 2 {
				return nil, nil, p.errf("hex needs digits")
			}
			b, err := parseHex(toks[1])
			if err != nil {
				return nil, nil, p.errf("hex %s: %v", toks[1], err)
			}
			out = append(out, b...)
			toks = toks[2:]
		case len(toks) >= 2 && (toks[1] == "bytes" || toks[1] == "byte"):
			n, ok := parseUint(t, 16)
			if !ok {
				return nil, nil, p.errf("%s bytes: want a length below 65536", t)
			}
			out = append(out, make([]byte, n)...)
			toks = toks[2:]
		default:
			return out, toks, nil
		}
	}
	return out, toks, nil
}

func parseHex(s string) ([]byte, error) {
	if len(s)%2 != 0 {
		return nil, fmt.Errorf("an odd number of digits")
	}
	out := make([]byte, len(s)/2)
	for i := range out {
		v, err := strconv.ParseUint(s[2*i:2*i+2], 16, 8)
		if err != nil {
			return nil, fmt.Errorf("not hexadecimal")
		}
		out[i] = byte(v)
	}
	return out, nil
}

func (p *parser) segment(st *Stmt, toks []string) error {
	if len(toks) == 0 {
		return p.errf("flags missing: S, S., ., P., F., R, R. ... (tcpdump's letters, . for ACK)")
	}
	f, ok := parseFlags(toks[0])
	if !ok {
		return p.errf("flags %q: want tcpdump's letters S F R P U E W and . for ACK, each once", toks[0])
	}
	st.Flags = f
	toks = toks[1:]
	for len(toks) > 0 {
		t := toks[0]
		need := func(what string) (string, error) {
			if len(toks) < 2 {
				return "", p.errf("%s needs %s", t, what)
			}
			v := toks[1]
			toks = toks[2:]
			return v, nil
		}
		uintArg := func(bits int) (uint64, error) {
			v, err := need("a number")
			if err != nil {
				return 0, err
			}
			n, ok := parseUint(v, bits)
			if !ok {
				return 0, p.errf("%s %s: want a number below 2^%d", t, v, bits)
			}
			return n, nil
		}
		switch {
		case strings.HasPrefix(t, `"`) || t == "hex" || (len(toks) >= 2 && (toks[1] == "bytes" || toks[1] == "byte")):
			b, rest, err := p.payloads(toks)
			if err != nil {
				return err
			}
			st.Payload = append(st.Payload, b...)
			st.payloadLine = true
			toks = rest
		case strings.HasPrefix(t, "<"):
			opts, err := p.options(t)
			if err != nil {
				return err
			}
			st.Opts, st.OptsSet = opts, true
			toks = toks[1:]
		case t == "seq" || t == "ack":
			v, err := need("a number")
			if err != nil {
				return err
			}
			n, err := p.num(v)
			if err != nil {
				return err
			}
			if t == "seq" {
				st.Seq = &n
			} else {
				st.Ack = &n
			}
		case t == "win":
			v, err := uintArg(16)
			if err != nil {
				return err
			}
			w := uint16(v)
			st.Win = &w
		case t == "tsval" || t == "tsecr":
			v, err := uintArg(32)
			if err != nil {
				return err
			}
			x := uint32(v)
			if t == "tsval" {
				st.TSVal = &x
			} else {
				st.TSEcr = &x
			}
		case t == "ttl":
			v, err := uintArg(8)
			if err != nil {
				return err
			}
			x := uint8(v)
			st.TTL = &x
		case t == "ipid":
			v, err := uintArg(16)
			if err != nil {
				return err
			}
			x := uint16(v)
			st.IPID = &x
		case t == "sack":
			v, err := need("blocks L:R[,L:R...]")
			if err != nil {
				return err
			}
			blocks := strings.Split(v, ",")
			if len(blocks) > 4 {
				return p.errf("sack %s: at most four blocks fit in the options", v)
			}
			for _, b := range blocks {
				l, r, ok := strings.Cut(b, ":")
				if !ok {
					return p.errf("sack %s: want blocks L:R (left edge, right edge), comma-separated", v)
				}
				ln, err := p.num(l)
				if err != nil {
					return err
				}
				rn, err := p.num(r)
				if err != nil {
					return err
				}
				st.SACK = append(st.SACK, [2]Num{ln, rn})
			}
		case t == "label":
			v, err := need("a name")
			if err != nil {
				return err
			}
			st.Label = v
		case t == "frag":
			v, err := uintArg(16)
			if err != nil {
				return err
			}
			if v < 28 || v > 65535 {
				return p.errf("frag %d: want the MTU of the link that fragments, at least 28", v)
			}
			st.FragMTU = int(v)
			for len(toks) >= 2 && (toks[0] == "order" || toks[0] == "gap") {
				if toks[0] == "gap" {
					d, err := parseSeconds(toks[1])
					if err != nil {
						return p.errf("gap: %v", err)
					}
					st.FragGap = d
				} else {
					for _, x := range strings.Split(toks[1], ",") {
						n, ok := parseUint(x, 8)
						if !ok {
							return p.errf("order %s: want fragment indexes from 0, such as 0,2,1", toks[1])
						}
						st.FragOrder = append(st.FragOrder, int(n))
					}
				}
				toks = toks[2:]
			}
		case t == "lost":
			st.Lost = "auto"
			toks = toks[1:]
			if len(toks) > 0 && (toks[0] == "before" || toks[0] == "after") {
				st.Lost = toks[0]
				toks = toks[1:]
			}
		default:
			toks = toks[1:]
			switch t {
			case "dup":
				st.Dup = true
			case "reorder":
				st.Reorder = true
			case "forced":
				st.Forced = true
			case "unrecorded":
				st.Unrecorded = true
			case "discarded":
				st.Discarded = true
			case "nots":
				st.NoTS = true
			default:
				return p.errf("unknown word %q in a segment line", t)
			}
		}
	}
	if st.Unrecorded && st.Lost != "" {
		return p.errf("unrecorded and lost together: a segment before the capture started was delivered")
	}
	return nil
}

// options reads "<mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7,sack 1:100 200:300,eol>".
func (p *parser) options(t string) ([]Option, error) {
	body := strings.TrimSuffix(strings.TrimPrefix(t, "<"), ">")
	var out []Option
	if strings.TrimSpace(body) == "" {
		return nil, nil
	}
	for _, part := range strings.Split(body, ",") {
		f := strings.Fields(part)
		if len(f) == 0 {
			return nil, p.errf("empty option in %s", t)
		}
		o := Option{Kind: f[0]}
		bad := func() error {
			return p.errf("option %q: want mss N, wscale N, sackOK, TS val N ecr N, sack L:R ..., nop or eol", strings.TrimSpace(part))
		}
		switch strings.ToLower(f[0]) {
		case "mss":
			if len(f) != 2 {
				return nil, bad()
			}
			v, ok := parseUint(f[1], 16)
			if !ok {
				return nil, bad()
			}
			o.Kind, o.Val = "mss", uint32(v)
		case "wscale":
			if len(f) != 2 {
				return nil, bad()
			}
			v, ok := parseUint(f[1], 8)
			if !ok {
				return nil, bad()
			}
			o.Kind, o.Val = "wscale", uint32(v)
		case "sackok":
			if len(f) != 1 {
				return nil, bad()
			}
			o.Kind = "sackOK"
		case "nop", "eol":
			if len(f) != 1 {
				return nil, bad()
			}
			o.Kind = strings.ToLower(f[0])
		case "ts":
			if len(f) != 5 || f[1] != "val" || f[3] != "ecr" {
				return nil, bad()
			}
			v, ok1 := parseUint(f[2], 32)
			e, ok2 := parseUint(f[4], 32)
			if !ok1 || !ok2 {
				return nil, bad()
			}
			o.Kind, o.Val, o.Ecr = "TS", uint32(v), uint32(e)
		case "sack":
			if len(f) < 2 || len(f) > 5 {
				return nil, p.errf("option %q: sack takes one to four blocks L:R", strings.TrimSpace(part))
			}
			o.Kind = "sack"
			for _, b := range f[1:] {
				l, r, ok := strings.Cut(b, ":")
				if !ok {
					return nil, bad()
				}
				ln, err := p.num(l)
				if err != nil {
					return nil, err
				}
				rn, err := p.num(r)
				if err != nil {
					return nil, err
				}
				o.Blocks = append(o.Blocks, [2]Num{ln, rn})
			}
		default:
			return nil, bad()
		}
		out = append(out, o)
	}
	return out, nil
}

func (p *parser) icmp(st *Stmt, toks []string) error {
	if len(toks) < 4 || toks[1] != ">" {
		return p.errf("icmp ROUTER > HOST TYPE [mtu N] [quoting LABEL] [ttl N] [quote N]")
	}
	st.From, st.To = toks[0], toks[2]
	for _, h := range []string{st.From, st.To} {
		if p.hosts[h] == nil {
			return p.errf("icmp: no host %q", h)
		}
	}
	toks = toks[3:]
	if tc, ok := icmpByName(toks[0]); ok {
		st.Type, st.Code, st.TypeName = tc.v4[0], tc.v4[1], tc.name
		toks = toks[1:]
	} else if toks[0] == "type" && len(toks) >= 4 && toks[2] == "code" {
		a, ok1 := parseUint(toks[1], 8)
		b, ok2 := parseUint(toks[3], 8)
		if !ok1 || !ok2 {
			return p.errf("icmp type %s code %s: want numbers below 256", toks[1], toks[3])
		}
		st.Type, st.Code = uint8(a), uint8(b)
		toks = toks[4:]
	} else {
		return p.errf("icmp type %q: want frag-needed (packet-too-big), time-exceeded, port-unreachable, host-unreachable, net-unreachable, admin-prohibited or type N code N", toks[0])
	}
	st.Quoting = "last"
	for len(toks) > 0 {
		k := toks[0]
		if k == "forced" {
			st.Forced = true
			toks = toks[1:]
			continue
		}
		if len(toks) < 2 {
			return p.errf("icmp: %s needs a value", k)
		}
		v := toks[1]
		toks = toks[2:]
		switch k {
		case "mtu":
			n, ok := parseUint(v, 32)
			if !ok {
				return p.errf("mtu %s: want a number below 2^32", v)
			}
			st.MTU = uint32(n)
		case "quoting":
			st.Quoting = v
		case "ttl":
			n, ok := parseUint(v, 8)
			if !ok {
				return p.errf("ttl %s: want 0..255", v)
			}
			x := uint8(n)
			st.QTTL = &x
		case "quote":
			n, ok := parseUint(v, 16)
			if !ok || n < 28 {
				return p.errf("quote %s: want the bytes quoted, at least 28 (IP header and 8 bytes)", v)
			}
			x := int(n)
			st.QuoteLen = &x
		default:
			return p.errf("icmp: unknown word %q", k)
		}
	}
	if (st.TypeName == "frag-needed" || st.TypeName == "packet-too-big") && st.MTU == 0 {
		return p.errf("icmp %s: say the next hop's mtu N (RFC 1191, RFC 8201)", st.TypeName)
	}
	return nil
}
