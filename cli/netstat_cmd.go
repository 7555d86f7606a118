package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/tcpstep/tcpstep/model"
)

func newNetstatCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var stream, step int
	var ss bool
	cmd := captureCommand(&cobra.Command{
		Use:   "netstat --stream N --step K CAPTURE",
		Short: "Print what netstat -tan (or ss -tan) would show on both hosts at a step",
		Long: `netstat prints, for conversation N after its first K segments, the lines
"netstat -tan" would print on the client host and on the server host for this
connection: the listening socket where the server has one (assumed bound to
the wildcard address, 0.0.0.0:PORT or [::]:PORT), the connection's state in
netstat's spelling, and the queues. With --ss, the same in ss -tan's spelling
(ESTAB, SYN-SENT, TIME-WAIT).

Send-Q is the bytes the host has sent and not yet had acknowledged at that
moment (SYN and FIN count one each, as Linux counts them). Recv-Q is 0: a
capture cannot show when the application reads. A CLOSED side has no line;
a side in TIME_WAIT keeps its line.

K counts segments as the interface's "step K/M" does: 0 is before the first
segment; the default is the last step.`,
		Example: `  tcpstep netstat --step 4 sample:smtp-figure10
  tcpstep netstat --ss --stream 0 --step 11 sample:http-close`,
	}, stdin, stderr, func(cmd *cobra.Command, name string, tl *model.Timeline) error {
		if stream < 0 || stream >= len(tl.Conversations) {
			return badInput(fmt.Errorf("%s: no stream %d (the capture has %d conversations)", name, stream, len(tl.Conversations)))
		}
		if !cmd.Flags().Changed("step") {
			step = len(tl.Conversations[stream].Segs)
		}
		v, err := model.Netstat(tl, stream, step)
		if err != nil {
			return badInput(fmt.Errorf("%s: %w", name, err))
		}
		lines := v.Text(ss)
		lines = append(lines, model.VantageOf(tl, stream).Sentence())
		return writeLines(stdout, lines)
	})
	cmd.Flags().IntVar(&stream, "stream", 0, "conversation N (tcp.stream numbering)")
	cmd.Flags().IntVar(&step, "step", 0, "after the first K segments (0: before the first; default: the last)")
	cmd.Flags().BoolVar(&ss, "ss", false, "print in ss -tan's spelling instead of netstat's")
	return cmd
}
