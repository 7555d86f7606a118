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

// exSMTP is a whole connection, built by the Builder so that states and
// events are the model's own: handshake, data both ways (the server's
// numbers wrap past 2^32), a duplicate ACK, a spurious retransmission, an
// orderly close and a zero window after it.
func exSMTP() *Timeline {
	c, s := exISNC, exISNS
	b := &tb{Builder: NewBuilder(), a: exEpC, b: exEpS}
	for i, sg := range []seg{
		C(SYN, c, 0, 0, 0).w(65535),          // 1
		S(SYN|ACK, s, c+1, 0, 0).w(8192),     // 2
		C(ACK, c+1, s+1, 0, 0).w(65535),      // 3
		S(PSH|ACK, s+1, c+1, 20, 0).w(8192),  // 4: greeting, wraps
		C(ACK, c+1, s+21, 0, 0).w(65535),     // 5
		C(PSH|ACK, c+1, s+21, 5, 0).w(65535), // 6: HELO
		S(ACK, s+21, c+6, 0, 0).w(8192),      // 7
		C(ACK, c+6, s+21, 0, 0).w(65535),     // 8: duplicate ACK
		C(PSH|ACK, c+1, s+21, 5, 0).w(65535), // 9: spurious retransmission
		C(FIN|ACK, c+6, s+21, 0, 0).w(65535), // 10
		S(FIN|ACK, s+21, c+7, 0, 0).w(8192),  // 11
		C(ACK, c+7, s+22, 0, 0).w(65535),     // 12
		S(ACK, s+22, c+7, 0, 0).w(0),         // 13: zero window
	} {
		sg.atMS = float64(i)
		b.add(sg)
	}
	return b.Finish()
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

// checkAll runs the part-by-part check on every segment and frame of tl in
// both numberings.
func exCheckAll(t *testing.T, tl *Timeline) int {
	t.Helper()
	n := 0
	for _, abs := range []bool{true, false} {
		for i := range tl.Segments {
			c, errs := CheckExplain(tl, i, abs)
			for _, e := range errs {
				t.Errorf("seg %d abs=%v: %s", i, abs, e)
			}
			n += c
		}
		for f := uint32(1); int(f) <= len(tl.Frames); f++ {
			c, errs := CheckExplainFrame(tl, f, abs)
			for _, e := range errs {
				t.Errorf("frame %d abs=%v: %s", f, abs, e)
			}
			n += c
		}
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
	if eqs < 40 {
		t.Errorf("only %d equations checked; the explanation should show its arithmetic", eqs)
	}
	if n := exCheckAll(t, tl); n < 400 {
		t.Errorf("only %d numbers checked", n)
	}
}

// The checker must catch a wrong number: corrupt one part and see it fail.
func TestExplainCheckerCatchesLies(t *testing.T) {
	tl := exSMTP()
	ps := explainParts(tl, 6, true)
	found := false
	for i := range ps {
		for j := range ps[i] {
			if ps[i][j].kind == partAck && ps[i][j].f == 7 && !found {
				ps[i][j].v++
				found = true
			}
		}
	}
	if !found {
		t.Fatal("frame 7 states no ACK")
	}
	if _, errs := checkParas(tl, ps, true); len(errs) == 0 {
		t.Error("a wrong ACK passed the check")
	}
	bad := []para{{{kind: partText, s: "frame 12 is wrong"}}}
	if _, errs := checkParas(tl, bad, true); len(errs) == 0 {
		t.Error("an untyped number in the text passed the check")
	}
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
			if got := exNum(t, text, `^Frame (\d+)`); got != s.Frame {
				t.Errorf("seg %d: frame %d, want %d", i, got, s.Frame)
			}
		}
	}
}

func exWant(t *testing.T, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("want %q in:\n%s", w, text)
		}
	}
}

