package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/internal/testshared"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/samples"
)

// dumpRow is what the expert summary reads back from a dump --format jsonl
// line.
type dumpRow struct {
	Kind        string   `json:"kind"`
	Frame       uint32   `json:"frame"`
	Stream      *int     `json:"stream"`
	Dir         string   `json:"dir"`
	Flags       []string `json:"flags"`
	Ack         uint32   `json:"ack"`
	Events      []string `json:"events"`
	EventsExtra []string `json:"events_extra"`
	Type        string   `json:"type"`
}

// expertFromDump counts, from dump --format jsonl output alone, what the
// expert summary should count: by stream (-1: frames of none) and kind
// name, the frames in capture order. It is the summary's definition
// written a second time, over the dump contract instead of the timeline.
func expertFromDump(t *testing.T, out []byte) map[int]map[string][]uint32 {
	t.Helper()
	got := map[int]map[string][]uint32{}
	add := func(stream int, kind string, frame uint32) {
		if got[stream] == nil {
			got[stream] = map[string][]uint32{}
		}
		got[stream][kind] = append(got[stream][kind], frame)
	}
	closer := map[int]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r dumpRow
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("bad jsonl line %q: %v", sc.Text(), err)
		}
		if r.Kind == "frame" && r.Type == "undecodable" {
			add(-1, "undecodable", r.Frame)
		}
		if r.Kind != "tcp" {
			continue
		}
		st := *r.Stream
		for _, e := range append(r.Events, r.EventsExtra...) {
			add(st, e, r.Frame)
		}
		has := func(f string) bool { return slices.Contains(r.Flags, f) }
		switch {
		case has("SYN") && has("ACK"):
			add(st, "syn_ack", r.Frame)
		case has("SYN"):
			add(st, "syn", r.Frame)
		}
		if has("FIN") {
			add(st, "fin", r.Frame)
			if _, ok := closer[st]; !ok {
				closer[st] = r.Dir
			}
			if closer[st] == r.Dir {
				add(st, "fin_active", r.Frame)
			} else {
				add(st, "fin_passive", r.Frame)
			}
		}
		if has("RST") {
			add(st, "rst", r.Frame)
		}
		if !has("ACK") && r.Ack != 0 {
			add(st, "ack_nonzero", r.Frame)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}

// expertByKind is an ExpertInfo as expertFromDump counts: by kind name, the
// frames.
func expertByKind(info model.ExpertInfo) map[string][]uint32 {
	m := map[string][]uint32{}
	for _, r := range info.Rows() {
		m[r.Kind.String()] = r.Frames
	}
	return m
}

// checkExpertAgainstDump holds model.Expert, for the whole capture and for
// every conversation, to what dump --format jsonl (as the command writes
// it, streamJSONL) reports for the same capture.
func checkExpertAgainstDump(t *testing.T, name string, data []byte) {
	t.Helper()
	in, err := decode.OpenBytes(name, data)
	if err != nil {
		return // not a capture: neither command reads it
	}
	defer in.Close()
	tl, err := in.Load(nil)
	if err != nil {
		t.Fatalf("%s: load: %v", name, err)
	}
	var out bytes.Buffer
	if _, err := streamJSONL(&out, in, -1); err != nil {
		t.Fatalf("%s: dump: %v", name, err)
	}
	dump := expertFromDump(t, out.Bytes())
	whole := map[string][]uint32{}
	for st := range dump {
		for k, frames := range dump[st] {
			whole[k] = append(whole[k], frames...)
		}
	}
	for k := range whole {
		slices.Sort(whole[k])
	}
	if got := expertByKind(model.Expert(tl, -1)); fmt.Sprint(got) != fmt.Sprint(whole) {
		t.Errorf("%s: the capture's summary\n%v\ndump reports\n%v", name, got, whole)
	}
	for st := range tl.Conversations {
		want := dump[st]
		if want == nil {
			want = map[string][]uint32{}
		}
		if got := expertByKind(model.Expert(tl, st)); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: stream %d's summary\n%v\ndump reports\n%v", name, st, got, want)
		}
	}
}

// TestExpertEqualsDumpSamples checks the summary against dump on every
// embedded sample.
func TestExpertEqualsDumpSamples(t *testing.T) {
	for _, smp := range samples.List() {
		data, err := samples.Bytes(smp.Name)
		if err != nil {
			t.Fatal(err)
		}
		checkExpertAgainstDump(t, "sample:"+smp.Name, data)
	}
}

// TestExpertEqualsDumpCorpus checks it on every capture of the shared
// corpus, the malformed ones that read included.
func TestExpertEqualsDumpCorpus(t *testing.T) {
	for _, f := range testshared.Captures(t, "*.pcap", "*.pcapng", "malformed/*") {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checkExpertAgainstDump(t, filepath.Base(f), data)
	}
}

// TestExpertText goldens the table on two samples, for the whole capture
// and for one stream, and checks that its columns line up across groups.
func TestExpertText(t *testing.T) {
	for _, c := range []struct {
		sample string
		stream int
		frames bool
	}{
		{"lossy-transfer", -1, false},
		{"lossy-transfer", 0, true},
		{"smtp-figure10", -1, false},
		{"mid-connection", -1, false},
	} {
		t.Run(fmt.Sprintf("%s-%d", c.sample, c.stream), func(t *testing.T) {
			name := "sample:" + c.sample
			in, tl, err := loadInput(name, nil)
			if err != nil {
				t.Fatal(err)
			}
			in.Close()
			info := model.Expert(tl, c.stream)
			lines := expertText(name, tl, &info, c.frames)
			// The Summary column starts at one place on every header and
			// every row, in every group.
			col := func(l, s string) int {
				i := strings.Index(l, s)
				if i < 0 {
					return -1
				}
				return len([]rune(l[:i]))
			}
			at := col(lines[headerLine(lines)], "Summary")
			for _, l := range lines {
				if strings.HasPrefix(strings.TrimSpace(l), "Count") && col(l, "Summary") != at {
					t.Errorf("a header's Summary at %d, the first's at %d", col(l, "Summary"), at)
				}
			}
			for _, r := range info.Rows() {
				n := 0
				for _, l := range lines {
					if i := col(l, "  "+r.Kind.Words()); i >= 0 {
						n++
						if i+2 != at {
							t.Errorf("row %s: summary at %d, header's at %d", r.Kind, i+2, at)
						}
					}
				}
				if n != 1 {
					t.Errorf("%d lines for %s", n, r.Kind)
				}
			}
			golden.RequireEqual(t, []byte(strings.Join(lines, "\n")+"\n"))
		})
	}
}

// headerLine is the index of the table's first column header.
func headerLine(lines []string) int {
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "Count") {
			return i
		}
	}
	return 0
}
