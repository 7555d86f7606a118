package decode

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/samples"
)

func openSample(t *testing.T, name string) (*Input, *model.Timeline) {
	t.Helper()
	b, err := samples.Bytes(name)
	if err != nil {
		t.Fatal(err)
	}
	in, err := OpenBytes("sample:"+name, b)
	return loaded(t, in, err)
}

// openTestFile opens and decodes a capture file, failing t on any error; the
// caller closes the input.
func openTestFile(t *testing.T, path string) (*Input, *model.Timeline) {
	t.Helper()
	in, err := Open(path)
	return loaded(t, in, err)
}

// loaded decodes what an Open call returned, failing t on any error.
func loaded(t *testing.T, in *Input, err error) (*Input, *model.Timeline) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	tl, err := in.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	return in, tl
}

func segOfFrame(t *testing.T, tl *model.Timeline, frame uint32) int {
	t.Helper()
	i := tl.SegOf(frame)
	if i < 0 {
		t.Fatalf("no segment in frame %d", frame)
	}
	return i
}

// TestPayloadIPFragments re-reads the segment of the ip-fragments sample,
// which travels in three IPv4 fragments (the last one captured before the
// middle one), and rebuilds it independently from the fragment frames'
// dissections: each fragment's payload bytes put at its fragment offset.
func TestPayloadIPFragments(t *testing.T) {
	in, tl := openSample(t, "ip-fragments")
	si := segOfFrame(t, tl, 7)
	s := &tl.Segments[si]
	if s.Len != 2968 {
		t.Fatalf("segment length %d, want 2968 (the header's IP total length less headers)", s.Len)
	}
	got, err := in.Payload(tl, si)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2968 || payloadMissing(s, got) != 0 {
		t.Fatalf("payload %d bytes (missing %d), want 2968", len(got), payloadMissing(s, got))
	}

	// The datagram from the dissections of frames 5, 6 and 7.
	datagram := make([]byte, 0, 3008)
	for _, fn := range []uint32{5, 6, 7} {
		fr, ok := tl.FragmentOf(fn)
		if !ok {
			t.Fatalf("frame %d has no fragment record", fn)
		}
		data, dis, err := in.Frame(&tl.Frames[fn-1])
		if err != nil {
			t.Fatal(err)
		}
		var ip, body *model.Layer
		for i := range dis.Layers {
			switch l := &dis.Layers[i]; {
			case l.Kind == model.LayerIP:
				ip = l
			case l.Kind == model.LayerPayload && body == nil:
				body = l
			}
		}
		if ip == nil || body == nil || body.Start != ip.End {
			t.Fatalf("frame %d: no IP header followed by fragment data in %+v", fn, dis.Layers)
		}
		piece := data[body.Start:body.End]
		if int(fr.Len) != len(piece) {
			t.Fatalf("frame %d: %d fragment bytes, record says %d", fn, len(piece), fr.Len)
		}
		end := int(fr.Offset) + len(piece)
		if end > len(datagram) {
			datagram = datagram[:end]
		}
		copy(datagram[fr.Offset:], piece)
	}
	// Strip the TCP header (data offset in the first fragment).
	doff := int(datagram[12]>>4) * 4
	if want := datagram[doff:]; !bytes.Equal(got, want) {
		t.Errorf("reassembled payload differs from the fragments' bytes (%d vs %d bytes)", len(got), len(want))
	}

	chunks, err := model.FollowDir(tl, tl.Conversations[0], s.Dir, func(seg int) ([]byte, error) { return in.Payload(tl, seg) })
	if err != nil {
		t.Fatal(err)
	}
	if len(chunks) != 1 || !bytes.Equal(chunks[0].Data, got) || chunks[0].Seg != si {
		t.Errorf("follow: %d chunks, want the one segment's 2968 bytes", len(chunks))
	}
}

