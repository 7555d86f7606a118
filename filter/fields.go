package filter

import (
	"net/netip"
	"sort"

	"github.com/tcpstep/tcpstep/model"
)

// kind is the type of a field's values: it decides how a value written in
// a filter is read and which operators apply.
type kind uint8

const (
	kLabel  kind = iota // no value: only present or absent (protocols, analysis events)
	kUint               // an unsigned integer of bits bits
	kBool               // a flag: 0 or 1, written True or False
	kTime               // a time in nanoseconds, written in seconds
	kIPv4               // an IPv4 address
	kIPv6               // an IPv6 address
	kBytes              // bytes (the payload)
	kState              // an RFC 793 state, written by name
	kString             // text (an application field: smtp.req.command)
)

func (k kind) String() string {
	return [...]string{"label", "unsigned integer", "boolean", "time", "IPv4 address", "IPv6 address", "bytes", "TCP state", "string"}[k]
}

// field is a field a filter can name. Exactly one of nums, addrs, bytes,
// strs and has is set, by kind: nums for kUint, kBool, kTime and kState
// (the values of the frame's occurrences appended to dst), addrs for
// addresses, bytes for kBytes (a field that occurs at most once), strs for
// kString, has for kLabel.
type field struct {
	name  string
	kind  kind
	bits  uint8 // width of a kUint, for the range of the values a filter may write
	nums  func(r *row, dst []int64) []int64
	addrs func(r *row, dst []netip.Addr) []netip.Addr
	bytes func(r *row) ([]byte, bool)
	strs  func(r *row, dst []string) []string
	has   func(r *row) bool
	// payload and frame say the field may read through Source.Payload or
	// Source.Frame.
	payload, frame bool
}

// present reports whether the field occurs in the row.
func (f *field) present(r *row) bool {
	switch {
	case f.has != nil:
		return f.has(r)
	case f.nums != nil:
		return len(f.nums(r, r.na[:0])) > 0
	case f.addrs != nil:
		return len(f.addrs(r, r.aa[:0])) > 0
	case f.strs != nil:
		return len(f.strs(r, r.sa[:0])) > 0
	default:
		_, ok := f.bytes(r)
		return ok
	}
}

// fields maps every name a filter may use to its field; aliases holds the
// names accepted for another (rst for reset).
var fields = map[string]*field{}

var aliases = map[string]string{
	"tcp.flags.rst": "tcp.flags.reset",
	"tcp.flags.psh": "tcp.flags.push",
	"tcp.flags.ns":  "tcp.flags.ae",
}

// hints answer the names people try for something spelled otherwise.
var hints = map[string]string{
	"ip.frag":      "ip.flags.mf == 1 || ip.frag_offset > 0, or tcpstep.fragment",
	"tcp.analysis": "tcp.analysis.flags",
}

func lookupField(name string) (*field, bool) {
	if a, ok := aliases[name]; ok {
		name = a
	}
	f, ok := fields[name]
	return f, ok
}

func add(f *field) { fields[f.name] = f }

// one appends v to dst when ok.
func one(dst []int64, v int64, ok bool) []int64 {
	if ok {
		return append(dst, v)
	}
	return dst
}

// segNum is a field every segment has and no other frame.
func segNum(name string, k kind, bits uint8, get func(r *row) int64) *field {
	return &field{name: name, kind: k, bits: bits, nums: func(r *row, dst []int64) []int64 {
		if r.s == nil {
			return dst
		}
		return append(dst, get(r))
	}}
}

// otherTCP reports whether a frame without a segment still has a TCP
// header for tshark: an ICMP error's quoted one, or a header too broken to
// be a segment (a data offset under 20) that the timeline tied to its
// conversation.
func otherTCP(r *row) bool {
	if r.fr == nil {
		return false
	}
	switch r.fr.Kind {
	case model.FrameICMP:
		return r.frameInfo().tcp
	case model.FrameUndecodable:
		return r.fr.Stream >= 0 || r.frameInfo().tcp
	}
	return false
}

