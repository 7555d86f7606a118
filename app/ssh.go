package app

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"

	"golang.org/x/crypto/cryptobyte"

	"github.com/tcpstep/tcpstep/model"
)

// sshParser reads SSH: each side's version banner, then its binary
// packets, which are in clear up to and including its NEWKEYS (the key
// exchange) and encrypted after it. Like tshark it names an encrypted run
// by the segment, since without the keys the packets' lengths cannot be
// read.
type sshParser struct {
	dirs [2]sshDir
	// banners counts the version banners seen: tshark's column is "SSH" on
	// the first, "SSHv2" (or "SSHv1") once a banner said the version.
	banners int
	version string
	// kex is the key exchange method both sides chose, which names
	// messages 30-34.
	kex      string
	kexInits [2][]string
}

type sshDir struct {
	banner    bool // the banner was read
	encrypted bool
	lost      bool
}

func newSSHParser() *sshParser { return &sshParser{} }

func (sp *sshParser) gap(d model.Dir) { sp.dirs[d&1].lost = true }

// maxSSHPacket bounds a clear packet's length (RFC 4253 section 6.1 asks
// for 35000 at least).
const maxSSHPacket = 256 << 10

func (sp *sshParser) next(d model.Dir, b []byte, eof bool) (int, *pdu) {
	sd := &sp.dirs[d&1]
	who := "Client: "
	if d == model.S2C {
		who = "Server: "
	}
	col := "SSH"
	switch sp.version {
	case "2":
		col = "SSHv2"
	case "1":
		col = "SSHv1"
	}
	if !sd.banner {
		n, text, cut := line(b, eof)
		if n == 0 {
			return 0, nil
		}
		l := b[:text]
		if !bytes.HasPrefix(l, []byte("SSH-")) {
			// Lines before the banner are allowed from the server
			// (RFC 4253 section 4.2).
			if d == model.S2C && !cut {
				return n, &pdu{column: col, msg: Message{Proto: SSH, Summary: who + model.Visible(string(l))}}
			}
			sd.banner = true
			return sp.encryptedRun(who, col, b)
		}
		sd.banner = true
		sp.banners++
		v := model.Visible(string(l))
		m := &pdu{column: col, msg: Message{Proto: SSH, Summary: who + "Protocol (" + v + ")",
			Fields: []Field{{Name: "ssh.protocol", Label: "Protocol", Value: v, Off: 0, Len: text}}}}
		if cut {
			m.msg.Malformed = "banner not ended by CRLF"
		}
		// tshark takes the version from the client's banner: its column
		// is "SSH" up to that banner's segment.
		if d == model.C2S && sp.version == "" {
			proto, _, _ := strings.Cut(strings.TrimPrefix(v, "SSH-"), "-")
			switch {
			case proto == "2.0" || proto == "1.99":
				sp.version = "2"
			case strings.HasPrefix(proto, "1."):
				sp.version = "1"
			}
		}
		return n, m
	}
	if sd.encrypted || sd.lost || sp.version != "2" {
		return sp.encryptedRun(who, col, b)
	}
	if len(b) < 6 {
		if eof {
			return len(b), &pdu{column: "TCP", msg: Message{Proto: SSH, Summary: who + "packet cut short", Malformed: "packet header cut short"}}
		}
		return 0, nil
	}
	plen := int(binary.BigEndian.Uint32(b))
	if plen < 5 || plen > maxSSHPacket {
		// Not a clear packet: a length that lies, or one this side already
		// encrypts. The rest is taken as encrypted.
		sd.encrypted = true
		return sp.encryptedRun(who, col, b)
	}
	if len(b) < 4+plen {
		if eof {
			return len(b), &pdu{column: "TCP", msg: Message{Proto: SSH, Summary: who + fmt.Sprintf("packet cut short (%d of %d bytes)", len(b), 4+plen), Malformed: "packet cut short"}}
		}
		return 0, nil
	}
	pad := int(b[4])
	code := b[5]
	m := &pdu{column: col, msg: Message{Proto: SSH}}
	m.msg.Fields = []Field{
		{Name: "ssh.packet_length", Label: "Packet length", Value: fmt.Sprint(plen), Off: 0, Len: 4},
		{Name: "ssh.padding_length", Label: "Padding length", Value: fmt.Sprint(pad), Off: 4, Len: 1},
		{Name: "ssh.message_code", Label: "Message code", Value: fmt.Sprint(code), Off: 5, Len: 1},
	}
	if pad+1 > plen {
		m.msg.Malformed = "padding longer than the packet"
	}
	payload := b[5 : 4+plen-min(pad, plen-1)]
	if code == 20 {
		sp.kexInit(d, payload)
	}
	if code == 21 {
		sd.encrypted = true
	}
	m.msg.Summary = who + sp.messageName(code)
	return 4 + plen, m
}

