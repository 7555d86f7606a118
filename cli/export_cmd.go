package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/tcpstep/tcpstep/export"
)

func newExportCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var format, output string
	var absolute bool
	var stream int
	var expr string
	cmd := captureCommand(&cobra.Command{
		Use:   "export CAPTURE",
		Short: "Write a conversation's ladder as Mermaid, SVG or text for handouts and docs",
		Long: `export decodes CAPTURE and writes the ladder of one conversation in a form
to paste into documents:

  --format mermaid  a Mermaid sequenceDiagram: client and server as participants,
                    one arrow per segment (flags, SEQ, ACK, length, window), a
                    note where a side's state changes, and notes for analysis
                    events and for fragments or ICMP errors. GitHub, GitLab and
                    most wikis render it inside a "mermaid" code block.
  --format svg      a standalone SVG picture of the same ladder: lifelines,
                    arrows, states beside each side where they change, events.
  --format txt      the text ladder (as "tcpstep dump --format text").

--stream picks the conversation (tcp.stream numbering). Without it, mermaid and
svg write stream 0 and txt writes every conversation. The output goes to
standard output, or to the file named by -o.

--filter EXPR leaves out of the ladder the rows whose frame does not match a
Wireshark display filter (the frames "tshark -Y EXPR" shows), and the header
names the filter; a state note then says how a side's state differs from the
last row drawn. txt leaves out a conversation with no row left.

CAPTURE is a pcap or pcapng file, "-" for standard input, or "sample:NAME".`,
		Example: `  tcpstep export --format mermaid sample:smtp-figure10 > handshake.mmd
  tcpstep export --format svg --stream 2 -o stream2.svg capture.pcapng
  tcpstep export --format txt --absolute capture.pcap
  tcpstep export --format svg --filter 'tcp.len > 0 || tcp.flags.syn == 1' sample:lossy-transfer`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, _, err := export.ByName(format); err != nil {
				return fmt.Errorf("unknown --format %q: want mermaid, svg or txt", format)
			}
			streamSet := cmd.Flags().Changed("stream")
			if streamSet && stream < 0 {
				return fmt.Errorf("--stream %d: want a stream number, 0 or more", stream)
			}
			flt, err := compileFilter(expr)
			if err != nil {
				return err
			}
			in, tl, err := loadInput(args[0], stdin)
			if err != nil {
				return err
			}
			defer in.Close()
			text := format == "txt" || format == "text"
			if !streamSet && text {
				stream = -1 // every conversation
			}
			if len(tl.Conversations) == 0 && !text {
				return badInput(fmt.Errorf("%s: no TCP conversations to export (%d frames)", args[0], len(tl.Frames)))
			}
			if err := noStream(args[0], tl, stream); err != nil {
				return err
			}
			kept, warnings := runFilter(flt, in, tl)
			opts := export.Options{Stream: stream, Absolute: absolute, Keep: kept.keep(), Filter: kept.String()}
			var n int64
			if output != "" && output != "-" {
				if n, err = export.Save(output, format, tl, opts); err != nil {
					return err
				}
			} else {
				cw := &export.CountingWriter{W: stdout}
				w := bufio.NewWriterSize(cw, 1<<16)
				err = export.Write(w, format, tl, opts)
				if ferr := w.Flush(); err == nil {
					err = ferr
				}
				if err != nil && !errors.Is(err, io.ErrClosedPipe) {
					return fmt.Errorf("write output: %w", err)
				}
				n = cw.N
			}
			printWarnings(stderr, tl.Warnings)
			printWarnings(stderr, warnings)
			if (format == "mermaid" || format == "mmd") && n > export.MermaidMaxText {
				fmt.Fprintf(stderr, "tcpstep: warning: the diagram is %d characters, past Mermaid's default maxTextSize of %d: raise it in the renderer's configuration, or export a shorter stream or fewer frames (--filter)\n", n, export.MermaidMaxText)
			}
			if output != "" && output != "-" {
				only := ""
				if kept != nil {
					only = fmt.Sprintf(", the frames matching --filter %q", kept.expr)
				}
				fmt.Fprintf(stderr, "tcpstep: wrote %s (%d bytes, %s, stream %s%s)\n", output, n, format, streamName(stream), only)
			}
			return nil
		},
	}, stdin, stderr, nil)
	cmd.Flags().StringVarP(&format, "format", "f", "mermaid", "output format: mermaid, svg or txt")
	cmd.Flags().IntVar(&stream, "stream", 0, "conversation N (tcp.stream numbering); default 0, or every conversation for txt")
	cmd.Flags().BoolVarP(&absolute, "absolute", "S", false, "absolute sequence numbers instead of relative")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to FILE instead of standard output")
	cmd.Flags().StringVar(&expr, "filter", "", filterUsage)
	return cmd
}

func streamName(stream int) string {
	if stream < 0 {
		return "all"
	}
	return fmt.Sprint(stream)
}
