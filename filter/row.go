package filter

import (
	"encoding/binary"
	"net/netip"
	"sort"

	"github.com/tcpstep/tcpstep/app"
	"github.com/tcpstep/tcpstep/model"
)

// Source reads what a timeline does not keep. Either function may be nil:
// a filter that needs it then finds the field absent.
type Source struct {
	// Payload returns the TCP payload of segment seg (an index in
	// Timeline.Segments), as the interface's pane.Context.Payload does. A
	// filter calls it only for contains, matches, comparisons and slices of
	// tcp.payload, once a frame.
	Payload func(seg int) ([]byte, error)
	// Frame returns the bytes of frame n (1-based) and their dissection, as
	// pane.Context.Frame does. A filter calls it only for frames that carry
	// no segment (fragments, ICMP messages, anything not TCP) and only for
	// fields the timeline does not keep for those: their IP addresses, an
	// ICMP message's type, a quoted TCP header's ack, window and payload.
	Frame func(n uint32) ([]byte, model.Dissection, error)
	// App returns the application layer of a conversation (app.Analyze of
	// it), for the application fields (http.host, smtp.req.command, tls,
	// ...). When nil, the filter analyses the conversation itself through
	// Payload: once per conversation in a Frames walk, once per call of
	// Match, so a caller that matches frame by frame and keeps the
	// analyses (the interface) should give them here.
	App func(c *model.Conversation) (*app.Conv, error)
}

// row is the frame a filter is looking at, with what has been read of it
// so far. It is reset for every frame; what a field needs beyond the
// frame's and segment's records (the endpoints, the payload, the facts of a
// frame without a segment) is found once, when first asked for.
type row struct {
	tl  *model.Timeline
	src *Source
	n   uint32
	fr  *model.Frame   // nil when the timeline holds no record of frame n
	s   *model.Segment // the segment frame n carries, or nil
	si  int

	haveEnds bool
	from, to model.Endpoint

	havePay bool
	pay     []byte
	payOK   bool

	haveInfo bool
	info     frameInfo

	haveShort, isShort bool

	haveApp bool
	app     *app.Segment // what the segment carries above TCP, or nil
	ca      *convApp     // its conversation's application layer
	// apps holds the conversations analysed during a walk, by stream;
	// each is dropped after its last segment. It outlives reset.
	apps map[int]*convApp
	// keepApps keeps them all (Matcher: frames in any order).
	keepApps bool

	err error // the first error of a Source function

	// Scratch space for the values of a test's two sides.
	na, nb []int64
	aa, ab []netip.Addr
	sa, sb []string
}

func (r *row) reset(n uint32, si int) {
	r.n, r.si = n, si
	r.fr, r.s = nil, nil
	if i := int(n) - 1; i >= 0 && i < len(r.tl.Frames) {
		r.fr = &r.tl.Frames[i]
	}
	if si >= 0 {
		r.s = &r.tl.Segments[si]
	}
	r.haveEnds, r.havePay, r.haveInfo, r.haveShort, r.haveApp = false, false, false, false, false
}

// short reports whether the segment's IP datagram ends inside its TCP
// header (model.Packet.Short), for which tshark shows no tcp.len. The
// timeline does not mark such segments, but they have no length and
// numbers as sent (RelSeq == Seq), so only such a segment is checked, in
// its frame's bytes.
func (r *row) short() bool {
	if r.haveShort {
		return r.isShort
	}
	r.haveShort = true
	r.isShort = false
	if r.s.Len != 0 || r.s.RelSeq != r.s.Seq || r.src.Frame == nil {
		return false
	}
	data, d, err := r.src.Frame(r.n)
	if err != nil {
		r.fail(err)
		return false
	}
	at, n, _ := innerTCP(data, d, int(r.fr.OrigLen))
	if at >= 0 && at+13 <= len(data) {
		r.isShort = n < int(data[at+12]>>4)*4
	}
	return r.isShort
}

