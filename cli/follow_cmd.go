package cli

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/tcpstep/tcpstep/model"
)

func newFollowCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var stream int
	var dir string
	var hex bool
	cmd := captureCommand(&cobra.Command{
		Use:   "follow [--stream N] [--dir c2s|s2c | --hex] CAPTURE",
		Short: "Print a conversation's payload reassembled in sequence order",
		Long: `follow reassembles the payload of conversation N (tcp.stream numbering; with
no --stream, the capture's only conversation) in sequence order, each byte once: retransmitted and out-of-order data is placed
where it belongs (the first copy in the capture wins), SYN and FIN carry no
bytes, and IP fragments are put back together.

  --dir c2s|s2c   write that direction's bytes exactly, raw, to standard output
                  (binary-safe: pipe it to a file or a decoder). Bytes the
                  capture lacks are left out: a gap in the capture, or the part
                  of a segment cut off by the snap length.
  (no --dir)      print the dialogue as text, both directions in the order the
                  data became readable, a marker line at each change of
                  direction, control bytes made visible (never raw), and a line
                  "[N bytes missing]" where the capture has a gap. Data that
                  waited behind a gap nobody acknowledged is shown after it
                  (Wireshark leaves it out); --dir writes it too.
  --hex           the dialogue as a hex dump instead of text.

CAPTURE is a pcap or pcapng file, "-" for standard input, or "sample:NAME".`,
		Example: `  tcpstep follow --stream 0 sample:smtp-figure10
  tcpstep follow --stream 0 --dir s2c capture.pcap > reply.bin
  tcpstep follow --stream 2 --hex capture.pcapng`,
		RunE: func(cmd *cobra.Command, args []string) error {
			var d model.Dir
			switch dir {
			case "", "c2s":
				d = model.C2S
			case "s2c":
				d = model.S2C
			default:
				return badInput(fmt.Errorf("unknown --dir %q: want c2s or s2c", dir))
			}
			if dir != "" && hex {
				return badInput(errors.New("--hex shows the dialogue; --dir writes raw bytes: choose one"))
			}
			in, tl, err := loadInput(args[0], stdin)
			if err != nil {
				return err
			}
			defer in.Close()
			if stream, err = chosenStream(cmd, args[0], tl, stream); err != nil {
				return err
			}
			c := tl.Conversations[stream]
			payload := func(seg int) ([]byte, error) { return in.Payload(tl, seg) }
			w := bufio.NewWriterSize(stdout, 1<<16)
			if dir != "" {
				var chunks []model.FollowChunk
				chunks, err = model.FollowDir(tl, c, d, payload)
				if err == nil {
					for i := range chunks {
						if _, err = w.Write(chunks[i].Data); err != nil {
							break
						}
					}
				}
			} else {
				var chunks []model.FollowChunk
				chunks, err = model.FollowDialogue(tl, c, payload)
				if err == nil {
					err = writeDialogue(w, tl, c, chunks, hex)
				}
			}
			if ferr := w.Flush(); err == nil {
				err = ferr
			}
			if err != nil && !errors.Is(err, io.ErrClosedPipe) {
				// Every failure here is about the input (a frame that no
				// longer reads back): exit status 2, like a bad file.
				return badInput(fmt.Errorf("follow stream %d: %w", stream, err))
			}
			printWarnings(stderr, tl.Warnings)
			return nil
		},
	}, stdin, stderr, nil)
	cmd.Flags().IntVar(&stream, "stream", -1, "the conversation to follow (tcp.stream numbering; needed when the capture has several)")
	cmd.Flags().StringVar(&dir, "dir", "", "write one direction's bytes raw: c2s or s2c")
	cmd.Flags().BoolVar(&hex, "hex", false, "print the dialogue as a hex dump")
	return cmd
}

// writeDialogue prints the dialogue: a marker line whenever the direction
// changes ("── 10.0.0.1:1234 → 10.0.0.2:25 ──"), then the chunk's bytes as
// visible text broken at newlines, or as a hex dump.
func writeDialogue(w *bufio.Writer, tl *model.Timeline, c *model.Conversation, chunks []model.FollowChunk, hex bool) error {
	last := model.Dir(255)
	atStart := true // the output is at the start of a line
	newline := func() {
		if !atStart {
			w.WriteByte('\n')
			atStart = true
		}
	}
	for i := range chunks {
		ch := &chunks[i]
		if ch.Dir != last {
			src, dst := c.Client, c.Server
			if ch.Dir == model.S2C {
				src, dst = dst, src
			}
			newline()
			if last != 255 && !hex {
				w.WriteByte('\n')
			}
			fmt.Fprintf(w, "── %s %s → %s ──\n", ch.Dir, src, dst)
			last = ch.Dir
		}
		switch {
		case ch.Kind == model.ChunkGap && ch.Unacked:
			newline()
			fmt.Fprintf(w, "[%d bytes missing, never acknowledged]\n", ch.Missing)
		case ch.Kind == model.ChunkGap:
			newline()
			fmt.Fprintf(w, "[%d bytes missing]\n", ch.Missing)
		case ch.Kind == model.ChunkCut:
			newline()
			fmt.Fprintf(w, "[%d bytes not captured (snap length)]\n", ch.Missing)
		case hex:
			writeHex(w, ch.Data, ch.Seq)
		default:
			atStart = writeText(w, ch.Data, atStart)
		}
	}
	newline()
	return nil
}

// writeText writes data as visible text, a line per line feed in the data,
// the CR and LF themselves shown as ␍ and ␊ so that nothing is hidden. It
// reports whether the output ends at the start of a line.
func writeText(w *bufio.Writer, data []byte, atStart bool) bool {
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		line := data
		if i >= 0 {
			line, data = data[:i+1], data[i+1:]
		} else {
			data = nil
		}
		w.WriteString(model.Visible(string(line)))
		atStart = i >= 0
		if atStart {
			w.WriteByte('\n')
		}
	}
	return atStart
}

// writeHex writes data as a hex dump, 16 bytes a line, each line starting
// with the relative sequence number of its first byte.
func writeHex(w *bufio.Writer, data []byte, seq uint32) {
	for off := 0; off < len(data); off += 16 {
		row := data[off:min(off+16, len(data))]
		fmt.Fprintf(w, "%10d  ", seq+uint32(off))
		for i := range 16 {
			if i < len(row) {
				fmt.Fprintf(w, "%02x ", row[i])
			} else {
				w.WriteString("   ")
			}
			if i == 7 {
				w.WriteByte(' ')
			}
		}
		w.WriteString(" ")
		for _, b := range row {
			if b >= 0x20 && b < 0x7f {
				w.WriteByte(b)
			} else {
				w.WriteByte('.')
			}
		}
		w.WriteByte('\n')
	}
}
