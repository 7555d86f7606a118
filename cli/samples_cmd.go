package cli

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/tcpstep/tcpstep/samples"
)

func newSamplesCmd(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "samples",
		Short: "List the embedded sample captures",
		Long: `samples lists the captures built into tcpstep, one per line, each line
starting with the name to open it by: tcpstep sample:NAME.`,
		Example: `  tcpstep samples
  tcpstep sample:refused
  tcpstep dump --format text sample:smtp-figure10`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return listSamples(stdout, func(s samples.Sample) (string, bool) { return s.Title, true })
		},
	}
}
