package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/tcpstep/tcpstep/samples"
)

// newLessonsCmd lists the lessons that come with the embedded samples.
func newLessonsCmd(_ io.Reader, stdout, _ io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "lessons",
		Short: "List the lessons that come with the embedded samples",
		Long: `lessons lists the lesson of every embedded sample, one per line: the sample's
name, then the lesson's title. Open one with tcpstep sample:NAME; its notes
show in the explanation pane at the steps they are about.`,
		Example: `  tcpstep lessons
  tcpstep sample:smtp-figure10`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return listSamples(stdout, func(s samples.Sample) (string, bool) {
				l, ok := samples.Lesson(s.Name)
				if !ok {
					return "", false
				}
				return l.Title, true
			})
		},
	}
}

// listSamples writes a line per embedded sample that title names: the
// sample's name, padded so the titles line up, then the title.
func listSamples(stdout io.Writer, title func(samples.Sample) (string, bool)) error {
	list := samples.List()
	width := 0
	for _, s := range list {
		width = max(width, len(s.Name))
	}
	for _, s := range list {
		t, ok := title(s)
		if !ok {
			continue
		}
		if _, err := fmt.Fprintf(stdout, "%-*s  %s\n", width, s.Name, t); err != nil {
			return err
		}
	}
	return nil
}
