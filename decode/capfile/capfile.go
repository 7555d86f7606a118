// Package capfile reads classic pcap and pcapng capture files and reports,
// for every record, the byte offset of its packet data in the file.
//
// The offsets are the point of this package. tcpstep keeps a compact record
// per frame rather than decoded packets, and a view that needs a frame's bytes
// again reads them back with ReadFrame(file, offset, capLen). gopacket's
// pcapgo readers cannot serve that: pcapgo.NgReader wraps its input in a
// bufio.Reader and hides where each block starts, and the errors of both
// readers carry no byte offsets, so a damaged file cannot be reported as
// "cut short at byte 5987". The two formats are simple enough to read here;
// the tests use pcapgo as an independent cross-check on every real capture.
//
// Everything in a capture file is untrusted. Lengths are checked against the
// data that actually exists before anything is allocated, so a header that
// claims four gigabytes costs nothing, and no input makes the reader panic or
// loop. A file that ends inside its last record yields every record before
// it and then a *TruncatedError, which callers treat as a warning.
package capfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
)

// Record is one captured frame as the file describes it.
type Record struct {
	// Offset is the byte offset of the packet data (not of the record or
	// block header) from the start of the input; ReadFrame takes it back.
	Offset int64
	// TimeNS is the timestamp in nanoseconds since the Unix epoch. pcapng
	// Simple Packet Blocks carry no timestamp: theirs is 0. A pcapng
	// timestamp past 2262, where the nanosecond clock ends, is moved back
	// by a whole number of seconds fixed by the file's first such
	// timestamp, so that the times between frames stay exact (farClock).
	TimeNS int64
	// CapLen is the number of bytes captured (len(Data)); OrigLen is the
	// frame's length on the wire. CapLen may exceed OrigLen in files written
	// that way: tshark reads those as they are, and so does this package.
	CapLen  uint32
	OrigLen uint32
	// LinkType is the frame's link-layer header type (LINKTYPE_* value). It
	// is per record because a pcapng file may mix link types across
	// interfaces.
	LinkType uint16
	// Iface is the pcapng interface ID within the current section; 0 for
	// pcap.
	Iface uint32
	// FCSLen is the number of frame check sequence bytes at the end of Data,
	// when the file says so (pcap link-type FCS bits, pcapng if_fcslen);
	// 0 means none or unknown.
	FCSLen uint8
	// Data holds the CapLen captured bytes. It aliases the reader's buffer
	// and is valid only until the next call to Next: copy what you keep.
	Data []byte
}

// maxRecordLen is the most this package will read or allocate for one record
// or pcapng block. Real link types stop far below it (libpcap's largest
// per-link maximum, for D-Bus and USB, is 128 MiB); anything longer is a
// damaged or hostile length field.
const maxRecordLen = 256 << 20

// pcapDefaultMax is libpcap's and Wireshark's maximum snap length for
// ordinary link types (MAXIMUM_SNAPLEN, WTAP_MAX_PACKET_SIZE_STANDARD).
const pcapDefaultMax = 262144

// bufSize is the read buffer. Records that fit in it (all but jumbo ones)
// are handed out straight from the buffer, without a copy or an allocation.
const bufSize = 1 << 20

// TruncatedError reports a file that ends in the middle of a record or
// block. Every record before it was read; callers keep them and warn.
type TruncatedError struct {
	Offset int64 // where the cut record (its header) starts
	End    int64 // where the data ran out
	Need   int64 // bytes the record needed from Offset, when known (else 0)
}

func (e *TruncatedError) Error() string {
	s := fmt.Sprintf("cut short in the middle of a record at byte %d", e.Offset)
	if e.Need > 0 {
		s += fmt.Sprintf(" (the record needs %d bytes, the file ends at byte %d)", e.Need, e.End)
	} else {
		s += fmt.Sprintf(" (the file ends at byte %d)", e.End)
	}
	return s
}

// Unwrap lets callers test for io.ErrUnexpectedEOF like any short read.
func (e *TruncatedError) Unwrap() error { return io.ErrUnexpectedEOF }

type format uint8

const (
	formatPcap format = iota + 1
	formatPcapng
)

