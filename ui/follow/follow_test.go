package follow

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/tcpstep/tcpstep/internal/testsample"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
)

// followOf reassembles conversation 0 of an embedded sample.
func followOf(t *testing.T, name string) (*model.Timeline, []model.FollowChunk) {
	t.Helper()
	in, tl := testsample.Open(t, name)
	chunks, err := model.FollowDialogue(tl, tl.Conversations[0], func(seg int) ([]byte, error) { return in.Payload(tl, seg) })
	if err != nil {
		t.Fatal(err)
	}
	return tl, chunks
}

// hostileFollow is a hand-built conversation whose payload tries to reach
// the terminal: an escape sequence that would clear the screen and retitle
// the window, C1 controls, bytes that are not UTF-8, a bidi override, wide
// characters; with a gap the server acknowledged, a cut, and data behind a
// gap nobody acknowledged.
func hostileFollow(t *testing.T) (*model.Timeline, []model.FollowChunk) {
	t.Helper()
	cli := model.Endpoint{Addr: netip.MustParseAddr("192.0.2.1"), Port: 40000}
	srv := model.Endpoint{Addr: netip.MustParseAddr("192.0.2.2"), Port: 23}
	b := model.NewBuilder()
	payload := map[int][]byte{}
	n := 0
	add := func(c2s bool, flags model.Flags, seq, ack uint32, data string, wire int) {
		p := model.Packet{Seq: seq, Ack: ack, Flags: flags, Len: uint32(wire), Win: 1000, WinScale: -1, Src: srv, Dst: cli}
		if c2s {
			p.Src, p.Dst = cli, srv
		}
		n++
		p.Frame, p.TimeNS = uint32(n), int64(n)*1e6
		b.AddPacket(model.Frame{TimeNS: p.TimeNS}, &p)
		payload[n-1] = []byte(data)
	}
	add(true, model.SYN, 1000, 0, "", 0)
	add(false, model.SYN|model.ACK, 5000, 1001, "", 0)
	add(true, model.ACK, 1001, 5001, "", 0)
	login := "login: \x1b[2J\x1b]0;pwned\x07root\r\n"
	add(true, model.PSH|model.ACK, 1001, 5001, login, len(login))
	reply := "Password: \x85\x9b\xff\xfe ok \u202eevil\u202c 日本語\tdone\r\n"
	add(false, model.PSH|model.ACK, 5001, 1001+uint32(len(login)), reply, len(reply))
	// Client data after a 10-byte hole, acknowledged by the server.
	c2 := uint32(1001 + len(login))
	add(true, model.ACK, c2+10, 5001+uint32(len(reply)), "after the gap\n", 14)
	add(false, model.ACK, 5001+uint32(len(reply)), c2+24, "", 0)
	// A server segment cut by the snap length: 40 bytes sent, 12 captured.
	s2 := 5001 + uint32(len(reply))
	add(false, model.ACK, s2, c2+24, "captured par", 40)
	// Client data behind a hole nobody acknowledged.
	add(true, model.ACK, c2+24+5, s2+40, "tail", 4)
	tl := b.Finish()
	chunks, err := model.FollowDialogue(tl, tl.Conversations[0], func(seg int) ([]byte, error) { return payload[seg], nil })
	if err != nil {
		t.Fatal(err)
	}
	return tl, chunks
}

type followCase struct {
	name     string
	tl       *model.Timeline
	chunks   []model.FollowChunk
	selected int
	hex      bool
	w, h     int
	top      int
}

func followCases(t *testing.T) []followCase {
	smtpTL, smtp := followOf(t, "smtp-figure10")
	lossyTL, lossy := followOf(t, "lossy-transfer")
	hostTL, host := hostileFollow(t)
	var cases []followCase
	// The SMTP dialogue with the server's HELP reply selected (frame 9).
	for _, sz := range [][2]int{{80, 24}, {40, 16}} {
		cases = append(cases, followCase{fmt.Sprintf("smtp-text-%dx%d", sz[0], sz[1]), smtpTL, smtp, testsample.Seg(t, smtpTL, 9), false, sz[0], sz[1], 0})
	}
	cases = append(cases,
		followCase{"smtp-hex-80x24", smtpTL, smtp, testsample.Seg(t, smtpTL, 9), true, 80, 24, 0},
		followCase{"smtp-hex-50x12", smtpTL, smtp, testsample.Seg(t, smtpTL, 9), true, 50, 12, 0},
		// The timeout retransmission (frame 35) highlights the bytes
		// placed from frame 34; scrolled to it.
		followCase{"lossy-retransmission-hex-80x10", lossyTL, lossy, testsample.Seg(t, lossyTL, 35), true, 80, 10, 10000},
		followCase{"hostile-text-60x14", hostTL, host, 4, false, 60, 14, 0},
		followCase{"hostile-hex-80x20", hostTL, host, 7, true, 80, 20, 0},
		followCase{"empty", hostTL, nil, -1, false, 40, 3, 0},
	)
	return cases
}

