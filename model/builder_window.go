package model

import "sort"

// The methods below let a caller consume the timeline while it is being
// built (tcpstep dump streams its rows) instead of after Finish: it reads
// the records of recent frames, asks whether a frame's record is final, and
// tells the builder to Forget the frames it has dealt with, so that memory
// holds only the frames not yet final plus each conversation's state.

// Frame returns the record of frame n (1-based) as it stands, or nil when
// the frame has not been added or has been forgotten.
func (b *Builder) Frame(n uint32) *Frame { return b.fr(n) }

// Segment returns segment record i (SegOf), as it stands. i must be a
// segment of a frame Frame still returns.
func (b *Builder) Segment(i int32) *Segment { return b.seg(uint32(i)) }

// SegStream returns the conversation of segment record s, read from its
// frame's record; -1 when that frame is not (or no longer) held.
func (b *Builder) SegStream(s *Segment) int {
	if f := b.fr(s.Frame); f != nil {
		return int(f.Stream)
	}
	return -1
}

// Conversation returns conversation idx as it stands (its Client and
// Server are final once a segment of it is final).
func (b *Builder) Conversation(idx int32) *Conversation { return b.tl.Conversations[idx] }

// Note returns the note of frame n ("" when none, or forgotten).
func (b *Builder) Note(n uint32) string { return b.tl.Note(n) }

// SegOf returns the index of the segment record frame n carries (as
// Segment takes it), -1 when it carries none or its record is not held.
func (b *Builder) SegOf(n uint32) int32 {
	return int32(segOf(b.tl.Segments, n, b.segBase))
}

// StartNS is the capture timestamp of the first frame.
func (b *Builder) StartNS() int64 { return b.tl.StartNS }

// ICMP returns the ICMP error of frame n, nil when it has none (or it has
// been forgotten).
func (b *Builder) ICMP(n uint32) *ICMPError {
	ic := b.tl.ICMP
	i := sort.Search(len(ic), func(i int) bool { return ic[i].Frame >= n })
	if i < len(ic) && ic[i].Frame == n {
		return &ic[i]
	}
	return nil
}

// Final reports whether the record of frame n (and its segment, ICMP error
// or fragment) can no longer change as more frames are added:
//   - a segment's states may still be revised while a side's state before
//     its first answer is a guess (LISTEN that turns out CLOSED on a
//     refusal; see machine.Settled), and all of a conversation's directions
//     and states are replayed when its first SYN comes from the side taken
//     for the server, so a segment is final once its conversation has seen
//     a SYN and its row is settled;
//   - a fragment's conversation is known only when its datagram completes;
//   - anything else is final when added.
//
// After the last frame every record is final.
func (b *Builder) Final(n uint32) bool {
	f := b.fr(n)
	if f == nil {
		return true
	}
	switch f.Kind {
	case FrameTCP:
		seg := b.SegOf(n)
		if f.Stream < 0 || seg < 0 {
			return true
		}
		cs := b.conns[f.Stream]
		if !cs.sawSYN {
			return false
		}
		segs := b.tl.Conversations[f.Stream].Segs
		row := sort.Search(len(segs), func(i int) bool { return segs[i] >= uint32(seg) })
		if row == len(segs) || segs[row] != uint32(seg) {
			// Not in Segs any more: dropped as settled (DeferSegs).
			return true
		}
		return cs.dropped+row < cs.machine.Settled()
	case FrameFragment:
		fr := b.tl.Fragments
		i := sort.Search(len(fr), func(i int) bool { return fr[i].Frame >= n })
		return i < len(fr) && fr[i].Frame == n && fr[i].Completes != 0
	}
	return true
}

// Forget drops the records of the frames before frame before, and of their
// segments, ICMP errors and fragments, which the caller has dealt with; all
// of them must be Final. The conversations keep their state, but their Segs
// and Extra lists lose the forgotten entries, and a Timeline finished after
// Forget holds only the frames kept (its Packets, Bytes and EventCounts
// still count every segment: they are kept as segments arrive).
func (b *Builder) Forget(before uint32) {
	k := min(int(before)-1-b.frameBase, len(b.tl.Frames))
	if k <= 0 {
		return
	}
	b.tl.Frames = b.tl.Frames[:copy(b.tl.Frames, b.tl.Frames[k:])]
	b.frameBase += k
	j := sort.Search(len(b.tl.Segments), func(i int) bool { return b.tl.Segments[i].Frame >= before })
	b.tl.Segments = b.tl.Segments[:copy(b.tl.Segments, b.tl.Segments[j:])]
	b.segBase += j
	segBase := uint32(b.segBase)
	for i, c := range b.tl.Conversations {
		m := sort.Search(len(c.Segs), func(i int) bool { return c.Segs[i] >= segBase })
		if m > 0 {
			c.Segs = c.Segs[:copy(c.Segs, c.Segs[m:])]
			b.conns[i].dropped += m
		}
		if e := sort.Search(len(c.Extra), func(i int) bool { return c.Extra[i] >= before }); e > 0 {
			c.Extra = c.Extra[:copy(c.Extra, c.Extra[e:])]
		}
	}
	ic := b.tl.ICMP
	i := sort.Search(len(ic), func(i int) bool { return ic[i].Frame >= before })
	b.tl.ICMP = ic[:copy(ic, ic[i:])]
	fr := b.tl.Fragments
	i = sort.Search(len(fr), func(i int) bool { return fr[i].Frame >= before })
	b.tl.Fragments = fr[:copy(fr, fr[i:])]
	fn := b.tl.FrameNotes
	i = sort.Search(len(fn), func(i int) bool { return fn[i].Frame >= before })
	b.tl.FrameNotes = fn[:copy(fn, fn[i:])]
}
