package decode

import (
	"fmt"
	"net/netip"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tcpstep/tcpstep/internal/testshared"
	"github.com/tcpstep/tcpstep/model"
)

// hintRow is one row of testdata/app/hints.tsv: the application protocol
// tshark first names in a conversation, and the server name its client
// gives ("" when none).
type hintRow struct {
	capture string
	stream  int
	proto   string
	server  string
}

func readHints(t *testing.T) []hintRow {
	t.Helper()
	var rows []hintRow
	for _, p := range testshared.ReadTSV(t, filepath.Join("testdata", "app", "hints.tsv"), 4) {
		r := hintRow{capture: p[0], proto: p[2], server: p[3]}
		n, err := strconv.Atoi(p[1])
		if err != nil {
			t.Fatalf("hints.tsv: bad stream in %q", strings.Join(p, "\t"))
		}
		r.stream = n
		if r.server == "-" {
			r.server = ""
		}
		rows = append(rows, r)
	}
	return rows
}

// openHinted opens a row's capture: an embedded sample's file, or one of
// the shared corpus (skipping when it is absent).
func openHinted(t *testing.T, capture string) *Input {
	t.Helper()
	var path string
	switch {
	case strings.HasPrefix(capture, "sample:"):
		path = filepath.Join("..", "samples", "data", strings.TrimPrefix(capture, "sample:")+".pcap")
	case strings.HasPrefix(capture, "repo:"):
		path = filepath.Join("..", strings.TrimPrefix(capture, "repo:"))
	default:
		path = filepath.Join(testshared.Dir(t), "captures", capture)
	}
	in, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Close() })
	return in
}

// checkHint compares conversation r.stream's index-time hint with tshark's
// answer. The server name is compared where tshark names one from the
// client's first payload: app.Sniff reads it there (the HTTP Host, the TLS
// SNI), tshark from the whole stream, so a name only a later segment
// carries is the index's to miss (firstPayloadLacksName).
func checkHint(t *testing.T, how string, tl *model.Timeline, r hintRow) {
	t.Helper()
	if r.stream >= len(tl.Conversations) {
		t.Errorf("%s %s: no stream %d", how, r.capture, r.stream)
		return
	}
	h := tl.Conversations[r.stream].App
	if h.Proto != r.proto {
		t.Errorf("%s %s stream %d: App.Proto %q, tshark says %s", how, r.capture, r.stream, h.Proto, r.proto)
	}
	if why, ok := firstPayloadLacksName[fmt.Sprintf("%s %d", r.capture, r.stream)]; ok {
		if h.Server != "" {
			t.Errorf("%s %s stream %d: App.Server %q, but %s", how, r.capture, r.stream, h.Server, why)
		}
		return
	}
	if (r.proto == "HTTP" || r.proto == "TLS") && h.Server != r.server {
		t.Errorf("%s %s stream %d: App.Server %q, tshark's first server name %q", how, r.capture, r.stream, h.Server, r.server)
	}
}

// firstPayloadLacksName are the conversations whose server name tshark
// finds after the client's first payload, and why.
var firstPayloadLacksName = map[string]string{
	"repo:testdata/app/http.pcap 3": "its request head comes in five segments and the first (\"GET /a HT\") carries no Host",
}

