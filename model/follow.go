package model

import (
	"fmt"
	"slices"
)

// ChunkKind says what a FollowChunk holds.
type ChunkKind uint8

const (
	// ChunkData is payload bytes from the capture.
	ChunkData ChunkKind = iota
	// ChunkGap is sequence space no captured segment carried: the data
	// after it was acknowledged, or is all the capture has, but these
	// bytes never appear.
	ChunkGap
	// ChunkCut is the part of a captured segment's payload that the snap
	// length cut off.
	ChunkCut
)

// FollowChunk is one run of a direction's reassembled byte stream: bytes in
// sequence order, or a hole in it.
type FollowChunk struct {
	Kind ChunkKind
	Dir  Dir
	// Unacked marks data placed only because the capture ended, and the gap
	// before it: it waited behind a hole that the receiver never
	// acknowledged. Wireshark's Follow TCP Stream leaves such data out;
	// tcpstep shows it after the gap.
	Unacked bool
	// Seq is the relative sequence number of the chunk's first byte, in
	// the numbering of the segments' RelSeq.
	Seq uint32
	// Off is the offset of the chunk's first byte in the direction's
	// stream: 0 is the sequence number of the direction's first segment in
	// the capture (after its SYN, if that is a SYN).
	Off int64
	// Data holds the bytes of a ChunkData chunk (nil otherwise). It may
	// alias a slice returned by the payload getter.
	Data []byte
	// Missing is the size of a ChunkGap or ChunkCut in bytes.
	Missing int64
	// Seg is the index in Timeline.Segments of the segment whose copy of
	// the bytes was placed, or of the cut segment. For a gap it is the
	// segment that revealed it: the other side's segment whose ACK covered
	// data after the gap, or the segment of the data after it.
	Seg int
	// Ready is the index in Timeline.Segments of the segment whose arrival
	// placed the chunk: Seg for data that came in order, a later segment
	// for data that waited for a hole before it to be filled or
	// acknowledged; for Unacked chunks, the conversation's last segment.
	// The dialogue is ordered by it.
	Ready int
}

// Len is how much sequence space the chunk covers.
func (ch *FollowChunk) Len() int64 {
	if ch.Kind == ChunkData {
		return int64(len(ch.Data))
	}
	return ch.Missing
}

// SegRange returns the part of the chunk, as offsets [lo, hi) from its
// first byte, that segment seg carried: as the copy placed or as another
// copy (a retransmission carries bytes placed from an earlier segment).
// lo == hi when the segment carried none of it. A SYN's or FIN's sequence
// number carries no byte.
func (ch *FollowChunk) SegRange(tl *Timeline, seg int) (lo, hi int64) {
	if tl == nil || seg < 0 || seg >= len(tl.Segments) || ch.Kind == ChunkGap {
		return 0, 0
	}
	s := &tl.Segments[seg]
	if s.Dir != ch.Dir || tl.Conv(s) == nil || s.Len == 0 {
		return 0, 0
	}
	start := s.RelSeq
	if s.Flags&SYN != 0 {
		start++
	}
	// Sequence arithmetic is modulo 2^32: measure the segment's start from
	// the chunk's as a signed distance.
	d := int64(int32(start - ch.Seq))
	lo = max(d, 0)
	hi = min(d+int64(s.Len), ch.Len())
	if hi <= lo {
		return 0, 0
	}
	return lo, hi
}

// PayloadFunc returns the captured payload of segment seg (an index in
// Timeline.Segments). A payload cut by the snap length is shorter than the
// segment's Len. The reassembly keeps the returned slices: return fresh
// ones.
type PayloadFunc func(seg int) ([]byte, error)

// piece is data that arrived ahead of the next expected byte and waits.
type piece struct {
	off    int64
	data   []byte
	length int64 // the segment's payload length (data may be shorter: cut)
	seg    int
}

// flow is one direction's reassembly state, in stream offsets.
type flow struct {
	d       Dir
	started bool
	start   uint32 // relative sequence number at offset 0
	last    int64  // offset of the previous segment: unwrapping starts from it
	next    int64  // the next byte expected in order
	pending []piece
	keep    bool // collect this direction's chunks
}

