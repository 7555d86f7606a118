package model

import "testing"

// benchFollowConv builds a 100,000-segment bulk transfer: the server sends
// 1448-byte segments, the client acknowledges every second one. With lossy
// set, every 100th segment is held back and sent after the next one (out of
// order) and every 50th is sent twice (retransmission).
func benchFollowConv(b *testing.B, lossy bool) (*Timeline, PayloadFunc) {
	b.Helper()
	const segs, mss = 100_000, 1448
	f := newFollowConv()
	f.c(SYN, 1000, 0, "")
	f.s(SYN|ACK, 5000, 1001, "")
	f.c(ACK, 1001, 5001, "")
	f.c(PSH|ACK, 1001, 5001, "GET /big HTTP/1.1\r\n\r\n")
	body := make([]byte, mss)
	for i := range body {
		body[i] = byte('a' + i%26)
	}
	seq := uint32(5001)
	ack := func(upto uint32) { f.seg(true, ACK, 1022, upto, "", 0) }
	send := func(s uint32) { f.payloads[f.seg(false, ACK, s, 1022, "", mss)] = body }
	for i := 0; i < segs-4; i++ {
		switch {
		case lossy && i%100 == 50:
			send(seq + mss) // the next one first
			send(seq)
			seq += 2 * mss
			i++
		case lossy && i%50 == 0:
			send(seq)
			send(seq)
			seq += mss
			i++
		default:
			send(seq)
			seq += mss
		}
		if i%2 == 1 {
			ack(seq)
		}
	}
	tl := f.b.Finish()
	// A slice, not the test map: the benchmark measures the reassembly,
	// not the getter.
	bySeg := make([][]byte, len(tl.Segments))
	for i, p := range f.payloads {
		bySeg[i] = p
	}
	return tl, func(seg int) ([]byte, error) { return bySeg[seg], nil }
}

func benchmarkFollow(b *testing.B, lossy bool) {
	tl, payload := benchFollowConv(b, lossy)
	c := tl.Conversations[0]
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		chunks, err := FollowDialogue(tl, c, payload)
		if err != nil || len(chunks) == 0 {
			b.Fatal(err, len(chunks))
		}
	}
	b.ReportMetric(float64(len(c.Segs)), "segments")
}

// BenchmarkFollow100k reassembles a 100,000-segment conversation (about
// 150,000 segments with the ACKs) in order.
func BenchmarkFollow100k(b *testing.B) { benchmarkFollow(b, false) }

// BenchmarkFollow100kLossy is the same with reordering and retransmissions.
func BenchmarkFollow100kLossy(b *testing.B) { benchmarkFollow(b, true) }
