package cli

import (
	"strconv"

	"github.com/tcpstep/tcpstep/app"
	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/model"
)

// appRows names what each segment carries above TCP for the dump's rows:
// app.Analyze of the segment's conversation, on the reassembled stream. The
// rows are written in capture order and conversations interleave, so it
// analyses a conversation when a row first asks for it, keeps the result
// while rows of that conversation are still to come, and drops it after its
// last segment's row: a big capture is analysed conversation by
// conversation, holding only the conversations in progress. A conversation
// the index found no protocol for (Conversation.App.Proto "") is not
// analysed: its payload is not read again.
type appRows struct {
	tl      *model.Timeline
	payload model.PayloadFunc
	convs   map[int]*app.Conv
	// last and lastSeg are the segment asked for last and its answer: a
	// row and its explanation ask in turn.
	last    int32
	lastSeg *app.Segment
	// err is the first payload that could not be re-read; the rows go on
	// without app objects for its conversation.
	err error
}

func newAppRows(in *decode.Input, tl *model.Timeline) *appRows {
	return &appRows{
		tl:      tl,
		payload: func(seg int) ([]byte, error) { return in.Payload(tl, seg) },
		convs:   map[int]*app.Conv{},
		last:    -1,
	}
}

// seg returns what segment si carries above TCP, or nil.
func (a *appRows) seg(si int32) *app.Segment {
	if a == nil || si < 0 || int(si) >= len(a.tl.Segments) {
		return nil
	}
	if si == a.last {
		return a.lastSeg
	}
	a.last, a.lastSeg = si, nil
	c := a.tl.Conv(&a.tl.Segments[si])
	if c == nil || c.App.Proto == "" || len(c.Segs) == 0 {
		return nil
	}
	ac, ok := a.convs[c.Index]
	if !ok {
		var err error
		ac, err = app.Analyze(a.tl, c, a.payload)
		if err != nil {
			if a.err == nil {
				a.err = err
			}
			ac = nil
		}
		a.convs[c.Index] = ac
	}
	s := ac.Seg(int(si))
	if int(si) >= int(c.Segs[len(c.Segs)-1]) {
		delete(a.convs, c.Index) // its last row
	}
	a.lastSeg = s
	return s
}

// appendApp appends a row's "app" key: what segment s completes above TCP
// (nothing when it completes no message). With several messages, proto is
// the first one's, summary joins theirs (as a ladder arrow does), fields
// lists all of theirs in order, and malformed the first reason given.
func appendApp(b []byte, s *app.Segment) []byte {
	if s == nil || len(s.Messages) == 0 {
		return b
	}
	b = append(b, `,"app":{"proto":`...)
	b = appendJSONString(b, s.Messages[0].Proto.String())
	b = append(b, `,"summary":`...)
	b = appendJSONString(b, s.Summary())
	b = append(b, `,"fields":[`...)
	n := 0
	malformed := ""
	for i := range s.Messages {
		m := &s.Messages[i]
		if malformed == "" {
			malformed = m.Malformed
		}
		for j := range m.Fields {
			f := &m.Fields[j]
			if n > 0 {
				b = append(b, ',')
			}
			n++
			b = append(b, `{"name":`...)
			b = appendJSONString(b, f.Name)
			b = append(b, `,"label":`...)
			b = appendJSONString(b, f.Label)
			b = append(b, `,"value":`...)
			b = appendJSONString(b, f.Value)
			if f.Len > 0 {
				b = append(b, `,"off":`...)
				b = strconv.AppendInt(b, int64(f.Off), 10)
				b = append(b, `,"len":`...)
				b = strconv.AppendInt(b, int64(f.Len), 10)
			}
			b = append(b, '}')
		}
	}
	b = append(b, ']')
	if malformed != "" {
		b = append(b, `,"malformed":`...)
		b = appendJSONString(b, malformed)
	}
	return append(b, '}')
}