// unwrap turns a relative sequence number into a stream offset, taking the
// nearest offset to ref that has that number modulo 2^32.
func (f *flow) unwrap(seq uint32, ref int64) int64 {
	return ref + int64(int32(seq-(f.start+uint32(ref))))
}

// follower is the reassembly of one conversation, both directions in one
// pass, because one side's ACKs tell when the other side's data is missing
// from the capture rather than late.
type follower struct {
	flows [2]flow
	out   []FollowChunk
	ready int  // the segment being processed
	late  bool // placing data after the end of the capture
}

func (fw *follower) emit(f *flow, ch FollowChunk) {
	if !f.keep {
		return
	}
	ch.Dir = f.d
	ch.Seq = f.start + uint32(ch.Off)
	ch.Ready = fw.ready
	ch.Unacked = fw.late
	fw.out = append(fw.out, ch)
}

// place puts a segment's bytes from offset off (which is f.next) into the
// stream: its captured data, then a cut for what the snap length dropped.
func (fw *follower) place(f *flow, off int64, data []byte, length int64, seg int) {
	if len(data) > 0 {
		fw.emit(f, FollowChunk{Kind: ChunkData, Off: off, Data: data, Seg: seg})
	}
	if n := length - int64(len(data)); n > 0 {
		fw.emit(f, FollowChunk{Kind: ChunkCut, Off: off + int64(len(data)), Missing: n, Seg: seg})
	}
	f.next = off + length
}

// drain places the first waiting piece that fits at f.next, as Wireshark
// does: pieces are tried in arrival order, and one that starts before
// f.next gives only its bytes beyond it. With ack set, when nothing fits
// and the other side acknowledged past the lowest waiting piece, the bytes
// before that piece are declared a gap. It reports whether it changed
// anything (so the caller calls it again).
func (fw *follower) drain(f *flow, ack bool, ackOff int64, by int) bool {
	if len(f.pending) == 0 {
		return false
	}
	lowest := f.pending[0].off
	for i, p := range f.pending {
		lowest = min(lowest, p.off)
		end := p.off + p.length
		switch {
		case p.off < f.next:
			if end > f.next {
				skip := f.next - p.off
				data := p.data[min(skip, int64(len(p.data))):]
				fw.place(f, f.next, data, end-f.next, p.seg)
			}
		case p.off == f.next:
			fw.place(f, p.off, p.data, p.length, p.seg)
		default:
			continue
		}
		f.pending = slices.Delete(f.pending, i, i+1)
		return true
	}
	if ack && ackOff > lowest {
		fw.emit(f, FollowChunk{Kind: ChunkGap, Off: f.next, Missing: lowest - f.next, Seg: by})
		f.next = lowest
		return true
	}
	return false
}

// run feeds the conversation's segments in capture order.
func (fw *follower) run(tl *Timeline, c *Conversation, payload PayloadFunc) error {
	for _, si := range c.Segs {
		if int(si) >= len(tl.Segments) {
			continue
		}
		s := &tl.Segments[si]
		seg := int(si)
		fw.ready = seg
		f, other := &fw.flows[s.Dir&1], &fw.flows[(s.Dir&1)^1]
		// Sequence numbers are taken relative, as tshark's follow takes
		// them: where tshark resets a direction's base (a SYN with a new
		// ISN on the same stream) its relative numbers jump, and so do
		// these.
		seq := s.RelSeq
		if s.Flags&SYN != 0 {
			seq++ // the SYN takes a sequence number but carries no byte
		}
		if !f.started {
			// The stream starts at the direction's first segment, as in
			// Wireshark: data from before it is taken for old.
			f.started, f.start = true, seq
		}
		// This side's ACK may reveal that the other side's waiting data
		// has a gap before it that the receiver already got.
		if other.started && len(other.pending) > 0 && s.Flags&ACK != 0 {
			ackOff := other.unwrap(s.RelAck, other.next)
			for fw.drain(other, true, ackOff, seg) {
			}
		}
		off := f.unwrap(seq, f.last)
		f.last = off
		if s.Len == 0 {
			continue
		}
		length := int64(s.Len)
		end := off + length
		if end <= f.next {
			continue // old data: every byte is placed already
		}
		var data []byte
		if f.keep {
			var err error
			data, err = payload(seg)
			if err != nil {
				return fmt.Errorf("payload of frame %d: %w", s.Frame, err)
			}
			if int64(len(data)) > length {
				data = data[:length]
			}
		}
		if off < f.next {
			// Partly old: keep the bytes beyond what is placed.
			skip := f.next - off
			data = data[min(skip, int64(len(data))):]
			off, length = f.next, end-f.next
		}
		if off == f.next {
			fw.place(f, off, data, length, seg)
			for fw.drain(f, false, 0, seg) {
			}
			continue
		}
		f.pending = append(f.pending, piece{off: off, data: data, length: length, seg: seg})
	}
	// The capture ends: place what still waits, in sequence order behind
	// gaps, marked as never acknowledged; it is ready at the conversation's
	// last segment.
	fw.late = true
	for i := range fw.flows {
		f := &fw.flows[i]
		for len(f.pending) > 0 {
			lowest := f.pending[0]
			for _, p := range f.pending[1:] {
				if p.off < lowest.off {
					lowest = p
				}
			}
			for fw.drain(f, true, lowest.off+1, lowest.seg) {
			}
		}
	}
	return nil
}

