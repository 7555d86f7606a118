// Package appnote says in plain words what a segment carries above TCP:
// one sentence from what package app found in it ("The server answers
// 550: mailbox unavailable, such as no such user."), for the explanations
// beside the ladder and for tcpstep dump --explain.
//
// Package model writes the explanations of TCP itself and cannot import
// package app (app imports model), so the sentence about the application
// layer is made here, above both, and each caller adds it to model's
// paragraphs. Reply codes are explained by the RFCs' meanings (RFC 5321
// §4.2 for SMTP, RFC 959 §4.2 for FTP); everything it quotes from the
// capture comes from package app, already printable.
package appnote

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tcpstep/tcpstep/app"
	"github.com/tcpstep/tcpstep/model"
)

// Sentence says what segment s completes above TCP, sent in direction d
// (C2S: by the client), in one sentence; "" when s completes no
// application message. With several messages it speaks of the first and
// counts the others.
func Sentence(s *app.Segment, d model.Dir) string {
	if s == nil || len(s.Messages) == 0 {
		return ""
	}
	who := "The server"
	if d == model.C2S {
		who = "The client"
	}
	m := &s.Messages[0]
	out := message(who, m)
	if out == "" {
		out = fmt.Sprintf("%s sends %s: %s", who, m.Proto, m.Summary)
	}
	out = strings.TrimSuffix(out, ".") + "."
	if n := len(s.Messages) - 1; n > 0 {
		more := "message follows"
		if n > 1 {
			more = "messages follow"
		}
		out += fmt.Sprintf(" %d more %s %s in the same segment.", n, m.Proto, more)
	}
	if m.Malformed != "" {
		out += " It does not parse: " + m.Malformed + "."
	}
	return out
}

// field returns the value of m's first field named name, and whether it
// has one.
func field(m *app.Message, name string) (string, bool) {
	for _, f := range m.Fields {
		if f.Name == name {
			return f.Value, true
		}
	}
	return "", false
}

func message(who string, m *app.Message) string {
	switch m.Proto {
	case app.SMTP:
		return lineProto(who, m, "smtp.req.command", "smtp.req.parameter", "smtp.response.code", smtpCommands, smtpReplies)
	case app.FTP:
		return lineProto(who, m, "ftp.request.command", "ftp.request.arg", "ftp.response.code", ftpCommands, ftpReplies)
	case app.POP, app.IMAP:
		return fmt.Sprintf("%s sends %s: %s", who, m.Proto, m.Summary)
	case app.HTTP:
		return httpSentence(who, m)
	case app.TLS:
		return tlsSentence(who, m)
	case app.SSH:
		if v, ok := field(m, "ssh.protocol"); ok {
			return fmt.Sprintf("%s announces %s: its SSH protocol version and software, before the key exchange", who, v)
		}
	case app.DNS:
		return dnsSentence(who, m)
	}
	return ""
}

// lineProto is the sentence of an SMTP or FTP command or reply.
func lineProto(who string, m *app.Message, cmdName, argName, codeName string, commands, replies map[string]string) string {
	if cmd, ok := field(m, cmdName); ok {
		up := strings.ToUpper(cmd)
		arg, _ := field(m, argName)
		said := up
		if arg != "" && up != "PASS" {
			said += " " + arg
		}
		if mean, ok := commands[up]; ok {
			return fmt.Sprintf("%s sends the %s command %s: it %s", who, m.Proto, said, mean)
		}
		return fmt.Sprintf("%s sends the %s command %s", who, m.Proto, said)
	}
	if code, ok := field(m, codeName); ok {
		if mean := replies[code]; mean != "" {
			return fmt.Sprintf("%s answers %s: %s", who, code, mean)
		}
		return fmt.Sprintf("%s answers %s (%s)", who, code, classOf(code))
	}
	return ""
}

// classOf is what a three-digit reply's first digit says (RFC 5321 §4.2.1,
// RFC 959 §4.2).
func classOf(code string) string {
	if len(code) == 0 {
		return "a reply"
	}
	switch code[0] {
	case '1':
		return "a positive preliminary reply: more replies follow"
	case '2':
		return "a positive completion reply: done"
	case '3':
		return "a positive intermediate reply: the server waits for more"
	case '4':
		return "a transient negative reply: try again later"
	case '5':
		return "a permanent negative reply: the command failed"
	}
	return "a reply"
}

