package cli

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/filter"
	"github.com/tcpstep/tcpstep/internal/testsample"
	"github.com/tcpstep/tcpstep/internal/testshared"
	"github.com/tcpstep/tcpstep/model"
)

// The recorded tshark answers: tshark -r CAP -Y FILTER -T fields -e
// frame.number for every filter of testdata/filter/filters.txt, over the
// shared corpus (the repository's testdata/filter/expected.tsv) and over the
// embedded samples (testdata/filter/samples.tsv here, written the same way
// by testdata/filter/regen.sh). Read, never run: tshark takes a second to
// start.
const (
	corpusOracle = "../testdata/filter/expected.tsv"
	sampleOracle = "testdata/filter/samples.tsv"
)

// readTshark reads the rows of an oracle file for the captures keep
// accepts (nil: every capture). A row where tshark refused the capture is
// left out.
func readTshark(t *testing.T, path string, keep func(capture string) bool) []testshared.FilterAnswer {
	t.Helper()
	var out []testshared.FilterAnswer
	for _, a := range testshared.ReadFilterAnswers(t, path) {
		if (keep == nil || keep(a.Capture)) && a.Refused == "" {
			out = append(out, a)
		}
	}
	return out
}

// jsonlFrames is the "frame" of every row of dump --format jsonl output.
func jsonlFrames(t *testing.T, out string) []uint32 {
	t.Helper()
	var frames []uint32
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if line == "" {
			continue
		}
		var r struct{ Frame uint32 }
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("bad jsonl line %q: %v", line, err)
		}
		frames = append(frames, r.Frame)
	}
	return frames
}

// ladderFrames is the frame number of every row of a text ladder: the
// lines whose first field is a number (the headers' are words).
func ladderFrames(out string) []uint32 {
	var frames []uint32
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		if n, err := strconv.ParseUint(f[0], 10, 32); err == nil {
			frames = append(frames, uint32(n))
		}
	}
	return frames
}

// only is the frames of want that in accepts, in order.
func only(want []uint32, in func(n uint32) bool) []uint32 {
	var out []uint32
	for _, n := range want {
		if in(n) {
			out = append(out, n)
		}
	}
	return out
}

// filterCase is a capture the --filter tests run over: its name in the
// oracle, and as the command line takes it.
type filterCase struct {
	capture, arg string
	rows         []testshared.FilterAnswer
}

// filterCases are the embedded samples with their recorded answers, and
// the shared corpus's zeek_smtp.pcap (ICMP errors quoting a conversation,
// DNS and NetBIOS frames, TLS on another) when ../shared is there.
func filterCases(t *testing.T) []filterCase {
	t.Helper()
	by := map[string]*filterCase{}
	var order []string
	add := func(rows []testshared.FilterAnswer, arg func(capture string) string) {
		for _, r := range rows {
			c, ok := by[r.Capture]
			if !ok {
				c = &filterCase{capture: r.Capture, arg: arg(r.Capture)}
				by[r.Capture] = c
				order = append(order, r.Capture)
			}
			c.rows = append(c.rows, r)
		}
	}
	add(readTshark(t, sampleOracle, nil), func(c string) string { return "sample:" + strings.TrimSuffix(c, ".pcap") })
	if dir, ok := testshared.Optional(t); ok {
		add(readTshark(t, corpusOracle, func(c string) bool { return c == "zeek_smtp.pcap" }),
			func(c string) string { return filepath.Join(dir, "captures", c) })
	}
	var out []filterCase
	for _, name := range order {
		out = append(out, *by[name])
	}
	if len(out) < 15 {
		t.Fatalf("%d captures with recorded answers, want the 15 samples at least", len(out))
	}
	return out
}

// knownFilterDiff is a recorded answer that package filter does not give,
// for a reason of its own (not the command line's): extra frames it also
// picks, missing frames it does not. The command line prints what the
// filter picks, so these rows are held to that answer instead.
type knownFilterDiff struct {
	extra, missing []uint32
	why            string
}

// knownFilterDiffs are keyed by capture and filter (tab between). One that
// no longer differs fails TestDumpFilterAgainstTshark, so the list stays
// the truth; filter/oracle_test.go keeps the corpus's own list.
var knownFilterDiffs = map[string]knownFilterDiff{
	"icmp-frag-needed.pcap\thttp": {missing: []uint32{7, 8},
		why: icmpQuoteWhy},
	"icmp-frag-needed.pcap\thttp.response.code == 200": {missing: []uint32{7},
		why: icmpQuoteWhy},
	"zeek_smtp.pcap\tsmtp": {extra: []uint32{36}, missing: []uint32{26, 28, 29, 30},
		why: "tshark names each segment of the DATA content an SMTP \"DATA fragment\"; package app names the content once, " +
			"on the segment that ends it (SMTP/IMF); frame 36 tshark flags a retransmission and hands to no dissector, though most of its bytes are new"},
	"zeek_smtp.pcap\tdns":                         {missing: []uint32{1, 2}, why: "tshark's dns is true on DNS over UDP too; the application fields are read from TCP conversations only, and these DNS frames are UDP"},
	"zeek_smtp.pcap\tdns.qry.name contains \".\"": {missing: []uint32{1, 2}, why: "tshark's dns is true on DNS over UDP too; the application fields are read from TCP conversations only, and these DNS frames are UDP"},
}

