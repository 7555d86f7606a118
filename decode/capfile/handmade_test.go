package capfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

// Builders for small capture files, written from the format specifications
// (draft-ietf-opsawg-pcap, draft-ietf-opsawg-pcapng) independently of the
// reader.

// order is what the builders need of a byte order.
type order interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

var (
	le order = binary.LittleEndian
	be order = binary.BigEndian
)

type pkt struct {
	sec, frac       uint32
	capLen, origLen uint32 // as written in the header
	data            []byte
}

func mkpkt(sec, frac uint32, data []byte) pkt {
	return pkt{sec, frac, uint32(len(data)), uint32(len(data)), data}
}

// pcapFile writes a global header with the magic in byte order o (the magic
// value picks the resolution) and the records.
func pcapFile(o order, magic uint32, major, minor uint16, snaplen, link uint32, recs ...pkt) []byte {
	b := o.AppendUint32(nil, magic)
	b = o.AppendUint16(b, major)
	b = o.AppendUint16(b, minor)
	b = o.AppendUint32(b, 0) // thiszone
	b = o.AppendUint32(b, 0) // sigfigs
	b = o.AppendUint32(b, snaplen)
	b = o.AppendUint32(b, link)
	for _, p := range recs {
		b = o.AppendUint32(b, p.sec)
		b = o.AppendUint32(b, p.frac)
		b = o.AppendUint32(b, p.capLen)
		b = o.AppendUint32(b, p.origLen)
		b = append(b, p.data...)
	}
	return b
}

