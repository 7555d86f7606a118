package decode

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/model"
)

// The link-layer captures of testdata/encap (link_*.pcap, written by
// testdata/encap/gen) and tshark's answers for them (expected/*.tsv, from
// ../shared/oracle/tshark-expect.sh): 802.11 with and without radiotap,
// FDDI, Cisco HDLC under LINKTYPE_PPP, Juniper's link types, and the
// Ethernet tags VN-Tag, E-Tag and FabricPath. The tests compare with the
// recorded TSVs, so they need no tshark.

func linkCaptures(t *testing.T) []string {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join("..", "testdata", "encap", "link_*.pcap"))
	if len(paths) < 14 {
		t.Fatalf("found %d link_*.pcap captures in testdata/encap, want 14", len(paths))
	}
	return paths
}

// TestEncapLinkOtherFrames checks the frames that carry no TCP: each is
// FrameOther with a reason that says what it is.
func TestEncapLinkOtherFrames(t *testing.T) {
	want := map[string]map[uint32]string{
		"link_radiotap.pcap": {
			1:  "802.11 management frame: beacon",
			5:  "802.11 control frame: ACK",
			6:  "protected 802.11 data frame: its payload is encrypted and cannot be decoded",
			10: "802.11 data frame without data (null function)",
		},
		"link_radiotap_qos.pcap": {5: "protected 802.11 data frame: its payload is encrypted and cannot be decoded"},
		"link_dot11.pcap": {
			1: "802.11 management frame: beacon",
			7: "protected 802.11 data frame: its payload is encrypted and cannot be decoded",
			8: "802.11 control frame: ACK",
		},
		"link_fddi.pcap":      {3: "FDDI SMT or MAC frame (frame control 0x41)"},
		"link_ppp_chdlc.pcap": {4: "Cisco SLARP"},
	}
	for _, path := range linkCaptures(t) {
		name := filepath.Base(path)
		frames, err := readFrames(path)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := readTSV(t, expectedPath(path))
		for i, ex := range extractAll(frames) {
			n := uint32(i + 1)
			if _, isRow := rows[n]; isRow {
				continue
			}
			w, ok := want[name][n]
			if !ok {
				t.Errorf("%s frame %d: not a tshark row and not listed here (%v: %s)", name, n, ex.Kind, ex.Reason)
				continue
			}
			if ex.Kind != model.FrameOther || ex.Reason != w {
				t.Errorf("%s frame %d: %v %q, want other %q", name, n, ex.Kind, ex.Reason, w)
			}
		}
		for n := range want[name] {
			if _, isRow := rows[n]; isRow {
				t.Errorf("%s frame %d: listed as other, but tshark shows a TCP row", name, n)
			}
		}
	}
}

// linkField is a field Dissect must show: the layer it is in, its name
// (a path through children with "/"), value and byte range.
type linkField struct {
	layer, field, value string
	start, end          int
}

