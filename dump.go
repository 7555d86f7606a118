package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tcpstep/tcpstep/export"
	"github.com/tcpstep/tcpstep/model"
)

func newDumpCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var format string
	var absolute bool
	var stream int
	var explain bool
	cmd := &cobra.Command{
		Use:   "dump CAPTURE",
		Short: "Print the decoded timeline of a capture (JSON lines or a text ladder)",
		Long: `dump decodes CAPTURE and prints its TCP timeline without the interactive
interface.

  --format jsonl   one JSON object per line, in capture order: every TCP segment
                   ("kind":"tcp"), every ICMP error tied to a conversation
                   ("kind":"icmp") and every other frame ("kind":"frame", with
                   the reason it carries no segment). The keys are documented in
                   the README and stay stable for scripts.
  --format text    a readable ladder, one line per segment: direction arrow,
                   flags, SEQ, ACK, length, both sides' states and events, fit
                   for a handout.
  --explain        add each step's explanation in plain words: an "explain"
                   string on every jsonl line, or indented paragraphs under
                   every row of the text ladder. Its numbers are relative, or
                   absolute with --absolute.

CAPTURE is a pcap or pcapng file, "-" for standard input, or "sample:NAME".`,
		Example: `  tcpstep dump --format jsonl capture.pcap | jq 'select(.events | length > 0)'
  tcpstep dump --format text --absolute sample:smtp-figure10
  tcpstep dump --format text --stream 2 capture.pcapng
  tcpstep dump --format jsonl --explain sample:refused | jq -r .explain`,
		Args:          cobra.ExactArgs(1),
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "jsonl" && format != "text" {
				return fmt.Errorf("unknown --format %q: want jsonl or text", format)
			}
			in, err := openInput(args[0], stdin)
			if err != nil {
				return err
			}
			defer in.Close()
			tl, err := in.Load(nil)
			if err != nil {
				return badInput(err)
			}
			if stream >= len(tl.Conversations) {
				return badInput(fmt.Errorf("%s: no stream %d (the capture has %d conversations)", args[0], stream, len(tl.Conversations)))
			}
			w := bufio.NewWriterSize(stdout, 1<<16)
			var ex func(frame uint32) string
			if explain {
				ex = func(frame uint32) string {
					return strings.Join(model.ExplainFrameAs(tl, frame, absolute), "\n")
				}
			}
			switch {
			case format == "jsonl":
				err = writeJSONL(w, tl, stream, ex)
			case explain:
				err = writeTextExplained(w, tl, stream, absolute, ex)
			default:
				err = export.Text(w, tl, stream, absolute)
			}
			if ferr := w.Flush(); err == nil {
				err = ferr
			}
			if err != nil && !errors.Is(err, io.ErrClosedPipe) {
				return fmt.Errorf("write output: %w", err)
			}
			// Problems with the file as a whole (cut short) come after the
			// output, so everything before them is kept.
			for _, warn := range tl.Warnings {
				fmt.Fprintf(stderr, "tcpstep: warning: %s\n", warn)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: jsonl or text")
	cmd.Flags().BoolVarP(&absolute, "absolute", "S", false, "absolute sequence numbers instead of relative (the text ladder and the explanations)")
	cmd.Flags().BoolVar(&explain, "explain", false, "add each step's explanation (jsonl: an \"explain\" string; text: paragraphs under each row)")
	cmd.Flags().IntVar(&stream, "stream", -1, "keep only conversation N (tcp.stream numbering)")
	return cmd
}

// appendTime appends nanoseconds as seconds with nine decimals, exactly.
func appendTime(b []byte, ns int64) []byte {
	if ns < 0 {
		b = append(b, '-')
		ns = -ns
	}
	b = strconv.AppendInt(b, ns/1e9, 10)
	frac := ns % 1e9
	b = append(b, '.')
	s := strconv.AppendInt(nil, frac, 10)
	for i := len(s); i < 9; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

func appendJSONString(b []byte, s string) []byte {
	q, _ := json.Marshal(s) // strings always marshal
	return append(b, q...)
}

func appendStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

// writeJSONL prints the timeline as the dump contract (shared spec
// dump-jsonl.md) describes: one object per line, in capture order. With
// explain set, every line also gets an "explain" string: explain(frame).
func writeJSONL(w io.Writer, tl *model.Timeline, stream int, explain func(frame uint32) string) error {
	var b []byte
	icmp := 0
	for i := range tl.Frames {
		f := &tl.Frames[i]
		frameNo := uint32(i + 1)
		if stream >= 0 && int(f.Stream) != stream {
			continue
		}
		b = b[:0]
		rel := f.TimeNS - tl.StartNS
		switch f.Kind {
		case model.FrameTCP:
			s := &tl.Segments[f.Seg]
			src, dst := tl.SrcDst(s)
			b = append(b, `{"kind":"tcp","frame":`...)
			b = strconv.AppendUint(b, uint64(s.Frame), 10)
			b = append(b, `,"time":`...)
			b = appendTime(b, s.TimeNS)
			b = append(b, `,"stream":`...)
			b = strconv.AppendUint(b, uint64(s.Stream), 10)
			b = append(b, `,"dir":"`...)
			b = append(b, s.Dir.String()...)
			b = append(b, `","src":"`...)
			b = append(b, src.Addr.String()...)
			b = append(b, `","dst":"`...)
			b = append(b, dst.Addr.String()...)
			b = append(b, `","sport":`...)
			b = strconv.AppendUint(b, uint64(src.Port), 10)
			b = append(b, `,"dport":`...)
			b = strconv.AppendUint(b, uint64(dst.Port), 10)
			b = append(b, `,"flags":`...)
			b = appendStrings(b, s.Flags.Names())
			b = append(b, `,"seq":`...)
			b = strconv.AppendUint(b, uint64(s.Seq), 10)
			b = append(b, `,"ack":`...)
			b = strconv.AppendUint(b, uint64(s.Ack), 10)
			b = append(b, `,"rseq":`...)
			b = strconv.AppendUint(b, uint64(s.RelSeq), 10)
			b = append(b, `,"rack":`...)
			b = strconv.AppendUint(b, uint64(s.RelAck), 10)
			b = append(b, `,"len":`...)
			b = strconv.AppendUint(b, uint64(s.Len), 10)
			b = append(b, `,"win":`...)
			b = strconv.AppendUint(b, uint64(s.Win), 10)
			b = append(b, `,"client":"`...)
			b = append(b, s.Client.String()...)
			b = append(b, `","server":"`...)
			b = append(b, s.Server.String()...)
			b = append(b, `","events":`...)
			b = appendStrings(b, (s.Events & model.ContractEvents).Names())
			if extra := s.Events &^ model.ContractEvents; extra != 0 {
				// tshark names more than the contract lists (the ACK of a
				// zero-window probe); keep "events" to the contract's names.
				b = append(b, `,"events_extra":`...)
				b = appendStrings(b, extra.Names())
			}
			b = appendExplain(b, explain, frameNo)
			b = append(b, "}\n"...)
		case model.FrameICMP:
			// Timeline.ICMP is in frame order, so walk it alongside.
			for icmp < len(tl.ICMP) && tl.ICMP[icmp].Frame < frameNo {
				icmp++
			}
			if icmp >= len(tl.ICMP) || tl.ICMP[icmp].Frame != frameNo {
				continue
			}
			e := &tl.ICMP[icmp]
			b = append(b, `{"kind":"icmp","frame":`...)
			b = strconv.AppendUint(b, uint64(frameNo), 10)
			b = append(b, `,"time":`...)
			b = appendTime(b, rel)
			b = append(b, `,"stream":`...)
			b = strconv.AppendInt(b, int64(e.Stream), 10)
			b = append(b, `,"src":"`...)
			b = append(b, e.Src.Addr.String()...)
			b = append(b, `","dst":"`...)
			b = append(b, e.Dst.Addr.String()...)
			b = append(b, `","icmp":"`...)
			b = append(b, e.Kind...)
			b = append(b, '"')
			if e.MTU != 0 {
				b = append(b, `,"mtu":`...)
				b = strconv.AppendUint(b, uint64(e.MTU), 10)
			}
			b = appendExplain(b, explain, frameNo)
			b = append(b, "}\n"...)
		default:
			b = append(b, `{"kind":"frame","frame":`...)
			b = strconv.AppendUint(b, uint64(frameNo), 10)
			b = append(b, `,"time":`...)
			b = appendTime(b, rel)
			b = append(b, `,"type":"`...)
			b = append(b, f.Kind.String()...)
			b = append(b, '"')
			if f.Stream >= 0 {
				b = append(b, `,"stream":`...)
				b = strconv.AppendInt(b, int64(f.Stream), 10)
			}
			b = append(b, `,"note":`...)
			b = appendJSONString(b, tl.Note(f))
			b = appendExplain(b, explain, frameNo)
			b = append(b, "}\n"...)
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

// appendExplain appends the "explain" key when explanations are asked for.
func appendExplain(b []byte, explain func(frame uint32) string, frame uint32) []byte {
	if explain == nil {
		return b
	}
	b = append(b, `,"explain":`...)
	return appendJSONString(b, explain(frame))
}

// explainWidth is where the text ladder's explanations wrap.
const explainWidth = 100

// writeTextExplained prints the text ladder with each row's explanation
// indented under it: the ladder is export.Text's, and every row (a line
// that starts with its frame number) is followed by its paragraphs.
func writeTextExplained(w io.Writer, tl *model.Timeline, stream int, absolute bool, explain func(frame uint32) string) error {
	var ladder strings.Builder
	if err := export.Text(&ladder, tl, stream, absolute); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	for _, line := range strings.SplitAfter(ladder.String(), "\n") {
		bw.WriteString(line)
		fields := strings.Fields(line)
		if len(fields) < 2 {
			continue
		}
		n, err := strconv.ParseUint(fields[0], 10, 32)
		if err != nil || n == 0 || n > uint64(len(tl.Frames)) {
			continue
		}
		for _, p := range strings.Split(explain(uint32(n)), "\n") {
			for _, l := range wrapWords(p, explainWidth-8) {
				bw.WriteString("        " + l + "\n")
			}
		}
		bw.WriteString("\n")
	}
	return bw.Flush()
}

// wrapWords breaks text into lines of at most width runes, at spaces.
func wrapWords(text string, width int) []string {
	var out []string
	line, n := "", 0
	for _, word := range strings.Fields(text) {
		wn := len([]rune(word))
		if n > 0 && n+1+wn > width {
			out = append(out, line)
			line, n = "", 0
		}
		if n > 0 {
			line += " "
			n++
		}
		line += word
		n += wn
	}
	if n > 0 {
		out = append(out, line)
	}
	return out
}
