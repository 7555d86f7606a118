package e2e

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/internal/testshared"
	"github.com/tcpstep/tcpstep/samples"
)

// tshark's recorded answers, tshark -r CAP -Y FILTER -T fields -e
// frame.number: over the shared corpus (testdata/filter/expected.tsv) and
// over the embedded samples (cli/testdata/filter/samples.tsv). Read, not
// run.
var oracles = map[string]string{
	"zeek_smtp.pcap":      filepath.Join(moduleRoot, "testdata", "filter", "expected.tsv"),
	"lossy-transfer.pcap": filepath.Join(moduleRoot, "cli", "testdata", "filter", "samples.tsv"),
}

// filterRuns are the filters the binary is run with, per capture: each
// row of the oracle for them is one case.
var filterRuns = map[string][]string{
	"lossy-transfer.pcap": {
		"tcp.analysis.retransmission",
		"tcp.analysis.flags && !tcp.analysis.window_update",
		"tcp.len > 0",
		"tcp.flags.fin == 1",
		"frame.number in {1, 3, 5..8}",
	},
	"zeek_smtp.pcap": {
		"icmp",                        // ICMP errors quoting stream 0
		"!tcp",                        // DNS and NetBIOS: frames of no conversation
		`tcp.payload contains "HTTP"`, // a payload, and an ICMP error's quoted one
		"tcp.analysis.flags",
		"tcp.stream >= 2",
		"ip.addr == 192.168.0.0/16",
	},
}

// filterCapture is a capture with tshark's answers for filterRuns.
type filterCapture struct {
	name, path string
	frames     map[string][]uint32 // by filter
}

// filterCaptures are sample:lossy-transfer, written to a file, and
// ../shared/captures/zeek_smtp.pcap (skipped when ../shared is absent,
// failing under CI=true).
func filterCaptures(t *testing.T) []filterCapture {
	t.Helper()
	b, err := samples.Bytes("lossy-transfer")
	if err != nil {
		t.Fatal(err)
	}
	lossy := filepath.Join(t.TempDir(), "lossy-transfer.pcap")
	if err := os.WriteFile(lossy, b, 0o644); err != nil {
		t.Fatal(err)
	}
	caps := []filterCapture{{name: "lossy-transfer.pcap", path: lossy}}
	if dir, ok := testshared.Optional(t); ok {
		caps = append(caps, filterCapture{name: "zeek_smtp.pcap", path: filepath.Join(dir, "captures", "zeek_smtp.pcap")})
	}
	for i := range caps {
		c := &caps[i]
		c.frames = recordedFrames(t, oracles[c.name], c.name)
		for _, f := range filterRuns[c.name] {
			if _, ok := c.frames[f]; !ok {
				t.Fatalf("%s has no answer for %s / %q", oracles[c.name], c.name, f)
			}
		}
	}
	return caps
}

// recordedFrames reads the oracle's rows for one capture: the frames
// tshark picks, by filter.
func recordedFrames(t *testing.T, path, capture string) map[string][]uint32 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]uint32{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) != 3 || cols[0] != capture || strings.HasPrefix(cols[2], "!") {
			continue
		}
		var frames []uint32
		if cols[2] != "-" {
			for _, part := range strings.Split(cols[2], ",") {
				a, b, isRange := strings.Cut(part, "-")
				lo, err1 := strconv.ParseUint(a, 10, 32)
				hi := lo
				var err2 error
				if isRange {
					hi, err2 = strconv.ParseUint(b, 10, 32)
				}
				if err1 != nil || err2 != nil {
					t.Fatalf("%s: bad frames %q", path, cols[2])
				}
				for n := lo; n <= hi; n++ {
					frames = append(frames, uint32(n))
				}
			}
		}
		out[cols[1]] = frames
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// dumpFrames is the frame of every row dump --format jsonl prints.
func dumpFrames(t *testing.T, out string) []uint32 {
	t.Helper()
	var frames []uint32
	for _, r := range jsonlRows(t, out) {
		frames = append(frames, frameOf(r))
	}
	return frames
}

// streamFrames is the frames of conversation st, from the capture's dump.
func streamFrames(t *testing.T, bin, path string, st int) []uint32 {
	t.Helper()
	out, errs, code := run(t, bin, nil, "dump", "--format", "jsonl", path)
	if code != 0 {
		t.Fatalf("dump %s: exit %d: %s", path, code, errs)
	}
	var frames []uint32
	for _, r := range jsonlRows(t, out) {
		if streamOf(r) == st {
			frames = append(frames, frameOf(r))
		}
	}
	return frames
}

// both is the frames of a that b holds too, in a's order.
func both(a, b []uint32) []uint32 {
	var out []uint32
	for _, n := range a {
		if slices.Contains(b, n) {
			out = append(out, n)
		}
	}
	return out
}

