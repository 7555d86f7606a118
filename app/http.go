package app

import (
	"bufio"
	"bytes"
	"fmt"
	"net/textproto"
	"strconv"
	"strings"

	"github.com/tcpstep/tcpstep/model"
)

// maxHead bounds an HTTP message head (start line and header fields): a
// head longer than this without its blank line is taken as it is and
// marked malformed.
const maxHead = 64 << 10

// Body framing of an HTTP message (RFC 9112 section 6).
const (
	bodyNone    = iota // no body
	bodyLength         // Content-Length bytes
	bodyChunked        // chunked transfer coding
	bodyClose          // the rest of the stream (a response without a length)
	bodyTunnel         // after 101 or a CONNECT's 2xx: not HTTP any more
)

// httpParser reads HTTP/1.x requests and responses. Like tshark (with its
// default of reassembling bodies) it names a message on the segment that
// carries its last byte, the body included; the body is counted, not
// decoded. Bodies are consumed as they come, so a large one does not wait
// in memory.
type httpParser struct {
	dirs [2]httpDir
	// methods are the requests' methods not yet answered: a response to
	// HEAD has no body, a 2xx to CONNECT starts a tunnel.
	methods []string
	// seen says a message head was read in the conversation.
	seen bool
}

// httpDir is one direction's message in progress.
type httpDir struct {
	msg *pdu // the head's message, once the head is read
	// done counts the message's bytes already consumed (returned without
	// a message): the fields' offsets are shifted by it at the end.
	done  int
	body  bodyReader
	lost  bool // after a gap: skip to the next start line
	tunel bool // the connection is no longer HTTP
}

func newHTTPParser() *httpParser { return &httpParser{} }

func (hp *httpParser) gap(d model.Dir) {
	hd := &hp.dirs[d&1]
	tun := hd.tunel
	*hd = httpDir{lost: true, tunel: tun}
}

// startLine reports whether b starts like a request or a status line.
func startLine(b []byte) bool {
	return isHTTPRequest(b) || bytes.HasPrefix(b, []byte("HTTP/"))
}

func (hp *httpParser) next(d model.Dir, b []byte, eof bool) (int, *pdu) {
	hd := &hp.dirs[d&1]
	if hd.tunel {
		return len(b), nil
	}
	base := 0
	if hd.msg == nil {
		if !startLine(b) {
			switch {
			case !eof && len(b) < 8 && startPrefix(b):
				return 0, nil // the start of a start line, maybe
			case hd.lost:
				// After a gap, not a message start: skip to the next line.
				if i := bytes.IndexByte(b, '\n'); i >= 0 {
					return i + 1, nil
				}
				return len(b), nil
			}
			// Bytes where a message should start: the rest of a message
			// whose start was not captured, an HTTP/0.9 response, or not
			// HTTP at all. tshark calls them "Continuation" once the
			// conversation has shown an HTTP message, and leaves them TCP
			// before.
			m := &pdu{msg: Message{Proto: HTTP, Summary: fmt.Sprintf("Continuation (%d bytes)", len(b))}}
			if !hp.seen {
				m.column = "TCP"
			}
			return len(b), m
		}
		hd.lost = false
		end := headEnd(b)
		if end < 0 {
			switch {
			case len(b) >= maxHead:
				return len(b), &pdu{msg: Message{Proto: HTTP, Summary: "HTTP head longer than 64 KiB", Malformed: "message head without its blank line in 64 KiB"}}
			case eof:
				// Cut short: tshark leaves it a TCP segment of a PDU it
				// never completed.
				return len(b), &pdu{column: "TCP", msg: Message{Proto: HTTP, Summary: fmt.Sprintf("HTTP head cut short (%d bytes)", len(b)), Malformed: "message head cut short"}}
			}
			return 0, nil
		}
		m, body := hp.head(d, b[:end])
		hp.seen = true
		hd.msg, hd.done, hd.body = m, 0, body
		base = end
		if body.mode == bodyTunnel {
			hd.tunel = true
			hp.dirs[(d+1)&1].tunel = true
			*hd = httpDir{tunel: true}
			return end, m
		}
	}
	// The body: run the reader over what is there; when the message does
	// not end in it, consume all but the last byte, so that the message is
	// still there to be named when its last byte comes (or the stream
	// ends).
	r := hd.body
	used, fin := r.read(b[base:])
	if fin || eof {
		m := hd.msg
		n := base + used
		if !fin {
			n = len(b)
			if r.mode != bodyClose {
				// tshark never completes such a message and leaves its
				// segments TCP; tcpstep names what it read.
				m.msg.Malformed = "body cut short"
				m.column = "TCP"
			}
		}
		hp.finish(m, r.count, hd.done)
		*hd = httpDir{}
		return n, m
	}
	keep := len(b) - 1
	if keep <= base {
		if base == 0 {
			return 0, nil
		}
		hd.done += base
		return base, nil
	}
	r = hd.body
	used, _ = r.read(b[base:keep])
	hd.body = r
	hd.done += base + used
	return base + used, nil
}

