package model

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The connection of the tests: an SMTP-like exchange with the initial
// sequence numbers of the tcpstep paper's Figure 10 client.
var (
	exISNC = uint32(1023645922)
	exISNS = uint32(4294967290) // near 2^32, so the server's numbers wrap
)

var (
	exEpC = Endpoint{netip.MustParseAddr("10.0.0.1"), 1234}
	exEpS = Endpoint{netip.MustParseAddr("10.0.0.2"), 25}
)

type exSegSpec struct {
	dir            Dir
	flags          Flags
	seq, ack       uint32
	len            uint32
	win            uint16
	client, server State
	events         Events
}

// buildTL assembles a timeline by hand, so the explanation is checked
// against numbers the test states, not against another part of the model.
func exBuildTL(init [2]State, specs []exSegSpec) *Timeline {
	c := &Conversation{Client: exEpC, Server: exEpS, InitClient: init[0], InitServer: init[1],
		Base: [2]uint32{exISNC, exISNS}, BaseFromSYN: [2]bool{true, true}}
	tl := &Timeline{Conversations: []*Conversation{c}, Notes: []string{""}}
	for i, sp := range specs {
		s := Segment{Frame: uint32(i + 1), TimeNS: int64(i) * 1e6, Seq: sp.seq, Ack: sp.ack, Len: sp.len,
			Win: sp.win, Flags: sp.flags, Dir: sp.dir, Client: sp.client, Server: sp.server, Events: sp.events}
		s.RelSeq = sp.seq - c.Base[sp.dir]
		if sp.flags.Has(ACK) {
			s.RelAck = sp.ack - c.Base[exOther(sp.dir)]
		}
		c.Segs = append(c.Segs, uint32(len(tl.Segments)))
		tl.Segments = append(tl.Segments, s)
		tl.Frames = append(tl.Frames, Frame{Kind: FrameTCP, Seg: int32(i), Stream: 0})
	}
	return tl
}

// smtpTL is a whole connection: handshake, data both ways, a duplicate ACK,
// a retransmission, and an orderly close.
func exSMTP() *Timeline {
	C, S := exISNC, exISNS
	return exBuildTL([2]State{Closed, Listen}, []exSegSpec{
		{C2S, SYN, C, 0, 0, 65535, SynSent, SynReceived, 0},                                         // 1
		{S2C, SYN | ACK, S, C + 1, 0, 8192, Established, SynReceived, 0},                            // 2
		{C2S, ACK, C + 1, S + 1, 0, 65535, Established, Established, 0},                             // 3
		{S2C, PSH | ACK, S + 1, C + 1, 20, 8192, Established, Established, 0},                       // 4: 220 greeting, wraps
		{C2S, ACK, C + 1, S + 21, 0, 65535, Established, Established, 0},                            // 5
		{C2S, PSH | ACK, C + 1, S + 21, 5, 65535, Established, Established, 0},                      // 6: HELO
		{S2C, ACK, S + 21, C + 6, 0, 8192, Established, Established, 0},                             // 7
		{C2S, ACK, C + 6, S + 21, 0, 65535, Established, Established, Events(DuplicateAck)},         // 8
		{C2S, PSH | ACK, C + 1, S + 21, 5, 65535, Established, Established, Events(Retransmission)}, // 9
		{C2S, FIN | ACK, C + 6, S + 21, 0, 65535, FinWait1, CloseWait, 0},                           // 10
		{S2C, FIN | ACK, S + 21, C + 7, 0, 8192, TimeWait, LastAck, 0},                              // 11
		{C2S, ACK, C + 7, S + 22, 0, 65535, TimeWait, Closed, 0},                                    // 12
		{S2C, ACK, S + 22, C + 7, 0, 0, TimeWait, Closed, Events(ZeroWindow)},                       // 13
	})
}

