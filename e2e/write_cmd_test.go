package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tcpstep/tcpstep/decode/capfile"
	"github.com/tcpstep/tcpstep/internal/testshared"
	"github.com/tcpstep/tcpstep/samples"
)

// writeCase is one capture to write conversations of.
type writeCase struct {
	name string // as the test names it
	path string // a file the test can hand tshark too
}

// writeCases are the embedded samples (written out to files) and the shared
// corpus's captures, when ../shared is there.
func writeCases(t *testing.T) []writeCase {
	t.Helper()
	dir := t.TempDir()
	var cases []writeCase
	for _, s := range samples.List() {
		b, err := samples.Bytes(s.Name)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, s.Name+".pcap")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, writeCase{"sample:" + s.Name, p})
	}
	if shared, ok := testshared.Optional(t); ok {
		for _, pat := range []string{"*.pcap", "*.pcapng"} {
			m, _ := filepath.Glob(filepath.Join(shared, "captures", pat))
			for _, p := range m {
				cases = append(cases, writeCase{filepath.Base(p), p})
			}
		}
	}
	return cases
}

// jsonlRows parses dump --format jsonl output into its rows.
func jsonlRows(t *testing.T, out string) []map[string]any {
	t.Helper()
	var rows []map[string]any
	dec := json.NewDecoder(strings.NewReader(out))
	dec.UseNumber()
	for {
		var r map[string]any
		if err := dec.Decode(&r); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("bad jsonl: %v", err)
		}
		rows = append(rows, r)
	}
	return rows
}

// streamOf is a dump row's conversation, -1 when it has none.
func streamOf(r map[string]any) int {
	n, ok := r["stream"].(json.Number)
	if !ok {
		return -1
	}
	v, _ := n.Int64()
	return int(v)
}

func frameOf(r map[string]any) uint32 {
	v, _ := r["frame"].(json.Number).Int64()
	return uint32(v)
}

// timeNS reads a row's "time" (seconds with nine decimals) exactly.
func timeNS(t *testing.T, r map[string]any) int64 {
	t.Helper()
	s := r["time"].(json.Number).String()
	sec, frac, _ := strings.Cut(s, ".")
	a, err1 := strconv.ParseInt(sec, 10, 64)
	b, err2 := strconv.ParseInt((frac + "000000000")[:9], 10, 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("bad time %q", s)
	}
	if strings.HasPrefix(sec, "-") {
		return a*1e9 - b
	}
	return a*1e9 + b
}

// records reads every record of a capture file with tcpstep's reader.
func records(t *testing.T, path string) []capfile.Record {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := capfile.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []capfile.Record
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		c := *rec
		c.Data = slices.Clone(rec.Data)
		out = append(out, c)
	}
}

// writeDiffers lists the dump rows of a written conversation that differ
// from the capture's, by capture, stream and frame (the capture's number):
// the key, its value in the file and in the capture, and why. The file holds
// the conversation alone, so what tcpstep says by comparing it with the
// rest of the capture cannot be said of the file.
var writeDiffers = map[string]map[int]map[uint32]struct {
	key, file, capture, why string
}{
	"derived_port-reuse.pcap": {1: {15: {"events", "[]", "[reused_ports]",
		"the earlier connection on the same ports, stream 0, is not in the file"}}},
	"sample:rfc9293-fig8": {1: {4: {"events", "[]", "[reused_ports]",
		"the old duplicate's exchange on the same ports, stream 0, is not in the file"}}},
}

