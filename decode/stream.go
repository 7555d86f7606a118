package decode

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/tcpstep/tcpstep/decode/capfile"
	"github.com/tcpstep/tcpstep/model"
)

// Stream indexes a capture while another goroutine, the one that owns the
// timeline's model.Builder, files the frames: the interface draws a
// timeline that grows as a big file is read, or as a capture program writes
// to a pipe or a file, and stays responsive meanwhile. The Stream's
// goroutine reads and extracts frames (the I/O and the header walk); Apply,
// called on the builder's goroutine, files those waiting, for at most a
// given time, so that keys are handled between batches.
type Stream struct {
	in *Input

	mu      sync.Mutex
	room    *sync.Cond // signalled when Apply takes the waiting frames, or on Close
	pending batch      // frames read, waiting to be filed
	read    int64      // bytes of the capture read
	ended   bool       // the reader stopped: the end of the capture, an error, Close
	warn    string     // why it stopped early, for the timeline's warnings
	grow    int        // a Builder.Grow hint not yet given (0: none)
	closed  bool
	ready   chan struct{} // frames wait, or the reader ended

	// The builder's side, touched by Apply only.
	local batch // frames taken from pending, filed from pos on
	sn    sniffer
	pos   int
	filed int
	done  bool
}

// maxPending bounds the frames read ahead of the builder: the reader waits
// when the builder falls that far behind, so memory does not grow with the
// capture. Each frame waiting takes some 150 bytes.
const maxPending = 8192

// batch is frames read and extracted, in capture order. Ordinary TCP
// frames are kept compactly; any other frame's whole extraction goes to
// other.
type batch struct {
	e     []entry
	other []extracted
	pre   []byte // the payload prefixes copied for app.Sniff (sniffFlows)
}

// entry is one frame: its record, and its segment or its index in
// batch.other (-1 for a TCP segment).
type entry struct {
	n     uint32
	other int32
	// pre and preN are the frame's payload prefix for app.Sniff in
	// batch.pre, when it may be its direction's first payload (preN > 0).
	pre  uint32
	preN uint16
	fr   model.Frame
	p    model.Packet
}

// Index starts indexing the input on a new goroutine and returns the
// Stream to file its frames from. An input is read once: Index, Load and
// Feed each read it from the start (a stream, only the first of them).
func (in *Input) Index() *Stream {
	s := &Stream{in: in, ready: make(chan struct{}, 1)}
	s.room = sync.NewCond(&s.mu)
	r, err := in.reader()
	if err != nil {
		s.ended, s.warn = true, err.Error()
		s.signal()
		return s
	}
	go s.run(r)
	return s
}

// Ready is signalled when frames wait to be filed or the reading ended:
// then call Apply. A signal may find nothing new.
func (s *Stream) Ready() <-chan struct{} { return s.ready }

// Close stops the reading (a followed file's wait for more data ends; a
// pipe's blocked read ends with the process).
func (s *Stream) Close() {
	s.mu.Lock()
	s.closed = true
	s.room.Broadcast()
	s.mu.Unlock()
	if s.in.stop != nil {
		s.in.stopOnce.Do(func() { close(s.in.stop) })
	}
}

func (s *Stream) signal() {
	select {
	case s.ready <- struct{}{}:
	default:
	}
}

// run is the reading goroutine: it extracts every frame and leaves it in
// pending, waiting while the builder is maxPending frames behind.
func (s *Stream) run(r *capfile.Reader) {
	d := newDissector()
	var flows sniffFlows
	var pre []byte // this frame's payload prefix, if any
	var warn string
	defer func() {
		if p := recover(); p != nil {
			warn = fmt.Sprintf("%s: reading stopped: internal error: %v", s.in.name, p)
		}
		s.mu.Lock()
		s.ended, s.warn = true, warn
		s.mu.Unlock()
		s.signal()
	}()
	for n := 1; ; n++ {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			warn = readWarning(s.in.name, n, err)
			break
		}
		e := entry{n: uint32(n), other: -1, fr: frameOf(rec)}
		ex := d.Extract(uint32(n), rec.LinkType, rec.Data, rec.OrigLen)
		var keep *extracted
		if ex.Kind == model.FrameTCP && !ex.IsFrag && len(ex.Samples) == 0 {
			e.p = ex.Packet
		} else {
			// Rare: keep the whole extraction, with its own copy of the
			// lists that are valid only until the next Extract.
			ex.FragFrames = append([]uint32(nil), ex.FragFrames...)
			ex.Samples = append([]model.Packet(nil), ex.Samples...)
			ex.Expired = nil
			keep = &ex
		}
		pre = pre[:0]
		if sniffApp && ex.Kind == model.FrameTCP {
			pre, _ = flows.prefix(pre, &ex.Packet, d.tcpPayload())
		}
		if !s.push(e, keep, pre, r.Offset(), n) {
			return
		}
	}
	d.Flush()
}