// encryptedRun names the bytes b as encrypted packets.
func (sp *sshParser) encryptedRun(who, col string, b []byte) (int, *pdu) {
	return len(b), &pdu{column: col, msg: Message{Proto: SSH, Summary: who + fmt.Sprintf("Encrypted packet (len=%d)", len(b))}}
}

// kexInit reads the key exchange methods of a KEXINIT payload (after its
// message code) and, once both sides sent theirs, the method chosen: the
// client's first that the server has (RFC 4253 section 7.1).
func (sp *sshParser) kexInit(d model.Dir, payload []byte) {
	s := cryptobyte.String(payload[1:])
	var list cryptobyte.String
	if !s.Skip(16) || !readSSHString(&s, &list) {
		return
	}
	names := strings.Split(string(list), ",")
	if len(names) > 64 {
		names = names[:64]
	}
	sp.kexInits[d&1] = names
	c, srv := sp.kexInits[model.C2S], sp.kexInits[model.S2C]
	if c == nil || srv == nil {
		return
	}
	for _, n := range c {
		for _, m := range srv {
			if n == m {
				sp.kex = n
				return
			}
		}
	}
}

func readSSHString(s *cryptobyte.String, out *cryptobyte.String) bool {
	var n uint32
	if !s.ReadUint32(&n) || n > uint32(len(*s)) {
		return false
	}
	return s.ReadBytes((*[]byte)(out), int(n))
}

var sshMessages = map[byte]string{
	1: "Disconnect", 2: "Ignore", 3: "Unimplemented", 4: "Debug", 5: "Service Request",
	6: "Service Accept", 7: "Extension Info", 20: "Key Exchange Init", 21: "New Keys",
	50: "User Authentication Request", 51: "User Authentication Failure",
	52: "User Authentication Success", 53: "User Authentication Banner",
}

// messageName is tshark's name for a clear message; 30-34 depend on the
// key exchange method.
func (sp *sshParser) messageName(code byte) string {
	if n := sshMessages[code]; n != "" {
		return n
	}
	k := sp.kex
	switch {
	case strings.HasPrefix(k, "ecdh-sha2-") || strings.HasPrefix(k, "curve25519-sha256") || strings.HasPrefix(k, "curve448-"):
		switch code {
		case 30:
			return "Elliptic Curve Diffie-Hellman Key Exchange Init"
		case 31:
			return "Elliptic Curve Diffie-Hellman Key Exchange Reply"
		}
	case strings.HasPrefix(k, "diffie-hellman-group-exchange-"):
		switch code {
		case 30:
			return "Diffie-Hellman Group Exchange Request (Old)"
		case 31:
			return "Diffie-Hellman Group Exchange Group"
		case 32:
			return "Diffie-Hellman Group Exchange Init"
		case 33:
			return "Diffie-Hellman Group Exchange Reply"
		case 34:
			return "Diffie-Hellman Group Exchange Request"
		}
	default:
		// tshark reads any other method (diffie-hellman-group14-sha256,
		// sntrup761x25519-sha512@openssh.com, …) as Diffie-Hellman.
		switch code {
		case 30:
			return "Diffie-Hellman Key Exchange Init"
		case 31:
			return "Diffie-Hellman Key Exchange Reply"
		}
	}
	return fmt.Sprintf("Unknown (%d)", code)
}
