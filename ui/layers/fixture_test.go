package layers

import (
	"fmt"
	"net"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/tcpstep/tcpstep/model"
)

// testFrame builds an Ethernet/IPv4/TCP frame with gopacket and describes it
// as a Dissection by hand from the header layouts of RFC 791 and RFC 793, so
// the pane is tested against byte offsets that do not come from the code
// under test.
func testFrame(t testing.TB, payload []byte) ([]byte, model.Dissection) {
	t.Helper()
	eth := &layers.Ethernet{
		SrcMAC:       net.HardwareAddr{0x00, 0x11, 0x22, 0x33, 0x44, 0x55},
		DstMAC:       net.HardwareAddr{0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb},
		EthernetType: layers.EthernetTypeIPv4,
	}
	ip := &layers.IPv4{
		Version: 4, TTL: 64, Id: 0x1c46, Flags: layers.IPv4DontFragment,
		Protocol: layers.IPProtocolTCP,
		SrcIP:    net.IPv4(10, 0, 0, 1), DstIP: net.IPv4(10, 0, 0, 2),
	}
	tcp := &layers.TCP{
		SrcPort: 1234, DstPort: 25, Seq: 1023645923, Ack: 1530493734,
		PSH: true, ACK: true, Window: 65535,
		Options: []layers.TCPOption{
			{OptionType: layers.TCPOptionKindNop},
			{OptionType: layers.TCPOptionKindNop},
			{OptionType: layers.TCPOptionKindTimestamps, OptionLength: 10, OptionData: []byte{0, 0, 0, 1, 0, 0, 0, 2}},
		},
	}
	if err := tcp.SetNetworkLayerForChecksum(ip); err != nil {
		t.Fatal(err)
	}
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if err := gopacket.SerializeLayers(buf, opts, eth, ip, tcp, gopacket.Payload(payload)); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	const e, i = 14, 34 // where IPv4 and TCP start
	tcpLen := 32
	p := i + tcpLen
	f := func(name, val string, s, n int, kids ...model.Field) model.Field {
		return model.Field{Name: name, Value: val, Start: s, End: s + n, Children: kids}
	}
	d := model.Dissection{Layers: []model.Layer{
		{Name: "Ethernet II", Kind: model.LayerLink, Start: 0, End: e, Fields: []model.Field{
			f("destination", "66:77:88:99:aa:bb", 0, 6),
			f("source", "00:11:22:33:44:55", 6, 6),
			f("type", "IPv4 (0x0800)", 12, 2),
		}},
		{Name: "IPv4", Kind: model.LayerIP, Start: e, End: i, Fields: []model.Field{
			f("version", "4", e, 1),
			f("IHL", "20 bytes", e, 1),
			f("TOS", "0x00", e+1, 1),
			f("total length", fmt.Sprint(len(data)-e), e+2, 2),
			f("ID", "0x1c46 (7238)", e+4, 2),
			f("flags", "DF", e+6, 1, f("DF", "set", e+6, 1), f("MF", "not set", e+6, 1)),
			f("fragment offset", "0", e+6, 2),
			f("TTL", "64", e+8, 1),
			f("protocol", "TCP (6)", e+9, 1),
			f("checksum", fmt.Sprintf("0x%02x%02x", data[e+10], data[e+11]), e+10, 2),
			f("source", "10.0.0.1", e+12, 4),
			f("destination", "10.0.0.2", e+16, 4),
		}},
		{Name: "TCP", Kind: model.LayerTransport, Start: i, End: p, Fields: []model.Field{
			f("source port", "1234", i, 2),
			f("destination port", "25", i+2, 2),
			f("SEQ", "1023645923", i+4, 4),
			f("ACK", "1530493734", i+8, 4),
			f("data offset", "32 bytes", i+12, 1),
			f("flags", "0x018 (PSH, ACK)", i+12, 2, f("ACK", "set", i+13, 1), f("PSH", "set", i+13, 1)),
			f("window", "65535", i+14, 2),
			f("checksum", fmt.Sprintf("0x%02x%02x", data[i+16], data[i+17]), i+16, 2),
			f("urgent pointer", "0", i+18, 2),
			f("options", "NOP, NOP, timestamps", i+20, 12,
				f("NOP", "", i+20, 1), f("NOP", "", i+21, 1), f("timestamps", "TSval 1 TSecr 2", i+22, 10)),
		}},
	}}
	if len(payload) > 0 {
		d.Layers = append(d.Layers, model.Layer{Name: "Payload", Kind: model.LayerPayload, Start: p, End: p + len(payload),
			Fields: []model.Field{f("data", fmt.Sprintf("%d bytes", len(payload)), p, len(payload))}})
	}
	return data, d
}
