package capfile

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

// allocDuring returns the bytes allocated while f runs.
func allocDuring(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestLyingLengths holds hostile lengths a crafted capture can claim to a refusal with a
// message, from a file (whose size the reader knows) and from a stream
// (whose size it cannot), without allocating what they claim: a pcap record
// claiming 3 GiB, under a snap length of 4 GiB; a pcapng block whose length
// runs past the end of the file, small and huge; a pcapng packet claiming
// 3 GiB of captured data inside a small block.
func TestLyingLengths(t *testing.T) {
	const gib3 = 3 << 30
	d := frame(60, 9)
	shb, idb := ngSHB(le, 1, 0), ngIDB(le, 1, 0)
	epb := ngEPB(le, 0, 1, 60, d)
	bigCapInEPB := bytes.Clone(epb)
	le.PutUint32(bigCapInEPB[8+12:], gib3)
	for _, tc := range []struct {
		name string
		in   []byte
		recs int
		want []string // any of these in the message
	}{
		{"pcap record of 3 GiB", pcapFile(le, 0xa1b2c3d4, 2, 4, 0xffffffff, 1, mkpkt(1, 2, d), pkt{1, 3, gib3, gib3, d}), 1,
			[]string{"claims 3221225472 captured bytes"}},
		{"pcap record of 3 GiB, big-endian nanosecond", pcapFile(be, 0xa1b23c4d, 2, 4, 0xffffffff, 1, pkt{1, 3, gib3, gib3, d}), 0,
			[]string{"claims 3221225472 captured bytes"}},
		{"pcapng block past the end", cat(shb, idb, epb, le.AppendUint32(le.AppendUint32(nil, blockEPB), 64<<10), make([]byte, 100)), 1,
			[]string{"cut short", "claims 65536 bytes"}},
		{"pcapng block of 3 GiB", cat(shb, idb, le.AppendUint32(le.AppendUint32(nil, blockEPB), gib3), make([]byte, 100)), 0,
			[]string{"claims 3221225472 bytes"}},
		{"pcapng packet of 3 GiB in a small block", cat(shb, idb, bigCapInEPB), 0,
			[]string{"captured length 3221225472 runs past the end of its block"}},
	} {
		for _, src := range []string{"file", "stream"} {
			t.Run(tc.name+"/"+src, func(t *testing.T) {
				var r io.Reader = bytes.NewReader(tc.in)
				if src == "stream" {
					r = stream{iotest.HalfReader(r)}
				}
				var got []rec
				var err error
				alloc := allocDuring(func() { got, _, err = readAll(t, r) })
				if err == nil {
					t.Fatalf("no error after %d records", len(got))
				}
				if len(got) != tc.recs {
					t.Errorf("%d records before the error, want %d", len(got), tc.recs)
				}
				msg := err.Error()
				ok := false
				for _, w := range tc.want {
					ok = ok || strings.Contains(msg, w)
				}
				if !ok {
					t.Errorf("error %q, want one of %q", msg, tc.want)
				}
				t.Logf("%s (%d bytes allocated)", msg, alloc)
				// The 1 MiB read buffer at most (a file this small gets a
				// buffer of its own size), and nothing near the claim.
				if alloc > 2<<20 {
					t.Errorf("allocated %d bytes reading %d bytes: %s", alloc, len(tc.in), msg)
				}
			})
		}
	}
}

// TestHugeSnapLenReadsSmallRecords: a snap length of 4 GiB (pcap's header,
// pcapng's interface block) says nothing about the records, which are read
// as usual without any allocation sized by the snap length.
func TestHugeSnapLenReadsSmallRecords(t *testing.T) {
	var pk []pkt
	var epbs [][]byte
	for i := range 500 {
		d := frame(60+i%200, byte(i))
		pk = append(pk, mkpkt(uint32(i), 0, d))
		epbs = append(epbs, ngEPB(le, 0, uint64(i), uint32(len(d)), d))
	}
	files := map[string][]byte{
		"pcap":   pcapFile(le, 0xa1b2c3d4, 2, 4, 0xffffffff, 1, pk...),
		"pcapng": cat(append([][]byte{ngSHB(le, 1, 0), ngIDB(le, 1, 0xffffffff)}, epbs...)...),
	}
	for name, in := range files {
		for _, src := range []string{"file", "stream"} {
			t.Run(fmt.Sprintf("%s/%s", name, src), func(t *testing.T) {
				var r io.Reader = bytes.NewReader(in)
				if src == "stream" {
					r = stream{r}
				}
				var got []rec
				var err error
				alloc := allocDuring(func() { got, _, err = readAll(t, r) })
				if err != nil || len(got) != 500 {
					t.Fatalf("%d records, %v; want 500", len(got), err)
				}
				for i, g := range got {
					if want := 60 + i%200; int(g.capLen) != want || !bytes.Equal(g.data, frame(want, byte(i))) {
						t.Fatalf("record %d: %d bytes, want %d", i, g.capLen, want)
					}
				}
				// readAll clones each record (about 80 KB in all) beside
				// the read buffer.
				if alloc > 4<<20 {
					t.Errorf("allocated %d bytes for %d bytes of file", alloc, len(in))
				}
			})
		}
	}
}