var exEqRe = regexp.MustCompile(`(\d+) = (\d+)((?: [+-] \d+)+)`)
var exTermRe = regexp.MustCompile(` ([+-]) (\d+)`)

// checkEquations parses every "A = B + C ..." in the text and checks the
// arithmetic modulo 2^32, the arithmetic of sequence numbers.
func exCheckEquations(t *testing.T, where, text string) int {
	t.Helper()
	n := 0
	for _, m := range exEqRe.FindAllStringSubmatch(text, -1) {
		a, _ := strconv.ParseUint(m[1], 10, 64)
		b, _ := strconv.ParseUint(m[2], 10, 64)
		v := uint32(b)
		for _, tm := range exTermRe.FindAllStringSubmatch(m[3], -1) {
			x, _ := strconv.ParseUint(tm[2], 10, 64)
			if tm[1] == "+" {
				v += uint32(x)
			} else {
				v -= uint32(x)
			}
		}
		if v != uint32(a) {
			t.Errorf("%s: %q does not add up (got %d)", where, m[0], v)
		}
		n++
	}
	return n
}

func TestExplainArithmetic(t *testing.T) {
	tl := exSMTP()
	eqs := 0
	for _, abs := range []bool{true, false} {
		for i := range tl.Segments {
			text := strings.Join(Explain(tl, i, abs), "\n")
			if text == "" {
				t.Fatalf("segment %d: empty explanation", i)
			}
			eqs += exCheckEquations(t, fmt.Sprintf("seg %d abs=%v", i, abs), text)
		}
	}
	if eqs < 20 {
		t.Errorf("only %d equations checked; the explanation should show its arithmetic", eqs)
	}
}

// num finds the number after a keyword in the text, e.g. "SEQ 12" -> 12.
func exNum(t *testing.T, text, re string) uint32 {
	t.Helper()
	m := regexp.MustCompile(re).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("%q not found in:\n%s", re, text)
	}
	v, err := strconv.ParseUint(m[1], 10, 32)
	if err != nil {
		t.Fatal(err)
	}
	return uint32(v)
}

func TestExplainNumbersFollowNumbering(t *testing.T) {
	tl := exSMTP()
	for i := range tl.Segments {
		s := &tl.Segments[i]
		for _, abs := range []bool{true, false} {
			text := strings.Join(Explain(tl, i, abs), "\n")
			wantSeq, wantAck := s.Seq, s.Ack
			if !abs {
				wantSeq, wantAck = s.RelSeq, s.RelAck
			}
			if got := exNum(t, text, `SEQ (\d+)`); got != wantSeq {
				t.Errorf("seg %d abs=%v: SEQ %d, want %d", i, abs, got, wantSeq)
			}
			if s.Flags.Has(ACK) {
				if got := exNum(t, text, `ACK (\d+) is the next byte`); got != wantAck {
					t.Errorf("seg %d abs=%v: ACK %d, want %d", i, abs, got, wantAck)
				}
			}
			if s.Win != 0 {
				if got := exNum(t, text, `window of (\d+)`); got != uint32(s.Win) {
					t.Errorf("seg %d: window %d, want %d", i, got, s.Win)
				}
			}
			if got := exNum(t, text, `^Frame (\d+)`); got != s.Frame {
				t.Errorf("seg %d: frame %d, want %d", i, got, s.Frame)
			}
		}
	}
}