func pad4(b []byte) []byte {
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

func ngBlock(o order, typ uint32, body []byte) []byte {
	body = pad4(bytes.Clone(body))
	n := uint32(12 + len(body))
	b := o.AppendUint32(nil, typ)
	b = o.AppendUint32(b, n)
	b = append(b, body...)
	return o.AppendUint32(b, n)
}

func ngOpt(o order, code uint16, val []byte) []byte {
	b := o.AppendUint16(nil, code)
	b = o.AppendUint16(b, uint16(len(val)))
	return pad4(append(b, val...))
}

var ngEndOpt = []byte{0, 0, 0, 0}

func ngSHB(o order, major, minor uint16, opts ...[]byte) []byte {
	body := o.AppendUint32(nil, 0x1a2b3c4d)
	body = o.AppendUint16(body, major)
	body = o.AppendUint16(body, minor)
	body = o.AppendUint64(body, ^uint64(0)) // section length unknown
	for _, op := range opts {
		body = append(body, op...)
	}
	return ngBlock(o, blockSHB, body)
}

func ngIDB(o order, link uint16, snaplen uint32, opts ...[]byte) []byte {
	body := o.AppendUint16(nil, link)
	body = o.AppendUint16(body, 0)
	body = o.AppendUint32(body, snaplen)
	for _, op := range opts {
		body = append(body, op...)
	}
	return ngBlock(o, blockIDB, body)
}

func ngEPB(o order, id uint32, ts uint64, origLen uint32, data []byte, opts ...[]byte) []byte {
	body := o.AppendUint32(nil, id)
	body = o.AppendUint32(body, uint32(ts>>32))
	body = o.AppendUint32(body, uint32(ts))
	body = o.AppendUint32(body, uint32(len(data)))
	body = o.AppendUint32(body, origLen)
	body = pad4(append(body, data...))
	for _, op := range opts {
		body = append(body, op...)
	}
	return ngBlock(o, blockEPB, body)
}

func ngPB(o order, id uint16, ts uint64, origLen uint32, data []byte) []byte {
	body := o.AppendUint16(nil, id)
	body = o.AppendUint16(body, 0) // drops
	body = o.AppendUint32(body, uint32(ts>>32))
	body = o.AppendUint32(body, uint32(ts))
	body = o.AppendUint32(body, uint32(len(data)))
	body = o.AppendUint32(body, origLen)
	return ngBlock(o, blockPB, append(body, data...))
}

func ngSPB(o order, origLen uint32, data []byte) []byte {
	return ngBlock(o, blockSPB, append(o.AppendUint32(nil, origLen), data...))
}

func u64opt(o order, v uint64) []byte { return o.AppendUint64(nil, v) }

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// stream hides Seek, so the reader cannot learn the input's length (a pipe).
type stream struct{ io.Reader }

// frame returns n pseudo-random bytes, distinct per seed, so that a
// frame's bytes occur in a built file only where the frame is.
func frame(n int, seed byte) []byte {
	rng := rand.New(rand.NewPCG(uint64(seed), uint64(n)))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

func TestPcapMagics(t *testing.T) {
	d1, d2 := frame(60, 1), frame(61, 9)
	for _, tc := range []struct {
		o      order
		magic  uint32
		nano   bool
		format string
	}{
		{le, 0xa1b2c3d4, false, "pcap (microsecond, little-endian)"},
		{be, 0xa1b2c3d4, false, "pcap (microsecond, big-endian)"},
		{le, 0xa1b23c4d, true, "pcap (nanosecond, little-endian)"},
		{be, 0xa1b23c4d, true, "pcap (nanosecond, big-endian)"},
	} {
		b := pcapFile(tc.o, tc.magic, 2, 4, 65535, 1, mkpkt(1700000000, 999999, d1), mkpkt(4000000000, 7, d2))
		got, r, err := readAll(t, bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", tc.format, err)
		}
		if r.Format() != tc.format || r.Kind() != "pcap" {
			t.Errorf("Format %q Kind %q, want %q", r.Format(), r.Kind(), tc.format)
		}
		unit := int64(1000)
		if tc.nano {
			unit = 1
		}
		// Seconds are unsigned: 4000000000 is in 2096, not before 1970.
		want := []rec{
			{off: 24 + 16, ns: 1700000000*1e9 + 999999*unit, capLen: 60, origLen: 60, link: 1, data: d1},
			{off: 24 + 16 + 60 + 16, ns: 4000000000*1e9 + 7*unit, capLen: 61, origLen: 61, link: 1, data: d2},
		}
		sameRecs(t, tc.format, got, want)
		gp, err := readPcapgo(t, b)
		if err != nil || len(gp) != 2 || gp[0].ns != want[0].ns || gp[1].ns != want[1].ns {
			t.Errorf("%s: pcapgo disagrees: %v %v", tc.format, gp, err)
		}
	}
}

func sameRecs(t *testing.T, what string, got, want []rec) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d records, want %d", what, len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.off != w.off || g.ns != w.ns || g.capLen != w.capLen || g.origLen != w.origLen || g.link != w.link || g.iface != w.iface || !bytes.Equal(g.data, w.data) {
			t.Errorf("%s: record %d = off %d ns %d cap %d orig %d link %d iface %d (%d bytes); want off %d ns %d cap %d orig %d link %d iface %d (%d bytes)",
				what, i+1, g.off, g.ns, g.capLen, g.origLen, g.link, g.iface, len(g.data), w.off, w.ns, w.capLen, w.origLen, w.link, w.iface, len(w.data))
		}
	}
}

// TestPcapLengthOrder: libpcap and tshark read 2.0-2.2 files with the two
// lengths swapped, and 2.3 files swapped when caplen > origlen.
func TestPcapLengthOrder(t *testing.T) {
	d := frame(40, 3)
	swapped := pkt{1, 2, 1500, 40, d} // on-disk order: orig, cap
	for _, minor := range []uint16{0, 2, 3} {
		b := pcapFile(le, 0xa1b2c3d4, 2, minor, 65535, 1, swapped)
		got, r, err := readAll(t, bytes.NewReader(b))
		if err != nil || len(got) != 1 || got[0].capLen != 40 || got[0].origLen != 1500 || !bytes.Equal(got[0].data, d) {
			t.Errorf("2.%d: %+v %v", minor, got, err)
		}
		if !strings.Contains(r.Format(), "version 2.") {
			t.Errorf("2.%d: Format %q does not name the version", minor, r.Format())
		}
	}
	// 2.4 (and 2.3 when the order is plausible): as written, and a caplen
	// above origlen is kept, as tshark does.
	for _, minor := range []uint16{3, 4} {
		b := pcapFile(le, 0xa1b2c3d4, 2, minor, 65535, 1, pkt{1, 2, 40, 1500, d})
		got, _, err := readAll(t, bytes.NewReader(b))
		if err != nil || len(got) != 1 || got[0].capLen != 40 || got[0].origLen != 1500 {
			t.Errorf("2.%d plain: %+v %v", minor, got, err)
		}
	}
	b := pcapFile(le, 0xa1b2c3d4, 2, 4, 65535, 1, pkt{1, 2, 40, 30, d})
	got, _, err := readAll(t, bytes.NewReader(b))
	if err != nil || len(got) != 1 || got[0].capLen != 40 || got[0].origLen != 30 {
		t.Errorf("caplen > origlen: %+v %v", got, err)
	}
}

