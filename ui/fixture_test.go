package ui

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/app"
	"github.com/tcpstep/tcpstep/model"
)

// fakeSource is a Source over a timeline built in the test with
// model.NewBuilder. Frame returns synthetic IPv4+TCP headers followed by
// the payload the test gave the frame, with a matching dissection; it counts
// its calls so tests can check that only visible rows are read.
type fakeSource struct {
	name     string
	tl       *model.Timeline
	payload  map[uint32][]byte // by frame number
	frames   int               // Frame calls
	loadErr  error
	frameErr error
}

func (f *fakeSource) Name() string { return f.name }

func (f *fakeSource) Load(progress func(done, total int64)) (*model.Timeline, error) {
	progress(50, 100)
	progress(100, 100)
	if f.loadErr != nil {
		return nil, f.loadErr
	}
	return f.tl, nil
}

func (f *fakeSource) Frame(fr *model.Frame) ([]byte, model.Dissection, error) {
	f.frames++
	if f.frameErr != nil {
		return nil, model.Dissection{}, f.frameErr
	}
	n := uint32(fr.Offset) // the fixtures store the frame number as the offset
	p := f.payload[n]
	data := make([]byte, 40+len(p))
	data[0] = 0x45
	binary.BigEndian.PutUint16(data[2:], uint16(len(data)))
	data[9] = 6
	data[32] = 0x50
	copy(data[40:], p)
	d := model.Dissection{Layers: []model.Layer{
		{Name: "IPv4", Kind: model.LayerIP, Start: 0, End: 20, Fields: []model.Field{{Name: "Version", Value: "4", Start: 0, End: 1}}},
		{Name: "TCP", Kind: model.LayerTransport, Start: 20, End: 40, Fields: []model.Field{{Name: "Flags", Value: "0x018", Start: 33, End: 34}}},
	}}
	if len(p) > 0 {
		d.Layers = append(d.Layers, model.Layer{Name: "Payload", Kind: model.LayerPayload, Start: 40, End: 40 + len(p)})
	}
	return data, d, nil
}

// Payload returns the payload the test gave the segment's frame.
func (f *fakeSource) Payload(tl *model.Timeline, seg int) ([]byte, error) {
	if f.frameErr != nil {
		return nil, f.frameErr
	}
	if seg < 0 || seg >= len(tl.Segments) {
		return nil, fmt.Errorf("no segment %d", seg)
	}
	return append([]byte(nil), f.payload[tl.Segments[seg].Frame]...), nil
}

// fixture builds timelines packet by packet.
type fixture struct {
	b       *model.Builder
	n       uint32
	t       int64
	payload map[uint32][]byte
}

func newFixture() *fixture {
	return &fixture{b: model.NewBuilder(), payload: map[uint32][]byte{}, t: 1_000_000_000_000_000_000}
}

func ep(s string) model.Endpoint {
	ap := netip.MustParseAddrPort(s)
	return model.Endpoint{Addr: ap.Addr(), Port: ap.Port()}
}

// pkt adds one segment from src to dst, 10 ms after the previous frame.
func (f *fixture) pkt(src, dst string, flags model.Flags, seq, ack uint32, payload string) {
	f.n++
	f.t += 10_000_000
	f.b.AddPacket(model.Frame{Offset: int64(f.n), TimeNS: f.t, CapLen: uint32(40 + len(payload)), OrigLen: uint32(40 + len(payload))},
		&model.Packet{Src: ep(src), Dst: ep(dst), Seq: seq, Ack: ack, Flags: flags, Win: 4096, Len: uint32(len(payload)), WinScale: -1})
	if payload != "" {
		f.payload[f.n] = []byte(payload)
	}
}

func (f *fixture) source(name string) *fakeSource {
	return &fakeSource{name: name, tl: f.b.Finish(), payload: f.payload}
}

const (
	figClient = "192.168.1.2:1042"
	figServer = "192.168.1.1:25"
	figISNC   = 1023645922
	figISNS   = 2234678799
)

