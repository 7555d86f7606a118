package e2e

import (
	"strings"
	"testing"
)

// TestNetstatCommand runs tcpstep netstat on the samples: the greeting of
// Figure 10 sits in the server's Send-Q (93 bytes) until the client's ACK;
// http-close leaves the client in TIME_WAIT and only the server's listener.
func TestNetstatCommand(t *testing.T) {
	bin := buildBinary(t)
	out, errs, code := run(t, bin, nil, "netstat", "--stream", "0", "--step", "4", "sample:smtp-figure10")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"tcp        0      0 198.51.100.77:1042      192.0.2.25:25           ESTABLISHED",
		"tcp        0      0 0.0.0.0:25              0.0.0.0:*               LISTEN",
		"tcp        0     93 192.0.2.25:25           198.51.100.77:1042      ESTABLISHED",
		"States as seen from near the server: SYN → SYN,ACK 90.0 µs, SYN,ACK → ACK 31.4 ms.",
	} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	out, _, code = run(t, bin, nil, "netstat", "--ss", "sample:http-close")
	if code != 0 || !strings.Contains(out, "TIME-WAIT  0      0      198.51.100.23:50412") || strings.Contains(out, "LAST-ACK") ||
		!strings.Contains(out, "LISTEN     0      0      0.0.0.0:80") || !strings.Contains(out, "step 11/11") {
		t.Errorf("http-close, last step, ss style:\n%s", out)
	}
	out, _, _ = run(t, bin, nil, "netstat", "--step", "1", "sample:refused")
	if !strings.Contains(out, "SYN_SENT") || strings.Contains(out, "LISTEN") || !strings.Contains(out, "(no line:") {
		t.Errorf("refused, step 1:\n%s", out)
	}
	for _, args := range [][]string{
		{"netstat", "--stream", "3", "sample:smtp-figure10"},
		{"netstat", "--step", "30", "sample:smtp-figure10"},
		{"netstat", "--step", "-1", "sample:smtp-figure10"},
	} {
		out, errs, code := run(t, bin, nil, args...)
		if code != 2 || out != "" || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errs)
		}
	}
}

func TestVantageCommand(t *testing.T) {
	bin := buildBinary(t)
	out, errs, code := run(t, bin, nil, "vantage", "sample:http-close")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"stream 0 198.51.100.23:50412 ⇄ 203.0.113.80:80: near the client", "SYN → SYN,ACK 24.2 ms, SYN,ACK → ACK 60.0 µs", "capture: taken near 198.51.100.23"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
}
