package model

import (
	"bufio"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/internal/testshared"
)

// The corpus test feeds the builder with nothing but tshark's raw input
// columns of ../shared/captures/expected/*.tsv (addresses, ports, flags, raw
// SEQ/ACK, length, window, time) plus the window scale options tshark saw
// (testdata/wscale.tsv, extracted with tshark -e tcp.options.wscale.shift),
// and compares what it computes -- stream, relative numbers, events -- with
// tshark's own columns for the same rows.

// sharedDir is ../shared beside the checkout (skips when absent).
func sharedDir(t testing.TB) string { return testshared.Dir(t) }

// tsvRow is one expected row.
type tsvRow struct {
	frame       uint32
	stream      int
	src, dst    Endpoint
	flags       Flags
	seq, ack    uint32
	rseq, rack  uint32
	length      uint32
	short       bool // tcp.len empty: the header did not fit the datagram
	win         uint16
	timeNS      int64
	events      Events
	eventsNames string
}

func parseTSV(t *testing.T, path string) []tsvRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []tsvRow
	sc := bufio.NewScanner(f)
	header := true
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		if header {
			header = false
			continue
		}
		c := strings.Split(line, "\t")
		if len(c) != 15 {
			t.Fatalf("%s: %d columns in %q", path, len(c), line)
		}
		rows = append(rows, parseRow(t, path, c))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// parseRow parses the 15 columns of one expected row.
func parseRow(t *testing.T, path string, c []string) tsvRow {
	t.Helper()
	var r tsvRow
	r.frame = uint32(mustU(t, c[0], 10, 32))
	r.stream = int(mustU(t, c[1], 10, 32))
	r.src = Endpoint{netip.MustParseAddr(c[2]), uint16(mustU(t, c[3], 10, 16))}
	r.dst = Endpoint{netip.MustParseAddr(c[4]), uint16(mustU(t, c[5], 10, 16))}
	r.flags = Flags(mustU(t, strings.TrimPrefix(c[6], "0x"), 16, 16)) &^ Reserved
	r.seq = uint32(mustU(t, c[7], 10, 32))
	r.ack = uint32(mustU(t, c[8], 10, 32))
	r.rseq = uint32(mustU(t, c[9], 10, 32))
	r.rack = uint32(mustU(t, c[10], 10, 32))
	if c[11] == "" {
		r.short = true
	} else {
		r.length = uint32(mustU(t, c[11], 10, 32))
	}
	r.win = uint16(mustU(t, c[12], 10, 16))
	sec, frac, _ := strings.Cut(c[13], ".")
	frac = (frac + "000000000")[:9]
	r.timeNS = int64(mustU(t, sec, 10, 63))*1e9 + int64(mustU(t, frac, 10, 63))
	r.eventsNames = c[14]
	for _, name := range strings.Split(c[14], ",") {
		if name == "" {
			continue
		}
		e, ok := eventByName(name)
		if !ok {
			t.Fatalf("%s: unknown event %q", path, name)
		}
		r.events = r.events.Add(e)
	}
	return r
}

func mustU(t *testing.T, s string, base, bits int) uint64 {
	t.Helper()
	v, err := strconv.ParseUint(s, base, bits)
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	return v
}

func eventByName(name string) (Event, bool) {
	for _, n := range eventNames {
		if n.name == name {
			return n.e, true
		}
	}
	return 0, false
}

// loadWScale reads testdata/wscale.tsv: capture -> frame -> shift.
func loadWScale(t *testing.T) map[string]map[uint32]int8 {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "wscale.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[uint32]int8{}
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		c := strings.Split(line, "\t")
		if len(c) != 3 {
			t.Fatalf("wscale.tsv: bad line %q", line)
		}
		if out[c[0]] == nil {
			out[c[0]] = map[uint32]int8{}
		}
		out[c[0]][uint32(mustU(t, c[1], 10, 32))] = int8(mustU(t, c[2], 10, 8))
	}
	return out
}

// epochNS stands for the capture's absolute start time: tshark treats a zero
// timestamp as "unset", so the relative times of the TSV are shifted by it.
const epochNS = 1_400_000_000_000_000_000

// loadBogus reads testdata/bogus.tsv: capture -> frame -> the bogus header.
func loadBogus(t *testing.T) map[string]map[uint32]tsvRow {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "bogus.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[uint32]tsvRow{}
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		c := strings.Split(line, "\t")
		if len(c) != 12 {
			t.Fatalf("bogus.tsv: bad line %q", line)
		}
		// Reuse the expected-row parser: same columns, tshark's order.
		row := []string{c[1], "0", c[2], c[3], c[4], c[5], c[6], c[7], c[8], "0", "0", c[9], c[10], c[11], ""}
		r := parseRow(t, "bogus.tsv", row)
		if out[c[0]] == nil {
			out[c[0]] = map[uint32]tsvRow{}
		}
		out[c[0]][r.frame] = r
	}
	return out
}

