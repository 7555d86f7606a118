package decode

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"math/big"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/model"
)

// The tunnel captures of testdata/encap (tun_*, written by
// testdata/encap/gen_tunnel) and tshark 4.0.17's answers for them
// (testdata/encap/expected/*.tsv, from ../shared/oracle/tshark-expect.sh),
// compared here without tshark or python, so that CI checks them.

const encapDir = "../testdata/encap"

// tunnelCaptures lists the tun_ captures with an expected TSV.
func tunnelCaptures(t *testing.T) []string {
	var out []string
	for _, pat := range []string{"tun_*.pcap", "tun_*.pcapng"} {
		m, _ := filepath.Glob(filepath.Join(encapDir, pat))
		out = append(out, m...)
	}
	if len(out) < 12 {
		t.Fatalf("found %d tun_ captures in %s, want 12", len(out), encapDir)
	}
	return out
}

// parseTsharkTime reads frame.time_relative as tshark prints it, in ns:
// "S.FFFFFFFFF", where an unnormalized fraction (more than nine digits, as
// for a pcap microsecond field of 10^6 or more) counts in full.
func parseTsharkTime(t *testing.T, s string) int64 {
	t.Helper()
	sec, frac, _ := strings.Cut(s, ".")
	neg := strings.HasPrefix(sec, "-")
	sec = strings.TrimPrefix(sec, "-")
	ns := int64(parseNum(t, sec, 10)) * 1e9
	if frac != "" {
		f := new(big.Int)
		f.SetString(frac, 10)
		// frac digits beyond nine are whole seconds' worth; scale to ns.
		for i := len(frac); i < 9; i++ {
			f.Mul(f, big.NewInt(10))
		}
		ns += f.Int64()
	}
	if neg {
		ns = -ns
	}
	return ns
}

// TestEncapCapturesAgainstTshark loads every capture of testdata/encap
// (the link_ and tun_ ones) as tcpstep does and holds each TSV row to
// tshark's: stream, addresses, ports, flags, raw and relative numbers,
// length (when tshark gives one), window, time and the analysis events;
// frames with no row must not be TCP segments.
func TestEncapCapturesAgainstTshark(t *testing.T) {
	for _, path := range append(linkCaptures(t), tunnelCaptures(t)...) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			rows, undec := readTSV(t, expectedPath(path))
			if len(rows) == 0 {
				t.Fatal("no expected rows")
			}
			in, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer in.Close()
			tl, err := in.Load(nil)
			if err != nil {
				t.Fatal(err)
			}
			for i := range tl.Frames {
				n := uint32(i + 1)
				r, isRow := rows[n]
				si := tl.SegOf(n)
				if !isRow {
					if tl.Frames[i].Kind == model.FrameTCP {
						t.Errorf("frame %d: a TCP segment, but tshark shows no row", n)
					}
					if undec[n] && tl.Frames[i].Kind != model.FrameUndecodable {
						t.Errorf("frame %d: kind %v, tshark lists it undecodable", n, tl.Frames[i].Kind)
					}
					continue
				}
				if si < 0 {
					t.Errorf("frame %d: no segment (kind %v, %q), tshark has a row", n, tl.Frames[i].Kind, tl.Note(n))
					continue
				}
				s := &tl.Segments[si]
				src, dst := tl.SrcDst(s)
				check := func(field string, got, want any) {
					t.Helper()
					if fmt.Sprint(got) != fmt.Sprint(want) {
						t.Errorf("frame %d: %s = %v, tshark %v", n, field, got, want)
					}
				}
				check("stream", tl.SegStream(s), r["stream"])
				check("src", src.Addr, netip.MustParseAddr(r["src"]))
				check("dst", dst.Addr, netip.MustParseAddr(r["dst"]))
				check("sport", src.Port, r["sport"])
				check("dport", dst.Port, r["dport"])
				check("flags", uint64(s.Flags)&^0xe00, parseNum(t, r["flags"], 16)&^0xe00)
				check("seq_raw", s.Seq, r["seq_raw"])
				check("ack_raw", s.Ack, r["ack_raw"])
				check("seq", s.RelSeq, r["seq"])
				if s.Flags&model.ACK != 0 {
					// tshark's relative ACK of a segment without ACK is no
					// number to match.
					check("ack", s.RelAck, r["ack"])
				}
				if r["len"] != "" {
					check("len", s.Len, r["len"])
				}
				check("win", s.Win, r["win"])
				check("time", tl.SegTime(s), parseTsharkTime(t, r["time"]))
				check("events", strings.Join((s.Events&model.ContractEvents).Names(), ","), r["events"])
			}
			for n := range rows {
				if int(n) > len(tl.Frames) {
					t.Errorf("tshark row for frame %d beyond the %d frames", n, len(tl.Frames))
				}
			}
		})
	}
}

