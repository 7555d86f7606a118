package app

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/tcpstep/tcpstep/model"
)

// maxLine bounds a command or reply line: a line longer than this without
// its CRLF is taken as it is and marked malformed, so a peer that never
// sends a line end cannot make the analysis wait for ever.
const maxLine = 4096

// lineParser reads the line-based mail and file-transfer protocols: SMTP,
// FTP's control connection, POP3 and IMAP. The client sends command lines,
// the server reply lines; SMTP's DATA turns the client's lines into a
// message body up to the line with a lone dot.
type lineParser struct {
	proto Proto
	// data says the client is sending a message body (SMTP, after 354).
	data bool
	// lastCmd is the client's last command, upper-cased: a reply is read
	// against it (354 after DATA, 220 after STARTTLS).
	lastCmd string
	// auth says the client's next line answers an AUTH challenge (after
	// SMTP's 334).
	auth bool
	// lastArg says the last command had an argument: POP's LIST and UIDL
	// answer one line with one, several without.
	lastArg bool
}

func newLineParser(p Proto) *lineParser { return &lineParser{proto: p} }

func (lp *lineParser) gap(d model.Dir) {
	if d == model.C2S {
		lp.data = false
	}
}

// line returns the length of the line at the start of b with its line end
// and without it, or n == 0 when no whole line is there yet.
func line(b []byte, eof bool) (n, text int, cut bool) {
	if i := bytes.IndexByte(b, '\n'); i >= 0 && i < maxLine {
		text = i
		if text > 0 && b[text-1] == '\r' {
			text--
		}
		return i + 1, text, false
	}
	if len(b) >= maxLine {
		return maxLine, maxLine, true
	}
	if eof {
		return len(b), len(b), true
	}
	return 0, 0, false
}

func (lp *lineParser) next(d model.Dir, b []byte, eof bool) (int, *pdu) {
	if d == model.C2S && lp.data {
		return lp.body(b, eof)
	}
	n, text, cut := line(b, eof)
	if n == 0 {
		return 0, nil
	}
	var m *pdu
	if d == model.C2S {
		m = lp.command(b[:text])
	} else {
		n, m = lp.reply(b, n, text, eof)
		if n == 0 {
			return 0, nil
		}
	}
	if cut && m.msg.Malformed == "" {
		m.msg.Malformed = "line not ended by CRLF"
	}
	return n, m
}

// fieldNames are Wireshark's names of the command and reply fields, by
// protocol: command, its argument, the reply code and the reply text.
var fieldNames = map[Proto][4]string{
	SMTP: {"smtp.req.command", "smtp.req.parameter", "smtp.response.code", "smtp.rsp.parameter"},
	FTP:  {"ftp.request.command", "ftp.request.arg", "ftp.response.code", "ftp.response.arg"},
	POP:  {"pop.request.command", "pop.request.parameter", "pop.response.indicator", "pop.response.description"},
	IMAP: {"imap.request.command", "imap.request", "imap.response.status", "imap.response"},
}