// buildFromRows feeds the builder one capture's rows, with an AddFrame for
// every frame that is not a row (AddBogusTCP for a bogus header) so that
// frame numbers line up.
func buildFromRows(rows []tsvRow, ws map[uint32]int8, bogus map[uint32]tsvRow) *Timeline {
	b := NewBuilder()
	next := uint32(1)
	lastTime := int64(epochNS)
	for _, r := range rows {
		for ; next < r.frame; next++ {
			if bg, ok := bogus[next]; ok {
				p := Packet{TimeNS: epochNS + bg.timeNS, Src: bg.src, Dst: bg.dst, Seq: bg.seq, Ack: bg.ack,
					Flags: bg.flags, Win: bg.win, Len: bg.length, WinScale: -1}
				b.AddBogusTCP(Frame{TimeNS: p.TimeNS}, &p, "bogus TCP header length")
				continue
			}
			b.AddFrame(Frame{TimeNS: lastTime, Kind: FrameOther}, "not a TCP row")
		}
		p := Packet{
			TimeNS: epochNS + r.timeNS,
			Src:    r.src, Dst: r.dst,
			Seq: r.seq, Ack: r.ack,
			Flags: r.flags, Win: r.win, Len: r.length,
			WinScale: -1, Short: r.short,
		}
		if s, ok := ws[r.frame]; ok {
			p.WinScale = s
		}
		b.AddPacket(Frame{TimeNS: p.TimeNS}, &p)
		lastTime = p.TimeNS
		next++
	}
	return b.Finish()
}

type eventScore struct{ tp, fp, fn int }

func TestCorpusAgainstTshark(t *testing.T) {
	shared := sharedDir(t)
	files, err := filepath.Glob(filepath.Join(shared, "captures", "expected", "*.tsv"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no expected TSVs under %s: %v", shared, err)
	}
	wscale := loadWScale(t)
	bogus := loadBogus(t)
	scores := map[Event]*eventScore{}
	for _, n := range eventNames {
		scores[n.e] = &eventScore{}
	}
	totalRows := 0
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".tsv")
		rows := parseTSV(t, file)
		totalRows += len(rows)
		tl := buildFromRows(rows, wscale[name], bogus[name])
		bad := 0
		for _, r := range rows {
			f := tl.Frames[r.frame-1]
			si := tl.SegOf(uint32(r.frame))
			if f.Kind != FrameTCP || si < 0 {
				t.Errorf("%s frame %d: not recorded as a segment", name, r.frame)
				continue
			}
			s := tl.Segments[si]
			var why []string
			if tl.SegStream(&s) != r.stream {
				why = append(why, fmt.Sprintf("stream %d want %d", tl.SegStream(&s), r.stream))
			}
			if s.RelSeq != r.rseq {
				why = append(why, fmt.Sprintf("rseq %d want %d", s.RelSeq, r.rseq))
			}
			if r.flags&ACK != 0 && s.RelAck != r.rack {
				why = append(why, fmt.Sprintf("rack %d want %d", s.RelAck, r.rack))
			}
			if tl.SegTime(&s) != r.timeNS {
				why = append(why, fmt.Sprintf("time %d want %d", tl.SegTime(&s), r.timeNS))
			}
			if len(why) > 0 && bad < 5 {
				t.Errorf("%s frame %d: %s", name, r.frame, strings.Join(why, ", "))
			}
			if len(why) > 0 {
				bad++
			}
			got := s.Events &^ Events(ZeroWindowProbeAck) // not a TSV column
			if got != r.events {
				t.Logf("%s frame %d: events %v want %v", name, r.frame, got.Names(), r.events.Names())
			}
			for _, n := range eventNames {
				if n.e == ZeroWindowProbeAck {
					continue
				}
				g, w := got.Has(n.e), r.events.Has(n.e)
				sc := scores[n.e]
				switch {
				case g && w:
					sc.tp++
				case g:
					sc.fp++
				case w:
					sc.fn++
				}
			}
		}
		if bad > 0 {
			t.Errorf("%s: %d of %d rows disagree on stream/rseq/rack/time", name, bad, len(rows))
		}
	}
	t.Logf("%d captures, %d rows", len(files), totalRows)
	keys := make([]Event, 0, len(scores))
	for e := range scores {
		keys = append(keys, e)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	for _, e := range keys {
		sc := scores[e]
		if sc.tp+sc.fp+sc.fn == 0 {
			continue
		}
		p := ratio(sc.tp, sc.tp+sc.fp)
		r := ratio(sc.tp, sc.tp+sc.fn)
		f1 := 0.0
		if p+r > 0 {
			f1 = 2 * p * r / (p + r)
		}
		t.Logf("%-24s TP %4d FP %3d FN %3d precision %.3f recall %.3f F1 %.3f", e, sc.tp, sc.fp, sc.fn, p, r, f1)
		if sc.tp+sc.fn > 0 && f1 < 0.95 {
			t.Errorf("%s: F1 %.3f below 0.95", e, f1)
		}
	}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}
