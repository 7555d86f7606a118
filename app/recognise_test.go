package app_test

import (
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/app"
	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/internal/testsample"
)

// pieces frames payloads for buildFuzzConv: "c:" from the client, "s:"
// from the server.
func pieces(ps ...string) []byte {
	var out []byte
	for _, p := range ps {
		d, body := p[0], p[2:]
		for len(body) > 0 {
			n := min(len(body), 128)
			c := byte(n - 1)
			if d == 's' {
				c |= 0x80
			}
			out = append(out, c)
			out = append(out, body[:n]...)
			body = body[n:]
		}
	}
	return out
}

func analyzePieces(t *testing.T, port uint16, ps ...string) (*app.Conv, []string) {
	t.Helper()
	fc := buildFuzzConv(port, pieces(ps...))
	conv, err := app.Analyze(fc.tl, fc.tl.Conversations[0], fc.payload)
	if err != nil {
		t.Fatal(err)
	}
	checkConv(t, fc.tl, conv)
	var out []string
	for i := range fc.tl.Segments {
		if s := conv.Seg(i); s != nil {
			line := s.Column + " " + s.Summary()
			for _, m := range s.Messages {
				if m.Malformed != "" {
					line += " [" + m.Malformed + "]"
				}
			}
			out = append(out, line)
		}
	}
	return conv, out
}

func TestSniffNamesTheServerFromSNI(t *testing.T) {
	h := app.Sniff(tlsSeed()[1:], nil, 40000, 8443)
	if h.Proto != app.TLS || h.Server != "example.com" {
		t.Fatalf("Sniff = %+v, want TLS example.com", h)
	}
	// Content first: SMTP on 2525, HTTP on 25.
	if h := app.Sniff([]byte("EHLO x\r\n"), []byte("220 hi\r\n"), 40000, 2525); h.Proto != app.SMTP {
		t.Errorf("SMTP on 2525: %v", h.Proto)
	}
	if h := app.Sniff([]byte("GET / HTTP/1.1\r\nHost: a\x1bb\r\n\r\n"), nil, 40000, 25); h.Proto != app.HTTP || h.Server != "a␛b" {
		t.Errorf("HTTP on 25: %+v", h)
	}
}

// An HTTP head split over five segments is named on the fifth; a chunked
// body whose size lines are split is counted.
func TestHTTPSplitHeadAndChunkedBody(t *testing.T) {
	_, got := analyzePieces(t, 8080,
		"c:GET /a HT", "c:TP/1.1\r\nHo", "c:st: split.exa", "c:mple\r\n", "c:\r\n",
		"s:HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1", "s:0\r\n0123456789abcdef\r\n", "s:0\r\n\r\n")
	want := []string{"TCP ", "TCP ", "TCP ", "TCP ", "HTTP GET /a HTTP/1.1", "TCP ", "TCP ", "HTTP HTTP/1.1 200 OK"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}

// A DNS name whose compression pointer points at itself ends, malformed.
func TestDNSPointerLoop(t *testing.T) {
	msg := "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00" + "\x03abc\xc0\x10" + "\x00\x01\x00\x01"
	_, got := analyzePieces(t, 53, "c:\x00"+string(rune(len(msg)))+msg)
	if len(got) != 1 || !strings.Contains(got[0], "too many compression pointers") {
		t.Errorf("got %q", got)
	}
}

// TLS: a ClientHello split across two records and three segments is named
// on the segment completing it, with its SNI; a record whose length lies
// is malformed, never a wait for ever.
func TestTLSHandshakeAcrossRecords(t *testing.T) {
	rec := tlsSeed()[1:]
	hs := rec[5:]
	r1 := append([]byte{22, 3, 1, 0, 20}, hs[:20]...)
	r2 := append([]byte{22, 3, 1, 0, byte(len(hs) - 20)}, hs[20:]...)
	both := string(r1) + string(r2)
	conv, got := analyzePieces(t, 443, "c:"+both[:10], "c:"+both[10:40], "c:"+both[40:], "s:\x16\x03\x03\xff\xff")
	want := []string{"TCP ", "TLSv1 Handshake fragment", "TLSv1 Client Hello SNI example.com ALPN h2", "TLSv1.2 Handshake record of 65535 bytes, too long"}
	if conv.Server != "example.com" || strings.Join(got, "|") != strings.Join(want, "|")+" [record length 65535 is more than TLS allows (18432)]" {
		t.Errorf("server %q, got\n%q", conv.Server, got)
	}
}

// TestSniffLongClientHello: the index hands Sniff at most 512 bytes of a
// conversation's first payload; curl's ClientHello is 517, and its SNI,
// the first extension, is still read from the whole extensions before
// the cut.
func TestSniffLongClientHello(t *testing.T) {
	in, err := decode.Open("../testdata/app/tls13.pcap")
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	tl, err := in.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := in.Payload(tl, testsample.Seg(t, tl, 23))
	if err != nil || len(p) != 517 {
		t.Fatalf("frame 23's payload: %d bytes, %v", len(p), err)
	}
	for _, n := range []int{517, 512, 100} {
		want := "example.com"
		if n == 100 {
			want = "" // cut before the extensions
		}
		if h := app.Sniff(p[:n], nil, 42950, 443); h.Proto != app.TLS || h.Server != want {
			t.Errorf("Sniff(first %d bytes) = %+v, want TLS %q", n, h, want)
		}
	}
}
