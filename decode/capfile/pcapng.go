package capfile

import (
	"fmt"
	"io"
	"math"
	"math/bits"
)

// pcapng: a sequence of blocks, each "type, total length, body, total length
// again", grouped into sections that each begin with a Section Header Block
// whose byte-order magic sets the byte order of the section. Reference:
// draft-ietf-opsawg-pcapng and Wireshark's wiretap/pcapng.c.

const (
	blockSHB = 0x0a0d0d0a // the same in either byte order, by design
	blockIDB = 1
	blockPB  = 2 // obsolete Packet Block
	blockSPB = 3
	blockNRB = 4
	blockISB = 5
	blockEPB = 6
)

const (
	optEnd      = 0
	optTSResol  = 9
	optFCSLen   = 13
	optTSOffset = 14
)

// iface is what a packet needs from its Interface Description Block.
type iface struct {
	linkType uint16
	fcsLen   uint8
	snaplen  uint32
	units    uint64 // timestamp units per second (if_tsresol)
	offset   int64  // seconds added to every timestamp (if_tsoffset)
}

// timeNS converts a raw 64-bit timestamp to ns since the epoch. The
// timestamp is unsigned, as tshark reads it: one with the top bit set is far
// in the future, not before 1970. The fraction is scaled with a 128-bit
// product so that binary resolutions (2^-n) are exact too. Seconds past the
// end of the nanosecond clock go through clk.far.
func (ifc *iface) timeNS(ts uint64, clk *farClock) int64 {
	sec, frac := ts/ifc.units, ts%ifc.units
	var ns uint64
	switch ifc.units {
	case 1e6:
		ns = frac * 1000
	case 1e9:
		ns = frac
	default:
		// hi < units because frac < units: Div64 cannot fault.
		hi, lo := bits.Mul64(frac, 1e9)
		ns, _ = bits.Div64(hi, lo, ifc.units)
	}
	return clk.at(sec, ifc.offset, int64(ns))
}

// The nanosecond clock of Record.TimeNS (an int64) ends on 2262-04-11;
// tshark's seconds are 64 bits wide. clockMaxSec is the last whole second
// it holds either side of the epoch, farBaseSec where a capture whose
// timestamps lie beyond it is moved to (2200-01-01 00:00:00 UTC).
const (
	clockMaxSec = math.MaxInt64/1_000_000_000 - 1
	farBaseSec  = 7258118400
)

// farClock places timestamps beyond the nanosecond clock. The first such
// timestamp of a file fixes a shift (a whole number of seconds) that moves it
// to farBaseSec, and every later one moves by the same shift, so that the
// times between frames — tshark's frame.time_relative — stay exact; only the
// absolute date of those frames is not the file's (it reads 2200 onwards,
// still far in the future). A timestamp the shift cannot bring inside the
// clock saturates at its end.
type farClock struct {
	set   bool
	shift int64
}

// at returns sec+offset seconds and ns nanoseconds as ns since the epoch.
func (c *farClock) at(sec uint64, offset, ns int64) int64 {
	var s int64
	switch {
	case sec > math.MaxInt64, offset > 0 && int64(sec) > math.MaxInt64-offset:
		return math.MaxInt64 // beyond even 64-bit seconds
	default:
		s = int64(sec) + offset
	}
	if s >= -clockMaxSec && s <= clockMaxSec {
		return s*1e9 + ns
	}
	if !c.set {
		c.set, c.shift = true, s-farBaseSec
	}
	if (c.shift > 0 && s < math.MinInt64+c.shift) || (c.shift < 0 && s > math.MaxInt64+c.shift) {
		return math.MaxInt64
	}
	m := s - c.shift
	switch {
	case m > clockMaxSec:
		return math.MaxInt64
	case m < -clockMaxSec:
		return math.MinInt64
	}
	return m*1e9 + ns
}

func blockName(typ uint32) string {
	switch typ {
	case blockSHB:
		return "section header"
	case blockIDB:
		return "interface description block"
	case blockPB:
		return "packet block"
	case blockSPB:
		return "simple packet block"
	case blockNRB:
		return "name resolution block"
	case blockISB:
		return "interface statistics block"
	case blockEPB:
		return "enhanced packet block"
	}
	return fmt.Sprintf("block of type 0x%x", typ)
}

// minBlockLen is the smallest total length a block of each type can have:
// 12 bytes of framing plus its fixed fields.
func minBlockLen(typ uint32) uint32 {
	switch typ {
	case blockSHB:
		return 12 + 16
	case blockIDB:
		return 12 + 8
	case blockSPB:
		return 12 + 4
	case blockEPB, blockPB:
		return 12 + 20
	}
	return 12
}