// TestFollowLossyTransfer follows the lossy-transfer sample. The server's
// side has a segment lost before the capture point whose fast
// retransmission (frame 22) is the only copy captured, and a segment
// captured out of order (frame 28, after frame 27 which lies beyond it).
// Every byte must appear once, in sequence order: the server's FIN has
// relative SEQ 23869, so 23868 bytes. The client's request (frame 4) was
// lost after the capture point and sent again by timer (frame 5).
func TestFollowLossyTransfer(t *testing.T) {
	in, tl := openSample(t, "lossy-transfer")
	c := tl.Conversations[0]
	chunks, err := model.FollowDir(tl, c, model.S2C, func(seg int) ([]byte, error) { return in.Payload(tl, seg) })
	if err != nil {
		t.Fatal(err)
	}
	var fin *model.Segment
	for _, si := range c.Segs {
		if s := &tl.Segments[si]; s.Dir == model.S2C && s.Flags&model.FIN != 0 {
			fin = s
		}
	}
	if fin == nil {
		t.Fatal("no server FIN")
	}
	total := int64(0)
	for i, ch := range chunks {
		if ch.Kind != model.ChunkData || ch.Unacked {
			t.Errorf("chunk %d: kind %d unacked %v, want acknowledged data only", i, ch.Kind, ch.Unacked)
		}
		if ch.Seq != uint32(1+total) {
			t.Errorf("chunk %d at SEQ %d, want %d", i, ch.Seq, 1+total)
		}
		total += ch.Len()
	}
	if want := int64(fin.RelSeq - 1); total != want {
		t.Errorf("%d bytes, want %d", total, want)
	}
	placedFrom := map[uint32]int{}
	for _, ch := range chunks {
		placedFrom[tl.Segments[ch.Seg].Frame]++
	}
	// The segment frame 22 fast-retransmits was lost before the capture
	// point: the retransmission is the first copy seen, and places it.
	for _, fn := range []uint32{8, 9, 22, 34} {
		if placedFrom[fn] != 1 {
			t.Errorf("frame %d placed %d chunks, want 1", fn, placedFrom[fn])
		}
	}
	// Frame 28 (SEQ 17377) came after frame 27 (SEQ 18825): it is placed
	// before it, and frame 27's bytes became readable only then.
	var i27, i28 = -1, -1
	for i, ch := range chunks {
		switch tl.Segments[ch.Seg].Frame {
		case 27:
			i27 = i
		case 28:
			i28 = i
		}
	}
	if i28 < 0 || i27 != i28+1 {
		t.Fatalf("frame 28 at chunk %d, frame 27 at %d: want 28 just before 27", i28, i27)
	}
	if chunks[i28].Seq != 17377 || chunks[i27].Seq != 18825 {
		t.Errorf("frame 28 at SEQ %d, frame 27 at %d; want 17377 and 18825", chunks[i28].Seq, chunks[i27].Seq)
	}
	if got := tl.Segments[chunks[i27].Ready].Frame; got != 28 {
		t.Errorf("frame 27's bytes ready at frame %d, want 28", got)
	}
	// The client's side: the request of frame 4 is placed once, and its
	// retransmission by timer, frame 5, highlights the bytes placed from it.
	req, err := model.FollowDir(tl, c, model.C2S, func(seg int) ([]byte, error) { return in.Payload(tl, seg) })
	if err != nil {
		t.Fatal(err)
	}
	if len(req) != 1 || tl.Segments[req[0].Seg].Frame != 4 || req[0].Len() != 95 || req[0].Unacked {
		t.Fatalf("client side: %d chunks, want frame 4's 95 acknowledged bytes", len(req))
	}
	if lo, hi := req[0].SegRange(tl, segOfFrame(t, tl, 5)); lo != 0 || hi != 95 {
		t.Errorf("frame 5 covers %d-%d of the request, want 0-95", lo, hi)
	}
}

// TestPayloadSnapLength re-reads a segment of testdata/loopback/transfer.pcap,
// recorded with a snap length of 256: frame 6 carries 16384 bytes on the
// wire (IP total length), of which 256 - 14 (Ethernet) - 20 (IPv4) - 32
// (TCP with the timestamp option) = 190 were captured.
func TestPayloadSnapLength(t *testing.T) {
	in, tl := openTestFile(t, filepath.Join("..", "testdata", "loopback", "transfer.pcap"))
	defer in.Close()
	si := segOfFrame(t, tl, 6)
	s := &tl.Segments[si]
	got, err := in.Payload(tl, si)
	if err != nil {
		t.Fatal(err)
	}
	if s.Len != 16384 || len(got) != 190 || payloadMissing(s, got) != 16194 {
		t.Errorf("len %d, captured %d, missing %d; want 16384, 190, 16194", s.Len, len(got), payloadMissing(s, got))
	}
	chunks, err := model.FollowDir(tl, tl.Conversations[0], s.Dir, func(seg int) ([]byte, error) { return in.Payload(tl, seg) })
	if err != nil {
		t.Fatal(err)
	}
	if len(chunks) < 2 || chunks[0].Kind != model.ChunkData || chunks[1].Kind != model.ChunkCut || chunks[1].Missing != 16194 {
		t.Errorf("first chunks %+v, want 190 bytes then a cut of 16194", chunks[:min(2, len(chunks))])
	}
}

func TestPayloadErrors(t *testing.T) {
	in, tl := openSample(t, "smtp-figure10")
	for _, i := range []int{-1, len(tl.Segments)} {
		if _, err := in.Payload(tl, i); err == nil {
			t.Errorf("Payload(%d): no error", i)
		}
	}
	if _, err := in.Payload(nil, 0); err == nil {
		t.Error("Payload(nil timeline): no error")
	}
	// A timeline that does not belong to the input: the frame offsets
	// point elsewhere, which must be an error, not a panic.
	other := *tl
	other.Frames = append([]model.Frame(nil), tl.Frames...)
	for i := range other.Frames {
		other.Frames[i].Offset += 1 << 40
	}
	for i := range other.Segments {
		if other.Segments[i].Len > 0 {
			if _, err := in.Payload(&other, i); err == nil {
				t.Errorf("Payload of a segment at a bad offset: no error")
			}
			break
		}
	}
}
