package decode

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/pcapgo"
	"github.com/tcpstep/tcpstep/internal/testshared"
	"github.com/tcpstep/tcpstep/model"
)

// sharedDir is ../shared beside the checkout (skips when absent).
func sharedDir(t testing.TB) string { return testshared.Dir(t) }

// testFrame is one frame read by gopacket's pcapgo, independently of
// decode/capfile.
type testFrame struct {
	link    uint16
	data    []byte
	origLen uint32
}

// readFrames reads a capture with pcapgo; it returns the frames read before
// any error, and the error.
func readFrames(path string) ([]testFrame, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var frames []testFrame
	if len(raw) >= 4 && bytes.Equal(raw[:4], []byte{0x0a, 0x0d, 0x0d, 0x0a}) {
		r, err := pcapgo.NewNgReader(bytes.NewReader(raw), pcapgo.NgReaderOptions{WantMixedLinkType: true})
		if err != nil {
			return nil, err
		}
		for {
			data, ci, err := r.ReadPacketData()
			if err != nil {
				if errors.Is(err, io.EOF) {
					err = nil
				}
				return frames, err
			}
			intf, err := r.Interface(ci.InterfaceIndex)
			if err != nil {
				return frames, err
			}
			frames = append(frames, testFrame{uint16(intf.LinkType), data, uint32(ci.Length)})
		}
	}
	r, err := pcapgo.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	for {
		data, ci, err := r.ReadPacketData()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = nil
			}
			return frames, err
		}
		frames = append(frames, testFrame{uint16(r.LinkType()), data, uint32(ci.Length)})
	}
}

// corpusCaptures lists the captures that have an expected TSV.
func corpusCaptures(t *testing.T) []string {
	dir := filepath.Join(sharedDir(t), "captures")
	var out []string
	for _, pat := range []string{"*.pcap", "*.pcapng"} {
		m, _ := filepath.Glob(filepath.Join(dir, pat))
		for _, p := range m {
			if _, err := os.Stat(expectedPath(p)); err == nil {
				out = append(out, p)
			}
		}
	}
	if len(out) < 50 {
		t.Fatalf("found %d captures with expected TSVs in %s, want the corpus's 52", len(out), dir)
	}
	return out
}

func expectedPath(capture string) string {
	name := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(capture), ".pcapng"), ".pcap")
	return filepath.Join(filepath.Dir(capture), "expected", name+".tsv")
}

// tsvRow is one row of tshark's expected TSV (see captures/README.md).
type tsvRow map[string]string

// readTSV parses an expected TSV: its rows by frame number and the frames
// of its "# undecodable" comment.
func readTSV(t *testing.T, path string) (rows map[uint32]tsvRow, undecodable map[uint32]bool) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, undecodable = map[uint32]tsvRow{}, map[uint32]bool{}
	var header []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			if strings.HasPrefix(line, "# undecodable") {
				_, list, _ := strings.Cut(line, "frames ")
				for _, n := range strings.Split(list, ",") {
					v, err := strconv.ParseUint(strings.TrimSpace(n), 10, 32)
					if err != nil {
						t.Fatalf("%s: bad undecodable line %q", path, line)
					}
					undecodable[uint32(v)] = true
				}
			}
			continue
		}
		cols := strings.Split(line, "\t")
		if header == nil {
			header = cols
			continue
		}
		r := tsvRow{}
		for i, h := range header {
			if i < len(cols) {
				r[h] = cols[i]
			}
		}
		n, err := strconv.ParseUint(r["frame"], 10, 32)
		if err != nil {
			t.Fatalf("%s: bad frame number in %q", path, line)
		}
		rows[uint32(n)] = r
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows, undecodable
}

func parseNum(t *testing.T, s string, base int) uint64 {
	t.Helper()
	s = strings.TrimPrefix(s, "0x")
	v, err := strconv.ParseUint(s, base, 64)
	if err != nil {
		t.Fatalf("bad number %q: %v", s, err)
	}
	return v
}

// extractAll runs one dissector over every frame, numbering from 1.
func extractAll(frames []testFrame) []extracted {
	d := newDissector()
	out := make([]extracted, len(frames))
	for i, f := range frames {
		ex := d.Extract(uint32(i+1), f.link, f.data, f.origLen)
		// Copy the slices that alias the dissector's buffers.
		ex.FragFrames = append([]uint32(nil), ex.FragFrames...)
		ex.Expired = append([]uint32(nil), ex.Expired...)
		ex.Samples = append([]model.Packet(nil), ex.Samples...)
		out[i] = ex
	}
	return out
}

