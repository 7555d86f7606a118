package decode

import (
	"bytes"
	"encoding/binary"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/tcpstep/tcpstep/decode/capfile"
	"github.com/tcpstep/tcpstep/model"
)

// tcpIPv4 is an IPv4 datagram of 10.0.0.1:1234 → 10.0.0.2:80 (or back,
// when back) carrying a TCP header with seq, flags and payload bytes.
func tcpIPv4(back bool, seq uint32, flags byte, payload int) []byte {
	b := make([]byte, 40+payload)
	b[0], b[8], b[9] = 0x45, 64, 6
	binary.BigEndian.PutUint16(b[2:], uint16(len(b)))
	src, dst := []byte{10, 0, 0, 1}, []byte{10, 0, 0, 2}
	sport, dport := uint16(1234), uint16(80)
	if back {
		src, dst, sport, dport = dst, src, dport, sport
	}
	copy(b[12:], src)
	copy(b[16:], dst)
	binary.BigEndian.PutUint16(b[20:], sport)
	binary.BigEndian.PutUint16(b[22:], dport)
	binary.BigEndian.PutUint32(b[24:], seq)
	b[32], b[33] = 5<<4, flags
	binary.BigEndian.PutUint16(b[34:], 65535)
	for i := range payload {
		b[40+i] = byte('a' + i%26)
	}
	return b
}

// ethernet wraps an IPv4 datagram in an Ethernet header.
func ethernet(ip []byte) []byte {
	b := make([]byte, 14, 14+len(ip))
	b[12], b[13] = 0x08, 0x00
	return append(b, ip...)
}

// madeFrame is one frame of a capture a test makes.
type madeFrame struct {
	link    layers.LinkType
	ns      int64
	data    []byte
	origLen int // 0: len(data)
}

// handshake is a conversation's frames: SYN, SYN+ACK, ACK, data, FIN/ACK.
func handshake(link layers.LinkType, start int64) []madeFrame {
	ips := [][]byte{
		tcpIPv4(false, 100, 0x02, 0),
		tcpIPv4(true, 500, 0x12, 0),
		tcpIPv4(false, 101, 0x10, 0),
		tcpIPv4(false, 101, 0x18, 30),
		tcpIPv4(false, 131, 0x11, 0),
	}
	var out []madeFrame
	for i, ip := range ips {
		data := ip
		if link == layers.LinkTypeEthernet {
			data = ethernet(ip)
		}
		out = append(out, madeFrame{link: link, ns: start + int64(i)*1_000_001, data: data})
	}
	return out
}