// TestPcapFCSBits: the link type's upper bits say how many 16-bit words of
// FCS end each frame (bit 26 says the count is present).
func TestPcapFCSBits(t *testing.T) {
	for _, tc := range []struct {
		field uint32
		link  uint16
		fcs   uint8
	}{
		{0x00000001, 1, 0},
		{0x24000001, 1, 4},   // present, 2 words
		{0x20000001, 1, 0},   // length without the present bit: ignored
		{0x30000001, 1, 0},   // tcpdump's fuzzed heapoverflow file
		{0x14000069, 105, 2}, // 802.11, 1 word
	} {
		b := pcapFile(be, 0xa1b2c3d4, 2, 4, 65535, tc.field, mkpkt(1, 1, frame(20, 0)))
		r, err := NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		p, err := r.Next()
		if err != nil || p.LinkType != tc.link || p.FCSLen != tc.fcs {
			t.Errorf("field 0x%08x: link %d fcs %d (%v), want %d %d", tc.field, p.LinkType, p.FCSLen, err, tc.link, tc.fcs)
		}
	}
}

// TestPcapng exercises what the corpus lacks: several sections with
// different byte orders, if_tsresol in powers of two, if_tsoffset,
// if_fcslen, Simple and obsolete Packet Blocks, and blocks to skip.
func TestPcapng(t *testing.T) {
	d1, d2, d3, d4, d5 := frame(60, 1), frame(55, 2), frame(64, 3), frame(33, 4), frame(42, 5)
	const ts1 = 1700000000_123456 // µs (default resolution)
	// 2^-10 s units: 12345 s + 512/1024 s = 12345.5 s, plus 100 s of offset.
	const ts2 = 12345<<10 | 512
	// 10^-9 units (nanoseconds) in the big-endian section.
	const ts5 = 1600000000_000000001
	file := cat(
		ngSHB(le, 1, 0, ngOpt(le, 4, []byte("test")), ngEndOpt),
		ngIDB(le, 1, 64, ngOpt(le, optFCSLen, []byte{4}), ngEndOpt),
		ngIDB(le, 101, 0, ngOpt(le, optTSResol, []byte{0x80 | 10}), ngOpt(le, optTSOffset, u64opt(le, 100)), ngEndOpt),
		ngBlock(le, blockNRB, []byte{0, 0, 0, 0}),
		ngEPB(le, 0, ts1, 1514, d1, ngOpt(le, 1, []byte("a comment")), ngEndOpt),
		ngBlock(le, blockISB, make([]byte, 12)),
		ngBlock(le, 0x00000bad, []byte("custom block, skipped")),
		ngEPB(le, 1, ts2, 55, d2),
		ngSPB(le, 100, d3), // snaplen 64 of iface 0: 64 bytes kept
		ngPB(le, 1, ts2+1024, 33, d4),
		// Section 2: big-endian; its interface 0 is a new one.
		ngSHB(be, 1, 0),
		ngIDB(be, 0, 0, ngOpt(be, optTSResol, []byte{9}), ngEndOpt),
		ngEPB(be, 0, ts5, 42, d5),
	)
	for _, in := range []struct {
		name string
		r    io.Reader
		size int
	}{
		{"seekable", bytes.NewReader(file), 0},
		{"stream", stream{bytes.NewReader(file)}, 0},
		{"one byte at a time, small buffer", stream{iotest.OneByteReader(bytes.NewReader(file))}, 16},
	} {
		r, err := newReader(in.r, in.size)
		if err != nil {
			t.Fatalf("%s: %v", in.name, err)
		}
		var got []rec
		var fcs []uint8
		for {
			p, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", in.name, err)
			}
			got = append(got, rec{p.Offset, p.TimeNS, p.CapLen, p.OrigLen, p.LinkType, p.Iface, bytes.Clone(p.Data)})
			fcs = append(fcs, p.FCSLen)
		}
		want := []rec{
			{ns: ts1 * 1000, capLen: 60, origLen: 1514, link: 1, iface: 0, data: d1},
			{ns: (12345+100)*1e9 + 5e8, capLen: 55, origLen: 55, link: 101, iface: 1, data: d2},
			{ns: 0, capLen: 64, origLen: 100, link: 1, iface: 0, data: d3},
			{ns: (12346+100)*1e9 + 5e8, capLen: 33, origLen: 33, link: 101, iface: 1, data: d4},
			{ns: ts5, capLen: 42, origLen: 42, link: 0, iface: 0, data: d5},
		}
		for i := range want {
			want[i].off = int64(bytes.Index(file, want[i].data))
		}
		sameRecs(t, in.name, got, want)
		if want := []uint8{4, 0, 4, 0, 0}; !bytes.Equal(fcs, want) {
			t.Errorf("%s: FCSLen %v, want %v", in.name, fcs, want)
		}
		if r.Offset() != int64(len(file)) || r.Format() != "pcapng (version 1.0, big-endian)" {
			t.Errorf("%s: Offset %d of %d, Format %q", in.name, r.Offset(), len(file), r.Format())
		}
	}
}

