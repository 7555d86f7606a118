package model

import (
	"slices"
	"sort"
)

// Builder assembles a Timeline from the decoder's frames, one Add call per
// capture frame in capture order: the n-th Add* call is frame n (1-based).
// It numbers conversations as tshark's tcp.stream, computes relative
// sequence numbers and analysis events as tshark 4.0 does, and steps each
// conversation's RFC 793 state machine.
//
// A Builder is not safe for concurrent use; after Finish it must not be used.
type Builder struct {
	tl    Timeline
	byKey convIndex    // latest conversation for an address/port pair
	conns []*connState // builder-side state, by stream
	// convSlab and connSlab hand out the conversations and their states.
	convSlab slab[Conversation]
	connSlab slab[connState]
	notes    map[string]uint32
	started  bool
	lastKey  convKey // one-entry cache in front of byKey
	lastConv int32
	// frameBase and segBase count the frame and segment records Forget
	// has dropped from the front of tl.Frames and tl.Segments.
	frameBase int
	segBase   int
	// touched lists the conversations changed since the last Live call;
	// isTouched marks them, by stream.
	touched   []int32
	isTouched []bool
	changed   []*Conversation // Live's result, reused
	// shown says Live has handed the timeline out: from then on a revision
	// changes states someone may have seen, and is recorded (Revised).
	shown bool
	// deferSegs says Conversation.Segs hold only the rows that may still
	// change until Finish fills them in (DeferSegs).
	deferSegs bool
}

// NewBuilder returns an empty Builder.
func NewBuilder() *Builder {
	return &Builder{
		tl:       Timeline{Notes: []string{""}},
		byKey:    newConvIndex(),
		notes:    make(map[string]uint32),
		lastConv: -1,
	}
}

// Grow reserves room for about n more frames (and as many segments), so a
// caller that can estimate the capture's size (file length / typical frame)
// spares the timeline's slices their repeated growth. It is only a hint.
func (b *Builder) Grow(n int) {
	if n <= 0 || n > 1<<28 {
		return
	}
	b.tl.Frames = reserve(b.tl.Frames, n)
	b.tl.Segments = reserve(b.tl.Segments, n)
}

// reserve returns s with room for n more elements. Unlike slices.Grow, which
// writes zeros over the whole new capacity, it leaves the room untouched, so
// an estimate that proves too large costs address space, not memory: the
// pages of a fresh allocation become resident only when appends reach them.
func reserve[T any](s []T, n int) []T {
	if cap(s)-len(s) >= n {
		return s
	}
	t := make([]T, len(s), len(s)+n)
	copy(t, s)
	return t
}

// DeferSegs tells the builder that nothing reads the timeline before Finish
// (as Input.Load does), so that each conversation's Segs need not be kept
// complete while the capture is read: they hold only the rows that may
// still change (see Final), and Finish fills them in, each exactly as long
// as needed and all from one allocation. Appending every conversation's
// rows to its own growing list would cost, for a big capture, the lists'
// spare capacity and the copies they leave behind: over twice the 4 bytes a
// segment needs. Call it before the first Add call, and not on a builder
// whose timeline is read while it grows (Live).
func (b *Builder) DeferSegs() { b.deferSegs = true }

// dropSettled drops from conversation idx's Segs the rows that can no
// longer change (deferSegs), as Forget would: Finish restores them.
func (b *Builder) dropSettled(c *Conversation, cs *connState) {
	if !cs.sawSYN {
		return // the sides may still be swapped, which replays every row
	}
	if k := min(cs.machine.Settled()-cs.dropped, len(c.Segs)); k > 0 {
		c.Segs = c.Segs[:copy(c.Segs, c.Segs[k:])]
		cs.dropped += k
	}
}

