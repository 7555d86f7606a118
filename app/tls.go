package app

import (
	"crypto/tls"
	"encoding/binary"
	"fmt"
	"strings"

	"golang.org/x/crypto/cryptobyte"

	"github.com/tcpstep/tcpstep/model"
)

// TLS record content types.
const (
	recChangeCipherSpec = 20
	recAlert            = 21
	recHandshake        = 22
	recApplicationData  = 23
	recHeartbeat        = 24
)

// maxRecord bounds a record's length: 2^14 bytes of plaintext plus the
// 2048 a cipher may add (RFC 5246 section 6.2.3); a longer length field
// lies, and the record is taken as what is there, malformed.
const maxRecord = 1<<14 + 2048

// maxHandshake bounds a handshake message reassembled across records.
const maxHandshake = 1 << 16

// tlsParser reads TLS records, both directions. It decodes the handshake
// in clear (ClientHello, ServerHello, Certificate, …) with
// golang.org/x/crypto/cryptobyte, whose bounded readers cannot run past a
// length that lies, and names everything after ChangeCipherSpec (or, in
// TLS 1.3, after the ServerHello) as encrypted: nothing is decrypted.
type tlsParser struct {
	dirs [2]tlsDir
	// version is the session's version once a ServerHello chose it; before
	// that the Protocol column is each record's version, as in tshark.
	version uint16
}

type tlsDir struct {
	hs        []byte // handshake bytes waiting for the rest of their message
	encrypted bool   // after this direction's ChangeCipherSpec
}

func newTLSParser() *tlsParser { return &tlsParser{} }

func (tp *tlsParser) gap(d model.Dir) { tp.dirs[d&1].hs = nil }

// tlsVersionName is the name tshark gives a version in the Protocol column.
func tlsVersionName(v uint16) string {
	switch v {
	case 0x0300:
		return "SSLv3"
	case 0x0301:
		return "TLSv1"
	case 0x0302:
		return "TLSv1.1"
	case 0x0303:
		return "TLSv1.2"
	case 0x0304:
		return "TLSv1.3"
	}
	return "TLS"
}

var recordNames = map[byte]string{
	recChangeCipherSpec: "Change Cipher Spec",
	recAlert:            "Alert",
	recHandshake:        "Handshake",
	recApplicationData:  "Application Data",
	recHeartbeat:        "Heartbeat",
}

func (tp *tlsParser) next(d model.Dir, b []byte, eof bool) (int, *pdu) {
	td := &tp.dirs[d&1]
	if len(b) < 5 {
		if !eof {
			return 0, nil
		}
		return len(b), &pdu{column: "TCP", msg: Message{Proto: TLS, Summary: fmt.Sprintf("TLS record header cut short (%d bytes)", len(b)), Malformed: "record header cut short"}}
	}
	typ, ver, n := b[0], binary.BigEndian.Uint16(b[1:3]), int(binary.BigEndian.Uint16(b[3:5]))
	if recordNames[typ] == "" || ver>>8 != 3 {
		// Not a record: the stream is lost to TLS (an SSLv2 hello, or
		// bytes after a gap). Take it all, named for what it is.
		return len(b), &pdu{msg: Message{Proto: TLS, Summary: fmt.Sprintf("Ignored Unknown Record (%d bytes)", len(b)), Malformed: "not a TLS record"}}
	}
	m := &pdu{msg: Message{Proto: TLS}}
	m.msg.Fields = []Field{
		{Name: "tls.record.content_type", Label: "Content type", Value: fmt.Sprint(typ), Off: 0, Len: 1},
		{Name: "tls.record.version", Label: "Version", Value: fmt.Sprintf("0x%04x", ver), Off: 1, Len: 2},
		{Name: "tls.record.length", Label: "Length", Value: fmt.Sprint(n), Off: 3, Len: 2},
	}
	if typ == recApplicationData && tp.version == 0x0304 {
		// TLS 1.3 hides the real type in the encrypted record: the
		// header's 23 is only the "opaque type".
		m.msg.Fields[0].Name, m.msg.Fields[0].Label = "tls.record.opaque_type", "Opaque type"
	}
	total := 5 + n
	if n > maxRecord {
		// A length that lies: what follows cannot be trusted to be
		// records. Take what is there, unread.
		m.msg.Malformed = fmt.Sprintf("record length %d is more than TLS allows (%d)", n, maxRecord)
		m.msg.Summary = fmt.Sprintf("%s record of %d bytes, too long", recordNames[typ], n)
		m.column = tlsVersionName(ver)
		return len(b), m
	} else if len(b) < total {
		if !eof {
			return 0, nil
		}
		m.column = "TCP"
		m.msg.Summary = fmt.Sprintf("%s record cut short (%d of %d bytes)", recordNames[typ], len(b)-5, n)
		m.msg.Malformed = "record cut short"
		return len(b), m
	}
	body := b[5:total]
	col := ver
	if tp.version != 0 {
		col = tp.version
	}
	switch typ {
	case recChangeCipherSpec:
		m.msg.Summary = "Change Cipher Spec"
		td.encrypted = true
	case recAlert:
		if td.encrypted || len(body) != 2 {
			m.msg.Summary = "Encrypted Alert"
			break
		}
		m.msg.Summary = fmt.Sprintf("Alert (Level: %s, Description: %s)", alertLevel(body[0]), alertName(body[1]))
		m.msg.Fields = append(m.msg.Fields,
			Field{Name: "tls.alert_message.level", Label: "Level", Value: fmt.Sprint(body[0]), Off: 5, Len: 1},
			Field{Name: "tls.alert_message.desc", Label: "Description", Value: fmt.Sprint(body[1]), Off: 6, Len: 1})
	case recHandshake:
		if td.encrypted {
			m.msg.Summary = "Encrypted Handshake Message"
			break
		}
		names := tp.handshake(td, body, m)
		if v := tp.version; v != 0 && col != v {
			col = v // the ServerHello in this record chose it
		}
		m.msg.Summary = strings.Join(names, ", ")
		if m.msg.Summary == "" {
			m.msg.Summary = "Handshake fragment"
		}
	case recApplicationData:
		m.msg.Summary = fmt.Sprintf("Application Data (%d bytes)", n)
	case recHeartbeat:
		m.msg.Summary = "Heartbeat"
		if td.encrypted {
			m.msg.Summary = "Encrypted Heartbeat"
		}
	}
	m.column = tlsVersionName(col)
	return total, m
}

