// Package synth writes synthetic captures for benchmarks: a classic pcap of
// Ethernet/IPv4/TCP frames spread over many conversations, each opened with a
// handshake and then carrying 100-byte data segments and their ACKs, the
// shape of a busy server's capture. The output depends only on its
// arguments, so the benchmarks in the tree and scripts/bench.sh measure the
// same bytes on every machine.
package synth

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
)

// payloadLen is the length of every data segment's payload.
const payloadLen = 100

// Capture returns the capture Write produces for n frames over conns
// conversations.
func Capture(n, conns int) []byte {
	var buf bytes.Buffer
	buf.Grow(24 + n*(16+54+payloadLen))
	Write(&buf, n, conns) // a bytes.Buffer does not fail
	return buf.Bytes()
}

// Write writes a classic pcap (microsecond timestamps, Ethernet) of n frames
// spread round-robin over conns conversations: frame i belongs to
// conversation i mod conns. Each conversation's first three frames are its
// handshake; then data segments from the client alternate with the server's
// ACKs. Frames are 10 µs apart.
func Write(w io.Writer, n, conns int) error {
	if conns < 1 {
		conns = 1
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	frame := make([]byte, 14+20+20+payloadLen)
	hdr := make([]byte, 24)
	binary.LittleEndian.PutUint32(hdr[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(hdr[4:], 2)
	binary.LittleEndian.PutUint16(hdr[6:], 4)
	binary.LittleEndian.PutUint32(hdr[16:], 65535)
	binary.LittleEndian.PutUint32(hdr[20:], 1) // Ethernet
	bw.Write(hdr)

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
				seq, ack, plen = cc.cseq+1+k*payloadLen, cc.sseq+1, payloadLen
			} else {
				flags, seq, ack = 0x10, cc.sseq+1, cc.cseq+1+(k+1)*payloadLen
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
		bw.Write(rec)
		if _, err := bw.Write(frame[:caplen]); err != nil {
			return err
		}
	}
	return bw.Flush()
}
