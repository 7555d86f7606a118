package decode

import (
	"encoding/binary"
	"fmt"
)

// This file walks IEEE 802.11 frames, bare (LINKTYPE_IEEE802_11, 105) or
// behind a radiotap header (LINKTYPE_IEEE802_11_RADIOTAP, 127).
//
// Entering the 802.11 walk from another header: a tunnel that carries an
// 802.11 frame (Aruba's WLAN over GRE, protocol 0x8200/0x8240; CAPWAP data
// with the native-frame bit set) sets p.cur = lDot11 with p.off at the
// frame control field and returns true from its walk function; run then
// calls walkDot11, which reads the MAC header (QoS control, the fourth
// address, HT control), the LLC/SNAP that follows and so on to TCP. A
// frame in a tunnel has no FCS; if it had one, lower p.capEnd and p.repEnd
// by 4 before handing over, as the radiotap walk does.
//
// Like the rest of the walk this reads bytes by hand rather than through
// gopacket's RadioTap and Dot11 layers: those decode every radiotap field
// and information element into allocated slices and structs, where the
// walk needs three offsets and must not allocate (see extract_bench_test.go).

// Link types of 802.11 captures (LINKTYPE_* values).
const (
	linkIEEE80211 = 105
	linkRadiotap  = 127
)

// Layers of this file. They are numbered apart from the main list in
// extract_walk.go so that additions to either never collide, and close
// enough to it that run's switch over layers stays one jump table.
const (
	lRadiotap layerID = 48 + iota
	lDot11
)

// The main list must end below this file's numbers: this fails to compile
// when it grows past 47.
const _ uint8 = 47 - uint8(lUndecoded)

// Radiotap flags (the Flags field, present bit 1).
const (
	radiotapFlagFCS     = 0x10 // the frame ends with a 4-byte FCS
	radiotapFlagDataPad = 0x20 // padding between the 802.11 header and the payload
)

// radiotapFlags finds the Flags field of the radiotap header b (its whole
// it_len bytes): it is the first field after the present bitmaps, or the
// second after the 8-byte, 8-aligned TSFT. ok is false when the header has
// no Flags field.
func radiotapFlags(b []byte) (flags uint8, ok bool) {
	present := binary.LittleEndian.Uint32(b[4:])
	off := 8
	for w := present; w&0x80000000 != 0 && off+4 <= len(b); off += 4 {
		w = binary.LittleEndian.Uint32(b[off:])
	}
	if present&0x2 == 0 {
		return 0, false
	}
	if present&0x1 != 0 {
		off = (off+7)&^7 + 8
	}
	if off >= len(b) {
		return 0, false
	}
	return b[off], true
}

// dot11HeaderLen is the length of an 802.11 MAC header with frame control
// fc0, fc1 (the fixed part for management and control frames).
func dot11HeaderLen(fc0, fc1 uint8) int {
	switch fc0 >> 2 & 3 {
	case 0: // management
		if fc1&0x80 != 0 {
			return 28 // HT control
		}
		return 24
	case 1: // control
		switch fc0 >> 4 {
		case 0xc, 0xd: // CTS, ACK
			return 10
		}
		return 16
	case 2: // data
		n := 24
		if fc1&3 == 3 {
			n += 6 // the fourth address
		}
		if fc0&0x80 != 0 {
			n += 2 // QoS control
			if fc1&0x80 != 0 {
				n += 4 // HT control
			}
		}
		return n
	}
	return 2
}

// walkRadiotap reads a radiotap header: its length, and the Flags field's
// FCS and data-padding bits. It returns false when the walk ends here.
func (w *walker) walkRadiotap(p *walkPos) bool {
	data := w.data
	if !w.need("radiotap", p.off, 8, p.capEnd) {
		return false
	}
	n := int(binary.LittleEndian.Uint16(data[p.off+2:]))
	if n < 8 {
		w.bad(fmt.Sprintf("radiotap header length %d (less than 8)", n))
		w.push(lUndecoded, p.off, p.capEnd)
		return false
	}
	if !w.need("radiotap", p.off, n, p.capEnd) {
		return false
	}
	flags, _ := radiotapFlags(data[p.off : p.off+n])
	w.push(lRadiotap, p.off, p.off+n)
	p.off += n
	if flags&radiotapFlagFCS != 0 {
		p.dropFCS()
	}
	return w.dot11(p, flags&radiotapFlagDataPad != 0)
}

