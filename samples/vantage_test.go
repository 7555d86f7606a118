package samples

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/tcpstep/tcpstep/model"
)

// A sample must be a capture its own vantage point could have taken. When
// the handshake places the observer near one end (model.VantageOf), call
// that end N and the other F: the observer sits between N and the path, so
//
//   - every segment N sends passes the observer before anything can lose
//     it: a segment N sent and that was lost is in the capture once (and N
//     sends it again);
//   - every segment of F that the observer sees goes on to N: nothing lies
//     between them to lose it. A segment of F lost on the path is never in
//     the capture.
//
// The time g it takes for what F sends to show in what N sends is the
// handshake's gap on N's side (SYN,ACK → ACK for a client, SYN → SYN,ACK
// for a server): the round trip observer ⇄ N plus N's turnaround. A
// segment of N that passes the observer at t was sent after a segment of F
// seen at t' reached N whenever t − t' ≥ g (it was sent at t − d and the
// other arrived at t' + d', with d + d' the round trip, which is at most
// g).
//
// From those two facts and RFC 9293's arithmetic, each of these is a
// contradiction, and vantageContradictions reports it:
//
//  1. An ACK of N with acknowledgement number A, sent g or more after the
//     observer saw a segment S of F that carries sequence number A
//     (S.SEQ ≤ A < S.SEQ + S.LEN, SYN and FIN counted). S reached N, and an
//     acceptable segment containing RCV.NXT moves RCV.NXT past its end
//     (§3.10.7.4), so N's ACK is above A. The receiver may refuse S only
//     when its window is zero, so a zero window probe is exempt.
//  2. A segment of N that the analysis calls lost_segment (its SEQ is
//     beyond the highest SEQ seen from N): N's sequence space passes the
//     observer in full.
//  3. Any ack_lost_segment: an ACK of F above what N was seen to send
//     means N sent something that did not pass the observer; an ACK of N
//     above what F was seen to send means something reached N without
//     passing it.
//  4. A retransmission by F of bytes the observer saw earlier (at t1, the
//     copy retransmitted at t2), with no ACK at all from N between t1 + g
//     and t2. The first copy reached N, which acknowledges what it
//     receives within its delayed-ACK bound (at most 0.5 s, §3.8.6.3;
//     200 ms on Linux) or at once for a duplicate or out-of-order segment
//     (RFC 5681 §4.2); F's retransmission timer does not fire before that
//     (at least 1 s by RFC 6298 (2.4), 200 ms plus the round trip on
//     Linux). So an ACK of N came first, and it would have passed the
//     observer.
//  5. A retransmission by N of bytes that an ACK of F, seen g or more
//     before it, had acknowledged: that ACK reached N, which does not
//     resend what is acknowledged (SND.UNA moved past it).
//
// Captures taken between the ends, on the host that is both, or without a
// complete handshake place nothing, and are not judged.
func vantageContradictions(tl *model.Timeline) []string {
	var out []string
	for stream, c := range tl.Conversations {
		v := model.VantageOf(tl, stream)
		var near model.Dir
		var g time.Duration
		switch v.Kind {
		case model.VantageClient:
			near, g = model.C2S, v.SynAckToAck
		case model.VantageServer:
			near, g = model.S2C, v.SynToSynAck
		default:
			continue
		}
		segs := make([]*model.Segment, len(c.Segs))
		for k, si := range c.Segs {
			segs[k] = &tl.Segments[si]
		}
		at := func(s *model.Segment) time.Duration { return time.Duration(tl.SegTime(s)) }
		fail := func(s *model.Segment, format string, args ...any) {
			out = append(out, fmt.Sprintf("stream %d (%s) frame %d: %s", stream, v.Kind, s.Frame, fmt.Sprintf(format, args...)))
		}
		for k, s := range segs {
			fromNear := s.Dir == near
			// 1: an ACK of N that ignores a segment of F seen near N.
			if fromNear && s.Flags.Has(model.ACK) && !s.Flags.Has(model.RST) {
				for _, f := range segs[:k] {
					if f.Dir == near || f.SeqLen() == 0 || f.Events.Has(model.ZeroWindowProbe) || at(s)-at(f) < g {
						continue
					}
					if int32(s.Ack-f.Seq) >= 0 && int32(s.Ack-(f.Seq+f.SeqLen())) < 0 {
						fail(s, "ACK %d, though frame %d (SEQ %d, %d of sequence space) passed the observer beside it %v earlier",
							s.RelAck, f.Frame, f.RelSeq, f.SeqLen(), at(s)-at(f))
					}
				}
			}
			// 2: a gap in N's own sequence space.
			if fromNear && s.Events.Has(model.LostSegment) {
				fail(s, "previous segment of the near end not captured, though all it sends passes the observer")
			}
			// 3: an ACK of something the observer never saw.
			if s.Events.Has(model.AckLostSegment) {
				fail(s, "acknowledges a segment the observer never saw, though it sits beside one end")
			}
			if !s.Events.Has(model.Retransmission) || s.Len == 0 {
				continue
			}
			// 4: F resends bytes the observer saw reach N, with N silent.
			if !fromNear {
				for j, f := range segs[:k] {
					if f.Dir == near || f.Len == 0 || !overlaps(f, s) {
						continue
					}
					acked := false
					for _, n := range segs[j+1 : k] {
						acked = acked || (n.Dir == near && n.Flags.Has(model.ACK) && at(n)-at(f) >= g)
					}
					if !acked {
						fail(s, "the far end resends SEQ %d, seen beside the near end in frame %d %v earlier, and the near end acknowledged nothing since",
							s.RelSeq, f.Frame, at(s)-at(f))
					}
					break
				}
				continue
			}
			// 5: N resends bytes an ACK it received had covered.
			for _, f := range segs[:k] {
				if f.Dir != near && f.Flags.Has(model.ACK) && at(s)-at(f) >= g && int32(f.Ack-(s.Seq+s.Len)) >= 0 {
					fail(s, "resends SEQ %d, which frame %d acknowledged (ACK %d) near this end %v earlier",
						s.RelSeq, f.Frame, f.RelAck, at(s)-at(f))
					break
				}
			}
		}
	}
	return out
}

