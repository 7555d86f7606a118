package model_test

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/internal/testsample"
	"github.com/tcpstep/tcpstep/internal/testshared"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/samples"
)

// These tests explain every segment and every other frame of real captures,
// decoded by package decode, in both numberings, and hold each number the
// text states to the decoder's values part by part (model.CheckExplain
// recomputes every typed number from the timeline and checks every
// "A = B + C" modulo 2^32); for the captures with tshark's expectations the
// SEQ and ACK each explanation states are held to tshark's own numbers.

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

// explainStats counts what the checks covered.
type explainStats struct{ captures, segments, frames, numbers int }

// checkTimeline explains every segment and frame of tl in both numberings
// and checks them.
func checkTimeline(t *testing.T, tl *model.Timeline, st *explainStats) {
	t.Helper()
	st.captures++
	for _, abs := range []bool{true, false} {
		for i := range tl.Segments {
			s := &tl.Segments[i]
			n, errs := model.CheckExplain(tl, i, abs)
			st.numbers += n
			for _, e := range errs {
				t.Errorf("frame %d abs=%v: %s", s.Frame, abs, e)
			}
			seq, ack, seqOK, ackOK := model.OwnNumbers(tl, i, abs)
			want, wantAck := s.RelSeq, s.RelAck
			if abs {
				want, wantAck = s.Seq, s.Ack
			}
			if !seqOK || seq != uint64(want) {
				t.Errorf("frame %d abs=%v: states SEQ %d (%v), decoder %d", s.Frame, abs, seq, seqOK, want)
			}
			if s.Flags.Has(model.ACK) && (!ackOK || ack != uint64(wantAck)) {
				t.Errorf("frame %d abs=%v: states ACK %d (%v), decoder %d", s.Frame, abs, ack, ackOK, wantAck)
			}
			if c := tl.Conv(s); c.Assumed && !strings.Contains(strings.Join(model.Explain(tl, i, abs), " "), "assumed") {
				t.Errorf("frame %d: the states were assumed and the text does not say so", s.Frame)
			}
			if abs {
				st.segments++
			}
		}
		for f := uint32(1); int(f) <= len(tl.Frames); f++ {
			if tl.Frames[f-1].Kind == model.FrameTCP {
				continue
			}
			n, errs := model.CheckExplainFrame(tl, f, abs)
			st.numbers += n
			for _, e := range errs {
				t.Errorf("frame %d abs=%v: %s", f, abs, e)
			}
			if abs {
				st.frames++
			}
		}
	}
}

func TestExplainSamples(t *testing.T) {
	var st explainStats
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
			checkTimeline(t, tl, &st)
		})
	}
	t.Logf("samples: %d captures, %d segments and %d other frames explained, %d numbers and equations checked",
		st.captures, st.segments, st.frames, st.numbers)
}

// sharedCaptures lists the shared corpus's captures, malformed ones included.
func sharedCaptures(t *testing.T) []string {
	return testshared.Captures(t, "*.pcap", "*.pcapng", "malformed/*.pcap", "malformed/*.pcapng")
}

func TestExplainSharedCaptures(t *testing.T) {
	var st explainStats
	for _, path := range sharedCaptures(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			in, err := decode.Open(path)
			if err != nil {
				t.Skipf("not a capture the decoder opens: %v", err) // malformed/ holds some
			}
			defer in.Close()
			tl, err := in.Load(nil)
			if err != nil {
				t.Skipf("not loadable: %v", err)
			}
			checkTimeline(t, tl, &st)
		})
	}
	t.Logf("shared corpus: %d captures, %d segments and %d other frames explained, %d numbers and equations checked",
		st.captures, st.segments, st.frames, st.numbers)
	if st.segments == 0 {
		t.Error("no segment explained")
	}
}

func TestExplainLoopback(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("..", "testdata", "loopback", "*.pcap"))
	if len(paths) == 0 {
		t.Fatal("no captures in testdata/loopback")
	}
	var st explainStats
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			tl := testsample.File(t, path)
			checkTimeline(t, tl, &st)
		})
	}
	t.Logf("loopback: %d captures, %d segments explained, %d numbers and equations checked", st.captures, st.segments, st.numbers)
}

// TestExplainAgainstTshark checks the SEQ and ACK each explanation states,
// in both numberings, against tshark 4.0's tcp.seq_raw, tcp.ack_raw, tcp.seq
// and tcp.ack for every row of every capture with expectations.
func TestExplainAgainstTshark(t *testing.T) {
	rows := 0
	for _, path := range sharedCaptures(t) {
		name := filepath.Base(path)
		tsvPath := filepath.Join(filepath.Dir(path), "expected", strings.TrimSuffix(name, filepath.Ext(name))+".tsv")
		tsv, err := os.Open(tsvPath)
		if err != nil {
			continue
		}
		t.Run(name, func(t *testing.T) {
			defer tsv.Close()
			tl := testsample.File(t, path)
			sc := bufio.NewScanner(tsv)
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				f := strings.Split(sc.Text(), "\t")
				if len(f) < 12 || strings.HasPrefix(f[0], "#") || f[0] == "frame" {
					continue
				}
				frame, _ := strconv.ParseUint(f[0], 10, 32)
				i := tl.SegOf(uint32(frame))
				if frame == 0 || int(frame) > len(tl.Frames) || i < 0 {
					continue // tshark's row for a frame the timeline keeps as no segment (bogus header)
				}
				flags, _ := strconv.ParseUint(strings.TrimPrefix(f[6], "0x"), 16, 16)
				for _, c := range []struct {
					abs      bool
					seq, ack string
				}{{true, f[7], f[8]}, {false, f[9], f[10]}} {
					seq, ack, seqOK, ackOK := model.OwnNumbers(tl, i, c.abs)
					if !seqOK || strconv.FormatUint(seq, 10) != c.seq {
						t.Errorf("frame %d abs=%v: SEQ %d, tshark says %s", frame, c.abs, seq, c.seq)
					}
					if flags&uint64(model.ACK) != 0 && (!ackOK || strconv.FormatUint(ack, 10) != c.ack) {
						t.Errorf("frame %d abs=%v: ACK %d, tshark says %s", frame, c.abs, ack, c.ack)
					}
				}
				rows++
			}
		})
	}
	t.Logf("%d tshark rows compared in both numberings", rows)
}