// dissectFrame dissects frame n (1-based) of a tun_ capture.
func dissectFrame(t *testing.T, name string, n int) ([]byte, model.Dissection) {
	t.Helper()
	frames, err := readFrames(filepath.Join(encapDir, name))
	if err != nil || n > len(frames) {
		t.Fatalf("%s: %d frames, %v", name, len(frames), err)
	}
	f := frames[n-1]
	return f.data, Dissect(f.link, f.data)
}

// wantLayer checks that d has a layer named name at [start, end) and
// returns it.
func wantLayer(t *testing.T, where string, d model.Dissection, name string, start, end int) model.Layer {
	t.Helper()
	l, ok := layerByName(d, name)
	if !ok {
		t.Errorf("%s: no layer %q in %v", where, name, layerNames(d))
		return l
	}
	if l.Start != start || l.End != end {
		t.Errorf("%s: layer %q at [%d,%d), want [%d,%d)", where, name, l.Start, l.End, start, end)
	}
	return l
}

// wantField checks that layer l has a field name with value and range.
func wantField(t *testing.T, where string, l model.Layer, name, value string, start, end int) {
	t.Helper()
	f, ok := field(l.Fields, name)
	if !ok {
		t.Errorf("%s: %s has no field %q", where, l.Name, name)
		return
	}
	if f.Value != value || f.Start != start || f.End != end {
		t.Errorf("%s: %s/%s = %q [%d,%d), want %q [%d,%d)", where, l.Name, name, f.Value, f.Start, f.End, value, start, end)
	}
}