// overlaps reports whether the data of a and b share a sequence number.
func overlaps(a, b *model.Segment) bool {
	return int32(a.Seq-(b.Seq+b.Len)) < 0 && int32(b.Seq-(a.Seq+a.Len)) < 0
}

// TestSamplesAgreeWithTheirVantage checks every sample against the rules
// above.
func TestSamplesAgreeWithTheirVantage(t *testing.T) {
	judged := 0
	for _, smp := range List() {
		tl := loadSample(t, smp.Name)
		for _, e := range vantageContradictions(tl) {
			t.Errorf("%s: %s", smp.Name, e)
		}
		for i := range tl.Conversations {
			if k := model.VantageOf(tl, i).Kind; k == model.VantageClient || k == model.VantageServer {
				judged++
			}
		}
	}
	if judged == 0 {
		t.Fatal("no sample has a vantage point to judge")
	}
}

// vtl builds a timeline seen near the client: a handshake whose SYN waits
// 20 ms for its answer and whose SYN,ACK waits 1 ms (g), then the segments
// given as (ms after the ACK, from the server, SEQ, ACK, length) relative
// to ISNs 1000 (client) and 5000 (server).
func vtl(segs ...[5]int) *model.Timeline {
	b := model.NewBuilder()
	c := model.Endpoint{Addr: netip.MustParseAddr("192.0.2.1"), Port: 40000}
	s := model.Endpoint{Addr: netip.MustParseAddr("192.0.2.2"), Port: 80}
	ns := int64(1e18)
	add := func(ms float64, fromServer bool, seq, ack uint32, n int, fl model.Flags) {
		src, dst := c, s
		if fromServer {
			src, dst = s, c
		}
		b.AddPacket(model.Frame{}, &model.Packet{TimeNS: ns + int64(ms*1e6), Src: src, Dst: dst, Seq: seq, Ack: ack,
			Flags: fl, Win: 1000, Len: uint32(n), WinScale: -1})
	}
	add(0, false, 1000, 0, 0, model.SYN)
	add(20, true, 5000, 1001, 0, model.SYN|model.ACK)
	add(21, false, 1001, 5001, 0, model.ACK)
	for _, g := range segs {
		cseq, sseq := uint32(1001), uint32(5001)
		if g[1] == 1 {
			add(21+float64(g[0]), true, sseq+uint32(g[2]), cseq+uint32(g[3]), g[4], model.ACK)
		} else {
			add(21+float64(g[0]), false, cseq+uint32(g[2]), sseq+uint32(g[3]), g[4], model.ACK)
		}
	}
	return b.Finish()
}