// TestErrors builds one damaged file per error path. Every error must be
// lower case, say where, and be a *TruncatedError exactly when the file is
// cut inside a record after its header.
func TestErrors(t *testing.T) {
	d := frame(60, 7)
	good := pcapFile(le, 0xa1b2c3d4, 2, 4, 65535, 1, mkpkt(1, 2, d), mkpkt(3, 4, d))
	shb := ngSHB(le, 1, 0)
	idb := ngIDB(le, 1, 0)
	epb := ngEPB(le, 0, 1, 60, d)
	ngood := cat(shb, idb, epb, epb)
	badTrailer := bytes.Clone(epb)
	le.PutUint32(badTrailer[len(badTrailer)-4:], 12)
	lyingNG := cat(shb, idb, epb, le.AppendUint32(le.AppendUint32(nil, blockEPB), 0xfffffffc), make([]byte, 40))
	capTooBig := cat(shb, idb, epb, ngEPB(le, 0, 1, 60, d))
	le.PutUint32(capTooBig[len(shb)+len(idb)+len(epb)+8+12:], 61) // captured length past the data

	for _, tc := range []struct {
		name    string
		in      []byte
		recs    int    // records before the error
		trunc   int64  // offset of the *TruncatedError; -1 for a plain error
		want    string // substring of the error
		onlyNew bool   // the error comes from NewReader
	}{
		{"empty", nil, 0, -1, "empty file", true},
		{"three bytes", []byte{0xd4, 0xc3, 0xb2}, 0, -1, "not a capture file (only 3 bytes)", true},
		{"html", []byte("<!DOCTYPE html>"), 0, -1, "not a capture file (unknown magic 0x3c21444f)", true},
		{"gzip", []byte{0x1f, 0x8b, 8, 0, 0, 0}, 0, -1, "gzip", true},
		{"pcap header cut", good[:10], 0, -1, "pcap file header cut short: 10 of 24 bytes", true},
		{"pcap version 1.0", pcapFile(le, 0xa1b2c3d4, 1, 0, 65535, 1), 0, -1, "unsupported pcap version 1.0", true},
		{"pcap version 3.4", pcapFile(be, 0xa1b2c3d4, 3, 4, 65535, 1), 0, -1, "unsupported pcap version 3.4", true},
		{"pcap record header cut", good[:24+16+60+5], 1, 24 + 16 + 60, "cut short in the middle of a record at byte 100", false},
		{"pcap record data cut", good[:len(good)-1], 1, 24 + 16 + 60, "cut short in the middle of a record at byte 100", false},
		{"pcap lying caplen", pcapFile(le, 0xa1b2c3d4, 2, 4, 65535, 1, mkpkt(1, 2, d), pkt{1, 2, 0xfffffff0, 60, d}), 1, -1,
			"pcap record at byte 100 claims 4294967280 captured bytes, past the end of the file", false},
		{"pcap caplen over snaplen limit", pcapFile(le, 0xa1b2c3d4, 2, 4, 96, 1, pkt{1, 2, 262145, 262145, d}), 0, -1,
			"pcap record at byte 24 claims 262145 captured bytes", false},
		{"pcapng SHB cut", shb[:20], 0, -1, "pcapng section header cut short", true},
		{"pcapng SHB header cut", shb[:6], 0, -1, "pcapng section header cut short: 6 of at least 28 bytes", true},
		{"pcapng SHB bad byte order", cat([]byte{0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 1, 2, 3, 4}, make([]byte, 16)), 0, -1, "unknown byte-order magic 0x01020304", true},
		{"pcapng SHB version 0.1", ngSHB(le, 0, 1), 0, -1, "pcapng section header at byte 0: unknown SHB version 0.1", true},
		{"pcapng SHB version 2.0", ngSHB(be, 2, 0), 0, -1, "unknown SHB version 2.0", true},
		{"pcapng SHB option too long", ngSHB(le, 1, 0, []byte{1, 0, 0xff, 0}), 0, -1, "option too long: option 1 at byte 24 claims 255 bytes", true},
		{"pcapng IDB option too long", cat(shb, ngIDB(le, 1, 0, []byte{9, 0, 9, 0, 6, 0, 0, 0})), 0, -1,
			"pcapng interface description block at byte 28: option too long: option 9 at byte 44", false},
		{"pcapng EPB option too long", cat(shb, idb, ngEPB(le, 0, 1, 60, d, []byte{1, 0, 8, 0})), 0, -1, "option too long", false},
		{"pcapng block length not a multiple of 4", cat(shb, idb, le.AppendUint32(le.AppendUint32(nil, blockEPB), 33), make([]byte, 40)), 0, -1,
			"pcapng enhanced packet block at byte 48 has length 33, not a multiple of 4", false},
		{"pcapng block length below 12", cat(shb, le.AppendUint32(le.AppendUint32(nil, 0x99), 8), make([]byte, 8)), 0, -1,
			"has length 8, less than the 12 it needs", false},
		{"pcapng EPB shorter than its fields", cat(shb, idb, ngBlock(le, blockEPB, make([]byte, 8))), 0, -1, "less than the 32 it needs", false},
		{"pcapng trailing length differs", cat(shb, idb, badTrailer), 0, -1, "trailing length 12 differs from leading length 92", false},
		{"pcapng lying block length", lyingNG, 1, -1, "pcapng block at byte 140 claims 4294967292 bytes, past the end of the file", false},
		{"pcapng captured length past its block", capTooBig, 1, -1, "captured length 61 runs past the end of its block (room for 60)", false},
		{"pcapng packet before any interface", cat(shb, epb), 0, -1, "names interface 0, but its section describes 0", false},
		{"pcapng SPB before any interface", cat(shb, ngSPB(le, 4, []byte{1, 2, 3, 4})), 0, -1, "names interface 0, but its section describes 0", false},
		{"pcapng interfaces reset by a new section", cat(shb, idb, epb, shb, epb), 1, -1, "names interface 0", false},
		{"pcapng tsresol too fine", cat(shb, ngIDB(le, 1, 0, ngOpt(le, optTSResol, []byte{20}))), 0, -1, "timestamp resolution 10^-20", false},
		{"pcapng block cut", ngood[:len(ngood)-10], 1, int64(len(shb) + len(idb) + len(epb)), "cut short in the middle of a record at byte 140", false},
		{"pcapng block header cut", ngood[:len(shb)+len(idb)+len(epb)+5], 1, int64(len(shb) + len(idb) + len(epb)), "cut short", false},
		{"pcapng second SHB cut", cat(ngood, shb[:20]), 2, int64(len(ngood)), "cut short", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, src := range []struct {
				name string
				r    io.Reader
			}{{"seekable", bytes.NewReader(tc.in)}, {"stream", stream{iotest.HalfReader(bytes.NewReader(tc.in))}}} {
				got, _, err := readAll(t, src.r)
				if err == nil {
					t.Fatalf("%s: no error after %d records", src.name, len(got))
				}
				if len(got) != tc.recs {
					t.Errorf("%s: %d records before the error, want %d", src.name, len(got), tc.recs)
				}
				var te *TruncatedError
				if isTrunc := errors.As(err, &te); isTrunc != (tc.trunc >= 0) {
					t.Errorf("%s: error %q: truncated=%v, want %v", src.name, err, isTrunc, tc.trunc >= 0)
				} else if isTrunc && (te.Offset != tc.trunc || te.End != int64(len(tc.in))) {
					t.Errorf("%s: TruncatedError at %d end %d, want %d end %d", src.name, te.Offset, te.End, tc.trunc, len(tc.in))
				}
				msg := err.Error()
				t.Logf("%s: %s", src.name, msg)
				// A stream cannot know the file's length: a lying length
				// is then refused as over the limit, not past the end.
				if strings.Contains(tc.want, "past the end of the file") && src.name == "stream" {
					if !strings.Contains(msg, "claims") {
						t.Errorf("%s: error %q does not report the claimed length", src.name, msg)
					}
				} else if !strings.Contains(msg, tc.want) {
					t.Errorf("%s: error %q, want it to contain %q", src.name, msg, tc.want)
				}
				if msg[:1] != strings.ToLower(msg[:1]) {
					t.Errorf("%s: error %q starts in upper case", src.name, msg)
				}
			}
			_, err := NewReader(bytes.NewReader(tc.in))
			if (err != nil) != tc.onlyNew {
				t.Errorf("NewReader error %v, want error=%v", err, tc.onlyNew)
			}
		})
	}
}