// TestWriteCommand writes every conversation of every sample and every
// shared capture with tcpstep write, and holds the file to the input: the
// same frames, byte for byte, with the same timestamps, lengths and link
// types (read back with tcpstep's reader); the same rows in tcpstep's own
// dump --format jsonl but for the frame numbers and stream index; and,
// where tshark is installed, the same frame.time_epoch, frame.len and
// frame.cap_len for tshark.
func TestWriteCommand(t *testing.T) {
	bin := buildBinary(t)
	_, tsharkErr := exec.LookPath("tshark")
	out := t.TempDir()
	var written atomic.Int32
	for _, c := range writeCases(t) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dump, errs, code := run(t, bin, nil, "dump", "--format", "jsonl", c.path)
			if code != 0 {
				t.Fatalf("dump: exit %d: %s", code, errs)
			}
			rows := jsonlRows(t, dump)
			streams := map[int][]map[string]any{}
			for _, r := range rows {
				if st := streamOf(r); st >= 0 {
					streams[st] = append(streams[st], r)
				}
			}
			if len(streams) == 0 {
				return
			}
			recs := records(t, c.path)
			var tsIn []string
			if tsharkErr == nil {
				tsIn = tsharkFrames(t, c.path)
			}
			for st := 0; st < len(streams); st++ {
				want := streams[st]
				o := filepath.Join(out, fmt.Sprintf("%s-%d.pcap", strings.ReplaceAll(c.name, ":", "_"), st))
				_, errs, code := run(t, bin, nil, "write", "--stream", strconv.Itoa(st), "-o", o, c.path)
				if code != 0 {
					t.Fatalf("write --stream %d: exit %d: %s", st, code, errs)
				}
				if !strings.Contains(errs, fmt.Sprintf("wrote %d frames of stream %d", len(want), st)) {
					t.Errorf("write --stream %d: stderr %q, want %d frames", st, errs, len(want))
				}
				written.Add(1)
				// The frames, byte for byte, read back by tcpstep's reader.
				got := records(t, o)
				if len(got) != len(want) {
					t.Fatalf("stream %d: %d frames written, the stream has %d", st, len(got), len(want))
				}
				for i, r := range want {
					a, b := recs[frameOf(r)-1], got[i]
					if a.TimeNS != b.TimeNS || a.CapLen != b.CapLen || a.OrigLen != b.OrigLen || a.LinkType != b.LinkType || !bytes.Equal(a.Data, b.Data) {
						t.Errorf("stream %d: frame %d written as %+v, was %+v", st, frameOf(r), b, a)
					}
				}
				// tcpstep's dump of the file: the stream's rows.
				again, errs, code := run(t, bin, nil, "dump", "--format", "jsonl", o)
				if code != 0 {
					t.Fatalf("dump %s: exit %d: %s", o, code, errs)
				}
				compareRows(t, c.name, st, want, jsonlRows(t, again))
				// tshark's account of the frames.
				if tsIn != nil {
					var w []string
					for _, r := range want {
						w = append(w, tsIn[frameOf(r)-1])
					}
					if g := tsharkFrames(t, o); !slices.Equal(g, w) {
						t.Errorf("stream %d: tshark reads the written frames as\n%s\nthe input's as\n%s", st, strings.Join(g, "\n"), strings.Join(w, "\n"))
					}
				}
			}
		})
	}
	t.Cleanup(func() {
		// After the parallel subtests.
		if n := written.Load(); n < 15 {
			t.Errorf("wrote only %d conversations", n)
		}
		if tsharkErr != nil {
			t.Logf("tshark not installed: the written files were not read by tshark")
		}
	})
}

// compareRows holds the dump rows of a written conversation to the input's
// rows of that stream: equal but for the frame numbers, the stream index
// (0 in the file) and the time, counted from the stream's first frame.
func compareRows(t *testing.T, name string, st int, want, got []map[string]any) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s stream %d: %d rows in the written file, %d in the stream", name, st, len(got), len(want))
		return
	}
	skip := map[string]bool{"frame": true, "stream": true, "time": true}
	t0, u0 := timeNS(t, want[0]), timeNS(t, got[0])
	for i := range want {
		w, g := want[i], got[i]
		if timeNS(t, w)-t0 != timeNS(t, g)-u0 {
			t.Errorf("%s stream %d, frame %d: time %v in the file, %v in the capture", name, st, frameOf(w), g["time"], w["time"])
		}
		if s := streamOf(g); s != 0 {
			t.Errorf("%s stream %d, frame %d: stream %d in the file, want 0", name, st, frameOf(w), s)
		}
		keys := map[string]bool{}
		for k := range w {
			keys[k] = true
		}
		for k := range g {
			keys[k] = true
		}
		for k := range keys {
			if skip[k] {
				continue
			}
			if d, ok := writeDiffers[name][st][frameOf(w)]; ok && d.key == k {
				if fmt.Sprint(g[k]) != d.file || fmt.Sprint(w[k]) != d.capture {
					t.Errorf("%s stream %d, frame %d: %s is %v in the file, %v in the capture; the known difference is %s and %s (%s)", name, st, frameOf(w), k, g[k], w[k], d.file, d.capture, d.why)
				}
				continue
			}
			if fmt.Sprint(w[k]) != fmt.Sprint(g[k]) {
				t.Errorf("%s stream %d, frame %d (%d in the file): %s is %v in the file, %v in the capture", name, st, frameOf(w), frameOf(g), k, g[k], w[k])
			}
		}
	}
}

// tsharkFrames is tshark's frame.time_epoch, frame.len and frame.cap_len of
// every frame of a capture, one tab-separated line per frame.
func tsharkFrames(t *testing.T, path string) []string {
	t.Helper()
	cmd := exec.Command("tshark", "-n", "-r", path, "-T", "fields", "-e", "frame.time_epoch", "-e", "frame.len", "-e", "frame.cap_len")
	cmd.Env = append(os.Environ(), "WIRESHARK_CONFIG_DIR="+t.TempDir())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("tshark -r %s: %v", path, err)
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}

