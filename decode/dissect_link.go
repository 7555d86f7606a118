package decode

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"strconv"
	"strings"

	"github.com/tcpstep/tcpstep/model"
)

// This file names the fields of the link layers of extract_wlan.go and
// extract_link.go for Dissect. Their spans come from the walk, which has
// checked that each is whole.

// describeLinkMore fills l, the layer of span id over b (at offset s).
func describeLinkMore(l *model.Layer, id layerID, b []byte, s int) {
	switch id {
	case lRadiotap:
		l.Name = "Radiotap"
		describeRadiotap(l, b, s)
	case lDot11:
		describeDot11(l, b, s)
	case lFDDI:
		l.Name = "FDDI"
		describeFDDI(l, b, s)
	case lVNTag:
		l.Name = "VN-Tag"
		v := be32(b, 0)
		l.Fields = append(l.Fields,
			fld("Direction", vntagDir(v>>31), s, s+1),
			fld("Pointer", yesNo(v>>30&1 == 1), s, s+1),
			fld("Destination VIF ID", u32(v>>16&0x3fff), s, s+2),
			fld("Looped", yesNo(v>>15&1 == 1), s+2, s+3),
			fld("Reserved", u32(v>>14&1), s+2, s+3),
			fld("Version", u32(v>>12&3), s+2, s+3),
			fld("Source VIF ID", u32(v&0x0fff), s+2, s+4),
			fld("Type", ethertypeValue(be16(b, 4)), s+4, s+6))
	case lETag:
		l.Name = "802.1BR E-Tag"
		a, c := be16(b, 0), be16(b, 2)
		l.Fields = append(l.Fields,
			fld("Priority (E-PCP)", u16(a>>13), s, s+1),
			fld("Drop eligible (E-DEI)", u16(a>>12&1), s, s+1),
			fld("Ingress E-CID base", u16(a&0x0fff), s, s+2),
			fld("Reserved", u16(c>>14), s+2, s+3),
			fld("Group (GRP)", u16(c>>12&3), s+2, s+3),
			fld("E-CID base", u16(c&0x0fff), s+2, s+4),
			fld("Ingress E-CID extension", u8(b[4]), s+4, s+5),
			fld("E-CID extension", u8(b[5]), s+5, s+6),
			fld("Type", ethertypeValue(be16(b, 6)), s+6, s+8))
	case lFabricPath:
		l.Name = "Cisco FabricPath"
		describeFabricPath(l, b, s)
	default:
		l.Name = juniperName(id)
		if id == lJuniperOther {
			l.Name = "Juniper (MLPPP, MLFR, ATM or Frame Relay PIC)"
		}
		describeJuniper(l, id, b, s)
	}
}

// radiotapFields are the sizes and alignments of the radiotap fields of
// present bits 0 to 27, in bit order (from radiotap.org's field list).
var radiotapFields = [...]struct {
	name        string
	align, size int
}{
	{"TSFT", 8, 8}, {"Flags", 1, 1}, {"Rate", 1, 1}, {"Channel", 2, 4}, {"FHSS", 1, 2},
	{"Antenna signal (dBm)", 1, 1}, {"Antenna noise (dBm)", 1, 1}, {"Lock quality", 2, 2},
	{"TX attenuation", 2, 2}, {"TX attenuation (dB)", 2, 2}, {"TX power (dBm)", 1, 1},
	{"Antenna", 1, 1}, {"Antenna signal (dB)", 1, 1}, {"Antenna noise (dB)", 1, 1},
	{"RX flags", 2, 2}, {"TX flags", 2, 2}, {"RTS retries", 1, 1}, {"Data retries", 1, 1},
	{"XChannel", 4, 8}, {"MCS", 1, 3}, {"A-MPDU status", 4, 8}, {"VHT", 2, 12},
	{"Timestamp", 8, 12}, {"HE", 2, 12}, {"HE-MU", 2, 12}, {"HE-MU other user", 2, 6},
	{"Zero-length PSDU", 1, 1}, {"L-SIG", 2, 4},
}