// TestErrorIsSticky: after an error, Next keeps returning it and reads no
// further.
func TestErrorIsSticky(t *testing.T) {
	b := pcapFile(le, 0xa1b2c3d4, 2, 4, 65535, 1, pkt{1, 2, 0xfffffff0, 60, nil}, mkpkt(1, 1, frame(10, 0)))
	r, err := NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	_, err1 := r.Next()
	off := r.Offset()
	_, err2 := r.Next()
	if err1 == nil || err1 != err2 || r.Offset() != off {
		t.Errorf("errors %v then %v, offset %d then %d", err1, err2, off, r.Offset())
	}
}

// TestLyingLengthCostsNothing: a length within the limits that the data
// does not back must not be allocated (the reader grows its buffer only as
// bytes arrive), on a stream that cannot tell the file's size up front.
func TestLyingLengthCostsNothing(t *testing.T) {
	const claim = 200 << 20
	pcap := pcapFile(le, 0xa1b2c3d4, 2, 4, 0xffffffff, 1, pkt{1, 2, claim, claim, frame(100, 0)})
	ng := cat(ngSHB(le, 1, 0), ngIDB(le, 1, 0), le.AppendUint32(le.AppendUint32(nil, blockEPB), claim), frame(100, 0))
	for name, in := range map[string][]byte{"pcap": pcap, "pcapng": ng} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		got, _, err := readAll(t, stream{bytes.NewReader(in)})
		runtime.ReadMemStats(&after)
		var te *TruncatedError
		if len(got) != 0 || !errors.As(err, &te) || te.Need < claim {
			t.Errorf("%s: %d records, %v; want a *TruncatedError for a %d-byte claim", name, len(got), err, claim)
		}
		// The 1 MiB read buffer, and little else.
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
			t.Errorf("%s: a %d-byte claim backed by 100 bytes allocated %d bytes", name, claim, alloc)
		}
	}
}