func TestExplainHandshake(t *testing.T) {
	tl := exSMTP()
	syn := strings.Join(Explain(tl, 0, true), "\n")
	if got := exNum(t, syn, `next byte will be (\d+)`); got != exISNC+1 {
		t.Errorf("SYN: next byte %d, want ISN+1 = %d", got, exISNC+1)
	}
	if !strings.Contains(syn, "A SYN consumes one sequence number") {
		t.Errorf("SYN: no word on the phantom byte:\n%s", syn)
	}
	if !strings.Contains(syn, "ACK flag is not set") {
		t.Errorf("SYN: the missing ACK is not explained:\n%s", syn)
	}
	rel := strings.Join(Explain(tl, 0, false), "\n")
	if exNum(t, rel, `SEQ (\d+)`) != 0 || exNum(t, rel, `\((\d+) on the wire\)`) != exISNC {
		t.Errorf("relative SYN should read SEQ 0 and give the wire ISN:\n%s", rel)
	}

	// The SYN,ACK acknowledges the client's SYN: ISN + 1 for the SYN of frame 1.
	sa := strings.Join(Explain(tl, 1, true), "\n")
	want := fmt.Sprintf("ACK %d = %d + 1: the client's SYN in frame 1 (SEQ %d) consumes one sequence number", exISNC+1, exISNC, exISNC)
	if !strings.Contains(sa, want) {
		t.Errorf("SYN,ACK: want %q in:\n%s", want, sa)
	}
	saRel := strings.Join(Explain(tl, 1, false), "\n")
	if !strings.Contains(saRel, "ACK 1 = 0 + 1") {
		t.Errorf("relative SYN,ACK: want ACK 1 = 0 + 1 in:\n%s", saRel)
	}
}

func TestExplainDataAck(t *testing.T) {
	tl := exSMTP()
	// Frame 7 acknowledges the 5 bytes of frame 6.
	text := strings.Join(Explain(tl, 6, true), "\n")
	want := fmt.Sprintf("ACK %d = %d + 5: the 5 bytes of the client's segment in frame 6, which starts at SEQ %d", exISNC+6, exISNC+1, exISNC+1)
	if !strings.Contains(text, want) {
		t.Errorf("want %q in:\n%s", want, text)
	}
	// Frame 5 acknowledges the server's 20 bytes, across the 2^32 wrap.
	text = strings.Join(Explain(tl, 4, true), "\n")
	if got := exNum(t, text, `ACK (\d+) is`); got != exISNS+21 {
		t.Errorf("wrapped ACK %d, want %d", got, exISNS+21)
	}
	if !strings.Contains(text, "the 20 bytes of the server's segment in frame 4") {
		t.Errorf("frame 5 should name the 20 bytes of frame 4:\n%s", text)
	}
	text = strings.Join(Explain(tl, 3, true), "\n")
	if !strings.Contains(text, "wrap around") {
		t.Errorf("frame 4's numbers wrap past 2^32 and should say so:\n%s", text)
	}
	rel := strings.Join(Explain(tl, 3, false), "\n")
	if !strings.Contains(rel, "so the server's next byte will be 21 = 1 + 20") {
		t.Errorf("relative frame 4:\n%s", rel)
	}
}

func TestExplainNothingNew(t *testing.T) {
	tl := exSMTP()
	text := strings.Join(Explain(tl, 5, true), "\n") // frame 6 repeats frame 5's ACK
	if !strings.Contains(text, "acknowledges nothing new: frame 5") {
		t.Errorf("frame 6 repeats frame 5's ACK:\n%s", text)
	}
	dup := strings.Join(Explain(tl, 7, false), "\n")
	if !strings.Contains(dup, "Duplicate ACK") || exNum(t, dup, `repeats ACK (\d+)`) != tl.Segments[7].RelAck ||
		!strings.Contains(dup, "(duplicate 1 of the ACK in frame 6)") {
		t.Errorf("duplicate ACK not explained with its number:\n%s", dup)
	}
}

func TestExplainFIN(t *testing.T) {
	tl := exSMTP()
	fin := strings.Join(Explain(tl, 9, false), "\n")
	if !strings.Contains(fin, "a FIN consumes one sequence number, so the client's next number will be 7 = 6 + 1") {
		t.Errorf("FIN:\n%s", fin)
	}
	ack := strings.Join(Explain(tl, 10, false), "\n")
	if !strings.Contains(ack, "ACK 7 = 6 + 1: the client's FIN in frame 10 (SEQ 6) consumes one sequence number") {
		t.Errorf("ACK of FIN:\n%s", ack)
	}
}