// tcpNum is a field of a segment's TCP header that the TCP header of a
// frame without a segment may have too (other reports it, when it is
// there); frame says that value is read from the frame's bytes.
func tcpNum(name string, k kind, bits uint8, frame bool, seg func(r *row) int64, other func(in *frameInfo) (int64, bool)) *field {
	return &field{name: name, kind: k, bits: bits, frame: frame, nums: func(r *row, dst []int64) []int64 {
		if r.s != nil {
			return append(dst, seg(r))
		}
		if other == nil || !otherTCP(r) {
			return dst
		}
		v, ok := other(r.frameInfo())
		return one(dst, v, ok)
	}}
}

// flagBit is one of tcp.flags' bits as a boolean field (res is the three
// reserved bits: set when any is).
func flagBit(name string, bit model.Flags) *field {
	f := tcpNum(name, kBool, 1, false,
		func(r *row) int64 { return b2i(r.s.Flags&bit != 0) },
		func(in *frameInfo) (int64, bool) { return b2i(in.flags&int64(bit) != 0), in.hasFlags })
	if bit&aceBits == 0 {
		return f
	}
	get := f.nums
	f.nums = func(r *row, dst []int64) []int64 {
		if r.s != nil && usesACE(r) {
			return dst
		}
		return get(r, dst)
	}
	return f
}

// aceBits are the three bits that AccECN (RFC 9768) reads as one counter,
// ACE, once the handshake asked for it.
const aceBits = model.NS | model.CWR | model.ECE

// usesACE reports whether tshark shows the segment's AE, CWR and ECE bits
// as the counter tcp.flags.ace instead of three flags: it does for every
// segment but a SYN once the conversation's SYN asked for AccECN by setting
// all three.
func usesACE(r *row) bool {
	s := r.s
	if s.Flags&model.SYN != 0 {
		return false
	}
	c := r.tl.Conv(s)
	if c == nil {
		return false
	}
	// The SYNs open the conversation: look at them only.
	for _, i := range c.Segs {
		p := &r.tl.Segments[i]
		if int(i) >= r.si || p.Flags&model.SYN == 0 {
			return false
		}
		if p.Flags&(model.SYN|model.ACK) == model.SYN && p.Flags&aceBits == aceBits {
			return true
		}
	}
	return false
}

// windowSize is tshark's tcp.window_size: the window field shifted by the
// scale its sender's own SYN announced (Conversation.WinShift), whether or
// not the peer's SYN was seen; a SYN's window is never scaled, and with
// the scale unknown or not used the window is the field as sent.
//
// The shift is known from that SYN on: a segment the direction sent before
// its first SYN (a RST injected ahead of the SYN/ACK) is not scaled.
func windowSize(r *row) int64 {
	s := r.s
	if s.Flags&model.SYN != 0 {
		return int64(s.Win)
	}
	c := r.tl.Conv(s)
	if c == nil {
		return int64(s.Win)
	}
	sh := c.WinShift[s.Dir&1]
	if sh < 0 {
		return int64(s.Win)
	}
	for _, i := range c.Segs {
		if int(i) >= r.si {
			return int64(s.Win)
		}
		if p := &r.tl.Segments[i]; p.Dir == s.Dir && p.Flags&model.SYN != 0 {
			return int64(s.Win) << uint(min(sh, 14))
		}
	}
	return int64(s.Win)
}

// ipAddrs are the IPv4 (v6 false) or IPv6 addresses of a frame: the
// segment's source (src), destination (dst) or both, or for a frame
// without a segment those of all its IP headers.
func ipAddrs(v6, src, dst bool) func(r *row, out []netip.Addr) []netip.Addr {
	return func(r *row, out []netip.Addr) []netip.Addr {
		if r.s != nil {
			from, to := r.ends()
			if from.Addr.Is6() != v6 || !from.Addr.IsValid() {
				return out
			}
			if src {
				out = append(out, from.Addr)
			}
			if dst {
				out = append(out, to.Addr)
			}
			return out
		}
		if r.fr == nil {
			return out
		}
		in := r.frameInfo()
		s, d := in.ip4src, in.ip4dst
		if v6 {
			s, d = in.ip6src, in.ip6dst
		}
		if src && dst {
			// Wireshark's ip.addr lists each header's source, then its
			// destination.
			for i := range s {
				out = append(out, s[i], d[i])
			}
			return out
		}
		if src {
			return append(out, s...)
		}
		return append(out, d...)
	}
}

