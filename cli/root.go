// Package cli is tcpstep's command line: the root command, which opens the
// stepper, and one file per subcommand (craft, dump, expert, export, follow,
// isn, lesson, lessons, netstat, quiz, samples, vantage, write), sharing the input helpers
// of input.go.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"charm.land/fang/v2"
	"github.com/spf13/cobra"

	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/samples"
	"github.com/tcpstep/tcpstep/ui"
)

// buildVersion is the version to print: version as set at build time (in
// package main, with -ldflags "-X main.version=..."), or without it the
// module version that go install recorded, or the VCS revision of a build
// from a checkout.
func buildVersion(version string) string {
	if version != "dev" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return version
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return "dev-" + s.Value[:12]
		}
	}
	return version
}

// Main runs the command line with the process's arguments and returns the
// exit status: 0, 1 for a failure of the work itself, 2 for bad input or
// usage.
func Main(version string, stdin io.Reader, stdout, stderr io.Writer) int {
	// Warnings and errors name files and quote captures: whatever control
	// bytes they hold are shown, never sent to the terminal raw.
	stderr = visibleWriter{stderr}
	root := newRootCmd(stdin, stdout, stderr)
	// Help and usage go where the caller says (a test's buffer), not to
	// the process's own standard output.
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := fang.Execute(context.Background(), root,
		fang.WithVersion(buildVersion(version)),
		fang.WithErrorHandler(func(_ io.Writer, _ fang.Styles, err error) {
			// One line, as scripts and people reading a terminal expect.
			fmt.Fprintf(stderr, "tcpstep: %s\n", strings.ReplaceAll(err.Error(), "\n", " "))
		}),
	)
	if err != nil {
		var ee *exitError
		if errors.As(err, &ee) {
			return ee.code
		}
		return 2 // usage errors: unknown flag, bad argument
	}
	return 0
}

func newRootCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var absolute, follow bool
	var stream int
	var lessonFile string
	root := &cobra.Command{
		Use:   "tcpstep [CAPTURE]",
		Short: "Step through TCP conversations packet by packet",
		Long: `tcpstep opens a packet capture (pcap or pcapng) and steps through a TCP
conversation segment by segment: a ladder of the segments between client and
server, each side's RFC 793 state, the encapsulation layers and bytes of each
frame, and a plain-words explanation of every step.

With no CAPTURE it opens the embedded sample "` + samples.Default + `", the SMTP
session of the paper "TCP/IP for security professionals". CAPTURE may be a
file, "-" for standard input, "sample:NAME" (see "tcpstep samples"), or a
scenario file, NAME.tcpscenario, crafted in memory (see "tcpstep craft").`,
		// A comment stands on its own line: the help's renderer folds the
		// spaces of a command line, which would put a comment after it out
		// of line.
		Example: `  # the embedded SMTP sample
  tcpstep
  # a capture file
  tcpstep capture.pcap
  # start with absolute sequence numbers
  tcpstep -S capture.pcapng
  # watch a capture as it is made
  tcpdump -U -w - port 25 | tcpstep -
  # a file a capture program is still writing
  tcpstep --follow live.pcap
  # another embedded sample (tcpstep samples lists them)
  tcpstep sample:simultaneous-close
  # a capture with a lesson (lab.lesson.md beside it is found by name)
  tcpstep --lesson notes.lesson.md lab.pcap
  # a scenario file, crafted in memory
  tcpstep lab.tcpscenario`,
		Args:          cobra.MaximumNArgs(1),
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			name := captureArg(args)
			// Open (and so validate) before the terminal is taken over, so a
			// bad file gets the same one-line error as dump.
			var in *decode.Input
			var err error
			if follow {
				in, err = openFollow(name)
			} else {
				in, err = openInput(name, stdin)
			}
			if err != nil {
				return err
			}
			defer in.Close()
			opts := ui.Options{Absolute: absolute, Stream: stream}
			if err := withLessonFrom(&opts, name, lessonFile, cmd.Flags().Changed("absolute")); err != nil {
				return err
			}
			return ui.Run(stepperSource{in}, opts)
		},
	}
	root.Flags().BoolVarP(&absolute, "absolute", "S", false, "start with absolute sequence numbers (the default is relative, or the numbering a sample's lesson speaks in; r toggles)")
	root.Flags().IntVar(&stream, "stream", -1, "open conversation N (tcp.stream numbering) instead of the picker")
	root.Flags().StringVar(&lessonFile, "lesson", "", "the lesson to show with CAPTURE (default: NAME.lesson.md beside NAME.pcap; tcpstep lesson says more)")
	root.Flags().BoolVarP(&follow, "follow", "f", false, "keep reading CAPTURE as it grows, like tail -f (a file a capture program is writing)")
	root.AddCommand(
		newCraftCmd(stdin, stdout, stderr),
		newDumpCmd(stdin, stdout, stderr),
		newExpertCmd(stdin, stdout, stderr),
		newExportCmd(stdin, stdout, stderr),
		newFollowCmd(stdin, stdout, stderr),
		newISNCmd(stdin, stdout, stderr),
		newLessonCmd(stdin, stdout, stderr),
		newLessonsCmd(stdin, stdout, stderr),
		newNetstatCmd(stdin, stdout, stderr),
		newQuizCmd(stdin, stdout, stderr),
		newSamplesCmd(stdout),
		newVantageCmd(stdin, stdout, stderr),
		newWriteCmd(stdin, stdout, stderr),
	)
	return root
}

// withLesson gives an embedded sample its lesson, on from the start (L
// hides it), and opens it in the numbering the lesson speaks in unless the
// command line chose one.
func withLesson(opts *ui.Options, name string, numberingChosen bool) {
	s, ok := strings.CutPrefix(name, "sample:")
	if !ok {
		return
	}
	l, ok := samples.Lesson(s)
	if !ok {
		return
	}
	opts.Lesson = &l
	if !numberingChosen {
		opts.Absolute = l.Absolute
	}
}