// figure10 is the paper's SMTP session with its printed numbers: SYN SEQ
// 1023645922, SYN/ACK SEQ 2234678799, the server's 93-byte greeting, the
// client's 5-byte "help", an attacker's VRFY/EXPN, the server's FIN and
// RSTs where the final ACKs would be.
func figure10() *fakeSource {
	f := newFixture()
	c, s := figClient, figServer
	const A, P, S, F, R = model.ACK, model.PSH, model.SYN, model.FIN, model.RST
	greet := "220 mail.example.com ESMTP Sendmail 8.9.3; Tue, 14 Mar 2000 10:15:01 -0500 (EST)\r\n" + strings.Repeat("x", 93-82)
	if len(greet) != 93 {
		panic(fmt.Sprintf("greeting is %d bytes", len(greet)))
	}
	cs, ss := uint32(figISNC), uint32(figISNS)
	f.pkt(c, s, S, cs, 0, "")
	f.pkt(s, c, S|A, ss, cs+1, "")
	f.pkt(c, s, A, cs+1, ss+1, "")
	f.pkt(s, c, P|A, ss+1, cs+1, greet)
	f.pkt(c, s, P|A, cs+1, ss+94, "help\n")
	help := "214-2.0.0 This is sendmail\r\n214 2.0.0 End of HELP info\r\n"
	f.pkt(s, c, P|A, ss+94, cs+6, help)
	hs := uint32(len(help))
	f.pkt(c, s, P|A, cs+6, ss+94+hs, "VRFY root\r\n")
	vr := "252 2.5.2 Cannot VRFY user\r\n"
	f.pkt(s, c, P|A, ss+94+hs, cs+17, vr)
	hs += uint32(len(vr))
	f.pkt(c, s, P|A, cs+17, ss+94+hs, "EXPN \x1b[31mroot\x07\r\n")
	ex := "502 5.7.0 Sorry, we do not allow this operation\r\n"
	f.pkt(s, c, P|A, ss+94+hs, cs+17+17, ex)
	hs += uint32(len(ex))
	f.pkt(s, c, F|A, ss+94+hs, cs+34, "")
	f.pkt(c, s, R, cs+34, 0, "")
	f.pkt(c, s, R, cs+34, 0, "")
	return f.source("sample:smtp-figure10")
}

// threeConversations is a capture with a normal exchange, a refused
// connection and one caught mid-stream, each a different size.
func threeConversations() *fakeSource {
	f := newFixture()
	const A, P, S, F, R = model.ACK, model.PSH, model.SYN, model.FIN, model.RST
	c, s := "10.0.0.1:40000", "10.0.0.9:80"
	f.pkt(c, s, S, 100, 0, "")
	f.pkt(s, c, S|A, 500, 101, "")
	f.pkt(c, s, A, 101, 501, "")
	f.pkt(c, s, P|A, 101, 501, "GET / HTTP/1.0\r\n\r\n")
	f.pkt(s, c, P|A, 501, 119, "HTTP/1.0 200 OK\r\n\r\nhello")
	f.pkt(c, s, F|A, 119, 525, "")
	f.pkt(s, c, F|A, 525, 120, "")
	f.pkt(c, s, A, 120, 526, "")
	r1, r2 := "10.0.0.2:40001", "10.0.0.9:81"
	f.pkt(r1, r2, S, 7000, 0, "")
	f.pkt(r2, r1, R|A, 0, 7001, "")
	m1, m2 := "10.0.0.3:40002", "10.0.0.8:22"
	f.pkt(m1, m2, P|A, 9000, 3000, "abc")
	f.pkt(m2, m1, A, 3000, 9003, "")
	f.pkt(m1, m2, P|A, 9003, 3000, "defg")
	f.pkt(m1, m2, P|A, 9003, 3000, "defg") // a retransmission
	f.pkt(m2, m1, A, 3000, 9007, "")
	return f.source("three.pcap")
}