// Reader reads records from a pcap or pcapng stream.
type Reader struct {
	br     *bufio.Reader
	off    int64 // bytes consumed from the input
	remain int64 // input length at NewReader, or -1 when unknown (a pipe)
	fmt    format
	be     bool // big-endian (pcap header, or current pcapng section)
	err    error
	rec    Record
	big    []byte // records too large for the bufio buffer

	// pcap
	nano         bool
	major, minor uint16
	snaplen      uint32
	maxCap       uint32
	linkType     uint16
	fcsLen       uint8

	// pcapng
	ifaces   []iface
	sections int
	shbMajor uint16
	shbMinor uint16
	far      farClock // timestamps past 2262 (pcapng's are 64 bits)
}

// NewReader detects the format by its magic number (pcap in microseconds or
// nanoseconds, either byte order; or pcapng) and reads the file header.
// Offsets count from r's position at this call. When r can seek (a regular
// file), its length at this call is used to tell a cut file from a lying
// length field; a file still growing is read as the snapshot it was then.
func NewReader(r io.Reader) (*Reader, error) {
	return newReader(r, 0)
}

// newReader is NewReader with a chosen buffer size (0: automatic), so that
// tests can push ordinary records through the large-record path.
func newReader(r io.Reader, size int) (*Reader, error) {
	rd := &Reader{remain: -1}
	if s, ok := r.(io.Seeker); ok && regular(r) {
		rd.remain = remaining(s)
	}
	if size <= 0 {
		size = bufSize
		if rd.remain >= 0 && rd.remain < bufSize {
			// A small file needs no megabyte of buffer (this keeps fuzzing
			// fast); larger records would still work, through take's slow path.
			size = int(max(rd.remain, 64))
		}
	}
	rd.br = bufio.NewReaderSize(r, size)

	m, err := rd.br.Peek(4)
	if err != nil {
		switch {
		case len(m) == 0 && errors.Is(err, io.EOF):
			return nil, errors.New("empty file")
		case errors.Is(err, io.EOF):
			return nil, fmt.Errorf("not a capture file (only %d bytes)", len(m))
		default:
			return nil, fmt.Errorf("read capture header: %w", err)
		}
	}
	be32 := uint32(m[0])<<24 | uint32(m[1])<<16 | uint32(m[2])<<8 | uint32(m[3])
	switch be32 {
	case 0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1:
		err = rd.readPcapHeader()
	case blockSHB:
		err = rd.readFirstSHB()
	default:
		err = unknownMagic(m, be32)
	}
	if err != nil {
		return nil, err
	}
	return rd, nil
}

// regular reports whether r, when it can say, is a regular file: the length
// of a device or a FIFO that happens to seek means nothing.
func regular(r io.Reader) bool {
	st, ok := r.(interface{ Stat() (fs.FileInfo, error) })
	if !ok {
		return true // bytes.Reader and the like
	}
	fi, err := st.Stat()
	return err == nil && fi.Mode().IsRegular()
}

// remaining returns how many bytes a seekable input has left, or -1.
func remaining(s io.Seeker) int64 {
	cur, err := s.Seek(0, io.SeekCurrent)
	if err != nil {
		return -1
	}
	end, err := s.Seek(0, io.SeekEnd)
	if err != nil {
		return -1
	}
	if _, err := s.Seek(cur, io.SeekStart); err != nil || end < cur {
		// We moved the position and cannot move it back: nothing sane is
		// left to read, and saying so beats reading from the wrong place.
		return 0
	}
	return end - cur
}

func unknownMagic(m []byte, be32 uint32) error {
	switch {
	case m[0] == 0x1f && m[1] == 0x8b:
		return errors.New("not a capture file (gzip-compressed data: decompress it first)")
	case be32 == 0xa1b2cd34 || be32 == 0x34cdb2a1:
		return errors.New("unsupported capture format (Kuznetzov's modified pcap, magic 0xa1b2cd34)")
	}
	return fmt.Errorf("not a capture file (unknown magic 0x%08x)", be32)
}

// Kind returns "pcap" or "pcapng".
func (r *Reader) Kind() string {
	if r.fmt == formatPcapng {
		return "pcapng"
	}
	return "pcap"
}

// Format describes the file format, e.g. "pcap (nanosecond, big-endian)".
func (r *Reader) Format() string {
	order := "little-endian"
	if r.be {
		order = "big-endian"
	}
	if r.fmt == formatPcapng {
		return fmt.Sprintf("pcapng (version %d.%d, %s)", r.shbMajor, r.shbMinor, order)
	}
	res := "microsecond"
	if r.nano {
		res = "nanosecond"
	}
	s := fmt.Sprintf("pcap (%s, %s", res, order)
	if r.major != 2 || r.minor != 4 {
		s += fmt.Sprintf(", version %d.%d", r.major, r.minor)
	}
	return s + ")"
}