var handshakeNames = map[byte]string{
	0: "Hello Request", 1: "Client Hello", 2: "Server Hello", 4: "New Session Ticket",
	5: "End of Early Data", 8: "Encrypted Extensions", 11: "Certificate",
	12: "Server Key Exchange", 13: "Certificate Request", 14: "Server Hello Done",
	15: "Certificate Verify", 16: "Client Key Exchange", 20: "Finished",
	22: "Certificate Status", 24: "Key Update",
}

// handshake reads the handshake messages a record completes, adding their
// fields to m (offsets count from the record's first byte where the
// message lies in this record, else 0 bytes), and returns their names.
func (tp *tlsParser) handshake(td *tlsDir, body []byte, m *pdu) []string {
	// base is the offset, from the record's start, of td.hs[0]; negative
	// when part of the message came in earlier records.
	base := 5 - len(td.hs)
	td.hs = append(td.hs, body...)
	var names []string
	for len(td.hs) >= 4 {
		typ := td.hs[0]
		n := int(td.hs[1])<<16 | int(td.hs[2])<<8 | int(td.hs[3])
		if n > maxHandshake {
			m.msg.Malformed = fmt.Sprintf("handshake message length %d is too long", n)
			td.hs = nil
			return names
		}
		if len(td.hs) < 4+n {
			if len(td.hs) > 4+maxHandshake {
				td.hs = nil
			}
			break // the rest comes in a later record
		}
		msg := td.hs[:4+n]
		name := handshakeNames[typ]
		if name == "" {
			name = fmt.Sprintf("Unknown Handshake Message (%d)", typ)
		}
		fo, fl := max(base, 5), 1
		if base < 5 {
			fl = 0
		}
		m.msg.Fields = append(m.msg.Fields, Field{Name: "tls.handshake.type", Label: "Handshake type", Value: fmt.Sprint(typ), Off: fo, Len: fl})
		switch typ {
		case 1:
			if ch, err := parseClientHello(msg[4:], false); err != "" {
				m.msg.Malformed = "Client Hello: " + err
			} else {
				name = ch.add(m, base+4)
			}
		case 2:
			if v, cs, err := tp.serverHello(msg[4:], m, base+4); err != "" {
				m.msg.Malformed = "Server Hello: " + err
			} else {
				tp.version = v
				name += fmt.Sprintf(" (%s, %s)", tlsVersionName(v), visible([]byte(tls.CipherSuiteName(cs))))
			}
		}
		names = append(names, name)
		base += 4 + n
		td.hs = td.hs[4+n:]
	}
	if len(td.hs) == 0 {
		td.hs = nil
	} else {
		td.hs = append([]byte(nil), td.hs...)
	}
	return names
}

// clientHello is what tcpstep shows of a ClientHello.
type clientHello struct {
	sni, sniOff, sniLen int // the server name's bytes, from the message body
	name                string
	alpn                []span
	versions            []uint16
	suites              int
}

