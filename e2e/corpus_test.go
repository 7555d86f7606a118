package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/tcpstep/tcpstep/internal/testshared"
)

// sharedDir is ../shared beside the checkout (skips when absent).
func sharedDir(t *testing.T) string { return testshared.Dir(t) }

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
	buildDir  string
)

// TestMain removes the binary the tests built, once they are done.
func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// moduleRoot is the module's directory, seen from this package's: the
// binary is built there and the repository's test captures live there.
const moduleRoot = ".."

// buildBinary builds tcpstep once per test binary run: the tests exercise
// the real command as a user runs it.
func buildBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "tcpstep-test-")
		if buildErr != nil {
			return
		}
		builtBin = filepath.Join(buildDir, "tcpstep")
		cmd := exec.Command("go", "build", "-o", builtBin, ".")
		cmd.Dir = moduleRoot
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

func needTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is required under CI=true", tool)
			}
			t.Skipf("%s not installed", tool)
		}
	}
}

var scoreRow = regexp.MustCompile(`^(\S+)\s+(\d+|-)\s+(\S+)\s+(\S+)\s+(PASS|FAIL|SKIP)(.*)$`)

// TestCorpusAgainstTshark runs the shared oracle over every capture of
// ../shared/captures: every basic field must agree with tshark 4.0 on every
// row, and every malformed file must end with exit 0 or 2 without a panic.
func TestCorpusAgainstTshark(t *testing.T) {
	shared := sharedDir(t)
	needTools(t, "bash", "python3", "timeout")
	bin := buildBinary(t)
	cmd := exec.Command("bash", filepath.Join(shared, "oracle", "check-corpus.sh"), bin)
	out, err := cmd.CombinedOutput()
	t.Logf("check-corpus.sh:\n%s", out)
	sc := bufio.NewScanner(bytes.NewReader(out))
	rows := 0
	for sc.Scan() {
		m := scoreRow.FindStringSubmatch(sc.Text())
		if m == nil || m[1] == "capture" {
			continue
		}
		rows++
		if m[5] == "FAIL" {
			t.Errorf("%s: %s%s (basic %s, events F1 %s)", m[1], m[5], m[6], m[3], m[4])
		}
	}
	if rows < 50 {
		t.Errorf("check-corpus.sh scored only %d captures; want the whole corpus", rows)
	}
	if err != nil {
		t.Errorf("check-corpus.sh: %v", err)
	}
}

// TestLoopbackCaptures holds the decoder to tshark's fields on the captures
// we recorded ourselves with tcpdump on loopback (testdata/loopback).
func TestLoopbackCaptures(t *testing.T) {
	compareWithTshark(t, "testdata/loopback", 1, "*.pcap")
}

// TestEncapCaptures holds the built binary's dump of the generated
// encapsulation captures (testdata/encap: link_* from gen — 802.11,
// radiotap, FDDI, Cisco HDLC under PPP, Juniper, Ethernet tags; tun_* from
// gen_tunnel — GTP-U, ERSPAN, WCCP, CAPWAP, Aruba GRE, IPComp, sFlow, and
// the decoder bugs' captures) to the tshark fields committed beside them.
func TestEncapCaptures(t *testing.T) {
	compareWithTshark(t, "testdata/encap", 26, "link_*.pcap", "tun_*.pcap", "tun_*.pcapng")
}

// compareWithTshark dumps every capture of the repository's dir matching
// the patterns (at least want of them) with the built binary and holds it
// to dir/expected/NAME.tsv with the oracle's compare.py, as check-corpus.sh
// does.
func compareWithTshark(t *testing.T, dir string, want int, patterns ...string) {
	shared := sharedDir(t)
	needTools(t, "python3")
	var caps []string
	for _, pat := range patterns {
		m, _ := filepath.Glob(filepath.Join(moduleRoot, dir, pat))
		caps = append(caps, m...)
	}
	if len(caps) < want {
		t.Fatalf("%d captures in %s match %v, want at least %d", len(caps), dir, patterns, want)
	}
	bin := buildBinary(t)
	for _, c := range caps {
		name := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(c), ".pcapng"), ".pcap")
		t.Run(name, func(t *testing.T) {
			exp := filepath.Join(moduleRoot, dir, "expected", name+".tsv")
			jsonl, err := exec.Command(bin, "dump", "--format", "jsonl", c).Output()
			if err != nil {
				t.Fatalf("dump: %v", err)
			}
			cmp := exec.Command("python3", filepath.Join(shared, "oracle", "compare.py"), exp, "-")
			cmp.Stdin = bytes.NewReader(jsonl)
			out, err := cmp.CombinedOutput()
			if err != nil {
				t.Errorf("compare.py %s: %v\n%s", name, err, out)
			}
		})
	}
}
