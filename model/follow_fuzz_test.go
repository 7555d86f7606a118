package model

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// FuzzFollow builds a conversation from arbitrary segment descriptions
// (direction, flags, sequence and acknowledgement offsets, lengths, how much
// of the payload was captured) and checks what must hold whatever the
// input: no panic; each direction's chunks contiguous and non-empty; every
// data byte the byte its segment carried at that sequence number; no
// segment's bytes placed twice; the dialogue holding exactly the two
// directions' chunks.
func FuzzFollow(f *testing.F) {
	f.Add([]byte{0, 2, 0, 0, 0, 1, 2, 0, 0, 0, 0, 16, 0, 0, 0, 1, 5, 5, 0, 16, 1, 0, 0, 0, 3, 0})
	f.Add(bytes.Repeat([]byte{0, 16, 0, 10, 0, 0, 9, 9, 1, 16, 0, 0, 0, 20, 0, 0}, 6))
	f.Fuzz(func(t *testing.T, in []byte) {
		fc := newFollowConv()
		// Each segment takes 7 bytes: dir+flags, seq delta (2), ack
		// delta (2), length, captured length.
		const rec = 7
		var seq, peer [2]uint32
		seq[0], seq[1] = 0xfffffff0, 1000
		for len(in) >= rec && fc.n < 300 {
			r := in[:rec]
			in = in[rec:]
			d := int(r[0] & 1)
			flags := Flags(r[0]>>1) & (SYN | FIN | RST | PSH | ACK)
			s := seq[d] + uint32(int16(binary.BigEndian.Uint16(r[1:3])))
			ack := peer[d] + uint32(int16(binary.BigEndian.Uint16(r[3:5])))
			n := int(r[5] % 40)
			captured := min(int(r[6]%40), n)
			// The payload is a function of the sequence number, so copies
			// agree byte for byte and any misplacement shows.
			data := make([]byte, captured)
			start := s
			if flags&SYN != 0 {
				start++
			}
			for i := range data {
				data[i] = byte(start + uint32(i))
			}
			fc.seg(d == 0, flags, s, ack, string(data), n)
			seq[d] = s + uint32(n)
			peer[1-d] = seq[d]
		}
		tl := fc.b.Finish()
		for _, c := range tl.Conversations {
			all, err := FollowDialogue(tl, c, fc.getter)
			if err != nil {
				t.Fatal(err)
			}
			total := 0
			for d := range 2 {
				chunks, err := FollowDir(tl, c, Dir(d), fc.getter)
				if err != nil {
					t.Fatal(err)
				}
				checkChunks(t, chunks)
				total += len(chunks)
				for _, ch := range chunks {
					if ch.Kind != ChunkData {
						continue
					}
					s := &tl.Segments[ch.Seg]
					start := s.RelSeq
					if s.Flags&SYN != 0 {
						start++
					}
					off := int(int32(ch.Seq - start))
					p := fc.payloads[ch.Seg]
					if off < 0 || off+len(ch.Data) > len(p) || !bytes.Equal(ch.Data, p[off:off+len(ch.Data)]) {
						t.Fatalf("chunk at %d from segment %d (start %d, %d bytes) holds other bytes", ch.Seq, ch.Seg, start, len(p))
					}
				}
			}
			if len(all) != total {
				t.Fatalf("dialogue has %d chunks, the directions %d", len(all), total)
			}
		}
	})
}
