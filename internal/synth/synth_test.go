package synth

import (
	"bytes"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// TestCaptureReadsBack reads a generated capture with gopacket (an
// implementation independent of tcpstep's readers) and checks the shape
// the benchmarks rely on: n frames, conversation i mod conns, a handshake
// then data and ACKs, sequence numbers that follow on.
func TestCaptureReadsBack(t *testing.T) {
	const n, conns = 1000, 7
	data := Capture(n, conns)
	if !bytes.Equal(data, Capture(n, conns)) {
		t.Fatal("two captures with the same arguments differ")
	}
	r, err := pcapgo.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	next := map[uint16]uint32{} // client port -> next client sequence number
	i := 0
	for ; ; i++ {
		b, _, err := r.ReadPacketData()
		if err != nil {
			break
		}
		p := gopacket.NewPacket(b, layers.LayerTypeEthernet, gopacket.Default)
		tcp, ok := p.Layer(layers.LayerTypeTCP).(*layers.TCP)
		if !ok {
			t.Fatalf("frame %d: no TCP layer", i+1)
		}
		c, round := i%conns, i/conns
		fromClient := tcp.DstPort == 80
		cport := uint16(tcp.SrcPort)
		if !fromClient {
			cport = uint16(tcp.DstPort)
		}
		if want := uint16(1024 + c); cport != want {
			t.Fatalf("frame %d: client port %d, want %d", i+1, cport, want)
		}
		switch {
		case round == 0:
			if !tcp.SYN || tcp.ACK || !fromClient {
				t.Fatalf("frame %d: want the client's SYN", i+1)
			}
			next[cport] = tcp.Seq + 1
		case round == 1:
			if !tcp.SYN || !tcp.ACK || fromClient || tcp.Ack != next[cport] {
				t.Fatalf("frame %d: want the server's SYN/ACK of %d", i+1, next[cport])
			}
		case fromClient && len(tcp.Payload) > 0:
			if tcp.Seq != next[cport] || len(tcp.Payload) != payloadLen {
				t.Fatalf("frame %d: data at %d (%d bytes), want at %d", i+1, tcp.Seq, len(tcp.Payload), next[cport])
			}
			next[cport] += payloadLen
		case !fromClient:
			if tcp.Ack != next[cport] {
				t.Fatalf("frame %d: server ACK %d, want %d", i+1, tcp.Ack, next[cport])
			}
		}
	}
	if i != n {
		t.Fatalf("read %d frames, want %d", i, n)
	}
}