// TestLargeRecord: a record longer than the read buffer comes through the
// slow path whole, from a file and from a stream.
func TestLargeRecord(t *testing.T) {
	big := frame(1536<<10, 5)
	small := frame(70, 6)
	pcap := pcapFile(le, 0xa1b2c3d4, 2, 4, 2<<20, 1, mkpkt(1, 1, small), mkpkt(2, 2, big), mkpkt(3, 3, small))
	ng := cat(ngSHB(le, 1, 0), ngIDB(le, 1, 0), ngEPB(le, 0, 1, 70, small), ngEPB(le, 0, 2, uint32(len(big)), big), ngEPB(le, 0, 3, 70, small))
	for name, in := range map[string][]byte{"pcap": pcap, "pcapng": ng} {
		for _, r := range []io.Reader{bytes.NewReader(in), stream{iotest.HalfReader(bytes.NewReader(in))}} {
			got, _, err := readAll(t, r)
			if err != nil || len(got) != 3 || !bytes.Equal(got[1].data, big) || !bytes.Equal(got[2].data, small) {
				t.Errorf("%s: %d records, %v", name, len(got), err)
				continue
			}
			for _, g := range got {
				if !bytes.Equal(in[g.off:g.off+int64(g.capLen)], g.data) {
					t.Errorf("%s: offset %d does not point at the data", name, g.off)
				}
			}
		}
	}
}