// innerTCP finds the TCP header after the innermost IP header of a frame:
// where it starts, how long the IP header says it and its payload are, and
// the IP source; at is -1 when that header does not carry TCP. Like
// tshark, it takes the IP length as no more than the frame (of wire length
// wire) holds.
func innerTCP(data []byte, d model.Dissection, wire int) (at, n int, src netip.Addr) {
	at = -1
	for _, l := range d.Layers {
		switch l.Name {
		case "IPv4":
			if l.Start >= 0 && l.Start+20 <= len(data) {
				h := data[l.Start:]
				at = -1
				if ihl := int(h[0]&0xf) * 4; h[9] == 6 && ihl >= 20 {
					at, n = l.Start+ihl, min(int(binary.BigEndian.Uint16(h[2:4])), wire-l.Start)-ihl
					src, _ = netip.AddrFromSlice(h[12:16])
				}
			}
		case "IPv6":
			if l.Start >= 0 && l.Start+40 <= len(data) {
				h := data[l.Start:]
				at = -1
				if h[6] == 6 {
					at, n = l.Start+40, min(int(binary.BigEndian.Uint16(h[4:6])), wire-l.Start-40)
					src, _ = netip.AddrFromSlice(h[8:24])
				}
			}
		}
	}
	return at, n, src
}

func (r *row) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

// ends returns the segment's source and destination.
func (r *row) ends() (model.Endpoint, model.Endpoint) {
	if !r.haveEnds {
		r.from, r.to = r.tl.SrcDst(r.s)
		r.from.Addr, r.to.Addr = r.from.Addr.Unmap(), r.to.Addr.Unmap()
		r.haveEnds = true
	}
	return r.from, r.to
}

// payload returns the segment's payload (or the payload an ICMP error
// quotes), and whether there is one.
func (r *row) payload() ([]byte, bool) {
	if r.havePay {
		return r.pay, r.payOK
	}
	r.havePay = true
	r.pay, r.payOK = nil, false
	switch {
	case r.s != nil:
		if r.s.Len == 0 || r.s.Flags&model.RST != 0 || r.src.Payload == nil {
			return nil, false
		}
		b, err := r.src.Payload(r.si)
		if err != nil {
			r.fail(err)
			return nil, false
		}
		if len(b) == 0 {
			return nil, false
		}
		r.pay, r.payOK = b, true
	default:
		in := r.frameInfo()
		r.pay, r.payOK = in.payload, in.hasPayload
	}
	return r.pay, r.payOK
}

// frameInfo is what a filter knows of a frame that carries no segment.
type frameInfo struct {
	// IP headers, in frame order, an ICMP error's quoted one included.
	ip4src, ip4dst, ip6src, ip6dst []netip.Addr
	mf, fragOff                    []int64 // of each IPv4 header
	fragment                       bool    // the frame is an IPv4 fragment

	icmp4, icmp6       bool
	icmpType, icmpCode int64

	// The TCP header an ICMP error quotes, or a broken one (a data offset
	// under 20: tshark reads its ports, sequence number and length).
	tcp                         bool
	stream                      int64
	sport, dport                int64
	seq, seqRaw, tcpLen         int64
	flags, ack, win             int64
	hasPorts, hasSeq, hasSeqRaw bool
	hasLen, hasFlags, hasAck    bool
	hasWin                      bool
	payload                     []byte
	hasPayload                  bool
}

// frameInfo returns the facts of a frame without a segment: from the
// timeline's records, then from the frame's bytes when the Source reads
// them.
func (r *row) frameInfo() *frameInfo {
	if r.haveInfo {
		return &r.info
	}
	r.haveInfo = true
	in := &r.info
	*in = frameInfo{ip4src: in.ip4src[:0], ip4dst: in.ip4dst[:0], ip6src: in.ip6src[:0], ip6dst: in.ip6dst[:0],
		mf: in.mf[:0], fragOff: in.fragOff[:0]}
	if r.fr == nil {
		return in
	}
	if f, ok := r.tl.FragmentOf(r.n); ok {
		in.fragment = true
		if r.fr.Kind == model.FrameFragment {
			in.mf = append(in.mf, b2i(f.MF))
			in.fragOff = append(in.fragOff, int64(f.Offset))
			// A fragment of a datagram that was reassembled has the
			// addresses of the segment it became.
			if f.Completes != 0 {
				if si := r.tl.SegOf(f.Completes); si >= 0 {
					from, to := r.tl.SrcDst(&r.tl.Segments[si])
					in.addIP(from.Addr.Unmap(), to.Addr.Unmap())
				}
			}
		}
	}
	if r.fr.Kind == model.FrameICMP {
		if ic := icmpOf(r.tl, r.n); ic != nil {
			v6 := !ic.Src.Addr.Unmap().Is4()
			in.icmp4, in.icmp6 = !v6, v6
			in.icmpType, in.icmpCode = int64(ic.Type), int64(ic.Code)
			in.addIP(ic.Src.Addr.Unmap(), ic.Dst.Addr.Unmap())
			in.addIP(ic.QuotedSrc.Addr.Unmap(), ic.QuotedDst.Addr.Unmap())
			in.tcp, in.hasPorts, in.hasSeq = true, true, true
			in.sport, in.dport = int64(ic.QuotedSrc.Port), int64(ic.QuotedDst.Port)
			in.stream = int64(ic.Stream)
			in.seq = int64(ic.QuotedSeq)
			if ic.QuotedTCPLen >= 14 {
				in.flags, in.hasFlags = int64(ic.QuotedFlags), true
			}
		}
	}
	if r.fr.Kind == model.FrameUndecodable {
		// A broken TCP header the decoder tied to its conversation.
		in.tcp, in.stream = r.fr.Stream >= 0, int64(r.fr.Stream)
	}
	if r.src.Frame != nil {
		r.readFrame(in)
	}
	return in
}

