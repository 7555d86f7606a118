package model

// The methods below let the goroutine that owns a Builder read the timeline
// while it grows (the interface files a capture's frames as they arrive and
// draws them between batches), instead of only after Finish.

// Live returns the timeline as built so far and the conversations that
// changed since the last call (opened, or given a segment, an ICMP error or
// a fragment), in the order they first changed; the list is reused by the
// next call. The conversations' summary fields (InitClient, InitServer,
// Assumed, Base, BaseFromSYN, WinScale) are brought up to date for those;
// Packets, Bytes and EventCounts always are.
//
// The Timeline is the builder's own: it is valid until the next Add call
// (which may move its slices) and must be read on the builder's goroutine
// only. The same *Timeline is returned on every call, so a caller that
// caches what it drew from it must key its caches on something that
// changes, such as the lengths of Frames and Segments. The Conversation
// pointers stay valid for good: Finish returns the same ones.
func (b *Builder) Live() (*Timeline, []*Conversation) {
	b.changed = b.changed[:0]
	b.shown = true
	for _, idx := range b.touched {
		b.settle(int(idx))
		b.isTouched[idx] = false
		b.changed = append(b.changed, b.tl.Conversations[idx])
	}
	b.touched = b.touched[:0]
	return &b.tl, b.changed
}

// touch marks conversation idx as changed since the last Live call.
func (b *Builder) touch(idx int32) {
	for int(idx) >= len(b.isTouched) {
		b.isTouched = append(b.isTouched, false)
	}
	if !b.isTouched[idx] {
		b.isTouched[idx] = true
		b.touched = append(b.touched, idx)
	}
}

// count adds segment s to its conversation's counters. They are kept as
// segments arrive, so that a growing timeline shows them and Finish need
// not walk every segment again.
func (b *Builder) count(c *Conversation, s *Segment) {
	c.Packets[s.Dir]++
	c.Bytes[s.Dir] += uint64(s.Len)
	for e := s.Events; e != 0; e &= e - 1 {
		if c.EventCounts == nil {
			c.EventCounts = make(map[string]int)
		}
		c.EventCounts[Event(e&-e).String()]++
	}
}

// settle fills in conversation idx's summary fields from the builder's
// state: what Finish does for every conversation, Live for changed ones.
func (b *Builder) settle(idx int) {
	c, cs := b.tl.Conversations[idx], b.conns[idx]
	c.InitClient, c.InitServer, c.Assumed = cs.machine.Initial()
	c.Placements = cs.machine.Placements()
	for d := range 2 {
		c.Base[d] = cs.flows[d].base
		c.BaseFromSYN[d] = cs.flows[d].baseFromSYN
	}
	c.WinShift = [2]int8{cs.flows[0].winScale, cs.flows[1].winScale}
	c.WinScale = [2]int8{-1, -1}
	if a, s := cs.flows[0].winScale, cs.flows[1].winScale; a >= 0 && s >= 0 {
		c.WinScale = [2]int8{a, s}
	}
}

// IndexProgress is how far the indexing of a capture has got: what the
// interface shows while frames are still being filed.
type IndexProgress struct {
	// Frames counts the frames filed into the builder so far.
	Frames int
	// Read counts the bytes of the capture read so far, and Total is its
	// size, or -1 when it is not known because the capture is still
	// arriving (standard input, a file followed as it grows).
	Read, Total int64
	// More says frames read are still waiting to be filed: ask again at
	// once rather than waiting for new ones.
	More bool
	// Done says every frame has been filed and no more will come; the
	// builder can be finished.
	Done bool
}
