package filter

import (
	"slices"
	"testing"

	"github.com/tcpstep/tcpstep/app"
	"github.com/tcpstep/tcpstep/internal/testsample"
	"github.com/tcpstep/tcpstep/model"
)

// TestAppFieldOperators checks the application fields with each operator
// on the SMTP session of the paper's Figure 10, whose commands and replies
// tshark names on these frames: help 6, VRFY 9 12 18 21, EXPN 15, QUIT
// 24; replies 220 on 4, 214 on 7, 250 on 10 16 19, 550 on 13, 252 on 22,
// 221 on 25. The expected frames are tshark -Y's for each filter.
func TestAppFieldOperators(t *testing.T) {
	in, tl := testsample.Open(t, "smtp-figure10")
	src := Source{Payload: func(seg int) ([]byte, error) { return in.Payload(tl, seg) }}
	for _, c := range []struct {
		expr string
		want []uint32
	}{
		{`smtp.req.command == "VRFY"`, []uint32{9, 12, 18, 21}},
		{`smtp.req.command == VRFY`, []uint32{9, 12, 18, 21}},
		{`smtp.req.command != "VRFY"`, []uint32{6, 15, 24}},
		{`smtp.req.command in {"EXPN", "QUIT"}`, []uint32{15, 24}},
		{`smtp.req.command contains "XP"`, []uint32{15}},
		{`smtp.req.command matches "^(?-i)vrfy$"`, nil},
		{`smtp.req.command matches "^vrfy$"`, []uint32{9, 12, 18, 21}},
		{`smtp.req.command < "VRFY"`, []uint32{15, 24}}, // byte order: "help" sorts after "VRFY"
		{`smtp.req.command == smtp.req.command`, []uint32{6, 9, 12, 15, 18, 21, 24}},
		{`smtp.response.code == 550`, []uint32{13}},
		{`smtp.response.code >= 500 || smtp.response.code == 221`, []uint32{13, 25}},
		{`smtp.response.code in {200..299}`, []uint32{4, 7, 10, 16, 19, 22, 25}},
		{`smtp && tcp.srcport == 25 && !(smtp.response.code == 250)`, []uint32{4, 7, 13, 22, 25}},
		{`smtp.req.command`, []uint32{6, 9, 12, 15, 18, 21, 24}},
		{`http || tls || ssh || dns || ftp`, nil},
	} {
		f, err := Compile(c.expr)
		if err != nil {
			t.Errorf("%s: %v", c.expr, err)
			continue
		}
		got, err := f.Frames(tl, src)
		if err != nil {
			t.Errorf("%s: %v", c.expr, err)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: frames %v, want %v", c.expr, got, c.want)
		}
		// Match, frame by frame, agrees with the walk.
		var one []uint32
		for n := uint32(1); int(n) <= len(tl.Frames); n++ {
			if ok, _ := f.Match(tl, n, src); ok {
				one = append(one, n)
			}
		}
		if !slices.Equal(one, got) {
			t.Errorf("%s: Match picks %v, Frames %v", c.expr, one, got)
		}
		m := f.Matcher(tl, src)
		one = one[:0]
		for n := uint32(1); int(n) <= len(tl.Frames); n++ {
			if ok, _ := m(n); ok {
				one = append(one, n)
			}
		}
		if !slices.Equal(one, got) {
			t.Errorf("%s: Matcher picks %v, Frames %v", c.expr, one, got)
		}
	}
}

// TestAppAnalysedOnce checks that a filter analyses a conversation only
// when it names an application field, and then once in a walk: through
// Source.App when given.
func TestAppAnalysedOnce(t *testing.T) {
	in, tl := testsample.Open(t, "smtp-figure10")
	calls := 0
	src := Source{
		Payload: func(seg int) ([]byte, error) { return in.Payload(tl, seg) },
		App: func(c *model.Conversation) (*app.Conv, error) {
			calls++
			return app.Analyze(tl, c, func(seg int) ([]byte, error) { return in.Payload(tl, seg) })
		},
	}
	for _, c := range []struct {
		expr  string
		calls int
	}{
		{"tcp.len > 0", 0},
		{`tcp.payload contains "VRFY"`, 0},
		{"smtp", 1},
		{`tcp.len > 0 && smtp.response.code == 550`, 1},
	} {
		calls = 0
		f, err := Compile(c.expr)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Frames(tl, src); err != nil {
			t.Fatal(err)
		}
		if calls != c.calls {
			t.Errorf("%s: %d analyses, want %d", c.expr, calls, c.calls)
		}
		calls = 0
		m := f.Matcher(tl, src)
		for n := uint32(len(tl.Frames)); n >= 1; n-- { // backwards: the cache is kept anyway
			m(n)
		}
		if calls != c.calls {
			t.Errorf("%s: Matcher made %d analyses, want %d", c.expr, calls, c.calls)
		}
		if c.calls > 0 && !f.ReadsPayload() {
			t.Errorf("%s: ReadsPayload false", c.expr)
		}
	}
}

// TestAppFieldErrors checks what the text fields refuse.
func TestAppFieldErrors(t *testing.T) {
	for _, c := range []struct{ expr, want string }{
		{`smtp.req.command == smtp.req.comand`, `smtp.req.command == smtp.req.comand: unknown field "smtp.req.comand" at column 21 (did you mean smtp.req.command?)`},
		{`smtp.req.command & 1`, `smtp.req.command & 1: & needs an integer field, and smtp.req.command is a string at column 20`},
		{`smtp.req.command == tcp.port`, `smtp.req.command == tcp.port: smtp.req.command is a string and tcp.port a unsigned integer: they cannot be compared at column 21`},
		{`smtp.req.command in {"A".."B"}`, `smtp.req.command in {"A".."B"}: strings have no ranges at column 22`},
		{`smtp.response.code == "250"`, `smtp.response.code == "250": "250" is not a valid unsigned integer for smtp.response.code (write the number without quotes) at column 23`},
	} {
		_, err := Compile(c.expr)
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: %v, want %s", c.expr, err, c.want)
		}
	}
}