// icmpQuoteWhy: tshark dissects the TCP payload an ICMP error quotes.
const icmpQuoteWhy = "frames 7 and 8 are ICMP errors quoting the server's segments, whose first quoted bytes are an HTTP " +
	"response head: tshark dissects the quoted payload as HTTP; the application fields are read from the " +
	"conversation's reassembled streams, not from the bytes an ICMP error quotes"

// apply is the answer the filter gives: want, less missing, plus extra.
func (k knownFilterDiff) apply(want []uint32) []uint32 {
	var out []uint32
	for _, n := range want {
		if !slices.Contains(k.missing, n) {
			out = append(out, n)
		}
	}
	out = append(out, k.extra...)
	slices.Sort(out)
	return out
}

// TestDumpFilterAgainstTshark runs dump --filter as the command line does
// for every recorded filter over every sample and zeek_smtp.pcap: the
// frames of --format jsonl are the frames tshark -Y picks; the rows of
// --format text are those of them that belong to a conversation (the
// ladder has no others); with --stream 0, those of them in stream 0.
func TestDumpFilterAgainstTshark(t *testing.T) {
	compared, seen := 0, 0
	for _, c := range filterCases(t) {
		in, err := openInput(c.arg, nil)
		if err != nil {
			t.Fatal(err)
		}
		tl, err := in.Load(nil)
		in.Close()
		if err != nil {
			t.Fatal(err)
		}
		inConv := make([]bool, len(tl.Frames)+1)
		for _, conv := range tl.Conversations {
			for _, n := range tl.ConvFrames(conv) {
				inConv[n] = true
			}
		}
		inStream0 := func(n uint32) bool { return tl.Frames[n-1].Stream == 0 }
		for _, r := range c.rows {
			out, errs, code := runMain("dump", "--format", "jsonl", "--filter", r.Filter, c.arg)
			if code != 0 || errs != "" {
				t.Errorf("%s: dump --filter %q: exit %d, stderr %q", c.capture, r.Filter, code, errs)
				continue
			}
			compared++
			got := jsonlFrames(t, out)
			if k, ok := knownFilterDiffs[c.capture+"\t"+r.Filter]; ok {
				seen++
				if slices.Equal(got, r.Frames) {
					t.Errorf("%s: --filter %q agrees with tshark now: drop it from knownFilterDiffs (%s)", c.capture, r.Filter, k.why)
				}
				r.Frames = k.apply(r.Frames)
			}
			if !slices.Equal(got, r.Frames) {
				t.Errorf("%s: dump --format jsonl --filter %q: frames %v, tshark's %v", c.capture, r.Filter, got, r.Frames)
			}
			out, _, code = runMain("dump", "--format", "text", "--filter", r.Filter, c.arg)
			want := only(r.Frames, func(n uint32) bool { return inConv[n] })
			if got := ladderFrames(out); code != 0 || !slices.Equal(got, want) {
				t.Errorf("%s: dump --format text --filter %q: exit %d, rows %v, want %v", c.capture, r.Filter, code, got, want)
			}
			if len(want) == 0 && out != "" {
				t.Errorf("%s: dump --format text --filter %q: no conversation's frame matches, yet it prints\n%s", c.capture, r.Filter, out)
			}
			if len(tl.Conversations) == 0 {
				continue
			}
			out, _, code = runMain("dump", "--format", "jsonl", "--stream", "0", "--filter", r.Filter, c.arg)
			if got, want := jsonlFrames(t, out), only(r.Frames, inStream0); code != 0 || !slices.Equal(got, want) {
				t.Errorf("%s: dump --stream 0 --filter %q: exit %d, frames %v, want %v", c.capture, r.Filter, code, got, want)
			}
		}
	}
	if seen != len(knownFilterDiffs) {
		t.Errorf("knownFilterDiffs has %d rows, %d were compared: one names a row the oracle does not have", len(knownFilterDiffs), seen)
	}
	t.Logf("%d filters compared with tshark's answers, %d known differences of package filter", compared, seen)
}

