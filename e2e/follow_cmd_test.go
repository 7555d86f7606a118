package e2e

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestFollowRawAgainstTshark runs `tcpstep follow --dir` on the samples and
// the loopback captures and compares the bytes written with what tshark's
// Follow TCP Stream gave (testdata/follow/expected.tsv, see regen.sh there),
// byte for byte. None of these captures has data behind an unacknowledged
// gap, where tcpstep deliberately writes more than tshark.
func TestFollowRawAgainstTshark(t *testing.T) {
	bin := buildBinary(t)
	f, err := os.Open(filepath.Join(moduleRoot, "testdata", "follow", "expected.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	checked := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		c := strings.Split(sc.Text(), "\t")
		if len(c) != 8 || strings.HasPrefix(c[0], "#") || c[0] == "capture" || strings.HasPrefix(c[2], "dialogue:") {
			continue
		}
		var path string
		switch {
		case strings.HasPrefix(c[0], "samples/"):
			path = "sample:" + strings.TrimSuffix(strings.TrimPrefix(c[0], "samples/"), ".pcap")
		case strings.HasPrefix(c[0], "loopback/"):
			path = filepath.Join(moduleRoot, "testdata", "loopback", strings.TrimPrefix(c[0], "loopback/"))
		default:
			continue
		}
		dir := sideOf(t, bin, path, c[1], c[2])
		out, errOut, code := run(t, bin, nil, "follow", "--stream", c[1], "--dir", dir, path)
		if code != 0 {
			t.Errorf("%s stream %s %s: exit %d: %s", path, c[1], dir, code, errOut)
			continue
		}
		sum := sha256.Sum256([]byte(out))
		if n, _ := strconv.Atoi(c[5]); len(out) != n || hex.EncodeToString(sum[:]) != c[6] {
			t.Errorf("%s stream %s %s: %d bytes, tshark %s", path, c[1], dir, len(out), c[5])
		}
		checked++
	}
	if checked < 20 {
		t.Errorf("only %d directions checked", checked)
	}
	t.Logf("%d directions written byte for byte as tshark follows them", checked)
}

// sideOf says whether endpoint (as tshark prints it) is the client (c2s)
// or the server of the stream, from the first line of the text dump:
// "stream N: client A ⇄ server B".
func sideOf(t *testing.T, bin, path, stream, endpoint string) string {
	t.Helper()
	out, errOut, code := run(t, bin, nil, "dump", "--format", "text", "--stream", stream, path)
	if code != 0 {
		t.Fatalf("dump %s: exit %d: %s", path, code, errOut)
	}
	first, _, _ := strings.Cut(out, "\n")
	switch {
	case strings.Contains(first, "client "+endpoint+" "):
		return "c2s"
	case strings.Contains(first, "server "+endpoint+" ") || strings.HasSuffix(first, "server "+endpoint):
		return "s2c"
	}
	t.Fatalf("%s stream %s: %s is neither side in %q", path, stream, endpoint, first)
	return ""
}

// TestFollowDialogueText checks the text dialogue: a marker line per change
// of direction, every control byte made visible, and the gap markers.
func TestFollowDialogueText(t *testing.T) {
	bin := buildBinary(t)
	out, errOut, code := run(t, bin, nil, "follow", "--stream", "0", "sample:smtp-figure10")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, r := range out {
		if (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			t.Fatalf("raw control %U in the dialogue", r)
		}
	}
	lines := strings.Split(out, "\n")
	if !strings.HasPrefix(lines[0], "── s2c 192.0.2.25:25 → 198.51.100.77:1042") || !strings.HasPrefix(lines[1], "220 ") || !strings.HasSuffix(lines[1], "␍␊") {
		t.Errorf("dialogue starts %q", lines[:2])
	}
	markers := 0
	for _, l := range lines {
		if strings.HasPrefix(l, "── ") {
			markers++
		}
	}
	// The figure's dialogue alternates: greeting, then command and reply
	// pairs; every change of direction has its marker.
	if markers < 10 {
		t.Errorf("%d marker lines", markers)
	}

	out, _, code = run(t, bin, nil, "follow", "--stream", "0", "--hex", "sample:lossy-transfer")
	if code != 0 || !strings.Contains(out, "         1  47 45 54 20 2f") {
		t.Errorf("hex dialogue (exit %d) starts %q", code, out[:min(len(out), 200)])
	}
}

func TestFollowErrors(t *testing.T) {
	bin := buildBinary(t)
	for _, args := range [][]string{
		{"follow", "sample:isn-prediction"}, // several conversations, no --stream
		{"follow", "--stream", "9", "sample:smtp-figure10"},
		{"follow", "--stream", "0", "--dir", "up", "sample:smtp-figure10"},
		{"follow", "--stream", "0", "--dir", "c2s", "--hex", "sample:smtp-figure10"},
		{"follow", "--stream", "0", filepath.Join(t.TempDir(), "missing.pcap")},
	} {
		out, errOut, code := run(t, bin, nil, args...)
		if code != 2 || out != "" || strings.Count(strings.TrimSpace(errOut), "\n") != 0 || errOut == "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and one line", args, code, out, errOut)
		}
	}
}
