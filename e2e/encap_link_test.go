package e2e

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestEncapLinkCaptures holds the built binary's dump of every link-layer
// capture of testdata/encap (link_*.pcap: 802.11, radiotap, FDDI, Cisco
// HDLC under PPP, Juniper, Ethernet tags) to the tshark fields committed
// beside them, with the oracle's compare.py, as check-corpus.sh does.
func TestEncapLinkCaptures(t *testing.T) {
	shared := sharedDir(t)
	needTools(t, "python3")
	caps, _ := filepath.Glob(filepath.Join(moduleRoot, "testdata", "encap", "link_*.pcap"))
	if len(caps) < 14 {
		t.Fatalf("found %d link_*.pcap captures in testdata/encap, want 14", len(caps))
	}
	bin := buildBinary(t)
	for _, c := range caps {
		name := strings.TrimSuffix(filepath.Base(c), ".pcap")
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
