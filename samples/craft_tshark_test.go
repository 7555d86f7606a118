package samples

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/tcpstep/tcpstep/scenario"
)

// TestTsharkReadsCraftedCaptures crafts every sample's scenario and has
// tshark read the captures (one file, as TestTsharkEvents does, so tshark
// starts once) with checksum validation on: no warning on standard error,
// no malformed frame, and every IPv4, TCP and ICMP checksum right (a TCP
// header quoted inside an ICMP error is cut short, so its checksum cannot
// be checked). It skips when tshark is not installed.
//
// One frame is exempt: in icmp-frag-needed the server resends its data in
// smaller segments than the dropped ones, so tshark's reassembly of the
// HTTP stream finds the resend of frame 10 overlapping the data of frame 6
// and marks it "Reassembly error ... New fragment overlaps old data
// (retransmission?)". The bytes agree; the cut points differ, as path MTU
// discovery makes them.
func TestTsharkReadsCraftedCaptures(t *testing.T) {
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		t.Skip("tshark not installed")
	}
	exempt := map[string]int{"icmp-frag-needed": 10}
	var all bytes.Buffer
	w := pcapgo.NewWriter(&all)
	if err := w.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		t.Fatal(err)
	}
	type origin struct {
		name  string
		frame int
	}
	owner := []origin{{}} // frame number in the joined file -> sample and its own frame
	for _, s := range List() {
		src, err := Scenario(s.Name)
		if err != nil {
			t.Fatal(err)
		}
		b, err := scenario.Craft(s.Name, src)
		if err != nil {
			t.Fatal(err)
		}
		r, err := pcapgo.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		for n := 1; ; n++ {
			data, ci, err := r.ReadPacketData()
			if err != nil {
				break
			}
			if err := w.WritePacket(ci, data); err != nil {
				t.Fatal(err)
			}
			owner = append(owner, origin{s.Name, n})
		}
	}
	p := filepath.Join(t.TempDir(), "crafted.pcap")
	if err := os.WriteFile(p, all.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(tshark, "-n", "-r", p,
		"-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
		"-T", "fields", "-E", "occurrence=f",
		"-e", "frame.number", "-e", "frame.protocols", "-e", "_ws.malformed",
		"-e", "ip.checksum.status", "-e", "tcp.checksum.status", "-e", "icmp.checksum.status")
	cmd.Env = append(os.Environ(), "WIRESHARK_CONFIG_DIR="+t.TempDir())
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("tshark: %v: %s", err, stderr.String())
	}
	for l := range strings.Lines(stderr.String()) {
		if !strings.Contains(l, "Running as user") {
			t.Errorf("tshark says %q", strings.TrimSpace(l))
		}
	}
	rows := 0
	for l := range strings.Lines(string(out)) {
		c := strings.Split(strings.TrimRight(l, "\n"), "\t")
		for len(c) < 6 {
			c = append(c, "")
		}
		n, err := strconv.Atoi(c[0])
		if err != nil || n <= 0 || n >= len(owner) {
			t.Fatalf("tshark line %q", l)
		}
		rows++
		o := owner[n]
		at := fmt.Sprintf("%s frame %d", o.name, o.frame)
		quoted := strings.Contains(c[1], "icmp")
		switch {
		case c[2] != "" && exempt[o.name] != o.frame:
			t.Errorf("%s: malformed (%s)", at, c[1])
		case c[3] != "" && c[3] != "1":
			t.Errorf("%s: IPv4 checksum status %s", at, c[3])
		case !quoted && c[4] != "" && c[4] != "1":
			t.Errorf("%s: TCP checksum status %s", at, c[4])
		case c[5] != "" && c[5] != "1":
			t.Errorf("%s: ICMP checksum status %s", at, c[5])
		}
	}
	if rows != len(owner)-1 {
		t.Errorf("tshark read %d frames of %d", rows, len(owner)-1)
	}
}