// TestFilterDump: dump --format jsonl --filter F prints the rows of the
// frames tshark -Y F picks, no more, no fewer; --stream 0 with it those of
// them in stream 0; --format text the rows of them in stream 0 under
// --stream 0.
func TestFilterDump(t *testing.T) {
	bin := buildBinary(t)
	for _, c := range filterCaptures(t) {
		stream0 := streamFrames(t, bin, c.path, 0)
		for _, f := range filterRuns[c.name] {
			want := c.frames[f]
			out, errs, code := run(t, bin, nil, "dump", "--format", "jsonl", "--filter", f, c.path)
			if got := dumpFrames(t, out); code != 0 || errs != "" || !slices.Equal(got, want) {
				t.Errorf("%s: dump --format jsonl --filter %q: exit %d, stderr %q, frames %v; tshark -Y picks %v", c.name, f, code, errs, got, want)
			}
			out, _, code = run(t, bin, nil, "dump", "--format", "jsonl", "--stream", "0", "--filter", f, c.path)
			if got := dumpFrames(t, out); code != 0 || !slices.Equal(got, both(want, stream0)) {
				t.Errorf("%s: dump --stream 0 --filter %q: exit %d, frames %v, want %v", c.name, f, code, got, both(want, stream0))
			}
			out, _, code = run(t, bin, nil, "dump", "--format", "text", "--stream", "0", "--filter", f, c.path)
			if got := ladderRows(out); code != 0 || !slices.Equal(got, both(want, stream0)) {
				t.Errorf("%s: dump --format text --stream 0 --filter %q: exit %d, rows %v, want %v", c.name, f, code, got, both(want, stream0))
			}
		}
	}
}

var (
	textLadderRow  = regexp.MustCompile(`(?m)^ *(\d+) +\d+\.\d{6}  `)
	mermaidRow     = regexp.MustCompile(`(?m)^    (?:[CS](?:->>|-->>|-x)[CS]: \[(\d+)\]|Note over C,S: frame (\d+): )`)
	svgRow         = regexp.MustCompile(`<g class="(?:segment [^"]*|frame)" data-frame="(\d+)"`)
	mermaidComment = regexp.MustCompile(`(?m)^    %% tcpstep: .*$`)
)

// rowsOf is the frame numbers the regexp's first non-empty group names.
func rowsOf(re *regexp.Regexp, out string) []uint32 {
	var frames []uint32
	for _, m := range re.FindAllStringSubmatch(out, -1) {
		for _, g := range m[1:] {
			if g != "" {
				n, _ := strconv.ParseUint(g, 10, 32)
				frames = append(frames, uint32(n))
				break
			}
		}
	}
	return frames
}

func ladderRows(out string) []uint32 { return rowsOf(textLadderRow, out) }

// TestFilterExport: export --filter F leaves out of each format's ladder of
// stream 0 the rows whose frame tshark -Y F does not pick, keeps the
// others, and says so in its header and on stderr when writing a file.
func TestFilterExport(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	for _, c := range filterCaptures(t) {
		stream0 := streamFrames(t, bin, c.path, 0)
		for _, f := range filterRuns[c.name] {
			want := both(c.frames[f], stream0)
			for _, format := range []struct {
				name string
				re   *regexp.Regexp
			}{{"mermaid", mermaidRow}, {"svg", svgRow}, {"txt", textLadderRow}} {
				out, errs, code := run(t, bin, nil, "export", "--format", format.name, "--stream", "0", "--filter", f, c.path)
				if got := rowsOf(format.re, out); code != 0 || errs != "" || !slices.Equal(got, want) {
					t.Errorf("%s: export --format %s --filter %q: exit %d, stderr %q, rows %v, want %v", c.name, format.name, f, code, errs, got, want)
				}
				if !strings.Contains(out, "frames matching ") {
					t.Errorf("%s: export --format %s --filter %q: the header does not name the filter", c.name, format.name, f)
				}
			}
		}
		// To a file: the same bytes, and stderr names the filter.
		f := filterRuns[c.name][0]
		p := filepath.Join(dir, "out.mmd")
		want, _, _ := run(t, bin, nil, "export", "--filter", f, c.path)
		_, errs, code := run(t, bin, nil, "export", "--filter", f, "-o", p, c.path)
		got, err := os.ReadFile(p)
		if code != 0 || err != nil || string(got) != want || !strings.Contains(errs, "the frames matching --filter "+strconv.Quote(f)) {
			t.Errorf("%s: export -o --filter %q: exit %d, stderr %q; file differs from standard output: %v", c.name, f, code, errs, err)
		}
		if m := mermaidComment.FindString(want); !strings.HasSuffix(m, "frames matching "+f) {
			t.Errorf("%s: mermaid header %q does not end naming the filter", c.name, m)
		}
	}
	// Without --stream, txt leaves out every conversation with no frame
	// left: only streams 2 and up for zeek_smtp's tcp.stream >= 2.
	if dir, ok := testshared.Optional(t); ok {
		out, _, code := run(t, bin, nil, "export", "--format", "txt", "--filter", "tcp.stream >= 2", filepath.Join(dir, "captures", "zeek_smtp.pcap"))
		if code != 0 || strings.Contains(out, "stream 0:") || strings.Contains(out, "stream 1:") || !strings.HasPrefix(out, "stream 2:") {
			t.Errorf("export --format txt --filter \"tcp.stream >= 2\": exit %d\n%s", code, out)
		}
	}
}

