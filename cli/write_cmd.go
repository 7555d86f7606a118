package cli

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/model"
)

func newWriteCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var stream int
	var output string
	var expr string
	cmd := captureCommand(&cobra.Command{
		Use:   "write [--stream N] [--filter EXPR] -o OUT CAPTURE",
		Short: "Write one conversation's frames, or the frames matching a filter, to a capture file of their own",
		Long: `write copies the frames of conversation N (tcp.stream numbering; with no
--stream, the capture's only conversation) to OUT: its TCP segments, the IPv4
fragments that carried them and the ICMP errors that quote it, in capture
order, each byte for byte with its original timestamp (to the nanosecond),
original length and link type. Open OUT in Wireshark, or share it without the
rest of the capture.

--filter EXPR writes the frames matching a Wireshark display filter (the frames
"tshark -Y EXPR" shows) instead: every matching frame of the capture, of any
conversation or none, in capture order. With --stream N as well, the frames of
conversation N that match. No frame matching is not an error: OUT then holds no
frames.

OUT is pcap, or pcapng when its name ends in .pcapng or when the frames have
more than one link type (a pcap file has one). "-o -" writes to standard
output when it is not a terminal. OUT is written beside its final name and
renamed when complete, so a failure never leaves half a file.

CAPTURE is a pcap or pcapng file, "-" for standard input, or "sample:NAME".`,
		Example: `  tcpstep write --stream 2 -o stream2.pcap capture.pcapng
  tcpstep write -o lossy.pcap sample:lossy-transfer
  tcpstep write --stream 0 -o - capture.pcap | tshark -r -
  tcpstep write --filter 'tcp.analysis.flags' -o trouble.pcap capture.pcapng
  tcpstep write --stream 2 --filter 'tcp.len > 0' -o data.pcap capture.pcapng`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if output == "" {
				return badInput(fmt.Errorf("missing -o OUT, the file to write: %s", cmd.UseLine()))
			}
			if output == "-" {
				if f, ok := stdout.(*os.File); ok && isTerminal(f) {
					return badInput(errors.New("-o -: standard output is a terminal; name a file, or pipe the capture to a program"))
				}
			} else if err := notTheInput(args[0], output); err != nil {
				return err
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
			if flt == nil || cmd.Flags().Changed("stream") {
				if stream, err = chosenStream(cmd, args[0], tl, stream); err != nil {
					return err
				}
			} else {
				stream = -1 // the whole capture
			}
			kept, warnings := runFilter(flt, in, tl)
			frames := writeSelection(tl, stream, kept)
			ng := strings.EqualFold(filepath.Ext(output), ".pcapng")
			var format decode.CaptureFormat
			if output == "-" {
				format, err = in.WriteFrames(stdout, tl, frames, ng)
				if errors.Is(err, io.ErrClosedPipe) {
					err = nil
				}
			} else {
				format, err = writeCaptureFile(output, in, tl, frames, ng)
			}
			if err != nil {
				return badInput(err)
			}
			printWarnings(stderr, tl.Warnings)
			printWarnings(stderr, warnings)
			where := model.Visible(output)
			if output == "-" {
				where = "standard output"
			}
			why := ""
			if format == decode.FormatPcapng && !ng {
				why = ": the frames have more than one link type, or a time a pcap file cannot hold"
			}
			what := ""
			if stream >= 0 {
				c := tl.Conversations[stream]
				what = fmt.Sprintf(" of stream %d (%s ⇄ %s)", stream, model.Visible(c.Client.String()), model.Visible(c.Server.String()))
			}
			if kept != nil {
				what += fmt.Sprintf(" matching --filter %q", kept.expr)
			}
			fmt.Fprintf(stderr, "tcpstep: wrote %d frames%s to %s as %s%s\n", len(frames), what, where, format, why)
			return nil
		},
	}, stdin, stderr, nil)
	cmd.Flags().IntVar(&stream, "stream", -1, "the conversation to write (tcp.stream numbering; needed when the capture has several)")
	cmd.Flags().StringVarP(&output, "output", "o", "", "the capture file to write (- for standard output)")
	cmd.Flags().StringVar(&expr, "filter", "", filterUsage+"; without --stream, every matching frame of the capture")
	return cmd
}

// writeSelection is the frames write copies, in capture order: every frame
// of conversation stream that keep has (nil: every one), or with a negative
// stream every frame of the capture that keep has (--filter without
// --stream: keep is set).
func writeSelection(tl *model.Timeline, stream int, keep *frameSet) []uint32 {
	if stream < 0 {
		if keep == nil {
			return nil
		}
		return keep.frames
	}
	frames := tl.ConvFrames(tl.Conversations[stream])
	if keep == nil {
		return frames
	}
	out := frames[:0:0]
	for _, n := range frames {
		if keep.has(n) {
			out = append(out, n)
		}
	}
	return out
}

// writeCaptureFile writes the frames to a new file beside path and renames
// it to path once it is complete. The file is made with the usual
// permissions less the umask, as a capture program makes its files.
func writeCaptureFile(path string, in *decode.Input, tl *model.Timeline, frames []uint32, ng bool) (decode.CaptureFormat, error) {
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	tmp := filepath.Join(filepath.Dir(path), ".tcpstep-write-"+hex.EncodeToString(rnd[:]))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return 0, fmt.Errorf("create %s: %w", path, unwrapPath(err))
	}
	defer os.Remove(tmp) // after the rename there is nothing left to remove
	w := bufio.NewWriterSize(f, 1<<16)
	format, err := in.WriteFrames(w, tl, frames, ng)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		return format, fmt.Errorf("write %s: %w", path, unwrapPath(err))
	}
	return format, nil
}

// notTheInput refuses an output that is the capture being read: writing
// one conversation over the whole capture loses the rest of it.
func notTheInput(input, output string) error {
	if input == "-" || strings.HasPrefix(input, "sample:") {
		return nil
	}
	a, err1 := os.Stat(input)
	b, err2 := os.Stat(output)
	if err1 == nil && err2 == nil && os.SameFile(a, b) {
		return badInput(fmt.Errorf("-o %s is the capture being read: write the conversation to another file", output))
	}
	return nil
}

// isTerminal reports whether f is a terminal (a character device other
// than the null device), where a capture's bytes must not go.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull)
	return err != nil || !os.SameFile(st, null)
}

// unwrapPath drops a *PathError's repetition of the path, which the
// message already names.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