// TestZeroAllocsPerRecord: Next hands out records from the read buffer.
func TestZeroAllocsPerRecord(t *testing.T) {
	const n = 3000
	var recs []pkt
	var epbs [][]byte
	for i := range n {
		recs = append(recs, mkpkt(uint32(i), 0, frame(54+i%40, byte(i))))
		epbs = append(epbs, ngEPB(le, 0, uint64(i), 100, frame(54+i%40, byte(i))))
	}
	pcap := pcapFile(le, 0xa1b2c3d4, 2, 4, 65535, 1, recs...)
	ng := cat(ngSHB(le, 1, 0), ngIDB(le, 1, 0), cat(epbs...))
	for name, in := range map[string][]byte{"pcap": pcap, "pcapng": ng} {
		r, err := NewReader(bytes.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		allocs := testing.AllocsPerRun(n-10, func() {
			if _, err := r.Next(); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: %.2f allocations per record, want 0", name, allocs)
		}
	}
}

// TestBinaryResolutionLikeTshark: power-of-two if_tsresol values, with and
// without if_tsoffset, give the times tshark 4.0.17 printed for the same
// file (frame.time_epoch): 1700000100.500976562 and 1700000000.999999046.
func TestBinaryResolutionLikeTshark(t *testing.T) {
	d := frame(40, 8)
	file := cat(ngSHB(le, 1, 0),
		ngIDB(le, 101, 0, ngOpt(le, optTSResol, []byte{0x80 | 10}), ngOpt(le, optTSOffset, u64opt(le, 100)), ngEndOpt),
		ngIDB(le, 101, 0, ngOpt(le, optTSResol, []byte{0x80 | 20}), ngEndOpt),
		ngEPB(le, 0, 1700000000<<10|513, 40, d),
		ngEPB(le, 1, 1700000000<<20|(1<<20-1), 40, d))
	got, _, err := readAll(t, bytes.NewReader(file))
	if err != nil || len(got) != 2 {
		t.Fatalf("%d records, %v", len(got), err)
	}
	if got[0].ns != 1700000100_500976562 || got[1].ns != 1700000000_999999046 {
		t.Errorf("times %d, %d; tshark says 1700000100500976562, 1700000000999999046", got[0].ns, got[1].ns)
	}
}
