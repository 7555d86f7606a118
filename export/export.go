// Package export writes the ladder of a TCP conversation for handouts and
// documents, outside the interactive interface: as a Mermaid
// sequenceDiagram (to paste into Markdown that GitHub, GitLab or a wiki
// renders), as a standalone SVG picture, or as the plain text ladder that
// `tcpstep dump --format text` prints too.
//
// Every writer takes the decoded model.Timeline and Options: a conversation
// (tcp.stream numbering), the numbering to print (relative as tshark shows
// it, or the absolute numbers on the wire) and, optionally, which rows to
// keep (a display filter's verdict on each frame). Mermaid, SVG and Text are
// the same writers with every row kept. Text that comes from the capture
// (notes of fragments and ICMP errors quoting addresses, anything else a
// later version adds) is attacker-controlled: each writer makes control
// bytes visible and then escapes what its format treats specially, so
// nothing from the capture can inject markup or reach a terminal raw.
package export

import (
	"fmt"
	"io"
	"strconv"

	"github.com/tcpstep/tcpstep/model"
)

// Options say what an export shows. The zero value is stream 0 in relative
// numbers, every row.
type Options struct {
	// Stream is the conversation (tcp.stream numbering). The text ladder
	// takes a negative Stream for every conversation; Mermaid and SVG draw
	// one.
	Stream int
	// Absolute prints the sequence numbers on the wire instead of the
	// relative ones tshark shows by default.
	Absolute bool
	// Keep, when set, says which rows to draw: a segment, fragment or ICMP
	// error whose frame number (1-based) it refuses is left out, and the
	// text ladder of every conversation leaves out a conversation with no
	// row left. nil keeps every row.
	Keep func(frame uint32) bool
	// Filter is what Keep stands for, as the user typed it (a display
	// filter): the header says that the ladder shows only the frames
	// matching it. It is not read without Keep.
	Filter string
}

// keeps reports whether the ladder draws frame's row.
func (o *Options) keeps(frame uint32) bool { return o.Keep == nil || o.Keep(frame) }

// filtered is what a header adds when rows are left out: ", frames
// matching FILTER", made printable, or nothing.
func (o *Options) filtered() string {
	if o.Keep == nil {
		return ""
	}
	if o.Filter == "" {
		return ", some frames left out"
	}
	return ", frames matching " + model.Visible(o.Filter)
}

// conversation returns conversation stream of tl, or an error naming what
// the capture has.
func conversation(tl *model.Timeline, stream int) (*model.Conversation, error) {
	if tl == nil || len(tl.Conversations) == 0 {
		n := 0
		if tl != nil {
			n = len(tl.Frames)
		}
		return nil, fmt.Errorf("no TCP conversations in this capture (%d frames)", n)
	}
	if stream < 0 || stream >= len(tl.Conversations) {
		return nil, fmt.Errorf("no stream %d (the capture has %d conversations, 0 to %d)", stream, len(tl.Conversations), len(tl.Conversations)-1)
	}
	return tl.Conversations[stream], nil
}

// numbers returns a segment's SEQ and ACK in the chosen numbering.
func numbers(s *model.Segment, absolute bool) (seq, ack uint32) {
	if absolute {
		return s.Seq, s.Ack
	}
	return s.RelSeq, s.RelAck
}

// segmentLabel is the text every format writes on a segment's arrow: its flags,
// SEQ, ACK when the ACK flag is set, payload length and window, e.g.
// "SYN,ACK seq=0 ack=1 len=0 win=5840". The interface can use it to say the
// same thing the exports say.
func segmentLabel(s *model.Segment, absolute bool) string {
	seq, ack := numbers(s, absolute)
	b := make([]byte, 0, 48)
	b = append(b, s.Flags.String()...)
	b = append(b, " seq="...)
	b = strconv.AppendUint(b, uint64(seq), 10)
	if s.Flags&model.ACK != 0 {
		b = append(b, " ack="...)
		b = strconv.AppendUint(b, uint64(ack), 10)
	}
	b = append(b, " len="...)
	b = strconv.AppendUint(b, uint64(s.Len), 10)
	b = append(b, " win="...)
	b = strconv.AppendUint(b, uint64(s.Win), 10)
	return string(b)
}

// numbering names the numbering for headers.
func numbering(absolute bool) string {
	if absolute {
		return "absolute"
	}
	return "relative"
}

// row is one line of a ladder: a segment, or a frame of the conversation
// that is not a segment (a fragment, an ICMP error), in capture order.
type row struct {
	seg   *model.Segment // nil for a frame that is not a segment
	frame uint32         // 1-based frame number
	time  int64          // nanoseconds since the first frame
	note  string         // the frame's note, raw (not a segment)
}

// eachRow calls fn for the conversation's segments and other frames in
// capture order, those that o keeps, stopping at the first error.
func eachRow(tl *model.Timeline, c *model.Conversation, o *Options, fn func(r row) error) error {
	extra := 0
	emitExtra := func(frame uint32) error {
		if frame == 0 || int(frame) > len(tl.Frames) || !o.keeps(frame) {
			return nil
		}
		f := &tl.Frames[frame-1]
		return fn(row{frame: frame, time: f.TimeNS - tl.StartNS, note: tl.Note(frame)})
	}
	for _, si := range c.Segs {
		if int(si) >= len(tl.Segments) {
			continue
		}
		s := &tl.Segments[si]
		for extra < len(c.Extra) && c.Extra[extra] < s.Frame {
			if err := emitExtra(c.Extra[extra]); err != nil {
				return err
			}
			extra++
		}
		if !o.keeps(s.Frame) {
			continue
		}
		if err := fn(row{seg: s, frame: s.Frame, time: tl.SegTime(s)}); err != nil {
			return err
		}
	}
	for ; extra < len(c.Extra); extra++ {
		if err := emitExtra(c.Extra[extra]); err != nil {
			return err
		}
	}
	return nil
}

// seconds prints a relative time with microsecond precision, as the
// ladders show it.
func seconds(ns int64) string {
	return strconv.FormatFloat(float64(ns)/1e9, 'f', 6, 64)
}

// errWriter keeps the first write error so the writers stay linear.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err != nil {
		return
	}
	_, e.err = fmt.Fprintf(e.w, format, args...)
}

func (e *errWriter) str(s string) {
	if e.err != nil {
		return
	}
	_, e.err = e.w.Write([]byte(s))
}
