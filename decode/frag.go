package decode

import (
	"net/netip"
	"slices"
)

// fragKey identifies the datagram an IP fragment belongs to, as RFC 791
// defines it: source, destination, identification and protocol. For IPv6
// the identification is the fragment header's 32 bits and Proto its next
// header.
type fragKey struct {
	Src, Dst netip.Addr
	ID       uint32
	Proto    uint8
	V6       bool
}

// Default bounds of a reassembler.
const (
	// defaultFragMaxAge is how many frames a datagram may wait for its
	// missing fragments before it is dropped.
	defaultFragMaxAge = 10000
	// defaultFragMaxPending is how many datagrams may be incomplete at once.
	defaultFragMaxPending = 1024
	// maxDatagram is the largest IP payload a datagram may reassemble to.
	maxDatagram = 65535
	// maxHeld bounds the bytes one datagram holds: overlapping and repeated
	// fragments may hold the same offsets more than once.
	maxHeld = 2 * maxDatagram
)

// piece is one fragment held by a datagram: its frame, its byte range in the
// datagram, and where its bytes sit in the datagram's arena.
type piece struct {
	frame    uint32
	off, end int
	at       int
}

// datagram is an incomplete datagram's fragments.
type datagram struct {
	key    fragKey
	first  uint32 // frame number of the first fragment seen
	total  int    // payload length once the last fragment is seen, else -1
	pieces []piece
	arena  []byte // copies of the fragments' payloads, in arrival order
}

// reassembler rebuilds IP datagrams from their fragments. It holds copies of
// the fragments' payloads (a reader's buffer is reused from frame to frame)
// and bounds its memory: a datagram is dropped when it is over 64 KiB, when
// MaxAge frames have passed since its first fragment, or when more than
// MaxPending datagrams are incomplete (the oldest goes first).
type reassembler struct {
	MaxAge     uint32
	MaxPending int

	pending map[fragKey]*datagram
	order   []*datagram // incomplete datagrams, oldest first
	free    []*datagram // finished datagrams kept for reuse

	out     []byte   // the last reassembled datagram
	frames  []uint32 // the frames it was made of
	dropped []uint32 // frames of datagrams dropped by the last call
}

// newReassembler returns a reassembler with the default bounds.
func newReassembler() *reassembler {
	return &reassembler{
		MaxAge:     defaultFragMaxAge,
		MaxPending: defaultFragMaxPending,
		pending:    make(map[fragKey]*datagram),
	}
}

// Pending returns how many datagrams are incomplete.
func (r *reassembler) Pending() int { return len(r.order) }

// Add records the fragment carried by frame: offset is its offset in bytes
// in the datagram, more its more-fragments flag, payload its bytes (copied).
// When the fragment completes its datagram, Add returns the datagram's
// payload and the other frames whose fragments it used (in frame order);
// both stay valid until the next call. Datagrams dropped because of this
// call (too old, too many, too large, inconsistent) are reported by Dropped.
func (r *reassembler) Add(frame uint32, k fragKey, offset int, more bool, payload []byte) (data []byte, frames []uint32, ok bool) {
	r.dropped = r.dropped[:0]
	if r.pending == nil {
		r.pending = make(map[fragKey]*datagram)
	}
	r.expire(frame)
	end := offset + len(payload)
	d := r.pending[k]
	if end > maxDatagram {
		// Too large to be an IP payload.
		if d != nil {
			r.drop(d, frame)
		} else {
			r.dropped = append(r.dropped, frame)
		}
		return nil, nil, false
	}
	if d == nil {
		if r.MaxPending > 0 && len(r.order) >= r.MaxPending {
			r.drop(r.order[0], 0)
		}
		d = r.newDatagram(k, frame)
	}
	switch {
	case !more && d.total >= 0 && d.total != end,
		d.total >= 0 && end > d.total,
		len(d.arena)+len(payload) > maxHeld:
		// A second, different end, or bytes past the end: the datagram
		// cannot be rebuilt with any confidence.
		r.drop(d, frame)
		return nil, nil, false
	case !more:
		d.total = end
		for _, p := range d.pieces {
			if p.end > end {
				r.drop(d, frame)
				return nil, nil, false
			}
		}
	}
	p := piece{frame: frame, off: offset, end: end, at: len(d.arena)}
	d.arena = append(d.arena, payload...)
	// Keep pieces sorted by offset, earlier arrivals first among equals.
	i := len(d.pieces)
	for i > 0 && d.pieces[i-1].off > offset {
		i--
	}
	d.pieces = slices.Insert(d.pieces, i, p)
	if d.total < 0 || !d.covered() {
		return nil, nil, false
	}
	r.assemble(d, frame)
	r.finish(d)
	return r.out, r.frames, true
}