// follow runs the reassembly of c, collecting the directions keep says.
func follow(tl *Timeline, c *Conversation, keep [2]bool, payload PayloadFunc) ([]FollowChunk, error) {
	if tl == nil || c == nil {
		return nil, nil
	}
	fw := &follower{}
	for d := range fw.flows {
		fw.flows[d] = flow{d: Dir(d), keep: keep[d]}
	}
	// Size the output once: about a chunk per data segment, a few more for
	// holes. A long transfer would otherwise regrow it twenty times.
	n := 0
	for _, si := range c.Segs {
		if int(si) < len(tl.Segments) {
			if s := &tl.Segments[si]; s.Len > 0 && keep[s.Dir&1] {
				n++
			}
		}
	}
	fw.out = make([]FollowChunk, 0, n+n/16+4)
	if err := fw.run(tl, c, payload); err != nil {
		return nil, err
	}
	return fw.out, nil
}

// FollowDir reassembles one direction of conversation c: its payload in
// sequence order, each byte placed once, the way Wireshark's Follow TCP
// Stream does it. Data that arrives in order is placed as it comes; data
// that arrives early waits until the bytes before it arrive (then the first
// waiting copy, in arrival order, fills in), or until the other side
// acknowledges past it, which shows the capture missed bytes the receiver
// got: those become a ChunkGap (only segments with the ACK flag count;
// Wireshark reads the field whatever the flags). A retransmission's bytes that are placed
// already are dropped, so the first copy placed wins. SYN and FIN take a
// sequence number but carry no byte. Bytes the snap length cut off are a
// ChunkCut. Unlike Wireshark, data still waiting when the capture ends is
// not dropped but placed behind a gap and marked Unacked.
//
// payload is asked for the bytes of this direction's segments that can
// contribute; its first error stops the reassembly.
func FollowDir(tl *Timeline, c *Conversation, d Dir, payload PayloadFunc) ([]FollowChunk, error) {
	var keep [2]bool
	keep[d&1] = true
	return follow(tl, c, keep, payload)
}

// FollowDialogue reassembles both directions of c into the dialogue a
// follow view shows: chunks in the order they were placed (Ready), which is
// the order Wireshark's Follow TCP Stream shows them in; each direction's
// chunks are in sequence order.
func FollowDialogue(tl *Timeline, c *Conversation, payload PayloadFunc) ([]FollowChunk, error) {
	return follow(tl, c, [2]bool{true, true}, payload)
}

// FollowBytes concatenates the data of the chunks (holes contribute
// nothing): a direction's bytes as the capture has them.
func FollowBytes(chunks []FollowChunk) []byte {
	n := 0
	for i := range chunks {
		n += len(chunks[i].Data)
	}
	out := make([]byte, 0, n)
	for i := range chunks {
		out = append(out, chunks[i].Data...)
	}
	return out
}