func TestExplainStates(t *testing.T) {
	tl := exSMTP()
	for i := range tl.Segments {
		text := strings.Join(Explain(tl, i, true), "\n")
		cm, sm := StepTransitions(tl, i)
		for _, m := range append(cm, sm...) {
			if !strings.Contains(text, m.Label()) {
				t.Errorf("seg %d: transition %v→%v %q not named:\n%s", i, m.From, m.To, m.Label(), text)
			}
			if !strings.Contains(text, m.From.String()+" → ") {
				t.Errorf("seg %d: move from %v not shown", i, m.From)
			}
		}
		s := &tl.Segments[i]
		if len(cm) == 0 && !strings.Contains(text, "stay") {
			t.Errorf("seg %d: client stays in %v but the text does not say so:\n%s", i, s.Client, text)
		}
	}
	// The first SYN moves the client CLOSED → SYN_SENT and the server LISTEN → SYN_RECEIVED.
	cm, sm := StepTransitions(tl, 0)
	if len(cm) == 0 || cm[0].From != Closed || cm[len(cm)-1].To != SynSent {
		t.Errorf("client moves at the SYN: %+v", cm)
	}
	if len(sm) == 0 || sm[0].From != Listen || sm[len(sm)-1].To != SynReceived {
		t.Errorf("server moves at the SYN: %+v", sm)
	}
	// Frame 3 moves only the server.
	cm, sm = StepTransitions(tl, 2)
	if len(cm) != 0 || len(sm) == 0 || sm[len(sm)-1].To != Established {
		t.Errorf("frame 3: client %+v server %+v", cm, sm)
	}
}

func TestExplainEvents(t *testing.T) {
	tl := exSMTP()
	rt := strings.Join(Explain(tl, 8, true), "\n")
	if !strings.Contains(rt, "Retransmission") || exNum(t, rt, `Its SEQ \d+ is below (\d+)`) != exISNC+6 {
		t.Errorf("retransmission:\n%s", rt)
	}
	zw := strings.Join(Explain(tl, 12, true), "\n")
	if !strings.Contains(zw, "Zero window") || !strings.Contains(zw, "window of 0") {
		t.Errorf("zero window:\n%s", zw)
	}
}

func TestExplainAssumed(t *testing.T) {
	C, S := exISNC, exISNS
	tl := exBuildTL([2]State{Established, Established}, []exSegSpec{
		{C2S, PSH | ACK, C + 100, S + 50, 10, 500, Established, Established, 0},
		{S2C, ACK, S + 50, C + 110, 0, 500, Established, Established, 0},
	})
	c := tl.Conversations[0]
	c.Assumed = true
	c.BaseFromSYN = [2]bool{false, false}
	c.Base = [2]uint32{C + 100, S + 50}
	for i := range tl.Segments {
		s := &tl.Segments[i]
		s.RelSeq = s.Seq - c.Base[s.Dir]
		s.RelAck = s.Ack - c.Base[exOther(s.Dir)]
	}
	text := strings.Join(Explain(tl, 0, false), "\n")
	if !strings.Contains(text, "states before it were assumed") {
		t.Errorf("no word on assumed states:\n%s", text)
	}
	if got := exNum(t, text, `first sequence number seen from it, (\d+): they are a guess`); got != C+100 {
		t.Errorf("guessed base %d, want %d", got, C+100)
	}
	abs := strings.Join(Explain(tl, 0, true), "\n")
	if strings.Contains(abs, "guess") {
		t.Errorf("absolute numbers involve no guessed base:\n%s", abs)
	}
	// The ACK of frame 2 covers frame 1's 10 bytes: relative 10 = 0 + 10.
	ack := strings.Join(Explain(tl, 1, false), "\n")
	if !strings.Contains(ack, "ACK 10 = 0 + 10") {
		t.Errorf("frame 2:\n%s", ack)
	}
}

