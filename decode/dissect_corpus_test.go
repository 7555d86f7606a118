package decode

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/tcpstep/tcpstep/model"
)

// checkDissection asserts the structural promises of Dissect: layers in
// frame order, never overlapping, inside the frame; fields inside their
// layer, children inside their parent; every name and value printable.
func checkDissection(t testing.TB, where string, data []byte, d model.Dissection) {
	t.Helper()
	end := 0
	for _, l := range d.Layers {
		if l.Start < end || l.End < l.Start || l.End > len(data) {
			t.Errorf("%s: layer %s [%d,%d) out of order or outside the %d-byte frame (previous ended at %d)",
				where, l.Name, l.Start, l.End, len(data), end)
		}
		end = l.End
		if !printable(l.Name) {
			t.Errorf("%s: layer name %q not printable", where, l.Name)
		}
		var walk func(parent string, ps, pe int, fs []model.Field)
		walk = func(parent string, ps, pe int, fs []model.Field) {
			for _, f := range fs {
				if f.Start < ps || f.End > pe || f.End < f.Start {
					t.Errorf("%s: field %s/%s [%d,%d) outside [%d,%d)", where, parent, f.Name, f.Start, f.End, ps, pe)
				}
				if !printable(f.Name) || !printable(f.Value) {
					t.Errorf("%s: field %s=%q not printable", where, f.Name, f.Value)
				}
				walk(parent+"/"+f.Name, f.Start, f.End, f.Children)
			}
		}
		walk(l.Name, l.Start, l.End, l.Fields)
	}
	if !printable(d.Problem) {
		t.Errorf("%s: problem %q not printable", where, d.Problem)
	}
}