type span struct {
	s        string
	off, len int
}

// parseClientHello reads a ClientHello body (after the 4-byte handshake
// header). err is "" when it parses.
func parseClientHello(b []byte, sniOnly bool) (clientHello, string) {
	var ch clientHello
	s := cryptobyte.String(b)
	var version uint16
	var random, sid, suites, comp cryptobyte.String
	if !s.ReadUint16(&version) || !s.ReadBytes((*[]byte)(&random), 32) ||
		!s.ReadUint8LengthPrefixed(&sid) || !s.ReadUint16LengthPrefixed(&suites) ||
		!s.ReadUint8LengthPrefixed(&comp) {
		return ch, "cut short before the extensions"
	}
	ch.suites = len(suites) / 2
	if s.Empty() {
		return ch, ""
	}
	var exts cryptobyte.String
	rest := s // a failed length-prefixed read still consumes the length
	if !s.ReadUint16LengthPrefixed(&exts) {
		s = rest
		if !sniOnly || !s.Skip(2) {
			return ch, "extensions cut short"
		}
		// Sniff reads a bounded prefix of the first segment: a ClientHello
		// longer than it (curl's is 517 bytes) still names its server in
		// the extensions that are whole, the SNI usually among the first.
		exts = s
	}
	for !exts.Empty() {
		var typ uint16
		var data cryptobyte.String
		if !exts.ReadUint16(&typ) || !exts.ReadUint16LengthPrefixed(&data) {
			return ch, "extension cut short"
		}
		switch typ {
		case 0: // server_name
			var list cryptobyte.String
			if !data.ReadUint16LengthPrefixed(&list) {
				return ch, "server_name cut short"
			}
			for !list.Empty() {
				var kind uint8
				var host cryptobyte.String
				if !list.ReadUint8(&kind) || !list.ReadUint16LengthPrefixed(&host) {
					return ch, "server_name cut short"
				}
				if kind == 0 && ch.name == "" {
					ch.name = visibleName(host)
					ch.sniOff = len(b) - len(s) - len(exts) - len(data) - len(list) - len(host)
					ch.sniLen = len(host)
					ch.sni = 1
				}
			}
		case 16, 43:
			if sniOnly {
				continue
			}
		}
		switch typ {
		case 16: // application_layer_protocol_negotiation
			var list cryptobyte.String
			if !data.ReadUint16LengthPrefixed(&list) {
				return ch, "ALPN cut short"
			}
			for !list.Empty() {
				var proto cryptobyte.String
				if !list.ReadUint8LengthPrefixed(&proto) {
					return ch, "ALPN cut short"
				}
				if len(ch.alpn) < 16 {
					ch.alpn = append(ch.alpn, span{visibleName(proto), len(b) - len(s) - len(exts) - len(data) - len(list) - len(proto), len(proto)})
				}
			}
		case 43: // supported_versions
			var list cryptobyte.String
			if !data.ReadUint8LengthPrefixed(&list) {
				return ch, "supported_versions cut short"
			}
			for !list.Empty() {
				var v uint16
				if !list.ReadUint16(&v) {
					return ch, "supported_versions cut short"
				}
				if len(ch.versions) < 16 {
					ch.versions = append(ch.versions, v)
				}
			}
		}
	}
	return ch, ""
}

// add puts the ClientHello's fields in m (body is the offset of the
// message body from the record's start) and returns its summary.
func (ch *clientHello) add(m *pdu, body int) string {
	name := "Client Hello"
	fld := func(f Field, off, n int) {
		if body+off >= 5 {
			f.Off, f.Len = body+off, n
		}
		m.msg.Fields = append(m.msg.Fields, f)
	}
	if ch.sni != 0 {
		fld(Field{Name: "tls.handshake.extensions_server_name", Label: "Server name", Value: ch.name}, ch.sniOff, ch.sniLen)
		name += " SNI " + ch.name
	}
	var protos []string
	for _, a := range ch.alpn {
		fld(Field{Name: "tls.handshake.extensions_alpn_str", Label: "ALPN protocol", Value: a.s}, a.off, a.len)
		protos = append(protos, a.s)
	}
	if len(protos) > 0 {
		name += " ALPN " + strings.Join(protos, ",")
	}
	var vs []string
	for _, v := range ch.versions {
		if v&0x0f0f == 0x0a0a {
			continue // GREASE
		}
		vs = append(vs, tlsVersionName(v))
	}
	if len(vs) > 0 {
		m.msg.Fields = append(m.msg.Fields, Field{Name: "tls.handshake.extensions.supported_version", Label: "Offered versions", Value: strings.Join(vs, ",")})
	}
	return name
}

