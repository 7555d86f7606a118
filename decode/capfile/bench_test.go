package capfile

import (
	"bytes"
	"io"
	"testing"

	"github.com/gopacket/gopacket/pcapgo"
)

const benchRecords = 200_000

// benchFrames returns the frame sizes of a TCP conversation: mostly bare
// ACKs and small segments (54-74 bytes: Ethernet, IPv4, TCP with or without
// timestamps) with some payload-carrying ones.
func benchFrames() []int {
	sizes := make([]int, benchRecords)
	for i := range sizes {
		switch {
		case i%10 == 9:
			sizes[i] = 1514
		case i%3 == 0:
			sizes[i] = 66
		default:
			sizes[i] = 54 + i%200
		}
	}
	return sizes
}

func benchPcap() []byte {
	payload := frame(1514, 42)
	var b bytes.Buffer
	b.Write(pcapFile(le, 0xa1b2c3d4, 2, 4, 262144, 1))
	var hdr [16]byte
	for i, n := range benchFrames() {
		le.PutUint32(hdr[0:], uint32(1700000000+i/1000))
		le.PutUint32(hdr[4:], uint32(i%1000)*1000)
		le.PutUint32(hdr[8:], uint32(n))
		le.PutUint32(hdr[12:], uint32(n))
		b.Write(hdr[:])
		b.Write(payload[:n])
	}
	return b.Bytes()
}

func benchPcapng() []byte {
	payload := frame(1514, 42)
	var b bytes.Buffer
	b.Write(ngSHB(le, 1, 0))
	b.Write(ngIDB(le, 1, 262144, ngOpt(le, optTSResol, []byte{9}), ngEndOpt))
	for i, n := range benchFrames() {
		b.Write(ngEPB(le, 0, uint64(1700000000+i/1000)*1e9+uint64(i%1000)*1e6, uint32(n), payload[:n]))
	}
	return b.Bytes()
}

func benchRead(b *testing.B, file []byte) {
	b.SetBytes(int64(len(file)))
	b.ReportAllocs()
	var n int
	for b.Loop() {
		r, err := NewReader(bytes.NewReader(file))
		if err != nil {
			b.Fatal(err)
		}
		n = 0
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	if n != benchRecords {
		b.Fatalf("read %d records, want %d", n, benchRecords)
	}
	b.ReportMetric(float64(benchRecords)*float64(b.N)/b.Elapsed().Seconds(), "packets/s")
}

// BenchmarkReadPcap reads a 200,000-record pcap from memory.
func BenchmarkReadPcap(b *testing.B) { benchRead(b, benchPcap()) }

// BenchmarkReadPcapng reads the same records as Enhanced Packet Blocks.
func BenchmarkReadPcapng(b *testing.B) { benchRead(b, benchPcapng()) }

// BenchmarkPcapgoZeroCopy is gopacket's fastest pcap path on the same file,
// for comparison.
func BenchmarkPcapgoZeroCopy(b *testing.B) {
	file := benchPcap()
	b.SetBytes(int64(len(file)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := pcapgo.NewReader(bytes.NewReader(file))
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, _, err := r.ZeroCopyReadPacketData(); err != nil {
				break
			}
		}
	}
	b.ReportMetric(float64(benchRecords)*float64(b.N)/b.Elapsed().Seconds(), "packets/s")
}