// readWarning is the timeline's warning for a reading that stopped at
// frame n with err.
func readWarning(name string, n int, err error) string {
	var te *capfile.TruncatedError
	if errors.As(err, &te) {
		return fmt.Sprintf("%s: %v; the %d frames before it are shown", name, err, n-1)
	}
	return fmt.Sprintf("%s: reading stopped at frame %d: %v; the %d frames before it are shown", name, n, err, n-1)
}

// push leaves frame e (and its whole extraction when not a plain segment)
// for the builder, read up to byte off; it reports false when the stream
// was closed.
func (s *Stream) push(e entry, ex *extracted, pre []byte, off int64, n int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.pending.e) >= maxPending && !s.closed {
		s.room.Wait()
	}
	if s.closed {
		return false
	}
	if ex != nil {
		e.other = int32(len(s.pending.other))
		s.pending.other = append(s.pending.other, *ex)
	}
	if len(pre) > 0 {
		e.pre, e.preN = uint32(len(s.pending.pre)), uint16(len(pre))
		s.pending.pre = append(s.pending.pre, pre...)
	}
	s.pending.e = append(s.pending.e, e)
	s.read = off
	if n == sizeProbe {
		s.grow = s.in.growHint(off) // as Load sizes it
	}
	if len(s.pending.e) == 1 {
		s.signal()
	}
	return true
}

// Apply files the frames waiting, into b, for about budget at most (at
// least one batch of them is filed whatever the budget), and says how far
// indexing has got. When it reports Done it has filed everything and added
// any warning about the file to b: Finish b. Call it on b's goroutine only.
func (s *Stream) Apply(b *model.Builder, budget time.Duration) model.IndexProgress {
	start := time.Now()
	var read int64
	ended := false
	for !s.done {
		if s.pos == len(s.local.e) {
			s.mu.Lock()
			s.local.e, s.pending.e = s.pending.e, s.local.e[:0]
			s.local.other, s.pending.other = s.pending.other, s.local.other[:0]
			s.local.pre, s.pending.pre = s.pending.pre, s.local.pre[:0]
			s.pos = 0
			if s.grow > 0 {
				b.Grow(s.grow)
				s.grow = 0
			}
			read, ended = s.read, s.ended
			warn := s.warn
			s.room.Broadcast()
			s.mu.Unlock()
			if len(s.local.e) == 0 {
				if ended {
					if warn != "" {
						b.Warn(warn)
					}
					s.done = true
				}
				break
			}
		}
		for s.pos < len(s.local.e) {
			e := &s.local.e[s.pos]
			s.pos++
			s.filed++
			var src model.Endpoint
			if e.other < 0 {
				p := e.p
				p.Frame = e.n
				p.TimeNS = e.fr.TimeNS
				b.AddPacket(e.fr, &p)
				src = p.Src
			} else {
				ex := &s.local.other[e.other]
				file(b, e.n, e.fr, ex)
				src = ex.Packet.Src
			}
			if e.preN > 0 {
				if idx, ok := s.sn.wants(b, e.n, src); ok {
					s.sn.file(b, idx, src, s.local.pre[e.pre:e.pre+uint32(e.preN)])
				}
			}
			if s.pos%256 == 0 && time.Since(start) >= budget {
				break
			}
		}
		if time.Since(start) >= budget {
			break
		}
	}
	s.mu.Lock()
	read = s.read
	more := s.pos < len(s.local.e) || len(s.pending.e) > 0 || (s.ended && !s.done)
	s.mu.Unlock()
	total := s.in.size
	if s.done && total < 0 {
		total = read
	}
	return model.IndexProgress{Frames: s.filed, Read: read, Total: total, More: more, Done: s.done}
}

// spooler reads a stream and writes what it reads to a file, so that the
// frames of standard input can be re-read by offset as it goes on.
type spooler struct {
	src io.Reader
	dst *os.File
}

func (sp *spooler) Read(p []byte) (int, error) {
	n, err := sp.src.Read(p)
	if n > 0 {
		if _, werr := sp.dst.Write(p[:n]); werr != nil {
			return 0, fmt.Errorf("spool to %s: %w", sp.dst.Name(), werr)
		}
	}
	return n, err
}

// followInterval is how often a followed file is checked for new data.
const followInterval = 100 * time.Millisecond

// follower reads a file that a capture program is still writing: at its
// end it waits for more, like tail -f, until stop is closed.
type follower struct {
	f    *os.File
	name string
	off  int64
	stop chan struct{}
}

func (fl *follower) Read(p []byte) (int, error) {
	for {
		n, err := fl.f.Read(p)
		fl.off += int64(n)
		if n > 0 || (err != nil && err != io.EOF) {
			return n, err
		}
		if st, serr := fl.f.Stat(); serr == nil && st.Size() < fl.off {
			return 0, fmt.Errorf("the file shrank from %d to %d bytes while being followed (truncated or replaced)", fl.off, st.Size())
		}
		select {
		case <-fl.stop:
			return 0, io.EOF
		case <-time.After(followInterval):
		}
	}
}