// command reads a client's command line.
func (lp *lineParser) command(l []byte) *pdu {
	names := fieldNames[lp.proto]
	m := &pdu{msg: Message{Proto: lp.proto}}
	if lp.auth {
		// An AUTH exchange's line: credentials in base64, shown as sent
		// (tshark decodes them; tcpstep leaves that to the lesson).
		lp.auth = false
		m.msg.Summary = "AUTH data: " + model.Visible(string(l))
		m.msg.Fields = append(m.msg.Fields, Field{Name: "smtp.auth.data", Label: "AUTH data", Value: model.Visible(string(l)), Off: 0, Len: len(l)})
		return m
	}
	rest, off := l, 0
	if lp.proto == IMAP {
		// An IMAP command starts with the client's tag.
		i := bytes.IndexByte(rest, ' ')
		if i <= 0 {
			// No tag: not a command but a continuation of one, such as the
			// DONE that ends an IDLE (RFC 2177), or a literal's line.
			// tshark names no command on it either.
			m.msg.Summary = model.Visible(string(l))
			m.msg.Fields = append(m.msg.Fields, Field{Name: names[1], Label: "Continuation", Value: m.msg.Summary, Off: 0, Len: len(l)})
			return m
		}
		m.msg.Fields = append(m.msg.Fields, Field{Name: "imap.request_tag", Label: "Tag", Value: model.Visible(string(rest[:i])), Off: 0, Len: i})
		rest, off = rest[i+1:], i+1
	}
	verb, arg := rest, []byte(nil)
	if i := bytes.IndexByte(rest, ' '); i >= 0 {
		verb, arg = rest[:i], rest[i+1:]
	}
	// The command as sent ("help" stays lower-case, as tshark shows it);
	// the dialogue is followed on its upper-case form.
	cmd := model.Visible(string(verb))
	upper := strings.ToUpper(cmd)
	lp.lastCmd = upper
	lp.lastArg = len(arg) > 0
	m.msg.Fields = append(m.msg.Fields, Field{Name: names[0], Label: "Command", Value: cmd, Off: off, Len: len(verb)})
	summary := cmd
	if len(arg) > 0 {
		// Arguments are shown as sent, a password too: that FTP and POP
		// carry it in clear is what a lesson shows.
		a := model.Visible(string(arg))
		summary += " " + a
		m.msg.Fields = append(m.msg.Fields, Field{Name: names[1], Label: "Argument", Value: a, Off: off + len(verb) + 1, Len: len(arg)})
	}
	m.msg.Summary = summary
	return m
}

// reply reads a server's reply, which for SMTP and FTP may take several
// lines ("250-…" up to "250 …"). n and text are the first line's lengths.
func (lp *lineParser) reply(b []byte, n, text int, eof bool) (int, *pdu) {
	names := fieldNames[lp.proto]
	m := &pdu{msg: Message{Proto: lp.proto}}
	l := b[:text]
	switch lp.proto {
	case SMTP, FTP:
		// tshark reads a reply as the lines that came together: the code
		// of the first (a continuation line of FTP's may have none), the
		// others its parameters. So does tcpstep: every whole line there.
		total, lines := n, 1
		codes := []string{}
		if len(l) >= 3 && digits(l[:3]) {
			codes = append(codes, string(l[:3]))
		}
		for total < len(b) {
			n2, t2, _ := line(b[total:], false)
			if n2 == 0 {
				break
			}
			if x := b[total : total+t2]; len(x) >= 3 && digits(x[:3]) {
				codes = append(codes, string(x[:3]))
			}
			total += n2
			lines++
		}
		text := model.Visible(string(l))
		if len(l) >= 3 && digits(l[:3]) {
			code := string(l[:3])
			m.msg.Fields = append(m.msg.Fields, Field{Name: names[2], Label: "Reply code", Value: code, Off: 0, Len: 3})
			text = ""
			if len(l) > 4 {
				text = model.Visible(string(l[4:]))
				m.msg.Fields = append(m.msg.Fields, Field{Name: names[3], Label: "Text", Value: text, Off: 4, Len: len(l) - 4})
			}
			// The line as sent ("250-…" says more lines follow), as
			// tshark's Info column shows it.
			m.msg.Summary = strings.TrimSpace(model.Visible(string(l)))
		} else {
			if lp.proto == SMTP {
				m.msg.Malformed = "reply without a three-digit code"
			}
			if len(l) > 0 {
				m.msg.Fields = append(m.msg.Fields, Field{Name: names[3], Label: "Text", Value: text, Off: 0, Len: len(l)})
			}
			m.msg.Summary = text
		}
		if lines > 1 {
			m.msg.Summary += fmt.Sprintf(" (+%d lines)", lines-1)
		}
		for _, c := range codes {
			lp.afterReply(c, m)
		}
		return total, m
	case POP:
		ind, rest := l, []byte(nil)
		if i := bytes.IndexByte(l, ' '); i >= 0 {
			ind, rest = l[:i], l[i+1:]
		}
		m.msg.Fields = append(m.msg.Fields, Field{Name: names[2], Label: "Indicator", Value: model.Visible(string(ind)), Off: 0, Len: len(ind)})
		if len(rest) > 0 {
			m.msg.Fields = append(m.msg.Fields, Field{Name: names[3], Label: "Description", Value: model.Visible(string(rest)), Off: len(ind) + 1, Len: len(rest)})
		}
		m.msg.Summary = model.Visible(string(l))
		if string(ind) != "+OK" || !lp.popMultiLine() {
			return n, m
		}
		// A multi-line answer: its lines up to the one with a lone dot.
		total, lines := n, 0
		for {
			n2, t2, _ := line(b[total:], eof)
			if n2 == 0 {
				if !eof {
					return 0, nil
				}
				m.msg.Malformed = "multi-line answer cut short"
				break
			}
			x := b[total : total+t2]
			total += n2
			if string(x) == "." {
				break
			}
			lines++
		}
		m.msg.Summary += fmt.Sprintf(" (+%d lines)", lines)
		return total, m
	default: // IMAP
		m.msg.Summary = model.Visible(string(l))
		// A tagged line ends a command: its tag and status (OK, NO,
		// BAD), as tshark's imap.response_tag and imap.response.status.
		if tag, rest, ok := bytes.Cut(l, []byte(" ")); ok && len(tag) > 0 && string(tag) != "*" && string(tag) != "+" {
			status, _, _ := bytes.Cut(rest, []byte(" "))
			m.msg.Fields = append(m.msg.Fields,
				Field{Name: "imap.response_tag", Label: "Tag", Value: model.Visible(string(tag)), Off: 0, Len: len(tag)},
				Field{Name: "imap.response.status", Label: "Status", Value: model.Visible(string(status)), Off: len(tag) + 1, Len: len(status)})
		}
		m.msg.Fields = append(m.msg.Fields, Field{Name: names[3], Label: "Response", Value: m.msg.Summary, Off: 0, Len: len(l)})
		return n, m
	}
}