func TestExplainHandshake(t *testing.T) {
	tl := exSMTP()
	syn := strings.Join(Explain(tl, 0, true), "\n")
	exWant(t, syn, fmt.Sprintf("first data byte will be %d = %d + 1", exISNC+1, exISNC),
		"A SYN consumes one sequence number", "ACK flag is not set", "unpredictably")
	rel := strings.Join(Explain(tl, 0, false), "\n")
	exWant(t, rel, fmt.Sprintf("SEQ 0 is the client's initial sequence number (ISN), %d on the wire", exISNC))

	// The SYN,ACK acknowledges the client's SYN: ISN + 1 for the SYN of frame 1.
	sa := strings.Join(Explain(tl, 1, true), "\n")
	exWant(t, sa, fmt.Sprintf("%d = %d + 1: the client's SYN in frame 1 (SEQ %d) consumes one sequence number", exISNC+1, exISNC, exISNC),
		"It is the server's first acknowledgement: it covers the client's frame 1.")
	saRel := strings.Join(Explain(tl, 1, false), "\n")
	exWant(t, saRel, "1 = 0 + 1: the client's SYN in frame 1")
	// The third segment moves the server, which shows nothing: its SYN was
	// acknowledged.
	third := strings.Join(Explain(tl, 2, true), "\n")
	exWant(t, third, "The server moves SYN_RECEIVED → ESTABLISHED", "its SYN was acknowledged")
}

func TestExplainDataAck(t *testing.T) {
	tl := exSMTP()
	// Frame 7 acknowledges the 5 bytes of frame 6: the paper's arithmetic.
	text := strings.Join(Explain(tl, 6, true), "\n")
	exWant(t, text,
		fmt.Sprintf("%d = %d + 5: the 5 bytes of the client's segment in frame 6, which starts at SEQ %d", exISNC+6, exISNC+1, exISNC+1),
		fmt.Sprintf("Since its previous ACK %d (frame 4) it newly acknowledges 5 = %d - %d bytes: the client's frame 6.", exISNC+1, exISNC+6, exISNC+1))
	// Frame 5 acknowledges the server's 20 bytes, across the 2^32 wrap.
	text = strings.Join(Explain(tl, 4, true), "\n")
	if got := exNum(t, text, `ACK (\d+) is`); got != exISNS+21 {
		t.Errorf("wrapped ACK %d, want %d", got, exISNS+21)
	}
	exWant(t, text, "the 20 bytes of the server's segment in frame 4")
	exWant(t, strings.Join(Explain(tl, 3, true), "\n"), "wrap around")
	exWant(t, strings.Join(Explain(tl, 3, false), "\n"), "so the server's next byte will be 21 = 1 + 20", "its 20 bytes are numbers 1 to 20")
}

func TestExplainNothingNew(t *testing.T) {
	tl := exSMTP()
	exWant(t, strings.Join(Explain(tl, 5, true), "\n"), "acknowledges nothing new: frame 5") // frame 6 repeats frame 5's ACK
	dup := strings.Join(Explain(tl, 7, false), "\n")
	exWant(t, dup, "Duplicate ACK (duplicate 1 of the ACK in frame 6)", fmt.Sprintf("repeats ACK %d", tl.Segments[7].RelAck),
		fmt.Sprintf("still waits for byte %d", tl.Segments[7].RelAck))
}

func TestExplainFIN(t *testing.T) {
	tl := exSMTP()
	// RFC 9293 §3.5: the FIN takes effect at the server on its own row.
	exWant(t, strings.Join(Explain(tl, 9, false), "\n"),
		"a FIN consumes one sequence number, so the client's next number will be 7 = 6 + 1",
		"The server moves ESTABLISHED → CLOSE_WAIT")
	exWant(t, strings.Join(Explain(tl, 10, false), "\n"),
		"7 = 6 + 1: the client's FIN in frame 10 (SEQ 6) consumes one sequence number",
		"newly acknowledges 1 = 7 - 6 sequence numbers",
		"The client moves FIN_WAIT_1 → TIME_WAIT")
}