// serverHello reads a ServerHello body, adding its fields to m, and
// returns the version it chose and its cipher suite.
func (tp *tlsParser) serverHello(b []byte, m *pdu, body int) (uint16, uint16, string) {
	s := cryptobyte.String(b)
	var version, suite uint16
	var random, sid cryptobyte.String
	var comp uint8
	if !s.ReadUint16(&version) || !s.ReadBytes((*[]byte)(&random), 32) ||
		!s.ReadUint8LengthPrefixed(&sid) {
		return 0, 0, "cut short before the cipher suite"
	}
	suiteOff := len(b) - len(s)
	if !s.ReadUint16(&suite) || !s.ReadUint8(&comp) {
		return 0, 0, "cut short at the cipher suite"
	}
	if !s.Empty() {
		var exts cryptobyte.String
		if !s.ReadUint16LengthPrefixed(&exts) {
			return 0, 0, "extensions cut short"
		}
		for !exts.Empty() {
			var typ uint16
			var data cryptobyte.String
			if !exts.ReadUint16(&typ) || !exts.ReadUint16LengthPrefixed(&data) {
				return 0, 0, "extension cut short"
			}
			var v uint16
			var list, proto cryptobyte.String
			switch {
			case typ == 43 && data.ReadUint16(&v):
				version = v
			case typ == 16 && data.ReadUint16LengthPrefixed(&list) && list.ReadUint8LengthPrefixed(&proto):
				alpn := Field{Name: "tls.handshake.extensions_alpn_str", Label: "ALPN protocol", Value: visibleName(proto)}
				if o := body + len(b) - len(s) - len(exts) - len(data) - len(list) - len(proto); o >= 5 {
					alpn.Off, alpn.Len = o, len(proto)
				}
				m.msg.Fields = append(m.msg.Fields, alpn)
			}
		}
	}
	f := Field{Name: "tls.handshake.ciphersuite", Label: "Cipher suite", Value: visible([]byte(tls.CipherSuiteName(suite)))}
	if body+suiteOff >= 5 {
		f.Off, f.Len = body+suiteOff, 2
	}
	m.msg.Fields = append(m.msg.Fields, f, Field{Name: "tls.handshake.extensions.supported_version", Label: "Chosen version", Value: tlsVersionName(version)})
	if version == 0x0304 {
		// TLS 1.3 encrypts everything after the ServerHello.
		tp.dirs[model.S2C].encrypted = true
		tp.dirs[model.C2S].encrypted = true
	}
	return version, suite, ""
}

func alertLevel(l byte) string {
	switch l {
	case 1:
		return "Warning"
	case 2:
		return "Fatal"
	}
	return fmt.Sprintf("Unknown (%d)", l)
}

var alertNames = map[byte]string{
	0: "Close Notify", 10: "Unexpected Message", 20: "Bad Record MAC", 21: "Decryption Failed",
	22: "Record Overflow", 30: "Decompression Failure", 40: "Handshake Failure", 41: "No Certificate",
	42: "Bad Certificate", 43: "Unsupported Certificate", 44: "Certificate Revoked",
	45: "Certificate Expired", 46: "Certificate Unknown", 47: "Illegal Parameter", 48: "Unknown CA",
	49: "Access Denied", 50: "Decode Error", 51: "Decrypt Error", 60: "Export Restriction",
	70: "Protocol Version", 71: "Insufficient Security", 80: "Internal Error",
	86: "Inappropriate Fallback", 90: "User Canceled", 100: "No Renegotiation",
	109: "Missing Extension", 110: "Unsupported Extension", 112: "Unrecognized Name",
	113: "Bad Certificate Status Response", 115: "Unknown PSK Identity", 116: "Certificate Required",
	120: "No Application Protocol",
}

func alertName(d byte) string {
	if n := alertNames[d]; n != "" {
		return n
	}
	return fmt.Sprintf("Unknown (%d)", d)
}

// clientHelloSNI is the server name in a ClientHello at the start of b,
// the client's first bytes: only the first record is read.
func clientHelloSNI(b []byte) string {
	if len(b) < 9 || b[0] != recHandshake || b[5] != 1 {
		return ""
	}
	n := int(binary.BigEndian.Uint16(b[3:5]))
	rec := b[5:min(len(b), 5+n)]
	if len(rec) < 4 {
		return "" // a record length that lies
	}
	hl := int(rec[1])<<16 | int(rec[2])<<8 | int(rec[3])
	body := rec[4:]
	if len(body) > hl {
		body = body[:hl]
	}
	ch, _ := parseClientHello(body, true)
	return ch.name
}
