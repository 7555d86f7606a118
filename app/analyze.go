package app

import (
	"fmt"

	"github.com/tcpstep/tcpstep/model"
)

// pdu is a message a parser found, in the coordinates of the bytes it was
// given: fields' Off and Len count from the message's first byte.
type pdu struct {
	msg Message
	// column is the Protocol column for the segment completing the message
	// ("TLSv1.3"); "" means the protocol's name.
	column string
	// switchTo, when not Unknown, makes the bytes after this message (in
	// both directions) another protocol's: SMTP's STARTTLS, answered 220.
	switchTo Proto
}

// parser reads one conversation's messages, both directions, in the order
// the capture placed the bytes.
type parser interface {
	// next reads the message at the start of b, bytes of direction d. It
	// returns how many bytes the message takes and the message, or n == 0
	// when b does not hold a whole message yet. At the end of the stream
	// (eof) it must take what is left, as a message cut short.
	next(d model.Dir, b []byte, eof bool) (n int, m *pdu)
	// gap says bytes of direction d are missing: the parser resynchronises.
	gap(d model.Dir)
}

// newParser returns a parser for protocol p, or nil when tcpstep has none.
func newParser(p Proto) parser {
	switch p {
	case SMTP, FTP, POP, IMAP:
		return newLineParser(p)
	case HTTP:
		return newHTTPParser()
	case TLS:
		return newTLSParser()
	case SSH:
		return newSSHParser()
	case DNS:
		return newDNSParser()
	}
	return nil
}

// placement is where a run of a direction's stream came from: the bytes at
// stream offsets [off, off+n) are segment seg's payload from payload offset
// pOff on.
type placement struct {
	off  int64
	n    int64
	seg  int
	pOff int
}

// side is one direction's reassembly as the analysis reads it.
type side struct {
	pending []byte // bytes not yet taken by a message
	start   int64  // stream offset of pending[0]
	places  []placement
}

// Analyze recognises the application protocol of conversation c and names
// the messages of its segments. payload reads a segment's payload bytes,
// as for model.FollowDialogue; its first error is returned.
func Analyze(tl *model.Timeline, c *model.Conversation, payload model.PayloadFunc) (*Conv, error) {
	out := &Conv{Segs: map[int]*Segment{}}
	if tl == nil || c == nil {
		return out, nil
	}
	chunks, err := model.FollowDialogue(tl, c, payload)
	if err != nil {
		return nil, fmt.Errorf("reassembling conversation %d: %w", c.Index, err)
	}
	var first [2][]byte
	for i := range chunks {
		ch := &chunks[i]
		if ch.Kind == model.ChunkData && first[ch.Dir&1] == nil {
			first[ch.Dir&1] = ch.Data
		}
	}
	h := Sniff(first[model.C2S], first[model.S2C], c.Client.Port, c.Server.Port)
	out.Proto, out.Server = h.Proto, h.Server
	a := analysis{tl: tl, out: out, p: newParser(h.Proto), proto: h.Proto}
	for i := range chunks {
		a.chunk(&chunks[i])
	}
	for d := range a.sides {
		a.drain(model.Dir(d), true)
	}
	// Every segment that carried payload but completed no message is a
	// part of one, as tshark's "TCP segment of a reassembled PDU".
	if a.p != nil {
		for d := range a.sides {
			for _, pl := range a.sides[d].places {
				if out.Segs[pl.seg] == nil {
					out.Segs[pl.seg] = &Segment{Column: "TCP"}
				}
			}
		}
	}
	for _, s := range out.Segs {
		for i := range s.Messages {
			if n := s.Messages[i].Fields; n != nil && out.Server == "" {
				for _, f := range n {
					if f.Name == "http.host" || f.Name == "tls.handshake.extensions_server_name" {
						out.Server = f.Value
					}
				}
			}
		}
	}
	return out, nil
}

type analysis struct {
	tl    *model.Timeline
	out   *Conv
	p     parser
	proto Proto
	sides [2]side
}

