package capfile

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
	"github.com/tcpstep/tcpstep/internal/testshared"
)

// sharedDir is ../shared beside the checkout (skips when absent).
func sharedDir(tb testing.TB) string { return testshared.Dir(tb) }

func corpusFiles(tb testing.TB, dir string) []string {
	tb.Helper()
	var files []string
	for _, pat := range []string{"*.pcap", "*.pcapng"} {
		m, err := filepath.Glob(filepath.Join(dir, pat))
		if err != nil {
			tb.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		tb.Fatalf("no captures in %s", dir)
	}
	return files
}

// rec is a Record with its data copied, for comparing whole files.
type rec struct {
	off             int64
	ns              int64
	capLen, origLen uint32
	link            uint16
	iface           uint32
	data            []byte
}

// readAll reads every record of b with this package.
func readAll(t *testing.T, rd io.Reader) ([]rec, *Reader, error) {
	t.Helper()
	r, err := NewReader(rd)
	if err != nil {
		return nil, nil, err
	}
	var out []rec
	for {
		p, err := r.Next()
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return out, r, err
		}
		if int(p.CapLen) != len(p.Data) {
			t.Fatalf("record %d: CapLen %d but %d data bytes", len(out)+1, p.CapLen, len(p.Data))
		}
		out = append(out, rec{p.Offset, p.TimeNS, p.CapLen, p.OrigLen, p.LinkType, p.Iface, bytes.Clone(p.Data)})
	}
}

// readPcapgo reads b with gopacket's pcapgo, the independent reader.
func readPcapgo(t *testing.T, b []byte) ([]rec, error) {
	t.Helper()
	var out []rec
	if len(b) >= 4 && binary.BigEndian.Uint32(b) == blockSHB {
		r, err := pcapgo.NewNgReader(bytes.NewReader(b), pcapgo.NgReaderOptions{WantMixedLinkType: true})
		if err != nil {
			return nil, err
		}
		for {
			data, ci, err := r.ReadPacketData()
			if err != nil {
				if err == io.EOF {
					err = nil
				}
				return out, err
			}
			lt := ci.AncillaryData[0].(layers.LinkType)
			out = append(out, rec{ns: ci.Timestamp.UnixNano(), capLen: uint32(ci.CaptureLength), origLen: uint32(ci.Length),
				link: uint16(lt), iface: uint32(ci.InterfaceIndex), data: data})
		}
	}
	r, err := pcapgo.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	for {
		data, ci, err := r.ReadPacketData()
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return out, err
		}
		out = append(out, rec{ns: ci.Timestamp.UnixNano(), capLen: uint32(ci.CaptureLength), origLen: uint32(ci.Length),
			link: uint16(r.LinkType()), data: data})
	}
}

// manifestPkts parses the "pkts" column of MANIFEST.md: file name -> frames.
func manifestPkts(t *testing.T, shared string) map[string]int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(shared, "captures", "MANIFEST.md"))
	if err != nil {
		t.Fatal(err)
	}
	pkts := map[string]int{}
	col := -1
	for line := range strings.Lines(string(b)) {
		if !strings.HasPrefix(line, "|") {
			col = -1 // a new table starts
			continue
		}
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if col < 0 {
			for i, c := range cells {
				if c == "pkts" {
					col = i
				}
			}
			if cells[0] == "file" && col < 0 {
				col = -2 // a table without the column (malformed/)
			}
			continue
		}
		if col < 0 || col >= len(cells) {
			continue
		}
		name := strings.TrimSpace(strings.TrimPrefix(cells[0], "**derived**"))
		if n, err := strconv.Atoi(cells[col]); err == nil {
			pkts[name] = n
		}
	}
	if len(pkts) < 40 {
		t.Fatalf("MANIFEST.md: parsed only %d pkts entries", len(pkts))
	}
	return pkts
}

