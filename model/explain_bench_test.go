package model

import "testing"

// BenchmarkExplain explains steps deep in a long bulk transfer (an ACK
// every two segments, a few retransmissions), in both numberings: one step
// must stay instant however long the conversation.
func BenchmarkExplain(b *testing.B) {
	t := newTB()
	t.handshake()
	seq := uint32(1001)
	for i := 0; i < 50000; i++ {
		ms := float64(3 + i)
		t.add(S(ACK, 5001+uint32(i)*2000, 1001, 1000, ms))
		t.add(S(ACK, 5001+uint32(i)*2000+1000, 1001, 1000, ms))
		t.add(C(ACK, seq, 5001+uint32(i+1)*2000, 0, ms+0.5))
		if i%1000 == 999 {
			t.add(S(ACK, 5001+uint32(i)*2000, 1001, 1000, ms+0.7)) // a resend
		}
	}
	tl := t.Finish()
	n := len(tl.Segments)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = Explain(tl, n-1-i%1000, i%2 == 0)
	}
}
