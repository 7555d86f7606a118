package e2e

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// The hostile payloads: every kind of byte that could act on a terminal if
// it reached one raw. Each is carried by a segment of one conversation.
var hostilePayloads = []struct {
	fromClient bool
	data       string
}{
	// A screen clear and cursor home.
	{true, "HELO \x1b[2J\x1b[H cleared\r\n"},
	// Window-title changes: OSC 0 ended by BEL, OSC 2 ended by ST.
	{false, "250 \x1b]0;pwned\x07 \x1b]2;pwned\x1b\\ titled\r\n"},
	// A clipboard write (OSC 52, "pwned" in base64) and a hyperlink (OSC 8).
	{true, "MAIL \x1b]52;c;cHduZWQ=\x07 \x1b]8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\\r\n"},
	// C1 controls as raw bytes (CSI 0x9b, OSC 0x9d) and as UTF-8 (U+009B,
	// U+009D), DEL, and invalid UTF-8.
	{false, "250 \x9b2J \x9d2;pwned\x07 \xc2\x9b2J \xc2\x9d0;pwned\x07 del\x7f bad\xff\xfe\xc3( end\r\n"},
}

// hostileCapture writes, with gopacket's serializers, one TCP conversation
// (handshake, the hostile payloads, a close) whose data segments also carry
// an unknown TCP option holding an OSC title change.
func hostileCapture(t *testing.T, path string) int {
	t.Helper()
	var buf bytes.Buffer
	w := pcapgo.NewWriter(&buf)
	if err := w.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		t.Fatal(err)
	}
	cliMAC, _ := net.ParseMAC("02:00:00:00:00:01")
	srvMAC, _ := net.ParseMAC("02:00:00:00:00:02")
	cliIP, srvIP := net.IPv4(10, 0, 0, 1).To4(), net.IPv4(10, 0, 0, 2).To4()
	cliSeq, srvSeq := uint32(1000), uint32(5000)
	ts := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	frames := 0
	send := func(fromClient bool, syn, ack, fin, psh bool, opts []layers.TCPOption, data []byte) {
		eth := &layers.Ethernet{SrcMAC: cliMAC, DstMAC: srvMAC, EthernetType: layers.EthernetTypeIPv4}
		ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: cliIP, DstIP: srvIP, Id: uint16(frames + 1)}
		tcp := &layers.TCP{SrcPort: 1042, DstPort: 25, SYN: syn, ACK: ack, FIN: fin, PSH: psh, Window: 8192, Options: opts}
		seq, peer := &cliSeq, &srvSeq
		if !fromClient {
			eth.SrcMAC, eth.DstMAC = srvMAC, cliMAC
			ip.SrcIP, ip.DstIP = srvIP, cliIP
			tcp.SrcPort, tcp.DstPort = 25, 1042
			seq, peer = &srvSeq, &cliSeq
		}
		tcp.Seq = *seq
		if ack {
			tcp.Ack = *peer
		}
		*seq += uint32(len(data))
		if syn || fin {
			*seq++
		}
		if err := tcp.SetNetworkLayerForChecksum(ip); err != nil {
			t.Fatal(err)
		}
		sb := gopacket.NewSerializeBuffer()
		err := gopacket.SerializeLayers(sb, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true},
			eth, ip, tcp, gopacket.Payload(data))
		if err != nil {
			t.Fatal(err)
		}
		b := sb.Bytes()
		ts = ts.Add(10 * time.Millisecond)
		if err := w.WritePacket(gopacket.CaptureInfo{Timestamp: ts, CaptureLength: len(b), Length: len(b)}, b); err != nil {
			t.Fatal(err)
		}
		frames++
	}
	// An option kind no one has assigned, whose data is a title change.
	evilOpt := []layers.TCPOption{{OptionType: 254, OptionLength: 12, OptionData: []byte("\x1b]2;pwned\x07")}}
	send(true, true, false, false, false, nil, nil)
	send(false, true, true, false, false, nil, nil)
	send(true, false, true, false, false, nil, nil)
	for _, p := range hostilePayloads {
		send(p.fromClient, false, true, false, true, evilOpt, []byte(p.data))
		send(!p.fromClient, false, true, false, false, nil, nil)
	}
	send(true, false, true, true, false, nil, nil)
	send(false, false, true, true, false, nil, nil)
	send(true, false, true, false, false, nil, nil)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return frames
}

