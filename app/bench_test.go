package app_test

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/app"
	"github.com/tcpstep/tcpstep/model"
)

// BenchmarkSniff is the index-time cost per conversation: Sniff runs on the
// first payload of each direction of every conversation.
func BenchmarkSniff(b *testing.B) {
	cases := []struct {
		name           string
		client, server []byte
		port           uint16
	}{
		{"tls-clienthello", tlsSeed()[1:], nil, 443},
		{"http-get", []byte("GET /index.html HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: curl/8\r\nAccept: */*\r\n\r\n"), nil, 80},
		{"smtp", []byte("EHLO client.example\r\n"), []byte("220 mail.example ESMTP\r\n"), 25},
		{"unknown", []byte("\x00\x01\x02binary protocol"), []byte("\x05\x06"), 40000},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				app.Sniff(c.client, c.server, 40001, c.port)
			}
		})
	}
}

// benchConv builds one conversation of n HTTP keep-alive exchanges, each
// request in one segment and each 4000-byte response in three, and
// returns it with its payload getter.
func benchConv(n int) (*model.Timeline, model.PayloadFunc) {
	bld := model.NewBuilder()
	payloads := map[int][]byte{}
	cli := model.Endpoint{Addr: netip.MustParseAddr("192.0.2.1"), Port: 40001}
	srv := model.Endpoint{Addr: netip.MustParseAddr("192.0.2.2"), Port: 80}
	seq := [2]uint32{1000, 5000}
	k := 0
	add := func(d int, flags model.Flags, p []byte) {
		pk := model.Packet{Flags: flags, Len: uint32(len(p)), Win: 65535, WinScale: -1, Src: cli, Dst: srv}
		if d == 1 {
			pk.Src, pk.Dst = srv, cli
		}
		pk.Seq, pk.Ack = seq[d], seq[1-d]
		k++
		pk.Frame, pk.TimeNS = uint32(k), int64(k)*1000
		bld.AddPacket(model.Frame{TimeNS: pk.TimeNS}, &pk)
		payloads[k-1] = p
		seq[d] += uint32(len(p))
		if flags&(model.SYN|model.FIN) != 0 {
			seq[d]++
		}
	}
	add(0, model.SYN, nil)
	add(1, model.SYN|model.ACK, nil)
	add(0, model.ACK, nil)
	body := strings.Repeat("x", 4000)
	for i := range n {
		add(0, model.PSH|model.ACK, fmt.Appendf(nil, "GET /item/%d HTTP/1.1\r\nHost: bench.example\r\nAccept: */*\r\n\r\n", i))
		resp := fmt.Appendf(nil, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
		third := len(resp) / 3
		add(1, model.ACK, resp[:third])
		add(1, model.ACK, resp[third:2*third])
		add(1, model.PSH|model.ACK, resp[2*third:])
	}
	tl := bld.Finish()
	return tl, func(seg int) ([]byte, error) { return payloads[seg], nil }
}

// BenchmarkAnalyze is the cost of naming the conversation on screen: 5000
// exchanges, 20000 data segments, 20 MB.
func BenchmarkAnalyze(b *testing.B) {
	tl, payload := benchConv(5000)
	c := tl.Conversations[0]
	b.ReportAllocs()
	for b.Loop() {
		conv, err := app.Analyze(tl, c, payload)
		if err != nil || len(conv.Segs) != 20000 {
			b.Fatalf("%v, %d segments", err, len(conv.Segs))
		}
	}
}
