package export

import (
	"errors"
	"io"
	"strings"

	"github.com/tcpstep/tcpstep/model"
)

// Text writes the text ladder of conversation stream, or of every
// conversation when stream is negative: one line per segment with its frame
// number, time, direction arrow labelled as Label says, both sides' states
// after it and its analysis events; frames of the conversation that are not
// segments (fragments, ICMP errors) sit between them in capture order. It is
// the printable counterpart of the paper's Figure 10 and what `tcpstep dump
// --format text` prints.
func Text(w io.Writer, tl *model.Timeline, stream int, absolute bool) error {
	return writeText(w, tl, Options{Stream: stream, Absolute: absolute})
}

// writeText is Text with Options: the rows o.Keep refuses are left out, and
// with every conversation asked for (a negative o.Stream), so is a
// conversation with no row left.
func writeText(w io.Writer, tl *model.Timeline, o Options) error {
	bw := &errWriter{w: w}
	if tl == nil || len(tl.Conversations) == 0 {
		n := 0
		if tl != nil {
			n = len(tl.Frames)
		}
		bw.printf("no TCP conversations in this capture (%d frames)\n", n)
		return bw.err
	}
	if o.Stream >= 0 {
		if _, err := conversation(tl, o.Stream); err != nil {
			return err
		}
	}
	for _, c := range tl.Conversations {
		if o.Stream >= 0 && c.Index != o.Stream {
			continue
		}
		if o.Stream < 0 && o.Keep != nil && !anyRow(tl, c, &o) {
			continue
		}
		textConversation(bw, tl, c, &o)
		if bw.err != nil {
			break
		}
	}
	return bw.err
}

// anyRow reports whether o keeps any row of the conversation.
func anyRow(tl *model.Timeline, c *model.Conversation, o *Options) bool {
	errFound := errors.New("found")
	return eachRow(tl, c, o, func(row) error { return errFound }) != nil
}

func textConversation(bw *errWriter, tl *model.Timeline, c *model.Conversation, o *Options) {
	absolute := o.Absolute
	bw.printf("stream %d: client %s ⇄ server %s  (%s sequence numbers%s)\n", c.Index, c.Client, c.Server, numbering(absolute), o.filtered())
	if c.Assumed {
		bw.printf("  the capture begins mid-connection: the states before its first segment are assumed\n")
	}
	// Label every arrow first, so the ladder's middle column is as wide as
	// its longest label and the server column stays aligned.
	width := 40
	_ = eachRow(tl, c, o, func(r row) error {
		if r.seg != nil {
			width = max(width, len(segmentLabel(r.seg, absolute))+8)
		}
		return nil
	})
	bw.printf("%6s %11s  %-12s  %-*s  %-12s  %s\n", "frame", "time", "client", width, "", "server", "events")
	bw.printf("%6s %11s  %-12s  %-*s  %s\n", "", "", c.InitClient, width, "", c.InitServer)
	_ = eachRow(tl, c, o, func(r row) error {
		if r.seg == nil {
			bw.printf("%6d %11s  %-12s  · %s\n", r.frame, seconds(r.time), "", model.Visible(r.note))
			return bw.err
		}
		s := r.seg
		arrow := ladderArrow(segmentLabel(s, absolute), width, s.Dir)
		events := strings.Join(s.Events.Names(), ",")
		bw.printf("%6d %11s  %-12s  %s  %-12s  %s\n", s.Frame, seconds(r.time), s.Client(), arrow, s.Server(), events)
		return bw.err
	})
	bw.printf("\n")
}

// ladderArrow draws a label on an arrow of width w pointing in the
// segment's direction: client on the left, server on the right.
func ladderArrow(label string, w int, d model.Dir) string {
	label = " " + label + " "
	n := max(w-3-len([]rune(label)), 0)
	left := n / 2
	right := n - left
	if d == model.C2S {
		return "─" + strings.Repeat("─", left) + label + strings.Repeat("─", right) + "─▶"
	}
	return "◀─" + strings.Repeat("─", left) + label + strings.Repeat("─", right) + "─"
}
