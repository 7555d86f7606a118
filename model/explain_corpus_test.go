package model_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/samples"
)

// These tests explain every segment of real captures, decoded by package
// decode, and hold each number the text states to the decoder's values, to
// the arithmetic of sequence numbers, and, for a capture with tshark's
// expectations, to tshark's own numbers.

func loadCapture(t *testing.T, name string, data []byte) *model.Timeline {
	t.Helper()
	in, err := decode.OpenBytes(name, data)
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	defer in.Close()
	tl, err := in.Load(nil)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return tl
}

var (
	ecEq      = regexp.MustCompile(`(\d+) = (\d+)((?: [+-] \d+)+)`)
	ecTerm    = regexp.MustCompile(` ([+-]) (\d+)`)
	ecAckFrom = regexp.MustCompile(`ACK (\d+) = (\d+) \+ (\d+): [^.]*?frame (\d+)`)
)

func ecNum(text, re string) (uint32, bool) {
	m := regexp.MustCompile(re).FindStringSubmatch(text)
	if m == nil {
		return 0, false
	}
	v, err := strconv.ParseUint(m[1], 10, 32)
	return uint32(v), err == nil
}

// checkSegment explains segment i in both numberings and checks what it
// says against the timeline.
func checkSegment(t *testing.T, where string, tl *model.Timeline, i int) {
	t.Helper()
	s := &tl.Segments[i]
	c := tl.Conversations[s.Stream]
	for _, abs := range []bool{true, false} {
		text := strings.Join(model.Explain(tl, i, abs), "\n")
		w := fmt.Sprintf("%s frame %d abs=%v", where, s.Frame, abs)
		for _, r := range text {
			if (r < 0x20 && r != '\n') || (r >= 0x7f && r < 0xa0) {
				t.Fatalf("%s: control %U in the text", w, r)
			}
		}
		for _, m := range ecEq.FindAllStringSubmatch(text, -1) {
			a, _ := strconv.ParseUint(m[1], 10, 64)
			v64, _ := strconv.ParseUint(m[2], 10, 64)
			v := uint32(v64)
			for _, tm := range ecTerm.FindAllStringSubmatch(m[3], -1) {
				x, _ := strconv.ParseUint(tm[2], 10, 64)
				if tm[1] == "+" {
					v += uint32(x)
				} else {
					v -= uint32(x)
				}
			}
			if v != uint32(a) {
				t.Errorf("%s: %q does not add up", w, m[0])
			}
		}
		seq, ack := s.Seq, s.Ack
		if !abs {
			seq, ack = s.RelSeq, s.RelAck
		}
		if got, ok := ecNum(text, `SEQ (\d+)`); !ok || got != seq {
			t.Errorf("%s: SEQ %d (found %v), decoder says %d", w, got, ok, seq)
		}
		if s.Flags.Has(model.ACK) {
			if got, ok := ecNum(text, `ACK (\d+) is the next byte`); !ok || got != ack {
				t.Errorf("%s: ACK %d (found %v), decoder says %d", w, got, ok, ack)
			}
		}
		// "ACK X = Y + N: ... frame F": frame F is the peer's segment that
		// starts at Y and consumes N sequence numbers.
		if m := ecAckFrom.FindStringSubmatch(text); m != nil {
			y, _ := strconv.ParseUint(m[2], 10, 32)
			n, _ := strconv.ParseUint(m[3], 10, 32)
			f, _ := strconv.ParseUint(m[4], 10, 32)
			if f == 0 || int(f) > len(tl.Frames) || tl.Frames[f-1].Seg < 0 {
				t.Errorf("%s: names frame %d, which is no segment", w, f)
				continue
			}
			a := &tl.Segments[tl.Frames[f-1].Seg]
			aseq := a.Seq
			if !abs {
				aseq = a.RelSeq
			}
			if a.Stream != s.Stream || a.Dir == s.Dir || uint64(aseq) != y || uint64(a.SeqLen()) != n {
				t.Errorf("%s: %q but frame %d has SEQ %d, %d long, dir %v", w, m[0], f, aseq, a.SeqLen(), a.Dir)
			}
		}
		if c.Assumed && !strings.Contains(text, "assumed") {
			t.Errorf("%s: the conversation's states were assumed and the text does not say so", w)
		}
	}
}

func TestExplainSamples(t *testing.T) {
	for _, smp := range samples.List() {
		t.Run(smp.Name, func(t *testing.T) {
			data, err := samples.Bytes(smp.Name)
			if err != nil {
				t.Fatal(err)
			}
			tl := loadCapture(t, smp.Name, data)
			if len(tl.Segments) == 0 {
				t.Fatal("no segments")
			}
			for i := range tl.Segments {
				checkSegment(t, smp.Name, tl, i)
			}
			checkFrames(t, smp.Name, tl)
		})
	}
}

