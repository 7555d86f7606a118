package filter

import (
	"strconv"

	"github.com/tcpstep/tcpstep/app"
)

// The application fields: what package app names in a segment's bytes
// above TCP (app.Analyze of its conversation's reassembled streams). As in
// tshark, a message's fields are on the frame that completes it, and a bare
// protocol name (http, tls) is true on the frames that complete a message
// of that protocol: a segment carrying only the middle of a TLS record or
// of an HTTP head is not tls or http, as tshark shows it as "TCP segment of
// a reassembled PDU". A filter that names none of these never analyses a
// conversation.

// appSeg returns what the row's segment carries above TCP, or nil: the
// analysis of its conversation, done when first asked for and kept for the
// rest of the walk until the conversation's last segment.
func (r *row) appSeg() *app.Segment {
	if r.haveApp {
		return r.app
	}
	r.haveApp = true
	r.app = nil
	if r.s == nil || r.s.Len == 0 {
		return nil
	}
	c := r.tl.Conv(r.s)
	if c == nil || len(c.Segs) == 0 {
		return nil
	}
	ac, ok := r.apps[c.Index]
	if !ok {
		var err error
		switch {
		case r.src.App != nil:
			ac, err = r.src.App(c)
		case r.src.Payload != nil:
			ac, err = app.Analyze(r.tl, c, r.src.Payload)
		}
		if err != nil {
			r.fail(err)
			ac = nil
		}
		if r.apps == nil {
			r.apps = map[int]*app.Conv{}
		}
		r.apps[c.Index] = ac
	}
	if r.si >= int(c.Segs[len(c.Segs)-1]) && !r.keepApps {
		delete(r.apps, c.Index) // a walk in frame order is done with it
	}
	r.app = ac.Seg(r.si)
	return r.app
}

// appProto is a bare protocol name: the frame completes a message of p.
func appProto(name string, p app.Proto) *field {
	return &field{name: name, kind: kLabel, payload: true, has: func(r *row) bool {
		s := r.appSeg()
		if s == nil {
			return false
		}
		for i := range s.Messages {
			if s.Messages[i].Proto == p {
				return true
			}
		}
		return false
	}}
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