// tsvTimes returns tshark's frame.time_relative (ns) per frame number from
// expected/NAME.tsv.
func tsvTimes(t *testing.T, shared, capture string) map[int]int64 {
	t.Helper()
	name := strings.TrimSuffix(strings.TrimSuffix(capture, ".pcapng"), ".pcap")
	f, err := os.Open(filepath.Join(shared, "captures", "expected", name+".tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	times := map[int]int64{}
	fcol, tcol := -1, -1
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		cells := strings.Split(line, "\t")
		if fcol < 0 {
			for i, c := range cells {
				switch c {
				case "frame":
					fcol = i
				case "time":
					tcol = i
				}
			}
			if fcol < 0 || tcol < 0 {
				t.Fatalf("%s.tsv: no frame/time columns in %q", name, line)
			}
			continue
		}
		frame, err := strconv.Atoi(cells[fcol])
		if err != nil {
			t.Fatalf("%s.tsv: frame %q: %v", name, cells[fcol], err)
		}
		sec, frac, ok := strings.Cut(cells[tcol], ".")
		if !ok || len(frac) != 9 {
			t.Fatalf("%s.tsv: time %q is not seconds with 9 decimals", name, cells[tcol])
		}
		s, err1 := strconv.ParseInt(sec, 10, 64)
		ns, err2 := strconv.ParseInt(frac, 10, 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s.tsv: time %q", name, cells[tcol])
		}
		if strings.HasPrefix(sec, "-") {
			ns = -ns
		}
		times[frame] = s*1e9 + ns
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return times
}

// TestCorpus reads every real capture with this package and with pcapgo and
// demands the same records; frame counts come from MANIFEST.md, relative
// times from tshark's expected output, and every offset must point at the
// record's bytes in the file.
func TestCorpus(t *testing.T) {
	shared := sharedDir(t)
	pkts := manifestPkts(t, shared)
	for _, path := range corpusFiles(t, filepath.Join(shared, "captures")) {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, r, err := readAll(t, f)
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			if r.Offset() != int64(len(b)) {
				t.Errorf("Offset() = %d at the end, file is %d bytes", r.Offset(), len(b))
			}
			wantKind := "pcap"
			if strings.HasSuffix(name, ".pcapng") {
				wantKind = "pcapng"
			}
			if r.Kind() != wantKind || !strings.HasPrefix(r.Format(), wantKind+" (") {
				t.Errorf("Kind %q Format %q, want %s", r.Kind(), r.Format(), wantKind)
			}

			want, err := readPcapgo(t, b)
			if err != nil {
				t.Fatalf("pcapgo: %v", err)
			}
			n, ok := pkts[name]
			if !ok {
				t.Fatalf("%s not in MANIFEST.md", name)
			}
			if len(got) != n || len(want) != n {
				t.Fatalf("records: capfile %d, pcapgo %d, MANIFEST pkts %d", len(got), len(want), n)
			}
			for i := range got {
				g, w := got[i], want[i]
				if g.ns != w.ns || g.capLen != w.capLen || g.origLen != w.origLen || g.link != w.link || g.iface != w.iface {
					t.Errorf("frame %d: capfile ns=%d cap=%d orig=%d link=%d iface=%d; pcapgo ns=%d cap=%d orig=%d link=%d iface=%d",
						i+1, g.ns, g.capLen, g.origLen, g.link, g.iface, w.ns, w.capLen, w.origLen, w.link, w.iface)
				}
				if !bytes.Equal(g.data, w.data) {
					t.Errorf("frame %d: data differs from pcapgo's", i+1)
				}
				if g.off < 0 || g.off+int64(g.capLen) > int64(len(b)) || !bytes.Equal(b[g.off:g.off+int64(g.capLen)], g.data) {
					t.Errorf("frame %d: the file's bytes at offset %d are not the record's data", i+1, g.off)
				}
				if i > 0 && g.off <= got[i-1].off {
					t.Errorf("frame %d: offset %d not after the previous %d", i+1, g.off, got[i-1].off)
				}
			}
			for frame, rel := range tsvTimes(t, shared, name) {
				if frame < 1 || frame > len(got) {
					t.Errorf("tshark row for frame %d, but the file has %d", frame, len(got))
					continue
				}
				if d := got[frame-1].ns - got[0].ns; d != rel {
					t.Errorf("frame %d: time_relative %d ns, tshark says %d", frame, d, rel)
				}
			}
		})
	}
}