// isV4 reports whether the segment travels over IPv4.
func segIsV4(r *row) bool {
	from, _ := r.ends()
	return from.Addr.Is4()
}

// fragOf returns frame n's fragment record when it has one.
func fragOf(r *row) (*model.Fragment, bool) {
	if len(r.tl.Fragments) == 0 {
		return nil, false
	}
	return r.tl.FragmentOf(r.n)
}

// fragField is ip.flags.mf or ip.frag_offset: of a segment's IPv4 header
// (zero unless it completed a fragmented datagram), or of each IPv4 header
// of a frame without a segment.
func fragField(name string, k kind, bits uint8, seg func(f *model.Fragment) int64, other func(in *frameInfo) []int64) *field {
	return &field{name: name, kind: k, bits: bits, frame: true, nums: func(r *row, dst []int64) []int64 {
		if r.s != nil {
			if !segIsV4(r) {
				return dst
			}
			if f, ok := fragOf(r); ok {
				return append(dst, seg(f))
			}
			return append(dst, 0)
		}
		if r.fr == nil {
			return dst
		}
		return append(dst, other(r.frameInfo())...)
	}}
}

// icmpField is icmp.type or icmp.code (v6: icmpv6's).
func icmpField(name string, v6, code bool) *field {
	return &field{name: name, kind: kUint, bits: 8, frame: true, nums: func(r *row, dst []int64) []int64 {
		if r.s != nil || r.fr == nil {
			return dst
		}
		in := r.frameInfo()
		if (v6 && !in.icmp6) || (!v6 && !in.icmp4) {
			return dst
		}
		if code {
			return append(dst, in.icmpCode)
		}
		return append(dst, in.icmpType)
	}}
}

// segHasPayload reports whether tshark shows a tcp.payload for the
// segment: whether any of its payload was captured. A frame captured whole
// has all of it; of one cut short by the snap length the payload is read
// when the Source can, and otherwise judged by how much was cut.
//
// tshark shows the data of a segment with RST as the reset's cause
// (tcp.reset_cause), not as a tcp.payload.
func segHasPayload(r *row) bool {
	if r.s.Len == 0 || r.s.Flags&model.RST != 0 {
		return false
	}
	if r.fr == nil || r.fr.CapLen >= r.fr.OrigLen {
		return true
	}
	if r.src.Payload != nil {
		_, ok := r.payload()
		return ok
	}
	return r.fr.OrigLen-r.fr.CapLen < r.s.Len
}

// event is tcp.analysis.NAME.
func event(e model.Event) *field {
	return &field{name: "tcp.analysis." + e.String(), kind: kLabel, has: func(r *row) bool {
		return r.s != nil && r.s.Events.Has(e)
	}}
}

// state is tcpstep.client_state, tcpstep.server_state, or both (tcpstep.state).
func state(name string, client, server bool) *field {
	return &field{name: name, kind: kState, bits: 4, nums: func(r *row, dst []int64) []int64 {
		if r.s == nil {
			return dst
		}
		if client {
			dst = append(dst, int64(r.s.Client()))
		}
		if server {
			dst = append(dst, int64(r.s.Server()))
		}
		return dst
	}}
}

