package filter

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/internal/testsample"
	"github.com/tcpstep/tcpstep/internal/testshared"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/samples"
)

// TestCompileErrors checks that a bad filter says what is wrong, on one
// line, at the column where it goes wrong.
func TestCompileErrors(t *testing.T) {
	for _, c := range []struct {
		expr, want string
	}{
		{"tcp.prot == 25", `tcp.prot == 25: unknown field "tcp.prot" at column 1 (did you mean tcp.port?)`},
		{"tcp && ip.frag", `tcp && ip.frag: unknown field "ip.frag" at column 8 (try ip.flags.mf == 1 || ip.frag_offset > 0, or tcpstep.fragment)`},
		{"tcp.port == ", `tcp.port == : filter ends too soon (a value expected) at column 13`},
		{"tcp.port == 70000", `tcp.port == 70000: 70000 is too big for tcp.port, at most 65535 at column 13`},
		{"(tcp", `(tcp: filter ends too soon (")" expected) at column 5`},
		{"tcp.port == 80 tcp", `tcp.port == 80 tcp: "tcp" was unexpected here at column 16`},
		{"tcp.port = 80", `tcp.port = 80: "=" is not an operator (use == to compare) at column 10`},
		{"tcp.port | 80", `tcp.port | 80: "|" is not an operator (use || or "or") at column 10`},
		{"80 == tcp.port", `80 == tcp.port: the left side of "==" must be a field, not 80 at column 1`},
		{`"abc"`, `"abc": "abc" is neither a field nor a protocol name at column 1`},
		{"TCP", `TCP: unknown field "TCP" at column 1 (did you mean tcp?)`},
		{"ip.addr == ::1", `ip.addr == ::1: ::1 is not an IPv4 address, which ip.addr wants at column 12`},
		{"ip.addr == 10.0.0.256", `ip.addr == 10.0.0.256: 10.0.0.256 is not a valid IPv4 address for ip.addr at column 12`},
		{"tcp.srcport == tcp.prot", `tcp.srcport == tcp.prot: unknown field "tcp.prot" at column 16 (did you mean tcp.port?)`},
		{"tcp.port == ip.src", `tcp.port == ip.src: tcp.port is a unsigned integer and ip.src a IPv4 address: they cannot be compared at column 13`},
		{`tcp.payload matches "("`, `tcp.payload matches "(": bad pattern: missing closing ): ( (Go regexp syntax) at column 21`},
		{`tcp.payload matches GET`, `tcp.payload matches GET: matches takes a pattern in quotes at column 21`},
		{`tcp.port contains 80`, `tcp.port contains 80: contains needs bytes, and tcp.port is a unsigned integer at column 10`},
		{`tcp.payload contains "\q"`, `tcp.payload contains "\q": \q is not an escape (write \\ for a backslash, or use a raw string r"...") at column 23`},
		{`tcp.payload contains "abc`, `tcp.payload contains "abc: string not closed (a closing " is missing) at column 22`},
		{`tcp.payload contains GET`, `tcp.payload contains GET: GET is not a valid bytes for tcp.payload (write text in quotes, or bytes as 0d:0a) at column 22`},
		{"tcp.port in {}", `tcp.port in {}: the set is empty at column 14`},
		{"tcp.port in {1..}", `tcp.port in {1..}: "}" was unexpected here (the upper end of the range expected) at column 17`},
		{"tcp.port[0:2] == 00:50", `tcp.port[0:2] == 00:50: tcp.port is a unsigned integer and cannot be sliced (only bytes can) at column 9`},
		{"tcp.payload[x] == 00", `tcp.payload[x] == 00: "x" is not a slice range (write i:n, i-j, i, i: or :n) at column 13`},
		{"frame.time_relative > 0.0000000001", `frame.time_relative > 0.0000000001: 0.0000000001 is not a valid time for frame.time_relative (more precise than a nanosecond) at column 23`},
		{"tcp.analysis.retransmission == 1", `tcp.analysis.retransmission == 1: tcp.analysis.retransmission has no value to compare: test it alone, as in "tcp.analysis.retransmission" at column 1`},
		{"tcpstep.server_state == SYN_RCVD", `tcpstep.server_state == SYN_RCVD: SYN_RCVD is not a valid TCP state for tcpstep.server_state (states are CLOSED LISTEN SYN_SENT SYN_RECEIVED ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 CLOSE_WAIT CLOSING LAST_ACK TIME_WAIT) at column 25`},
		{"tcpstep.client_state > CLOSED", `tcpstep.client_state > CLOSED: states are not ordered: use == or in {...} at column 22`},
		{"tcp.flags.syn == maybe", `tcp.flags.syn == maybe: maybe is not a valid boolean for tcp.flags.syn at column 18`},
		{"tcp.port == \"80\"", `tcp.port == "80": "80" is not a valid unsigned integer for tcp.port (write the number without quotes) at column 13`},
		{"not", `not: filter ends too soon (a field or a test expected) at column 4`},
		{"tcp.flags & 0x02 & 0x10", `tcp.flags & 0x02 & 0x10: "&" was unexpected here at column 18`},
		{"tcp.payload contains \"é\" && tcp.prot", `tcp.payload contains "é" && tcp.prot: unknown field "tcp.prot" at column 29 (did you mean tcp.port?)`},
		{"tcp.port == 80\n|| x", `tcp.port == 80 || x: unknown field "x" at column 19`},
	} {
		_, err := Compile(c.expr)
		if err == nil {
			t.Errorf("%q compiled", c.expr)
			continue
		}
		if err.Error() != c.want {
			t.Errorf("%q:\n got %s\nwant %s", c.expr, err, c.want)
		}
		var fe *Error
		if !errors.As(err, &fe) {
			t.Errorf("%q: %T is not an *Error", c.expr, err)
		} else if strings.Contains(fe.Error(), "\n") {
			t.Errorf("%q: the error is not one line", c.expr)
		}
	}
}