// TestDumpFilterEmpty: an empty --filter is no filter, and a filter that
// matches every frame prints what no filter prints; both are the streaming
// dump's output byte for byte.
func TestDumpFilterEmpty(t *testing.T) {
	for _, name := range []string{"sample:lossy-transfer", "sample:icmp-frag-needed", "sample:ip-fragments"} {
		want, _, _ := runMain("dump", "--format", "jsonl", name)
		for _, f := range []string{"", "  ", "frame"} {
			if got, errs, code := runMain("dump", "--format", "jsonl", "--filter", f, name); got != want || code != 0 || errs != "" {
				t.Errorf("%s --filter %q: exit %d, stderr %q; output differs from no filter", name, f, code, errs)
			}
		}
		text, _, _ := runMain("dump", "--format", "text", name)
		if got, _, _ := runMain("dump", "--format", "text", "--filter", "", name); got != text {
			t.Errorf("%s: text with --filter \"\" differs from no filter", name)
		}
	}
}

// TestDumpFilterExplain: --explain and --filter together explain the rows
// the filter keeps, the same words as without the filter.
func TestDumpFilterExplain(t *testing.T) {
	const name = "sample:lossy-transfer"
	all, _, _ := runMain("dump", "--format", "jsonl", "--explain", name)
	some, errs, code := runMain("dump", "--format", "jsonl", "--explain", "--filter", "tcp.analysis.flags", name)
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	byFrame := map[uint32]string{}
	for _, line := range strings.Split(strings.TrimSpace(all), "\n") {
		var r struct{ Frame uint32 }
		_ = json.Unmarshal([]byte(line), &r)
		byFrame[r.Frame] = line
	}
	lines := strings.Split(strings.TrimSpace(some), "\n")
	if len(lines) == 0 || len(lines) >= len(byFrame) {
		t.Fatalf("%d rows with the filter, %d without", len(lines), len(byFrame))
	}
	for _, line := range lines {
		var r struct{ Frame uint32 }
		_ = json.Unmarshal([]byte(line), &r)
		if byFrame[r.Frame] != line {
			t.Errorf("frame %d: %s\nwithout the filter: %s", r.Frame, line, byFrame[r.Frame])
		}
	}
	text, _, _ := runMain("dump", "--format", "text", "--explain", "--filter", "tcp.analysis.retransmission", name)
	if !strings.Contains(text, "frames matching tcp.analysis.retransmission") || !strings.Contains(text, "        Retransmission: ") {
		t.Errorf("text --explain --filter: want the filter named and the retransmissions explained:\n%s", text)
	}
}

// TestFilterBadInput: a filter that does not compile is one line on
// stderr, quoting the filter and naming the column, exit status 2 and no
// output, for every command that takes --filter; write leaves no file.
func TestFilterBadInput(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.pcap")
	for _, c := range []struct {
		filter, want string
	}{
		{"tcp.prot == 25", `tcpstep: --filter "tcp.prot == 25": unknown field "tcp.prot" at column 1 (did you mean tcp.port?)` + "\n"},
		{"tcp.port == 80 &&", `tcpstep: --filter "tcp.port == 80 &&": filter ends too soon (a field or a test expected) at column 18` + "\n"},
		{"tcp.flags.syn == 1 and (ip.addr == 10.0.0.1", `tcpstep: --filter "tcp.flags.syn == 1 and (ip.addr == 10.0.0.1": filter ends too soon (")" expected) at column 44` + "\n"},
	} {
		for _, args := range [][]string{
			{"dump", "--format", "jsonl"},
			{"dump", "--format", "text"},
			{"dump", "--format", "jsonl", "--explain"},
			{"export", "--format", "mermaid"},
			{"export", "--format", "svg", "-o", filepath.Join(dir, "x.svg")},
			{"write", "-o", out},
			{"write", "--stream", "0", "-o", out},
		} {
			args := append(slices.Clone(args), "--filter", c.filter, "sample:lossy-transfer")
			stdout, stderr, code := runMain(args...)
			if code != 2 || stdout != "" || stderr != c.want {
				t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2, nothing on stdout and\n%s", args, code, stdout, stderr, c.want)
			}
		}
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("a bad filter left files behind: %v", left)
	}
}

// TestCompileFilterColumn: the column of the one-line error is filter.Error's
// (characters, not bytes), whatever the filter holds.
func TestCompileFilterColumn(t *testing.T) {
	for _, expr := range []string{"tcp.prot == 25", "ip.src == 10.0.0.1 && frame.numbr > 3", `tcp.payload contains "é" && tcp.lenn > 0`} {
		_, err := compileFilter(expr)
		var fe *filter.Error
		_, cerr := filter.Compile(expr)
		if err == nil || !errors.As(cerr, &fe) {
			t.Fatalf("%q: compiles", expr)
		}
		if !strings.Contains(err.Error(), " at column "+strconv.Itoa(fe.Column())) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: %q, want one line naming column %d", expr, err, fe.Column())
		}
	}
	if f, err := compileFilter(" "); f != nil || err != nil {
		t.Errorf("a blank filter: %v, %v; want no filter", f, err)
	}
}