// TestEncapLinkDissect holds one frame of each capture to its layers and
// to the link layers' fields, values and byte ranges. The values are those
// tshark -V shows for the frame (the FDDI addresses bit-swapped as tshark
// shows them; names are ours).
func TestEncapLinkDissect(t *testing.T) {
	cases := []struct {
		capture string
		frame   int
		layers  []string
		fields  []linkField
	}{
		{"link_radiotap", 3, []string{"Radiotap", "IEEE 802.11 data", "IEEE 802.2 LLC", "SNAP", "IPv4", "TCP", "Trailer"}, []linkField{
			{"Radiotap", "Header length", "23", 2, 4},
			{"Radiotap", "Flags/FCS at end", "set", 16, 17},
			{"Radiotap", "Channel/Frequency", "2437 MHz", 18, 20},
			{"Radiotap", "Antenna signal (dBm)", "-60 dBm", 22, 23},
			{"IEEE 802.11 data", "Frame control/From DS", "set", 24, 25},
			{"IEEE 802.11 data", "Destination address (receiver)", "02:00:00:00:00:02", 27, 33},
			{"IEEE 802.11 data", "BSSID (transmitter)", "02:00:00:00:00:aa", 33, 39},
			{"IEEE 802.11 data", "Source address", "02:00:00:00:00:01", 39, 45},
			{"IEEE 802.11 data", "Sequence control/Sequence number", "7", 45, 47},
			{"SNAP", "Type", "0x0800 (IPv4)", 53, 55},
			{"Trailer", "Bytes", "ec48838a", 95, 99}, // the FCS
		}},
		{"link_radiotap_qos", 4, []string{"Radiotap", "IEEE 802.11 QoS data", "IEEE 802.2 LLC", "SNAP", "IPv4", "TCP", "Payload"}, []linkField{
			{"Radiotap", "Flags/Data padding", "set", 16, 17},
			{"IEEE 802.11 QoS data", "Frame control/To DS", "set", 24, 25},
			{"IEEE 802.11 QoS data", "Frame control/From DS", "set", 24, 25},
			{"IEEE 802.11 QoS data", "Frame control/Order (+HTC)", "set", 24, 25},
			{"IEEE 802.11 QoS data", "Receiver address", "02:00:00:00:00:aa", 27, 33},
			{"IEEE 802.11 QoS data", "Source address", "02:00:00:00:00:01", 47, 53},
			{"IEEE 802.11 QoS data", "QoS control/TID", "3", 53, 54},
			{"IEEE 802.11 QoS data", "HT control", "0x00000000", 55, 59},
			{"IEEE 802.2 LLC", "DSAP", "0xaa", 59, 60},
		}},
		{"link_dot11", 3, []string{"IEEE 802.11 QoS data", "IEEE 802.2 LLC", "SNAP", "IPv4", "TCP"}, []linkField{
			{"IEEE 802.11 QoS data", "Frame control", "0x8802 (QoS data)", 0, 2},
			{"IEEE 802.11 QoS data", "Duration", "44", 2, 4},
			{"IEEE 802.11 QoS data", "QoS control/TID", "5", 24, 25},
		}},
		{"link_dot11", 1, []string{"IEEE 802.11 management frame: beacon", "Data"}, []linkField{
			{"IEEE 802.11 management frame: beacon", "Destination address", "ff:ff:ff:ff:ff:ff", 4, 10},
			{"IEEE 802.11 management frame: beacon", "BSSID", "02:00:00:00:00:aa", 16, 22},
		}},
		{"link_fddi", 1, []string{"FDDI", "IEEE 802.2 LLC", "SNAP", "IPv4", "TCP"}, []linkField{
			{"FDDI", "Frame control", "0x50 (LLC, asynchronous)", 0, 1},
			{"FDDI", "Destination", "40:00:00:00:00:80 (bit-swapped; 02:00:00:00:00:01 as captured)", 1, 7},
			{"FDDI", "Source", "40:00:00:00:00:40 (bit-swapped; 02:00:00:00:00:02 as captured)", 7, 13},
		}},
		{"link_ppp_chdlc", 1, []string{"Cisco HDLC", "IPv4", "TCP"}, []linkField{
			{"Cisco HDLC", "Address", "0x0f (unicast)", 0, 1},
			{"Cisco HDLC", "Protocol", "0x0800 (IPv4)", 2, 4},
		}},
		{"link_ppp_chdlc", 2, []string{"PPP", "IPv4", "TCP"}, []linkField{
			{"PPP", "Protocol", "0x0021 (IPv4)", 2, 4},
		}},
		{"link_juniper_ether", 2, []string{"Juniper Ethernet", "Ethernet II", "IPv4", "TCP"}, []linkField{
			{"Juniper Ethernet", "Magic number", `"MGC"`, 0, 3},
			{"Juniper Ethernet", "Flags/Direction", "out", 3, 4},
			{"Juniper Ethernet", "Extension length", "6", 4, 6},
			{"Juniper Ethernet", "Extensions/TLV: device interface index", "7", 6, 12},
			{"Ethernet II", "Type", "0x0800 (IPv4)", 24, 26},
		}},
		{"link_juniper_ppp", 1, []string{"Juniper PPP", "PPP", "IPv4", "TCP"}, []linkField{
			{"Juniper PPP", "Flags/Direction", "in", 3, 4},
			{"PPP", "Protocol", "0x0021 (IPv4)", 14, 16},
		}},
		{"link_juniper_chdlc", 2, []string{"Juniper Cisco HDLC", "Cisco HDLC", "IPv4", "TCP"}, []linkField{
			{"Juniper Cisco HDLC", "Flags/Link-layer header", "present", 3, 4},
			{"Cisco HDLC", "Protocol", "0x0800 (IPv4)", 6, 8},
		}},
		{"link_juniper_ggsn", 1, []string{"Juniper GGSN", "IPv4", "TCP"}, []linkField{
			{"Juniper GGSN", "Protocol", "2 (IPv4)", 4, 6},
			{"Juniper GGSN", "VLAN ID", "100", 6, 8},
		}},
		{"link_juniper_svcs", 2, []string{"Juniper services", "IPv4", "TCP"}, []linkField{
			{"Juniper services", "Flags/Direction", "out", 3, 4},
			{"Juniper services", "Service cookie", "0a0000000000000000000000", 4, 16},
		}},
		{"link_juniper_vp", 2, []string{"Juniper voice PIC", "IPv4", "TCP"}, []linkField{
			{"Juniper voice PIC", "Extension length", "6", 4, 6},
			{"Juniper voice PIC", "Reserved", "000000000000000000000000000000000000", 12, 30},
		}},
		{"link_juniper_mlppp_nol2", 1, []string{"Juniper (MLPPP, MLFR, ATM or Frame Relay PIC)", "IPv4", "TCP"}, []linkField{
			{"Juniper (MLPPP, MLFR, ATM or Frame Relay PIC)", "Flags/Link-layer header", "stripped", 3, 4},
			{"Juniper (MLPPP, MLFR, ATM or Frame Relay PIC)", "Payload protocol", "2 (IPv4)", 12, 16},
		}},
		{"link_ethtags", 4, []string{"Ethernet II", "802.1ad QinQ", "802.1Q VLAN", "802.1BR E-Tag", "VN-Tag", "IPv4", "TCP", "Payload"}, []linkField{
			{"802.1BR E-Tag", "Priority (E-PCP)", "1", 22, 23},
			{"802.1BR E-Tag", "Group (GRP)", "1", 24, 25},
			{"802.1BR E-Tag", "E-CID base", "42", 24, 26},
			{"802.1BR E-Tag", "Type", "0x8926 (VN-Tag)", 28, 30},
			{"VN-Tag", "Direction", "1 (from the bridge)", 30, 31},
			{"VN-Tag", "Destination VIF ID", "5", 30, 32},
			{"VN-Tag", "Source VIF ID", "18", 32, 34},
			{"VN-Tag", "Type", "0x0800 (IPv4)", 34, 36},
		}},
		{"link_ethtags", 5, []string{"Cisco FabricPath", "Ethernet II", "802.1Q VLAN", "IPv4", "TCP", "Trailer"}, []linkField{
			{"Cisco FabricPath", "Destination HMAC", "00a.00.0001", 0, 6},
			{"Cisco FabricPath", "Source HMAC/Switch ID", "11", 6, 9},
			{"Cisco FabricPath", "FabricPath EtherType", "0x8903 (Cisco FabricPath)", 12, 14},
			{"Cisco FabricPath", "Forwarding tag (FTag)", "1", 14, 16},
			{"Cisco FabricPath", "TTL", "32", 15, 16},
			{"802.1Q VLAN", "VLAN ID", "50", 30, 32},
		}},
		{"link_ethtags", 8, []string{"Cisco FabricPath", "Ethernet II", "802.1BR E-Tag", "IPv4", "TCP", "Payload", "Trailer"}, []linkField{
			{"Cisco FabricPath", "VLAN tag/VLAN ID", "60", 14, 16},
			{"Cisco FabricPath", "FabricPath EtherType", "0x8903 (Cisco FabricPath)", 16, 18},
			{"802.1BR E-Tag", "Type", "0x0800 (IPv4)", 40, 42},
		}},
	}
	for _, c := range cases {
		where := fmt.Sprintf("%s frame %d", c.capture, c.frame)
		frames, err := readFrames(filepath.Join("..", "testdata", "encap", c.capture+".pcap"))
		if err != nil || len(frames) < c.frame {
			t.Fatalf("%s: %v", where, err)
		}
		f := frames[c.frame-1]
		d := Dissect(f.link, f.data)
		checkDissection(t, where, f.data, d)
		if d.Problem != "" {
			t.Errorf("%s: problem %q", where, d.Problem)
		}
		if got := layerNames(d); !slices.Equal(got, c.layers) {
			t.Errorf("%s: layers %v, want %v", where, got, c.layers)
		}
		for _, w := range c.fields {
			l, ok := layerByName(d, w.layer)
			if !ok {
				t.Errorf("%s: no layer %s", where, w.layer)
				continue
			}
			fs := l.Fields
			var got model.Field
			for _, name := range strings.Split(w.field, "/") {
				if got, ok = field(fs, name); !ok {
					break
				}
				fs = got.Children
			}
			if !ok {
				t.Errorf("%s: %s has no field %s", where, w.layer, w.field)
				continue
			}
			if got.Value != w.value || got.Start != w.start || got.End != w.end {
				t.Errorf("%s: %s %s = %q [%d,%d), want %q [%d,%d)", where, w.layer, w.field,
					got.Value, got.Start, got.End, w.value, w.start, w.end)
			}
		}
	}
}

