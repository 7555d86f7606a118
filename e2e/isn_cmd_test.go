package e2e

import (
	"regexp"
	"strings"
	"testing"
)

// TestISNCommand checks that tcpstep isn prints a table and a verdict for
// each host of the isn-prediction sample, with the verdict words verbatim.
func TestISNCommand(t *testing.T) {
	bin := buildBinary(t)
	out, errs, code := run(t, bin, nil, "isn", "sample:isn-prediction")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	verdicts := regexp.MustCompile(`(?m)^host (\S+), connections (opened|accepted)[^\n]*\n(?:.*\n)*?  verdict: (\w+)\.`).FindAllStringSubmatch(out, -1)
	got := map[string]string{}
	for _, m := range verdicts {
		got[m[1]+" "+m[2]] = m[3]
	}
	want := map[string]string{
		"192.0.2.10 opened":   "predictable",
		"192.0.2.20 opened":   "unpredictable",
		"192.0.2.80 accepted": "unpredictable",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: verdict %q, want %q\n%s", k, got[k], v, out)
		}
	}
	// The old host's table: 52672001 + 64000 per connection.
	if !strings.Contains(out, "52736001        64000") {
		t.Errorf("old host's table missing:\n%s", out)
	}
	out, _, _ = run(t, bin, nil, "isn", "sample:smtp-figure10")
	if !strings.Contains(out, "too few connections (1) to judge") {
		t.Errorf("one connection:\n%s", out)
	}
}