// TestIndexHintsAgainstTshark checks the protocol and server name that
// indexing gives each conversation (Load, and the Stream the interface
// files while reading, read through Live before Finish) against tshark's
// first application protocol in it (testdata/app/hints.tsv, regen-hints.sh there).
func TestIndexHintsAgainstTshark(t *testing.T) {
	byCap := map[string][]hintRow{}
	var order []string
	for _, r := range readHints(t) {
		if byCap[r.capture] == nil {
			order = append(order, r.capture)
		}
		byCap[r.capture] = append(byCap[r.capture], r)
	}
	if len(order) < 10 {
		t.Fatalf("hints.tsv lists %d captures", len(order))
	}
	for _, capture := range order {
		if !strings.HasPrefix(capture, "sample:") && !strings.HasPrefix(capture, "repo:") {
			if _, ok := testshared.Optional(t); !ok {
				continue
			}
		}
		in := openHinted(t, capture)
		tl, err := in.Load(nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range byCap[capture] {
			checkHint(t, "Load", tl, r)
		}

		// The interface's path: frames filed on this goroutine while the
		// Stream reads them; the hints are there before Finish.
		in2 := openHinted(t, capture)
		s := in2.Index()
		b := model.NewBuilder()
		deadline := time.After(time.Minute)
		for done := false; !done; {
			select {
			case <-s.Ready():
			case <-deadline:
				t.Fatal("the stream never ended")
			}
			for {
				p := s.Apply(b, time.Millisecond)
				done = p.Done
				if done || !p.More {
					break
				}
			}
		}
		live, _ := b.Live()
		for _, r := range byCap[capture] {
			checkHint(t, "Live", live, r)
		}
		s.Close()
	}
}

// TestSniffFlowsFirstPayload checks the reader side's choice of the
// segments to copy: the first with payload of each direction, again after a
// SYN opens a new connection on the same ports, and at most sniffPrefix
// bytes of it.
func TestSniffFlowsFirstPayload(t *testing.T) {
	a := model.Endpoint{Port: 40000}
	b := model.Endpoint{Port: 25}
	var f sniffFlows
	big := make([]byte, 2000)
	steps := []struct {
		p    model.Packet
		data []byte
		want int // bytes copied, -1 none
	}{
		{model.Packet{Src: a, Dst: b, Flags: model.SYN}, nil, -1},
		{model.Packet{Src: b, Dst: a, Flags: model.SYN | model.ACK}, nil, -1},
		{model.Packet{Src: b, Dst: a, Flags: model.ACK | model.PSH}, []byte("220 hi\r\n"), 8},
		{model.Packet{Src: b, Dst: a, Flags: model.ACK | model.PSH}, []byte("250 ok\r\n"), -1},
		{model.Packet{Src: a, Dst: b, Flags: model.ACK | model.PSH}, big, sniffPrefix},
		{model.Packet{Src: a, Dst: b, Flags: model.ACK}, []byte("x"), -1},
		{model.Packet{Src: b, Dst: a, Flags: model.ACK}, []byte("y"), -1},
		// The ports reused by a new connection: both directions again.
		{model.Packet{Src: a, Dst: b, Flags: model.SYN}, nil, -1},
		{model.Packet{Src: b, Dst: a, Flags: model.ACK}, []byte("220 again\r\n"), 11},
		{model.Packet{Src: a, Dst: b, Flags: model.ACK}, []byte("EHLO x\r\n"), 8},
	}
	for i, st := range steps {
		p := st.p
		got, ok := f.prefix(nil, &p, st.data)
		n := -1
		if ok {
			n = len(got)
		}
		if n != st.want {
			t.Errorf("step %d: copied %d bytes, want %d", i, n, st.want)
		}
	}
}

// TestSnifferBounds checks the builder side's bound: past maxSniffPending
// conversations waiting for their second side, the oldest is given up (its
// hint stays what its first side showed, and its second side is not
// awaited), and what waits never exceeds the bound.
func TestSnifferBounds(t *testing.T) {
	b := model.NewBuilder()
	var sn sniffer
	server := model.Endpoint{Addr: netip.MustParseAddr("192.0.2.25"), Port: 25}
	greeting := []byte("220 mail.example.com ESMTP\r\n")
	n := uint32(0)
	send := func(from, to model.Endpoint, flags model.Flags, seq uint32, pay []byte) {
		n++
		p := model.Packet{Src: from, Dst: to, Seq: seq, Flags: flags, Len: uint32(len(pay)), WinScale: -1}
		b.AddPacket(model.Frame{TimeNS: int64(n)}, &p)
		if len(pay) > 0 {
			if idx, ok := sn.wants(b, n, from); ok {
				sn.file(b, idx, from, pay)
			}
		}
	}
	client := func(i int) model.Endpoint {
		return model.Endpoint{Addr: netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), Port: 40000}
	}
	const convs = maxSniffPending + 10
	for i := range convs {
		c := client(i)
		send(c, server, model.SYN, 1000, nil)
		send(server, c, model.SYN|model.ACK, 5000, nil)
		send(server, c, model.ACK|model.PSH, 5001, greeting)
		if len(sn.pend) > maxSniffPending {
			t.Fatalf("%d conversations wait, the bound is %d", len(sn.pend), maxSniffPending)
		}
	}
	tl, _ := b.Live()
	for _, i := range []int{0, convs - 1} {
		if got := tl.Conversations[i].App.Proto; got != "SMTP" {
			t.Errorf("conversation %d: hinted %q from its greeting, want SMTP", i, got)
		}
	}
	// The oldest was given up: its client's EHLO is not awaited. The
	// newest still waits for it.
	if _, ok := sn.wants(b, 3, client(0)); ok {
		t.Error("the oldest conversation, given up, still awaits its client's payload")
	}
	last := uint32(3 * convs)
	if _, ok := sn.wants(b, last, client(convs-1)); !ok {
		t.Error("the newest conversation does not await its client's payload")
	}
}