// Offset returns the number of bytes consumed so far.
func (r *Reader) Offset() int64 { return r.off }

// Next returns the next record, io.EOF at a clean end of the file, or an
// error that names the byte offset where reading stopped (a *TruncatedError
// when the file ends inside a record). After an error Next keeps returning it.
// The record and its Data are reused by the following call.
func (r *Reader) Next() (*Record, error) {
	if r.err != nil {
		return nil, r.err
	}
	var err error
	if r.fmt == formatPcapng {
		err = r.nextPcapng()
	} else {
		err = r.nextPcap()
	}
	if err != nil {
		r.err = err
		return nil, err
	}
	return &r.rec, nil
}

// take consumes the next n bytes and returns them; the slice is valid until
// the next call. When the input ends first it returns what there was and an
// error wrapping io.EOF or io.ErrUnexpectedEOF. Memory grows only with bytes
// that really arrive, never with n itself.
func (r *Reader) take(n int) ([]byte, error) {
	if n <= r.br.Size() {
		b, err := r.br.Peek(n)
		if err != nil {
			return b, err
		}
		_, _ = r.br.Discard(n) // cannot fail: n bytes are buffered
		r.off += int64(n)
		return b, nil
	}
	r.big = r.big[:0]
	for len(r.big) < n {
		chunk := min(n-len(r.big), max(len(r.big), 64<<10))
		r.big = slices.Grow(r.big, chunk)
		got, err := io.ReadFull(r.br, r.big[len(r.big):len(r.big)+chunk])
		r.big = r.big[:len(r.big)+got]
		r.off += int64(got)
		if err != nil {
			return r.big, err
		}
	}
	return r.big, nil
}

// short turns a failed read of a record starting at start into the error to
// report: a *TruncatedError at the end of the input, else the read error.
func (r *Reader) short(start int64, got int, need int64, err error) error {
	if isEOF(err) {
		return &TruncatedError{Offset: start, End: start + int64(got), Need: need}
	}
	return fmt.Errorf("read capture at byte %d: %w", start+int64(got), err)
}

func isEOF(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// pastEnd reports whether n bytes from offset start run past the end of an
// input of known length.
func (r *Reader) pastEnd(start, n int64) bool {
	return r.remain >= 0 && start+n > r.remain
}

func (r *Reader) u16(b []byte) uint16 {
	if r.be {
		return uint16(b[0])<<8 | uint16(b[1])
	}
	return uint16(b[1])<<8 | uint16(b[0])
}

func (r *Reader) u32(b []byte) uint32 {
	if r.be {
		return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	}
	return uint32(b[3])<<24 | uint32(b[2])<<16 | uint32(b[1])<<8 | uint32(b[0])
}

func (r *Reader) u64(b []byte) uint64 {
	if r.be {
		return uint64(r.u32(b))<<32 | uint64(r.u32(b[4:]))
	}
	return uint64(r.u32(b[4:]))<<32 | uint64(r.u32(b))
}

// ReadFrame re-reads one record's data, as reported by Record.Offset and
// Record.CapLen, from a random-access file.
func ReadFrame(f io.ReaderAt, offset int64, capLen uint32) ([]byte, error) {
	return AppendFrame(nil, f, offset, capLen)
}

// AppendFrame is ReadFrame appending to dst, so that a view can reuse one
// buffer for every frame it shows.
func AppendFrame(dst []byte, f io.ReaderAt, offset int64, capLen uint32) ([]byte, error) {
	if offset < 0 {
		return dst, fmt.Errorf("read frame at byte %d: negative offset", offset)
	}
	if capLen > maxRecordLen {
		return dst, fmt.Errorf("read frame at byte %d: length %d is more than the %d-byte limit", offset, capLen, maxRecordLen)
	}
	n := len(dst)
	dst = slices.Grow(dst, int(capLen))[:n+int(capLen)]
	got, err := f.ReadAt(dst[n:], offset)
	if got == int(capLen) {
		return dst, nil // ReadAt may report io.EOF along with a full read
	}
	if err == nil || errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return dst[:n], fmt.Errorf("read frame at byte %d: %d of %d bytes: %w", offset, got, capLen, err)
}