// TestEncapLinkTruncated cuts every frame of every capture at every length:
// the walk and Dissect must not panic, must agree on whether the frame
// decodes, and a cut inside a link header is reported as cut short.
func TestEncapLinkTruncated(t *testing.T) {
	for _, path := range linkCaptures(t) {
		frames, err := readFrames(path)
		if err != nil {
			t.Fatal(err)
		}
		for i, f := range frames {
			for n := 0; n < len(f.data); n++ {
				where := fmt.Sprintf("%s frame %d cut at %d", filepath.Base(path), i+1, n)
				data := f.data[:n]
				ex := newDissector().Extract(1, f.link, data, uint32(len(f.data)))
				d := Dissect(f.link, data)
				checkDissection(t, where, data, d)
				if (ex.Kind == model.FrameUndecodable) != (d.Problem != "") {
					t.Fatalf("%s: Extract %v (%s), Dissect problem %q", where, ex.Kind, ex.Reason, d.Problem)
				}
				if ex.Kind == model.FrameTCP && !ex.Packet.Src.Addr.IsValid() {
					t.Fatalf("%s: TCP without addresses", where)
				}
			}
		}
	}
}

// TestEncapLinkBadHeaders covers what the captures do not: a Juniper
// header without its magic, a radiotap length below 8, an 802.11 frame of
// another protocol version, and FabricPath away from the frame's start.
func TestEncapLinkBadHeaders(t *testing.T) {
	ipTCP := tcpSpec{sport: 1, dport: 2, seq: 3, ack: 4, flags: 0x10, win: 5}.bytes()
	ip := ipv4("192.0.2.1", "192.0.2.2", 6, 1, 0, ipTCP)
	for _, c := range []struct {
		name string
		link uint16
		data []byte
		kind model.FrameKind
		why  string
	}{
		{"juniper without magic", linkJuniperEther, cat([]byte("XGC\x00"), make([]byte, 14), ip), model.FrameUndecodable, "Juniper header without its magic number (MGC)"},
		{"juniper ext cut", linkJuniperEther, []byte("MGC\x80\x00\x10\x01\x04"), model.FrameUndecodable, "Juniper header cut short: 8 of 22 bytes captured"},
		{"juniper other proto", linkJuniperMLPPP, cat([]byte("MGC\x02"), []byte{5, 0, 0, 0}, ip), model.FrameOther, "Juniper payload protocol 5"},
		{"juniper mlppp with l2", linkJuniperMLPPP, cat([]byte("MGC\x00"), ip), model.FrameOther, "Juniper frame with its link-layer header (not decoded)"},
		{"radiotap short length", linkRadiotap, []byte{0, 0, 4, 0, 0, 0, 0, 0}, model.FrameUndecodable, "radiotap header length 4 (less than 8)"},
		{"802.11 version 1", linkIEEE80211, cat([]byte{0x09, 0x01}, make([]byte, 30)), model.FrameOther, "802.11 frame with protocol version 1"},
		{"802.11 data cut", linkIEEE80211, []byte{0x88, 0x03, 0, 0, 1, 2, 3}, model.FrameUndecodable, "802.11 header cut short: 7 of 32 bytes captured"},
		{"fabricpath after two tags", linkEthernet, cat(make([]byte, 12), put16(0x8100), put16(1), put16(0x8100), put16(2), put16(0x8903), make([]byte, 20)), model.FrameOther, "Cisco FabricPath EtherType away from the start of an Ethernet frame"},
		{"vn-tag cut", linkEthernet, cat(make([]byte, 12), put16(0x8926), []byte{1, 2}), model.FrameUndecodable, "VN-Tag header cut short: 2 of 6 bytes captured"},
	} {
		ex := newDissector().Extract(1, c.link, c.data, uint32(len(c.data)))
		if ex.Kind != c.kind || ex.Reason != c.why {
			t.Errorf("%s: %v %q, want %v %q", c.name, ex.Kind, ex.Reason, c.kind, c.why)
		}
		checkDissection(t, c.name, c.data, Dissect(c.link, c.data))
	}
}