func init() {
	frameNum := func(name string, bits uint8, k kind, get func(r *row) int64) {
		add(&field{name: name, kind: k, bits: bits, nums: func(r *row, dst []int64) []int64 {
			if r.fr == nil {
				return dst
			}
			return append(dst, get(r))
		}})
	}
	add(&field{name: "frame", kind: kLabel, has: func(r *row) bool { return r.fr != nil }})
	frameNum("frame.number", 32, kUint, func(r *row) int64 { return int64(r.n) })
	frameNum("frame.len", 32, kUint, func(r *row) int64 { return int64(r.fr.OrigLen) })
	frameNum("frame.cap_len", 32, kUint, func(r *row) int64 { return int64(r.fr.CapLen) })
	frameNum("frame.time_relative", 64, kTime, func(r *row) int64 { return r.fr.TimeNS - r.tl.StartNS })
	frameNum("frame.time_delta", 64, kTime, func(r *row) int64 {
		if r.n < 2 {
			return 0
		}
		return r.fr.TimeNS - r.tl.Frames[r.n-2].TimeNS
	})

	for _, v6 := range []bool{false, true} {
		p := "ip"
		if v6 {
			p = "ipv6"
		}
		src, dst, both := ipAddrs(v6, true, false), ipAddrs(v6, false, true), ipAddrs(v6, true, true)
		k := kIPv4
		if v6 {
			k = kIPv6
		}
		add(&field{name: p + ".src", kind: k, frame: true, addrs: src})
		add(&field{name: p + ".dst", kind: k, frame: true, addrs: dst})
		add(&field{name: p + ".addr", kind: k, frame: true, addrs: both})
		add(&field{name: p, kind: kLabel, frame: true, has: func(r *row) bool { return len(src(r, r.aa[:0])) > 0 }})
	}
	add(fragField("ip.flags.mf", kBool, 1, func(f *model.Fragment) int64 { return b2i(f.MF) },
		func(in *frameInfo) []int64 { return in.mf }))
	add(fragField("ip.frag_offset", kUint, 16, func(f *model.Fragment) int64 { return int64(f.Offset) },
		func(in *frameInfo) []int64 { return in.fragOff }))

	add(&field{name: "tcp", kind: kLabel, has: func(r *row) bool { return r.s != nil || otherTCP(r) }})
	sport := func(r *row) int64 { from, _ := r.ends(); return int64(from.Port) }
	dport := func(r *row) int64 { _, to := r.ends(); return int64(to.Port) }
	// The ports of a broken header are in the frame's bytes only.
	add(tcpNum("tcp.srcport", kUint, 16, true, sport, func(in *frameInfo) (int64, bool) { return in.sport, in.hasPorts }))
	add(tcpNum("tcp.dstport", kUint, 16, true, dport, func(in *frameInfo) (int64, bool) { return in.dport, in.hasPorts }))
	add(&field{name: "tcp.port", kind: kUint, bits: 16, frame: true, nums: func(r *row, dst []int64) []int64 {
		if r.s != nil {
			from, to := r.ends()
			return append(dst, int64(from.Port), int64(to.Port))
		}
		if !otherTCP(r) {
			return dst
		}
		if in := r.frameInfo(); in.hasPorts {
			return append(dst, in.sport, in.dport)
		}
		return dst
	}})
	// tshark ties a quoted header to its conversation only when it has
	// the whole fixed header: eight quoted bytes (ports and SEQ, all RFC
	// 792 promises) get no tcp.stream.
	add(tcpNum("tcp.stream", kUint, 32, false, func(r *row) int64 { return int64(r.fr.Stream) },
		func(in *frameInfo) (int64, bool) {
			return in.stream, in.stream >= 0 && (in.hasAck || !(in.icmp4 || in.icmp6))
		}))
	// A quoted header gets no relative numbers: tshark shows its seq as
	// sent, and no tcp.seq_raw; a broken header has both.
	add(tcpNum("tcp.seq", kUint, 32, true, func(r *row) int64 { return int64(r.s.RelSeq) },
		func(in *frameInfo) (int64, bool) { return in.seq, in.hasSeq }))
	add(tcpNum("tcp.ack", kUint, 32, true, func(r *row) int64 { return int64(r.s.RelAck) },
		func(in *frameInfo) (int64, bool) { return in.ack, in.hasAck }))
	add(tcpNum("tcp.seq_raw", kUint, 32, true, func(r *row) int64 { return int64(r.s.Seq) },
		func(in *frameInfo) (int64, bool) { return in.seqRaw, in.hasSeqRaw }))
	// A quoted header's acknowledgment number is the one it was sent
	// with: tshark gives it as tcp.ack_raw too.
	add(tcpNum("tcp.ack_raw", kUint, 32, true, func(r *row) int64 { return int64(r.s.Ack) },
		func(in *frameInfo) (int64, bool) { return in.ack, in.hasAck }))
	add(&field{name: "tcp.len", kind: kUint, bits: 32, frame: true, nums: func(r *row, dst []int64) []int64 {
		if r.s != nil {
			if r.s.Len == 0 && r.short() {
				return dst
			}
			return append(dst, int64(r.s.Len))
		}
		if !otherTCP(r) {
			return dst
		}
		in := r.frameInfo()
		return one(dst, in.tcpLen, in.hasLen)
	}})
	add(tcpNum("tcp.window_size_value", kUint, 16, true, func(r *row) int64 { return int64(r.s.Win) },
		func(in *frameInfo) (int64, bool) { return in.win, in.hasWin }))
	add(tcpNum("tcp.window_size", kUint, 32, true, windowSize,
		func(in *frameInfo) (int64, bool) { return in.win, in.hasWin }))
	add(tcpNum("tcp.flags", kUint, 16, false, func(r *row) int64 { return int64(r.s.Flags & 0x0fff) },
		func(in *frameInfo) (int64, bool) { return in.flags, in.hasFlags }))
	for _, b := range []struct {
		name string
		bit  model.Flags
	}{
		{"fin", model.FIN}, {"syn", model.SYN}, {"reset", model.RST}, {"push", model.PSH},
		{"ack", model.ACK}, {"urg", model.URG}, {"ece", model.ECE}, {"cwr", model.CWR},
		{"ae", model.NS}, {"res", model.Reserved},
	} {
		add(flagBit("tcp.flags."+b.name, b.bit))
	}
	add(&field{name: "tcp.flags.ace", kind: kUint, bits: 3, nums: func(r *row, dst []int64) []int64 {
		if r.s == nil || !usesACE(r) {
			return dst
		}
		return append(dst, int64(r.s.Flags>>6&7))
	}})
	add(&field{name: "tcp.payload", kind: kBytes, payload: true, frame: true, bytes: (*row).payload,
		has: func(r *row) bool {
			if r.s != nil {
				return segHasPayload(r)
			}
			return otherTCP(r) && r.frameInfo().hasPayload
		}})
	add(&field{name: "tcp.analysis.flags", kind: kLabel, has: func(r *row) bool { return r.s != nil && r.s.Events != 0 }})
	for e := model.Retransmission; e <= model.ZeroWindowProbeAck; e <<= 1 {
		add(event(e))
	}

	for _, v6 := range []bool{false, true} {
		p := "icmp"
		if v6 {
			p = "icmpv6"
		}
		add(&field{name: p, kind: kLabel, frame: true, has: func(r *row) bool {
			if r.s != nil || r.fr == nil {
				return false
			}
			in := r.frameInfo()
			return (v6 && in.icmp6) || (!v6 && in.icmp4)
		}})
		add(icmpField(p+".type", v6, false))
		add(icmpField(p+".code", v6, true))
	}

	add(state("tcpstep.client_state", true, false))
	add(state("tcpstep.server_state", false, true))
	add(state("tcpstep.state", true, true))
	add(&field{name: "tcpstep.fragment", kind: kLabel, has: func(r *row) bool {
		_, ok := fragOf(r)
		return ok
	}})
}

// fieldNames lists every field name, sorted, aliases included.
func fieldNames() []string {
	out := make([]string, 0, len(fields)+len(aliases))
	for n := range fields {
		out = append(out, n)
	}
	for n := range aliases {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
