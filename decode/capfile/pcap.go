package capfile

import (
	"fmt"
	"io"
)

// Classic pcap: a 24-byte global header, then records of a 16-byte header
// (seconds, fraction, captured length, original length) and the data.
// Reference: draft-ietf-opsawg-pcap and libpcap's sf-pcap.c.

const (
	pcapHeaderLen = 24
	pcapRecHdrLen = 16
)

func (r *Reader) readPcapHeader() error {
	h, err := r.take(pcapHeaderLen)
	if err != nil {
		if isEOF(err) {
			return fmt.Errorf("pcap file header cut short: %d of %d bytes", len(h), pcapHeaderLen)
		}
		return fmt.Errorf("read pcap file header: %w", err)
	}
	r.fmt = formatPcap
	switch uint32(h[0])<<24 | uint32(h[1])<<16 | uint32(h[2])<<8 | uint32(h[3]) {
	case 0xa1b2c3d4:
		r.be = true
	case 0xd4c3b2a1:
	case 0xa1b23c4d:
		r.be, r.nano = true, true
	case 0x4d3cb2a1:
		r.nano = true
	}
	r.major, r.minor = r.u16(h[4:]), r.u16(h[6:])
	// libpcap and tshark read every 2.x file (2.0-2.3 differ only in the
	// order of the two length fields, handled in nextPcap); 1.x predates
	// the magic number's current meaning and anything else is unknown.
	if r.major != 2 {
		return fmt.Errorf("unsupported pcap version %d.%d", r.major, r.minor)
	}
	r.snaplen = r.u32(h[16:])
	lt := r.u32(h[20:])
	// The upper bits carry FCS information (draft-ietf-opsawg-pcap, libpcap
	// LT_LINKTYPE): bits 28-31 the FCS length in 16-bit words, bit 26 says
	// whether that length is present. The link type proper is below.
	if lt&0x04000000 != 0 {
		r.fcsLen = uint8(lt>>28) * 2
	}
	r.linkType = uint16(lt & 0x03ffffff)
	// A record may exceed the declared snap length (writers that do not
	// truncate, like dpkt): accept up to libpcap's standard maximum, or the
	// file's own snap length when larger, but never past maxRecordLen.
	r.maxCap = uint32(min(max(int64(r.snaplen), pcapDefaultMax), maxRecordLen))
	return nil
}

func (r *Reader) nextPcap() error {
	start := r.off
	h, err := r.br.Peek(pcapRecHdrLen)
	if err != nil {
		if len(h) == 0 && err == io.EOF {
			return err // clean end
		}
		return r.short(start, len(h), 0, err)
	}
	sec, frac := r.u32(h), r.u32(h[4:])
	capLen, origLen := r.u32(h[8:]), r.u32(h[12:])
	// Versions before 2.3 wrote the two lengths the other way round; 2.3
	// files may be either, and a captured length above the original one
	// tells (libpcap sf-pcap.c, Wireshark libpcap.c do the same).
	if r.minor < 3 || (r.minor == 3 && capLen > origLen) {
		capLen, origLen = origLen, capLen
	}
	if capLen > r.maxCap {
		if r.pastEnd(start, pcapRecHdrLen+int64(capLen)) {
			return fmt.Errorf("pcap record at byte %d claims %d captured bytes, past the end of the file (limit %d)", start, capLen, r.maxCap)
		}
		return fmt.Errorf("pcap record at byte %d claims %d captured bytes, more than the limit of %d (snap length %d)", start, capLen, r.maxCap, r.snaplen)
	}
	need := pcapRecHdrLen + int(capLen)
	if r.pastEnd(start, int64(need)) {
		return &TruncatedError{Offset: start, End: r.remain, Need: int64(need)}
	}
	b, err := r.take(need)
	if err != nil {
		return r.short(start, len(b), int64(need), err)
	}
	// The fraction is scaled as tshark's libpcap reader scales it: a
	// 32-bit product (microseconds × 1000, wrapping) stored in a signed
	// 32-bit nanosecond count. So a microsecond field of 10^6 or more is
	// not refused or clamped: 1000000 µs adds a whole second, 0x80000000
	// µs wraps to 0 ns and 0xffffffff µs to −1000 ns, and a nanosecond
	// field of 2^31 or more counts back from the second.
	if !r.nano {
		frac *= 1000
	}
	ns := int64(int32(frac))
	r.rec = Record{
		Offset:   start + pcapRecHdrLen,
		TimeNS:   int64(sec)*1e9 + ns,
		CapLen:   capLen,
		OrigLen:  origLen,
		LinkType: r.linkType,
		FCSLen:   r.fcsLen,
		Data:     b[pcapRecHdrLen:need:need],
	}
	return nil
}