// pcapngOf writes frames as pcapng, one interface per link type.
func pcapngOf(t *testing.T, frames []madeFrame) []byte {
	t.Helper()
	var buf bytes.Buffer
	var links []layers.LinkType
	for _, f := range frames {
		if !slices.Contains(links, f.link) {
			links = append(links, f.link)
		}
	}
	intf := pcapgo.DefaultNgInterface
	intf.LinkType = links[0]
	w, err := pcapgo.NewNgWriterInterface(&buf, intf, pcapgo.DefaultNgWriterOptions)
	if err != nil {
		t.Fatal(err)
	}
	for _, lt := range links[1:] {
		intf.LinkType = lt
		if _, err := w.AddInterface(intf); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range frames {
		n := f.origLen
		if n == 0 {
			n = len(f.data)
		}
		ci := gopacket.CaptureInfo{Timestamp: time.Unix(0, f.ns), CaptureLength: len(f.data), Length: n,
			InterfaceIndex: slices.Index(links, f.link)}
		if err := w.WritePacket(ci, f.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// openTest decodes a capture held in memory.
func openTest(t *testing.T, b []byte) (*Input, *model.Timeline) {
	t.Helper()
	in, err := OpenBytes("test", b)
	return loaded(t, in, err)
}

// readBack reads a written capture with tcpstep's reader: its records and
// its kind, pcap or pcapng.
func readBack(t *testing.T, b []byte) ([]capfile.Record, string) {
	t.Helper()
	r, err := capfile.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the written file does not read back: %v", err)
	}
	var out []capfile.Record
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return out, r.Kind()
		}
		if err != nil {
			t.Fatal(err)
		}
		c := *rec
		c.Data = slices.Clone(rec.Data)
		out = append(out, c)
	}
}

// checkWritten holds the records read back to the input's frames.
func checkWritten(t *testing.T, in *Input, tl *model.Timeline, frames []uint32, got []capfile.Record) {
	t.Helper()
	if len(got) != len(frames) {
		t.Fatalf("%d records written, want %d", len(got), len(frames))
	}
	for i, n := range frames {
		f := &tl.Frames[n-1]
		want, _, err := in.Frame(f)
		if err != nil {
			t.Fatal(err)
		}
		g := got[i]
		if g.TimeNS != f.TimeNS || g.CapLen != f.CapLen || g.OrigLen != f.OrigLen || g.LinkType != f.LinkType || !bytes.Equal(g.Data, want) {
			t.Errorf("frame %d written as time %d len %d/%d link %d, was time %d len %d/%d link %d (bytes equal: %v)",
				n, g.TimeNS, g.CapLen, g.OrigLen, g.LinkType, f.TimeNS, f.CapLen, f.OrigLen, f.LinkType, bytes.Equal(g.Data, want))
		}
	}
}

// TestWriteFramesPcap writes a chosen few frames of one link type: a pcap
// file with nanosecond timestamps, the frames in the order asked, their
// bytes, times and lengths as in the input, a frame cut short by the snap
// length keeping its original length.
func TestWriteFramesPcap(t *testing.T) {
	frames := handshake(layers.LinkTypeEthernet, 1_700_000_000_123_456_789)
	frames[3].origLen = len(frames[3].data) + 1000 // cut short by a snap length
	in, tl := openTest(t, pcapngOf(t, frames))
	sel := []uint32{1, 2, 4, 5}
	var buf bytes.Buffer
	format, err := in.WriteFrames(&buf, tl, sel, false)
	if err != nil {
		t.Fatal(err)
	}
	got, kind := readBack(t, buf.Bytes())
	if format != FormatPcap || kind != "pcap" {
		t.Errorf("format %s, read back as %q; want pcap", format, kind)
	}
	if binary.LittleEndian.Uint32(buf.Bytes()) != 0xa1b23c4d {
		t.Errorf("magic %#x, want the nanosecond pcap magic", binary.LittleEndian.Uint32(buf.Bytes()))
	}
	checkWritten(t, in, tl, sel, got)
	if got[2].OrigLen != got[2].CapLen+1000 {
		t.Errorf("the cut frame's lengths %d/%d", got[2].CapLen, got[2].OrigLen)
	}
}

// TestWriteFramesPcapng writes frames of two link types (one conversation
// seen on an Ethernet and on a raw IP interface) as pcapng, one interface
// per link type; and pcapng when asked for with one link type.
func TestWriteFramesPcapng(t *testing.T) {
	frames := append(handshake(layers.LinkTypeEthernet, 1_600_000_000_000_000_001),
		handshake(layers.LinkTypeRaw, 1_600_000_000_000_000_002)...)
	slices.SortStableFunc(frames, func(a, b madeFrame) int { return int(a.ns - b.ns) })
	in, tl := openTest(t, pcapngOf(t, frames))
	all := make([]uint32, len(tl.Frames))
	for i := range all {
		all[i] = uint32(i + 1)
	}
	var buf bytes.Buffer
	format, err := in.WriteFrames(&buf, tl, all, false)
	if err != nil {
		t.Fatal(err)
	}
	got, kind := readBack(t, buf.Bytes())
	if format != FormatPcapng || kind != "pcapng" {
		t.Errorf("format %s, read back as %q; want pcapng", format, kind)
	}
	checkWritten(t, in, tl, all, got)

	one := []uint32{1, 3}
	buf.Reset()
	if format, err = in.WriteFrames(&buf, tl, one, true); err != nil || format != FormatPcapng {
		t.Fatalf("asked for pcapng: %s, %v", format, err)
	}
	got, _ = readBack(t, buf.Bytes())
	checkWritten(t, in, tl, one, got)
}

// TestWriteFramesTimes writes times a pcap record cannot hold (before 1970,
// after 2106) as pcapng, to the nanosecond.
func TestWriteFramesTimes(t *testing.T) {
	for _, ns := range []int64{-1_000_000_007, 5_000_000_000_000_000_003} {
		in, tl := openTest(t, pcapngOf(t, handshake(layers.LinkTypeEthernet, ns)))
		var buf bytes.Buffer
		format, err := in.WriteFrames(&buf, tl, []uint32{1, 2}, false)
		if err != nil {
			t.Fatal(err)
		}
		if format != FormatPcapng {
			t.Errorf("time %d: format %s, want pcapng", ns, format)
		}
		got, _ := readBack(t, buf.Bytes())
		checkWritten(t, in, tl, []uint32{1, 2}, got)
	}
}

// TestWriteFramesRefuses: a frame number the capture lacks, and a frame
// whose captured length exceeds its original one, are errors; no frames
// at all is a valid empty file.
func TestWriteFramesRefuses(t *testing.T) {
	frames := handshake(layers.LinkTypeEthernet, 1_700_000_000_000_000_000)
	in, tl := openTest(t, pcapngOf(t, frames))
	for _, sel := range [][]uint32{{0}, {6}} {
		if _, err := in.WriteFrames(io.Discard, tl, sel, false); err == nil {
			t.Errorf("frames %v: no error", sel)
		}
	}
	tl.Frames[1].OrigLen = tl.Frames[1].CapLen - 1
	if _, err := in.WriteFrames(io.Discard, tl, []uint32{1, 2}, false); err == nil || !strings.Contains(err.Error(), "frame 2") {
		t.Errorf("captured past the original length: %v", err)
	}
	var buf bytes.Buffer
	if _, err := in.WriteFrames(&buf, tl, nil, false); err != nil {
		t.Fatal(err)
	}
	if got, _ := readBack(t, buf.Bytes()); len(got) != 0 {
		t.Errorf("%d records in an empty file", len(got))
	}
}
