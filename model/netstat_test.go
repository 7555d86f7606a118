package model_test

import (
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/internal/testshared"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/samples"
)

// nsSample decodes an embedded sample.
func nsSample(t *testing.T, name string) *model.Timeline {
	t.Helper()
	b, err := samples.Bytes(name)
	if err != nil {
		t.Fatal(err)
	}
	return loadCapture(t, "sample:"+name, b)
}

// nsLoopback decodes one of the real captures in ../testdata/loopback.
func nsLoopback(t *testing.T, name string) *model.Timeline {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "loopback", name))
	if err != nil {
		t.Fatal(err)
	}
	return loadCapture(t, name, b)
}

// nsWant is one host's expected lines at a step: the connection's state
// (CLOSED: no connection line) and Send-Q, and whether a listener shows.
type nsWant struct {
	n              int
	cState, sState model.State
	cSendQ, sSendQ uint32
	sListen        bool
}

func nsCheck(t *testing.T, tl *model.Timeline, stream int, wants []nsWant) {
	t.Helper()
	for _, w := range wants {
		v, err := model.Netstat(tl, stream, w.n)
		if err != nil {
			t.Fatalf("step %d: %v", w.n, err)
		}
		check := func(who string, h model.NetstatHost, st model.State, q uint32, listen bool) {
			t.Helper()
			var conn *model.SocketLine
			gotListen := false
			for i := range h.Lines {
				l := &h.Lines[i]
				if l.Wildcard {
					gotListen = true
					if l.State != model.Listen || l.SendQ != 0 || l.RecvQ != 0 {
						t.Errorf("step %d %s: listener %+v", w.n, who, *l)
					}
					continue
				}
				conn = l
			}
			if gotListen != listen {
				t.Errorf("step %d %s: listener shown %v, want %v", w.n, who, gotListen, listen)
			}
			if st == model.Closed || st == model.Listen {
				if conn != nil {
					t.Errorf("step %d %s: connection line %+v, want none (%s)", w.n, who, *conn, st)
				}
				return
			}
			if conn == nil {
				t.Errorf("step %d %s: no connection line, want %s", w.n, who, st)
				return
			}
			if conn.State != st || conn.SendQ != q || conn.RecvQ != 0 {
				t.Errorf("step %d %s: %s Send-Q %d, want %s Send-Q %d", w.n, who, conn.State, conn.SendQ, st, q)
			}
		}
		check("client", v.Client, w.cState, w.cSendQ, false)
		check("server", v.Server, w.sState, w.sSendQ, w.sListen)
	}
}

// The expectations below are worked out by hand from the samples' ladders
// (tcpstep dump --format text): Send-Q is the sender's SEQ+LEN (+1 for SYN
// and FIN) minus the last ACK number its peer sent, except that a side whose
// state still waits for the ACK of its SYN or FIN keeps that one queued.
func TestNetstatSMTPFigure10(t *testing.T) {
	tl := nsSample(t, "smtp-figure10")
	E, C := model.Established, model.Closed
	nsCheck(t, tl, 0, []nsWant{
		{0, C, model.Listen, 0, 0, true},
		// The SYN counts one, as in ss's "SYN-SENT 0 1"; it reaches the
		// listener on its row: a request socket, Linux's "SYN-RECV 0 0".
		{1, model.SynSent, model.SynReceived, 1, 0, true},
		{2, E, model.SynReceived, 0, 0, true}, // the SYN,ACK acknowledges the SYN
		{3, E, E, 0, 0, true},
		{4, E, E, 0, 93, true}, // the greeting, sent, not yet acknowledged
		{5, E, E, 0, 0, true},
		{6, E, E, 5, 0, true},   // "help\n"
		{7, E, E, 0, 440, true}, // the reply acknowledges it
		{25, E, E, 0, 50, true},
		{26, model.CloseWait, model.FinWait1, 0, 51, true}, // 50 bytes and the FIN
		{27, model.CloseWait, model.FinWait2, 0, 0, true},
		{28, model.LastAck, model.TimeWait, 1, 0, true},
		{29, C, C, 0, 0, true}, // the RST: both sockets gone, the listener stays
	})
	v, _ := model.Netstat(tl, 0, 4)
	got := model.FormatNetstat(v.Server.Lines[1])
	want := "tcp        0     93 192.0.2.25:25           198.51.100.77:1042      ESTABLISHED"
	if got != want {
		t.Errorf("netstat line\n got %q\nwant %q", got, want)
	}
	if l := model.FormatNetstat(v.Server.Lines[0]); !strings.HasPrefix(l, "tcp        0      0 0.0.0.0:25              0.0.0.0:*               LISTEN") {
		t.Errorf("listener line %q", l)
	}
	if l := model.FormatSS(v.Server.Lines[1]); !strings.HasPrefix(l, "ESTAB      0      93     192.0.2.25:25") || !strings.HasSuffix(l, "198.51.100.77:1042") {
		t.Errorf("ss line %q", l)
	}
}

