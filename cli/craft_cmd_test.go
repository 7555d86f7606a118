package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/samples"
)

const labScenario = `# a teacher's lab
client 192.0.2.1:40000 isn 100
server 192.0.2.2:80 isn 300
0.000 > S
0.010 < S.
0.011 > .
0.020 > P. "GET / HTTP/1.0\r\n\r\n"
0.030 < . 
`

func TestCraftCommand(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "lab.tcpscenario")
	out := filepath.Join(dir, "lab.pcap")
	if err := os.WriteFile(src, []byte(labScenario), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runMain("craft", src, "-o", out)
	if code != 0 {
		t.Fatalf("craft: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "wrote "+out) {
		t.Errorf("craft says %q", stderr)
	}
	// The capture opens like any other, and so does the scenario itself.
	for _, name := range []string{out, src} {
		stdout, stderr, code := runMain("dump", "--format", "text", name)
		if code != 0 || !strings.Contains(stdout, "PSH,ACK seq=1 ack=1 len=18") || !strings.Contains(stdout, "ESTABLISHED") {
			t.Errorf("dump %s: exit %d %s\n%s", name, code, stderr, stdout)
		}
	}

	// --from writes a scenario that crafts the same bytes.
	text, stderr, code := runMain("craft", "--from", out)
	if code != 0 {
		t.Fatalf("craft --from: exit %d: %s", code, stderr)
	}
	again := filepath.Join(dir, "again.tcpscenario")
	os.WriteFile(again, []byte(text), 0o644)
	if _, stderr, code := runMain("craft", again, "-o", filepath.Join(dir, "again.pcap")); code != 0 {
		t.Fatalf("craft again: %d %s", code, stderr)
	}
	a, _ := os.ReadFile(out)
	b, _ := os.ReadFile(filepath.Join(dir, "again.pcap"))
	if !bytes.Equal(a, b) {
		t.Error("craft --from does not round-trip the capture")
	}

	// --from sample:NAME is the sample's own scenario; with --absolute, a
	// conversion of its capture.
	src1, _, code := runMain("craft", "--from", "sample:rfc9293-fig6")
	own, _ := samples.Scenario("rfc9293-fig6")
	if code != 0 || src1 != string(own) {
		t.Errorf("craft --from sample:rfc9293-fig6: exit %d, %q", code, src1)
	}
	conv, _, code := runMain("craft", "--from", "sample:refused", "--absolute")
	if code != 0 || !strings.Contains(conv, "numbers absolute") || !strings.Contains(conv, "written from a capture") {
		t.Errorf("craft --from sample:refused --absolute: exit %d, %q", code, conv)
	}

	// A sample's scenario crafts its embedded capture.
	stdout, _, code := runMain("craft", "sample:refused", "-o", "-")
	want, _ := samples.Bytes("refused")
	if code != 0 || stdout != string(want) {
		t.Errorf("craft sample:refused -o -: exit %d, %d bytes, want %d", code, len(stdout), len(want))
	}
}

func TestCraftErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.tcpscenario")
	os.WriteFile(bad, []byte(strings.Replace(labScenario, "0.030 < . ", "0.030 < . ack 999", 1)), 0o644)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"craft", bad, "-o", filepath.Join(dir, "x.pcap")}, 2, bad + ":8: ACK 999 is beyond what the client has sent (up to 19)"},
		{[]string{"dump", bad}, 2, bad + ":8: ACK 999"},
		{[]string{"craft", bad}, 2, "-o OUT.pcap"},
		{[]string{"craft", filepath.Join(dir, "none.tcpscenario"), "-o", "x.pcap"}, 2, "no such file"},
		{[]string{"craft", "--from", bad}, 2, "read pcap"},
		{[]string{"craft", "--from", "sample:refused", "--capture", "moon"}, 2, "--capture moon"},
		{[]string{"--follow", bad}, 2, "--follow reads a file"},
	} {
		_, stderr, code := runMain(c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, %q; want exit %d and %q", c.args, code, stderr, c.code, c.want)
		}
	}
}
