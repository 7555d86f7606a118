package app

import (
	"bytes"
)

// Sniff guesses a conversation's protocol from the first payload bytes of
// each direction (either may be nil): the content decides first, the port
// only when the content says nothing (SMTP on 2525 is SMTP; a web server on
// port 25 is HTTP).
func Sniff(client, server []byte, clientPort, serverPort uint16) Hint {
	if p := byContent(client, server); p != Unknown {
		return Hint{Proto: p, Server: serverName(p, client)}
	}
	p := byPort(serverPort)
	if p == Unknown {
		p = byPort(clientPort)
	}
	return Hint{Proto: p, Server: serverName(p, client)}
}

// serverName is the name the client's first bytes give the server.
func serverName(p Proto, client []byte) string {
	switch p {
	case HTTP:
		return httpHost(client)
	case TLS:
		return clientHelloSNI(client)
	}
	return ""
}

func byContent(client, server []byte) Proto {
	switch {
	case isTLSRecord(client) || isTLSRecord(server):
		return TLS
	case bytes.HasPrefix(client, []byte("SSH-")) || bytes.HasPrefix(server, []byte("SSH-")):
		return SSH
	case isHTTPRequest(client) || bytes.HasPrefix(server, []byte("HTTP/1.")):
		return HTTP
	case bytes.HasPrefix(server, []byte("+OK")) && (len(client) == 0 || popCommand(client)):
		// Redis answers "+OK" too: a POP client's first words tell.
		return POP
	case bytes.HasPrefix(server, []byte("* OK")) || bytes.HasPrefix(server, []byte("* PREAUTH")):
		return IMAP
	}
	// SMTP and FTP greet alike ("220 …"); the client's first command tells
	// them apart.
	if len(server) >= 4 && digits(server[:3]) && (server[3] == ' ' || server[3] == '-') || len(server) == 0 {
		for _, verb := range []string{"EHLO", "HELO", "LHLO"} {
			if hasWord(client, verb) {
				return SMTP
			}
		}
		for _, verb := range []string{"USER", "AUTH", "FEAT", "SYST"} {
			if hasWord(client, verb) && len(server) > 0 {
				return FTP
			}
		}
		if len(server) >= 4 && string(server[:3]) == "220" && len(client) == 0 {
			if bytes.Contains(bytes.ToUpper(server), []byte("SMTP")) {
				return SMTP
			}
			if bytes.Contains(bytes.ToUpper(server), []byte("FTP")) {
				return FTP
			}
		}
	}
	return Unknown
}

// hasWord reports whether b starts with word, case-insensitively, followed
// by a space or the line end.
func hasWord(b []byte, word string) bool {
	if len(b) < len(word) || !bytes.EqualFold(b[:len(word)], []byte(word)) {
		return false
	}
	return len(b) == len(word) || b[len(word)] == ' ' || b[len(word)] == '\r' || b[len(word)] == '\n'
}

// isTLSRecord reports whether b starts with a TLS record header: a content
// type of 20-23 and a version of SSL 3.0 to TLS 1.3 (0x0300-0x0304).
func isTLSRecord(b []byte) bool {
	return len(b) >= 5 && b[0] >= 20 && b[0] <= 23 && b[1] == 3 && b[2] <= 4
}

var httpMethods = []string{"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "CONNECT", "TRACE", "PATCH",
	// WebDAV's, which tshark knows too.
	"PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "SEARCH", "REPORT"}

// popCommand reports whether b starts with a POP3 command.
func popCommand(b []byte) bool {
	for _, verb := range []string{"USER", "APOP", "CAPA", "STLS", "AUTH", "QUIT", "STAT", "LIST", "RETR", "UIDL", "TOP", "NOOP"} {
		if hasWord(b, verb) {
			return true
		}
	}
	return false
}

func isHTTPRequest(b []byte) bool {
	for _, m := range httpMethods {
		if len(b) > len(m) && string(b[:len(m)]) == m && b[len(m)] == ' ' {
			return true
		}
	}
	return false
}

// httpHost is the Host header of the request head at the start of b.
func httpHost(b []byte) string {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return ""
		}
		l := bytes.TrimRight(b[:i], "\r")
		if len(l) == 0 {
			return ""
		}
		if len(l) > 5 && bytes.EqualFold(l[:5], []byte("host:")) {
			return visibleName(bytes.TrimSpace(l[5:]))
		}
		b = b[i+1:]
	}
	return ""
}

// visibleName is a server name from the capture, printable and bounded.
func visibleName(b []byte) string {
	const maxName = 255
	if len(b) > maxName {
		b = b[:maxName]
	}
	return visible(b)
}

func byPort(port uint16) Proto {
	switch port {
	case 80, 8080, 8000, 3128:
		return HTTP
	case 25, 587, 2525:
		return SMTP
	case 21:
		return FTP
	case 110:
		return POP
	case 143:
		return IMAP
	case 443, 465, 993, 995, 8443:
		return TLS
	case 22:
		return SSH
	case 53:
		return DNS
	}
	return Unknown
}
