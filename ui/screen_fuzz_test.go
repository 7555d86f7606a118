package ui

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane/panetest"
)

// fuzzEPs are the endpoints fuzz input picks from, so that conversations
// repeat, reverse and mix address families.
var fuzzEPs = []model.Endpoint{
	{Addr: netip.MustParseAddr("10.0.0.1"), Port: 1000},
	{Addr: netip.MustParseAddr("10.0.0.2"), Port: 80},
	{Addr: netip.MustParseAddr("10.0.0.1"), Port: 2000},
	{Addr: netip.MustParseAddr("2001:db8::1"), Port: 443},
	{Addr: netip.MustParseAddr("192.168.255.254"), Port: 65535},
}

// fuzzTemplate is an Ethernet, IPv4 and TCP header that fuzz bytes are
// written over, so the layers view sees frames that mostly decode and
// break in varied places.
var fuzzTemplate = []byte{
	2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00, // Ethernet
	0x45, 0, 0, 40, 0, 1, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, // IPv4
	0x03, 0xe8, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0x10, 0, 0, 0, 0, 0, // TCP
}

// fuzzCapture is a Source over a timeline built from fuzz bytes. Each 14-byte
// record is one frame (a TCP segment, or a frame without one); the bytes
// after it, as many as the segment's length, are its payload. Frame returns
// the template overwritten by the record and followed by the payload,
// dissected by the real decoder.
type fuzzCapture struct {
	tl      *model.Timeline
	raw     map[uint32][]byte // frame bytes by frame number
	payload map[uint32][]byte // payload by frame number
}

func newFuzzCapture(data []byte) *fuzzCapture {
	fc := &fuzzCapture{raw: map[uint32][]byte{}, payload: map[uint32][]byte{}}
	b := model.NewBuilder()
	seq, ack := uint32(0xFFFFFF00), uint32(1000)
	now := int64(1_600_000_000_000_000_000)
	var n uint32
	for len(data) >= 14 && n < 120 {
		d := data[:14]
		data = data[14:]
		n++
		src := fuzzEPs[int(d[0])%len(fuzzEPs)]
		dst := fuzzEPs[int(d[0]/8)%len(fuzzEPs)]
		flags := model.Flags(binary.BigEndian.Uint16(d[1:3])) & 0x1FF
		if d[3]&0x80 != 0 {
			seq = binary.BigEndian.Uint32(d[3:7])
			ack = binary.BigEndian.Uint32(d[7:11])
		} else {
			seq += uint32(d[4]) - 64
			ack += uint32(d[5]) * uint32(d[6]&3)
		}
		now += int64(d[11]) * 1_000_000
		if d[11] == 255 {
			now -= 1_000_000_000 // time going backwards happens in captures
		}
		plen := min(int(d[12]%48), len(data))
		p := data[:plen]
		data = data[plen:]
		raw := append(append([]byte(nil), fuzzTemplate...), p...)
		binary.BigEndian.PutUint16(raw[16:18], uint16(40+plen))
		copy(raw[14+int(d[13]%40):], d)
		fc.raw[n] = raw
		fr := model.Frame{Offset: int64(n), TimeNS: now, CapLen: uint32(len(raw)), OrigLen: uint32(len(raw))}
		if d[13]&0xc0 == 0xc0 {
			b.AddFrame(fr, model.Visible(string(p))) // a note taken from the bytes
			continue
		}
		fc.payload[n] = p
		ws := int8(-1)
		if d[13]&0x10 != 0 {
			ws = int8(d[13] & 0x0F)
		}
		b.AddPacket(fr, &model.Packet{Src: src, Dst: dst, Seq: seq, Ack: ack, Flags: flags,
			Win: uint16(d[13]) * 64, Len: uint32(plen), WinScale: ws})
	}
	fc.tl = b.Finish()
	return fc
}

func (f *fuzzCapture) Name() string { return "fuzz\x1b]2;title\x07.pcap" }

func (f *fuzzCapture) Load(progress func(done, total int64)) (*model.Timeline, error) {
	progress(1, 1)
	return f.tl, nil
}

func (f *fuzzCapture) Frame(fr *model.Frame) ([]byte, model.Dissection, error) {
	raw := f.raw[uint32(fr.Offset)]
	return raw, decode.Dissect(1, raw), nil
}

func (f *fuzzCapture) Payload(tl *model.Timeline, seg int) ([]byte, error) {
	if seg < 0 || seg >= len(tl.Segments) {
		return nil, fmt.Errorf("no segment %d", seg)
	}
	return append([]byte(nil), f.payload[tl.Segments[seg].Frame]...), nil
}

// fuzzRecord encodes one frame of newFuzzCapture's input: from the client
// (endpoint 0 to 1) or the server, flags, absolute SEQ and ACK, and the
// payload after the record.
func fuzzRecord(fromClient bool, flags model.Flags, seq, ack uint32, payload string) []byte {
	d := make([]byte, 14, 14+len(payload))
	d[0] = 10 // fuzzEPs[10%5] → fuzzEPs[10/8%5]: 10.0.0.1:1000 → 10.0.0.2:80
	if !fromClient {
		d[0] = 1 // the other way
	}
	binary.BigEndian.PutUint16(d[1:3], uint16(flags))
	binary.BigEndian.PutUint32(d[3:7], seq)
	binary.BigEndian.PutUint32(d[7:11], ack)
	d[3] |= 0x80 // absolute numbers
	d[11] = 10   // 10 ms after the previous frame
	d[12] = byte(len(payload))
	d[13] = 12 // a window of 768, no scale; the record overwrites the IP addresses and TCP ports
	return append(d, payload...)
}

