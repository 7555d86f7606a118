package capfile

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"testing/iotest"
)

// fuzzSeeds returns the corpus and malformed captures from ../shared when
// present. Unlike sharedDir it never skips: the fuzz target still has its
// inline seeds without the reference data.
func fuzzSeeds(tb testing.TB) [][]byte {
	dir, err := os.Getwd()
	if err != nil {
		return nil
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		if filepath.Dir(dir) == dir {
			return nil
		}
		dir = filepath.Dir(dir)
	}
	caps := filepath.Join(dir, "..", "shared", "captures")
	var seeds [][]byte
	for _, pat := range []string{"*.pcap", "*.pcapng", "malformed/*"} {
		m, _ := filepath.Glob(filepath.Join(caps, pat))
		for _, p := range m {
			if b, err := os.ReadFile(p); err == nil {
				// The fuzzer minimizes every new input for up to a minute,
				// and large ones make it stall: a file's first 8 KiB show
				// all of its structure (and, cut there, a truncated record).
				seeds = append(seeds, b[:min(len(b), 8<<10)])
			}
		}
	}
	return seeds
}

type fuzzRec struct {
	off, ns         int64
	capLen, origLen uint32
	link            uint16
	iface           uint32
}

// fuzzRead reads every record and checks the invariants that must hold on
// any input: offsets increase and lie inside the input, the data is the
// input's bytes at the offset, the loop ends, and the final error is io.EOF,
// a *TruncatedError inside the input, or another error.
func fuzzRead(t *testing.T, data []byte, r *Reader, err error) ([]fuzzRec, error) {
	if err != nil {
		var te *TruncatedError
		if errors.As(err, &te) {
			t.Fatalf("NewReader returned a *TruncatedError: %v", err)
		}
		return nil, err
	}
	var recs []fuzzRec
	end := int64(0) // end of the previous record's data
	// Every record consumes at least 12 bytes: more calls would mean a loop.
	for range len(data)/12 + 2 {
		p, err := r.Next()
		if err != nil {
			var te *TruncatedError
			if errors.As(err, &te) && (te.Offset < end || te.Offset > te.End || te.End > int64(len(data))) {
				t.Fatalf("TruncatedError %+v outside the input (%d bytes, previous record ends at %d)", te, len(data), end)
			}
			if r.Offset() > int64(len(data)) {
				t.Fatalf("Offset() %d past the input's %d bytes", r.Offset(), len(data))
			}
			return recs, err
		}
		if p.Offset < end || p.Offset+int64(p.CapLen) > int64(len(data)) {
			t.Fatalf("record at %d (+%d) not after %d or past the input's %d bytes", p.Offset, p.CapLen, end, len(data))
		}
		if int(p.CapLen) != len(p.Data) || !bytes.Equal(p.Data, data[p.Offset:p.Offset+int64(p.CapLen)]) {
			t.Fatalf("record at %d: data is not the input's bytes there", p.Offset)
		}
		end = p.Offset + int64(p.CapLen)
		if r.Offset() < end || r.Offset() > int64(len(data)) {
			t.Fatalf("Offset() %d: before the record's end %d or past the input's %d bytes", r.Offset(), end, len(data))
		}
		recs = append(recs, fuzzRec{p.Offset, p.TimeNS, p.CapLen, p.OrigLen, p.LinkType, p.Iface})
	}
	t.Fatalf("Next did not stop after %d records from %d bytes", len(recs), len(data))
	return nil, nil
}

// FuzzReader reads each input twice: as a seekable file, and as a stream
// trickled through a 16-byte buffer (so every record takes the large-record
// path). Both must yield the same records and end the same way.
func FuzzReader(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	d := frame(60, 1)
	f.Add(pcapFile(le, 0xa1b2c3d4, 2, 4, 65535, 1, mkpkt(1, 2, d), mkpkt(3, 4, d)))
	f.Add(pcapFile(be, 0xa1b23c4d, 2, 3, 96, 0x24000001, pkt{1, 2, 1500, 60, d}))
	f.Add(cat(ngSHB(le, 1, 0), ngIDB(le, 1, 64, ngOpt(le, optTSResol, []byte{0x8a}), ngOpt(le, optTSOffset, u64opt(le, 5)), ngEndOpt),
		ngEPB(le, 0, 1<<40, 60, d), ngSPB(le, 100, d), ngPB(le, 0, 7, 60, d), ngBlock(le, blockISB, make([]byte, 12)),
		ngSHB(be, 1, 0), ngIDB(be, 101, 0), ngEPB(be, 0, 9, 60, d)))

	f.Fuzz(func(t *testing.T, data []byte) {
		r1, err1 := NewReader(bytes.NewReader(data))
		recs1, end1 := fuzzRead(t, data, r1, err1)
		r2, err2 := newReader(stream{iotest.HalfReader(bytes.NewReader(data))}, 16)
		recs2, end2 := fuzzRead(t, data, r2, err2)

		if len(recs1) != len(recs2) {
			t.Fatalf("seekable read %d records (%v), stream %d (%v)", len(recs1), end1, len(recs2), end2)
		}
		for i := range recs1 {
			if recs1[i] != recs2[i] {
				t.Fatalf("record %d: seekable %+v, stream %+v", i+1, recs1[i], recs2[i])
			}
		}
		var te1, te2 *TruncatedError
		if (end1 == io.EOF) != (end2 == io.EOF) || errors.As(end1, &te1) != errors.As(end2, &te2) {
			t.Fatalf("seekable ended with %v, stream with %v", end1, end2)
		}
		if te1 != nil && (te1.Offset != te2.Offset || te1.End != te2.End) {
			t.Fatalf("truncated at %+v (seekable) and %+v (stream)", te1, te2)
		}
		// ReadFrame must give back what Next gave.
		for _, rc := range recs1 {
			b, err := ReadFrame(bytes.NewReader(data), rc.off, rc.capLen)
			if err != nil || !bytes.Equal(b, data[rc.off:rc.off+int64(rc.capLen)]) {
				t.Fatalf("ReadFrame(%d, %d): %v", rc.off, rc.capLen, err)
			}
		}
	})
}