func (in *frameInfo) addIP(src, dst netip.Addr) {
	switch {
	case src.Is4() && dst.Is4():
		in.ip4src = append(in.ip4src, src)
		in.ip4dst = append(in.ip4dst, dst)
	case src.Is6() && dst.Is6():
		in.ip6src = append(in.ip6src, src)
		in.ip6dst = append(in.ip6dst, dst)
	}
}

// readFrame replaces the addresses and ICMP facts with those of the
// frame's own bytes, which also hold what the timeline does not keep: the
// headers of every frame that is not TCP, the tunnels around one, and the
// rest of the TCP header an ICMP error quotes. The dissection says where
// each header lies; the values are read from the bytes.
func (r *row) readFrame(in *frameInfo) {
	data, d, err := r.src.Frame(r.n)
	if err != nil {
		r.fail(err)
		return
	}
	in.ip4src, in.ip4dst, in.ip6src, in.ip6dst = in.ip4src[:0], in.ip4dst[:0], in.ip6src[:0], in.ip6dst[:0]
	in.mf, in.fragOff = in.mf[:0], in.fragOff[:0]
	at := func(s, n int) []byte {
		if s < 0 || n < 0 || s+n > len(data) {
			return nil
		}
		return data[s : s+n]
	}
	addr := func(b []byte) netip.Addr {
		a, _ := netip.AddrFromSlice(b)
		return a.Unmap()
	}
	icmpSeen := false
	for _, l := range d.Layers {
		switch l.Name {
		case "IPv4":
			if h := at(l.Start, 20); h != nil {
				in.ip4src = append(in.ip4src, addr(h[12:16]))
				in.ip4dst = append(in.ip4dst, addr(h[16:20]))
				ff := binary.BigEndian.Uint16(h[6:8])
				in.mf = append(in.mf, int64(ff>>13&1))
				in.fragOff = append(in.fragOff, int64(ff&0x1fff)*8)
			}
		case "IPv6":
			if h := at(l.Start, 40); h != nil {
				in.ip6src = append(in.ip6src, addr(h[8:24]))
				in.ip6dst = append(in.ip6dst, addr(h[24:40]))
			}
		case "ICMP", "ICMPv6":
			if h := at(l.Start, 2); h != nil && !icmpSeen {
				icmpSeen = true
				in.icmp4, in.icmp6 = l.Name == "ICMP", l.Name == "ICMPv6"
				in.icmpType, in.icmpCode = int64(h[0]), int64(h[1])
			}
		case "Quoted datagram":
			r.readQuote(in, data, l)
		}
	}
	if r.fr.Kind == model.FrameUndecodable {
		if at, n, src := innerTCP(data, d, int(r.fr.OrigLen)); at >= 0 {
			r.readBroken(in, data, at, n, src.Unmap())
		}
	}
}

