package filter

import (
	"strconv"

	"github.com/tcpstep/tcpstep/app"
	"github.com/tcpstep/tcpstep/model"
)

// The application fields: what package app names in a segment's bytes
// above TCP (app.Analyze of its conversation's reassembled streams). As in
// tshark, a message's fields are on the frame that completes it, and a bare
// protocol name (http, tls) is true on the frames that complete a message
// of that protocol: a segment carrying only the middle of a TLS record or
// of an HTTP head is not tls or http, as tshark shows it as "TCP segment of
// a reassembled PDU", and neither is one whose message a hole or the end of
// the capture cut short. A filter that names none of these never analyses
// a conversation.

// convApp is a conversation's application layer as a walk keeps it: the
// analysis, and (for tls) the segments in which a TLS record starts.
type convApp struct {
	ac     *app.Conv
	walked bool
	starts map[int]bool
}

// conv returns the application layer of the row's conversation c: analysed
// when first asked for and kept for the rest of the walk until its last
// segment.
func (r *row) conv(c *model.Conversation) *convApp {
	ca, ok := r.apps[c.Index]
	if !ok {
		ca = &convApp{}
		var err error
		switch {
		case r.src.App != nil:
			ca.ac, err = r.src.App(c)
		case r.src.Payload != nil:
			ca.ac, err = app.Analyze(r.tl, c, r.src.Payload)
		}
		if err != nil {
			r.fail(err)
			ca.ac = nil
		}
		if r.apps == nil {
			r.apps = map[int]*convApp{}
		}
		r.apps[c.Index] = ca
	}
	if r.si >= int(c.Segs[len(c.Segs)-1]) && !r.keepApps {
		delete(r.apps, c.Index) // a walk in frame order is done with it
	}
	return ca
}

// rowConv is the row's segment's conversation when it carries payload.
func (r *row) rowConv() *model.Conversation {
	if r.s == nil || r.s.Len == 0 {
		return nil
	}
	c := r.tl.Conv(r.s)
	if c == nil || len(c.Segs) == 0 {
		return nil
	}
	return c
}

// appSeg returns what the row's segment carries above TCP, or nil.
func (r *row) appSeg() *app.Segment {
	if r.haveApp {
		return r.app
	}
	r.haveApp = true
	r.app, r.ca = nil, nil
	c := r.rowConv()
	if c == nil {
		return nil
	}
	r.ca = r.conv(c)
	r.app = r.ca.ac.Seg(r.si)
	if r.app != nil && r.app.Column == "TCP" {
		// Only part of a message, or a message cut short by a hole or the
		// end of the capture (package app names the head it read): tshark
		// never completes such a message and shows the segment as TCP, with
		// no field of the protocol.
		r.app = nil
	}
	return r.app
}

// appProto is a bare protocol name: the frame completes a message of p.
// For TLS also a frame in which a record starts: tshark hands such a
// segment to its TLS dissector, which asks for the rest of the record, and
// the frame has tls, empty, though its column says TCP.
func appProto(name string, p app.Proto) *field {
	return &field{name: name, kind: kLabel, payload: true, has: func(r *row) bool {
		if s := r.appSeg(); s != nil {
			for i := range s.Messages {
				if s.Messages[i].Proto == p {
					return true
				}
			}
		}
		return p == app.TLS && r.tlsStart()
	}}
}

// tlsStart reports whether a TLS record starts in the row's segment.
func (r *row) tlsStart() bool {
	r.appSeg()
	ca := r.ca
	if ca == nil || ca.ac == nil || ca.ac.Proto != app.TLS || r.src.Payload == nil {
		return false
	}
	if !ca.walked {
		ca.walked = true
		ca.starts = r.recordStarts(r.tl.Conv(r.s))
	}
	return ca.starts[r.si]
}

// recordStarts walks the TLS record headers along each direction of
// conversation c's reassembled streams and returns the segments in which a
// record starts. A direction's walk stops at a hole or at bytes that are no
// record header.
func (r *row) recordStarts(c *model.Conversation) map[int]bool {
	starts := map[int]bool{}
	chunks, err := model.FollowDialogue(r.tl, c, r.src.Payload)
	if err != nil {
		r.fail(err)
		return starts
	}
	type walk struct {
		start int64  // stream offset of the current record's first byte
		next  int64  // of the next record's
		hdr   []byte // the current record's header bytes read so far
		lost  bool
	}
	var ws [2]walk
	for i := range chunks {
		ch := &chunks[i]
		w := &ws[ch.Dir&1]
		if w.lost {
			continue
		}
		if ch.Kind != model.ChunkData {
			w.lost = true
			continue
		}
		end := ch.Off + int64(len(ch.Data))
		for {
			if len(w.hdr) == 0 {
				if w.next >= end {
					break
				}
				if w.next < ch.Off {
					w.lost = true // bytes the reassembly placed twice
					break
				}
				w.start = w.next
				starts[ch.Seg] = true
			}
			pos := w.start + int64(len(w.hdr))
			if pos >= end {
				break
			}
			take := min(5-int64(len(w.hdr)), end-pos)
			w.hdr = append(w.hdr, ch.Data[pos-ch.Off:pos-ch.Off+take]...)
			if len(w.hdr) < 5 {
				break
			}
			h := w.hdr
			if h[0] < 20 || h[0] > 24 || h[1] != 3 {
				w.lost = true
				break
			}
			w.next = w.start + 5 + (int64(h[3])<<8 | int64(h[4]))
			w.hdr = w.hdr[:0]
		}
	}
	return starts
}

// appValues appends the values of the fields named name of the frame's
// messages to dst.
func appValues(r *row, name string, dst []string) []string {
	s := r.appSeg()
	if s == nil {
		return dst
	}
	for i := range s.Messages {
		for _, f := range s.Messages[i].Fields {
			if f.Name == name {
				dst = append(dst, f.Value)
			}
		}
	}
	return dst
}

// appString is an application field whose values are text.
func appString(name string) *field {
	return &field{name: name, kind: kString, payload: true, strs: func(r *row, dst []string) []string {
		return appValues(r, name, dst)
	}}
}

// appUint is an application field whose values are unsigned integers
// (written in decimal by package app) of bits bits.
func appUint(name string, bits uint8) *field {
	return &field{name: name, kind: kUint, bits: bits, payload: true, nums: func(r *row, dst []int64) []int64 {
		vs := appValues(r, name, r.sb[:0])
		for _, v := range vs {
			if n, err := strconv.ParseUint(v, 10, int(bits)); err == nil {
				dst = append(dst, int64(n))
			}
		}
		r.sb = vs[:0]
		return dst
	}}
}

func init() {
	for _, p := range []struct {
		name  string
		proto app.Proto
	}{
		{"http", app.HTTP}, {"smtp", app.SMTP}, {"ftp", app.FTP}, {"pop", app.POP},
		{"imap", app.IMAP}, {"tls", app.TLS}, {"ssh", app.SSH}, {"dns", app.DNS},
	} {
		add(appProto(p.name, p.proto))
	}
	for _, name := range []string{
		"http.request.method", "http.host", "http.request.uri",
		"smtp.req.command", "ftp.request.command",
		"tls.handshake.extensions_server_name", "ssh.protocol", "dns.qry.name",
	} {
		add(appString(name))
	}
	add(appUint("http.response.code", 16))
	add(appUint("smtp.response.code", 32))
	add(appUint("ftp.response.code", 32))
	add(appUint("tls.handshake.type", 8))
}