// fuzzSeedConversation is a whole connection whose payloads hold screen
// clears, OSC title, clipboard and hyperlink sequences, C1 controls, DEL and
// invalid UTF-8.
func fuzzSeedConversation() []byte {
	const A, P, S, F = model.ACK, model.PSH, model.SYN, model.FIN
	c, s := uint32(0x80000100), uint32(0x8000a000)
	var out []byte
	add := func(fromClient bool, fl model.Flags, payload string) {
		seq, peer := &c, &s
		if !fromClient {
			seq, peer = &s, &c
		}
		out = append(out, fuzzRecord(fromClient, fl, *seq, *peer, payload)...)
		*seq += uint32(len(payload))
		if fl&(S|F) != 0 {
			*seq++
		}
	}
	add(true, S, "")
	add(false, S|A, "")
	add(true, A, "")
	add(true, P|A, "HELO \x1b[2J\x1b[H\x1b]0;pwned\x07\r\n")
	add(false, P|A, "250 \x1b]52;c;cHduZWQ=\x07\x1b]8;;http://x/\x1b\\l\r\n")
	add(true, P|A, "\x9b2J\x9d2;t\x07\xc2\x9b\xc2\x9d\x7f\xff\xfe\xc3(\t\x00")
	add(false, A, "")
	add(true, F|A, "")
	add(false, F|A, "")
	add(true, A, "")
	return out
}

// FuzzScreens builds a timeline from fuzz bytes and draws every view of the
// stepper (ladder, states, layers from the real dissector, explanation,
// follow in text and hex, graph, netstat, ISN, expert), the picker and the help at
// a fuzzed window size, stepping, scrolling and switching modes: nothing
// may panic, no line may be wider than the window, and no control byte of
// the capture may reach the screen.
func FuzzScreens(f *testing.F) {
	for _, sz := range [][2]uint8{{80, 24}, {200, 50}, {1, 1}, {30, 8}, {120, 12}} {
		f.Add(sz[0], sz[1], fuzzSeedConversation())
	}
	f.Add(uint8(100), uint8(30), []byte(strings.Repeat("\x09\x00\x18\x00\x44\x01\x01\x01\x00\x10\x05\x01\x00\x33", 30)))
	f.Add(uint8(60), uint8(20), []byte("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, wb, hb uint8, data []byte) {
		w, h := 1+int(wb)%240, 1+int(hb)%80
		src := newFuzzCapture(data)
		m := loadedModel(t, src, Options{Stream: -1}, w, h)
		check := func(what string) {
			t.Helper()
			if bad := panetest.Problems(m.View().Content, w, h); len(bad) > 0 {
				t.Fatalf("%dx%d %s: %s", w, h, what, strings.Join(bad, "\n"))
			}
		}
		check("first screen")
		m = pressRun(t, m, "?")
		check("help")
		m = pressRun(t, m, "?", "enter")
		check("after enter")
		for _, k := range []string{"1", "2", "3", "4", "5", "6", "7", "8", "9"} {
			m = pressRun(t, m, k)
			check("view " + k)
			m = pressRun(t, m, "m", "right", "pgdown")
			check("view " + k + " moved")
		}
		m = pressRun(t, m, "9", "down", "right", "down", "enter", "left")
		check("expert view opened")
		m = pressRun(t, m, "tab", "+", "+", "r", "G", "pgup", "5", "m")
		check("end")
		m = pressRun(t, m, "s")
		check("picker")
	})
}

// TestFuzzSeedReachesTheViews holds the fuzz harness to drawing what it is
// given: the seed conversation's payloads reach the ladder and the follow
// view as pictures of their escapes, and every frame is a step.
func TestFuzzSeedReachesTheViews(t *testing.T) {
	src := newFuzzCapture(fuzzSeedConversation())
	if n := len(src.tl.Segments); n != 10 {
		t.Fatalf("%d segments from the seed, want 10", n)
	}
	m := loadedModel(t, src, Options{Stream: -1}, 200, 50)
	s := screenOf(m)
	for _, want := range []string{"step 1/10", "␛[2J␛[H␛]0;pwned␇", "fuzz␛]2;title␇.pcap"} {
		if !strings.Contains(s, want) {
			t.Errorf("ladder screen lacks %q:\n%s", want, s)
		}
	}
	m = pressRun(t, m, "G", "5")
	if s := screenOf(m); !strings.Contains(s, "␛]52;c;cHduZWQ=␇") {
		t.Errorf("follow view lacks the clipboard sequence:\n%s", s)
	}
	if bad := panetest.Problems(m.View().Content, 200, 50); len(bad) > 0 {
		t.Error(bad)
	}
}
