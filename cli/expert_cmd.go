package cli

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tcpstep/tcpstep/model"
)

func newExpertCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var stream int
	var allFrames bool
	cmd := captureCommand(&cobra.Command{
		Use:   "expert [--stream N] CAPTURE",
		Short: "Count the capture's findings (retransmissions, resets, zero windows, …) by severity",
		Long: `expert prints a summary in the spirit of Wireshark's Expert Information: every
kind of finding with how many frames show it, in which conversations and which
frames, grouped by severity as Wireshark grades the same notion:

  Errors    frames that could not be decoded
  Warnings  resets, out-of-order segments, segments not captured, zero and
            full windows
  Notes     retransmissions, duplicate ACKs, keep-alives, window probes,
            reused ports, which side closed first
  Chats     SYN, SYN+ACK, FIN, window updates: the normal course of things

The Event column is the name "tcpstep dump --format jsonl" lists in "events"
(or the flag: syn, syn_ack, fin, rst); a segment counts once in each of its
events. --stream N summarises conversation N alone (tcp.stream numbering).

CAPTURE is a pcap or pcapng file, "-" for standard input, or "sample:NAME".`,
		Example: `  tcpstep expert sample:lossy-transfer
  tcpstep expert --stream 2 capture.pcapng
  tcpstep expert --frames capture.pcap`,
	}, stdin, stderr, func(cmd *cobra.Command, name string, tl *model.Timeline) error {
		if !cmd.Flags().Changed("stream") {
			stream = -1
		} else if stream < 0 {
			return badInput(fmt.Errorf("--stream %d: want a stream number, 0 or more", stream))
		} else if err := noStream(name, tl, stream); err != nil {
			return err
		}
		info := model.Expert(tl, stream)
		return writeLines(stdout, expertText(name, tl, &info, allFrames))
	})
	cmd.Flags().IntVar(&stream, "stream", -1, "summarise conversation N alone (tcp.stream numbering)")
	cmd.Flags().BoolVar(&allFrames, "frames", false, "list every frame of each row (default: the first "+strconv.Itoa(expertFramesShown)+")")
	return cmd
}

// expertFramesShown is how many frames a row lists without --frames.
const expertFramesShown = 10

// expertText lays the summary out as tshark -z expert does: a heading per
// severity with its count, then one aligned line per kind. Every column but
// the last has the same width in every group.
func expertText(name string, tl *model.Timeline, info *model.ExpertInfo, allFrames bool) []string {
	segs := len(tl.Segments)
	var head string
	if info.Stream >= 0 {
		c := tl.Conversations[info.Stream]
		segs = len(c.Segs)
		head = fmt.Sprintf("Expert summary of %s, stream %d: %s ⇄ %s, %s",
			model.Visible(name), info.Stream, model.Visible(c.Client.String()), model.Visible(c.Server.String()), plural(segs, "segment"))
	} else {
		head = fmt.Sprintf("Expert summary of %s: %s, %s, %s",
			model.Visible(name), plural(len(tl.Conversations), "conversation"), plural(segs, "segment"), plural(len(tl.Frames), "frame"))
	}
	lines := []string{head}
	if len(info.Groups) == 0 {
		return append(lines, "", "No findings.")
	}
	withStreams := info.Stream < 0
	type row struct{ count, event, streams, summary, frames string }
	hdr := row{"Count", "Event", "Streams", "Summary", "Frames"}
	rows := make([][]row, len(info.Groups))
	width := [4]int{len(hdr.count), len(hdr.event), len(hdr.streams), len(hdr.summary)}
	for gi, g := range info.Groups {
		for _, r := range g.Rows {
			x := row{
				count:   strconv.Itoa(r.Count),
				event:   r.Kind.String(),
				streams: streamList(r.Streams),
				summary: r.Kind.Words(),
				frames:  frameList(r.Frames, allFrames),
			}
			rows[gi] = append(rows[gi], x)
			for i, s := range []string{x.count, x.event, x.streams, x.summary} {
				width[i] = max(width[i], len([]rune(s)))
			}
		}
	}
	pad := func(s string, n int, right bool) string {
		gap := strings.Repeat(" ", max(0, n-len([]rune(s))))
		if right {
			return gap + s
		}
		return s + gap
	}
	line := func(x row) string {
		parts := []string{pad(x.count, width[0], true), pad(x.event, width[1], false)}
		if withStreams {
			parts = append(parts, pad(x.streams, width[2], false))
		}
		parts = append(parts, pad(x.summary, width[3], false), x.frames)
		return strings.TrimRight("  "+strings.Join(parts, "  "), " ")
	}
	for gi, g := range info.Groups {
		title := fmt.Sprintf("%s (%d)", g.Severity.Plural(), g.Count)
		lines = append(lines, "", title, strings.Repeat("=", len(title)), line(hdr))
		for _, x := range rows[gi] {
			lines = append(lines, line(x))
		}
	}
	return lines
}

// plural is "1 segment", "2 segments".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

// streamList names a row's conversations, runs of consecutive streams as
// ranges ("0-3,7"); "-" for frames of no conversation.
func streamList(streams []model.ExpertStream) string {
	var parts []string
	for i := 0; i < len(streams); {
		a := streams[i].Stream
		j := i
		for a >= 0 && j+1 < len(streams) && streams[j+1].Stream == streams[j].Stream+1 {
			j++
		}
		switch b := streams[j].Stream; {
		case a < 0:
			parts = append(parts, "-")
		case a == b:
			parts = append(parts, strconv.Itoa(a))
		default:
			parts = append(parts, strconv.Itoa(a)+"-"+strconv.Itoa(b))
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}

// frameList lists frame numbers, the first expertFramesShown of them unless
// all, then how many more there are.
func frameList(frames []uint32, all bool) string {
	n := len(frames)
	if !all {
		n = min(n, expertFramesShown)
	}
	var b strings.Builder
	for i, f := range frames[:n] {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.FormatUint(uint64(f), 10))
	}
	if more := len(frames) - n; more > 0 {
		fmt.Fprintf(&b, " … (%d more)", more)
	}
	return b.String()
}
