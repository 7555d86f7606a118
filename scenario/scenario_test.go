package scenario

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// pkt is one frame of a crafted capture, decoded by gopacket.
type pkt struct {
	ts   time.Time
	ip4  *layers.IPv4
	ip6  *layers.IPv6
	tcp  *layers.TCP
	icmp *layers.ICMPv4
	eth  *layers.Ethernet
	raw  []byte
}

func craft(t *testing.T, src string) []pkt {
	t.Helper()
	b, err := Craft("t.tcpscenario", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return packets(t, b)
}

func packets(t *testing.T, b []byte) []pkt {
	t.Helper()
	r, err := pcapgo.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	first := layers.LayerTypeEthernet
	if r.LinkType() == layers.LinkTypeRaw {
		first = layers.LayerTypeIPv4
	}
	var out []pkt
	for {
		data, ci, err := r.ReadPacketData()
		if err != nil {
			break
		}
		lt := first
		if first == layers.LayerTypeIPv4 && data[0]>>4 == 6 {
			lt = layers.LayerTypeIPv6
		}
		p := gopacket.NewPacket(data, lt, gopacket.Default)
		if el := p.ErrorLayer(); el != nil {
			t.Fatalf("frame %d: %v", len(out)+1, el.Error())
		}
		x := pkt{ts: ci.Timestamp, raw: data}
		x.eth, _ = p.Layer(layers.LayerTypeEthernet).(*layers.Ethernet)
		x.ip4, _ = p.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
		x.ip6, _ = p.Layer(layers.LayerTypeIPv6).(*layers.IPv6)
		x.tcp, _ = p.Layer(layers.LayerTypeTCP).(*layers.TCP)
		x.icmp, _ = p.Layer(layers.LayerTypeICMPv4).(*layers.ICMPv4)
		out = append(out, x)
	}
	return out
}

const hdr = `client 192.0.2.1:40000 isn 1000
server 192.0.2.2:80 isn 5000
`

func seqAck(p pkt) [2]uint32 { return [2]uint32{p.tcp.Seq, p.tcp.Ack} }

// A handshake is three short lines, and the defaults are RFC 9293's
// arithmetic: SEQ is SND.NXT, ACK is RCV.NXT, SYN and FIN use one number.
func TestDefaults(t *testing.T) {
	ps := craft(t, hdr+`
0.000 > S
0.010 < S.
+0.001 > .
0.020 > P. "hello"
0.030 < . 
0.040 < P. 3 bytes
0.041 > F.
0.050 < F.
0.051 > .
`)
	want := [][2]uint32{
		{1000, 0},    // SYN: ISN, no ACK
		{5000, 1001}, // SYN,ACK: ISN, ACK = client ISN + 1
		{1001, 5001}, // ACK
		{1001, 5001}, // data at SND.NXT
		{5001, 1006}, // ACK of 5 bytes
		{5001, 1006}, // 3 bytes
		{1006, 5004}, // FIN
		{5004, 1007}, // FIN acknowledges the FIN (+1)
		{1007, 5005}, // last ACK
	}
	if len(ps) != len(want) {
		t.Fatalf("%d frames, want %d", len(ps), len(want))
	}
	for i, p := range ps {
		if got := seqAck(p); got != want[i] {
			t.Errorf("frame %d: SEQ/ACK %v, want %v", i+1, got, want[i])
		}
	}
	if !ps[0].tcp.SYN || ps[0].tcp.ACK || !ps[1].tcp.SYN || !ps[1].tcp.ACK || !ps[3].tcp.PSH || !ps[6].tcp.FIN {
		t.Error("flags not as written")
	}
	if d := ps[2].ts.Sub(ps[1].ts); d != time.Millisecond {
		t.Errorf("+0.001 gave a gap of %v", d)
	}
	if string(ps[3].tcp.Payload) != "hello" || !bytes.Equal(ps[5].tcp.Payload, []byte{0, 0, 0}) {
		t.Errorf("payloads %q %q", ps[3].tcp.Payload, ps[5].tcp.Payload)
	}
	// Defaults: an MSS option in the SYNs, window 65535, TTL 64, DF,
	// IP IDs counting up per host, documentation MACs.
	if len(ps[0].tcp.Options) != 1 || ps[0].tcp.Options[0].OptionType != layers.TCPOptionKindMSS || ps[0].tcp.Window != 65535 {
		t.Errorf("SYN options %v window %d", ps[0].tcp.Options, ps[0].tcp.Window)
	}
	if ps[0].ip4.TTL != 64 || ps[0].ip4.Flags&layers.IPv4DontFragment == 0 || ps[2].ip4.Id != ps[0].ip4.Id+1 {
		t.Errorf("IP header %+v", ps[0].ip4)
	}
	if ps[0].eth.SrcMAC.String() != "00:00:5e:00:53:10" || ps[0].eth.DstMAC.String() != "00:00:5e:00:53:11" {
		t.Errorf("MACs %s %s", ps[0].eth.SrcMAC, ps[0].eth.DstMAC)
	}
}

func TestNumbersAndOptions(t *testing.T) {
	ps := craft(t, `numbers: absolute
client 192.0.2.1:40000 isn 100 stack linux tsval 7000
server 192.0.2.2:80 isn 300 stack linux-server tsval 9000
0.000 > S
0.010 < S.
0.011 > . seq 101 ack 301
0.012 > . seq rel:1 ack abs:301 win 1000 "x"
0.013 < . sack 101:102 tsecr 1
0.014 > . <nop,nop,TS val 5 ecr 6,mss 536>
`)
	if ps[2].tcp.Seq != 101 || ps[2].tcp.Ack != 301 || ps[3].tcp.Seq != 101 || ps[3].tcp.Window != 1000 {
		t.Errorf("numbers: %v %v win %d", seqAck(ps[2]), seqAck(ps[3]), ps[3].tcp.Window)
	}
	// Linux's SYN layout: MSS, SACK permitted, timestamps, NOP, window scale.
	var kinds []layers.TCPOptionKind
	for _, o := range ps[0].tcp.Options {
		kinds = append(kinds, o.OptionType)
	}
	want := []layers.TCPOptionKind{layers.TCPOptionKindMSS, layers.TCPOptionKindSACKPermitted, layers.TCPOptionKindTimestamps, layers.TCPOptionKindNop, layers.TCPOptionKindWindowScale}
	if len(kinds) != len(want) {
		t.Fatalf("SYN options %v", kinds)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Fatalf("SYN options %v, want %v", kinds, want)
		}
	}
	ts := func(p pkt) (uint32, uint32) {
		for _, o := range p.tcp.Options {
			if o.OptionType == layers.TCPOptionKindTimestamps {
				return binary.BigEndian.Uint32(o.OptionData), binary.BigEndian.Uint32(o.OptionData[4:])
			}
		}
		return 0, 0
	}
	if v, e := ts(ps[0]); v != 7000 || e != 0 {
		t.Errorf("SYN TS %d %d", v, e)
	}
	if v, e := ts(ps[1]); v != 9010 || e != 7000 {
		t.Errorf("SYN,ACK TS %d %d: the clock ticks 1000 a second, the echo is the SYN's", v, e)
	}
	if ps[2].tcp.Window != 502 || ps[1].tcp.Window != 65160 {
		t.Errorf("windows %d %d", ps[2].tcp.Window, ps[1].tcp.Window)
	}
	var sack []byte
	for _, o := range ps[4].tcp.Options {
		if o.OptionType == layers.TCPOptionKindSACK {
			sack = o.OptionData
		}
	}
	if len(sack) != 8 || binary.BigEndian.Uint32(sack) != 101 || binary.BigEndian.Uint32(sack[4:]) != 102 {
		t.Errorf("SACK block %x", sack)
	}
	if _, e := ts(ps[4]); e != 1 {
		t.Errorf("tsecr override: %d", e)
	}
	if v, e := ts(ps[5]); v != 5 || e != 6 || ps[5].tcp.Options[3].OptionType != layers.TCPOptionKindMSS {
		t.Errorf("explicit options %v", ps[5].tcp.Options)
	}
}

