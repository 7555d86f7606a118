package cli

import (
	"fmt"
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
			list := samples.List()
			width := 0
			for _, s := range list {
				width = max(width, len(s.Name))
			}
			for _, s := range list {
				if _, err := fmt.Fprintf(stdout, "%-*s  %s\n", width, s.Name, s.Title); err != nil {
					return err
				}
			}
			return nil
		},
	}
}