// TestFollowGolden pins the follow view's text (colours stripped) for
// samples and a hostile payload, as text and as hex.
func TestFollowGolden(t *testing.T) {
	for _, c := range followCases(t) {
		t.Run(c.name, func(t *testing.T) {
			var conv *model.Conversation
			if len(c.tl.Conversations) > 0 {
				conv = c.tl.Conversations[0]
			}
			out := renderFollow(NewStyles(true), c.tl, conv, c.chunks, c.selected, c.hex, c.w, c.h, c.top)
			golden.RequireEqual(t, ansi.Strip(out))
		})
	}
}

// TestFollowFitsEveryWidth sweeps widths and heights: exactly h lines, none
// wider than w, and no control byte other than the line breaks once the
// styling is stripped, so nothing from the capture can reach the terminal.
func TestFollowFitsEveryWidth(t *testing.T) {
	for _, c := range followCases(t) {
		conv := c.tl.Conversations[0]
		for _, hex := range []bool{false, true} {
			for w := 1; w <= 130; w++ {
				for _, h := range []int{1, 5, 30} {
					for _, top := range []int{0, 3, 1 << 30} {
						out := renderFollow(NewStyles(w%2 == 0), c.tl, conv, c.chunks, c.selected, hex, w, h, top)
						lines := strings.Split(out, "\n")
						if len(lines) != h {
							t.Fatalf("%s hex=%v %dx%d: %d lines", c.name, hex, w, h, len(lines))
						}
						for i, l := range lines {
							if lw := ansi.StringWidth(l); lw > w {
								t.Fatalf("%s hex=%v %dx%d: line %d is %d wide: %q", c.name, hex, w, h, i, lw, ansi.Strip(l))
							}
							for _, r := range ansi.Strip(l) {
								if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0x202e {
									t.Fatalf("%s hex=%v %dx%d: line %d holds control %U: %q", c.name, hex, w, h, i, r, ansi.Strip(l))
								}
							}
						}
					}
				}
			}
		}
	}
}

// TestFollowTextKeepsEveryByte checks that the text lines, read back, are
// the payload: each line's cells decode to exactly its bytes, and the lines
// of a chunk cover its bytes once, in order.
func TestFollowTextKeepsEveryByte(t *testing.T) {
	tl, chunks := hostileFollow(t)
	_ = tl
	for _, w := range []int{3, 10, 33, 80} {
		lay := layoutFollow(chunks, false, w)
		next := map[int]int{}
		for _, ln := range lay.lines {
			if ln.kind != followText {
				continue
			}
			if ln.lo != next[ln.chunk] || ln.hi <= ln.lo {
				t.Fatalf("w=%d chunk %d: line %d-%d after %d", w, ln.chunk, ln.lo, ln.hi, next[ln.chunk])
			}
			next[ln.chunk] = ln.hi
		}
		for i, ch := range chunks {
			if ch.Kind == model.ChunkData && next[i] != len(ch.Data) {
				t.Errorf("w=%d chunk %d: lines cover %d of %d bytes", w, i, next[i], len(ch.Data))
			}
		}
	}
	// The pictures: ESC as ␛, BEL as ␇, CR LF as ␍␊, C1 and bad bytes as
	// \xNN, the bidi override escaped.
	out := ansi.Strip(renderFollow(NewStyles(false), tl, tl.Conversations[0], chunks, -1, false, 200, 20, 0))
	for _, want := range []string{"␛[2J␛]0;pwned␇root␍␊", `\x85\x9b\xff\xfe ok \u202eevil\u202c 日本語␉done␍␊`, "[10 bytes missing]", "[28 bytes not captured]", "[5 bytes missing, never acknowledged]"} {
		if !strings.Contains(out, want) {
			t.Errorf("view lacks %q:\n%s", want, out)
		}
	}
}

