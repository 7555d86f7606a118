package decode

import (
	"github.com/tcpstep/tcpstep/decode/capfile"
	"github.com/tcpstep/tcpstep/model"
)

// indexer turns capture records into timeline entries: it extracts what each
// frame carries and files it with the builder. It holds no frame bytes.
type indexer struct {
	b  *model.Builder
	d  *dissector
	sn sniffer
}

func newIndexer(b *model.Builder) *indexer {
	return &indexer{b: b, d: newDissector()}
}

// add files frame n (1-based), read from rec.
func (ix *indexer) add(n uint32, rec *capfile.Record) {
	fr := frameOf(rec)
	ex := ix.d.Extract(n, rec.LinkType, rec.Data, rec.OrigLen)
	file(ix.b, n, fr, &ex)
	if sniffApp && ex.Kind == model.FrameTCP && ex.Packet.Len > 0 {
		// The frame's bytes are still those Extract walked.
		if idx, ok := ix.sn.wants(ix.b, n, ex.Packet.Src); ok {
			if pay := ix.d.tcpPayload(); len(pay) > 0 {
				ix.sn.file(ix.b, idx, ex.Packet.Src, pay)
			}
		}
	}
}

// frameOf is the timeline's record of a capture record, before the builder
// fills in what the frame turned out to carry.
func frameOf(rec *capfile.Record) model.Frame {
	return model.Frame{
		Offset:   rec.Offset,
		TimeNS:   rec.TimeNS,
		CapLen:   rec.CapLen,
		OrigLen:  rec.OrigLen,
		LinkType: rec.LinkType,
	}
}

// file files frame n, whose record is fr and whose extraction is ex, with b.
// It is the builder's half of indexing, which a Stream runs on the
// builder's goroutine while its reader extracts the frames to come.
func file(b *model.Builder, n uint32, fr model.Frame, ex *extracted) {
	switch ex.Kind {
	case model.FrameTCP:
		p := ex.Packet
		p.Frame = n
		p.TimeNS = fr.TimeNS
		b.AddPacket(fr, &p)
		for i := range ex.Samples {
			b.AddSampled(&ex.Samples[i])
		}
		if ex.IsFrag {
			// The completing frame is a fragment too: keep its IP fields
			// beside the segment, and tie the earlier fragments to it.
			f := ex.Frag
			f.Frame = n
			f.Completes = n
			b.AddFragmentInfo(f)
			b.LinkFragments(ex.FragFrames, n)
		}
	case model.FrameFragment:
		f := ex.Frag
		f.Frame = n
		b.AddFragment(fr, f, ex.Reason)
	case model.FrameICMP:
		e := ex.ICMP
		e.Frame = n
		b.AddICMP(fr, e, ex.Reason)
	default:
		fr.Kind = ex.Kind
		b.AddFrame(fr, ex.Reason)
	}
}

// finish drops the datagrams left incomplete at the end of the capture;
// their fragment frames stay in the timeline with no completing frame.
func (ix *indexer) finish() { ix.d.Flush() }
