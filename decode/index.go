package decode

import (
	"github.com/tcpstep/tcpstep/decode/capfile"
	"github.com/tcpstep/tcpstep/model"
)

// indexer turns capture records into timeline entries: it extracts what each
// frame carries and files it with the builder. It holds no frame bytes.
type indexer struct {
	b *model.Builder
	d *Dissector
}

func newIndexer(b *model.Builder) *indexer {
	return &indexer{b: b, d: NewDissector()}
}

// add files frame n (1-based), read from rec.
func (ix *indexer) add(n uint32, rec *capfile.Record) {
	fr := model.Frame{
		Offset:   rec.Offset,
		TimeNS:   rec.TimeNS,
		CapLen:   rec.CapLen,
		OrigLen:  rec.OrigLen,
		LinkType: rec.LinkType,
	}
	ex := ix.d.Extract(n, rec.LinkType, rec.Data, rec.OrigLen)
	switch ex.Kind {
	case model.FrameTCP:
		p := ex.Packet
		p.Frame = n
		p.TimeNS = rec.TimeNS
		ix.b.AddPacket(fr, &p)
		if ex.IsFrag {
			// The completing frame is a fragment too: keep its IP fields
			// beside the segment, and tie the earlier fragments to it.
			f := ex.Frag
			f.Frame = n
			f.Completes = n
			ix.b.AddFragmentInfo(f)
			ix.b.LinkFragments(ex.FragFrames, n)
		}
	case model.FrameFragment:
		f := ex.Frag
		f.Frame = n
		ix.b.AddFragment(fr, f, ex.Reason)
	case model.FrameICMP:
		e := ex.ICMP
		e.Frame = n
		ix.b.AddICMP(fr, e, ex.Reason)
	default:
		fr.Kind = ex.Kind
		ix.b.AddFrame(fr, ex.Reason)
	}
}

// finish drops the datagrams left incomplete at the end of the capture;
// their fragment frames stay in the timeline with no completing frame.
func (ix *indexer) finish() { ix.d.Flush() }