// Each rule catches the contradiction it describes, and a capture that
// agrees with its vantage passes.
func TestVantageContradictionsCatchEachRule(t *testing.T) {
	const srv, cli = 1, 0
	for _, tc := range []struct {
		name string
		tl   *model.Timeline
		want string // "" for none
	}{
		{"consistent: a loss before the observer, duplicate ACKs, fast retransmission", vtl(
			[5]int{1, cli, 0, 0, 100},
			[5]int{20, srv, 0, 100, 100},   // SEQ 0..99 arrives
			[5]int{20, srv, 200, 100, 100}, // 100..199 was lost upstream
			[5]int{22, cli, 100, 100, 0},
			[5]int{22, cli, 100, 100, 0},
			[5]int{22, cli, 100, 100, 0},
			[5]int{30, srv, 100, 100, 100},
			[5]int{32, cli, 100, 300, 0},
		), ""},
		{"1: the client ignores a segment seen beside it", vtl(
			[5]int{1, cli, 0, 0, 100},
			[5]int{20, srv, 0, 100, 100},
			[5]int{20, srv, 100, 100, 100},
			[5]int{23, cli, 100, 100, 0},
		), "ACK 101, though frame 6"},
		{"1: not when the ACK may have crossed it", vtl(
			[5]int{1, cli, 0, 0, 100},
			[5]int{20, srv, 0, 100, 100},
			[5]int{20, cli, 100, 0, 0},
		), ""},
		{"2: a hole in the near end's own data", vtl(
			[5]int{1, cli, 0, 0, 100},
			[5]int{2, cli, 200, 0, 100},
		), "previous segment of the near end"},
		{"3: the server acknowledges client data never seen", vtl(
			[5]int{1, cli, 0, 0, 100},
			[5]int{20, srv, 0, 300, 0},
		), "acknowledges a segment the observer never saw"},
		{"4: the server resends data seen beside a silent client", vtl(
			[5]int{1, cli, 0, 0, 100},
			[5]int{20, srv, 0, 100, 100},
			[5]int{250, srv, 0, 100, 100},
			[5]int{252, cli, 100, 100, 0},
		), "the far end resends SEQ 1"},
		{"5: the client resends data the server's ACK covered", vtl(
			[5]int{1, cli, 0, 0, 100},
			[5]int{20, srv, 0, 100, 0},
			[5]int{250, cli, 0, 0, 100},
		), "resends SEQ 1, which frame 5 acknowledged"},
	} {
		got := strings.Join(vantageContradictions(tc.tl), "\n")
		switch {
		case tc.want == "" && got != "":
			t.Errorf("%s: %s", tc.name, got)
		case tc.want != "" && !strings.Contains(got, tc.want):
			t.Errorf("%s: want %q, got %q", tc.name, tc.want, got)
		}
	}
}