// fillSegs fills in every conversation's Segs from the segment records
// held (deferSegs): a count per conversation, then one pass in capture
// order into one array cut into exact slices.
func (b *Builder) fillSegs() {
	start := make([]int, len(b.tl.Conversations)+1)
	stream := func(s *Segment) int {
		if f := b.fr(s.Frame); f != nil && f.Stream >= 0 && int(f.Stream) < len(b.tl.Conversations) {
			return int(f.Stream)
		}
		return -1
	}
	for i := range b.tl.Segments {
		if st := stream(&b.tl.Segments[i]); st >= 0 {
			start[st+1]++
		}
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	all := make([]uint32, start[len(start)-1])
	next := start[:len(start)-1]
	for i := range b.tl.Segments {
		if st := stream(&b.tl.Segments[i]); st >= 0 {
			all[next[st]] = uint32(i + b.segBase)
			next[st]++
		}
	}
	// next[i] is now conversation i's end, and the start of conversation
	// i+1's rows.
	lo := 0
	for i, c := range b.tl.Conversations {
		hi := next[i]
		c.Segs = nil // as a conversation no segment was filed in has them
		if hi > lo {
			c.Segs = all[lo:hi:hi]
		}
		lo = hi
	}
}

// Warn records a problem with the file as a whole.
func (b *Builder) Warn(msg string) { b.tl.Warnings = append(b.tl.Warnings, msg) }

// note interns a frame note.
func (b *Builder) note(s string) uint32 {
	if s == "" {
		return 0
	}
	if i, ok := b.notes[s]; ok {
		return i
	}
	i := uint32(len(b.tl.Notes))
	b.tl.Notes = append(b.tl.Notes, s)
	b.notes[s] = i
	return i
}

// frame appends the record of the next frame and returns its number.
func (b *Builder) frame(fr Frame, kind FrameKind, note string) uint32 {
	if !b.started {
		b.started = true
		b.tl.StartNS = fr.TimeNS
	}
	fr.Kind = kind
	fr.Stream = -1
	b.tl.Frames = append(b.tl.Frames, fr)
	n := uint32(len(b.tl.Frames) + b.frameBase)
	if id := b.note(note); id != 0 {
		b.tl.FrameNotes = append(b.tl.FrameNotes, FrameNote{Frame: n, Note: id})
	}
	return n
}

// fr returns the record of frame n, nil when n is not (or no longer) held.
func (b *Builder) fr(n uint32) *Frame {
	i := int(n) - 1 - b.frameBase
	if n < 1 || i < 0 || i >= len(b.tl.Frames) {
		return nil
	}
	return &b.tl.Frames[i]
}

// seg returns segment record i (an index as in Conversation.Segs).
func (b *Builder) seg(i uint32) *Segment { return &b.tl.Segments[int(i)-b.segBase] }

// AddFrame records a frame that carries no TCP segment: fr.Kind should be
// FrameOther or FrameUndecodable (anything else is recorded as FrameOther),
// note says why.
func (b *Builder) AddFrame(fr Frame, note string) {
	kind := fr.Kind
	if kind != FrameUndecodable {
		kind = FrameOther
	}
	b.frame(fr, kind, note)
}

// AddFragment records an IPv4 fragment that does not complete a datagram
// (yet); LinkFragments ties it to the segment it helped carry.
func (b *Builder) AddFragment(fr Frame, f Fragment, note string) {
	n := b.frame(fr, FrameFragment, note)
	f.Frame = n
	f.Completes = 0
	b.tl.Fragments = append(b.tl.Fragments, f)
}

// LinkFragments marks the fragment frames fragFrames as reassembled in frame
// completing, which must already have been added: each fragment record gets
// Completes, and when completing carries a segment, the fragments join its
// conversation (Frame.Stream and Conversation.Extra).
func (b *Builder) LinkFragments(fragFrames []uint32, completing uint32) {
	stream := int32(-1)
	if f := b.fr(completing); f != nil {
		stream = f.Stream
	}
	var c *Conversation
	if stream >= 0 {
		c = b.tl.Conversations[stream]
	}
	for _, fn := range fragFrames {
		fr := b.fr(fn)
		if fr == nil || fn == completing || fr.Kind != FrameFragment {
			continue
		}
		i := sort.Search(len(b.tl.Fragments), func(i int) bool { return b.tl.Fragments[i].Frame >= fn })
		if i < len(b.tl.Fragments) && b.tl.Fragments[i].Frame == fn {
			if b.tl.Fragments[i].Completes != 0 {
				continue // a fragment completes one datagram only
			}
			b.tl.Fragments[i].Completes = completing
		}
		if c != nil && fr.Stream < 0 {
			fr.Stream = stream
			c.Extra = insertSorted(c.Extra, fn)
			b.touch(stream)
		}
	}
}

// insertSorted inserts v into the ascending slice s (no duplicates).
func insertSorted(s []uint32, v uint32) []uint32 {
	i, found := slices.BinarySearch(s, v)
	if found {
		return s
	}
	return slices.Insert(s, i, v)
}

// AddICMP records an ICMP or ICMPv6 error and ties it to the conversation
// of the TCP header it quotes (either direction; the latest on that
// address/port pair), returning true when it is tied.
//
// When the quote reaches the TCP window field (e.QuotedTCPLen >= 16) the
// builder finds the conversation as tshark does for a segment, and so may
// open one: for a pair not seen yet, or for a quoted SYN with a new ISN
// (see ICMPError.QuotedFlags); the error is then always tied. With a shorter
// or unknown quote no conversation is opened (tshark gives such a quote no
// tcp.stream at all), and an error quoting a pair not seen yet is recorded
// as FrameOther with note.
func (b *Builder) AddICMP(fr Frame, e ICMPError, note string) bool {
	var idx int32
	if e.QuotedTCPLen >= 16 {
		q := Packet{Src: e.QuotedSrc, Dst: e.QuotedDst, Seq: e.QuotedSeq, Flags: e.QuotedFlags}
		idx, _ = b.lookup(&q)
	} else {
		var ok bool
		if idx, ok = b.byKey.get(keyOf(e.QuotedSrc, e.QuotedDst), b.tl.Conversations); !ok {
			b.frame(fr, FrameOther, note)
			return false
		}
	}
	n := b.frame(fr, FrameICMP, note)
	f := b.fr(n)
	f.Stream = idx
	e.Frame = n
	e.TimeNS = f.TimeNS - b.tl.StartNS
	e.Stream = int(idx)
	b.tl.ICMP = append(b.tl.ICMP, e)
	c := b.tl.Conversations[idx]
	if e.QuotedTCPLen >= 8 {
		// The quoted segment never reached its receiver.
		b.conns[idx].machine.Undelivered(dirOf(c, e.QuotedSrc), e.QuotedSeq)
		b.applyRevisions(idx)
	}
	c.Extra = append(c.Extra, n)
	b.touch(idx)
	return true
}

// AddPacket records a frame carrying the TCP segment p and returns the
// finished Segment. The pointer points into the builder's storage and is
// valid only until the next Add call.
//
// The frame's time is fr.TimeNS (p.TimeNS when fr.TimeNS is zero); p.Frame
// is ignored, the frame number being the call's position.
func (b *Builder) AddPacket(fr Frame, p *Packet) *Segment {
	if fr.TimeNS == 0 {
		fr.TimeNS = p.TimeNS
	}
	n := b.frame(fr, FrameTCP, "")
	now := fr.TimeNS

	idx, ev := b.lookup(p)
	c, cs := b.tl.Conversations[idx], b.conns[idx]
	d := dirOf(c, p.Src)
	if len(c.Segs)+cs.dropped == 0 && d == S2C {
		// The conversation was opened by an ICMP quote or a bogus header;
		// its first segment decides who is the client.
		b.swapSides(idx)
		d = C2S
	}
	if p.Flags&(SYN|ACK) == SYN && !cs.sawSYN {
		cs.sawSYN = true
		if d == S2C {
			// The first SYN comes from the side we took for the server
			// (its SYN/ACK or data came first): it is the client.
			b.swapSides(idx)
			d = C2S
		}
	}

	fwd, rev := &cs.flows[d], &cs.flows[d^1]
	relSeq, relAck := p.Seq, p.Ack
	if !p.Short {
		ev = cs.analyze(d, p.Seq, p.Ack, p.Len, p.Flags, uint32(p.Win), now, ev)
		relSeq = p.Seq - fwd.base
		if p.Flags&ACK != 0 {
			relAck = p.Ack - rev.base
		}
	}
	cs.afterAnalysis(d, p.Flags, p.WinScale, now)

	client, server := cs.machine.Step(d, p.Flags, p.Seq, p.Ack, p.Len)
	segIdx := uint32(len(b.tl.Segments) + b.segBase)
	b.tl.Segments = append(b.tl.Segments, Segment{
		Frame:  n,
		Seq:    p.Seq,
		Ack:    p.Ack,
		RelSeq: relSeq,
		RelAck: relAck,
		Len:    p.Len,
		Win:    p.Win,
		Flags:  p.Flags,
		Dir:    d,
		Events: ev,
		states: packStates(client, server),
	})
	c.Segs = append(c.Segs, segIdx)
	b.applyRevisions(idx)
	if b.deferSegs {
		b.dropSettled(c, cs)
	}
	f := b.fr(n)
	f.Stream = idx
	s := b.seg(segIdx)
	b.count(c, s)
	b.touch(idx)
	return s
}

// AddBogusTCP records a frame whose TCP header tshark cannot dissect past
// the ports, sequence and acknowledgement numbers, flags and window because
// its data offset is below 5 (tshark's "bogus TCP header length"). tshark
// still gives such a frame a tcp.stream (opening a conversation if needed)
// and runs the sequence analysis on it, with p.Len the IP payload length
// minus the bogus header length; later segments' events depend on that, so
// the builder does the same. The frame is recorded as FrameUndecodable with
// note, tied to the conversation (Extra) but not a segment of it.
func (b *Builder) AddBogusTCP(fr Frame, p *Packet, note string) {
	if fr.TimeNS == 0 {
		fr.TimeNS = p.TimeNS
	}
	n := b.frame(fr, FrameUndecodable, note)
	idx, ev := b.lookup(p)
	c, cs := b.tl.Conversations[idx], b.conns[idx]
	cs.analyze(dirOf(c, p.Src), p.Seq, p.Ack, p.Len, p.Flags, uint32(p.Win), fr.TimeNS, ev)
	b.fr(n).Stream = idx
	c.Extra = append(c.Extra, n)
	b.touch(idx)
}

// AddSampled numbers the conversation of a further sampled TCP header of
// the frame just added (an sFlow datagram's second and later samples, p
// short): tshark dissects every sample of a datagram and gives each
// sampled header's conversation its tcp.stream, while the timeline keeps
// one segment per frame. The conversation is found or opened as for a
// segment, so that later streams are numbered as tshark numbers them; no
// segment or frame is added to it.
func (b *Builder) AddSampled(p *Packet) {
	idx, _ := b.lookup(p)
	b.touch(idx)
}

// lookup finds or opens the conversation of p as tshark does, and returns
// its index and the reused_ports event when the segment shows a port reuse.
func (b *Builder) lookup(p *Packet) (int32, Events) {
	key := keyOf(p.Src, p.Dst)
	var idx int32
	var ok bool
	if b.lastConv >= 0 && key == b.lastKey {
		idx, ok = b.lastConv, true
	} else if idx, ok = b.byKey.get(key, b.tl.Conversations); ok {
		b.lastKey, b.lastConv = key, idx
	}
	if !ok {
		idx = b.newConversation(key, p)
		return idx, 0
	}
	var ev Events
	c, cs := b.tl.Conversations[idx], b.conns[idx]
	fwd := &cs.flows[dirOf(c, p.Src)]
	switch {
	case p.Flags&(SYN|ACK) == SYN && fwd.baseSet:
		if p.Seq != fwd.base {
			// A new initial sequence number on a SYN: the ports are reused
			// by a new connection, which gets the next stream number.
			idx = b.newConversation(key, p)
			if !p.Short {
				// tshark opens the new stream for a short SYN too,
				// but runs no sequence analysis on it, so it
				// shows no reused_ports.
				ev = ev.Add(ReusedPorts)
			}
		} else if !p.Short {
			// The same SYN again. A RST may have been sent with the
			// acknowledged sequence number (RFC 793 3.4), so tshark resets
			// nextseq to the highest contiguous sequence number.
			fwd.nextseq = fwd.maxseqtobeacked
		}
	case p.Flags&(SYN|ACK) == SYN|ACK && fwd.baseSet && p.Seq != fwd.base && !p.Short:
		// A SYN/ACK with a new sequence number stays in the conversation
		// but restarts this direction's relative numbering.
		fwd.base = p.Seq
		fwd.baseFromSYN = true
		ev = ev.Add(ReusedPorts)
	}
	return idx, ev
}

// newConversation opens the next stream for key with p's sender as client.
func (b *Builder) newConversation(key convKey, p *Packet) int32 {
	idx := int32(len(b.tl.Conversations))
	c := b.convSlab.next()
	c.Index, c.Client, c.Server = int(idx), p.Src, p.Dst
	b.tl.Conversations = append(b.tl.Conversations, c)
	cs := b.connSlab.next()
	cs.reset()
	b.conns = append(b.conns, cs)
	b.byKey.set(key, idx, b.tl.Conversations)
	b.lastKey, b.lastConv = key, idx
	return idx
}

// swapSides exchanges client and server of conversation idx after a SYN
// showed who the client is: directions, per-direction analysis state, and
// the states, replayed on a fresh machine.
func (b *Builder) swapSides(idx int32) {
	c, cs := b.tl.Conversations[idx], b.conns[idx]
	c.Client, c.Server = c.Server, c.Client
	c.Packets[0], c.Packets[1] = c.Packets[1], c.Packets[0]
	c.Bytes[0], c.Bytes[1] = c.Bytes[1], c.Bytes[0]
	cs.flows[0], cs.flows[1] = cs.flows[1], cs.flows[0]
	cs.machine = newMachine()
	for _, si := range c.Segs {
		s := b.seg(si)
		s.Dir ^= 1
		s.SetStates(cs.machine.Step(s.Dir, s.Flags, s.Seq, s.Ack, s.Len))
	}
	b.applyRevisions(idx)
}

// applyRevisions copies onto the conversation's rows the corrections the
// state machine made to states it had already returned (a server that was
// shown LISTEN but refused was CLOSED; a restart's guess overturned).
func (b *Builder) applyRevisions(idx int32) {
	c, cs := b.tl.Conversations[idx], b.conns[idx]
	if len(cs.machine.revs) == 0 {
		return
	}
	// The builder drains the machine's list, so that a long conversation
	// whose rows evidence keeps revising does not keep them all.
	for _, r := range cs.machine.revs {
		// Rows before cs.dropped were settled (Forget keeps the rest).
		to := min(r.To-cs.dropped, len(c.Segs))
		for i := max(r.From-cs.dropped, 0); i < to; i++ {
			s := b.seg(c.Segs[i])
			if r.Client {
				s.setClient(r.State)
			} else {
				s.setServer(r.State)
			}
			if b.shown {
				c.Revised = append(c.Revised, RevisedState{Seg: c.Segs[i], Client: r.Client})
			}
		}
	}
	cs.machine.revs = cs.machine.revs[:0]
}

// Finish completes the timeline: each conversation's initial states, bases
// and window scales (its counters are kept as segments arrive). The Builder
// must not be used afterwards.
func (b *Builder) Finish() *Timeline {
	if b.deferSegs {
		b.fillSegs()
	}
	for i := range b.tl.Conversations {
		b.settle(i)
	}
	tl := b.tl
	*b = Builder{}
	return &tl
}

// slab hands out pointers to zeroed values of T from blocks of them: a
// builder makes one conversation and one connState per conversation, and a
// block is one allocation for many, without the rounding of each small
// allocation up to a size class. Blocks start small, so that a capture of
// a few conversations does not pay for hundreds.
type slab[T any] struct {
	free []T
	size int
}

func (s *slab[T]) next() *T {
	if len(s.free) == 0 {
		s.size = min(max(2*s.size, 4), 256)
		s.free = make([]T, s.size)
	}
	p := &s.free[0]
	s.free = s.free[1:]
	return p
}