// checkBlockLen validates a block's leading length before anything is read.
func (r *Reader) checkBlockLen(start int64, typ, blen uint32) error {
	switch {
	case blen%4 != 0:
		return fmt.Errorf("pcapng %s at byte %d has length %d, not a multiple of 4", blockName(typ), start, blen)
	case blen < minBlockLen(typ):
		return fmt.Errorf("pcapng %s at byte %d has length %d, less than the %d it needs", blockName(typ), start, blen, minBlockLen(typ))
	case blen > maxRecordLen && r.pastEnd(start, int64(blen)):
		return fmt.Errorf("pcapng block at byte %d claims %d bytes, past the end of the file", start, blen)
	case blen > maxRecordLen:
		return fmt.Errorf("pcapng block at byte %d claims %d bytes, more than the %d-byte limit", start, blen, maxRecordLen)
	}
	return nil
}

// takeBlock reads a whole block of blen bytes starting at start. first marks the file's first SHB, where running out
// of data means "not a usable file" rather than "cut short".
func (r *Reader) takeBlock(start int64, typ, blen uint32, first bool) ([]byte, error) {
	if r.pastEnd(start, int64(blen)) {
		if first {
			return nil, fmt.Errorf("pcapng section header cut short: it claims %d bytes, the file has %d", blen, r.remain)
		}
		return nil, &TruncatedError{Offset: start, End: r.remain, Need: int64(blen)}
	}
	b, err := r.take(int(blen))
	if err != nil {
		if first && isEOF(err) {
			return nil, fmt.Errorf("pcapng section header cut short: it claims %d bytes, the file has %d", blen, start+int64(len(b)))
		}
		return nil, r.short(start, len(b), int64(blen), err)
	}
	return b, nil
}

// checkTrailer compares a block's trailing length with its leading one. It
// runs after the block's contents are parsed, as in tshark, so that the
// first damage in file order is the one reported.
func (r *Reader) checkTrailer(start int64, typ uint32, b []byte) error {
	blen := uint32(len(b))
	if tail := r.u32(b[blen-4:]); tail != blen {
		return fmt.Errorf("pcapng %s at byte %d: trailing length %d differs from leading length %d (damaged or corrupt)", blockName(typ), start, tail, blen)
	}
	return nil
}

func (r *Reader) readFirstSHB() error {
	r.fmt = formatPcapng
	return r.readSHB(true)
}

// readSHB reads a Section Header Block, which sets the byte order for the
// rest of its section and forgets the previous section's interfaces.
func (r *Reader) readSHB(first bool) error {
	start := r.off
	h, err := r.br.Peek(12)
	if err != nil {
		if first && isEOF(err) {
			return fmt.Errorf("pcapng section header cut short: %d of at least 28 bytes", len(h))
		}
		return r.short(start, len(h), 0, err)
	}
	switch bom := uint32(h[8])<<24 | uint32(h[9])<<16 | uint32(h[10])<<8 | uint32(h[11]); bom {
	case 0x1a2b3c4d:
		r.be = true
	case 0x4d3c2b1a:
		r.be = false
	default:
		return fmt.Errorf("pcapng section header at byte %d has an unknown byte-order magic 0x%08x", start, bom)
	}
	blen := r.u32(h[4:])
	if err := r.checkBlockLen(start, blockSHB, blen); err != nil {
		return err
	}
	b, err := r.takeBlock(start, blockSHB, blen, first)
	if err != nil {
		return err
	}
	major, minor := r.u16(b[12:]), r.u16(b[14:])
	if major != 1 {
		return fmt.Errorf("pcapng section header at byte %d: unknown SHB version %d.%d", start, major, minor)
	}
	// Skip the section length (b[16:24]): -1 is common and nothing needs it.
	if err := r.options(start, blockSHB, 24, b[24:blen-4], nil); err != nil {
		return err
	}
	if err := r.checkTrailer(start, blockSHB, b); err != nil {
		return err
	}
	r.shbMajor, r.shbMinor = major, minor
	r.ifaces = r.ifaces[:0]
	r.sections++
	return nil
}

// options walks the options of a block, whose option area starts at byte
// rel of the block at start, calling fn (if not nil) for each. An option
// that runs past its block is an error, as in tshark ("damaged or corrupt").
func (r *Reader) options(start int64, typ uint32, rel int, b []byte, fn func(code uint16, val []byte) error) error {
	for len(b) > 0 {
		if len(b) < 4 {
			return fmt.Errorf("pcapng %s at byte %d: %d stray bytes where an option header should be (damaged or corrupt)", blockName(typ), start, len(b))
		}
		code, n := r.u16(b), int(r.u16(b[2:]))
		if code == optEnd {
			return nil
		}
		padded := (n + 3) &^ 3
		if padded > len(b)-4 {
			return fmt.Errorf("pcapng %s at byte %d: option too long: option %d at byte %d claims %d bytes, only %d remain in the block (damaged or corrupt)",
				blockName(typ), start, code, start+int64(rel), n, len(b)-4)
		}
		if fn != nil {
			if err := fn(code, b[4:4+n]); err != nil {
				return err
			}
		}
		b = b[4+padded:]
		rel += 4 + padded
	}
	return nil
}