// TestCaret draws the filter and marks the place that is wrong.
func TestCaret(t *testing.T) {
	_, err := Compile("tcp.port == 80 and tcp.prot == 25")
	var fe *Error
	if !errors.As(err, &fe) {
		t.Fatalf("%v is not an *Error", err)
	}
	want := "tcp.port == 80 and tcp.prot == 25\n                   ^~~~~~~~"
	if got := fe.Caret(); got != want {
		t.Errorf("caret:\n%s\nwant\n%s", got, want)
	}
	_, err = Compile("tcp.port ==")
	errors.As(err, &fe)
	if got, want := fe.Caret(), "tcp.port ==\n           ^"; got != want {
		t.Errorf("caret at the end:\n%s\nwant\n%s", got, want)
	}
}

// TestCompiles lists filters that must compile: Wireshark's spellings and
// the few extras.
func TestCompiles(t *testing.T) {
	for _, expr := range []string{
		"", "  ", "tcp", "frame", "tcp.port eq 80 and not ip.addr ne 10.0.0.1",
		"tcp.port in {80 443}", "tcp.port in {80, 443, 8000 .. 8080}", "tcp.port not in {80}",
		"tcp.port any_eq 80 || tcp.port all_eq 80 || tcp.port any_ne 80 || tcp.port all_ne 80",
		"tcp.port !== 80", "tcp.port === 80", "tcp.port ~= 80",
		"ip.addr in {10.0.0.0/8 192.168.1.1..192.168.1.9}", "ipv6.addr == fe80::1", "ipv6.addr == \"::1\"",
		"tcp.flags.rst == 1 || tcp.flags.psh == 1 || tcp.flags.ns == 1", "tcp.flags.syn == true",
		`tcp.payload contains r"\d"`, `tcp.payload matches r"\d+\s"`, `tcp.payload contains "\x41\102\u00e9\n\t\\\""`,
		"tcp.payload[0:2,4-5,-1,3:,:1] == 00", "tcp.payload[0:3] in {\"GET\", \"PUT\"}",
		"tcpstep.server_state == \"SYN-RECEIVED\"", "tcpstep.server_state == syn-received",
		"tcpstep.state in {TIME_WAIT, \"close wait\"}", "tcpstep.fragment",
		"tcp.flags.ace == 2", "tcp.window_size >= 0x10000", "frame.time_relative < -1", "frame.number == 0b101",
	} {
		_, err := Compile(expr)
		if err != nil {
			t.Errorf("%q: %v", expr, err)
		}
	}
}