// printable reports whether s is safe to put on a terminal: valid UTF-8
// with no control characters.
func printable(s string) bool {
	for _, r := range s {
		if r == unicode.ReplacementChar || !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// field finds a field by name among fs (not descending into children).
func field(fs []model.Field, name string) (model.Field, bool) {
	for _, f := range fs {
		if f.Name == name {
			return f, true
		}
	}
	return model.Field{}, false
}

// layerByName returns the last layer named name.
func layerByName(d model.Dissection, name string) (model.Layer, bool) {
	for i := len(d.Layers) - 1; i >= 0; i-- {
		if d.Layers[i].Name == name {
			return d.Layers[i], true
		}
	}
	return model.Layer{}, false
}

// TestDissectCorpus dissects every frame of every corpus capture (and of
// the malformed files): no panic, well-formed layers, and for TCP frames a
// TCP layer (and the IP layer carrying it) that agrees with Extract.
func TestDissectCorpus(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "captures")
	paths, _ := filepath.Glob(filepath.Join(dir, "*.pcap*"))
	mal, _ := filepath.Glob(filepath.Join(dir, "malformed", "*"))
	paths = append(paths, mal...)
	tcpFrames := 0
	for _, p := range paths {
		frames, _ := readFrames(p)
		exs := extractAll(frames)
		for i, f := range frames {
			where := fmt.Sprintf("%s frame %d", filepath.Base(p), i+1)
			d := Dissect(f.link, f.data)
			checkDissection(t, where, f.data, d)
			ex := exs[i]
			switch ex.Kind {
			case model.FrameTCP:
				if ex.IsFrag {
					continue // Dissect shows the fragment, not the reassembled datagram
				}
				tcpFrames++
				checkTCPLayer(t, where, d, ex.Packet)
			case model.FrameUndecodable:
				if d.Problem == "" {
					t.Errorf("%s: Extract says undecodable (%s), Dissect has no problem", where, ex.Reason)
				}
			}
			if ex.Kind != model.FrameUndecodable && d.Problem != "" {
				t.Errorf("%s: Dissect problem %q on a %v frame", where, d.Problem, ex.Kind)
			}
		}
	}
	if tcpFrames < 1500 {
		t.Errorf("compared %d TCP frames with Extract; the corpus has over 1500", tcpFrames)
	}
}

func checkTCPLayer(t *testing.T, where string, d model.Dissection, p model.Packet) {
	t.Helper()
	tcp, ok := layerByName(d, "TCP")
	if !ok {
		t.Errorf("%s: no TCP layer in %v", where, layerNames(d))
		return
	}
	want := map[string]string{
		"Source port":           strconv.Itoa(int(p.Src.Port)),
		"Destination port":      strconv.Itoa(int(p.Dst.Port)),
		"Sequence number":       strconv.FormatUint(uint64(p.Seq), 10),
		"Acknowledgment number": strconv.FormatUint(uint64(p.Ack), 10),
		"Window":                strconv.Itoa(int(p.Win)),
	}
	for name, v := range want {
		f, ok := field(tcp.Fields, name)
		if !ok || f.Value != v {
			t.Errorf("%s: TCP %s = %q, Extract %s", where, name, f.Value, v)
		}
	}
	fl, _ := field(tcp.Fields, "Flags")
	if !strings.HasPrefix(fl.Value, fmt.Sprintf("0x%03x ", uint16(p.Flags))) {
		t.Errorf("%s: TCP flags %q, Extract 0x%03x", where, fl.Value, uint16(p.Flags))
	}
	if len(fl.Children) != 12 {
		t.Errorf("%s: %d flag bits, want 12", where, len(fl.Children))
	}
	// The IP layer (kind ip) carries the TCP header: its addresses are the
	// packet's.
	var ip model.Layer
	for _, l := range d.Layers {
		if l.Kind == model.LayerIP && (l.Name == "IPv4" || l.Name == "IPv6") {
			ip = l
		}
	}
	src, _ := field(ip.Fields, "Source")
	dst, _ := field(ip.Fields, "Destination")
	if src.Value != p.Src.Addr.String() || dst.Value != p.Dst.Addr.String() {
		t.Errorf("%s: IP layer %s → %s, Extract %s → %s", where, src.Value, dst.Value, p.Src.Addr, p.Dst.Addr)
	}
}

func layerNames(d model.Dissection) []string {
	var out []string
	for _, l := range d.Layers {
		out = append(out, l.Name)
	}
	return out
}

// TestTCPOptionsAgainstGopacket compares the TCP options Dissect finds with
// gopacket's independent decoder: the same options, each starting at the
// same byte with the same kind and length; and Extract's window scale with
// gopacket's window scale option.
func TestTCPOptionsAgainstGopacket(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "captures")
	paths, _ := filepath.Glob(filepath.Join(dir, "*.pcap*"))
	compared, withOpts := 0, 0
	for _, p := range paths {
		frames, _ := readFrames(p)
		exs := extractAll(frames)
		for i, f := range frames {
			ex := exs[i]
			if ex.Kind != model.FrameTCP || ex.IsFrag {
				continue
			}
			pkt := gopacket.NewPacket(f.data, layers.LinkType(f.link), gopacket.Default)
			var gt *layers.TCP
			for _, l := range pkt.Layers() {
				if tl, ok := l.(*layers.TCP); ok {
					gt = tl
				}
			}
			// Only where gopacket decoded the same header without error.
			if gt == nil || pkt.ErrorLayer() != nil || gt.Seq != ex.Packet.Seq || uint16(gt.SrcPort) != ex.Packet.Src.Port {
				continue
			}
			where := fmt.Sprintf("%s frame %d", filepath.Base(p), i+1)
			compared++
			type opt struct{ kind, length int }
			var want []opt
			ws := int8(-1)
			for _, o := range gt.Options {
				want = append(want, opt{int(o.OptionType), int(o.OptionLength)})
				if o.OptionType == layers.TCPOptionKindWindowScale && len(o.OptionData) == 1 && ws < 0 {
					ws = int8(min(o.OptionData[0], 14))
				}
			}
			if ws != ex.Packet.WinScale {
				t.Errorf("%s: WinScale %d, gopacket's option says %d", where, ex.Packet.WinScale, ws)
			}
			tcp, _ := layerByName(Dissect(f.link, f.data), "TCP")
			opts, _ := field(tcp.Fields, "Options")
			var got []opt
			for _, o := range opts.Children {
				// gopacket stops at a malformed option and keeps the
				// well-formed ones before it.
				if o.Name == "Padding" || strings.HasPrefix(o.Name, "Malformed option") {
					continue
				}
				got = append(got, opt{int(f.data[o.Start]), o.End - o.Start})
			}
			if len(got) > 0 {
				withOpts++
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s: options %v, gopacket %v", where, got, want)
			}
		}
	}
	if compared < 1000 || withOpts < 200 {
		t.Errorf("compared %d frames (%d with options); expected over 1000 (200)", compared, withOpts)
	}
}