func TestNetstatHTTPCloseTimeWait(t *testing.T) {
	tl := nsSample(t, "http-close")
	E := model.Established
	nsCheck(t, tl, 0, []nsWant{
		{4, E, E, 87, 0, true},
		{5, E, E, 0, 1448, true},
		{6, E, E, 0, 2015, true},
		{7, E, E, 0, 0, true},
		{8, model.FinWait1, model.CloseWait, 1, 0, true},
		{9, model.FinWait2, model.CloseWait, 0, 0, true},
		{10, model.TimeWait, model.LastAck, 0, 1, true},
		// The client sits in TIME_WAIT (queues 0 there); the server's
		// LAST_ACK ended with the ACK: its line is gone, the listener stays.
		{11, model.TimeWait, model.Closed, 0, 0, true},
	})
	v, _ := model.Netstat(tl, 0, 11)
	if got := model.SSState(v.Client.Lines[0].State); got != "TIME-WAIT" {
		t.Errorf("ss state %q", got)
	}
	if got := model.NetstatState(v.Client.Lines[0].State); got != "TIME_WAIT" {
		t.Errorf("netstat state %q", got)
	}
}

func TestNetstatRefusedNeverEstablished(t *testing.T) {
	tl := nsSample(t, "refused")
	c := tl.Conversations[0]
	for n := 0; n <= len(c.Segs); n++ {
		v, err := model.Netstat(tl, 0, n)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range []model.NetstatHost{v.Client, v.Server} {
			for _, l := range h.Lines {
				if l.State == model.Established || l.State == model.Listen {
					t.Errorf("step %d: %s line %+v", n, h.Addr, l)
				}
			}
		}
		if len(v.Server.Lines) != 0 {
			t.Errorf("step %d: refusing server shows %+v", n, v.Server.Lines)
		}
	}
	nsCheck(t, tl, 0, []nsWant{
		{0, model.Closed, model.Closed, 0, 0, false},
		{1, model.SynSent, model.Closed, 1, 0, false},
		{2, model.Closed, model.Closed, 0, 0, false},
	})
}

func TestNetstatSimultaneousClose(t *testing.T) {
	tl := nsSample(t, "simultaneous-close")
	nsCheck(t, tl, 0, []nsWant{
		{7, model.FinWait1, model.Established, 1, 0, true},
		// Each FIN left before the other arrived: both CLOSING (RFC 9293
		// Figure 13), each waiting for the ACK of its FIN.
		{8, model.Closing, model.Closing, 1, 1, true},
		{9, model.Closing, model.TimeWait, 1, 0, true},
		{10, model.TimeWait, model.TimeWait, 0, 0, true},
	})
}

// Real Linux sockets over loopback, hand-checked against the capture's
// ladder: the server's 46-byte banner, its FIN first, the client's LAST_ACK.
func TestNetstatLoopbackServerClose(t *testing.T) {
	tl := nsLoopback(t, "server-close.pcap")
	E := model.Established
	nsCheck(t, tl, 0, []nsWant{
		{3, E, E, 0, 0, true},
		{4, E, E, 0, 46, true},
		{5, E, E, 0, 0, true},
		{6, model.CloseWait, model.FinWait1, 0, 1, true},
		{7, model.LastAck, model.TimeWait, 1, 0, true},
		{8, model.Closed, model.TimeWait, 0, 0, true},
	})
	v, _ := model.Netstat(tl, 0, 8)
	if !v.SameHost {
		t.Error("loopback: client and server not reported as the same host")
	}
}