// rawControls lists what in out could act on a terminal: C0 controls other
// than newline and tab, DEL, C1 controls (as UTF-8 runes) and bytes that are
// not UTF-8 (a raw 0x9b is a CSI to some terminals).
func rawControls(out string) []string {
	var bad []string
	for i, r := range out {
		switch {
		case r == utf8.RuneError:
			if _, size := utf8.DecodeRuneInString(out[i:]); size <= 1 {
				bad = append(bad, fmt.Sprintf("byte %#02x at %d", out[i], i))
			}
		case r == '\n' || r == '\t':
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			bad = append(bad, fmt.Sprintf("%U at %d: %q", r, i, out[max(0, i-20):min(len(out), i+20)]))
		}
		if len(bad) > 10 {
			break
		}
	}
	return bad
}

// TestHostileTmux runs the real binary in tmux on a capture of hostile
// payloads, steps through every row, shows every view at every step, and
// checks with tmux itself that nothing reached the terminal raw: the pane's
// title is the one tcpstep sets, no paste buffer was created (tmux accepts
// OSC 52 with set-clipboard on), the header is still on screen after every
// key (not cleared), and the payloads appear as visible pictures. A control
// run first proves that the same tmux does obey these sequences when they
// are printed raw, so the checks can fail.
func TestHostileTmux(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and drives tmux")
	}
	needTools(t, "tmux")
	bin := buildBinary(t)
	dir := t.TempDir()
	capPath := filepath.Join(dir, "hostile.pcap")
	frames := hostileCapture(t, capPath)
	for _, sz := range [][2]int{{200, 50}, {80, 24}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			hostileTmux(t, bin, capPath, frames, sz[0], sz[1])
		})
	}
}