// TestExtractCorpus holds Extract to tshark 4.0.17's view of every corpus
// capture: every TSV row is a TCP frame with the same addresses, ports,
// flags, raw numbers, length and window; every other frame is not TCP;
// frames tshark could not decode are undecodable.
func TestExtractCorpus(t *testing.T) {
	total := 0
	for _, capPath := range corpusCaptures(t) {
		t.Run(filepath.Base(capPath), func(t *testing.T) {
			frames, err := readFrames(capPath)
			if err != nil {
				t.Fatalf("pcapgo: %v", err)
			}
			rows, undec := readTSV(t, expectedPath(capPath))
			exs := extractAll(frames)
			for i, ex := range exs {
				n := uint32(i + 1)
				r, isRow := rows[n]
				if !isRow {
					if ex.Kind == model.FrameTCP {
						t.Errorf("frame %d: FrameTCP (%+v), but tshark shows no TCP row", n, ex.Packet)
					}
					if undec[n] && ex.Kind != model.FrameUndecodable {
						t.Errorf("frame %d: kind %v (%s), tshark lists it undecodable", n, ex.Kind, ex.Reason)
					}
					continue
				}
				total++
				if ex.Kind != model.FrameTCP {
					t.Errorf("frame %d: kind %v (%s), want tcp", n, ex.Kind, ex.Reason)
					continue
				}
				p := ex.Packet
				if p.Frame != n {
					t.Errorf("frame %d: Packet.Frame %d", n, p.Frame)
				}
				check := func(field string, got, want any) {
					if got != want {
						t.Errorf("frame %d: %s = %v, tshark %v", n, field, got, want)
					}
				}
				check("src", p.Src.Addr, netip.MustParseAddr(r["src"]))
				check("dst", p.Dst.Addr, netip.MustParseAddr(r["dst"]))
				check("sport", uint64(p.Src.Port), parseNum(t, r["sport"], 10))
				check("dport", uint64(p.Dst.Port), parseNum(t, r["dport"], 10))
				// Reserved bits are ignored, as compare.py does.
				check("flags", uint64(p.Flags)&^0xe00, parseNum(t, r["flags"], 16)&^0xe00)
				check("seq_raw", uint64(p.Seq), parseNum(t, r["seq_raw"], 10))
				check("ack_raw", uint64(p.Ack), parseNum(t, r["ack_raw"], 10))
				if r["len"] != "" {
					check("len", uint64(p.Len), parseNum(t, r["len"], 10))
				}
				// tshark leaves tcp.len empty exactly when the datagram
				// ends inside the TCP header.
				check("short", p.Short, r["len"] == "")
				check("win", uint64(p.Win), parseNum(t, r["win"], 10))
			}
			for n := range rows {
				if int(n) > len(frames) {
					t.Errorf("tshark row for frame %d, but pcapgo read only %d frames", n, len(frames))
				}
			}
		})
	}
	if total < 1500 {
		t.Errorf("checked %d TSV rows; the corpus has over 1500", total)
	}
}