// bigConversation is one connection of n data segments and their ACKs.
func bigConversation(n int) *fakeSource {
	f := newFixture()
	const A, P, S = model.ACK, model.PSH, model.SYN
	c, s := "10.1.0.1:5000", "10.1.0.2:6000"
	f.pkt(c, s, S, 1, 0, "")
	f.pkt(s, c, S|A, 1000, 2, "")
	seq := uint32(2)
	for i := range n {
		f.pkt(c, s, P|A, seq, 1001, "data")
		seq += 4
		if i%2 == 1 {
			f.pkt(s, c, A, 1001, seq, "")
		}
	}
	return f.source("big.pcap")
}

// loadedModel returns a model sized w×h that has loaded src, as the
// program would after Init's command and the first WindowSizeMsg.
func loadedModel(t testing.TB, src Source, opts Options, w, h int) *Model {
	t.Helper()
	m := New(src, opts)
	m = update(t, m, tea.WindowSizeMsg{Width: w, Height: h})
	tl, err := src.Load(func(int64, int64) {})
	return update(t, m, loadedMsg{tl, err})
}

func update(t testing.TB, m *Model, msg tea.Msg) *Model {
	t.Helper()
	nm, _ := m.Update(msg)
	out, ok := nm.(*Model)
	if !ok {
		t.Fatalf("Update returned %T", nm)
	}
	if out.fatal != nil {
		t.Fatalf("Update: %v", out.fatal)
	}
	return finishApp(t, out)
}

// finishApp does the reading of the application layer that an Update
// started (appWork) and whose command update drops, as the program would
// run it: package app reads the conversation through the source, and the
// result comes back as the message the command returns. Tests that count
// the commands reading the timeline call Update themselves.
func finishApp(t testing.TB, m *Model) *Model {
	t.Helper()
	if g, ok := m.src.(gatedSource); ok {
		select {
		case <-g.gate: // open
		default:
			return m // the test holds the payloads back
		}
	}
	for c, e := range m.apps.convs {
		if !e.loading {
			continue
		}
		tl, src := m.tl, m.src
		a, err := app.Analyze(tl, c, func(seg int) ([]byte, error) { return src.Payload(tl, seg) })
		nm, _ := m.Update(appDoneMsg{conv: c, gen: e.gen, app: a, err: err})
		m = nm.(*Model)
	}
	return m
}

// press sends key presses, named as key.Binding names them.
func press(t testing.TB, m *Model, keys ...string) *Model {
	t.Helper()
	for _, k := range keys {
		m = update(t, m, keyMsg(k))
	}
	return m
}

func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "home":
		return tea.KeyPressMsg{Code: tea.KeyHome}
	case "end":
		return tea.KeyPressMsg{Code: tea.KeyEnd}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	r := []rune(k)
	if len(r) != 1 {
		panic("unknown key " + k)
	}
	if r[0] >= 'A' && r[0] <= 'Z' {
		return tea.KeyPressMsg{Code: r[0] + 32, ShiftedCode: r[0], Mod: tea.ModShift, Text: k}
	}
	return tea.KeyPressMsg{Code: r[0], Text: k}
}

// screen is the model's view without colours, as a person reads it.
func screenOf(m *Model) string { return ansi.Strip(m.View().Content) }

// typeText types each rune of s.
func typeText(t testing.TB, m *Model, s string) *Model {
	t.Helper()
	for _, r := range s {
		m = update(t, m, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return m
}

// pressRun is press that also runs the commands the keys return (the
// follow view's reassembly, the export) and delivers their messages, as
// the program would. Only for screens without the quiz, whose input
// returns a blinking cursor's timer.
func pressRun(t testing.TB, m *Model, keys ...string) *Model {
	t.Helper()
	for _, k := range keys {
		nm, cmd := m.Update(keyMsg(k))
		m = nm.(*Model)
		m = runCmd(t, m, cmd)
	}
	return m
}

// runCmd runs cmd and feeds its messages back to m, recursively.
func runCmd(t testing.TB, m *Model, cmd tea.Cmd) *Model {
	t.Helper()
	if cmd == nil {
		return m
	}
	switch msg := cmd().(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			m = runCmd(t, m, c)
		}
	default:
		nm, next := m.Update(msg)
		m = nm.(*Model)
		if m.fatal != nil {
			t.Fatalf("Update: %v", m.fatal)
		}
		m = runCmd(t, m, next)
	}
	return m
}