func hostileTmux(t *testing.T, bin, capPath string, frames, w, h int) {
	// A private server keeps the test off the user's (and off their
	// clipboard).
	tm := privateTmux(t)
	tm("new-session", "-d", "-s", "control", "-x", "80", "-y", "24", "sh")
	tm("set", "-g", "set-clipboard", "on")
	if got := strings.TrimSpace(tm("show", "-gv", "set-clipboard")); got != "on" {
		t.Fatalf("set-clipboard is %q", got)
	}
	title := func(target string) string {
		return strings.TrimSpace(tm("display", "-p", "-t", target, "#{pane_title}"))
	}
	buffers := func() string { return strings.TrimSpace(tm("list-buffers")) }

	// The control: printed raw, the sequences do change this tmux's title
	// and create a paste buffer.
	tm("send-keys", "-t", "control", `printf '\033]2;control-title\033\\\033]52;c;Y29udHJvbA==\007'`, "Enter")
	waitUntil(t, "the control's title", func() bool { return title("control") == "control-title" })
	waitUntil(t, "the control's paste buffer", func() bool { return strings.Contains(buffers(), "control") })
	tm("delete-buffer")
	if b := buffers(); b != "" {
		t.Fatalf("buffers left after delete-buffer: %q", b)
	}

	tm("new-session", "-d", "-s", "ts", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h),
		"env", "TERM=xterm-256color", "sh", "-c", `"$0" "$1"; echo "tcpstep exited $?"; sleep 60`, bin, capPath)
	capture := func() string { return tm("capture-pane", "-p", "-t", "ts") }
	// stable returns the screen once two captures in a row agree: the
	// program has drawn what the last key asked for.
	stable := func() string {
		prev := capture()
		for range 100 {
			time.Sleep(40 * time.Millisecond)
			s := capture()
			if s == prev {
				return s
			}
			prev = s
		}
		return prev
	}
	wantTitle := "tcpstep " + capPath
	check := func(what, s string, step int) {
		t.Helper()
		if tt := title("ts"); tt != wantTitle {
			t.Fatalf("%s: pane title %q, want %q", what, tt, wantTitle)
		}
		if b := buffers(); b != "" {
			t.Fatalf("%s: a paste buffer appeared: %q", what, b)
		}
		first, _, _ := strings.Cut(s, "\n")
		if !strings.Contains(first, "hostile.pcap") || !strings.Contains(first, fmt.Sprintf("step %d/%d", step, frames)) {
			t.Fatalf("%s: the header is gone (screen cleared or moved?):\n%s", what, s)
		}
	}
	waitUntil(t, "the ladder", func() bool { return strings.Contains(capture(), fmt.Sprintf("step 1/%d", frames)) })

	// Pictures of the escapes, each of which must be seen on some screen.
	seen := map[string]bool{"␛[2J": false, "␛]0;pwned␇": false, "␛]52;c;cHduZWQ=␇": false, "␛]8;;http": false}
	for step := 1; step <= frames; step++ {
		for _, k := range []string{"1", "2", "3", "4", "5", "6", "7", "8"} {
			tm("send-keys", "-t", "ts", k)
			s := stable()
			check(fmt.Sprintf("step %d view %s", step, k), s, step)
			for pic := range seen {
				if strings.Contains(s, pic) {
					seen[pic] = true
				}
			}
		}
		if step < frames {
			tm("send-keys", "-t", "ts", "Right")
			waitUntil(t, fmt.Sprintf("step %d", step+1), func() bool {
				return strings.Contains(capture(), fmt.Sprintf("step %d/%d", step+1, frames))
			})
		}
	}
	for pic, ok := range seen {
		if !ok {
			t.Errorf("%q never appeared on screen", pic)
		}
	}

	tm("send-keys", "-t", "ts", "q")
	waitUntil(t, "the program to exit", func() bool { return strings.Contains(capture(), "tcpstep exited") })
	if s := capture(); !strings.Contains(s, "tcpstep exited 0") {
		t.Errorf("exit status not 0:\n%s", s)
	}
	if alt := strings.TrimSpace(tm("display", "-p", "-t", "ts", "#{alternate_on}")); alt != "0" {
		t.Errorf("still in the alternate screen after q (alternate_on=%s)", alt)
	}
	if tt := title("ts"); strings.Contains(tt, "pwned") {
		t.Errorf("pane title after exit: %q", tt)
	}
	if b := buffers(); b != "" {
		t.Errorf("a paste buffer appeared: %q", b)
	}
}

