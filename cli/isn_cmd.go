package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/tcpstep/tcpstep/model"
)

func newISNCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	return captureCommand(&cobra.Command{
		Use:   "isn CAPTURE",
		Short: "Tabulate each host's initial sequence numbers and judge how guessable they are",
		Long: `isn lists, for each host in the capture, the initial sequence numbers of the
connections it opened (its SYNs) and of those it accepted (its SYN,ACKs), in
capture order, with the difference from the previous one (mod 2^32), the time
between them and the difference per second. It then says how they grow (a
constant step, multiples of a step, proportional to time, a step plus a
clock, or no pattern) and gives a verdict: "predictable" or "unpredictable".
At least ` + fmt.Sprint(model.ISNMinSamples) + ` connections are needed; with fewer the verdict is "too few
connections (N) to judge".`,
		Example: `  tcpstep isn sample:isn-prediction`,
	}, stdin, stderr, func(_ *cobra.Command, _ string, tl *model.Timeline) error {
		return writeLines(stdout, model.ISNText(model.AnalyzeISNs(tl)))
	})
}