// smtpCommands say what each SMTP command asks (RFC 5321 §4.1.1, RFC 3207,
// RFC 4954).
var smtpCommands = map[string]string{
	"HELO":     "introduces the client by name",
	"EHLO":     "introduces the client by name and asks for the server's extensions",
	"MAIL":     "starts a mail transaction and names the sender",
	"RCPT":     "names a recipient of the message",
	"DATA":     "announces that the message itself follows",
	"RSET":     "aborts the current mail transaction",
	"VRFY":     "asks whether a user or mailbox exists",
	"EXPN":     "asks the server to expand a mailing list into its members",
	"HELP":     "asks the server for help",
	"NOOP":     "does nothing but check that the server answers",
	"QUIT":     "asks the server to close the session",
	"STARTTLS": "asks to continue the session over TLS",
	"AUTH":     "starts authentication",
}

// smtpReplies are the reply codes of RFC 5321 §4.2.2-4.2.3 (and 334, 235,
// 530, 535 of RFC 4954).
var smtpReplies = map[string]string{
	"211": "system status",
	"214": "a help message",
	"220": "service ready",
	"221": "service closing the transmission channel",
	"235": "authentication succeeded",
	"250": "OK, the requested action is done",
	"251": "user not local, the server will forward the message",
	"252": "cannot verify the user, but will accept the message and try",
	"334": "a challenge: the server waits for the next step of authentication",
	"354": "start mail input, end it with a line holding only a dot",
	"421": "service not available, closing the transmission channel",
	"450": "mailbox unavailable for now (busy or blocked)",
	"451": "action aborted: a local error in processing",
	"452": "insufficient system storage",
	"500": "syntax error, command unrecognised",
	"501": "syntax error in the parameters",
	"502": "command not implemented",
	"503": "bad sequence of commands",
	"504": "command parameter not implemented",
	"530": "authentication required",
	"535": "authentication credentials invalid",
	"550": "mailbox unavailable, such as no such user or access refused",
	"551": "user not local",
	"552": "action aborted: exceeded storage allocation",
	"553": "mailbox name not allowed",
	"554": "transaction failed",
}

// ftpCommands say what each FTP command asks (RFC 959 §4.1, RFC 2389,
// RFC 4217).
var ftpCommands = map[string]string{
	"USER": "names the user logging in",
	"PASS": "gives the user's password (in clear text)",
	"ACCT": "gives the user's account",
	"CWD":  "changes the working directory",
	"CDUP": "changes to the parent directory",
	"QUIT": "ends the session",
	"PORT": "names the address and port the server should connect to for the data",
	"PASV": "asks the server to listen for the data connection",
	"EPSV": "asks the server to listen for the data connection",
	"EPRT": "names the address and port the server should connect to for the data",
	"TYPE": "sets the representation of the data (ASCII or binary)",
	"RETR": "asks the server to send a file",
	"STOR": "sends a file to the server",
	"DELE": "deletes a file",
	"RMD":  "removes a directory",
	"MKD":  "makes a directory",
	"PWD":  "asks for the working directory",
	"LIST": "asks for a directory listing",
	"NLST": "asks for a list of names",
	"SYST": "asks which system the server runs",
	"FEAT": "asks for the server's extensions",
	"HELP": "asks the server for help",
	"NOOP": "does nothing but check that the server answers",
	"AUTH": "asks to protect the session with TLS",
}

// ftpReplies are the reply codes of RFC 959 §4.2.2 (and 229 of RFC 2428).
var ftpReplies = map[string]string{
	"110": "restart marker reply",
	"120": "service ready in a few minutes",
	"125": "data connection already open, transfer starting",
	"150": "file status okay, about to open the data connection",
	"200": "command okay",
	"202": "command not implemented, superfluous here",
	"211": "system status, or a help reply",
	"212": "directory status",
	"213": "file status",
	"214": "a help message",
	"215": "the system type",
	"220": "service ready for a new user",
	"221": "service closing the control connection",
	"225": "data connection open, no transfer in progress",
	"226": "closing the data connection, the transfer succeeded",
	"227": "entering passive mode: the address to connect to for the data",
	"229": "entering extended passive mode: the port to connect to for the data",
	"230": "user logged in",
	"250": "requested file action okay, completed",
	"257": "the path name (created, or the working directory)",
	"331": "user name okay, password required",
	"332": "an account is needed to log in",
	"350": "requested file action pending further information",
	"421": "service not available, closing the control connection",
	"425": "cannot open the data connection",
	"426": "connection closed, transfer aborted",
	"450": "file unavailable (busy)",
	"451": "action aborted: local error in processing",
	"452": "insufficient storage space",
	"500": "syntax error, command unrecognised",
	"501": "syntax error in the parameters",
	"502": "command not implemented",
	"503": "bad sequence of commands",
	"504": "command not implemented for that parameter",
	"530": "not logged in",
	"532": "an account is needed for storing files",
	"550": "file unavailable (not found, or no access)",
	"551": "page type unknown",
	"552": "exceeded storage allocation",
	"553": "file name not allowed",
}

