package model

import (
	"bytes"
	"errors"
	"net/netip"
	"strings"
	"testing"
)

// followConv builds a one-conversation timeline from hand-written segments
// and keeps each segment's payload for the getter. The expected results
// below come from TCP arithmetic: a SYN and a FIN take one sequence number
// each and carry no byte, data is placed by sequence number.
type followConv struct {
	b        *Builder
	payloads map[int][]byte
	asked    map[int]int
	n        int
}

func newFollowConv() *followConv {
	return &followConv{b: NewBuilder(), payloads: map[int][]byte{}, asked: map[int]int{}}
}

var (
	fcli = Endpoint{netip.MustParseAddr("192.0.2.1"), 40000}
	fsrv = Endpoint{netip.MustParseAddr("192.0.2.2"), 25}
)

// seg adds a segment; data is its captured payload, n its length on the
// wire (n > len(data) is a segment cut by the snap length; n < 0 means
// len(data)).
func (f *followConv) seg(c2s bool, flags Flags, seq, ack uint32, data string, n int) int {
	if n < 0 {
		n = len(data)
	}
	p := Packet{Seq: seq, Ack: ack, Flags: flags, Len: uint32(n), Win: 1000, WinScale: -1}
	p.Src, p.Dst = fsrv, fcli
	if c2s {
		p.Src, p.Dst = fcli, fsrv
	}
	f.n++
	p.Frame = uint32(f.n)
	p.TimeNS = int64(f.n) * 1000
	f.b.AddPacket(Frame{TimeNS: p.TimeNS}, &p)
	idx := f.n - 1
	f.payloads[idx] = []byte(data)
	return idx
}

func (f *followConv) c(flags Flags, seq, ack uint32, data string) int {
	return f.seg(true, flags, seq, ack, data, -1)
}

func (f *followConv) s(flags Flags, seq, ack uint32, data string) int {
	return f.seg(false, flags, seq, ack, data, -1)
}

func (f *followConv) getter(seg int) ([]byte, error) {
	f.asked[seg]++
	p, ok := f.payloads[seg]
	if !ok {
		return nil, errors.New("no such segment")
	}
	return bytes.Clone(p), nil
}

func (f *followConv) follow(t *testing.T, d Dir) (*Timeline, []FollowChunk) {
	t.Helper()
	tl := f.b.Finish()
	if len(tl.Conversations) != 1 {
		t.Fatalf("%d conversations, want 1", len(tl.Conversations))
	}
	chunks, err := FollowDir(tl, tl.Conversations[0], d, f.getter)
	if err != nil {
		t.Fatal(err)
	}
	checkChunks(t, chunks)
	return tl, chunks
}

// checkChunks asserts what holds for any direction's chunks: contiguous in
// sequence space, each one non-empty.
func checkChunks(t *testing.T, chunks []FollowChunk) {
	t.Helper()
	for i := range chunks {
		ch := &chunks[i]
		if ch.Len() <= 0 {
			t.Errorf("chunk %d: empty %+v", i, ch)
		}
		if i > 0 {
			prev := &chunks[i-1]
			if prev.Off+prev.Len() != ch.Off || prev.Seq+uint32(prev.Len()) != ch.Seq {
				t.Errorf("chunk %d at off %d seq %d does not follow chunk %d (off %d seq %d len %d)", i, ch.Off, ch.Seq, i-1, prev.Off, prev.Seq, prev.Len())
			}
			if ch.Ready < prev.Ready {
				t.Errorf("chunk %d ready at %d, before chunk %d (%d)", i, ch.Ready, i-1, prev.Ready)
			}
		}
	}
}

// describe renders chunks compactly: "data@1:hello(seg 3)" "gap@11:10".
func describe(chunks []FollowChunk) string {
	var b strings.Builder
	for i, ch := range chunks {
		if i > 0 {
			b.WriteByte(' ')
		}
		switch ch.Kind {
		case ChunkData:
			b.WriteString("data@" + itoa(int(ch.Seq)) + ":" + string(ch.Data) + "(" + itoa(ch.Seg) + ")")
		case ChunkGap:
			b.WriteString("gap@" + itoa(int(ch.Seq)) + ":" + itoa(int(ch.Missing)))
		case ChunkCut:
			b.WriteString("cut@" + itoa(int(ch.Seq)) + ":" + itoa(int(ch.Missing)))
		}
		if ch.Unacked {
			b.WriteString("!")
		}
	}
	return b.String()
}