// finish completes a message: the body's size in its summary and fields,
// the fields' offsets counted from the bytes the last call returns.
func (hp *httpParser) finish(m *pdu, body int64, done int) {
	if body > 0 {
		m.msg.Fields = append(m.msg.Fields, Field{Label: "Body", Value: fmt.Sprintf("%d bytes", body)})
	}
	for i := range m.msg.Fields {
		if m.msg.Fields[i].Len > 0 {
			m.msg.Fields[i].Off -= done
		}
	}
	if body == 0 && m.column == "HTTP/JSON" {
		m.column = ""
	}
}

// startPrefix reports whether b could be the beginning of a start line.
func startPrefix(b []byte) bool {
	if bytes.HasPrefix([]byte("HTTP/"), b) {
		return true
	}
	for _, m := range httpMethods {
		if bytes.HasPrefix([]byte(m+" "), b) {
			return true
		}
	}
	return false
}

// headEnd returns the length of the head at the start of b with its blank
// line, or -1.
func headEnd(b []byte) int {
	lim := b[:min(len(b), maxHead)]
	for i := 0; i < len(lim); i++ {
		if lim[i] != '\n' {
			continue
		}
		if i+1 < len(lim) && lim[i+1] == '\n' {
			return i + 2
		}
		if i+2 < len(lim) && lim[i+1] == '\r' && lim[i+2] == '\n' {
			return i + 3
		}
	}
	return -1
}

// head reads a message head. The start line is split by hand (its parts'
// offsets are fields); the header fields are read by net/textproto, whose
// reader handles continuation lines and canonical names and which, over a
// head already bounded to maxHead, cannot be made to read further.
// net/http.ReadRequest is stricter than tshark (it refuses odd methods and
// targets a capture may hold), so it is not used.
func (hp *httpParser) head(d model.Dir, h []byte) (*pdu, bodyReader) {
	m := &pdu{msg: Message{Proto: HTTP}}
	first := h
	if i := bytes.IndexByte(h, '\n'); i >= 0 {
		first = h[:i]
	}
	first = bytes.TrimRight(first, "\r")
	parts := bytes.SplitN(first, []byte(" "), 3)
	for len(parts) < 3 {
		parts = append(parts, nil)
	}
	off := [3]int{0, len(parts[0]) + 1, len(parts[0]) + len(parts[1]) + 2}
	add := func(name, label string, i int) string {
		v := model.Visible(string(parts[i]))
		if len(parts[i]) > 0 {
			m.msg.Fields = append(m.msg.Fields, Field{Name: name, Label: label, Value: v, Off: off[i], Len: len(parts[i])})
		}
		return v
	}
	response := bytes.HasPrefix(first, []byte("HTTP/"))
	var code int
	method := ""
	if response {
		add("http.response.version", "Version", 0)
		c := add("http.response.code", "Status code", 1)
		add("http.response.phrase", "Reason phrase", 2)
		code, _ = strconv.Atoi(c)
		if len(parts[1]) != 3 || code < 100 {
			m.msg.Malformed = "status line without a three-digit code"
		}
		m.msg.Summary = model.Visible(string(first))
	} else {
		method = add("http.request.method", "Method", 0)
		add("http.request.uri", "Target", 1)
		add("http.request.version", "Version", 2)
		// A request line without a version is HTTP/0.9's: tshark takes
		// it, and so does tcpstep.
		m.msg.Summary = model.Visible(string(first))
	}

	tp := textproto.NewReader(bufio.NewReader(bytes.NewReader(h[len(first):])))
	tp.ReadLine() // the rest of the start line: its line end
	hdr, err := tp.ReadMIMEHeader()
	if err != nil && m.msg.Malformed == "" {
		m.msg.Malformed = "header fields: " + model.Visible(err.Error())
	}
	field := func(name, fname, label string) string {
		v := hdr.Get(name)
		if v == "" {
			return ""
		}
		o, l := headerValue(h, name)
		v = visibleName([]byte(v))
		m.msg.Fields = append(m.msg.Fields, Field{Name: fname, Label: label, Value: v, Off: o, Len: l})
		return v
	}
	field("Host", "http.host", "Host")
	cl := field("Content-Length", "http.content_length", "Content-Length")
	te := field("Transfer-Encoding", "http.transfer_encoding", "Transfer-Encoding")
	ct := hdr.Get("Content-Type")
	if mt, _, _ := strings.Cut(ct, ";"); mt != "" {
		mt = strings.ToLower(strings.TrimSpace(mt))
		m.msg.Summary += " (" + visibleName([]byte(mt)) + ")"
		if mt == "application/json" || strings.HasSuffix(mt, "+json") {
			m.column = "HTTP/JSON"
		}
	}

	var body bodyReader
	switch {
	case response:
		req := "GET"
		if len(hp.methods) > 0 && code >= 200 {
			req, hp.methods = hp.methods[0], hp.methods[1:]
		}
		switch {
		case code == 101 || req == "CONNECT" && code/100 == 2:
			return m, bodyReader{mode: bodyTunnel}
		case req == "HEAD" || code/100 == 1 || code == 204 || code == 304:
			return m, bodyReader{}
		}
	default:
		hp.methods = append(hp.methods, method)
		if len(hp.methods) > 64 {
			hp.methods = hp.methods[1:]
		}
	}
	switch {
	case te != "" && strings.Contains(strings.ToLower(te), "chunked"):
		body.mode = bodyChunked
	case cl != "":
		n, err := strconv.ParseInt(strings.TrimSpace(cl), 10, 64)
		if err != nil || n < 0 {
			if m.msg.Malformed == "" {
				m.msg.Malformed = "Content-Length is not a number"
			}
		} else if n > 0 {
			body.mode, body.left = bodyLength, n
		}
	case response:
		body.mode = bodyClose
	}
	return m, body
}

