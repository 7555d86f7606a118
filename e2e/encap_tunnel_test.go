package e2e

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestTunnelCaptures holds the built binary's dump of the generated tunnel
// and decoder-bug captures (testdata/encap/tun_*, see gen_tunnel) to the
// tshark fields committed beside them, with the oracle's compare.py.
func TestTunnelCaptures(t *testing.T) {
	shared := sharedDir(t)
	needTools(t, "python3")
	var caps []string
	for _, pat := range []string{"tun_*.pcap", "tun_*.pcapng"} {
		m, _ := filepath.Glob(filepath.Join(moduleRoot, "testdata", "encap", pat))
		caps = append(caps, m...)
	}
	if len(caps) < 12 {
		t.Fatalf("%d tun_ captures in testdata/encap, want 12", len(caps))
	}
	bin := buildBinary(t)
	for _, c := range caps {
		name := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(c), ".pcapng"), ".pcap")
		t.Run(name, func(t *testing.T) {
			exp := filepath.Join(moduleRoot, "testdata", "encap", "expected", name+".tsv")
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
