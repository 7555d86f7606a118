package app

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/tcpstep/tcpstep/model"
)

// dnsParser reads DNS over TCP (RFC 1035 section 4.2.2): each message
// after its two-byte length. It names the question and, in a response,
// the result code and how many answers there are; the records themselves
// are not decoded.
type dnsParser struct{}

func newDNSParser() *dnsParser { return &dnsParser{} }

func (dnsParser) gap(model.Dir) {}

// dnsMaxJumps bounds the compression pointers followed in one name, so
// that a pointer loop ends; dnsMaxName is RFC 1035's bound on a name.
const (
	dnsMaxJumps = 32
	dnsMaxName  = 255
)

var dnsTypes = map[uint16]string{
	1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 13: "HINFO", 15: "MX", 16: "TXT",
	28: "AAAA", 33: "SRV", 35: "NAPTR", 39: "DNAME", 41: "OPT", 43: "DS", 46: "RRSIG",
	47: "NSEC", 48: "DNSKEY", 64: "SVCB", 65: "HTTPS", 251: "IXFR", 252: "AXFR", 255: "ANY",
	257: "CAA",
}

var dnsRcodes = map[uint16]string{
	0: "No error", 1: "Format error", 2: "Server failure", 3: "No such name",
	4: "Not implemented", 5: "Refused",
}

func (dnsParser) next(d model.Dir, b []byte, eof bool) (int, *pdu) {
	if len(b) < 2 {
		if eof {
			return len(b), &pdu{column: "TCP", msg: Message{Proto: DNS, Summary: "DNS length cut short", Malformed: "length cut short"}}
		}
		return 0, nil
	}
	n := int(binary.BigEndian.Uint16(b))
	if len(b) < 2+n {
		if eof {
			return len(b), &pdu{column: "TCP", msg: Message{Proto: DNS, Summary: fmt.Sprintf("DNS message cut short (%d of %d bytes)", len(b)-2, n), Malformed: "message cut short"}}
		}
		return 0, nil
	}
	m := &pdu{msg: Message{Proto: DNS}}
	m.msg.Fields = []Field{{Name: "dns.length", Label: "Length", Value: fmt.Sprint(n), Off: 0, Len: 2}}
	msg := b[2 : 2+n]
	if len(msg) < 12 {
		m.msg.Summary = "DNS message shorter than its header"
		m.msg.Malformed = "message shorter than its 12-byte header"
		return 2 + n, m
	}
	id := binary.BigEndian.Uint16(msg)
	flags := binary.BigEndian.Uint16(msg[2:])
	qd := binary.BigEndian.Uint16(msg[4:])
	an := binary.BigEndian.Uint16(msg[6:])
	response := flags&0x8000 != 0
	opcode := flags >> 11 & 0xf
	rcode := flags & 0xf
	kind := "Standard query"
	if opcode != 0 {
		kind = fmt.Sprintf("Opcode %d", opcode)
	}
	if response {
		kind += " response"
		m.msg.Fields = append(m.msg.Fields, Field{Name: "dns.flags.rcode", Label: "Reply code", Value: fmt.Sprint(rcode), Off: 5, Len: 1})
	}
	m.msg.Fields = append(m.msg.Fields, Field{Name: "dns.count.answers", Label: "Answer RRs", Value: fmt.Sprint(an), Off: 8, Len: 2})
	summary := fmt.Sprintf("%s 0x%04x", kind, id)
	off := 12
	for q := 0; q < int(qd) && q < 8; q++ {
		name, end, err := dnsName(msg, off)
		if err != "" {
			m.msg.Malformed = "question name: " + err
			break
		}
		if end+4 > len(msg) {
			m.msg.Malformed = "question cut short"
			break
		}
		typ := binary.BigEndian.Uint16(msg[end:])
		m.msg.Fields = append(m.msg.Fields,
			Field{Name: "dns.qry.name", Label: "Name", Value: name, Off: 2 + off, Len: end - off},
			Field{Name: "dns.qry.type", Label: "Type", Value: fmt.Sprint(typ), Off: 2 + end, Len: 2})
		tn := dnsTypes[typ]
		if tn == "" {
			tn = fmt.Sprintf("Unknown (%d)", typ)
		}
		summary += " " + tn + " " + name
		off = end + 4
	}
	if response {
		if rcode != 0 {
			rn := dnsRcodes[rcode]
			if rn == "" {
				rn = fmt.Sprintf("rcode %d", rcode)
			}
			summary += ", " + rn
		}
		summary += fmt.Sprintf(", %d answer", an)
		if an != 1 {
			summary += "s"
		}
	}
	m.msg.Summary = summary
	return 2 + n, m
}

// dnsName reads the name at msg[off:], following compression pointers a
// bounded number of times. It returns the name as text (labels joined by
// dots, "<Root>" for the root, each label printable), the offset after the
// name where it starts (before any pointer was followed), and why it does
// not parse.
func dnsName(msg []byte, off int) (string, int, string) {
	var sb strings.Builder
	end := -1
	jumps := 0
	for {
		if off >= len(msg) {
			return "", 0, "cut short"
		}
		l := int(msg[off])
		switch {
		case l == 0:
			if end < 0 {
				end = off + 1
			}
			if sb.Len() == 0 {
				return "<Root>", end, ""
			}
			return sb.String(), end, ""
		case l&0xc0 == 0xc0:
			if off+1 >= len(msg) {
				return "", 0, "pointer cut short"
			}
			if end < 0 {
				end = off + 2
			}
			jumps++
			if jumps > dnsMaxJumps {
				return "", 0, "too many compression pointers (a loop?)"
			}
			off = (l&0x3f)<<8 | int(msg[off+1])
		case l&0xc0 != 0:
			return "", 0, fmt.Sprintf("label type 0x%02x not supported", l&0xc0)
		default:
			if off+1+l > len(msg) {
				return "", 0, "label cut short"
			}
			if sb.Len()+l+1 > dnsMaxName {
				return "", 0, "name longer than 255 bytes"
			}
			if sb.Len() > 0 {
				sb.WriteByte('.')
			}
			sb.WriteString(model.Visible(string(msg[off+1 : off+1+l])))
			off += 1 + l
		}
	}
}