// TestExplainPlacedByEvidence checks the explanation of a FIN lost after
// the capture point (RFC 9293 scenario e of testdata/rfc9293): the
// receiver's ACK below it shows it had not arrived, and its retransmission
// is the one that reaches the receiver.
func TestExplainPlacedByEvidence(t *testing.T) {
	b := newTB()
	b.add(C(FIN|ACK, 100, 300, 0, 0))
	b.add(S(PSH|ACK, 300, 100, 10, 1))
	b.add(C(ACK, 101, 310, 0, 2))
	b.add(S(ACK, 310, 100, 0, 3))
	b.add(C(FIN|ACK, 100, 310, 0, 4))
	b.add(S(ACK, 310, 101, 0, 5))
	tl := b.Finish()
	if got := tl.Segments[3].Server(); got != Established {
		t.Fatalf("server before the retransmission %v, want ESTABLISHED", got)
	}
	if got := tl.Segments[4].Server(); got != CloseWait {
		t.Fatalf("server at the retransmission %v, want CLOSE_WAIT", got)
	}
	exWant(t, strings.Join(Explain(tl, 0, false), "\n"),
		"The client's FIN does not reach the server yet: the server's frame 4 shows it had not received it (its ACK number does not cover it).")
	exWant(t, strings.Join(Explain(tl, 3, false), "\n"),
		"This segment shows the server had not received the client's FIN of frame 1 yet")
	exWant(t, strings.Join(Explain(tl, 4, false), "\n"),
		"The server moves ESTABLISHED → CLOSE_WAIT",
		"The client's FIN reaches the server with this segment, not with frame 1: the server's frame 4 showed it had not received that one")
	exCheckAll(t, tl)
}

func TestExplainWindowScale(t *testing.T) {
	b := newTB()
	b.add(C(SYN, 1000, 0, 0, 0).w(64240).scale(7))
	b.add(S(SYN|ACK, 5000, 1001, 0, 1).w(65160).scale(7))
	b.add(C(ACK, 1001, 5001, 0, 2).w(502))
	b.add(C(PSH|ACK, 1001, 5001, 100, 3).w(502))
	tl := b.Finish()
	if got := tl.Conversations[0].WinScale; got != [2]int8{7, 7} {
		t.Fatalf("WinScale %v, want [7 7]", got)
	}
	exWant(t, strings.Join(Explain(tl, 0, false), "\n"), "window of 64240 bytes", "never scaled", "units of 2^7 bytes")
	exWant(t, strings.Join(Explain(tl, 2, false), "\n"),
		"window field is 502; scaled by 2^7, as its SYN announced, that is a receive window of 64256 bytes",
		"up to sequence number 64257 = 1 + 64256")
	exCheckAll(t, tl)

	// One SYN without the option: no scaling, and the SYN,ACK says so.
	b = newTB()
	b.add(C(SYN, 1000, 0, 0, 0).w(65535))
	b.add(S(SYN|ACK, 5000, 1001, 0, 1).w(5840).scale(0))
	b.add(C(ACK, 1001, 5001, 0, 2).w(65535))
	tl = b.Finish()
	if got := tl.Conversations[0].WinScale; got != [2]int8{-1, -1} {
		t.Fatalf("WinScale %v, want [-1 -1]", got)
	}
	exWant(t, strings.Join(Explain(tl, 1, true), "\n"), "did not both carry the window scale option")
	exWant(t, strings.Join(Explain(tl, 2, true), "\n"), "receive window of 65535 bytes")
	exCheckAll(t, tl)
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
			t.Errorf("seg %d: client stays in %v but the text does not say so:\n%s", i, s.Client(), text)
		}
	}
	// RFC 9293 Figure 6: the SYN takes the server to SYN_RECEIVED on its
	// own row, the SYN,ACK the client to ESTABLISHED, and the third segment
	// completes the server's handshake.
	cm, sm := StepTransitions(tl, 0)
	if len(cm) != 1 || cm[0].From != Closed || cm[0].To != SynSent || len(sm) != 1 || sm[0].To != SynReceived {
		t.Errorf("at the SYN: client %+v server %+v", cm, sm)
	}
	exWant(t, strings.Join(Explain(tl, 0, true), "\n"), "The server moves LISTEN → SYN_RECEIVED")
	cm, sm = StepTransitions(tl, 1)
	if len(cm) != 1 || cm[0].From != SynSent || cm[0].To != Established || len(sm) != 0 {
		t.Errorf("at the SYN,ACK: client %+v server %+v", cm, sm)
	}
	exWant(t, strings.Join(Explain(tl, 1, true), "\n"), "The client moves SYN_SENT → ESTABLISHED", "The server stays in SYN_RECEIVED.")
	cm, sm = StepTransitions(tl, 2)
	if len(cm) != 0 || len(sm) != 1 || sm[0].To != Established {
		t.Errorf("frame 3: client %+v server %+v", cm, sm)
	}
}

