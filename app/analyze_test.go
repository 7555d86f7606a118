package app_test

import (
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/app"
	"github.com/tcpstep/tcpstep/internal/testsample"
	"github.com/tcpstep/tcpstep/samples"
)

// TestFigure10ReadsAsSMTP: the paper's session is SMTP, and every command
// and reply of it is named on the segment that carries it, with the fields
// tshark shows (tshark -r samples/data/smtp-figure10.pcap -e smtp.req.command
// -e smtp.req.parameter -e smtp.response.code): "help" as sent, in lower
// case; multi-line replies one message, the first line's code.
func TestFigure10ReadsAsSMTP(t *testing.T) {
	in, tl := testsample.Open(t, samples.Default)
	c := tl.Conversations[0]
	conv, err := app.Analyze(tl, c, func(seg int) ([]byte, error) { return in.Payload(tl, seg) })
	if err != nil {
		t.Fatal(err)
	}
	if conv.Proto != app.SMTP {
		t.Fatalf("proto = %v, want SMTP", conv.Proto)
	}
	want := []struct {
		frame            uint32
		cmd, param, code string
		summary          string
	}{
		{4, "", "", "220", "220 mailhub.example.com ESMTP Sendmail 8.12.8/8.12.8; Fri, 14 Mar 2003 09:02:07 -0500 (EST)"},
		{6, "help", "", "", "help"},
		{7, "", "", "214", "214-2.0.0 This is sendmail version 8.12.8 (+10 lines)"},
		{9, "VRFY", "root", "", "VRFY root"},
		{10, "", "", "250", "250 2.1.5 Super-User <root@mailhub.example.com>"},
		{12, "VRFY", "guest", "", "VRFY guest"},
		{13, "", "", "550", "550 5.1.1 guest... User unknown"},
		{15, "EXPN", "admin", "", "EXPN admin"},
		{16, "", "", "250", "250-2.1.5 Alice Admin <alice@mailhub.example.com> (+1 lines)"},
		{18, "VRFY", "bob", "", "VRFY bob"},
		{19, "", "", "250", "250 2.1.5 Bob Operator <bob@mailhub.example.com>"},
		{21, "VRFY", "oracle@example.net", "", "VRFY oracle@example.net"},
		{22, "", "", "252", "252 2.1.5 <oracle@example.net>"},
		{24, "QUIT", "", "", "QUIT"},
		{25, "", "", "221", "221 2.0.0 mailhub.example.com closing connection"},
	}
	named := 0
	for _, w := range want {
		si := testsample.Seg(t, tl, w.frame)
		a := conv.Seg(si)
		if a == nil {
			t.Errorf("frame %d: no application data", w.frame)
			continue
		}
		named++
		if a.Column != "SMTP" || len(a.Messages) != 1 {
			t.Errorf("frame %d: column %q, %d messages; want SMTP, 1", w.frame, a.Column, len(a.Messages))
			continue
		}
		m := a.Messages[0]
		got := map[string]string{}
		for _, f := range m.Fields {
			got[f.Name] = f.Value
			// Every field's bytes are in this segment: each message here
			// fits in one.
			p, _ := in.Payload(tl, si)
			if f.Len == 0 || f.Off+f.Len > len(p) || !strings.Contains(w.summary+" "+f.Value, string(p[f.Off:f.Off+f.Len])) {
				t.Errorf("frame %d field %s at [%d,+%d) of %d bytes", w.frame, f.Name, f.Off, f.Len, len(p))
			}
		}
		if got["smtp.req.command"] != w.cmd || got["smtp.req.parameter"] != w.param || got["smtp.response.code"] != w.code {
			t.Errorf("frame %d: command %q %q, code %q; want %q %q %q", w.frame,
				got["smtp.req.command"], got["smtp.req.parameter"], got["smtp.response.code"], w.cmd, w.param, w.code)
		}
		if m.Summary != w.summary || m.Malformed != "" {
			t.Errorf("frame %d: summary %q (malformed %q), want %q", w.frame, m.Summary, m.Malformed, w.summary)
		}
	}
	if n := len(conv.Segs); n != named {
		t.Errorf("%d segments with application data, want %d", n, named)
	}
}