// On every sample and loopback capture, at every step: Send-Q never exceeds
// what the side has sent in the sequence space, a line's state is the
// ladder's state, and out-of-range requests fail instead of panicking.
func TestNetstatInvariants(t *testing.T) {
	var tls []*model.Timeline
	names := []string{}
	for _, s := range samples.List() {
		tls = append(tls, nsSample(t, s.Name))
		names = append(names, s.Name)
	}
	ents, _ := os.ReadDir(filepath.Join("..", "testdata", "loopback"))
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".pcap") {
			tls = append(tls, nsLoopback(t, e.Name()))
			names = append(names, e.Name())
		}
	}
	for i, tl := range tls {
		for ci, c := range tl.Conversations {
			// sent is snd_nxt − ISS as far as the capture shows: the end of
			// the highest sequence number seen, relative. A segment lost
			// before the observer is in the queue without being in the
			// capture, so counting the bytes seen would be too little.
			var sent [2]uint64
			for n := 0; n <= len(c.Segs); n++ {
				if n > 0 {
					s := &tl.Segments[c.Segs[n-1]]
					sent[s.Dir] = max(sent[s.Dir], uint64(s.RelSeq)+uint64(s.SeqLen()))
				}
				v, err := model.Netstat(tl, ci, n)
				if err != nil {
					t.Fatalf("%s stream %d step %d: %v", names[i], ci, n, err)
				}
				cs, ss := c.InitClient, c.InitServer
				if n > 0 {
					s := &tl.Segments[c.Segs[n-1]]
					cs, ss = s.Client(), s.Server()
				}
				for d, h := range []model.NetstatHost{v.Client, v.Server} {
					want := []model.State{cs, ss}[d]
					for _, l := range h.Lines {
						if l.Wildcard {
							continue
						}
						if l.State != want {
							t.Errorf("%s stream %d step %d: line state %s, ladder %s", names[i], ci, n, l.State, want)
						}
						if uint64(l.SendQ) > sent[d] && !c.Assumed {
							t.Errorf("%s stream %d step %d: Send-Q %d > %d sent", names[i], ci, n, l.SendQ, sent[d])
						}
					}
				}
			}
			if _, err := model.Netstat(tl, ci, len(c.Segs)+1); err == nil {
				t.Errorf("%s: step past the end accepted", names[i])
			}
		}
		if _, err := model.Netstat(tl, len(tl.Conversations), 0); err == nil {
			t.Errorf("%s: stream past the end accepted", names[i])
		}
	}
	if _, err := model.Netstat(nil, 0, 0); err == nil {
		t.Error("nil timeline accepted")
	}
}