// TestMalformedNoPanic runs Extract and Dissect over the malformed files,
// both over what pcapgo reads from them and over their raw bytes taken as
// frames of every supported link type.
func TestMalformedNoPanic(t *testing.T) {
	mal, _ := filepath.Glob(filepath.Join(sharedDir(t), "captures", "malformed", "*"))
	if len(mal) == 0 {
		t.Fatal("no malformed files")
	}
	d := newDissector()
	links := []uint16{0, 1, 9, 12, 14, 50, 101, 104, 108, 113, 228, 229, 239, 276, 147}
	n := uint32(0)
	for _, p := range mal {
		frames, _ := readFrames(p)
		for _, f := range frames {
			n++
			ex := d.Extract(n, f.link, f.data, f.origLen)
			checkDissection(t, p, f.data, Dissect(f.link, f.data))
			if ex.Kind == model.FrameTCP && !ex.Packet.Src.Addr.IsValid() {
				t.Errorf("%s: TCP frame without addresses", p)
			}
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range links {
			for off := 0; off < len(raw) && off < 256; off += 4 {
				n++
				d.Extract(n, l, raw[off:], 0)
				checkDissection(t, p, raw[off:], Dissect(l, raw[off:]))
			}
		}
	}
}

// TestMalformedTshark pins what tshark 4.0.17 makes of the malformed TCP
// files (tshark-expect.sh on each): two short segments whose data offset
// runs past the IP payload are still rows (len empty, flags 0x010), the
// fuzzed headers are rows with tcp.len from the IP total length, and a
// header cut after the sequence number is undecodable.
func TestMalformedTshark(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "captures", "malformed")
	cases := []struct {
		file  string
		frame int
		kind  model.FrameKind
		len   uint32
		flags model.Flags
		short bool // tshark's tcp.len is empty
	}{
		{"ppp_tcp-malformed.pcap", 1, model.FrameTCP, 0, model.ACK, true},
		{"ppp_tcp-malformed.pcap", 2, model.FrameTCP, 0, model.ACK, true},
		{"tcpdump_heapoverflow-tcp_print.pcap", 1, model.FrameTCP, 12256, 0x0d30, false},
		{"tcpdump_tcp-auth-heapoverflow.pcap", 1, model.FrameTCP, 12264, 0x0c30, false},
		{"tcpdump_tcp_header_heapoverflow.pcap", 1, model.FrameUndecodable, 0, 0, false},
	}
	for _, c := range cases {
		frames, err := readFrames(filepath.Join(dir, c.file))
		if len(frames) < c.frame {
			t.Fatalf("%s: %d frames (%v)", c.file, len(frames), err)
		}
		ex := extractAll(frames)[c.frame-1]
		if ex.Kind != c.kind {
			t.Errorf("%s frame %d: kind %v (%s), want %v", c.file, c.frame, ex.Kind, ex.Reason, c.kind)
			continue
		}
		if p := ex.Packet; c.kind == model.FrameTCP && (p.Len != c.len || p.Flags != c.flags || p.Short != c.short) {
			t.Errorf("%s frame %d: len %d flags %#x short %v, tshark %d %#x %v", c.file, c.frame, p.Len, p.Flags, p.Short, c.len, c.flags, c.short)
		}
	}
}

