package scenario

import (
	"os"
	"strings"
	"testing"
)

// The scenarios the README and docs/scenario.md show craft, and their
// comments' numbers are the crafted ones.
func TestDocumentedScenarios(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Skip("no README beside the package")
	}
	_, rest, ok := strings.Cut(string(readme), "cat > lab.tcpscenario <<'END'\n")
	lab, _, ok2 := strings.Cut(rest, "\nEND\n")
	if !ok || !ok2 {
		t.Fatal("README: the Scenarios section's lab.tcpscenario is gone")
	}
	ps := craft(t, lab)
	if len(ps) != 6 || ps[4].tcp.Seq != 301 || len(ps[4].tcp.Payload) != 120 || ps[5].tcp.Ack != 421 {
		t.Errorf("README's lab: %d frames", len(ps))
	}
	doc, err := os.ReadFile("../docs/scenario.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ = strings.Cut(string(doc), "```\n")
	first, _, _ := strings.Cut(rest, "```\n")
	ps = craft(t, first)
	want := [][2]uint32{{100, 0}, {300, 101}, {101, 301}}
	for i, w := range want {
		if seqAck(ps[i]) != w {
			t.Errorf("docs/scenario.md example, frame %d: %v, the comments say %v", i+1, seqAck(ps[i]), w)
		}
	}
}