// TestDissectTunnels: every frame of every tun_ capture dissects into
// well-formed layers whose TCP layer agrees with Extract, and the tunnel
// headers are named, field by field, at the bytes gen_tunnel wrote them
// (Ethernet 0-14, outer IPv4 14-34, UDP 34-42 or GRE from 34).
func TestDissectTunnels(t *testing.T) {
	for _, path := range tunnelCaptures(t) {
		frames, _ := readFrames(path)
		exs := extractAll(frames)
		for i, f := range frames {
			where := fmt.Sprintf("%s frame %d", filepath.Base(path), i+1)
			d := Dissect(f.link, f.data)
			checkDissection(t, where, f.data, d)
			if ex := exs[i]; ex.Kind == model.FrameTCP && !ex.IsFrag && !strings.Contains(path, "ipcomp") {
				checkTCPLayer(t, where, d, ex.Packet)
			}
			if d.Problem != "" {
				t.Errorf("%s: problem %q", where, d.Problem)
			}
		}
	}

	// GTP-U, conversation 2 (frame 12): E bit, two extension headers, IPv6.
	_, d := dissectFrame(t, "tun_gtpu.pcap", 12)
	g := wantLayer(t, "gtpu 12", d, "GTP-U", 42, 54)
	wantField(t, "gtpu 12", g, "Message type", "255 (G-PDU)", 43, 44)
	wantField(t, "gtpu 12", g, "Tunnel endpoint identifier (TEID)", "0x00000200", 46, 50)
	wantField(t, "gtpu 12", g, "Next extension header type", "0x85 (PDU session container)", 53, 54)
	x := wantLayer(t, "gtpu 12", d, "GTP-U extension header: PDU session container", 54, 58)
	wantField(t, "gtpu 12", x, "Length", "1 (4 bytes)", 54, 55)
	wantField(t, "gtpu 12", x, "Next extension header type", "0x40 (UDP port)", 57, 58)
	x = wantLayer(t, "gtpu 12", d, "GTP-U extension header: UDP port", 58, 62)
	wantField(t, "gtpu 12", x, "UDP port", "2152", 59, 61)
	wantLayer(t, "gtpu 12", d, "IPv6", 62, 102)
	if u, _ := layerByName(d, "UDP"); u.Kind != model.LayerTunnel {
		t.Errorf("the UDP around GTP-U is %v, want a tunnel layer", u.Kind)
	}
	// Frame 1: no optional fields, 8 bytes.
	_, d = dissectFrame(t, "tun_gtpu.pcap", 1)
	wantLayer(t, "gtpu 1", d, "GTP-U", 42, 50)
	wantLayer(t, "gtpu 1", d, "IPv4", 50, 70)

	// ERSPAN type II (frame 12): GRE with a sequence number, 8 bytes.
	_, d = dissectFrame(t, "tun_erspan.pcap", 12)
	wantLayer(t, "erspan 12", d, "GRE", 34, 42)
	e := wantLayer(t, "erspan 12", d, "ERSPAN type II", 42, 50)
	wantField(t, "erspan 12", e, "Session ID", "42", 44, 46)
	wantField(t, "erspan 12", e, "VLAN", "100", 42, 44)
	wantField(t, "erspan 12", e, "Index", "7", 47, 50)
	// Type III with the O bit (frame 24): 12 + 8 bytes.
	_, d = dissectFrame(t, "tun_erspan.pcap", 24)
	e = wantLayer(t, "erspan 24", d, "ERSPAN type III", 42, 62)
	wantField(t, "erspan 24", e, "Security group tag (SGT)", "9", 50, 52)
	if f, ok := field(e.Fields, "Platform-specific subheader"); !ok || f.Start != 54 || f.End != 62 {
		t.Errorf("erspan 24: platform subheader %+v", f)
	}
	// Type I (frame 1): no ERSPAN header, Ethernet right after GRE.
	_, d = dissectFrame(t, "tun_erspan.pcap", 1)
	if _, ok := layerByName(d, "ERSPAN type II"); ok {
		t.Errorf("erspan 1: type I has no header, got %v", layerNames(d))
	}
	if d.Layers[3].Name != "Ethernet II" || d.Layers[3].Start != 38 {
		t.Errorf("erspan 1: layers %v", layerNames(d))
	}

	// WCCPv2 (frame 1) and WCCPv1 (frame 12).
	_, d = dissectFrame(t, "tun_wccp.pcap", 1)
	wc := wantLayer(t, "wccp 1", d, "WCCPv2 redirect header", 38, 42)
	wantField(t, "wccp 1", wc, "Primary bucket", "12", 41, 42)
	_, d = dissectFrame(t, "tun_wccp.pcap", 12)
	if _, ok := layerByName(d, "WCCPv2 redirect header"); ok {
		t.Errorf("wccp 12: WCCPv1 has no redirect header")
	}

	// CAPWAP (frame 2: W bit, HLEN 4).
	_, d = dissectFrame(t, "tun_capwap.pcap", 2)
	c := wantLayer(t, "capwap 2", d, "CAPWAP data", 42, 58)
	wantField(t, "capwap 2", c, "Header length (HLEN)", "4 (16 bytes)", 43, 44)
	wantField(t, "capwap 2", c, "Wireless binding ID (WBID)", "1 (IEEE 802.11)", 44, 45)
	wantField(t, "capwap 2", c, "Wireless specific information", "c428006c", 50, 55)
	wantLayer(t, "capwap 2", d, "Ethernet II", 58, 72)

	// IPComp (frame 4: the client's 100 bytes).
	data, d := dissectFrame(t, "tun_ipcomp.pcap", 4)
	ic := wantLayer(t, "ipcomp 4", d, "IPComp", 34, 38)
	wantField(t, "ipcomp 4", ic, "Compression parameter index (CPI)", "2 (DEFLATE)", 36, 38)
	wantField(t, "ipcomp 4", ic, "Next header", "6 (TCP)", 34, 35)
	cd := wantLayer(t, "ipcomp 4", d, "IPComp compressed payload", 38, len(data))
	wantField(t, "ipcomp 4", cd, "Decompressed length", "120 bytes", 38, len(data))

	// sFlow (frame 1): datagram header, first flow sample, its record,
	// then the sampled Ethernet frame.
	_, d = dissectFrame(t, "tun_sflow.pcap", 1)
	sf := wantLayer(t, "sflow 1", d, "sFlow v5", 42, 70)
	wantField(t, "sflow 1", sf, "Number of samples", "2", 66, 70)
	fs := wantLayer(t, "sflow 1", d, "sFlow flow sample", 70, 110)
	wantField(t, "sflow 1", fs, "Sampling rate", "1 in 1024", 86, 90)
	rec := wantLayer(t, "sflow 1", d, "sFlow raw packet header record", 110, 134)
	wantField(t, "sflow 1", rec, "Header length", "60 bytes sampled", 130, 134)
	wantLayer(t, "sflow 1", d, "Ethernet II", 134, 148)
}