func TestHeaderDefaults(t *testing.T) {
	ps := craft(t, "defaults mss 536 ttl 32\nclient 192.0.2.1:1 ttl 128\nserver 192.0.2.2:2\n0 > S\n0.01 < S.\n")
	mss := func(p pkt) uint16 { return binary.BigEndian.Uint16(p.tcp.Options[0].OptionData) }
	if mss(ps[0]) != 536 || mss(ps[1]) != 536 || ps[0].ip4.TTL != 128 || ps[1].ip4.TTL != 32 {
		t.Errorf("MSS %d %d, TTL %d %d", mss(ps[0]), mss(ps[1]), ps[0].ip4.TTL, ps[1].ip4.TTL)
	}
	if _, err := Craft("x", []byte("defaults isn 5\n")); err == nil || !strings.Contains(err.Error(), "x:1: isn belongs") {
		t.Errorf("defaults isn: %v", err)
	}
}

func TestMarkers(t *testing.T) {
	t.Run("lost at the client", func(t *testing.T) {
		ps := craft(t, hdr+"capture client\n0 > S\n0.01 < S.\n0.011 > .\n0.02 > P. \"abc\" lost\n0.03 < .\n0.04 < P. \"xy\" lost\n0.05 > .\n")
		// The client's lost segment is captured (it passed the capture
		// point) and not delivered: the server's ACK does not cover it.
		// The server's is neither captured nor delivered.
		if len(ps) != 6 {
			t.Fatalf("%d frames, want 6", len(ps))
		}
		if ps[4].tcp.Ack != 1001 || ps[5].tcp.Ack != 5001 || ps[5].tcp.Seq != 1004 {
			t.Errorf("after losses: %v %v", seqAck(ps[4]), seqAck(ps[5]))
		}
	})
	t.Run("lost at the server", func(t *testing.T) {
		ps := craft(t, hdr+"capture server\n0 > S\n0.01 < S.\n0.011 > .\n0.02 > P. \"abc\" lost\n0.03 < . \n")
		if len(ps) != 4 || ps[3].tcp.Ack != 1001 {
			t.Fatalf("%d frames; the server's ACK %v", len(ps), seqAck(ps[len(ps)-1]))
		}
	})
	t.Run("dup", func(t *testing.T) {
		ps := craft(t, hdr+"0 > S\n0.01 < S. dup\n")
		if len(ps) != 3 || !bytes.Equal(ps[1].raw, ps[2].raw) {
			t.Fatal("dup: want the same frame twice")
		}
	})
	t.Run("reorder", func(t *testing.T) {
		ps := craft(t, hdr+"0 > S\n0.01 < S.\n0.011 > .\n0.030 > . \"aa\" reorder\n0.020 > . \"bb\"\n0.040 < .\n")
		// Sent in file order (SEQ 1 then 3), seen the other way round;
		// the receiver holds the early one and acknowledges both.
		if len(ps) != 6 || ps[3].tcp.Seq != 1003 || ps[4].tcp.Seq != 1001 || ps[5].tcp.Ack != 1005 {
			t.Fatalf("reorder: %v %v %v", seqAck(ps[3]), seqAck(ps[4]), seqAck(ps[5]))
		}
		if !ps[3].ts.Before(ps[4].ts) || ps[4].ip4.Id >= ps[3].ip4.Id {
			t.Error("reorder: times or IP IDs not in sending order")
		}
	})
	t.Run("unrecorded and discarded", func(t *testing.T) {
		ps := craft(t, hdr+"0 > S unrecorded\n0 < S. unrecorded\n0 > . unrecorded\n1.0 > . \"z\" discarded\n1.1 < .\n")
		if len(ps) != 2 || ps[1].tcp.Ack != 1001 || ps[0].tcp.Seq != 1001 {
			t.Fatalf("%d frames, %v", len(ps), seqAck(ps[len(ps)-1]))
		}
	})
	t.Run("frag", func(t *testing.T) {
		ps := craft(t, hdr+"0 > S\n0.01 < S.\n0.011 > .\n0.02 < . 3000 bytes frag 1500 order 2,0,1 gap 0.0001\n0.03 > .\n")
		if len(ps) != 7 {
			t.Fatalf("%d frames", len(ps))
		}
		offs := [3]uint16{ps[3].ip4.FragOffset, ps[4].ip4.FragOffset, ps[5].ip4.FragOffset}
		if offs != [3]uint16{370, 0, 185} {
			t.Errorf("fragment offsets %v", offs)
		}
		if ps[4].ip4.Flags&layers.IPv4MoreFragments == 0 || ps[3].ip4.Flags&layers.IPv4MoreFragments != 0 || ps[3].ip4.Id != ps[4].ip4.Id {
			t.Error("fragment flags or IDs")
		}
		if ps[6].tcp.Ack != 8001 {
			t.Errorf("ACK after the fragments %d", ps[6].tcp.Ack)
		}
	})
	t.Run("icmp", func(t *testing.T) {
		ps := craft(t, hdr+"host gw 192.0.2.254 ttl 255\n0 > S\n0.01 < S.\n0.011 > .\n0.02 < . 1448 bytes label big lost after\n0.03 icmp gw > server frag-needed mtu 1400 quoting big ttl 60\n")
		ic := ps[4]
		if ic.icmp == nil || ic.icmp.TypeCode != layers.CreateICMPv4TypeCode(3, 4) || ic.icmp.Seq != 1400 {
			t.Fatalf("icmp %+v", ic.icmp)
		}
		q := ic.icmp.Payload
		if len(q) != 548 || q[8] != 60 || binary.BigEndian.Uint32(q[24:]) != 5001 {
			t.Errorf("quote: %d bytes, TTL %d, SEQ %d", len(q), q[8], binary.BigEndian.Uint32(q[24:]))
		}
		if ic.ip4.TOS != 0xc0 || ic.ip4.TTL != 255 {
			t.Errorf("icmp IP header %+v", ic.ip4)
		}
	})
	t.Run("icmpv6", func(t *testing.T) {
		b, err := Craft("t", []byte("client [2001:db8::1]:40000\nserver [2001:db8::2]:80\nhost gw 2001:db8::fe ttl 64\n"+
			"0 > S\n0.01 < S.\n0.011 > .\n0.02 < . 1400 bytes lost after\n0.03 icmp gw > server packet-too-big mtu 1280\n"))
		if err != nil {
			t.Fatal(err)
		}
		r, _ := pcapgo.NewReader(bytes.NewReader(b))
		var last []byte
		for {
			d, _, err := r.ReadPacketData()
			if err != nil {
				break
			}
			last = d
		}
		p := gopacket.NewPacket(last, layers.LayerTypeEthernet, gopacket.Default)
		ic, ok := p.Layer(layers.LayerTypeICMPv6).(*layers.ICMPv6)
		if !ok || ic.TypeCode != layers.CreateICMPv6TypeCode(2, 0) {
			t.Fatalf("no ICMPv6 packet too big: %v", p)
		}
		if mtu := binary.BigEndian.Uint32(ic.Payload); mtu != 1280 || len(ic.Payload) != 4+1232 || ic.Payload[4]>>4 != 6 {
			t.Errorf("MTU %d, %d bytes quoted", mtu, len(ic.Payload)-4)
		}
		text, err := FromCapture("t", b, FromOptions{})
		if err != nil {
			t.Fatal(err)
		}
		again, err := Craft("t", []byte(text))
		if err != nil || !bytes.Equal(again, b) || !strings.Contains(text, "packet-too-big mtu 1280") {
			t.Errorf("round trip: %v\n%s", err, text)
		}
	})
	t.Run("ipv6 and raw", func(t *testing.T) {
		ps := craft(t, "link raw\nclient [2001:db8::1]:40000\nserver [2001:db8::2]:80 hops 3\n0 > S\n0.01 < S.\n")
		if ps[0].ip6 == nil || ps[1].ip6.HopLimit != 61 || ps[0].eth != nil {
			t.Fatalf("ipv6: %+v", ps[1].ip6)
		}
	})
	t.Run("forced", func(t *testing.T) {
		ps := craft(t, hdr+"0 > SF forced\n0.01 < . ack 99999 forced\n")
		if !ps[0].tcp.SYN || !ps[0].tcp.FIN || ps[1].tcp.Ack != 1000+99999 {
			t.Fatal("forced lines not sent as written")
		}
	})
}