func TestExplainEvents(t *testing.T) {
	tl := exSMTP()
	dup := strings.Join(Explain(tl, 7, true), "\n")
	exWant(t, dup, "Duplicate ACK (duplicate 1 of the ACK in frame 6)", "three duplicates")
	sp := strings.Join(Explain(tl, 8, true), "\n")
	exWant(t, sp, "Spurious retransmission: everything in it was already acknowledged",
		fmt.Sprintf("it ends at %d = %d + 5 and the server's ACK %d in frame 7 already covers it", exISNC+6, exISNC+1, exISNC+6))
	zw := strings.Join(Explain(tl, 12, true), "\n")
	exWant(t, zw, "Zero window", "window of 0")
}

// A retransmission after the timer, an out-of-order segment and a lost one,
// on a connection whose handshake took 10 ms.
func TestExplainRetransmissionOrReordering(t *testing.T) {
	b := newTB()
	b.handshake()                      // SYN at 0 ms, SYN,ACK at 1, ACK at 2
	b.add(C(ACK, 1001, 5001, 100, 3))  // 4: 1001-1100
	b.add(C(ACK, 1201, 5001, 100, 4))  // 5: 1201-1300, 1101-1200 missing: lost segment
	b.add(C(ACK, 1101, 5001, 100, 5))  // 6: fills the gap 1 ms later: out of order
	b.add(C(ACK, 1001, 5001, 100, 90)) // 7: resent 86 ms later: retransmission
	tl := b.Finish()
	lost := strings.Join(Explain(tl, 4, false), "\n")
	exWant(t, lost, "Previous segment not captured", "SEQ 201 is beyond 101, where frame 4 ended, so 100 = 201 - 101 bytes")
	ooo := strings.Join(Explain(tl, 5, false), "\n")
	exWant(t, ooo, "Out of order: its SEQ 101 is below 301, the next new number after frame 5, yet it comes only 1.000 ms after that frame",
		"the handshake's round-trip time, 2.000 ms from frame 1 to frame 3")
	rt := strings.Join(Explain(tl, 6, false), "\n")
	exWant(t, rt, "Retransmission", "It comes 86.000 ms after frame 5, more than the out-of-order threshold")
	exCheckAll(t, tl)
}

func TestExplainAssumed(t *testing.T) {
	b := newTB()
	b.add(C(PSH|ACK, 7000, 9000, 10, 0))
	b.add(S(ACK, 9000, 7010, 0, 1))
	tl := b.Finish()
	text := strings.Join(Explain(tl, 0, false), "\n")
	exWant(t, text, "states before it were assumed, not seen: client ESTABLISHED, server ESTABLISHED",
		"No SYN from the client was captured, so its relative numbers are a guess at its ISN: they count from 6999 = 7000 - 1, one below the first sequence number seen from the client (frame 1), so that frame's relative SEQ is 1",
		"No SYN from the server was captured, so the relative ACK counts from a guess at its ISN, 8999 = 9000 - 1, one below the ACK of frame 1",
		"The handshake was not captured")
	abs := strings.Join(Explain(tl, 0, true), "\n")
	if strings.Contains(abs, "guess") {
		t.Errorf("absolute numbers involve no guessed base:\n%s", abs)
	}
	// The ACK of frame 2 covers frame 1's 10 bytes: relative 11 = 1 + 10.
	exWant(t, strings.Join(Explain(tl, 1, false), "\n"), "ACK 11 is the next byte", "11 = 1 + 10: the 10 bytes of the client's segment in frame 1")
	exCheckAll(t, tl)
}