// headerValue returns the offset and length of the first value of header
// field name in head h, or 0, 0.
func headerValue(h []byte, name string) (int, int) {
	off := 0
	for len(h) > 0 {
		i := bytes.IndexByte(h, '\n')
		l := h
		if i >= 0 {
			l = h[:i]
		}
		if c := bytes.IndexByte(l, ':'); c > 0 && strings.EqualFold(string(bytes.TrimSpace(l[:c])), name) {
			v := bytes.TrimRight(l[c+1:], "\r")
			lead := len(v) - len(bytes.TrimLeft(v, " \t"))
			v = bytes.TrimSpace(v)
			return off + c + 1 + lead, len(v)
		}
		if i < 0 {
			break
		}
		off += i + 1
		h = h[i+1:]
	}
	return 0, 0
}

// bodyReader follows a body's framing over the bytes given to it.
type bodyReader struct {
	mode  int
	left  int64 // bytes left in the body (bodyLength) or the chunk's data and CRLF
	count int64 // body bytes seen
	// chunked: 0 reading a size line, 1 in a chunk's data, 2 in trailers
	state int
}

// maxChunkLine bounds a chunk-size or trailer line.
const maxChunkLine = 4096

// read consumes body bytes from b: how many it took and whether the body
// ended in them.
func (r *bodyReader) read(b []byte) (int, bool) {
	switch r.mode {
	case bodyNone, bodyTunnel:
		return 0, true
	case bodyLength:
		n := min(int64(len(b)), r.left)
		r.left -= n
		r.count += n
		return int(n), r.left == 0
	case bodyClose:
		r.count += int64(len(b))
		return len(b), false
	}
	i := 0
	for i < len(b) {
		switch r.state {
		case 1:
			n := min(int64(len(b)-i), r.left)
			r.left -= n
			i += int(n)
			if r.left == 0 {
				r.state = 0
			}
		case 0, 2:
			j := bytes.IndexByte(b[i:], '\n')
			if j < 0 {
				if len(b)-i > maxChunkLine {
					// A size line that never ends: take the rest as the
					// body, as a stream cut short would be.
					r.mode = bodyClose
					r.count += int64(len(b) - i)
					return len(b), false
				}
				return i, false // wait for the line's end
			}
			ln := b[i : i+j]
			i += j + 1
			if r.state == 2 {
				if len(bytes.TrimRight(ln, "\r")) == 0 {
					return i, true
				}
				continue
			}
			if j > maxChunkLine {
				r.mode = bodyClose
				r.count += int64(len(b) - i)
				return len(b), false
			}
			sz := bytes.TrimSpace(ln)
			if k := bytes.IndexByte(sz, ';'); k >= 0 {
				sz = bytes.TrimSpace(sz[:k])
			}
			n, err := strconv.ParseInt(string(sz), 16, 64)
			if err != nil || n < 0 || n > 1<<40 {
				// Not a chunk size: the rest is taken as the body.
				r.mode = bodyClose
				r.count += int64(len(b) - i)
				return len(b), false
			}
			if n == 0 {
				r.state = 2
				continue
			}
			r.count += n
			r.left = n + 2 // its data and CRLF
			r.state = 1
		}
	}
	return i, false
}