// Every error names the file and the line, and says what is wrong.
func TestErrors(t *testing.T) {
	for _, c := range []struct {
		src  string
		line int
		want string
	}{
		{hdr + "0.000 > S\n0.010 < S. ack 2000\n", 4, "ACK 2000 is beyond what the client has sent (up to 1)"},
		{hdr + "0.000 > S\n0.010 < . \n", 4, ""},
		{hdr + "0.000 > SF\n", 3, "SYN and FIN together"},
		{hdr + "0.000 > SR\n", 3, "SYN and RST together"},
		{hdr + "0.000 > S\n0.01 < S.\n0.02 > FR.\n", 5, "RST and FIN together"},
		{hdr + "0.000 > none\n", 3, "without flags"},
		{hdr + "0.000 > S\n0.01 < S.\n0.02 > P \"x\"\n", 5, "without ACK"},
		{hdr + "0.010 > S\n0.005 < S.\n", 4, "time goes back"},
		{hdr + "0 > S\n0.01 < S.\n0.02 > F.\n0.03 > P. \"late\"\n", 6, "data beyond the client's FIN (SEQ 1)"},
		{hdr + "0.000 < S.\n", 3, "acknowledges a SYN the client has not sent"},
		{hdr + "0 > S\n0.01 < S.\n0.02 > . \"ab\" reorder\n", 5, "reorder: no later segment"},
		{hdr + "0 > X\n", 3, "flags \"X\""},
		{hdr + "0 > S seq\n", 3, "seq needs a number"},
		{hdr + "0 > S seq 99999999999\n", 3, "below 2^32"},
		{hdr + "0 > S <mss>\n", 3, "option \"mss\""},
		{hdr + "0 > S <mss 1460\n", 3, "without a closing >"},
		{hdr + "0 > P. \"abc\n", 3, "unterminated string"},
		{hdr + "0 > S \"\\q\"\n", 3, "escapes as in Go"},
		{hdr + "0 > S wibble\n", 3, "unknown word \"wibble\""},
		{hdr + "0 > S\ncapture middle\n", 4, "belongs in the header"},
		{hdr + "capture moon\n", 3, "want client, server or middle"},
		{hdr + "capture middle\n0 > S\n0.01 < S. lost\n", 5, "say lost before"},
		{hdr + "0 icmp gw > client time-exceeded\n", 3, "no host \"gw\""},
		{hdr + "host gw 192.0.2.9\n0 > S\n0.1 icmp gw > server time-exceeded\n", 5, "quoted segment came from client"},
		{hdr + "host gw 192.0.2.9\n0 icmp gw > client time-exceeded\n", 4, "no segment sent yet"},
		{hdr + "host gw 192.0.2.9\n0 > S\n0 icmp gw > client frag-needed\n", 5, "say the next hop's mtu"},
		{hdr + "host gw 192.0.2.9\n0 > S\n0 icmp gw > client frag-needed mtu 70000\n", 5, "in 16 bits"},
		{hdr + "0 > S\n0.01 < S.\n0.02 < . 100 bytes frag 60 order 0,0\n", 5, "order must list each"},
		{hdr + "host gw 192.0.2.9\n0 > S\n0 icmp gw > client type 8 code 0\n", 5, "ICMPv4 errors that quote a datagram are types 3, 11 and 12"},
		{hdr + "host gw 2001:db8::9\n0 > S\n0 icmp gw > client time-exceeded\n", 5, "must all be IPv4 or all IPv6"},
		{"client 192.0.2.1:1\n0 > S\n", 2, "declare client ADDRESS:PORT and server"},
		{"client 192.0.2.1:1\nserver [2001:db8::1]:2\n0 > S\n", 3, "both be IPv4 or both IPv6"},
		{"client 192.0.2.1\n", 1, "want ADDRESS:PORT"},
		{hdr + "client 192.0.2.3:4\n", 3, "declared twice"},
		{hdr + "host x 192.0.2.3 mac zz\n", 3, "mac zz"},
		{hdr + "conn nobody:1 server:2\n", 3, "no host \"nobody\""},
		{hdr + "\"abc\"\n", 3, "continues a segment line"},
		{hdr + "0.1\n", 3, "a time alone"},
		{hdr + "hello\n", 3, "unknown line \"hello\""},
		{hdr + "0.0000000001 > S\n", 3, "at most 9 decimals"},
	} {
		_, err := Craft("lab.tcpscenario", []byte(c.src))
		if c.want == "" {
			if err != nil {
				t.Errorf("%q: %v", c.src, err)
			}
			continue
		}
		var se *Error
		if !errors.As(err, &se) {
			t.Errorf("%q: error %v, want a *scenario.Error", c.src, err)
			continue
		}
		if se.Line != c.line || !strings.Contains(se.Msg, c.want) || !strings.HasPrefix(err.Error(), "lab.tcpscenario:") {
			t.Errorf("%q:\n got %v\nwant line %d, %q", c.src, err, c.line, c.want)
		}
	}
}

// A converter's scenario parses and crafts back to the same bytes, and so
// does a crafted capture converted again.
func TestFromCaptureOfCrafted(t *testing.T) {
	src := hdr + "host gw 192.0.2.254\n0 > S\n0.01 < S.\n0.011 > .\n0.02 < . 3000 bytes frag 1500\n0.03 > . \"\\x00\\x01binary\\xff\" \n0.04 icmp gw > client port-unreachable quoting last\n"
	want, err := Craft("a", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, abs := range []bool{false, true} {
		text, err := FromCapture("a", want, FromOptions{Absolute: abs})
		if err != nil {
			t.Fatal(err)
		}
		got, err := Craft("b", []byte(text))
		if err != nil {
			t.Fatalf("%v\n%s", err, text)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("absolute %v: round trip differs:\n%s", abs, text)
		}
	}
}