// Every conversation of every capture in the shared corpus (malformed ones
// included) goes through the netstat view at every step, the vantage and the
// ISN analysis without a panic, and the views stay consistent with the
// ladder's states.
func TestNetstatISNVantageCorpus(t *testing.T) {
	files := testshared.Captures(t, "*.pcap*", filepath.Join("malformed", "*"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		in, err := decode.OpenBytes(filepath.Base(p), b)
		if err != nil {
			continue // not a capture at all: the decoder's tests cover that
		}
		tl, err := in.Load(nil)
		in.Close()
		if err != nil || tl == nil {
			continue
		}
		for ci, c := range tl.Conversations {
			_ = model.VantageOf(tl, ci).Sentence()
			err := model.NetstatEach(tl, ci, func(v model.NetstatView) bool {
				_ = v.Text(v.N%2 == 0)
				want := c.InitClient
				if v.N > 0 {
					want = tl.Segments[c.Segs[v.N-1]].Client()
				}
				for _, l := range v.Client.Lines {
					if !l.Wildcard && l.State != want {
						t.Errorf("%s stream %d step %d: client line %s, ladder %s", filepath.Base(p), ci, v.N, l.State, want)
					}
				}
				return true
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		_ = model.CaptureVantage(tl).String()
		_ = model.ISNText(model.AnalyzeISNs(tl))
	}
}

// upload is one conversation: a handshake, then n client segments of
// length(i) bytes, the server acknowledging after segment i when acks(i)
// says so, lag bytes short of all it has received.
func upload(n int, length func(i int) uint32, acks func(i int) bool, lag uint32) *model.Timeline {
	bld := model.NewBuilder()
	cli := model.Endpoint{Addr: netip.MustParseAddr("192.0.2.1"), Port: 40000}
	srv := model.Endpoint{Addr: netip.MustParseAddr("192.0.2.2"), Port: 80}
	bld.AddPacket(model.Frame{}, &model.Packet{TimeNS: 1e18, Src: cli, Dst: srv, Seq: 100, Flags: model.SYN, WinScale: -1})
	bld.AddPacket(model.Frame{}, &model.Packet{TimeNS: 1e18 + 1, Src: srv, Dst: cli, Seq: 900, Ack: 101, Flags: model.SYN | model.ACK, WinScale: -1})
	seq := uint32(101)
	for i := range n {
		bld.AddPacket(model.Frame{}, &model.Packet{TimeNS: 1e18 + int64(i+2)*1000, Src: cli, Dst: srv, Seq: seq, Ack: 901, Len: length(i), Flags: model.ACK, WinScale: -1})
		seq += length(i)
		if acks(i) {
			bld.AddPacket(model.Frame{}, &model.Packet{TimeNS: 1e18 + int64(i+2)*1000 + 500, Src: srv, Dst: cli, Seq: 901, Ack: seq - lag, Flags: model.ACK, WinScale: -1})
		}
	}
	return bld.Finish()
}

// BenchmarkNetstatLastStep measures the view at the last step of a long
// conversation: the walk the interface makes on every keypress.
func BenchmarkNetstatLastStep(b *testing.B) {
	tl := upload(100000, func(int) uint32 { return 1000 }, func(i int) bool { return i%2 == 1 }, 0)
	n := len(tl.Conversations[0].Segs)
	b.Run("Netstat", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := model.Netstat(tl, 0, n); err != nil {
				b.Fatal(err)
			}
		}
	})
	x, err := model.NewNetstatIndex(tl, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("Index", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := x.At(n - 1); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// NetstatIndex gives the same view as Netstat at every step, across its
// snapshot boundaries.
func TestNetstatIndexMatches(t *testing.T) {
	tl := upload(3000, func(i int) uint32 { return uint32(1 + i%7) }, func(i int) bool { return i%3 == 2 }, 2)
	x, err := model.NewNetstatIndex(tl, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	var views []model.NetstatView
	model.NetstatEach(tl, 0, func(want model.NetstatView) bool {
		got, err := x.At(n)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("step %d: %+v, want %+v (%v)", n, got, want, err)
		}
		if n == 2000 && (len(got.Client.Lines) != 1 || got.Client.Lines[0].SendQ == 0) {
			t.Errorf("step 2000: no bytes in flight")
		}
		views = append(views, want)
		n++
		return true
	})
	if _, err := x.At(n); err == nil {
		t.Error("step past the end accepted")
	}
	// Steps asked out of order (back, jumps across snapshots, the same one
	// twice), as the interface does after a jump, start from the snapshot
	// or from the last walk, whichever is right.
	k := uint64(7)
	for range 3000 {
		k = k*6364136223846793005 + 1442695040888963407
		i := int(k>>33) % len(views)
		if k>>62 == 0 {
			i = max(n-1-int(k>>40)%5, 0) // near the end, backwards
		}
		got, err := x.At(i)
		if err != nil || !reflect.DeepEqual(got, views[i]) {
			t.Fatalf("step %d asked out of order: %+v, want %+v (%v)", i, got, views[i], err)
		}
	}
}
