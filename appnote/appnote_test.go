package appnote

import (
	"testing"

	"github.com/tcpstep/tcpstep/app"
	"github.com/tcpstep/tcpstep/internal/testsample"
	"github.com/tcpstep/tcpstep/model"
)

// TestSentenceSMTPSample checks the sentences of the SMTP session of the
// paper's Figure 10 (sample:smtp-figure10), analysed by package app: the
// commands and replies are those tshark names on those frames (smtp.req.
// command, smtp.response.code), their meanings RFC 5321's.
func TestSentenceSMTPSample(t *testing.T) {
	in, tl := testsample.Open(t, "smtp-figure10")
	c := tl.Conversations[0]
	ac, err := app.Analyze(tl, c, func(seg int) ([]byte, error) { return in.Payload(tl, seg) })
	if err != nil {
		t.Fatal(err)
	}
	want := map[uint32]string{
		4:  "The server answers 220: service ready.",
		6:  "The client sends the SMTP command HELP: it asks the server for help.",
		9:  "The client sends the SMTP command VRFY root: it asks whether a user or mailbox exists.",
		10: "The server answers 250: OK, the requested action is done.",
		13: "The server answers 550: mailbox unavailable, such as no such user or access refused.",
		15: "The client sends the SMTP command EXPN",
	}
	seen := 0
	for _, si := range c.Segs {
		s := &tl.Segments[si]
		got := Sentence(ac.Seg(int(si)), s.Dir)
		if s.Len == 0 && got != "" {
			t.Errorf("frame %d: a sentence for a segment without payload: %q", s.Frame, got)
		}
		w, ok := want[s.Frame]
		if !ok {
			continue
		}
		seen++
		if len(w) < len(got) && got[:len(w)] == w {
			continue // a prefix: the rest quotes the capture
		}
		if got != w {
			t.Errorf("frame %d: %q, want %q", s.Frame, got, w)
		}
	}
	if seen != len(want) {
		t.Errorf("%d of the %d frames checked are segments of stream 0", seen, len(want))
	}
}

// TestSentence checks the sentence of each kind of message from the
// fields package app gives it (Wireshark's field names).
func TestSentence(t *testing.T) {
	msg := func(p app.Proto, summary string, kv ...string) *app.Segment {
		m := app.Message{Proto: p, Summary: summary}
		for i := 0; i+1 < len(kv); i += 2 {
			m.Fields = append(m.Fields, app.Field{Name: kv[i], Value: kv[i+1]})
		}
		return &app.Segment{Column: p.String(), Messages: []app.Message{m}}
	}
	cases := []struct {
		name string
		seg  *app.Segment
		dir  model.Dir
		want string
	}{
		{"nothing", nil, model.C2S, ""},
		{"a part of a message", &app.Segment{Column: "TCP"}, model.S2C, ""},
		{"HTTP request", msg(app.HTTP, "GET / HTTP/1.1", "http.request.method", "GET", "http.request.uri", "/index.html", "http.host", "www.example.com"),
			model.C2S, "The client asks GET /index.html on www.example.com."},
		{"HTTP response", msg(app.HTTP, "HTTP/1.1 200 OK", "http.response.code", "200", "http.response.phrase", "OK", "http.content_length", "1234"),
			model.S2C, "The server answers 200 OK with 1,234 bytes."},
		{"TLS ClientHello", msg(app.TLS, "Client Hello", "tls.handshake.type", "1",
			"tls.handshake.extensions.supported_version", "TLSv1.3,TLSv1.2", "tls.handshake.extensions_server_name", "example.com"),
			model.C2S, "The client offers TLS 1.3 (or TLS 1.2) and asks for example.com."},
		{"TLS ServerHello", msg(app.TLS, "Server Hello", "tls.handshake.type", "2",
			"tls.handshake.ciphersuite", "TLS_AES_128_GCM_SHA256", "tls.handshake.extensions.supported_version", "TLSv1.3"),
			model.S2C, "The server chooses TLS 1.3 with the cipher suite TLS_AES_128_GCM_SHA256."},
		{"TLS data", msg(app.TLS, "Application Data"), model.S2C, "The server sends TLS: Application Data."},
		{"SSH banner", msg(app.SSH, "Server: Protocol (SSH-2.0-OpenSSH_9.2)", "ssh.protocol", "SSH-2.0-OpenSSH_9.2"),
			model.S2C, "The server announces SSH-2.0-OpenSSH_9.2: its SSH protocol version and software, before the key exchange."},
		{"DNS query", msg(app.DNS, "Standard query 0x1234 A example.com", "dns.qry.name", "example.com", "dns.qry.type", "1"),
			model.C2S, "The client asks DNS about example.com."},
		{"FTP password", msg(app.FTP, "PASS secret", "ftp.request.command", "PASS", "ftp.request.arg", "secret"),
			model.C2S, "The client sends the FTP command PASS: it gives the user's password (in clear text)."},
		{"FTP reply", msg(app.FTP, "331 Password required", "ftp.response.code", "331"),
			model.S2C, "The server answers 331: user name okay, password required."},
		{"FTP 530", msg(app.FTP, "530 Login incorrect", "ftp.response.code", "530"),
			model.S2C, "The server answers 530: not logged in."},
		{"SMTP 354", msg(app.SMTP, "354 go ahead", "smtp.response.code", "354"),
			model.S2C, "The server answers 354: start mail input, end it with a line holding only a dot."},
		{"SMTP 221", msg(app.SMTP, "221 bye", "smtp.response.code", "221"),
			model.S2C, "The server answers 221: service closing the transmission channel."},
		{"an unlisted code", msg(app.SMTP, "599 odd", "smtp.response.code", "599"),
			model.S2C, "The server answers 599 (a permanent negative reply: the command failed)."},
		{"IMAP", msg(app.IMAP, "a1 SELECT INBOX", "imap.request.command", "SELECT"),
			model.C2S, "The client sends IMAP: a1 SELECT INBOX."},
	}
	for _, c := range cases {
		if got := Sentence(c.seg, c.dir); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	two := msg(app.SMTP, "250 OK", "smtp.response.code", "250")
	two.Messages = append(two.Messages, two.Messages[0])
	two.Messages[0].Malformed = "no line end"
	if got, want := Sentence(two, model.S2C), "The server answers 250: OK, the requested action is done. 1 more SMTP message follows in the same segment. It does not parse: no line end."; got != want {
		t.Errorf("two messages: %q, want %q", got, want)
	}
}