var pow10 = [20]uint64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19}

func (r *Reader) readIDB(start int64, body []byte) error {
	ifc := iface{linkType: r.u16(body), snaplen: r.u32(body[4:]), units: 1e6}
	err := r.options(start, blockIDB, 16, body[8:], func(code uint16, val []byte) error {
		// Options too short for their type are ignored, as pcapgo and
		// tshark do: they are not worth refusing the file over.
		switch {
		case code == optTSResol && len(val) >= 1:
			exp := uint(val[0] & 0x7f)
			if val[0]&0x80 != 0 {
				if exp > 63 {
					return fmt.Errorf("pcapng interface description block at byte %d: timestamp resolution 2^-%d is finer than 64 bits can count", start, exp)
				}
				ifc.units = 1 << exp
			} else {
				if exp >= uint(len(pow10)) {
					return fmt.Errorf("pcapng interface description block at byte %d: timestamp resolution 10^-%d is finer than 64 bits can count", start, exp)
				}
				ifc.units = pow10[exp]
			}
		case code == optTSOffset && len(val) >= 8:
			ifc.offset = int64(r.u64(val))
		case code == optFCSLen && len(val) >= 1:
			ifc.fcsLen = val[0]
		}
		return nil
	})
	if err != nil {
		return err
	}
	r.ifaces = append(r.ifaces, ifc)
	return nil
}

func (r *Reader) nextPcapng() error {
	for {
		start := r.off
		h, err := r.br.Peek(8)
		if err != nil {
			if len(h) == 0 && err == io.EOF {
				return err // clean end
			}
			return r.short(start, len(h), 0, err)
		}
		typ := r.u32(h)
		if typ == blockSHB {
			if err := r.readSHB(false); err != nil {
				return err
			}
			continue
		}
		blen := r.u32(h[4:])
		if err := r.checkBlockLen(start, typ, blen); err != nil {
			return err
		}
		b, err := r.takeBlock(start, typ, blen, false)
		if err != nil {
			return err
		}
		body := b[8 : blen-4]
		switch typ {
		case blockIDB:
			if err := r.readIDB(start, body); err != nil {
				return err
			}
		case blockEPB, blockPB, blockSPB:
			if err := r.packet(start, typ, body); err != nil {
				return err
			}
			return r.checkTrailer(start, typ, b)
		}
		// An IDB ends here, and so does every block this reader has no
		// use for (name resolution, statistics, decryption secrets,
		// custom, unknown): skipped by its length, already checked.
		if err := r.checkTrailer(start, typ, b); err != nil {
			return err
		}
	}
}

func (r *Reader) packet(start int64, typ uint32, body []byte) error {
	var id, capLen, origLen uint32
	var ts uint64
	hdr := 20
	switch typ {
	case blockSPB:
		hdr = 4
		origLen = r.u32(body)
		capLen = origLen
	case blockPB:
		id = uint32(r.u16(body)) // then a 16-bit drops count
	default:
		id = r.u32(body)
	}
	if typ != blockSPB {
		ts = uint64(r.u32(body[4:]))<<32 | uint64(r.u32(body[8:]))
		capLen, origLen = r.u32(body[12:]), r.u32(body[16:])
	}
	if int(id) >= len(r.ifaces) {
		return fmt.Errorf("pcapng %s at byte %d names interface %d, but its section describes %d", blockName(typ), start, id, len(r.ifaces))
	}
	ifc := &r.ifaces[id]
	room := uint32(len(body) - hdr)
	if typ == blockSPB {
		// The spec: captured = min(original, snap length); the block's own
		// size is the final word, which a damaged writer may undercut.
		if ifc.snaplen != 0 && capLen > ifc.snaplen {
			capLen = ifc.snaplen
		}
		capLen = min(capLen, room)
	} else if capLen > room {
		return fmt.Errorf("pcapng %s at byte %d: captured length %d runs past the end of its block (room for %d)", blockName(typ), start, capLen, room)
	}
	if typ != blockSPB {
		optAt := hdr + int((capLen+3)&^3)
		if optAt > len(body) { // only when padding is missing in a damaged block
			optAt = len(body)
		}
		if err := r.options(start, typ, 8+optAt, body[optAt:], nil); err != nil {
			return err
		}
	}
	r.rec = Record{
		Offset:   start + 8 + int64(hdr),
		CapLen:   capLen,
		OrigLen:  origLen,
		LinkType: ifc.linkType,
		Iface:    id,
		FCSLen:   ifc.fcsLen,
		Data:     body[hdr : hdr+int(capLen) : hdr+int(capLen)],
	}
	if typ != blockSPB {
		r.rec.TimeNS = ifc.timeNS(ts, &r.far)
	}
	return nil
}
