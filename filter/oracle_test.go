package filter

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/internal/testshared"
	"github.com/tcpstep/tcpstep/model"
)

// expectedFile is tshark's answer for every filter of filters.txt over
// every capture of shared/captures, written by regen.sh there.
const expectedFile = "../testdata/filter/expected.tsv"

func readOracle(t *testing.T) []testshared.FilterAnswer {
	t.Helper()
	return testshared.ReadFilterAnswers(t, expectedFile)
}

// formatRanges writes frame numbers as parseRanges reads them.
func formatRanges(ns []uint32) string {
	if len(ns) == 0 {
		return "-"
	}
	var b strings.Builder
	for i := 0; i < len(ns); {
		j := i
		for j+1 < len(ns) && ns[j+1] == ns[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		if i == j {
			fmt.Fprint(&b, ns[i])
		} else {
			fmt.Fprintf(&b, "%d-%d", ns[i], ns[j])
		}
		i = j + 1
	}
	return b.String()
}

// diff returns the frames only in got (extra) and only in want (missing).
func diff(got, want []uint32) (extra, missing []uint32) {
	in := map[uint32]bool{}
	for _, n := range want {
		in[n] = true
	}
	for _, n := range got {
		if !in[n] {
			extra = append(extra, n)
		}
		delete(in, n)
	}
	for n := range in {
		missing = append(missing, n)
	}
	sort.Slice(missing, func(i, j int) bool { return missing[i] < missing[j] })
	return extra, missing
}

// knownDiff is a place where tcpstep's answer differs from tshark's for a
// reason that is not the filter's: extra are frames only tcpstep picks,
// missing frames only tshark picks (as formatRanges writes them).
type knownDiff struct {
	capture, filter string
	extra, missing  string
	why             string
}

// knownDiffs lists every difference from tshark, each with its reason. A
// difference not listed fails the test, and so does a listed one that no
// longer occurs, so the list stays the truth.
var knownDiffs = []knownDiff{
	{
		capture: "tcpdump_geneve.pcap", filter: "ip.addr == 20.0.0.0/8",
		missing: "3-24,27-37",
		why: "20.0.0.1 and 20.0.0.2 are the outer IPv4 header of the Geneve tunnel around the SSH " +
			"segments; the timeline keeps a segment's own (inner) addresses only, and the filter reads " +
			"frame bytes for frames without a segment (1-2, 25-26, 38-39, which it matches), not for " +
			"every segment, which would cost a read per frame. The inner addresses agree " +
			"(tcp && ip.src == 30.0.0.0/8).",
	},
	{
		capture: "zeek_smtp.pcap", filter: "dns",
		missing: "1-2",
		why: "tshark's dns is true on DNS over UDP too; the application fields are read from TCP " +
			"conversations only (package app analyses the reassembled streams of a conversation), and these DNS " +
			"frames are UDP.",
	},
	{
		capture: "zeek_smtp.pcap", filter: "dns.qry.name contains \".\"",
		missing: "1-2",
		why: "tshark's dns is true on DNS over UDP too; the application fields are read from TCP " +
			"conversations only (package app analyses the reassembled streams of a conversation), and these DNS " +
			"frames are UDP.",
	},
	{
		capture: "ppp_many_interfaces-1.pcapng", filter: "dns",
		missing: "5,7-10,12,14,17-23",
		why: "tshark's dns is true on DNS over UDP too; the application fields are read from TCP " +
			"conversations only (package app analyses the reassembled streams of a conversation), and these DNS " +
			"frames are UDP.",
	},
	{
		capture: "ppp_many_interfaces-1.pcapng", filter: "dns.qry.name contains \".\"",
		missing: "5,7-10,12,14,17-23",
		why: "tshark's dns is true on DNS over UDP too; the application fields are read from TCP " +
			"conversations only (package app analyses the reassembled streams of a conversation), and these DNS " +
			"frames are UDP.",
	},
	{
		capture: "zeek_smtp.pcap", filter: "smtp",
		extra: "36", missing: "26,28-30",
		why: "tshark names each segment of the DATA content an SMTP \"DATA fragment\" (26, 28-30); package app " +
			"names the content once, on the segment that ends it (SMTP/IMF). Frame 36 tshark flags a retransmission " +
			"and hands to no dissector, though most of its bytes are new (package app's oracle lists it too).",
	},
}

// TestOracle checks every filter of testdata/filter/filters.txt against
// tshark's answer on every capture of shared/captures.
func TestOracle(t *testing.T) {
	rows := readOracle(t)
	dir := filepath.Join(testshared.Dir(t), "captures")
	known := map[string]knownDiff{}
	for _, k := range knownDiffs {
		known[k.capture+"\t"+k.filter] = k
	}
	seen := map[string]bool{}
	byCap := map[string][]testshared.FilterAnswer{}
	var caps []string
	for _, r := range rows {
		if _, ok := byCap[r.Capture]; !ok {
			caps = append(caps, r.Capture)
		}
		byCap[r.Capture] = append(byCap[r.Capture], r)
	}
	filters := map[string]bool{}
	compared, agree, differ, skipped := 0, 0, 0, 0
	for _, name := range caps {
		crow := byCap[name]
		if crow[0].Refused != "" {
			t.Logf("%s: skipped, tshark refuses it: %s", name, crow[0].Refused)
			skipped++
			continue
		}
		in, err := decode.Open(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		tl, err := in.Load(nil)
		if err != nil {
			in.Close()
			t.Errorf("%s: %v", name, err)
			continue
		}
		src := inputSource(in, tl)
		for _, r := range crow {
			filters[r.Filter] = true
			f, err := Compile(r.Filter)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			got, err := f.Frames(tl, src)
			if err != nil {
				t.Errorf("%s: %s: %v", name, r.Filter, err)
			}
			compared++
			extra, missing := diff(got, r.Frames)
			key := name + "\t" + r.Filter
			k, isKnown := known[key]
			seen[key] = true
			switch {
			case len(extra) == 0 && len(missing) == 0:
				agree++
				if isKnown {
					t.Errorf("%s: %q agrees with tshark now: drop it from knownDiffs (%s)", name, r.Filter, k.why)
				}
			case isKnown && formatRanges(extra) == orNone(k.extra) && formatRanges(missing) == orNone(k.missing):
				differ++
				t.Logf("%s: %q differs from tshark as known (also %s, misses %s): %s", name, r.Filter, orNone(k.extra), orNone(k.missing), k.why)
			default:
				t.Errorf("%s: %q: tcpstep also matches %s, misses %s (tshark: %s; got %s)",
					name, r.Filter, formatRanges(extra), formatRanges(missing), formatRanges(r.Frames), formatRanges(got))
			}
		}
		in.Close()
	}
	for _, k := range knownDiffs {
		if !seen[k.capture+"\t"+k.filter] {
			t.Errorf("knownDiffs names %s / %q, which the oracle does not have", k.capture, k.filter)
		}
	}
	t.Logf("%d filters × %d captures (%d skipped): %d comparisons, %d agree with tshark, %d known differences",
		len(filters), len(caps)-skipped, skipped, compared, agree, differ)
}

func orNone(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// inputSource reads payloads and frames from a decoded capture, as the
// interface does.
func inputSource(in *decode.Input, tl *model.Timeline) Source {
	return Source{
		Payload: func(seg int) ([]byte, error) { return in.Payload(tl, seg) },
		Frame: func(n uint32) ([]byte, model.Dissection, error) {
			return in.Frame(&tl.Frames[n-1])
		},
	}
}