func itoa(n int) string {
	if n < 0 {
		return "-" + itoa(-n)
	}
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// handshake opens the conversation: client ISN 1000, server ISN 5000.
func (f *followConv) handshake() {
	f.c(SYN, 1000, 0, "")
	f.s(SYN|ACK, 5000, 1001, "")
	f.c(ACK, 1001, 5001, "")
}

func TestFollowInOrderBothDirections(t *testing.T) {
	f := newFollowConv()
	f.handshake()
	f.c(PSH|ACK, 1001, 5001, "EHLO x\r\n")   // seg 3
	f.s(PSH|ACK, 5001, 1009, "250 hi\r\n")   // seg 4
	f.c(PSH|ACK|FIN, 1009, 5009, "QUIT\r\n") // seg 5: data and FIN
	f.s(FIN|ACK, 5009, 1016, "")             // seg 6
	f.c(ACK, 1016, 5010, "")                 // seg 7
	tl, c2s := f.follow(t, C2S)
	if got, want := describe(c2s), "data@1:EHLO x\r\n(3) data@9:QUIT\r\n(5)"; got != want {
		t.Errorf("c2s = %q, want %q", got, want)
	}
	for seg := range f.asked {
		if tl.Segments[seg].Dir != C2S {
			t.Errorf("FollowDir(C2S) asked for server segment %d", seg)
		}
	}
	dl, err := FollowDialogue(tl, tl.Conversations[0], f.getter)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := describe(dl), "data@1:EHLO x\r\n(3) data@1:250 hi\r\n(4) data@9:QUIT\r\n(5)"; got != want {
		t.Errorf("dialogue = %q, want %q", got, want)
	}
	if got := string(FollowBytes(c2s)); got != "EHLO x\r\nQUIT\r\n" {
		t.Errorf("FollowBytes = %q", got)
	}
}

func TestFollowRetransmissionPlacedOnce(t *testing.T) {
	f := newFollowConv()
	f.handshake()
	f.c(ACK, 1001, 5001, "abcde") // 3
	f.c(ACK, 1001, 5001, "XXXXX") // 4: retransmission with other bytes: the first copy wins
	f.c(ACK, 1004, 5001, "YYfgh") // 5: overlaps the last two bytes, extends by three
	f.c(ACK, 1009, 5001, "ijk")   // 6
	f.c(ACK, 1006, 5001, "fghij") // 7: entirely old
	tl, c2s := f.follow(t, C2S)
	if got, want := describe(c2s), "data@1:abcde(3) data@6:fgh(5) data@9:ijk(6)"; got != want {
		t.Errorf("c2s = %q, want %q", got, want)
	}
	// The retransmission carried bytes 1-5, placed from segment 3.
	if lo, hi := c2s[0].SegRange(tl, 4); lo != 0 || hi != 5 {
		t.Errorf("SegRange(retransmission) = %d,%d, want 0,5", lo, hi)
	}
	// Segment 7 carried seq 6-10: all of chunk 1 and the first two of chunk 2.
	if lo, hi := c2s[1].SegRange(tl, 7); lo != 0 || hi != 3 {
		t.Errorf("SegRange(seg 7, chunk 1) = %d,%d, want 0,3", lo, hi)
	}
	if lo, hi := c2s[2].SegRange(tl, 7); lo != 0 || hi != 2 {
		t.Errorf("SegRange(seg 7, chunk 2) = %d,%d, want 0,2", lo, hi)
	}
	if lo, hi := c2s[0].SegRange(tl, 6); lo != hi {
		t.Errorf("SegRange(seg 6, chunk 0) = %d,%d, want empty", lo, hi)
	}
}

func TestFollowOutOfOrder(t *testing.T) {
	f := newFollowConv()
	f.handshake()
	f.c(ACK, 1001, 5001, "11111") // 3
	f.c(ACK, 1011, 5001, "33333") // 4: early
	f.c(ACK, 1016, 5001, "44444") // 5: early
	f.c(ACK, 1006, 5001, "22222") // 6: fills the hole
	f.s(ACK, 5001, 1021, "")      // 7
	_, c2s := f.follow(t, C2S)
	if got, want := describe(c2s), "data@1:11111(3) data@6:22222(6) data@11:33333(4) data@16:44444(5)"; got != want {
		t.Errorf("c2s = %q, want %q", got, want)
	}
	// The early data became readable when the hole was filled.
	for _, ch := range c2s[1:] {
		if ch.Ready != 6 {
			t.Errorf("chunk at %d ready at segment %d, want 6", ch.Seq, ch.Ready)
		}
	}
}

func TestFollowWaitingCopiesInArrivalOrder(t *testing.T) {
	// Two early copies of overlapping ranges with different bytes: when
	// the hole fills, the copy that arrived first is placed first, and the
	// second adds only what lies beyond it (Wireshark's rule).
	f := newFollowConv()
	f.handshake()
	f.c(ACK, 1006, 5001, "BBB")   // 3: seq 6-8
	f.c(ACK, 1006, 5001, "ccccc") // 4: seq 6-10
	f.c(ACK, 1001, 5001, "AAAAA") // 5: seq 1-5
	_, c2s := f.follow(t, C2S)
	if got, want := describe(c2s), "data@1:AAAAA(5) data@6:BBB(3) data@9:cc(4)"; got != want {
		t.Errorf("c2s = %q, want %q", got, want)
	}
}

func TestFollowInOrderBeatsWaitingCopy(t *testing.T) {
	// Data that arrives in order is placed at once, even over bytes an
	// early copy holds: the early copy gives only what lies beyond.
	f := newFollowConv()
	f.handshake()
	f.c(ACK, 1001, 5001, "aaaaa")   // 3: seq 1-5
	f.c(ACK, 1009, 5001, "XXXXX")   // 4: seq 9-13, early
	f.c(ACK, 1006, 5001, "bbbbbbb") // 5: seq 6-12, in order
	_, c2s := f.follow(t, C2S)
	if got, want := describe(c2s), "data@1:aaaaa(3) data@6:bbbbbbb(5) data@13:X(4)"; got != want {
		t.Errorf("c2s = %q, want %q", got, want)
	}
}

func TestFollowGapAcknowledged(t *testing.T) {
	f := newFollowConv()
	f.handshake()
	f.c(ACK, 1001, 5001, "0123456789") // 3: seq 1-10
	f.c(ACK, 1021, 5001, "KLMNOPQRST") // 4: seq 21-30; 11-20 never captured
	ack := f.s(ACK, 5001, 1031, "")    // 5: the server got it all
	f.c(ACK, 1031, 5001, "more")       // 6
	_, c2s := f.follow(t, C2S)
	if got, want := describe(c2s), "data@1:0123456789(3) gap@11:10 data@21:KLMNOPQRST(4) data@31:more(6)"; got != want {
		t.Fatalf("c2s = %q, want %q", got, want)
	}
	if c2s[1].Ready != ack || c2s[1].Seg != ack || c2s[2].Ready != ack {
		t.Errorf("gap ready %d seg %d, data after it ready %d; want the ACK, segment %d", c2s[1].Ready, c2s[1].Seg, c2s[2].Ready, ack)
	}
	for _, ch := range c2s {
		if ch.Unacked {
			t.Errorf("chunk at %d marked unacked", ch.Seq)
		}
	}
}

func TestFollowGapNeverAcknowledged(t *testing.T) {
	// The receiver never acknowledges past the hole (a one-sided capture):
	// the data behind it is placed at the end, marked Unacked, where
	// Wireshark would leave it out.
	f := newFollowConv()
	f.handshake()
	f.c(ACK, 1001, 5001, "01234") // 3
	f.c(ACK, 1011, 5001, "ABCDE") // 4
	f.c(ACK, 1021, 5001, "abcde") // 5
	f.s(ACK, 5001, 1006, "")      // 6: acknowledges only the first
	_, c2s := f.follow(t, C2S)
	if got, want := describe(c2s), "data@1:01234(3) gap@6:5! data@11:ABCDE(4)! gap@16:5! data@21:abcde(5)!"; got != want {
		t.Errorf("c2s = %q, want %q", got, want)
	}
}

func TestFollowSYNAndFINCarryNoByte(t *testing.T) {
	// TCP Fast Open: data on the SYN starts one past the ISN.
	f := newFollowConv()
	f.c(SYN, 7000, 0, "GET /")        // 0
	f.s(SYN|ACK, 9000, 7006, "")      // 1
	f.c(ACK|FIN, 7006, 9001, " HTTP") // 2: data then FIN
	f.c(ACK, 7012, 9001, "")          // 3
	_, c2s := f.follow(t, C2S)
	if got, want := describe(c2s), "data@1:GET /(0) data@6: HTTP(2)"; got != want {
		t.Errorf("c2s = %q, want %q", got, want)
	}
}

func TestFollowCutBySnapLength(t *testing.T) {
	f := newFollowConv()
	f.handshake()
	f.seg(true, ACK, 1001, 5001, "abc", 10) // 3: 10 bytes sent, 3 captured
	f.seg(true, ACK, 1011, 5001, "", 5)     // 4: nothing captured
	f.c(ACK, 1016, 5001, "xyz")             // 5
	f.c(ACK, 1004, 5001, "defghij")         // 6: a retransmission of the cut part comes too late
	_, c2s := f.follow(t, C2S)
	if got, want := describe(c2s), "data@1:abc(3) cut@4:7 cut@11:5 data@16:xyz(5)"; got != want {
		t.Errorf("c2s = %q, want %q", got, want)
	}
}

func TestFollowMidConnection(t *testing.T) {
	// No SYN: the stream starts at the direction's first segment; relative
	// numbers start at 1 (tshark).
	f := newFollowConv()
	f.c(ACK, 33000, 77000, "")      // 0: no data; the stream starts here
	f.s(ACK, 77000, 33000, "hello") // 1
	f.c(ACK, 33000, 77005, "world") // 2
	f.c(ACK, 32990, 77005, "older") // 3: before the start: taken for old
	_, c2s := f.follow(t, C2S)
	if got, want := describe(c2s), "data@1:world(2)"; got != want {
		t.Errorf("c2s = %q, want %q", got, want)
	}
}

func TestFollowSequenceWrap(t *testing.T) {
	// Raw numbers wrap at 2^32 in the middle of the data.
	f := newFollowConv()
	isn := uint32(0xffff_fff0)
	f.c(SYN, isn, 0, "")
	f.s(SYN|ACK, 5000, isn+1, "")
	var want strings.Builder
	seq := isn + 1
	for i := range 8 {
		data := strings.Repeat(string(rune('a'+i)), 7)
		f.c(ACK, seq, 5001, data)
		want.WriteString(data)
		seq += 7
	}
	_, c2s := f.follow(t, C2S)
	if got := string(FollowBytes(c2s)); got != want.String() {
		t.Errorf("bytes = %q, want %q", got, want.String())
	}
	if len(c2s) != 8 {
		t.Errorf("%d chunks, want 8 (no gap)", len(c2s))
	}
}

func TestFollowStreamBeyond4GiB(t *testing.T) {
	// 70,000 segments of 65,535 bytes: 4.6 GB of sequence space, so the
	// relative numbers wrap too. Only one byte of each is captured; the
	// offsets must keep growing with no gap.
	f := newFollowConv()
	f.c(SYN, 100, 0, "")
	f.s(SYN|ACK, 5000, 101, "")
	seq := uint32(101)
	const n, size = 70000, 65535
	for range n {
		f.seg(true, ACK, seq, 5001, "x", size)
		seq += size
	}
	_, c2s := f.follow(t, C2S)
	if len(c2s) != 2*n {
		t.Fatalf("%d chunks, want %d", len(c2s), 2*n)
	}
	last := c2s[len(c2s)-1]
	if got, want := last.Off+last.Len(), int64(n)*size; got != want {
		t.Errorf("stream ends at %d, want %d", got, want)
	}
}

func TestFollowGetterError(t *testing.T) {
	f := newFollowConv()
	f.handshake()
	seg := f.c(ACK, 1001, 5001, "abc")
	delete(f.payloads, seg)
	tl := f.b.Finish()
	if _, err := FollowDir(tl, tl.Conversations[0], C2S, f.getter); err == nil {
		t.Error("no error from a failing payload getter")
	}
	if _, err := FollowDir(tl, tl.Conversations[0], S2C, f.getter); err != nil {
		t.Errorf("the other direction does not need the payload: %v", err)
	}
}

func TestFollowEmpty(t *testing.T) {
	if ch, err := FollowDir(nil, nil, C2S, nil); ch != nil || err != nil {
		t.Errorf("nil timeline: %v %v", ch, err)
	}
	f := newFollowConv()
	f.handshake()
	_, c2s := f.follow(t, C2S)
	if len(c2s) != 0 {
		t.Errorf("handshake only: %s", describe(c2s))
	}
}
