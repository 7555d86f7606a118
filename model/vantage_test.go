package model_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tcpstep/tcpstep/internal/testshared"
	"github.com/tcpstep/tcpstep/model"
)

// vpShared decodes a capture of ../shared/captures.
func vpShared(t *testing.T, name string) *model.Timeline {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testshared.Dir(t), "captures", name))
	if err != nil {
		t.Fatal(err)
	}
	return loadCapture(t, name, b)
}

// vpCase is one conversation's expected vantage, with the gaps read off
// tshark's frame times (frame.time_relative of the SYN, SYN,ACK and ACK).
type vpCase struct {
	stream       int
	kind         model.VantageKind
	gap1, gap2   time.Duration // 0: not checked
	syn, sa, ack uint32
}

func vpCheck(t *testing.T, name string, tl *model.Timeline, cases []vpCase) {
	t.Helper()
	for _, c := range cases {
		v := model.VantageOf(tl, c.stream)
		if v.Kind != c.kind {
			t.Errorf("%s stream %d: %s (%s), want %s", name, c.stream, v.Kind, v.Numbers(), c.kind)
		}
		if c.syn != 0 && (v.SynFrame != c.syn || v.SynAckFrame != c.sa || v.AckFrame != c.ack) {
			t.Errorf("%s stream %d: frames %d %d %d, want %d %d %d", name, c.stream, v.SynFrame, v.SynAckFrame, v.AckFrame, c.syn, c.sa, c.ack)
		}
		if c.gap1 != 0 && (v.SynToSynAck != c.gap1 || v.SynAckToAck != c.gap2) {
			t.Errorf("%s stream %d: gaps %v %v, want %v %v", name, c.stream, v.SynToSynAck, v.SynAckToAck, c.gap1, c.gap2)
		}
	}
}

const us = time.Microsecond

func TestVantageSamples(t *testing.T) {
	// smtp-figure10 was captured at the mail server (the paper's Figure
	// 10): the SYN,ACK leaves 90 µs after the SYN, the client's ACK comes
	// 31.4 ms later.
	tl := nsSample(t, "smtp-figure10")
	vpCheck(t, "smtp-figure10", tl, []vpCase{{0, model.VantageServer, 90 * us, 31400 * us, 1, 2, 3}})
	v := model.VantageOf(tl, 0)
	if want := "States as seen from near the server: SYN → SYN,ACK 90.0 µs, SYN,ACK → ACK 31.4 ms."; v.Sentence() != want {
		t.Errorf("sentence %q\nwant %q", v.Sentence(), want)
	}
	vpCheck(t, "http-close", nsSample(t, "http-close"), []vpCase{{0, model.VantageClient, 24200 * us, 60 * us, 1, 2, 3}})
	// 310 µs against 60 µs: 5.2×, over the 4× threshold.
	isn := nsSample(t, "isn-prediction")
	for i := range isn.Conversations {
		vpCheck(t, "isn-prediction", isn, []vpCase{{stream: i, kind: model.VantageClient}})
	}
	vpCheck(t, "refused", nsSample(t, "refused"), []vpCase{{stream: 0, kind: model.VantageUnknown}})
	vpCheck(t, "mid-connection", nsSample(t, "mid-connection"), []vpCase{{stream: 0, kind: model.VantageUnknown}})
	// Two clients, four connections each: near neither host more than the
	// other, but near the client every time.
	if p := model.CaptureVantage(isn); p.Kind != model.VantageClient || p.Host.IsValid() || p.Agree != 8 || p.Judged != 8 {
		t.Errorf("isn-prediction capture: %+v", p)
	}
	if p := model.CaptureVantage(tl); p.String() != "near 192.0.2.25 (1 of 1 conversations with a handshake agree)" {
		t.Errorf("smtp-figure10 capture: %q", p)
	}
	if s := model.VantageOf(nsSample(t, "refused"), 0).Sentence(); s != "States as seen from an unknown vantage point: no complete handshake (SYN, SYN,ACK, ACK) in the capture." {
		t.Errorf("refused sentence %q", s)
	}
	if v := model.VantageOf(tl, 7); v.Kind != model.VantageUnknown {
		t.Errorf("stream out of range: %v", v.Kind)
	}
}

// Loopback: both ends are the same host, and both gaps are microseconds
// (multi.tsv: 17 µs and 15 µs for stream 0).
func TestVantageLoopback(t *testing.T) {
	tl := nsLoopback(t, "multi.pcap")
	vpCheck(t, "multi", tl, []vpCase{
		{0, model.VantageSameHost, 17 * us, 15 * us, 1, 2, 3},
		{stream: 1, kind: model.VantageSameHost},
		{stream: 2, kind: model.VantageSameHost},
	})
	if v := model.VantageOf(tl, 0); !v.Short {
		t.Error("loopback gaps not reported short")
	}
}

// Real captures; gaps from their expected/*.tsv time column.
func TestVantageRealCaptures(t *testing.T) {
	// zeek_smtp: the mail client's own capture (frames 3, 4, 5 at
	// 0.036986, 0.383936, 0.383968 s).
	vpCheck(t, "zeek_smtp", vpShared(t, "zeek_smtp.pcap"), []vpCase{
		{0, model.VantageClient, 346950 * us, 32 * us, 3, 4, 5},
	})
	// zeek_ftp-ipv6: taken at the FTP client. Its control and passive data
	// connections (streams 0-3) are near their client; the two active-mode
	// data connections (4, 5), opened by the server's host, are near their
	// server, which is the same FTP client host.
	ftp := vpShared(t, "zeek_ftp-ipv6.pcap")
	vpCheck(t, "zeek_ftp-ipv6", ftp, []vpCase{
		{0, model.VantageClient, 106877 * us, 137 * us, 1, 2, 3},
		{stream: 1, kind: model.VantageClient},
		{stream: 2, kind: model.VantageClient},
		{stream: 3, kind: model.VantageClient},
		{stream: 4, kind: model.VantageServer},
		{stream: 5, kind: model.VantageServer},
	})
	// All six are near the FTP client's host.
	if p := model.CaptureVantage(ftp); p.Kind != model.VantageClient || p.Agree != 6 || p.Judged != 6 ||
		p.Host.String() != "2001:470:1f11:81f:c999:d94:aa7c:2e3e" {
		t.Errorf("zeek_ftp-ipv6 capture: %+v", p)
	}
	// tcpdump_bgp-4byte-asn: routers on one virtual network, 58 µs and
	// 46 µs: between, and both short.
	bgp := vpShared(t, "tcpdump_bgp-4byte-asn.pcap")
	vpCheck(t, "bgp", bgp, []vpCase{{0, model.VantageBetween, 58 * us, 46 * us, 3, 4, 5}})
	if v := model.VantageOf(bgp, 0); !v.Short {
		t.Error("bgp: gaps not reported short")
	}
	// zeek_ipv6-http-atomic-frag: at the server (16 µs, 11.7 ms).
	vpCheck(t, "atomic-frag", vpShared(t, "zeek_ipv6-http-atomic-frag.pcap"), []vpCase{{stream: 1, kind: model.VantageServer}})
}