func httpSentence(who string, m *app.Message) string {
	if method, ok := field(m, "http.request.method"); ok {
		uri, _ := field(m, "http.request.uri")
		out := fmt.Sprintf("%s asks %s %s", who, method, uri)
		if host, ok := field(m, "http.host"); ok && host != "" {
			out += " on " + host
		}
		return out
	}
	if code, ok := field(m, "http.response.code"); ok {
		phrase, _ := field(m, "http.response.phrase")
		out := strings.TrimSpace(fmt.Sprintf("%s answers %s %s", who, code, phrase))
		if n, ok := field(m, "http.content_length"); ok {
			if v, err := strconv.ParseUint(n, 10, 64); err == nil {
				out += " with " + thousands(v) + " bytes"
				if v == 1 {
					out = strings.TrimSuffix(out, "s")
				}
			}
		}
		return out
	}
	return ""
}

// tlsSentence speaks of a ClientHello (the versions offered and the name
// asked for), a ServerHello (the choice), or another TLS record by its
// summary.
func tlsSentence(who string, m *app.Message) string {
	typ, _ := field(m, "tls.handshake.type")
	switch typ {
	case "1":
		out := who + " says hello to start TLS"
		if vs, ok := field(m, "tls.handshake.extensions.supported_version"); ok && vs != "" {
			out = fmt.Sprintf("%s offers %s", who, tlsVersions(vs))
		}
		if name, ok := field(m, "tls.handshake.extensions_server_name"); ok && name != "" {
			out += " and asks for " + name
		}
		return out
	case "2":
		out := who + " answers the hello"
		if v, ok := field(m, "tls.handshake.extensions.supported_version"); ok && v != "" {
			out = fmt.Sprintf("%s chooses %s", who, tlsVersion(v))
		}
		if cs, ok := field(m, "tls.handshake.ciphersuite"); ok && cs != "" {
			out += " with the cipher suite " + cs
		}
		return out
	}
	return fmt.Sprintf("%s sends TLS: %s", who, m.Summary)
}

// tlsVersions writes "TLSv1.3,TLSv1.2" as "TLS 1.3 (or TLS 1.2)": the
// first the client prefers.
func tlsVersions(list string) string {
	vs := strings.Split(list, ",")
	out := tlsVersion(vs[0])
	if len(vs) > 1 {
		rest := make([]string, 0, len(vs)-1)
		for _, v := range vs[1:] {
			rest = append(rest, tlsVersion(v))
		}
		out += " (or " + strings.Join(rest, ", ") + ")"
	}
	return out
}

// tlsVersion writes Wireshark's "TLSv1.3" as "TLS 1.3".
func tlsVersion(v string) string {
	if rest, ok := strings.CutPrefix(v, "TLSv"); ok {
		return "TLS " + rest
	}
	return v
}

func dnsSentence(who string, m *app.Message) string {
	name, ok := field(m, "dns.qry.name")
	if !ok {
		return ""
	}
	if _, resp := field(m, "dns.flags.rcode"); resp {
		n, _ := field(m, "dns.count.answers")
		if n == "1" {
			return fmt.Sprintf("%s answers the DNS query for %s with 1 record", who, name)
		}
		return fmt.Sprintf("%s answers the DNS query for %s with %s records", who, name, n)
	}
	return fmt.Sprintf("%s asks DNS about %s", who, name)
}

// thousands writes n with commas between groups of three digits.
func thousands(n uint64) string {
	s := strconv.FormatUint(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