// TestExtractICMPSMTP checks the four ICMP "fragmentation needed" errors of
// zeek_smtp.pcap. The table is tshark's, from
//
//	../shared/oracle/tshark-expect.sh --icmp ../shared/captures/zeek_smtp.pcap
//
// (frame, ICMP source and destination, type 3 code 4, MTU 1492, and the
// quoted TCP header's endpoints and sequence number), and
//
//	tshark -r zeek_smtp.pcap -n -T fields -e frame.number -e tcp.flags -e tcp.hdr_len -Y icmp
//
// (the quoted header: flags 0x0010, 20 bytes, all quoted).
func TestExtractICMPSMTP(t *testing.T) {
	capPath := filepath.Join(sharedDir(t), "captures", "zeek_smtp.pcap")
	frames, err := readFrames(capPath)
	if err != nil {
		t.Fatal(err)
	}
	want := map[uint32]uint32{26: 2126795847, 28: 2126797307, 29: 2126798767, 30: 2126800227}
	exs := extractAll(frames)
	for i, ex := range exs {
		n := uint32(i + 1)
		seq, isICMP := want[n]
		if !isICMP {
			if ex.Kind == model.FrameICMP {
				t.Errorf("frame %d: FrameICMP, tshark shows no ICMP error quoting TCP", n)
			}
			continue
		}
		if ex.Kind != model.FrameICMP {
			t.Errorf("frame %d: kind %v (%s), want icmp", n, ex.Kind, ex.Reason)
			continue
		}
		e := ex.ICMP
		wantE := model.ICMPError{
			Frame:        n,
			Src:          model.Endpoint{Addr: netip.MustParseAddr("192.168.1.1")},
			Dst:          model.Endpoint{Addr: netip.MustParseAddr("10.10.1.4")},
			Kind:         "frag_needed",
			Type:         3,
			Code:         4,
			MTU:          1492,
			QuotedSrc:    model.Endpoint{Addr: netip.MustParseAddr("10.10.1.4"), Port: 1470},
			QuotedDst:    model.Endpoint{Addr: netip.MustParseAddr("74.53.140.153"), Port: 25},
			QuotedSeq:    seq,
			QuotedFlags:  model.ACK,
			QuotedTCPLen: 20,
		}
		if e != wantE {
			t.Errorf("frame %d:\n got %+v\nwant %+v", n, e, wantE)
		}
	}
}

// TestExtractICMPTshark compares every FrameICMP of the corpus with
// tshark-expect.sh --icmp. It runs tshark once per capture (seconds each),
// so it runs only when TCPSTEP_TSHARK=1 and tshark is installed.
func TestExtractICMPTshark(t *testing.T) {
	if os.Getenv("TCPSTEP_TSHARK") != "1" {
		t.Skip("set TCPSTEP_TSHARK=1 to run tshark-expect.sh --icmp over the corpus")
	}
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Skip("tshark not installed")
	}
	script := filepath.Join(sharedDir(t), "oracle", "tshark-expect.sh")
	for _, capPath := range corpusCaptures(t) {
		t.Run(filepath.Base(capPath), func(t *testing.T) {
			out, err := exec.Command(script, "--icmp", capPath).Output()
			if err != nil {
				t.Fatalf("%s --icmp: %v", script, err)
			}
			want := map[uint32][]string{}
			for _, line := range strings.Split(string(out), "\n") {
				if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "frame\t") {
					continue
				}
				c := strings.Split(line, "\t")
				want[uint32(parseNum(t, c[0], 10))] = c
			}
			frames, err := readFrames(capPath)
			if err != nil {
				t.Fatal(err)
			}
			for i, ex := range extractAll(frames) {
				n := uint32(i + 1)
				c, ok := want[n]
				if !ok {
					if ex.Kind == model.FrameICMP {
						t.Errorf("frame %d: FrameICMP, tshark lists no ICMP error quoting TCP", n)
					}
					continue
				}
				if ex.Kind != model.FrameICMP {
					t.Errorf("frame %d: kind %v (%s), want icmp", n, ex.Kind, ex.Reason)
					continue
				}
				// frame time src dst icmp_type icmp_code mtu q_src q_sport q_dst q_dport q_seq_raw stream
				e := ex.ICMP
				typ := strings.TrimPrefix(strings.TrimPrefix(c[4], "v4:"), "v6:")
				got := []string{e.Src.Addr.String(), e.Dst.Addr.String(), strconv.Itoa(int(e.Type)), strconv.Itoa(int(e.Code)),
					e.QuotedSrc.Addr.String(), strconv.Itoa(int(e.QuotedSrc.Port)), e.QuotedDst.Addr.String(),
					strconv.Itoa(int(e.QuotedDst.Port)), strconv.FormatUint(uint64(e.QuotedSeq), 10)}
				exp := []string{c[2], c[3], typ, c[5], c[7], c[8], c[9], c[10], c[11]}
				if strings.Join(got, " ") != strings.Join(exp, " ") {
					t.Errorf("frame %d:\n got %v\nwant %v", n, got, exp)
				}
				if c[6] != "" && strconv.Itoa(int(e.MTU)) != c[6] {
					t.Errorf("frame %d: MTU %d, tshark %s", n, e.MTU, c[6])
				}
			}
		})
	}
}