// Dropped returns the frames of the datagrams the last Add dropped without
// completing them; valid until the next call.
func (r *reassembler) Dropped() []uint32 { return r.dropped }

// Flush drops every incomplete datagram and returns their frames.
func (r *reassembler) Flush() []uint32 {
	r.dropped = r.dropped[:0]
	for len(r.order) > 0 {
		r.drop(r.order[0], 0)
	}
	return r.dropped
}

func (r *reassembler) newDatagram(k fragKey, frame uint32) *datagram {
	var d *datagram
	if n := len(r.free); n > 0 {
		d, r.free = r.free[n-1], r.free[:n-1]
		d.pieces, d.arena = d.pieces[:0], d.arena[:0]
	} else {
		d = &datagram{}
	}
	d.key, d.first, d.total = k, frame, -1
	r.pending[k] = d
	r.order = append(r.order, d)
	return d
}

// covered reports whether the pieces cover [0, total) without a gap.
func (d *datagram) covered() bool {
	reach := 0
	for _, p := range d.pieces {
		if p.off > reach {
			return false
		}
		reach = max(reach, p.end)
	}
	return reach >= d.total
}

// assemble writes the datagram into r.out the way Wireshark does: pieces in
// offset order, each contributing only the bytes beyond what earlier pieces
// already supplied, and lists the frames used other than the completing one.
func (r *reassembler) assemble(d *datagram, completing uint32) {
	r.out = slices.Grow(r.out[:0], d.total)[:d.total]
	reach := 0
	r.frames = r.frames[:0]
	for _, p := range d.pieces {
		if p.end > reach {
			from := max(p.off, reach)
			copy(r.out[from:p.end], d.arena[p.at+(from-p.off):p.at+(p.end-p.off)])
			reach = p.end
		}
		if p.frame != completing {
			r.frames = append(r.frames, p.frame)
		}
	}
	slices.Sort(r.frames)
	r.frames = slices.Compact(r.frames)
}

// finish forgets a datagram and keeps its storage for reuse.
func (r *reassembler) finish(d *datagram) {
	delete(r.pending, d.key)
	if i := slices.Index(r.order, d); i >= 0 {
		r.order = slices.Delete(r.order, i, i+1)
	}
	if cap(d.arena) <= maxHeld && len(r.free) < 64 {
		r.free = append(r.free, d)
	}
}

// drop forgets an incomplete datagram and reports its frames (and also,
// when not 0, the frame that caused the drop) as never completed.
func (r *reassembler) drop(d *datagram, cause uint32) {
	start := len(r.dropped)
	for _, p := range d.pieces {
		r.dropped = append(r.dropped, p.frame)
	}
	if cause != 0 {
		r.dropped = append(r.dropped, cause)
	}
	tail := r.dropped[start:]
	slices.Sort(tail)
	r.dropped = append(r.dropped[:start], slices.Compact(tail)...)
	r.finish(d)
}

// expire drops the datagrams whose first fragment came more than MaxAge
// frames before frame.
func (r *reassembler) expire(frame uint32) {
	for len(r.order) > 0 && r.MaxAge > 0 && frame > r.order[0].first && frame-r.order[0].first > r.MaxAge {
		r.drop(r.order[0], 0)
	}
}