// TestFilterWrite: write --filter F writes the frames tshark -Y F picks,
// every one in the capture without --stream, those of the stream with it,
// each byte for byte with its time and lengths (read back with tcpstep's
// reader), and dump reads the file back as that many rows.
func TestFilterWrite(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	for _, c := range filterCaptures(t) {
		recs := records(t, c.path)
		stream0 := streamFrames(t, bin, c.path, 0)
		for i, f := range filterRuns[c.name] {
			for _, withStream := range []bool{false, true} {
				want := c.frames[f]
				args := []string{"write", "--filter", f}
				if withStream {
					want = both(want, stream0)
					args = append(args, "--stream", "0")
				}
				o := filepath.Join(dir, c.name+"-"+strconv.Itoa(i)+"-"+strconv.FormatBool(withStream)+".pcap")
				_, errs, code := run(t, bin, nil, append(args, "-o", o, c.path)...)
				if code != 0 {
					t.Fatalf("%s: %v: exit %d: %s", c.name, args, code, errs)
				}
				say := "wrote " + strconv.Itoa(len(want)) + " frames "
				if withStream {
					say += "of stream 0 ("
				} else {
					say += "matching --filter " + strconv.Quote(f) + " to "
				}
				if !strings.Contains(errs, say) || !strings.Contains(errs, strconv.Quote(f)) {
					t.Errorf("%s: %v: stderr %q, want %q", c.name, args, errs, say)
				}
				got := records(t, o)
				if len(got) != len(want) {
					t.Errorf("%s: %v: %d frames in the file, want %d (%v)", c.name, args, len(got), len(want), want)
					continue
				}
				for j, n := range want {
					a, b := recs[n-1], got[j]
					if a.TimeNS != b.TimeNS || a.CapLen != b.CapLen || a.OrigLen != b.OrigLen || a.LinkType != b.LinkType || !bytes.Equal(a.Data, b.Data) {
						t.Errorf("%s: %v: frame %d of the file is not frame %d of the capture", c.name, args, j+1, n)
					}
				}
				if len(want) == 0 {
					continue
				}
				again, errs, code := run(t, bin, nil, "dump", "--format", "jsonl", o)
				if code != 0 || len(jsonlRows(t, again)) != len(want) {
					t.Errorf("%s: %v: dump of the file: exit %d, %d rows, want %d (%s)", c.name, args, code, len(jsonlRows(t, again)), len(want), errs)
				}
			}
		}
	}
}

// TestFilterBadInputCommands: a filter that does not compile is one line
// on stderr, quoting the filter and naming its column, exit status 2 and
// nothing on stdout, whatever the command; write makes no file.
func TestFilterBadInputCommands(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	const want = `tcpstep: --filter "tcp.prot == 25": unknown field "tcp.prot" at column 1 (did you mean tcp.port?)` + "\n"
	for _, args := range [][]string{
		{"dump", "--format", "jsonl"},
		{"dump", "--format", "text", "--explain"},
		{"export", "--format", "svg"},
		{"export", "-o", filepath.Join(dir, "x.mmd")},
		{"write", "-o", filepath.Join(dir, "x.pcap")},
		{"write", "--stream", "0", "-o", "-"},
	} {
		args = append(args, "--filter", "tcp.prot == 25", "sample:lossy-transfer")
		out, errs, code := run(t, bin, nil, args...)
		if code != 2 || out != "" || errs != want {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and %q", args, code, out, errs, want)
		}
	}
	// The column counts characters, not bytes.
	_, errs, code := run(t, bin, nil, "dump", "--filter", `tcp.payload contains "é" && tcp.lenn > 0`, "sample:lossy-transfer")
	if code != 2 || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, `unknown field "tcp.lenn" at column 29`) {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
	// A control byte in the filter is shown, not sent to the terminal.
	_, errs, code = run(t, bin, nil, "dump", "--filter", "tcp\x1b[2J", "sample:lossy-transfer")
	if code != 2 || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, "at column 4") || strings.ContainsRune(errs, 0x1b) {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("a bad filter left files behind: %v", left)
	}
}
