package samples

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/scenario"
)

// TestTsharkReadsCraftedCaptures crafts every sample's scenario and has
// tshark read the capture with checksum validation on: no warning on
// standard error, no malformed frame, and every IPv4, TCP and ICMP checksum
// right (a TCP header quoted inside an ICMP error is cut short, so its
// checksum cannot be checked). It skips when tshark is not installed.
//
// One frame is exempt: in icmp-frag-needed the server resends its data in
// smaller segments than the dropped ones, so tshark's reassembly of the
// HTTP stream finds the resend of frame 10 overlapping the data of frame 6
// and marks it "Reassembly error ... New fragment overlaps old data
// (retransmission?)". The bytes agree; the cut points differ, as path MTU
// discovery makes them.
func TestTsharkReadsCraftedCaptures(t *testing.T) {
	exempt := map[string]string{"icmp-frag-needed": "10"}
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		t.Skip("tshark not installed")
	}
	dir := t.TempDir()
	cfg := t.TempDir()
	for _, s := range List() {
		src, err := Scenario(s.Name)
		if err != nil {
			t.Fatal(err)
		}
		b, err := scenario.Craft(s.Name, src)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, s.Name+".pcap")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(tshark, "-n", "-r", p,
			"-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
			"-T", "fields", "-E", "occurrence=f",
			"-e", "frame.number", "-e", "frame.protocols", "-e", "_ws.malformed",
			"-e", "ip.checksum.status", "-e", "tcp.checksum.status", "-e", "icmp.checksum.status")
		cmd.Env = append(os.Environ(), "WIRESHARK_CONFIG_DIR="+cfg)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s: tshark: %v: %s", s.Name, err, stderr.String())
		}
		for l := range strings.Lines(stderr.String()) {
			if !strings.Contains(l, "Running as user") {
				t.Errorf("%s: tshark says %q", s.Name, strings.TrimSpace(l))
			}
		}
		for l := range strings.Lines(string(out)) {
			c := strings.Split(strings.TrimRight(l, "\n"), "\t")
			for len(c) < 6 {
				c = append(c, "")
			}
			quoted := strings.Contains(c[1], "icmp")
			switch {
			case c[2] != "" && exempt[s.Name] != c[0]:
				t.Errorf("%s frame %s: malformed (%s)", s.Name, c[0], c[1])
			case c[3] != "" && c[3] != "1":
				t.Errorf("%s frame %s: IPv4 checksum status %s", s.Name, c[0], c[3])
			case !quoted && c[4] != "" && c[4] != "1":
				t.Errorf("%s frame %s: TCP checksum status %s", s.Name, c[0], c[4])
			case c[5] != "" && c[5] != "1":
				t.Errorf("%s frame %s: ICMP checksum status %s", s.Name, c[0], c[5])
			}
		}
	}
}
