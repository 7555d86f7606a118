package cli

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tcpstep/tcpstep/appnote"
	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/export"
	"github.com/tcpstep/tcpstep/model"
)

func newDumpCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var format string
	var absolute bool
	var stream int
	var explain bool
	var expr string
	cmd := captureCommand(&cobra.Command{
		Use:   "dump CAPTURE",
		Short: "Print the decoded timeline of a capture (JSON lines or a text ladder)",
		Long: `dump decodes CAPTURE and prints its TCP timeline without the interactive
interface.

  --format jsonl   one JSON object per line, in capture order: every TCP segment
                   ("kind":"tcp"), every ICMP error tied to a conversation
                   ("kind":"icmp") and every other frame ("kind":"frame", with
                   the reason it carries no segment). The keys are documented in
                   the README and stay stable for scripts. A segment that
                   completes an application message (an SMTP command, a TLS
                   handshake, an HTTP request) has an "app" object too: its
                   protocol, summary and fields (not for a capture still
                   arriving on standard input).
  --format text    a readable ladder, one line per segment: direction arrow,
                   flags, SEQ, ACK, length, both sides' states and events, fit
                   for a handout.
  --explain        add each step's explanation in plain words: an "explain"
                   string on every jsonl line, or indented paragraphs under
                   every row of the text ladder. Its numbers are relative, or
                   absolute with --absolute.
  --filter EXPR    only the frames matching a Wireshark display filter, the
                   frames "tshark -Y EXPR" shows (see the README for the
                   fields): jsonl prints their rows, the text ladder their
                   segments, fragments and ICMP errors (it shows the frames of
                   conversations only), and leaves out a conversation with none.
                   With --stream, the frames of that conversation that match.
                   The capture is read to its end before the first row.

CAPTURE is a pcap or pcapng file, "-" for standard input, or "sample:NAME".`,
		Example: `  tcpstep dump --format jsonl capture.pcap | jq 'select(.events | length > 0)'
  tcpstep dump --format text --absolute sample:smtp-figure10
  tcpstep dump --format text --stream 2 capture.pcapng
  tcpstep dump --format jsonl --explain sample:refused | jq -r .explain
  tcpstep dump --format jsonl --filter 'tcp.analysis.retransmission' sample:lossy-transfer
  tcpstep dump --format text --filter 'tcp.len > 0 && tcp.port == 25' capture.pcap`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "jsonl" && format != "text" {
				return fmt.Errorf("unknown --format %q: want jsonl or text", format)
			}
			flt, err := compileFilter(expr)
			if err != nil {
				return err
			}
			in, err := openInput(args[0], stdin)
			if err != nil {
				return err
			}
			defer in.Close()
			if format == "jsonl" && !explain && flt == nil && in.Live() {
				// A capture still arriving: its rows are written as its
				// frames come, before the bytes that complete their
				// application messages, so they have no "app" objects.
				return dumpJSONLStream(in, stdout, stderr, stream)
			}
			// A filter judges a frame by the whole capture (an analysis
			// event, a state, can come from later frames), so with one the
			// capture is read to its end first.
			tl, err := in.Load(nil)
			if err != nil {
				return badInput(err)
			}
			if err := noStream(args[0], tl, stream); err != nil {
				return err
			}
			kept, warnings := runFilter(flt, in, tl)
			opts := export.Options{Stream: stream, Absolute: absolute, Keep: kept.keep(), Filter: kept.String()}
			w := bufio.NewWriterSize(stdout, 1<<16)
			apps := newAppRows(in, tl)
			var ex func(frame uint32) string
			if explain {
				ex = func(frame uint32) string {
					lines := model.ExplainFrameAs(tl, frame, absolute)
					// The application layer's sentence, after TCP's.
					if si := tl.SegOf(frame); si >= 0 {
						if s := appnote.Sentence(apps.seg(int32(si)), tl.Segments[si].Dir); s != "" {
							lines = append(lines, s)
						}
					}
					return strings.Join(lines, "\n")
				}
			}
			switch {
			case format == "jsonl":
				err = writeJSONLApp(w, tl, stream, kept, ex, apps)
			case explain:
				err = writeTextExplained(w, tl, opts, ex)
			default:
				err = export.Write(w, "txt", tl, opts)
			}
			if ferr := w.Flush(); err == nil {
				err = ferr
			}
			if err != nil && !errors.Is(err, io.ErrClosedPipe) {
				return fmt.Errorf("write output: %w", err)
			}
			// Problems with the file as a whole (cut short) come after the
			// output, so everything before them is kept.
			printWarnings(stderr, tl.Warnings)
			printWarnings(stderr, warnings)
			if apps.err != nil {
				printWarnings(stderr, []string{"application layer: " + apps.err.Error()})
			}
			return nil
		},
	}, stdin, stderr, nil)
	cmd.Flags().StringVar(&format, "format", "text", "output format: jsonl or text")
	cmd.Flags().BoolVarP(&absolute, "absolute", "S", false, "absolute sequence numbers instead of relative (the text ladder and the explanations)")
	cmd.Flags().BoolVar(&explain, "explain", false, "add each step's explanation (jsonl: an \"explain\" string; text: paragraphs under each row)")
	cmd.Flags().IntVar(&stream, "stream", -1, "keep only conversation N (tcp.stream numbering)")
	cmd.Flags().StringVar(&expr, "filter", "", filterUsage)
	return cmd
}