// TestFragmentsCorpus checks which frames complete the corpus's fragmented
// datagrams and which fragments they used, as tshark reports them
// (tshark -V shows "[Frame: N, payload: a-b]" under the reassembled IPv4
// fragments of the completing frame: zeek_fragmented-4 frame 5 is built from
// frames 2, 5, 3, 4; ppp_frag_http_req frame 11 from frames 1-11;
// zeek_fragmented-syn frame 2 from frames 1 and 2).
func TestFragmentsCorpus(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "captures")
	cases := []struct {
		file       string
		completing uint32
		used       []uint32
		fragments  []uint32 // frames that stay FrameFragment
	}{
		{"zeek_fragmented-4.pcap", 5, []uint32{2, 3, 4}, []uint32{2, 3, 4}},
		{"ppp_frag_http_req.pcap", 11, []uint32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, []uint32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
		{"zeek_fragmented-syn.pcap", 2, []uint32{1}, []uint32{1}},
	}
	for _, c := range cases {
		frames, err := readFrames(filepath.Join(dir, c.file))
		if err != nil {
			t.Fatal(err)
		}
		exs := extractAll(frames)
		ex := exs[c.completing-1]
		if ex.Kind != model.FrameTCP || !ex.IsFrag || ex.Frag.Completes != c.completing {
			t.Errorf("%s frame %d: kind %v isFrag %v completes %d (%s)", c.file, c.completing, ex.Kind, ex.IsFrag, ex.Frag.Completes, ex.Reason)
		}
		if !slices.Equal(ex.FragFrames, c.used) {
			t.Errorf("%s frame %d: used frames %v, tshark %v", c.file, c.completing, ex.FragFrames, c.used)
		}
		for _, n := range c.fragments {
			if e := exs[n-1]; e.Kind != model.FrameFragment || !e.IsFrag || e.Frag.Frame != n {
				t.Errorf("%s frame %d: kind %v, frag %+v, want a fragment", c.file, n, e.Kind, e.Frag)
			}
		}
	}
	// ppp_frag_http_req: tshark -T fields -e ip.id -e ip.flags -e ip.frag_offset
	// shows id 0x425f, MF on frames 1-10, offsets 0, 18, 36, ... 180 (in 8-byte
	// units), IP total length 164 (144 bytes of payload) but 60 on frame 11.
	frames, _ := readFrames(filepath.Join(dir, "ppp_frag_http_req.pcap"))
	for i, ex := range extractAll(frames) {
		f := ex.Frag
		wantLen := uint16(144)
		if i == 10 {
			wantLen = 40
		}
		if f.ID != 0x425f || f.MF != (i < 10) || f.DF || f.Offset != uint16(i*18*8) || f.Len != wantLen {
			t.Errorf("ppp_frag_http_req frame %d: fragment %+v", i+1, f)
		}
	}
}