func describeRadiotap(l *model.Layer, b []byte, s int) {
	add := func(f model.Field) { l.Fields = append(l.Fields, f) }
	add(fld("Header revision", u8(b[0]), s, s+1))
	add(fld("Header pad", u8(b[1]), s+1, s+2))
	add(fld("Header length", u16(binary.LittleEndian.Uint16(b[2:])), s+2, s+4))
	present := binary.LittleEndian.Uint32(b[4:])
	off := 8
	var words []model.Field
	words = append(words, fld("Present word 1", fmt.Sprintf("0x%08x", present), s+4, s+8))
	for w := present; w&0x80000000 != 0 && off+4 <= len(b); off += 4 {
		w = binary.LittleEndian.Uint32(b[off:])
		words = append(words, fld(fmt.Sprintf("Present word %d", off/4-1), fmt.Sprintf("0x%08x", w), s+off, s+off+4))
	}
	var names []string
	for bit := range radiotapFields {
		if present&(1<<bit) != 0 {
			names = append(names, radiotapFields[bit].name)
		}
	}
	if present&(1<<31) != 0 {
		names = append(names, "more present words")
	}
	add(fld("Present flags", strings.Join(names, ", "), s+4, s+off, words...))
	for bit := 0; bit < 29; bit++ {
		if present&(1<<bit) == 0 {
			continue
		}
		if bit >= len(radiotapFields) {
			break // an unknown field: its size is unknown too
		}
		f := radiotapFields[bit]
		a := (off + f.align - 1) &^ (f.align - 1)
		if a+f.size > len(b) {
			break
		}
		off = a + f.size
		v := b[a : a+f.size]
		switch bit {
		case 0:
			add(fld(f.name, strconv.FormatUint(binary.LittleEndian.Uint64(v), 10)+" µs", s+a, s+off))
		case 1:
			fl := v[0]
			add(fld(f.name, fmt.Sprintf("0x%02x", fl), s+a, s+off,
				fld("CFP", yesNo(fl&0x01 != 0), s+a, s+off),
				fld("Short preamble", yesNo(fl&0x02 != 0), s+a, s+off),
				fld("WEP", yesNo(fl&0x04 != 0), s+a, s+off),
				fld("Fragmentation", yesNo(fl&0x08 != 0), s+a, s+off),
				fld("FCS at end", yesNo(fl&radiotapFlagFCS != 0), s+a, s+off),
				fld("Data padding", yesNo(fl&radiotapFlagDataPad != 0), s+a, s+off),
				fld("Bad FCS", yesNo(fl&0x40 != 0), s+a, s+off),
				fld("Short guard interval", yesNo(fl&0x80 != 0), s+a, s+off)))
		case 2:
			add(fld(f.name, fmt.Sprintf("%d.%d Mb/s", v[0]/2, int(v[0])%2*5), s+a, s+off))
		case 3:
			add(fld(f.name, fmt.Sprintf("%d MHz, flags 0x%04x", binary.LittleEndian.Uint16(v), binary.LittleEndian.Uint16(v[2:])), s+a, s+off,
				fld("Frequency", fmt.Sprintf("%d MHz", binary.LittleEndian.Uint16(v)), s+a, s+a+2),
				fld("Channel flags", fmt.Sprintf("0x%04x", binary.LittleEndian.Uint16(v[2:])), s+a+2, s+off)))
		case 5, 6:
			add(fld(f.name, fmt.Sprintf("%d dBm", int8(v[0])), s+a, s+off))
		default:
			add(fld(f.name, hexValue(v), s+a, s+off))
		}
	}
	if off < len(b) {
		add(fld("Other fields", hexValue(b[off:]), s+off, s+len(b)))
	}
}