// TestWriteCommandUse covers write's other ways in and out: a pcapng name,
// standard output, the capture's only conversation without --stream, and
// the refusals, each one line with exit status 2 that leaves no file.
func TestWriteCommandUse(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	ng := filepath.Join(dir, "lossy.pcapng")
	if _, errs, code := run(t, bin, nil, "write", "-o", ng, "sample:lossy-transfer"); code != 0 || !strings.Contains(errs, "as pcapng") {
		t.Errorf("write -o .pcapng: exit %d, %q", code, errs)
	}
	if r, err := os.Open(ng); err == nil {
		rd, err := capfile.NewReader(r)
		if err != nil || rd.Kind() != "pcapng" {
			t.Errorf("%s: %v, kind %v", ng, err, rd)
		}
		r.Close()
	}
	out, errs, code := run(t, bin, nil, "write", "-o", "-", "sample:refused")
	if code != 0 || !strings.Contains(errs, "standard output") {
		t.Errorf("write -o -: exit %d, %q", code, errs)
	}
	p := filepath.Join(dir, "stdout.pcap")
	if err := os.WriteFile(p, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	if n := len(records(t, p)); n != 2 {
		t.Errorf("write -o - gave %d frames, want refused's 2", n)
	}
	// The written file can be written from again, to the same bytes.
	p2 := filepath.Join(dir, "again.pcap")
	if _, errs, code := run(t, bin, nil, "write", "-o", p2, p); code != 0 {
		t.Errorf("write from a written file: exit %d, %q", code, errs)
	} else if b, _ := os.ReadFile(p2); !bytes.Equal(b, []byte(out)) {
		t.Errorf("writing a written file again changed it")
	}
	smtp := filepath.Join(dir, "smtp.pcap")
	b, _ := samples.Bytes("smtp-figure10")
	if err := os.WriteFile(smtp, b, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"write", "sample:refused"}, "missing -o"},
		{[]string{"write", "-o", filepath.Join(dir, "x.pcap"), "--stream", "3", "sample:refused"}, "no stream 3"},
		{[]string{"write", "-o", filepath.Join(dir, "x.pcap"), "--stream", "-2", "sample:refused"}, "--stream -2"},
		{[]string{"write", "-o", smtp, smtp}, "is the capture being read"},
		{[]string{"write", "-o", filepath.Join(dir, "no", "such", "dir.pcap"), "sample:refused"}, "dir.pcap"},
		{[]string{"write", "-o", filepath.Join(dir, "x.pcap"), filepath.Join(dir, "missing.pcap")}, "missing.pcap"},
	} {
		out, errs, code := run(t, bin, nil, c.args...)
		if code != 2 || out != "" || !strings.Contains(errs, c.want) || strings.Count(strings.TrimRight(errs, "\n"), "\n") != 0 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and one line with %q", c.args, code, out, errs, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "x.pcap")); err == nil {
		t.Errorf("a refused write left its file")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".tcpstep-write-*")); len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

// TestWriteSeveralConversations: with several conversations and no
// --stream, write says which there are; with --stream it writes one.
func TestWriteSeveralConversations(t *testing.T) {
	shared := sharedDir(t)
	bin := buildBinary(t)
	capPath := filepath.Join(shared, "captures", "zeek_smtp.pcap")
	o := filepath.Join(t.TempDir(), "s.pcap")
	_, errs, code := run(t, bin, nil, "write", "-o", o, capPath)
	if code != 2 || !strings.Contains(errs, "holds 6 conversations: choose one with --stream N") {
		t.Errorf("no --stream: exit %d, %q", code, errs)
	}
	if _, err := os.Stat(o); err == nil {
		t.Errorf("a refused write left its file")
	}
}

// TestExpertWriteMalformed runs expert and write on every malformed capture
// of the shared corpus: exit 0 or 2, never a panic, nothing raw from the
// file on the terminal, and a refused file refused as dump refuses it.
func TestExpertWriteMalformed(t *testing.T) {
	files := testshared.Captures(t, "malformed/*")
	bin := buildBinary(t)
	o := filepath.Join(t.TempDir(), "out.pcap")
	for _, f := range files {
		name := filepath.Base(f)
		if strings.HasSuffix(name, ".md") || strings.HasSuffix(name, ".txt") {
			continue
		}
		_, _, want := runTimed(t, bin, "dump", "--format", "jsonl", f)
		for _, args := range [][]string{{"expert", f}, {"write", "--stream", "0", "-o", o, f}} {
			out, errs, code := runTimed(t, bin, args...)
			if code != 0 && code != 2 || strings.Contains(errs, "panic") {
				t.Errorf("%s %s: exit %d\n%s", args[0], name, code, errs)
			}
			if want == 2 && code != 2 {
				t.Errorf("%s %s: exit %d where dump refuses the file", args[0], name, code)
			}
			if bad := rawControls(out + errs); len(bad) > 0 {
				t.Errorf("%s %s: raw control bytes: %v", args[0], name, bad)
			}
		}
	}
}