// popMultiLine says the answer to the last POP command, when positive,
// takes several lines ending in a lone dot (RFC 1939, RFC 2449's CAPA).
func (lp *lineParser) popMultiLine() bool {
	switch lp.lastCmd {
	case "CAPA", "RETR", "TOP":
		return true
	case "LIST", "UIDL":
		return !lp.lastArg
	}
	return false
}

// afterReply follows the dialogue: SMTP's 354 after DATA starts the body,
// its 220 after STARTTLS starts TLS.
func (lp *lineParser) afterReply(code string, m *pdu) {
	if lp.proto != SMTP {
		return
	}
	// 334 asks for the next step of AUTH: the client's next line is its
	// answer, not a command.
	lp.auth = code == "334"
	switch {
	case code == "354" && lp.lastCmd == "DATA":
		lp.data = true
	case code == "220" && lp.lastCmd == "STARTTLS":
		m.switchTo = TLS
	}
}

// body reads an SMTP message body: what is there up to the line with a lone
// dot is one DATA fragment, as tshark names each segment of it.
func (lp *lineParser) body(b []byte, eof bool) (int, *pdu) {
	end := -1
	if bytes.HasPrefix(b, []byte(".\r\n")) {
		end = 0
	} else if i := bytes.Index(b, []byte("\r\n.\r\n")); i >= 0 {
		end = i + 2
	}
	if end == 0 {
		lp.data = false
		// tshark dissects the message (IMF) on the segment that ends it.
		return 3, &pdu{column: "SMTP/IMF", msg: Message{Proto: SMTP, Summary: "end of data (.)"}}
	}
	n := len(b)
	if end > 0 {
		n = end
	} else if !eof {
		// Keep a tail that may be the start of the terminator.
		n = max(0, len(b)-4)
		if n == 0 {
			return 0, nil
		}
	}
	m := &pdu{msg: Message{Proto: SMTP, Summary: fmt.Sprintf("DATA fragment, %d bytes", n)}}
	if end > 0 {
		m.column = "SMTP/IMF"
	}
	return n, m
}

func digits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