// chunk takes the next reassembled chunk.
func (a *analysis) chunk(ch *model.FollowChunk) {
	d := ch.Dir & 1
	sd := &a.sides[d]
	if ch.Kind != model.ChunkData {
		// A hole: what waits cannot be completed, and the parser must find
		// the next message boundary again.
		a.drain(d, true)
		sd.pending = sd.pending[:0]
		sd.start = ch.Off + ch.Len()
		if a.p != nil {
			a.p.gap(d)
		}
		return
	}
	if len(sd.pending) == 0 {
		sd.start = ch.Off
	}
	s := &a.tl.Segments[ch.Seg]
	begin := s.RelSeq
	if s.Flags&model.SYN != 0 {
		begin++
	}
	sd.places = append(sd.places, placement{off: ch.Off, n: int64(len(ch.Data)), seg: ch.Seg, pOff: int(ch.Seq - begin)})
	sd.pending = append(sd.pending, ch.Data...)
	a.drain(d, false)
}

// maxPending bounds the bytes a direction may hold waiting for the end of
// a message: a length field that lies must not make the analysis keep a
// whole transfer.
const maxPending = 1 << 20

// drain takes the whole messages waiting in direction d.
func (a *analysis) drain(d model.Dir, eof bool) {
	sd := &a.sides[d]
	for a.p != nil && len(sd.pending) > 0 {
		n, m := a.p.next(d, sd.pending, eof || len(sd.pending) > maxPending)
		if n <= 0 {
			if eof {
				sd.pending = sd.pending[:0]
			}
			return
		}
		n = min(n, len(sd.pending))
		if m != nil {
			a.place(d, sd.start, int64(n), m)
		}
		sd.pending = sd.pending[n:]
		sd.start += int64(n)
		if m != nil && m.switchTo != Unknown && m.switchTo != a.proto {
			a.proto = m.switchTo
			a.p = newParser(m.switchTo)
		}
	}
}

// place files message m, at stream offsets [off, off+n) of direction d, on
// the segment that carried its last byte.
func (a *analysis) place(d model.Dir, off, n int64, m *pdu) {
	sd := &a.sides[d]
	last := off + n - 1
	pi := -1
	for i := len(sd.places) - 1; i >= 0; i-- {
		if pl := &sd.places[i]; last >= pl.off && last < pl.off+pl.n {
			pi = i
			break
		}
	}
	if pi < 0 {
		return
	}
	seg := sd.places[pi].seg
	// local turns a stream range into the segment's payload coordinates,
	// clipped to the bytes the segment itself carried.
	// The places are in stream order, so the search runs back from the
	// last byte's place only as far as the range reaches: a message costs
	// the places it spans, not the whole stream's.
	local := func(lo, hi int64) (int, int) {
		for i := pi; i >= 0; i-- {
			pl := &sd.places[i]
			if pl.off+pl.n <= lo {
				break
			}
			if pl.seg != seg {
				continue
			}
			a, b := max(lo, pl.off), min(hi, pl.off+pl.n)
			if a < b {
				return pl.pOff + int(a-pl.off), int(b - a)
			}
		}
		return 0, 0
	}
	msg := m.msg
	msg.Off, msg.Len = local(off, off+n)
	if len(msg.Fields) > 0 {
		fs := make([]Field, len(msg.Fields))
		copy(fs, msg.Fields)
		for i := range fs {
			lo := off + int64(fs[i].Off)
			fs[i].Off, fs[i].Len = local(lo, lo+int64(fs[i].Len))
		}
		msg.Fields = fs
	}
	s := a.out.Segs[seg]
	if s == nil {
		s = &Segment{}
		a.out.Segs[seg] = s
	}
	col := m.column
	if col == "" {
		col = msg.Proto.String()
	}
	if s.Column == "" || s.Column == "TCP" {
		s.Column = col
	}
	s.Messages = append(s.Messages, msg)
}
