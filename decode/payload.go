package decode

import (
	"fmt"

	"github.com/tcpstep/tcpstep/decode/capfile"
	"github.com/tcpstep/tcpstep/model"
)

// Payload re-reads the TCP payload of segment segIndex (an index in
// tl.Segments) from the capture. tl must be the timeline Load made from
// this input.
//
// A segment carried in IP fragments has its payload spread over several
// frames: Payload re-reads every fragment frame the timeline ties to the
// segment, reassembles them with the same reassembler and header walk as
// Load, and returns the reassembled datagram's payload.
//
// When the snap length cut the frame, the payload returned is what was
// captured: shorter than the segment's Len by the number of bytes missing
// (see payloadMissing). A segment with no payload returns an empty slice.
// The slice is the caller's.
func (in *Input) Payload(tl *model.Timeline, segIndex int) ([]byte, error) {
	if tl == nil || segIndex < 0 || segIndex >= len(tl.Segments) {
		return nil, fmt.Errorf("%s: no segment %d", in.name, segIndex)
	}
	s := &tl.Segments[segIndex]
	if s.Frame == 0 || int(s.Frame) > len(tl.Frames) {
		return nil, fmt.Errorf("%s: segment %d names frame %d, not in the timeline", in.name, segIndex, s.Frame)
	}
	if s.Len == 0 {
		return []byte{}, nil
	}
	fr := &tl.Frames[s.Frame-1]
	if f, ok := tl.FragmentOf(s.Frame); ok && f.Completes == s.Frame {
		return in.fragmentedPayload(tl, s)
	}
	data, err := capfile.ReadFrame(in.ra, fr.Offset, fr.CapLen)
	if err != nil {
		return nil, fmt.Errorf("%s: frame %d: %w", in.name, s.Frame, err)
	}
	var w walker
	w.walk(fr.LinkType, data, int(fr.OrigLen))
	if w.sampled || w.out == outComp {
		// An IPComp payload: the segment's bytes are the decompressed
		// ones (the walk then points into the inflater's buffer, which
		// is this walker's own). An sFlow datagram: the segment is its
		// first sampled TCP header.
		w.finishTunnel(fr.LinkType, data, int(fr.OrigLen))
	}
	if w.out != outTCP {
		return nil, fmt.Errorf("%s: frame %d no longer decodes as a TCP segment", in.name, s.Frame)
	}
	return w.tcpPayload(), nil
}

// payloadMissing is how many bytes of segment s's payload the capture does
// not hold, given the payload Payload returned for it.
func payloadMissing(s *model.Segment, payload []byte) int {
	return max(int(s.Len)-len(payload), 0)
}

// fragmentedPayload rebuilds the datagram that segment s's frame completed
// from the fragment frames tied to it, in frame order, as Load did.
func (in *Input) fragmentedPayload(tl *model.Timeline, s *model.Segment) ([]byte, error) {
	var frames []uint32
	if c := tl.Conv(s); c != nil {
		for _, fn := range c.Extra {
			if fn >= s.Frame {
				break
			}
			if f, ok := tl.FragmentOf(fn); ok && f.Completes == s.Frame {
				frames = append(frames, fn)
			}
		}
	}
	frames = append(frames, s.Frame)
	d := newDissector()
	var buf []byte
	for i, fn := range frames {
		if int(fn) > len(tl.Frames) {
			return nil, fmt.Errorf("%s: fragment frame %d not in the timeline", in.name, fn)
		}
		fr := &tl.Frames[fn-1]
		var err error
		buf, err = capfile.AppendFrame(buf[:0], in.ra, fr.Offset, fr.CapLen)
		if err != nil {
			return nil, fmt.Errorf("%s: frame %d: %w", in.name, fn, err)
		}
		ex := d.Extract(fn, fr.LinkType, buf, fr.OrigLen)
		if i < len(frames)-1 {
			continue
		}
		if ex.Kind != model.FrameTCP {
			return nil, fmt.Errorf("%s: frame %d: its %d fragments no longer reassemble into a TCP segment", in.name, fn, len(frames))
		}
	}
	// The walk now points into the reassembler's datagram, which the next
	// Extract would reuse: copy.
	p := d.w.tcpPayload()
	return append([]byte(nil), p...), nil
}

// tcpPayload is the captured payload of the TCP segment the walk stopped at
// (out == outTCP): from the end of the TCP header to the end of the IP
// payload, or of the captured bytes when the snap length cut it sooner.
// Trailer bytes past the IP datagram (Ethernet padding) are not payload.
func (w *walker) tcpPayload() []byte {
	if w.out != outTCP || w.l4Off+13 > len(w.data) {
		return []byte{}
	}
	doff := int(w.data[w.l4Off+12]>>4) * 4
	from := w.l4Off + doff
	to := min(w.l4CapEnd, w.l4RepEnd, len(w.data))
	if from >= to {
		return []byte{}
	}
	return w.data[from:to:to]
}