// TestWriteSelection: without a filter, a conversation's frames; with a
// filter and a stream, those of them that match; with a filter and no
// stream, every matching frame of the capture, of any conversation or none.
func TestWriteSelection(t *testing.T) {
	in, tl := testsample.Open(t, "icmp-frag-needed")
	conv := tl.ConvFrames(tl.Conversations[0])
	if got := writeSelection(tl, 0, nil); !slices.Equal(got, conv) {
		t.Errorf("no filter: %v, want the conversation's %v", got, conv)
	}
	for _, expr := range []string{"icmp", "tcp.len > 0", "!tcp", "frame.number > 1000", "frame"} {
		f, err := compileFilter(expr)
		if err != nil {
			t.Fatal(err)
		}
		kept, warnings := runFilter(f, in, tl)
		if len(warnings) > 0 {
			t.Errorf("%q: %v", expr, warnings)
		}
		all, err := f.Frames(tl, filterSource(in, tl))
		if err != nil {
			t.Fatal(err)
		}
		if got := writeSelection(tl, -1, kept); !slices.Equal(got, all) {
			t.Errorf("%q, no stream: %v, want every match %v", expr, got, all)
		}
		want := only(conv, func(n uint32) bool { return slices.Contains(all, n) })
		if got := writeSelection(tl, 0, kept); !slices.Equal(got, want) {
			t.Errorf("%q, stream 0: %v, want %v", expr, got, want)
		}
	}
}

// TestWriteFilter runs write --filter and reads the file back: the frames
// tshark's recorded answer names, every one of the capture's (with or
// without a conversation) without --stream, those of the stream with it;
// stderr says how many and which filter.
func TestWriteFilter(t *testing.T) {
	dir := t.TempDir()
	for _, c := range filterCases(t) {
		for _, r := range c.rows {
			switch r.Filter {
			case "tcp.analysis.flags", "!tcp", "icmp", "tcp.len > 0", "frame.number in {1, 3, 5..8}":
			default:
				continue
			}
			in, tl, err := loadInput(c.arg, nil)
			if err != nil {
				t.Fatal(err)
			}
			in.Close()
			out := filepath.Join(dir, strings.ReplaceAll(c.capture, ":", "_"))
			_, errs, code := runMain("write", "--filter", r.Filter, "-o", out, c.arg)
			if code != 0 {
				t.Fatalf("%s: write --filter %q: exit %d, %s", c.capture, r.Filter, code, errs)
			}
			if want := "wrote " + strconv.Itoa(len(r.Frames)) + " frames matching --filter " + strconv.Quote(r.Filter); !strings.Contains(errs, want) {
				t.Errorf("%s: stderr %q, want %q", c.capture, errs, want)
			}
			sameFrames(t, c.capture+" "+r.Filter, tl, r.Frames, out)
			if len(tl.Conversations) == 0 {
				continue
			}
			_, errs, code = runMain("write", "--stream", "0", "--filter", r.Filter, "-o", out, c.arg)
			conv := tl.ConvFrames(tl.Conversations[0])
			want := only(r.Frames, func(n uint32) bool { return slices.Contains(conv, n) })
			if code != 0 || !strings.Contains(errs, "wrote "+strconv.Itoa(len(want))+" frames of stream 0 (") {
				t.Errorf("%s: write --stream 0 --filter %q: exit %d, %q; want %d frames", c.capture, r.Filter, code, errs, len(want))
			}
			sameFrames(t, c.capture+" --stream 0 "+r.Filter, tl, want, out)
		}
	}
}

// sameFrames checks that the capture file path holds frames of tl, and no
// others: the same count, each with the original's time and lengths.
func sameFrames(t *testing.T, what string, tl *model.Timeline, frames []uint32, path string) {
	t.Helper()
	in, err := openInput(path, nil)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	defer in.Close()
	got, err := in.Load(nil)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if len(got.Frames) != len(frames) {
		t.Fatalf("%s: %d frames in the file, want %v", what, len(got.Frames), frames)
	}
	for i, n := range frames {
		a, b := &tl.Frames[n-1], &got.Frames[i]
		if a.TimeNS != b.TimeNS || a.CapLen != b.CapLen || a.OrigLen != b.OrigLen || a.LinkType != b.LinkType {
			t.Errorf("%s: frame %d of the file is not frame %d of the capture", what, i+1, n)
		}
	}
}
