package decode

import (
	"encoding/binary"
	"testing"
)

// synthCapture writes a classic pcap of n Ethernet/IPv4/TCP frames spread
// over conns conversations, each opened with a handshake and then carrying
// 100-byte data segments and their ACKs: the shape of a busy server's
// capture, for whole-pipeline benchmarks.
func synthCapture(n, conns int) []byte {
	const payload = 100
	frame := make([]byte, 14+20+20+payload)
	out := make([]byte, 0, 24+n*(16+len(frame)))
	hdr := make([]byte, 24)
	binary.LittleEndian.PutUint32(hdr[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(hdr[4:], 2)
	binary.LittleEndian.PutUint16(hdr[6:], 4)
	binary.LittleEndian.PutUint32(hdr[16:], 65535)
	binary.LittleEndian.PutUint32(hdr[20:], 1) // Ethernet
	out = append(out, hdr...)

	type conn struct{ cseq, sseq uint32 }
	cs := make([]conn, conns)
	for i := range cs {
		cs[i] = conn{cseq: uint32(i) * 7919, sseq: uint32(i) * 104729}
	}
	rec := make([]byte, 16)
	for i := 0; i < n; i++ {
		c := i % conns
		round := i / conns
		cc := &cs[c]
		var fromClient bool
		var flags byte
		var seq, ack uint32
		var plen int
		switch round {
		case 0:
			fromClient, flags, seq = true, 0x02, cc.cseq
		case 1:
			fromClient, flags, seq, ack = false, 0x12, cc.sseq, cc.cseq+1
		case 2:
			fromClient, flags, seq, ack = true, 0x10, cc.cseq+1, cc.sseq+1
		default:
			fromClient = round%2 == 1
			flags = 0x18
			k := uint32(round-3) / 2
			if fromClient {
				seq, ack, plen = cc.cseq+1+k*payload, cc.sseq+1, payload
			} else {
				flags, seq, ack = 0x10, cc.sseq+1, cc.cseq+1+(k+1)*payload
			}
		}
		// Ethernet
		copy(frame[0:6], []byte{2, 0, 0, 0, 0, 2})
		copy(frame[6:12], []byte{2, 0, 0, 0, 0, 1})
		frame[12], frame[13] = 0x08, 0x00
		// IPv4
		ip := frame[14:34]
		ip[0] = 0x45
		binary.BigEndian.PutUint16(ip[2:], uint16(40+plen))
		ip[8], ip[9] = 64, 6
		client := [4]byte{10, byte(c >> 16), byte(c >> 8), byte(c)}
		server := [4]byte{192, 0, 2, 80}
		src, dst := client, server
		if !fromClient {
			src, dst = server, client
		}
		copy(ip[12:16], src[:])
		copy(ip[16:20], dst[:])
		// TCP
		tcp := frame[34:54]
		cport, sport := uint16(1024+c%60000), uint16(80)
		if fromClient {
			binary.BigEndian.PutUint16(tcp[0:], cport)
			binary.BigEndian.PutUint16(tcp[2:], sport)
		} else {
			binary.BigEndian.PutUint16(tcp[0:], sport)
			binary.BigEndian.PutUint16(tcp[2:], cport)
		}
		binary.BigEndian.PutUint32(tcp[4:], seq)
		binary.BigEndian.PutUint32(tcp[8:], ack)
		tcp[12] = 5 << 4
		tcp[13] = flags
		binary.BigEndian.PutUint16(tcp[14:], 65535)
		caplen := 54 + plen
		ts := int64(i) * 10000 // 10 µs apart
		binary.LittleEndian.PutUint32(rec[0:], uint32(1700000000+ts/1e9))
		binary.LittleEndian.PutUint32(rec[4:], uint32(ts%1e9/1e3))
		binary.LittleEndian.PutUint32(rec[8:], uint32(caplen))
		binary.LittleEndian.PutUint32(rec[12:], uint32(caplen))
		out = append(out, rec...)
		out = append(out, frame[:caplen]...)
	}
	return out
}

// BenchmarkLoad measures the whole indexing pipeline (read, extract, build
// the timeline) on a generated capture of 200,000 frames in 2,000
// conversations. Run: go test -run=^$ -bench=Load -benchmem ./decode
func BenchmarkLoad(b *testing.B) {
	const frames = 200_000
	data := synthCapture(frames, 2000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		in, err := OpenBytes("synth.pcap", data)
		if err != nil {
			b.Fatal(err)
		}
		tl, err := in.Load(nil)
		if err != nil {
			b.Fatal(err)
		}
		if len(tl.Segments) != frames {
			b.Fatalf("got %d segments, want %d", len(tl.Segments), frames)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*frames), "ns/frame")
}