// waitUntil polls ok for up to ten seconds: the program starts and redraws
// asynchronously, and a loaded machine may take a while.
func waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for range 200 {
		if ok() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

// TestHostileCommands runs every command that prints text on the hostile
// capture and checks that no control byte of a payload reaches standard
// output raw. follow --dir is left out: it writes the payload raw by
// design, and the test checks it does so byte for byte instead.
func TestHostileCommands(t *testing.T) {
	bin := buildBinary(t)
	capPath := filepath.Join(t.TempDir(), "hostile.pcap")
	frames := hostileCapture(t, capPath)
	var c2s, s2c string
	for _, p := range hostilePayloads {
		if p.fromClient {
			c2s += p.data
		} else {
			s2c += p.data
		}
	}
	cases := []struct {
		args []string
		want string // proof the payload or its frames were printed
	}{
		{[]string{"dump", "--format", "text", capPath}, "len=62"},
		{[]string{"dump", "--format", "text", "--explain", capPath}, "len=62"},
		{[]string{"dump", "--format", "jsonl", capPath}, `"len":62`},
		{[]string{"dump", "--format", "jsonl", "--explain", capPath}, `"len":62`},
		{[]string{"follow", "--stream", "0", capPath}, "␛]52;c;cHduZWQ=␇"},
		{[]string{"follow", "--stream", "0", "--hex", capPath}, "1b 5d 35"},
		{[]string{"export", "--format", "txt", capPath}, "len=62"},
		{[]string{"export", "--format", "mermaid", capPath}, "sequenceDiagram"},
		{[]string{"export", "--format", "svg", capPath}, "<svg"},
		{[]string{"netstat", "--stream", "0", "--step", "8", capPath}, "ESTABLISHED"},
		{[]string{"isn", capPath}, "10.0.0.1"},
		{[]string{"vantage", capPath}, "10.0.0.1"},
	}
	for _, c := range cases {
		name := strings.Join(c.args[:len(c.args)-1], " ")
		t.Run(name, func(t *testing.T) {
			out, errOut, code := run(t, bin, nil, c.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if !strings.Contains(out, c.want) {
				t.Errorf("output lacks %q:\n%s", c.want, out)
			}
			if bad := rawControls(out); len(bad) > 0 {
				t.Errorf("raw control bytes on stdout: %v", bad)
			}
			if bad := rawControls(errOut); len(bad) > 0 {
				t.Errorf("raw control bytes on stderr: %v", bad)
			}
		})
	}
	t.Run("jsonl frames", func(t *testing.T) {
		out, _, _ := run(t, bin, nil, "dump", "--format", "jsonl", capPath)
		if n := strings.Count(out, "\n"); n != frames {
			t.Errorf("%d lines for %d frames", n, frames)
		}
	})
	// The raw contract: --dir writes exactly the bytes sent.
	for dir, want := range map[string]string{"c2s": c2s, "s2c": s2c} {
		t.Run("follow --dir "+dir, func(t *testing.T) {
			out, errOut, code := run(t, bin, nil, "follow", "--stream", "0", "--dir", dir, capPath)
			if code != 0 || out != want {
				t.Errorf("exit %d, %q, want %q (%s)", code, out, want, errOut)
			}
		})
	}
}

// TestHostileFileNames runs the commands in a tmux pane (a terminal: some
// writers strip escapes only when not writing to one) on file names that
// hold a title change: missing files, a capture that is cut short (its
// warning names the file), and the export's report. The pane's title must
// stay the shell's, and the names appear with their escapes made visible.
func TestHostileFileNames(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and drives tmux")
	}
	needTools(t, "tmux")
	bin := buildBinary(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.pcap")
	hostileCapture(t, good)
	b, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	evil := "cap\x1b]2;pwned\x07"
	if err := os.WriteFile(filepath.Join(dir, evil+".pcap"), b[:len(b)-10], 0o644); err != nil {
		t.Fatal(err)
	}
	tm := privateTmux(t)
	tm("new-session", "-d", "-s", "sh", "-c", dir, "-x", "200", "-y", "50", "env", "TERM=xterm-256color", "PS1=$ ", "sh")
	title := strings.TrimSpace(tm("display", "-p", "-t", "sh", "#{pane_title}"))
	// The shell builds the hostile names itself: send-keys types only
	// printable text.
	tm("send-keys", "-t", "sh", `E=$(printf 'cap\033]2;pwned\007')`, "Enter")
	for i, cmd := range []string{
		`"$T" dump --format text "missing-$E"`,
		`"$T" "missing-$E"`,
		`"$T" dump --format text "$E.pcap" >/dev/null`,
		`"$T" follow --stream 0 "$E.pcap" >/dev/null`,
		`"$T" export --format txt -o "out-$E.txt" "$E.pcap"`,
	} {
		tm("send-keys", "-t", "sh", fmt.Sprintf("T=%s; %s; echo done-%d", bin, cmd, i), "Enter")
		waitUntil(t, cmd, func() bool {
			return strings.Contains(tm("capture-pane", "-p", "-t", "sh"), fmt.Sprintf("\ndone-%d", i))
		})
		if got := strings.TrimSpace(tm("display", "-p", "-t", "sh", "#{pane_title}")); got != title {
			t.Fatalf("%s: the pane title changed from %q to %q", cmd, title, got)
		}
	}
	s := tm("capture-pane", "-p", "-t", "sh", "-S", "-100")
	if n := strings.Count(s, "cap␛]2;pwned␇"); n < 4 {
		t.Errorf("the hostile name is shown visibly %d times, want at least 4:\n%s", n, s)
	}
}