// addLinkFuzzSeeds adds the frames of testdata/encap/link_*.pcap, so that
// the fuzz targets start from every link type of this file.
func addLinkFuzzSeeds(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("..", "testdata", "encap", "link_*.pcap"))
	for _, p := range paths {
		frames, _ := readFrames(p)
		for i, fr := range frames {
			if i >= 6 {
				break
			}
			f.Add(fr.link, fr.data, fr.origLen)
		}
	}
}

// TestEncapLinkNoAlloc: walking a TCP frame of each new link layer
// allocates nothing, as the Ethernet walk does (BenchmarkExtract).
func TestEncapLinkNoAlloc(t *testing.T) {
	for _, path := range linkCaptures(t) {
		frames, err := readFrames(path)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := readTSV(t, expectedPath(path))
		d := newDissector()
		for n := range rows {
			f := frames[n-1]
			allocs := testing.AllocsPerRun(20, func() {
				if ex := d.Extract(n, f.link, f.data, f.origLen); ex.Kind != model.FrameTCP {
					t.Fatalf("%s frame %d: %v (%s)", filepath.Base(path), n, ex.Kind, ex.Reason)
				}
			})
			if allocs != 0 {
				t.Errorf("%s frame %d: %.1f allocations per Extract", filepath.Base(path), n, allocs)
			}
			break
		}
	}
}

// BenchmarkExtractLink walks a radiotap QoS data frame (four addresses, HT
// control, padding, FCS) and a frame under a stack of Ethernet tags.
func BenchmarkExtractLink(b *testing.B) {
	for _, c := range []struct {
		capture string
		frame   int
	}{{"link_radiotap_qos", 11}, {"link_ethtags", 4}, {"link_juniper_ether", 2}} {
		frames, err := readFrames(filepath.Join("..", "testdata", "encap", c.capture+".pcap"))
		if err != nil {
			b.Fatal(err)
		}
		f := frames[c.frame-1]
		b.Run(c.capture, func(b *testing.B) {
			d := newDissector()
			b.ReportAllocs()
			n := uint32(0)
			for b.Loop() {
				n++
				if ex := d.Extract(n, f.link, f.data, f.origLen); ex.Kind != model.FrameTCP {
					b.Fatal(ex.Reason)
				}
			}
		})
	}
}