// checkFrames explains every frame that is not a segment and checks the
// fragment and ICMP numbers it states.
func checkFrames(t *testing.T, where string, tl *model.Timeline) {
	t.Helper()
	for _, g := range tl.Fragments {
		text := strings.Join(model.ExplainFrame(tl, g.Frame), "\n")
		if g.Frame == g.Completes {
			// The completing fragment carries the segment, whose
			// explanation names the fragments.
			if !strings.Contains(text, fmt.Sprintf("fragments with ID %d", g.ID)) || !strings.Contains(text, fmt.Sprintf("frame %d completed it", g.Frame)) {
				t.Errorf("%s frame %d: reassembly not explained:\n%s", where, g.Frame, text)
			}
			continue
		}
		if id, ok := ecNum(text, `with ID (\d+)`); !ok || id != uint32(g.ID) {
			t.Errorf("%s fragment %d: ID %d, decoder says %d\n%s", where, g.Frame, id, g.ID, text)
		}
		if off, ok := ecNum(text, `at offset (\d+) bytes`); !ok || off != uint32(g.Offset) {
			t.Errorf("%s fragment %d: offset %d, decoder says %d", where, g.Frame, off, g.Offset)
		}
		if g.Completes != 0 {
			if f, ok := ecNum(text, `Frame (\d+) completes`); !ok || f != g.Completes {
				t.Errorf("%s fragment %d: completed by %d, decoder says %d", where, g.Frame, f, g.Completes)
			}
		}
	}
	for _, e := range tl.ICMP {
		text := strings.Join(model.ExplainFrame(tl, e.Frame), "\n")
		if ty, ok := ecNum(text, `type (\d+)`); !ok || ty != uint32(e.Type) {
			t.Errorf("%s icmp %d: type %d, decoder says %d", where, e.Frame, ty, e.Type)
		}
		if e.MTU != 0 {
			if mtu, ok := ecNum(text, `MTU of (\d+)`); !ok || mtu != e.MTU {
				t.Errorf("%s icmp %d: MTU %d, decoder says %d\n%s", where, e.Frame, mtu, e.MTU, text)
			}
		}
		if q, ok := ecNum(text, `with SEQ (\d+)`); !ok || q != e.QuotedSeq {
			t.Errorf("%s icmp %d: quoted SEQ %d, decoder says %d", where, e.Frame, q, e.QuotedSeq)
		}
	}
	for n := 1; n <= len(tl.Frames); n++ {
		for _, p := range model.ExplainFrame(tl, uint32(n)) {
			for _, r := range p {
				if r < 0x20 || (r >= 0x7f && r < 0xa0) {
					t.Fatalf("%s frame %d: control %U", where, n, r)
				}
			}
		}
	}
}

// sharedCapture reads a capture of the shared corpus, skipping when it is
// absent outside CI.
func sharedCapture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "shared", "captures", name))
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared corpus: %v", err)
		}
		t.Skipf("shared corpus absent: %v", err)
	}
	return data
}

// TestExplainAgainstTshark checks the SEQ and ACK each explanation states,
// in both numberings, against tshark 4.0's tcp.seq, tcp.ack, tcp.seq_raw
// and tcp.ack_raw for every row of captures from the shared corpus.
func TestExplainAgainstTshark(t *testing.T) {
	for _, name := range []string{"zeek_smtp.pcap", "tcpdump_tcp-handshake-nano.pcap", "zeek_retransmit-fast009.pcap", "zeek_206-example-b-zerowin.pcap"} {
		t.Run(name, func(t *testing.T) {
			data := sharedCapture(t, name)
			tsv, err := os.Open(filepath.Join("..", "..", "shared", "captures", "expected", strings.TrimSuffix(name, filepath.Ext(name))+".tsv"))
			if err != nil {
				t.Fatal(err)
			}
			defer tsv.Close()
			tl := loadCapture(t, name, data)
			rows := 0
			sc := bufio.NewScanner(tsv)
			for sc.Scan() {
				f := strings.Split(sc.Text(), "\t")
				if len(f) < 12 || strings.HasPrefix(f[0], "#") || f[0] == "frame" {
					continue
				}
				frame, _ := strconv.ParseUint(f[0], 10, 32)
				if frame == 0 || int(frame) > len(tl.Frames) || tl.Frames[frame-1].Seg < 0 {
					t.Errorf("frame %d: no segment in the timeline", frame)
					continue
				}
				i := int(tl.Frames[frame-1].Seg)
				flags, _ := strconv.ParseUint(strings.TrimPrefix(f[6], "0x"), 16, 16)
				for _, c := range []struct {
					abs      bool
					seq, ack string
				}{{true, f[7], f[8]}, {false, f[9], f[10]}} {
					text := strings.Join(model.Explain(tl, i, c.abs), "\n")
					if got, _ := ecNum(text, `SEQ (\d+)`); strconv.FormatUint(uint64(got), 10) != c.seq {
						t.Errorf("frame %d abs=%v: SEQ %d, tshark says %s", frame, c.abs, got, c.seq)
					}
					if flags&uint64(model.ACK) != 0 {
						if got, _ := ecNum(text, `ACK (\d+) is the next byte`); strconv.FormatUint(uint64(got), 10) != c.ack {
							t.Errorf("frame %d abs=%v: ACK %d, tshark says %s", frame, c.abs, got, c.ack)
						}
					}
				}
				checkSegment(t, name, tl, i)
				rows++
			}
			if rows == 0 {
				t.Fatal("no rows compared")
			}
		})
	}
}
