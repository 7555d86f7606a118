package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/tcpstep/tcpstep/model"
)

func newVantageCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var stream int
	cmd := captureCommand(&cobra.Command{
		Use:   "vantage [--stream N] CAPTURE",
		Short: "Say where the capture was taken, from each handshake's timing",
		Long: `vantage compares, for each conversation with a complete handshake, the time
from the SYN to the SYN,ACK with the time from the SYN,ACK to the ACK. Near
the client the first holds the whole round trip and the second only the
client's turnaround; near the server the reverse; between, both hold part of
it. One gap at least ` + fmt.Sprintf("%.0f", model.VantageRatio) + ` times the other counts as near that end.`,
		Example: `  tcpstep vantage sample:smtp-figure10`,
	}, stdin, stderr, func(_ *cobra.Command, name string, tl *model.Timeline) error {
		if err := noStream(name, tl, stream); err != nil {
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
	})
	cmd.Flags().IntVar(&stream, "stream", -1, "only conversation N (tcp.stream numbering)")
	return cmd
}