// TestLexStrings decodes Wireshark's escapes and leaves raw strings alone.
func TestLexStrings(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{`"\x41\102\u00e9\n\t\\\""`, "AB\u00e9\n\t\\\""},
		{`"\0\x7"`, "\x00\x07"},
		{`r"\d\x41"`, `\d\x41`},
		{`R"a\"b"`, `a\"b`},
	} {
		toks, err := lex(c.src)
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		if toks[0].kind != tString || toks[0].text != c.want {
			t.Errorf("%s: got %q, want %q", c.src, toks[0].text, c.want)
		}
	}
}

func TestSlices(t *testing.T) {
	b := []byte("0123456789")
	for _, c := range []struct {
		spec []string
		want string // "!" absent
	}{
		{[]string{"0:4"}, "0123"}, {[]string{"2-4"}, "234"}, {[]string{"3"}, "3"},
		{[]string{":2"}, "01"}, {[]string{"8:"}, "89"}, {[]string{"10:"}, ""},
		{[]string{"-2:"}, "89"}, {[]string{"-2:1"}, "8"}, {[]string{"-1"}, "9"},
		{[]string{"0:1", "9", "4-5"}, "0945"}, {[]string{"8:3"}, "!"}, {[]string{"11:"}, "!"},
		{[]string{"10"}, "!"}, {[]string{"-11:"}, "!"},
	} {
		var rs []sliceRange
		for _, s := range c.spec {
			r, err := parseSlice(s)
			if err != nil {
				t.Fatalf("%s: %v", s, err)
			}
			rs = append(rs, r)
		}
		got, ok := applySlice(b, rs)
		if !ok {
			if c.want != "!" {
				t.Errorf("%v: absent, want %q", c.spec, c.want)
			}
			continue
		}
		if string(got) != c.want {
			t.Errorf("%v: %q, want %q", c.spec, got, c.want)
		}
	}
	for _, bad := range []string{"a", "1:x", "4-2", "1:-1", ""} {
		if _, err := parseSlice(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestSeconds(t *testing.T) {
	for _, c := range []struct {
		s  string
		ns int64
	}{{"0", 0}, {"1.5", 1_500_000_000}, {".25", 250_000_000}, {"2.", 2_000_000_000}, {"-0.000000001", -1}, {"12.345678901", 12_345_678_901}} {
		got, err := parseSeconds(c.s)
		if err != nil || got != c.ns {
			t.Errorf("%s: %d %v, want %d", c.s, got, err, c.ns)
		}
	}
	for _, bad := range []string{".", "", "1.2.3", "x", "1e3", "0.0000000001"} {
		if _, err := parseSeconds(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

// frames compiles expr and runs it over tl, failing the test on an error.
func frames(t *testing.T, tl *model.Timeline, src Source, expr string) []uint32 {
	t.Helper()
	f, err := Compile(expr)
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.Frames(tl, src)
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return got
}

// want lists the frames whose segment satisfies ok.
func want(tl *model.Timeline, ok func(s *model.Segment) bool) []uint32 {
	var out []uint32
	for i := range tl.Segments {
		if s := &tl.Segments[i]; ok(s) {
			out = append(out, s.Frame)
		}
	}
	return out
}

// TestStates checks tcpstep's own fields, which tshark has not, against
// the segments' states themselves, over every embedded sample.
func TestStates(t *testing.T) {
	reached := map[model.State]bool{}
	for _, s := range samples.List() {
		in, tl := testsample.Open(t, s.Name)
		src := inputSource(in, tl)
		for _, st := range model.AllStates() {
			name := st.String()
			rfc := strings.ReplaceAll(name, "_", "-")
			server := want(tl, func(s *model.Segment) bool { return s.Server() == st })
			client := want(tl, func(s *model.Segment) bool { return s.Client() == st })
			either := want(tl, func(s *model.Segment) bool { return s.Client() == st || s.Server() == st })
			notClient := want(tl, func(s *model.Segment) bool { return s.Client() != st })
			if len(either) > 0 {
				reached[st] = true
			}
			for _, c := range []struct {
				expr string
				want []uint32
			}{
				{"tcpstep.server_state == " + name, server},
				{`tcpstep.server_state == "` + rfc + `"`, server},
				{"tcpstep.server_state eq " + strings.ToLower(rfc), server},
				{"tcpstep.client_state in {" + name + "}", client},
				{"tcpstep.state == " + name, either},
				{"tcpstep.client_state != " + name, notClient},
			} {
				if got := frames(t, tl, src, c.expr); !slices.Equal(got, c.want) {
					t.Errorf("%s: %s: %v, want %v", s.Name, c.expr, got, c.want)
				}
			}
		}
	}
	if len(reached) != model.NumStates {
		t.Errorf("the samples reach %d states of %d: the test covers less than it should", len(reached), model.NumStates)
	}
}

// sharedCapture decodes one capture of shared/captures.
func sharedCapture(t *testing.T, name string) (*model.Timeline, Source) {
	t.Helper()
	in, err := decode.Open(filepath.Join(testshared.Dir(t), "captures", name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Close() })
	tl, err := in.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	return tl, inputSource(in, tl)
}

// TestMatchIsFrames checks that Match, frame by frame, agrees with Frames
// for every oracle filter on a few captures with every kind of frame.
func TestMatchIsFrames(t *testing.T) {
	var exprs []string
	seen := map[string]bool{}
	for _, r := range readOracle(t) {
		if !seen[r.Filter] {
			seen[r.Filter] = true
			exprs = append(exprs, r.Filter)
		}
	}
	exprs = append(exprs, "", "tcpstep.state == ESTABLISHED", "tcpstep.fragment")
	for _, name := range []string{"zeek_smtp.pcap", "zeek_fragmented-4.pcap", "tcpdump_geneve.pcap", "ppp_frag_http_req.pcap"} {
		tl, src := sharedCapture(t, name)
		for _, expr := range exprs {
			f, err := Compile(expr)
			if err != nil {
				t.Fatal(err)
			}
			all, _ := f.Frames(tl, src)
			var one []uint32
			for n := uint32(1); n <= uint32(len(tl.Frames)); n++ {
				ok, err := f.Match(tl, n, src)
				if err != nil {
					t.Fatalf("%s: %s: frame %d: %v", name, expr, n, err)
				}
				if ok {
					one = append(one, n)
				}
			}
			if !slices.Equal(all, one) {
				t.Errorf("%s: %q: Frames %v, Match %v", name, expr, all, one)
			}
		}
		if ok, _ := mustCompile(t, "frame").Match(tl, uint32(len(tl.Frames)+1), src); ok {
			t.Errorf("%s: a frame past the end matches", name)
		}
	}
}

func mustCompile(t *testing.T, expr string) *Filter {
	t.Helper()
	f, err := Compile(expr)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestWithoutFrames checks what a filter knows of frames without a
// segment when the Source cannot read frames: what the timeline keeps.
func TestWithoutFrames(t *testing.T) {
	tl, full := sharedCapture(t, "zeek_smtp.pcap")
	noFrames := Source{Payload: full.Payload}
	for _, c := range []struct {
		expr           string
		withoutFrames  string // frames matched with only the timeline
		withFrames     string // and with the frames' bytes
		readsFrame     bool
		readsPayloadTo bool
	}{
		// The ICMP errors (26, 28-30) are known from the timeline; the
		// DNS query and answer (1, 2) only from their bytes.
		{"icmp", "26,28-30", "26,28-30", true, false},
		{"ip.dst == 10.10.1.1", "-", "1", true, false},
		{"ip.addr == 192.168.1.1", "26,28-30", "26,28-30", true, false},
		{"!tcp", "1-2,60", "1-2,60", false, false},
		{"tcp.ack == 2934727550", "-", "26,28-30", true, false},
		{"tcp.srcport == 1470 && icmp", "26,28-30", "26,28-30", true, false},
		{`tcp.payload contains "Gurpartap" && icmp`, "-", "26", true, true},
	} {
		f := mustCompile(t, c.expr)
		if f.ReadsFrames() != c.readsFrame || f.ReadsPayload() != c.readsPayloadTo {
			t.Errorf("%s: reads frames %v payload %v", c.expr, f.ReadsFrames(), f.ReadsPayload())
		}
		if got := formatRanges(frames(t, tl, noFrames, c.expr)); got != c.withoutFrames {
			t.Errorf("%s without frames: %s, want %s", c.expr, got, c.withoutFrames)
		}
		if got := formatRanges(frames(t, tl, full, c.expr)); got != c.withFrames {
			t.Errorf("%s with frames: %s, want %s", c.expr, got, c.withFrames)
		}
	}
}

// TestSourceErrors checks that a payload that cannot be read is reported
// and taken as absent, without stopping the filter.
func TestSourceErrors(t *testing.T) {
	tl, full := sharedCapture(t, "zeek_smtp.pcap")
	boom := errors.New("boom")
	src := Source{Payload: func(int) ([]byte, error) { return nil, boom }, Frame: full.Frame}
	f := mustCompile(t, `tcp.payload contains "EHLO" || frame.number == 1`)
	got, err := f.Frames(tl, src)
	if !errors.Is(err, boom) {
		t.Errorf("error %v, want boom", err)
	}
	if !slices.Equal(got, []uint32{1}) {
		t.Errorf("frames %v, want [1]", got)
	}
	if ok, err := f.Match(tl, 7, src); ok || !errors.Is(err, boom) {
		t.Errorf("frame 7: %v %v, want false boom", ok, err)
	}
	if ok, err := f.Match(tl, 7, full); !ok || err != nil {
		t.Errorf("frame 7 read: %v %v, want true", ok, err)
	}
}

// TestOccurrences checks Wireshark's reading of a field that occurs more
// than once: == any, != all, === all, ~= any.
func TestOccurrences(t *testing.T) {
	tl, src := sharedCapture(t, "zeek_smtp.pcap")
	// Stream 0 is 10.10.1.4:1470 → 74.53.140.153:25, frames 3-25, 27, 31-59
	// with the ICMP errors 26, 28-30 quoting it.
	for _, c := range []struct{ expr, want string }{
		{"tcp.stream == 0 && ip.addr == 10.10.1.4", "3-59"},
		{"tcp.stream == 0 && ip.addr != 10.10.1.4", "-"},
		{"tcp.stream == 0 && !(ip.addr == 74.53.140.153)", "-"},
		{"tcp.stream == 0 && ip.addr ~= 10.10.1.4", "3-59"},
		{"tcp.stream == 0 && ip.addr === 10.10.1.4", "-"},
		{"tcp.stream == 0 && ip.src === 10.10.1.4", "3,5,7,10,12,14,16,18,20,22-25,27,32-33,35-36,38-39,41-42,44-45,53-55,58"},
		{"tcp.stream == 0 && icmp && ip.src === 10.10.1.4", "-"},
		{"tcp.stream == 0 && icmp && ip.src ~= 10.10.1.4", "26,28-30"},
		{"ip.addr != 10.10.1.4 && frame.number < 4", "-"},
		{"tcp.port != 25 && frame.number < 4", "-"},
		{"!(tcp.port == 25) && frame.number < 4", "1-2"},
	} {
		if got := formatRanges(frames(t, tl, src, c.expr)); got != c.want {
			t.Errorf("%s: %s, want %s", c.expr, got, c.want)
		}
	}
}

// TestEmpty checks that the empty filter passes every frame.
func TestEmpty(t *testing.T) {
	tl := testsample.Timeline(t, samples.Default)
	got := frames(t, tl, Source{}, "  ")
	if len(got) != len(tl.Frames) || got[0] != 1 {
		t.Errorf("%d frames of %d", len(got), len(tl.Frames))
	}
	if ok, _ := mustCompile(t, "").Match(tl, 1, Source{}); !ok {
		t.Error("frame 1 does not pass the empty filter")
	}
}