func TestExplainFrame(t *testing.T) {
	tl := exSMTP()
	// Frames 14 and 15: two fragments; 16: an ICMP frag-needed error quoting frame 6.
	tl.Frames = append(tl.Frames,
		Frame{Kind: FrameFragment, Seg: -1, Stream: 0},
		Frame{Kind: FrameFragment, Seg: -1, Stream: 0},
		Frame{Kind: FrameICMP, Seg: -1, Stream: 0},
		Frame{Kind: FrameOther, Seg: -1, Stream: -1, Note: 1},
	)
	tl.Notes = append(tl.Notes, "ARP who-has 10.0.0.2\x1b[2J")
	tl.Fragments = []Fragment{
		{Frame: 14, ID: 0x1c46, MF: true, Offset: 0, Len: 1480, Completes: 6},
		{Frame: 15, ID: 0x1c46, MF: false, Offset: 1480, Len: 20, Completes: 0},
	}
	tl.ICMP = []ICMPError{{Frame: 16, Stream: 0, Src: Endpoint{Addr: netip.MustParseAddr("192.0.2.1")}, Dst: exEpC,
		Kind: "frag_needed", Type: 3, Code: 4, MTU: 1400, QuotedSrc: exEpC, QuotedDst: exEpS, QuotedSeq: exISNC + 1}}

	f1 := strings.Join(ExplainFrame(tl, 14), "\n")
	for _, want := range []string{"offset 0 bytes", "ID 7238 (0x1c46)", "MF (more fragments) is set", "follows byte 1480",
		"1480 bytes", "Frame 6 completes the datagram", fmt.Sprintf("SEQ %d", exISNC+1)} {
		if !strings.Contains(f1, want) {
			t.Errorf("fragment 14: want %q in:\n%s", want, f1)
		}
	}
	f2 := strings.Join(ExplainFrame(tl, 15), "\n")
	for _, want := range []string{"offset 1480 bytes", "MF (more fragments) is clear", "last fragment", "No frame of the capture completes"} {
		if !strings.Contains(f2, want) {
			t.Errorf("fragment 15: want %q in:\n%s", want, f2)
		}
	}
	ic := strings.Join(ExplainFrame(tl, 16), "\n")
	for _, want := range []string{"type 3 code 4", "MTU of 1400 bytes", "from 192.0.2.1 to 10.0.0.1", fmt.Sprintf("SEQ %d (relative 1)", exISNC+1), "sent by the client", "DF"} {
		if !strings.Contains(ic, want) {
			t.Errorf("icmp: want %q in:\n%s", want, ic)
		}
	}
	exOther := strings.Join(ExplainFrame(tl, 17), "\n")
	if strings.ContainsRune(exOther, 0x1b) || !strings.Contains(exOther, "ARP") {
		t.Errorf("note must be shown and made safe: %q", exOther)
	}
	if tcp := ExplainFrame(tl, 6); len(tcp) == 0 || !strings.HasPrefix(tcp[0], "Frame 6") {
		t.Errorf("a TCP frame explains its segment: %q", tcp)
	}
	for _, bad := range []uint32{0, 18, 1 << 31} {
		if got := ExplainFrame(tl, bad); got != nil {
			t.Errorf("frame %d out of range: %q", bad, got)
		}
	}
}

func TestExplainOutOfRange(t *testing.T) {
	tl := exSMTP()
	for _, i := range []int{-1, len(tl.Segments), 1 << 30} {
		if Explain(tl, i, true) != nil {
			t.Errorf("Explain(%d) should be nil", i)
		}
	}
	if Explain(nil, 0, true) != nil || ExplainFrame(nil, 1) != nil {
		t.Error("nil timeline")
	}
	// A segment of a conversation that does not exist must not panic.
	tl.Segments[0].Stream = 7
	_ = Explain(tl, 0, true)
}
