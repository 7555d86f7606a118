package app_test

import (
	"net/netip"
	"testing"
	"unicode/utf8"

	"github.com/tcpstep/tcpstep/app"
	"github.com/tcpstep/tcpstep/model"
)

// fuzzPorts are the server ports fuzz input picks from: every parser's
// port, and one no parser has, so that the content alone decides.
var fuzzPorts = []uint16{80, 25, 21, 110, 143, 443, 22, 53, 40000}

// fuzzConv builds a two-direction conversation whose payloads are the
// fuzz bytes cut at fuzz-chosen points: a handshake, then one segment per
// piece, its direction chosen by the input.
type fuzzConv struct {
	tl       *model.Timeline
	payloads map[int][]byte
}

func buildFuzzConv(port uint16, data []byte) *fuzzConv {
	b := model.NewBuilder()
	fc := &fuzzConv{payloads: map[int][]byte{}}
	cli := model.Endpoint{Addr: netip.MustParseAddr("192.0.2.1"), Port: 40001}
	srv := model.Endpoint{Addr: netip.MustParseAddr("192.0.2.2"), Port: port}
	seq := [2]uint32{1000, 5000}
	n := 0
	add := func(d int, flags model.Flags, payload []byte) {
		p := model.Packet{Flags: flags, Len: uint32(len(payload)), Win: 65535, WinScale: -1}
		p.Src, p.Dst = cli, srv
		if d == 1 {
			p.Src, p.Dst = srv, cli
		}
		p.Seq, p.Ack = seq[d], seq[1-d]
		n++
		p.Frame = uint32(n)
		p.TimeNS = int64(n) * 1000
		b.AddPacket(model.Frame{TimeNS: p.TimeNS}, &p)
		fc.payloads[n-1] = payload
		seq[d] += uint32(len(payload))
		if flags&(model.SYN|model.FIN) != 0 {
			seq[d]++
		}
	}
	add(0, model.SYN, nil)
	add(1, model.SYN|model.ACK, nil)
	add(0, model.ACK, nil)
	// Each piece: a control byte (direction in bit 7, length in the rest)
	// and that many bytes.
	for len(data) > 0 && n < 200 {
		c := data[0]
		data = data[1:]
		l := min(int(c&0x7f)+1, len(data))
		add(int(c>>7), model.PSH|model.ACK, data[:l])
		data = data[l:]
	}
	add(0, model.FIN|model.ACK, nil)
	add(1, model.FIN|model.ACK, nil)
	fc.tl = b.Finish()
	return fc
}

func (fc *fuzzConv) payload(seg int) ([]byte, error) { return fc.payloads[seg], nil }

// printable reports whether s is safe on a terminal: valid UTF-8, no C0
// control, no DEL, no C1 control.
func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 {
			return false
		}
	}
	return true
}

// checkConv asserts what holds for any analysis: every string printable,
// every byte range inside its segment's payload.
func checkConv(t *testing.T, tl *model.Timeline, conv *app.Conv) {
	t.Helper()
	if !printable(conv.Server) {
		t.Errorf("server %q not printable", conv.Server)
	}
	for si, s := range conv.Segs {
		if si < 0 || si >= len(tl.Segments) {
			t.Fatalf("segment %d out of range", si)
		}
		plen := int(tl.Segments[si].Len)
		if !printable(s.Column) {
			t.Errorf("column %q not printable", s.Column)
		}
		for _, m := range s.Messages {
			if !printable(m.Summary) || !printable(m.Malformed) {
				t.Errorf("summary %q / malformed %q not printable", m.Summary, m.Malformed)
			}
			if m.Off < 0 || m.Len < 0 || m.Off+m.Len > plen {
				t.Errorf("segment %d (len %d): message %q at [%d,+%d)", si, plen, m.Summary, m.Off, m.Len)
			}
			for _, f := range m.Fields {
				if !printable(f.Value) || !printable(f.Label) {
					t.Errorf("field %s = %q not printable", f.Name, f.Value)
				}
				if f.Len < 0 || f.Len > 0 && (f.Off < 0 || f.Off+f.Len > plen) {
					t.Errorf("segment %d (len %d): field %s at [%d,+%d)", si, plen, f.Name, f.Off, f.Len)
				}
			}
		}
	}
}

// FuzzAnalyze feeds arbitrary bytes as a two-direction conversation on a
// fuzz-chosen port: no panic, everything printable, every range inside its
// segment.
func FuzzAnalyze(f *testing.F) {
	f.Add(uint8(0), []byte("\x0fGET / HTTP/1.1\r\n\x10Host: a\r\n\r\n\x80\x1fHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"))
	f.Add(uint8(1), []byte("\x80\x09220 hi\r\n\x0bEHLO x\r\n\x80\x08250 ok\r\n\x09DATA\r\n\x80\x06354 \r\n\x07a\r\n.\r\n"))
	f.Add(uint8(5), tlsSeed())
	f.Add(uint8(6), []byte("\x0aSSH-2.0-x\r\n\x80\x0aSSH-2.0-y\r\n\x0f\x00\x00\x00\x0c\x0a\x14abcdefghijk"))
	f.Add(uint8(7), []byte("\x1f\x00\x1d\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x07example\x03com\x00\x00\x01\x00\x01\x80\x0f\x00\x0e\x12\x34\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00\xc0\x0c"))
	f.Fuzz(func(t *testing.T, port uint8, data []byte) {
		fc := buildFuzzConv(fuzzPorts[int(port)%len(fuzzPorts)], data)
		for _, c := range fc.tl.Conversations {
			conv, err := app.Analyze(fc.tl, c, fc.payload)
			if err != nil {
				t.Fatal(err)
			}
			checkConv(t, fc.tl, conv)
		}
	})
}

// FuzzSniff: any first bytes, any ports: no panic, a printable name.
func FuzzSniff(f *testing.F) {
	f.Add([]byte("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"), []byte(nil), uint16(40000), uint16(80))
	f.Add(tlsSeed()[1:], []byte("\x16\x03\x03"), uint16(40000), uint16(443))
	f.Add([]byte("EHLO x\r\n"), []byte("220 mail ESMTP\r\n"), uint16(40000), uint16(2525))
	f.Fuzz(func(t *testing.T, client, server []byte, cport, sport uint16) {
		h := app.Sniff(client, server, cport, sport)
		if !printable(h.Server) || len(h.Server) > 4*255 {
			t.Errorf("server %q", h.Server)
		}
	})
}

// tlsSeed is a piece-framed ClientHello with SNI and ALPN.
func tlsSeed() []byte {
	sni := []byte("example.com")
	ext := []byte{0, 0, 0, byte(len(sni) + 5), 0, byte(len(sni) + 3), 0, 0, byte(len(sni))}
	ext = append(ext, sni...)
	ext = append(ext, 0, 16, 0, 5, 0, 3, 2, 'h', '2')
	body := []byte{3, 3}
	body = append(body, make([]byte, 32)...)
	body = append(body, 0, 0, 2, 0x13, 0x01, 1, 0, 0, byte(len(ext)))
	body = append(body, ext...)
	hs := append([]byte{1, 0, 0, byte(len(body))}, body...)
	rec := append([]byte{22, 3, 1, 0, byte(len(hs))}, hs...)
	return append([]byte{byte(len(rec) - 1)}, rec...)
}