func describeDot11(l *model.Layer, b []byte, s int) {
	add := func(f model.Field) { l.Fields = append(l.Fields, f) }
	fc0, fc1 := b[0], b[1]
	typ, sub := fc0>>2&3, fc0>>4
	var kind string
	switch typ {
	case 0:
		kind = "management frame: " + dot11MgmtName(sub)
	case 1:
		kind = "control frame: " + dot11CtrlName(sub)
	case 2:
		kind = dot11DataName(sub)
	default:
		kind = "extension frame"
	}
	l.Name = "IEEE 802.11 " + kind
	add(fld("Frame control", fmt.Sprintf("0x%02x%02x (%s)", fc0, fc1, kind), s, s+2,
		fld("Version", u8(fc0&3), s, s+1),
		fld("Type", fmt.Sprintf("%d (%s)", typ, [...]string{"management", "control", "data", "extension"}[typ]), s, s+1),
		fld("Subtype", u8(sub), s, s+1),
		fld("To DS", yesNo(fc1&0x01 != 0), s+1, s+2),
		fld("From DS", yesNo(fc1&0x02 != 0), s+1, s+2),
		fld("More fragments", yesNo(fc1&0x04 != 0), s+1, s+2),
		fld("Retry", yesNo(fc1&0x08 != 0), s+1, s+2),
		fld("Power management", yesNo(fc1&0x10 != 0), s+1, s+2),
		fld("More data", yesNo(fc1&0x20 != 0), s+1, s+2),
		fld("Protected", yesNo(fc1&0x40 != 0), s+1, s+2),
		fld("Order (+HTC)", yesNo(fc1&0x80 != 0), s+1, s+2)))
	add(fld("Duration", u16(binary.LittleEndian.Uint16(b[2:])), s+2, s+4))
	addr := func(name string, k int) { add(fld(name, mac(b[k:k+6]), s+k, s+k+6)) }
	if typ == 1 {
		addr("Receiver address", 4)
		if len(b) >= 16 {
			addr("Transmitter address", 10)
		}
		return
	}
	names := [4]string{"Destination address", "Source address", "BSSID", ""}
	if typ == 2 {
		switch fc1 & 3 {
		case 1:
			names = [4]string{"BSSID (receiver)", "Source address (transmitter)", "Destination address", ""}
		case 2:
			names = [4]string{"Destination address (receiver)", "BSSID (transmitter)", "Source address", ""}
		case 3:
			names = [4]string{"Receiver address", "Transmitter address", "Destination address", "Source address"}
		}
	}
	addr(names[0], 4)
	addr(names[1], 10)
	addr(names[2], 16)
	sc := binary.LittleEndian.Uint16(b[22:])
	add(fld("Sequence control", fmt.Sprintf("sequence %d, fragment %d", sc>>4, sc&15), s+22, s+24,
		fld("Fragment number", u16(sc&15), s+22, s+23),
		fld("Sequence number", u16(sc>>4), s+22, s+24)))
	p := 24
	if typ == 2 && fc1&3 == 3 {
		addr(names[3], 24)
		p = 30
	}
	if typ == 2 && fc0&0x80 != 0 {
		q := b[p]
		add(fld("QoS control", fmt.Sprintf("0x%04x", binary.LittleEndian.Uint16(b[p:])), s+p, s+p+2,
			fld("TID", u8(q&15), s+p, s+p+1),
			fld("End of service period", yesNo(q&0x10 != 0), s+p, s+p+1),
			fld("Ack policy", u8(q>>5&3), s+p, s+p+1),
			fld("A-MSDU present", yesNo(q&0x80 != 0), s+p, s+p+1),
			fld("TXOP limit or queue size", u8(b[p+1]), s+p+1, s+p+2)))
		p += 2
	}
	if (typ == 0 || typ == 2 && fc0&0x80 != 0) && fc1&0x80 != 0 && p+4 <= len(b) {
		add(fld("HT control", fmt.Sprintf("0x%08x", binary.LittleEndian.Uint32(b[p:])), s+p, s+p+4))
		p += 4
	}
	if p < len(b) {
		add(fld("Padding", hexValue(b[p:]), s+p, s+len(b)))
	}
}

// fddiMAC shows an FDDI address as tshark does: LINKTYPE_FDDI captures
// hold each byte bit-reversed, so reverse it back.
func fddiMAC(b []byte) string {
	var r [6]byte
	for i := range r {
		r[i] = bits.Reverse8(b[i])
	}
	return fmt.Sprintf("%s (bit-swapped; %s as captured)", mac(r[:]), mac(b))
}

func describeFDDI(l *model.Layer, b []byte, s int) {
	fc := b[0]
	kind := "LLC"
	if fc&0x30 != 0x10 {
		kind = fddiFrameKind(fc)
	}
	sync := "asynchronous"
	if fc&0x80 != 0 {
		sync = "synchronous"
	}
	l.Fields = append(l.Fields,
		fld("Frame control", fmt.Sprintf("0x%02x (%s, %s)", fc, kind, sync), s, s+1),
		fld("Destination", fddiMAC(b[1:7]), s+1, s+7),
		fld("Source", fddiMAC(b[7:13]), s+7, s+13))
}

func vntagDir(d uint32) string {
	if d == 1 {
		return "1 (from the bridge)"
	}
	return "0 (to the bridge)"
}

// fpHMAC names a FabricPath hierarchical address (switch ID, sub-switch
// ID, local ID), or shows it as a MAC address when its I/G bit makes it a
// multicast one.
func fpHMAC(name string, b []byte, s int) model.Field {
	if b[0]&0x01 != 0 {
		return fld(name, mac(b[:6])+" (multicast)", s, s+6)
	}
	v := uint32(b[0])<<16 | uint32(b[1])<<8 | uint32(b[2])
	sw := v & 0x0fff
	return fld(name, fmt.Sprintf("%03x.%02x.%04x", sw, b[3], be16(b, 4)), s, s+6,
		fld("U/L bit", yesNo(v&0x020000 != 0), s, s+3),
		fld("I/G bit", yesNo(v&0x010000 != 0), s, s+3),
		fld("Out of order / do not learn", yesNo(v&0x001000 != 0), s, s+3),
		fld("Switch ID", u32(sw), s, s+3),
		fld("Sub-switch ID", u8(b[3]), s+3, s+4),
		fld("Local ID", u16(be16(b, 4)), s+4, s+6))
}