// dropFCS leaves the 4-byte FCS at the end of the frame out of the region.
// It is cut from the captured bytes even when the snap length cut the frame
// (where tshark, knowing the length on the wire, would keep up to 4 more
// bytes): Dissect does not know that length, and this way Extract and
// Dissect always agree on what a frame holds.
func (p *walkPos) dropFCS() {
	p.repEnd = max(p.repEnd-4, p.off)
	p.capEnd = max(min(p.capEnd-4, p.repEnd), p.off)
}

// walkDot11 reads an 802.11 MAC header at p.off (see the top of this file).
func (w *walker) walkDot11(p *walkPos) bool { return w.dot11(p, false) }

// dot11 reads an 802.11 MAC header; pad says the payload starts at the
// next multiple of 4 bytes after the header (radiotap's data-pad flag).
// Only data frames carrying data go on, to LLC.
func (w *walker) dot11(p *walkPos, pad bool) bool {
	data := w.data
	if !w.need("802.11", p.off, 2, p.capEnd) {
		return false
	}
	fc0, fc1 := data[p.off], data[p.off+1]
	if w.dot11SwapFC {
		// CAPWAP from Cisco access points sends the frame control field
		// byte-swapped; tshark's CAPWAP dissector swaps it back by default.
		fc0, fc1 = fc1, fc0
	}
	if v := fc0 & 3; v != 0 {
		w.other(fmt.Sprintf("802.11 frame with protocol version %d", v))
		w.push(lData, p.off, p.capEnd)
		return false
	}
	typ, sub := fc0>>2&3, fc0>>4
	n := dot11HeaderLen(fc0, fc1)
	if typ == 3 {
		w.other(fmt.Sprintf("802.11 extension frame (subtype %d)", sub))
		w.push(lData, p.off, p.capEnd)
		return false
	}
	if !w.need("802.11", p.off, n, p.capEnd) {
		return false
	}
	end := p.off + n
	if pad && typ == 2 {
		end = min(p.off+(n+3)&^3, p.capEnd)
	}
	w.push(lDot11, p.off, end)
	start := p.off
	p.off = end
	switch {
	case typ == 0:
		w.other("802.11 management frame: " + dot11MgmtName(sub))
	case typ == 1:
		w.other("802.11 control frame: " + dot11CtrlName(sub))
	case sub&4 != 0:
		w.other("802.11 data frame without data (" + dot11DataName(sub) + ")")
	case fc1&0x40 != 0:
		w.other("protected 802.11 data frame: its payload is encrypted and cannot be decoded")
	case fc0&0x80 != 0 && data[start+dot11QoSOff(fc1)]&0x80 != 0:
		w.other("802.11 A-MSDU (aggregated frames are not decoded)")
	default:
		p.cur = lLLC
		return true
	}
	if p.off < p.capEnd {
		w.push(lData, p.off, p.capEnd)
	}
	return false
}

// dot11QoSOff is the offset of a QoS data frame's QoS control field.
func dot11QoSOff(fc1 uint8) int {
	if fc1&3 == 3 {
		return 30
	}
	return 24
}

func dot11MgmtName(sub uint8) string {
	names := [16]string{"association request", "association response", "reassociation request",
		"reassociation response", "probe request", "probe response", "timing advertisement", "",
		"beacon", "ATIM", "disassociation", "authentication", "deauthentication", "action",
		"action no ack", ""}
	if n := names[sub&15]; n != "" {
		return n
	}
	return fmt.Sprintf("subtype %d", sub)
}

func dot11CtrlName(sub uint8) string {
	names := [16]string{"", "", "trigger", "TACK", "beamforming report poll", "VHT NDP announcement",
		"control frame extension", "control wrapper", "block ack request", "block ack", "PS-Poll",
		"RTS", "CTS", "ACK", "CF-End", "CF-End + CF-Ack"}
	if n := names[sub&15]; n != "" {
		return n
	}
	return fmt.Sprintf("subtype %d", sub)
}

func dot11DataName(sub uint8) string {
	names := [16]string{"data", "data + CF-Ack", "data + CF-Poll", "data + CF-Ack + CF-Poll",
		"null function", "CF-Ack", "CF-Poll", "CF-Ack + CF-Poll", "QoS data", "QoS data + CF-Ack",
		"QoS data + CF-Poll", "QoS data + CF-Ack + CF-Poll", "QoS null", "", "QoS CF-Poll",
		"QoS CF-Ack + CF-Poll"}
	if n := names[sub&15]; n != "" {
		return n
	}
	return fmt.Sprintf("subtype %d", sub)
}