func TestExplainFrame(t *testing.T) {
	tl := exSMTP()
	// Frames 14 and 15: two fragments; 16: an ICMP frag-needed error quoting frame 6.
	tl.Frames = append(tl.Frames,
		Frame{Kind: FrameFragment, Stream: 0},
		Frame{Kind: FrameFragment, Stream: 0},
		Frame{Kind: FrameICMP, Stream: 0},
		Frame{Kind: FrameOther, Stream: -1},
	)
	tl.Notes = append(tl.Notes, "ARP who-has 10.0.0.2\x1b[2J")
	tl.FrameNotes = append(tl.FrameNotes, FrameNote{Frame: uint32(len(tl.Frames)), Note: uint32(len(tl.Notes) - 1)})
	tl.Fragments = []Fragment{
		{Frame: 14, ID: 0x1c46, MF: true, Offset: 0, Len: 1480, Completes: 6},
		{Frame: 15, ID: 0x1c46, MF: false, Offset: 1480, Len: 20, Completes: 0},
	}
	tl.ICMP = []ICMPError{{Frame: 16, Stream: 0, Src: Endpoint{Addr: netip.MustParseAddr("192.0.2.1")}, Dst: exEpC,
		Kind: "frag_needed", Type: 3, Code: 4, MTU: 1400, QuotedSrc: exEpC, QuotedDst: exEpS, QuotedSeq: exISNC + 1}}

	f1 := strings.Join(ExplainFrame(tl, 14), "\n")
	for _, want := range []string{"offset 0 bytes", "ID 7238 (0x1c46)", "MF (more fragments) is set", "follows, from offset 1480 = 0 + 1480 on",
		"1480 bytes", "Frame 6 completes the datagram", fmt.Sprintf("SEQ %d", exISNC+1)} {
		if !strings.Contains(f1, want) {
			t.Errorf("fragment 14: want %q in:\n%s", want, f1)
		}
	}
	f2 := strings.Join(ExplainFrame(tl, 15), "\n")
	for _, want := range []string{"offset 1480 bytes", "MF (more fragments) is clear", "last piece", "No frame of the capture completes"} {
		if !strings.Contains(f2, want) {
			t.Errorf("fragment 15: want %q in:\n%s", want, f2)
		}
	}
	ic := strings.Join(ExplainFrame(tl, 16), "\n")
	for _, want := range []string{"type 3 code 4", "MTU of 1400 bytes", "from 192.0.2.1 to 10.0.0.1", fmt.Sprintf("SEQ %d, sent by the client", exISNC+1), "the segment of frame 9 (flags PSH,ACK, 5 bytes)", "DF"} {
		if !strings.Contains(ic, want) {
			t.Errorf("icmp: want %q in:\n%s", want, ic)
		}
	}
	rel := strings.Join(ExplainFrameAs(tl, 16, false), "\n")
	exWant(t, rel, fmt.Sprintf("SEQ 1 (%d on the wire)", exISNC+1))
	exCheckAll(t, tl)
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
	// A segment of a conversation that does not exist, or whose frame is not
	// held, must not panic.
	tl.Frames[tl.Segments[0].Frame-1].Stream = 7
	_ = Explain(tl, 0, true)
	tl.Segments[0].Frame = 1 << 30
	_ = Explain(tl, 0, true)
}

// exNum finds the number after a keyword in the text, e.g. "SEQ 12" -> 12.
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

// TestExplainUnansweredServerIsAGuess checks that a server that never
// answers is said to be guessed: nothing in the capture ties its state to
// LISTEN or SYN_RECEIVED rather than to a dropped SYN.
func TestExplainUnansweredServerIsAGuess(t *testing.T) {
	b := newTB()
	b.add(C(SYN, 1000, 0, 0, 0))
	b.add(C(SYN, 1000, 0, 0, 1))
	tl := b.Finish()
	for i := range tl.Segments {
		exWant(t, strings.Join(Explain(tl, i, false), "\n"), "The server never answers in this capture, so its state is a guess")
	}
	if text := strings.Join(Explain(exSMTP(), 0, false), "\n"); strings.Contains(text, "never answers") {
		t.Errorf("a server that answers is not a guess:\n%s", text)
	}
}