// TestMalformed: every damaged file ends in a clean error or a
// *TruncatedError, and the known ones end the way tshark says they do.
func TestMalformed(t *testing.T) {
	shared := sharedDir(t)
	files, err := filepath.Glob(filepath.Join(shared, "captures", "malformed", "*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no malformed files: %v", err)
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got, _, err := readAll(t, bytes.NewReader(b))
			var te *TruncatedError
			switch name {
			case "derived_cut-mid-record.pcap":
				// Walk the record headers by hand to find the cut record.
				off, n := int64(24), 0
				for off+16 <= int64(len(b)) && off+16+int64(binary.LittleEndian.Uint32(b[off+8:])) <= int64(len(b)) {
					off += 16 + int64(binary.LittleEndian.Uint32(b[off+8:]))
					n++
				}
				if n != 10 { // tshark prints 10 frames (MANIFEST.md)
					t.Fatalf("hand walk found %d whole records, want 10", n)
				}
				if len(got) != n || !errors.As(err, &te) {
					t.Fatalf("got %d records and %v, want %d then *TruncatedError", len(got), err, n)
				}
				if te.Offset != off || te.End != int64(len(b)) {
					t.Errorf("TruncatedError at %d (end %d), want %d (end %d)", te.Offset, te.End, off, len(b))
				}
				want := "cut short in the middle of a record at byte " + strconv.FormatInt(off, 10)
				if !strings.HasPrefix(err.Error(), want) || !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Errorf("error %q, want it to start %q and wrap io.ErrUnexpectedEOF", err, want)
				}
			case "libpcap_pcap-invalid-version-1.pcap":
				wantErr(t, err, "unsupported pcap version 1.")
			case "libpcap_pcapng-invalid-vers-1.pcapng":
				wantErr(t, err, "unknown SHB version 0.1")
			case "libpcap_shb-option-too-long.pcapng":
				wantErr(t, err, "option too long")
				wantErr(t, err, "12336")
			default:
				// The fuzzed files have whole records: pcapgo is the judge.
				want, perr := readPcapgo(t, b)
				if err != nil || perr != nil {
					t.Fatalf("capfile: %v; pcapgo: %v", err, perr)
				}
				if len(got) != len(want) || len(got) == 0 {
					t.Fatalf("records: capfile %d, pcapgo %d", len(got), len(want))
				}
				for i := range got {
					if !bytes.Equal(got[i].data, want[i].data) || got[i].ns != want[i].ns || got[i].origLen != want[i].origLen {
						t.Errorf("frame %d differs from pcapgo", i+1)
					}
				}
			}
			if err != nil && !errors.As(err, &te) && strings.Contains(err.Error(), "cut short in the middle") {
				t.Errorf("plain error reads like a truncation: %v", err)
			}
		})
	}
}

func wantErr(t *testing.T, err error, sub string) {
	t.Helper()
	var te *TruncatedError
	if err == nil || errors.As(err, &te) || !strings.Contains(err.Error(), sub) {
		t.Errorf("error %v, want a plain error containing %q", err, sub)
	}
	if err != nil && err.Error() != strings.ToLower(err.Error()[:1])+err.Error()[1:] {
		t.Errorf("error %q does not start in lower case", err)
	}
}

// TestReadFrame re-reads random records by offset from the file.
func TestReadFrame(t *testing.T) {
	shared := sharedDir(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, path := range corpusFiles(t, filepath.Join(shared, "captures")) {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		got, _, err := readAll(t, f)
		if err != nil {
			t.Fatal(err)
		}
		var buf []byte
		for range 5 {
			g := got[rng.IntN(len(got))]
			b, err := ReadFrame(f, g.off, g.capLen)
			if err != nil || !bytes.Equal(b, g.data) {
				t.Errorf("%s: ReadFrame(%d, %d) = %d bytes, %v; differs from Next", filepath.Base(path), g.off, g.capLen, len(b), err)
			}
			buf, err = AppendFrame(buf[:0], f, g.off, g.capLen)
			if err != nil || !bytes.Equal(buf, g.data) {
				t.Errorf("%s: AppendFrame(%d) differs from Next: %v", filepath.Base(path), g.off, err)
			}
		}
		st, _ := f.Stat()
		if _, err := ReadFrame(f, st.Size()-2, 10); err == nil || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("%s: ReadFrame past the end: %v, want io.ErrUnexpectedEOF", filepath.Base(path), err)
		}
		f.Close()
	}
	if _, err := ReadFrame(bytes.NewReader(nil), -1, 1); err == nil {
		t.Error("negative offset accepted")
	}
	if _, err := ReadFrame(bytes.NewReader(nil), 0, maxRecordLen+1); err == nil {
		t.Error("absurd length accepted")
	}
}
