package filter

import (
	"net/netip"
	"strings"

	"github.com/tcpstep/tcpstep/model"
)

// Filter is a compiled display filter. It holds no state of its own while
// matching, so one Filter may be used by several goroutines at once.
type Filter struct {
	expr           string
	match          pred // nil: the empty filter, which every frame passes
	payload, frame bool
}

// Compile parses a display filter and compiles it to closures, once, so
// that matching a frame is a walk over them. An empty filter (or one of
// blanks) matches every frame. An error is an *Error, which says where the
// filter goes wrong.
func Compile(expr string) (*Filter, error) {
	f := &Filter{expr: expr}
	if strings.TrimSpace(expr) == "" {
		return f, nil
	}
	n, err := parse(expr)
	if err != nil {
		return nil, err
	}
	c := &compiler{src: expr}
	if f.match, err = c.node(n); err != nil {
		return nil, err
	}
	f.payload, f.frame = c.payload, c.frame
	return f, nil
}

// String returns the filter as it was written.
func (f *Filter) String() string { return f.expr }

// ReadsPayload reports whether the filter may call Source.Payload: it
// looks inside tcp.payload.
func (f *Filter) ReadsPayload() bool { return f.payload }

// ReadsFrames reports whether the filter may call Source.Frame: it names
// a field that frames without a segment keep only in their bytes.
func (f *Filter) ReadsFrames() bool { return f.frame }

func newRow(tl *model.Timeline, src *Source) *row {
	return &row{tl: tl, src: src,
		na: make([]int64, 0, 8), nb: make([]int64, 0, 8),
		aa: make([]netip.Addr, 0, 4), ab: make([]netip.Addr, 0, 4)}
}

// Match reports whether frame n (1-based) of the timeline passes the
// filter. The error is the first one a Source function returned; the
// field it was reading is then taken as absent.
func (f *Filter) Match(tl *model.Timeline, n uint32, src Source) (bool, error) {
	if f.match == nil {
		return n >= 1 && int(n) <= len(tl.Frames), nil
	}
	r := newRow(tl, &src)
	r.reset(n, tl.SegOf(n))
	return f.match(r), r.err
}

// Frames returns the numbers of the timeline's frames that pass the
// filter, in order. The error is the first one a Source function returned;
// the frames whose bytes could not be read are judged without them (a
// field read from them is absent), so the list is still whole.
func (f *Filter) Frames(tl *model.Timeline, src Source) ([]uint32, error) {
	var out []uint32
	if f.match == nil {
		out = make([]uint32, len(tl.Frames))
		for i := range out {
			out[i] = uint32(i + 1)
		}
		return out, nil
	}
	r := newRow(tl, &src)
	segs := tl.Segments
	si := 0
	for i := range tl.Frames {
		n := uint32(i + 1)
		// Segments are in frame order: walk them alongside.
		for si < len(segs) && segs[si].Frame < n {
			si++
		}
		s := -1
		if si < len(segs) && segs[si].Frame == n {
			s = si
		}
		r.reset(n, s)
		if f.match(r) {
			out = append(out, n)
		}
	}
	return out, r.err
}

// Matcher returns Match for one timeline and Source that keeps what it
// learns across calls: a conversation's application layer is analysed
// once, not at every call as Match does (for a filter that names an
// application field). For a caller that judges frames one by one; it is not
// safe for concurrent use.
func (f *Filter) Matcher(tl *model.Timeline, src Source) func(n uint32) (bool, error) {
	if f.match == nil {
		return func(n uint32) (bool, error) { return n >= 1 && int(n) <= len(tl.Frames), nil }
	}
	r := newRow(tl, &src)
	r.keepApps = true
	return func(n uint32) (bool, error) {
		r.err = nil
		r.reset(n, tl.SegOf(n))
		return f.match(r), r.err
	}
}