func describeFabricPath(l *model.Layer, b []byte, s int) {
	l.Fields = append(l.Fields, fpHMAC("Destination HMAC", b[0:6], s), fpHMAC("Source HMAC", b[6:12], s+6))
	p := 12
	if len(b) == 20 {
		tci := be16(b, 14)
		l.Fields = append(l.Fields,
			fld("VLAN EtherType", ethertypeValue(be16(b, 12)), s+12, s+14),
			fld("VLAN tag", fmt.Sprintf("priority %d, DEI %d, ID %d", tci>>13, tci>>12&1, tci&0x0fff), s+14, s+16,
				fld("Priority (PCP)", u16(tci>>13), s+14, s+15),
				fld("Drop eligible (DEI)", u16(tci>>12&1), s+14, s+15),
				fld("VLAN ID", u16(tci&0x0fff), s+14, s+16)))
		p = 16
	}
	v := be16(b, p+2)
	l.Fields = append(l.Fields,
		fld("FabricPath EtherType", ethertypeValue(be16(b, p)), s+p, s+p+2),
		fld("Forwarding tag (FTag)", u16(v>>6), s+p+2, s+p+4),
		fld("TTL", u16(v&0x3f), s+p+3, s+p+4))
}

var juniperTLVNames = map[uint8]string{
	1: "device interface index", 2: "device interface name", 3: "device media type",
	4: "logical interface index", 5: "logical unit number", 6: "logical interface encapsulation",
	7: "TTP device media type", 8: "TTP logical interface encapsulation",
}

func describeJuniper(l *model.Layer, id layerID, b []byte, s int) {
	add := func(f model.Field) { l.Fields = append(l.Fields, f) }
	fl := b[3]
	dir := "out"
	if fl&juniperPktIn != 0 {
		dir = "in"
	}
	l2 := "present"
	if fl&juniperNoL2 != 0 {
		l2 = "stripped"
	}
	add(fld("Magic number", quoted(b[0:3]), s, s+3))
	add(fld("Flags", fmt.Sprintf("0x%02x", fl), s+3, s+4,
		fld("Direction", dir, s+3, s+4),
		fld("Link-layer header", l2, s+3, s+4),
		fld("Extensions present", yesNo(fl&juniperExt != 0), s+3, s+4)))
	h := 4
	if fl&juniperExt != 0 {
		h = juniperHeaderLen(b)
		var tlvs []model.Field
		for p := 6; p+2 <= h; {
			t, n := b[p], int(b[p+1])
			if n == 0 || p+2+n > h {
				tlvs = append(tlvs, fld("Malformed TLV", hexValue(b[p:h]), s+p, s+h))
				break
			}
			v := b[p+2 : p+2+n]
			val := hexValue(v)
			if n <= 4 {
				var x uint32
				for k := range v {
					if t < 128 {
						x |= uint32(v[k]) << (8 * k) // types below 128 are little-endian
					} else {
						x = x<<8 | uint32(v[k])
					}
				}
				val = u32(x)
			}
			name := juniperTLVNames[t]
			if name == "" {
				name = "type " + u8(t)
			}
			tlvs = append(tlvs, fld("TLV: "+name, val, s+p, s+p+2+n,
				fld("Type", u8(t), s+p, s+p+1),
				fld("Length", u8(b[p+1]), s+p+1, s+p+2)))
			p += 2 + n
		}
		add(fld("Extension length", u16(be16(b, 4)), s+4, s+6))
		if len(tlvs) > 0 {
			add(fld("Extensions", fmt.Sprintf("%d TLVs", len(tlvs)), s+6, s+h, tlvs...))
		}
	}
	if h >= len(b) {
		return
	}
	if fl&juniperNoL2 != 0 {
		proto := binary.LittleEndian.Uint32(b[h:])
		add(fld("Payload protocol", juniperProtoValue(proto), s+h, s+h+4))
		return
	}
	switch id {
	case lJuniperGGSN:
		add(fld("Protocol", juniperProtoValue(uint32(binary.LittleEndian.Uint16(b[h:]))), s+h, s+h+2))
		add(fld("VLAN ID", u16(binary.LittleEndian.Uint16(b[h+2:])), s+h+2, s+h+4))
	case lJuniperSvcs:
		add(fld("Service cookie", hexValue(b[h:]), s+h, s+len(b)))
	case lJuniperPPP, lJuniperVP:
		add(fld("Reserved", hexValue(b[h:]), s+h, s+len(b)))
	}
}

func juniperProtoValue(p uint32) string {
	switch p {
	case juniperProtoV4:
		return "2 (IPv4)"
	case juniperProtoV6:
		return "6 (IPv6)"
	}
	return u32(p)
}
