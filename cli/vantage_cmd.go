package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/tcpstep/tcpstep/model"
)

func newVantageCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var stream int
	cmd := &cobra.Command{
		Use:   "vantage [--stream N] CAPTURE",
		Short: "Say where the capture was taken, from each handshake's timing",
		Long: `vantage compares, for each conversation with a complete handshake, the time
from the SYN to the SYN,ACK with the time from the SYN,ACK to the ACK. Near
the client the first holds the whole round trip and the second only the
client's turnaround; near the server the reverse; between, both hold part of
it. One gap at least ` + fmt.Sprintf("%.0f", model.VantageRatio) + ` times the other counts as near that end.`,
		Example:       `  tcpstep vantage sample:smtp-figure10`,
		Args:          cobra.ExactArgs(1),
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			tl, warn, err := loadTimeline(args[0], stdin, stderr)
			if err != nil {
				return err
			}
			defer warn()
			if err := noStream(args[0], tl, stream); err != nil {
				return err
			}
			var lines []string
			for i, c := range tl.Conversations {
				if stream >= 0 && i != stream {
					continue
				}
				v := model.VantageOf(tl, i)
				lines = append(lines, fmt.Sprintf("stream %d %s ⇄ %s: %s", i, c.Client, c.Server, v.Kind),
					"  "+v.Numbers()+". "+v.Explain())
			}
			if stream < 0 {
				lines = append(lines, "capture: taken "+model.CaptureVantage(tl).String())
			}
			return writeLines(stdout, lines)
		},
	}
	cmd.Flags().IntVar(&stream, "stream", -1, "only conversation N (tcp.stream numbering)")
	return cmd
}