// TestDissectFieldsSSH checks Dissect's fields on the first frame of
// tcpdump_ssh.pcap against tshark -V's account of it
// (tshark -r tcpdump_ssh.pcap -V -c 1).
func TestDissectFieldsSSH(t *testing.T) {
	frames, err := readFrames(filepath.Join(sharedDir(t), "captures", "tcpdump_ssh.pcap"))
	if err != nil || len(frames) == 0 {
		t.Fatal(err)
	}
	d := Dissect(frames[0].link, frames[0].data)
	if d.Problem != "" {
		t.Fatal(d.Problem)
	}
	got := map[string]string{}
	for _, l := range d.Layers {
		var walk func(prefix string, fs []model.Field)
		walk = func(prefix string, fs []model.Field) {
			for _, f := range fs {
				got[prefix+f.Name] = f.Value
				walk(prefix+f.Name+"/", f.Children)
			}
		}
		walk(l.Name+"/", l.Fields)
	}
	want := tsharkFieldsSSH1()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

// tsharkFieldsSSH1 lists field values of tcpdump_ssh.pcap frame 1 as
// tshark -V prints them (written in Dissect's names).
func tsharkFieldsSSH1() map[string]string {
	return map[string]string{
		"Ethernet II/Destination":                        "d4:ca:6d:2e:7f:67",
		"Ethernet II/Source":                             "8c:85:90:3f:77:dd",
		"Ethernet II/Type":                               "0x0800 (IPv4)",
		"IPv4/Header length":                             "20 bytes (5)",
		"IPv4/Total length":                              "64",
		"IPv4/Identification":                            "0x0000 (0)",
		"IPv4/Flags":                                     "0x2 (DF)",
		"IPv4/Flags/Don't fragment (DF)":                 "set",
		"IPv4/Flags/More fragments (MF)":                 "not set",
		"IPv4/Time to live":                              "64",
		"IPv4/Protocol":                                  "6 (TCP)",
		"IPv4/Header checksum":                           "0x0344",
		"IPv4/Source":                                    "202.108.87.165",
		"IPv4/Destination":                               "223.132.53.222",
		"TCP/Source port":                                "62146",
		"TCP/Destination port":                           "22",
		"TCP/Sequence number":                            "4082233688",
		"TCP/Data offset":                                "44 bytes (11)",
		"TCP/Flags/Syn (SYN)":                            "set",
		"TCP/Flags/Acknowledgment (ACK)":                 "not set",
		"TCP/Window":                                     "65535",
		"TCP/Checksum":                                   "0xec12",
		"TCP/Urgent pointer":                             "0",
		"TCP/Options/Maximum segment size":               "1460 bytes",
		"TCP/Options/Window scale":                       "6 (multiply by 64)",
		"TCP/Options/SACK permitted":                     "",
		"TCP/Options/Timestamps":                         "TSval 1948436430, TSecr 0",
		"TCP/Options/Timestamps/Timestamp value (TSval)": "1948436430",
		"TCP/Options/Timestamps/Timestamp echo reply (TSecr)": "0",
	}
}

// tsharkProto maps Dissect's layer names to tshark's frame.protocols names.
var tsharkProto = map[string]string{
	"Ethernet II": "eth", "IEEE 802.3 Ethernet": "eth", "802.1Q VLAN": "vlan", "802.1ad QinQ": "vlan",
	"QinQ VLAN (0x9100)": "vlan", "IEEE 802.2 LLC": "llc", "Linux cooked capture": "sll",
	"Linux cooked capture v2": "sll", "BSD loopback": "null", "PPP": "ppp", "Cisco HDLC": "chdlc",
	"Linux netfilter log (NFLOG)": "nflog", "PPPoE session": "pppoes", "MPLS": "mpls", "GRE": "gre",
	"UDP": "udp", "VXLAN": "vxlan", "Geneve": "geneve", "IPv4": "ip", "IPv6": "ipv6",
	"IPv6 hop-by-hop options": "ipv6.hopopts", "IPv6 routing": "ipv6.routing",
	"IPv6 destination options": "ipv6.dstopts", "IPv6 fragment": "ipv6.fraghdr",
	"IPv6 fragment (atomic)": "ipv6.fraghdr", "TCP": "tcp", "ICMP": "icmp", "ICMPv6": "icmpv6", "ARP": "arp",
}

// TestDissectProtocolsTshark compares the layers Dissect finds in every
// corpus frame with tshark's frame.protocols, up to the transport layer
// (only with TCPSTEP_TSHARK=1: it runs tshark once per capture).
func TestDissectProtocolsTshark(t *testing.T) {
	if os.Getenv("TCPSTEP_TSHARK") != "1" {
		t.Skip("set TCPSTEP_TSHARK=1 to compare layers with tshark's frame.protocols")
	}
	stop := map[string]bool{"tcp": true, "udp": true, "icmp": true, "icmpv6": true, "arp": true, "data": true}
	known := map[string]bool{}
	for _, p := range tsharkProto {
		known[p] = true
	}
	for _, capPath := range corpusCaptures(t) {
		t.Run(filepath.Base(capPath), func(t *testing.T) {
			out, err := exec.Command("tshark", "-n", "-r", capPath, "-T", "fields", "-e", "frame.protocols").Output()
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
			frames, _ := readFrames(capPath)
			if len(lines) != len(frames) {
				t.Fatalf("tshark lists %d frames, pcapgo read %d", len(lines), len(frames))
			}
			exs := extractAll(frames)
			for i, f := range frames {
				if exs[i].IsFrag {
					continue // tshark shows the reassembled datagram
				}
				var want []string
				for _, p := range strings.Split(lines[i], ":") {
					if p == "data" {
						break
					}
					if !known[p] {
						continue // ethertype, and protocols Dissect does not name (slarp)
					}
					want = append(want, p)
					if stop[p] {
						break
					}
				}
				var got []string
				for _, l := range Dissect(f.link, f.data).Layers {
					p, ok := tsharkProto[l.Name]
					if !ok {
						continue
					}
					got = append(got, p)
					if stop[p] {
						break
					}
				}
				if strings.Join(got, ":") != strings.Join(want, ":") {
					t.Errorf("frame %d: layers %s, tshark %s", i+1, strings.Join(got, ":"), lines[i])
				}
			}
		})
	}
}