// TestFollowSegLine maps segments to lines and back on the lossy sample.
func TestFollowSegLine(t *testing.T) {
	tl, chunks := followOf(t, "lossy-transfer")
	lay := layoutFollow(chunks, true, 80)
	// Frame 22 is the first copy of SEQ 4345 the capture point saw (the
	// original was lost before it), so it shows its own bytes.
	for _, frame := range []uint32{4, 22, 27, 28, 34} {
		seg := testsample.Seg(t, tl, frame)
		line := followSegLine(tl, chunks, lay, seg)
		if line < 0 {
			t.Fatalf("frame %d: no line", frame)
		}
		if got := followLineSeg(chunks, lay, line); got != seg {
			t.Errorf("frame %d: line %d shows segment of frame %d", frame, line, tl.Segments[got].Frame)
		}
	}
	// The request's retransmission (frame 5) maps to frame 4's bytes: the
	// first copy wins.
	l4 := followSegLine(tl, chunks, lay, testsample.Seg(t, tl, 4))
	if l5 := followSegLine(tl, chunks, lay, testsample.Seg(t, tl, 5)); l5 != l4 {
		t.Errorf("frame 5 at line %d, frame 4 at %d", l5, l4)
	}
	// A bare ACK (frame 15) maps to where the dialogue stood: the last
	// line placed by then, which shows frame 14 or earlier.
	l15 := followSegLine(tl, chunks, lay, testsample.Seg(t, tl, 15))
	if got := followLineSeg(chunks, lay, l15); got < 0 || tl.Segments[got].Frame > 14 {
		t.Errorf("frame 15 at line %d showing segment %d", l15, got)
	}
	// The SYN carried nothing and comes before any data.
	if l := followSegLine(tl, chunks, lay, testsample.Seg(t, tl, 1)); l != -1 {
		t.Errorf("SYN at line %d, want -1", l)
	}
	if top := followTop(500, 0, 20, 1000); top > 500 || top+20 <= 500 {
		t.Errorf("followTop(500) = %d: line off screen", top)
	}
	if top := followTop(5, 0, 20, 1000); top != 0 {
		t.Errorf("followTop of a visible line moved to %d", top)
	}
}

// TestPane drives the view as the stepper does: a conversation is wanted
// until its reassembly starts, says it is on its way until it is done, then
// draws what Render draws; ↓ in the dialogue names the next segment whose
// bytes it shows; m switches to hex; a grown conversation is wanted again.
func TestPane(t *testing.T) {
	tl, chunks := followOf(t, "smtp-figure10")
	c := tl.Conversations[0]
	p := NewPane(NewStyles(true))
	ctx := pane.Context{TL: tl, Conv: c, Seg: testsample.Seg(t, tl, 6)}
	if !p.Wants(c) {
		t.Fatal("a conversation never reassembled is not wanted")
	}
	p.Start(c)
	if p.Wants(c) || !strings.Contains(ansi.Strip(p.View(ctx, 80, 20)), "reassembling") {
		t.Fatal("a reassembly under way is wanted again, or not said")
	}
	p.Done(c, chunks, nil)
	p.Prepare(ctx, 80, 20)
	out := p.View(ctx, 80, 20)
	body := strings.SplitN(out, "\n", 2)[1]
	if want := renderFollow(NewStyles(true), tl, c, chunks, ctx.Seg, false, 80, bodyHeight(20), p.top); body != want {
		t.Errorf("the dialogue differs from renderFollow:\n%s\nwant\n%s", ansi.Strip(body), ansi.Strip(want))
	}
	next := p.Step(ctx, 80, 1)
	if next <= ctx.Seg || tl.Segments[next].Len == 0 {
		t.Errorf("↓ from frame 6 gives segment %d, want a later one with bytes", next)
	}
	if !p.Key(ctx, pane.KeyMode, 80, 20).Used || !p.Hex() || p.Mode() != "hex" {
		t.Error("m does not switch to hex")
	}
	p.Forget(c)
	if !p.Wants(c) {
		t.Error("a forgotten conversation is not wanted again")
	}
}