// readBroken reads what tshark shows of a TCP header whose data offset is
// under 20 bytes: the ports, the sequence number (relative to the
// conversation's base in its direction) and the length the IP header
// leaves after the data offset.
//
// The decoder ties such a header to its conversation when it can; when it
// did not, the conversation is the latest one of the same endpoints begun
// before the frame, as tshark finds it.
func (r *row) readBroken(in *frameInfo, data []byte, at, n int, src netip.Addr) {
	if at+13 > len(data) {
		return
	}
	h := data[at:]
	in.tcp, in.hasPorts, in.hasSeq, in.hasSeqRaw = true, true, true, true
	from := model.Endpoint{Addr: src, Port: binary.BigEndian.Uint16(h[0:2])}
	in.sport, in.dport = int64(from.Port), int64(binary.BigEndian.Uint16(h[2:4]))
	raw := binary.BigEndian.Uint32(h[4:8])
	in.seqRaw, in.seq = int64(raw), int64(raw)
	var to netip.Addr
	if len(in.ip4dst) > 0 && src.Is4() {
		to = in.ip4dst[len(in.ip4dst)-1]
	} else if len(in.ip6dst) > 0 {
		to = in.ip6dst[len(in.ip6dst)-1]
	}
	if in.stream < 0 {
		in.stream = int64(r.convOf(from, model.Endpoint{Addr: to, Port: uint16(in.dport)}))
	}
	if c := r.tl.Conversations; in.stream >= 0 && int(in.stream) < len(c) {
		conv := c[in.stream]
		d := model.C2S
		if from.Port == conv.Server.Port && src == conv.Server.Addr.Unmap() {
			d = model.S2C
		}
		in.seq = int64(raw - conv.Base[d])
	}
	if off := int(h[12]>>4) * 4; n >= off {
		in.tcpLen, in.hasLen = int64(n-off), true
	}
}

// convOf returns the latest conversation between endpoints a and b whose
// first segment comes before the row's frame, -1 when there is none.
func (r *row) convOf(a, b model.Endpoint) int {
	same := func(x, y model.Endpoint) bool { return x.Port == y.Port && x.Addr.Unmap() == y.Addr }
	cs := r.tl.Conversations
	for i := len(cs) - 1; i >= 0; i-- {
		c := cs[i]
		if len(c.Segs) == 0 || r.tl.Segments[c.Segs[0]].Frame > r.n {
			continue
		}
		if same(c.Client, a) && same(c.Server, b) || same(c.Client, b) && same(c.Server, a) {
			return i
		}
	}
	return -1
}

// readQuote reads the IP and TCP headers an ICMP error quotes.
func (r *row) readQuote(in *frameInfo, data []byte, l model.Layer) {
	end := min(l.End, len(data))
	for _, f := range l.Fields {
		switch f.Name {
		case "Quoted IPv4 header", "Quoted IPv6 header":
			var src, dst netip.Addr
			for _, c := range f.Children {
				if c.Start < 0 || c.End > end || c.Start >= c.End {
					continue
				}
				a, _ := netip.AddrFromSlice(data[c.Start:c.End])
				switch c.Name {
				case "Source":
					src = a.Unmap()
				case "Destination":
					dst = a.Unmap()
				}
			}
			in.addIP(src, dst)
			if f.Name == "Quoted IPv4 header" && f.Start+8 <= end {
				ff := binary.BigEndian.Uint16(data[f.Start+6 : f.Start+8])
				in.mf = append(in.mf, int64(ff>>13&1))
				in.fragOff = append(in.fragOff, int64(ff&0x1fff)*8)
			}
		case "Quoted TCP header":
			t := f.Start
			if t < 0 || t+8 > end {
				continue
			}
			h := data[t:end]
			in.tcp, in.hasPorts, in.hasSeq = true, true, true
			in.sport = int64(binary.BigEndian.Uint16(h[0:2]))
			in.dport = int64(binary.BigEndian.Uint16(h[2:4]))
			in.seq = int64(binary.BigEndian.Uint32(h[4:8]))
			if len(h) >= 12 {
				in.ack, in.hasAck = int64(binary.BigEndian.Uint32(h[8:12])), true
			}
			if len(h) >= 14 {
				in.flags, in.hasFlags = int64(binary.BigEndian.Uint16(h[12:14])&0x0fff), true
			}
			if len(h) >= 16 {
				in.win, in.hasWin = int64(binary.BigEndian.Uint16(h[14:16])), true
			}
			if len(h) >= 13 {
				if off := int(h[12]>>4) * 4; off >= 20 && off < len(h) {
					in.payload, in.hasPayload = h[off:], true
				}
			}
		}
	}
}

// icmpOf returns the ICMP error of frame n, nil when it has none.
func icmpOf(tl *model.Timeline, n uint32) *model.ICMPError {
	ic := tl.ICMP
	i := sort.Search(len(ic), func(i int) bool { return ic[i].Frame >= n })
	if i < len(ic) && ic[i].Frame == n {
		return &ic[i]
	}
	return nil
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
