package e2e

import (
	"strings"
	"testing"
)

// TestExpertCommand runs tcpstep expert as a user does: the table on a
// sample, one conversation, and the refusals.
func TestExpertCommand(t *testing.T) {
	bin := buildBinary(t)
	out, errs, code := run(t, bin, nil, "expert", "sample:lossy-transfer")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"Warnings (3)", "Notes (11)", "Chats (4)", "duplicate_ack", "17 18 19 20 21 31"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Index(out, "Warnings") > strings.Index(out, "Notes") || strings.Index(out, "Notes") > strings.Index(out, "Chats") {
		t.Errorf("severities out of order:\n%s", out)
	}
	out, _, code = run(t, bin, nil, "expert", "--stream", "0", "sample:smtp-figure10")
	if code != 0 || !strings.Contains(out, "stream 0:") || !strings.Contains(out, "rst") || strings.Contains(out, "Streams") {
		t.Errorf("--stream 0: exit %d:\n%s", code, out)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"expert", "--stream", "1", "sample:refused"}, "no stream 1"},
		{[]string{"expert", "--stream", "-3", "sample:refused"}, "--stream -3"},
		{[]string{"expert", "sample:nope"}, "nope"},
	} {
		out, errs, code := run(t, bin, nil, c.args...)
		if code != 2 || out != "" || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 with %q", c.args, code, out, errs, c.want)
		}
	}
}