// dumpJSONLStream is dump --format jsonl without --explain: the rows are
// written while the capture is read (streamJSONL).
func dumpJSONLStream(in *decode.Input, stdout, stderr io.Writer, stream int) error {
	w := bufio.NewWriterSize(stdout, 1<<16)
	warnings, err := streamJSONL(w, in, stream)
	var ee *exitError
	if errors.As(err, &ee) {
		return err
	}
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if err != nil && !errors.Is(err, io.ErrClosedPipe) {
		return fmt.Errorf("write output: %w", err)
	}
	printWarnings(stderr, warnings)
	return nil
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

// appendAddr appends a.String() without allocating it.
func appendAddr(b []byte, a netip.Addr) []byte {
	if !a.IsValid() {
		return append(b, a.String()...) // AppendTo writes nothing for it
	}
	return a.AppendTo(b)
}

// appendJSONString appends s as encoding/json writes it (with its HTML
// escapes): printable ASCII that needs no escape is copied as is, which
// spares the flag and event names an allocation on every row.
func appendJSONString(b []byte, s string) []byte {
	plain := true
	for i := 0; i < len(s) && plain; i++ {
		c := s[i]
		plain = c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	if plain {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
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

// rowSource is what a JSONL row is made from: a finished timeline, or the
// builder while the capture is being read (streaming).
type rowSource interface {
	SegOf(frame uint32) int32
	Segment(i int32) *model.Segment
	Conversation(idx int32) *model.Conversation
	ICMP(frame uint32) *model.ICMPError
	Note(frame uint32) string
	StartNS() int64
}

// timelineRows is a finished timeline as a rowSource.
type timelineRows struct {
	tl   *model.Timeline
	icmp int // Timeline.ICMP is in frame order: the walk's position
	seg  int // and so is Timeline.Segments
}

// SegOf finds frame's segment from where the walk's last one was.
func (r *timelineRows) SegOf(frame uint32) int32 {
	segs := r.tl.Segments
	for r.seg < len(segs) && segs[r.seg].Frame < frame {
		r.seg++
	}
	if r.seg < len(segs) && segs[r.seg].Frame == frame {
		return int32(r.seg)
	}
	return int32(r.tl.SegOf(frame)) // not walking in order after all
}
func (r *timelineRows) Segment(i int32) *model.Segment { return &r.tl.Segments[i] }
func (r *timelineRows) Conversation(idx int32) *model.Conversation {
	return r.tl.Conversations[idx]
}
func (r *timelineRows) Note(frame uint32) string { return r.tl.Note(frame) }
func (r *timelineRows) StartNS() int64           { return r.tl.StartNS }
func (r *timelineRows) ICMP(frame uint32) *model.ICMPError {
	for r.icmp < len(r.tl.ICMP) && r.tl.ICMP[r.icmp].Frame < frame {
		r.icmp++
	}
	if r.icmp >= len(r.tl.ICMP) || r.tl.ICMP[r.icmp].Frame != frame {
		return nil
	}
	return &r.tl.ICMP[r.icmp]
}

// writeJSONL prints the timeline as the dump contract (shared spec
// dump-jsonl.md) describes: one object per line, in capture order, for the
// frames of stream (-1: every stream) that keep has (nil: every frame).
// With explain set, every line also gets an "explain" string:
// explain(frame).
func writeJSONL(w io.Writer, tl *model.Timeline, stream int, keep *frameSet, explain func(frame uint32) string) error {
	return writeJSONLApp(w, tl, stream, keep, explain, nil)
}

// writeJSONLApp is writeJSONL with each segment's "app" object from apps
// (nil: none).
func writeJSONLApp(w io.Writer, tl *model.Timeline, stream int, keep *frameSet, explain func(frame uint32) string, apps *appRows) error {
	var b []byte
	src := &timelineRows{tl: tl}
	for i := range tl.Frames {
		if !keep.has(uint32(i + 1)) {
			continue
		}
		b = appendRow(b[:0], src, &tl.Frames[i], uint32(i+1), stream, explain, apps)
		if len(b) == 0 {
			continue
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

// streamJSONL prints what writeJSONL prints for in's capture, byte for
// byte, while reading it: a row is written as soon as it is final, so the
// memory used does not grow with the capture beyond each conversation's
// state and the frames still waiting.
//
// A row may wait because its conversation's server state before its first
// answer is a guess the answer can revise (LISTEN that becomes CLOSED on a
// refusal), because the conversation has not shown its SYN yet (a later SYN
// from the side taken for the server swaps the sides), or because it is an
// IP fragment whose datagram is not complete (its stream is not known).
// Rows come out in capture order, so a waiting row holds back the rows of
// the frames after it: those frames' compact records stay in the builder
// (the reorder buffer, keyed by frame number: frames head..last), and are
// forgotten once written. At the end of the capture every row is final.
func streamJSONL(w io.Writer, in *decode.Input, stream int) ([]string, error) {
	bld := model.NewBuilder()
	var buf []byte
	var werr error
	head := uint32(1) // the first frame not written yet
	forgotten := uint32(1)
	flush := func(last uint32, all bool) {
		for ; head <= last && werr == nil; head++ {
			if !all && !bld.Final(head) {
				break
			}
			buf = appendRow(buf, bld, bld.Frame(head), head, stream, nil, nil)
			if len(buf) >= 1<<16 {
				_, werr = w.Write(buf)
				buf = buf[:0]
			}
		}
		if head-forgotten >= forgetEvery {
			bld.Forget(head)
			forgotten = head
		}
	}
	last := uint32(0)
	// A capture still arriving (tcpdump -U -w - | tcpstep dump -) gets its
	// rows as its frames come, not when a buffer fills.
	fl, live := w.(interface{ Flush() error })
	live = live && in.Live()
	err := in.Feed(bld, func(n uint32) {
		last = n
		flush(n, false)
		if live && len(buf) > 0 && werr == nil {
			if _, werr = w.Write(buf); werr == nil {
				werr = fl.Flush()
			}
			buf = buf[:0]
		}
	})
	if err != nil {
		return nil, badInput(err)
	}
	flush(last, true)
	if werr == nil && len(buf) > 0 {
		_, werr = w.Write(buf)
	}
	tl := bld.Finish()
	if werr != nil {
		return tl.Warnings, werr
	}
	return tl.Warnings, noStream(in.Name(), tl, stream)
}

// forgetEvery is how many written frames streamJSONL lets pass before it
// has the builder drop their records (Forget walks every conversation).
const forgetEvery = 1 << 14

// appendRow appends frame frameNo's JSONL line (record f) to b, or nothing
// when the frame is not part of stream (-1: every stream) or is an ICMP
// frame without its error. apps, when not nil, gives a segment's "app"
// object (its segment indexes are rows').
func appendRow(b []byte, rows rowSource, f *model.Frame, frameNo uint32, stream int, explain func(frame uint32) string, apps *appRows) []byte {
	if stream >= 0 && int(f.Stream) != stream {
		return b
	}
	rel := f.TimeNS - rows.StartNS()
	switch f.Kind {
	case model.FrameTCP:
		si := rows.SegOf(frameNo)
		if si < 0 {
			return b // a TCP frame's segment is held as long as the frame
		}
		s := rows.Segment(si)
		c := rows.Conversation(f.Stream)
		src, dst := c.Client, c.Server
		if s.Dir != model.C2S {
			src, dst = dst, src
		}
		b = append(b, `{"kind":"tcp","frame":`...)
		b = strconv.AppendUint(b, uint64(s.Frame), 10)
		b = append(b, `,"time":`...)
		b = appendTime(b, rel)
		b = append(b, `,"stream":`...)
		b = strconv.AppendInt(b, int64(f.Stream), 10)
		b = append(b, `,"dir":"`...)
		b = append(b, s.Dir.String()...)
		b = append(b, `","src":"`...)
		b = appendAddr(b, src.Addr)
		b = append(b, `","dst":"`...)
		b = appendAddr(b, dst.Addr)
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
		b = append(b, s.Client().String()...)
		b = append(b, `","server":"`...)
		b = append(b, s.Server().String()...)
		b = append(b, `","events":`...)
		b = appendStrings(b, (s.Events & model.ContractEvents).Names())
		if extra := s.Events &^ model.ContractEvents; extra != 0 {
			// tshark names more than the contract lists (the ACK of a
			// zero-window probe); keep "events" to the contract's names.
			b = append(b, `,"events_extra":`...)
			b = appendStrings(b, extra.Names())
		}
		if apps != nil {
			b = appendApp(b, apps.seg(si))
		}
		b = appendExplain(b, explain, frameNo)
		b = append(b, "}\n"...)
	case model.FrameICMP:
		e := rows.ICMP(frameNo)
		if e == nil {
			return b
		}
		b = append(b, `{"kind":"icmp","frame":`...)
		b = strconv.AppendUint(b, uint64(frameNo), 10)
		b = append(b, `,"time":`...)
		b = appendTime(b, rel)
		b = append(b, `,"stream":`...)
		b = strconv.AppendInt(b, int64(e.Stream), 10)
		b = append(b, `,"src":"`...)
		b = appendAddr(b, e.Src.Addr)
		b = append(b, `","dst":"`...)
		b = appendAddr(b, e.Dst.Addr)
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
		b = appendJSONString(b, rows.Note(frameNo))
		b = appendExplain(b, explain, frameNo)
		b = append(b, "}\n"...)
	}
	return b
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
// indented under it: the ladder is export's, as o says, and every row (a
// line that starts with its frame number) is followed by its paragraphs.
func writeTextExplained(w io.Writer, tl *model.Timeline, o export.Options, explain func(frame uint32) string) error {
	var ladder strings.Builder
	if err := export.Write(&ladder, "txt", tl, o); err != nil {
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