// TestSampledSegmentIsShort: a sampled header's segment is short (tshark
// runs no sequence analysis on it) and keeps the original's length.
func TestSampledSegmentIsShort(t *testing.T) {
	frames, err := readFrames(filepath.Join(encapDir, "tun_sflow.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	ex := extractAll(frames)
	p := ex[3].Packet // the client's 100 bytes, 64 of the frame sampled
	if ex[3].Kind != model.FrameTCP || !p.Short || p.Len != 100 || p.Seq != 3001 {
		t.Errorf("sampled data segment: %v %+v, want short, len 100, seq 3001", ex[3].Kind, p)
	}
}

// TestSampledStreamsLikeTshark: an sFlow datagram's further samples open
// their conversations as tshark numbers them (tun_sflow.pcap: the second
// samples of frames 1, 4, 7, 10 are conversation 2, stream 1, so the
// conversation first sampled in frame 12 is stream 2), and indexing through
// a Stream makes the timeline Load makes.
func TestSampledStreamsLikeTshark(t *testing.T) {
	path := filepath.Join(encapDir, "tun_sflow.pcap")
	frames, err := readFrames(path)
	if err != nil {
		t.Fatal(err)
	}
	ex := extractAll(frames)
	if len(ex[0].Samples) != 1 || ex[0].Samples[0].Src.Port != 55002 || !ex[0].Samples[0].Short {
		t.Errorf("frame 1: further samples %+v, want conversation 2's SYN, short", ex[0].Samples)
	}
	if len(ex[1].Samples) != 0 {
		t.Errorf("frame 2 has one sample, Samples %+v", ex[1].Samples)
	}
	// Frame 15: the first sample is UDP, the second conversation 3's data.
	if ex[14].Kind != model.FrameTCP || ex[14].Packet.Src.Port != 55003 || ex[14].Packet.Len != 100 {
		t.Errorf("frame 15: %v %+v, want conversation 3's data from the second sample", ex[14].Kind, ex[14].Packet)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tl := loadBytes(t, "tun_sflow.pcap", raw)
	if len(tl.Conversations) != 3 || tl.Frames[11].Stream != 2 {
		t.Errorf("%d conversations, frame 12 in stream %d; tshark: 3 and 2", len(tl.Conversations), tl.Frames[11].Stream)
	}
	in, err := OpenBytes("tun_sflow.pcap", raw)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := drain(t, in.Index(), model.NewBuilder(), 0)
	sameTimeline(t, "tun_sflow.pcap", got, tl)
}

// TestIPCompPayload: the payload reader returns an IPComp segment's
// decompressed payload (what follow shows).
func TestIPCompPayload(t *testing.T) {
	in, err := Open(filepath.Join(encapDir, "tun_ipcomp.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	tl, err := in.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, fr := range []uint32{4, 7, 15, 18} {
		si := tl.SegOf(fr)
		if si < 0 {
			t.Fatalf("frame %d: no segment", fr)
		}
		pl, err := in.Payload(tl, si)
		if err != nil {
			t.Fatalf("frame %d: %v", fr, err)
		}
		if len(pl) != int(tl.Segments[si].Len) || len(pl) == 0 || pl[0] != 'a' {
			t.Errorf("frame %d: payload %d bytes %q, want %d starting with 'a'", fr, len(pl), pl[:min(len(pl), 8)], tl.Segments[si].Len)
		}
	}
}

// tunnelFuzzSeeds are frames of the tun_ captures and hand-made lying ones:
// GTP-U extension lengths of 0 and past the frame, a chain longer than the
// walk allows, ERSPAN and CAPWAP headers cut short, an sFlow sample length
// past the datagram, and a DEFLATE bomb (1 MiB of zeros in about 1 KiB).
func tunnelFuzzSeeds() [][]byte {
	var out [][]byte
	for _, pat := range []string{"tun_*.pcap", "tun_*.pcapng"} {
		m, _ := filepath.Glob(filepath.Join(encapDir, pat))
		for _, p := range m {
			frames, _ := readFrames(p)
			for i, f := range frames {
				if i < 4 || i%5 == 0 {
					out = append(out, f.data)
				}
			}
		}
	}
	udp := func(port uint16, pl []byte) []byte {
		u := binary.BigEndian.AppendUint16(nil, 40000)
		u = binary.BigEndian.AppendUint16(u, port)
		u = binary.BigEndian.AppendUint16(u, uint16(8+len(pl)))
		u = append(u, 0, 0)
		return eth(0x0800, ipv4("192.0.2.1", "198.51.100.2", 17, 1, 0, append(u, pl...)))
	}
	gtp := func(ext ...byte) []byte {
		return append([]byte{0x34, 0xff, 0, byte(4 + len(ext)), 0, 0, 0, 1, 0, 0, 0, 0x85}, ext...)
	}
	out = append(out,
		udp(2152, gtp(0, 1, 2, 0)),                                 // extension length 0
		udp(2152, gtp(200, 1, 2, 0)),                               // extension past the frame
		udp(2152, gtp(bytes.Repeat([]byte{1, 0, 0, 0x85}, 20)...)), // an endless chain
		udp(2152, []byte{0x32, 0xff, 0, 0}),                        // cut short
		udp(5247, []byte{0, 0x08, 0, 0}),                           // CAPWAP cut short
		udp(5247, []byte{0, 0x00, 0x03, 0, 0, 1, 0, 0}),            // HLEN 0
		udp(6343, append([]byte{0, 0, 0, 5, 0, 0, 0, 1, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1}, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xf0)),
	)
	gre := func(proto uint16, pl []byte) []byte {
		g := []byte{0x10, 0, byte(proto >> 8), byte(proto), 0, 0, 0, 1}
		return eth(0x0800, ipv4("192.0.2.1", "198.51.100.2", 47, 1, 0, append(g, pl...)))
	}
	out = append(out, gre(0x88be, []byte{0x10, 0x01}), gre(0x22eb, []byte{0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}), gre(0x883e, []byte{0}))
	var bomb bytes.Buffer
	fw, _ := flate.NewWriter(&bomb, flate.BestCompression)
	fw.Write(make([]byte, 1<<20))
	fw.Close()
	out = append(out, eth(0x0800, ipv4("192.0.2.1", "198.51.100.2", 108, 1, 0, append([]byte{6, 0, 0, 2}, bomb.Bytes()...))))
	out = append(out, eth(0x0800, ipv4("192.0.2.1", "198.51.100.2", 108, 1, 0, []byte{6, 0, 0, 2, 0xff, 0xff, 0xff})))
	return out
}

// TestTunnelLyingHeaders: the hand-made lying frames decode to a reason,
// not a panic, and Extract and Dissect agree on whether they decode.
func TestTunnelLyingHeaders(t *testing.T) {
	for i, fr := range tunnelFuzzSeeds() {
		d := newDissector()
		ex := d.Extract(1, 1, fr, uint32(len(fr)))
		ds := Dissect(1, fr)
		checkDissection(t, fmt.Sprintf("seed %d", i), fr, ds)
		if ex.Kind != model.FrameFragment && (ex.Kind == model.FrameUndecodable) != (ds.Problem != "") {
			t.Errorf("seed %d: Extract %v (%s) but Dissect problem %q", i, ex.Kind, ex.Reason, ds.Problem)
		}
	}
	// The bomb is refused for its size.
	seeds := tunnelFuzzSeeds()
	ex := newDissector().Extract(1, 1, seeds[len(seeds)-2], 0)
	if ex.Kind != model.FrameUndecodable || !strings.Contains(ex.Reason, "65535") {
		t.Errorf("deflate bomb: %v %q", ex.Kind, ex.Reason)
	}
}
