// Command tcpstep steps through the TCP conversations of a packet capture:
// a ladder of segments, each side's RFC 793 state, the encapsulation layers
// of every frame and a plain-words explanation of each step.
//
//	tcpstep                       open the embedded sample (the paper's SMTP session)
//	tcpstep capture.pcap          open a pcap or pcapng file ("-" reads standard input)
//	tcpstep dump --format jsonl capture.pcap
//	tcpstep samples               list the embedded samples
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"charm.land/fang/v2"
	"github.com/spf13/cobra"

	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/samples"
	"github.com/tcpstep/tcpstep/ui"
)

// version is set at build time with -ldflags "-X main.version=..."; without
// it, the module version that go install recorded, or the VCS revision of a
// build from a checkout.
var version = "dev"

func buildVersion() string {
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

// exitError carries the exit status a failure should end the process with.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// badInput marks an error about the user's input (not a capture, unreadable,
// unknown sample): exit status 2.
func badInput(err error) error { return &exitError{code: 2, err: err} }

func main() {
	// Warnings and errors name files and quote captures: whatever control
	// bytes they hold are shown, never sent to the terminal raw.
	stderr := visibleWriter{os.Stderr}
	root := newRootCmd(os.Stdin, os.Stdout, stderr)
	err := fang.Execute(context.Background(), root,
		fang.WithVersion(buildVersion()),
		fang.WithErrorHandler(func(_ io.Writer, _ fang.Styles, err error) {
			// One line, as scripts and people reading a terminal expect.
			fmt.Fprintf(stderr, "tcpstep: %s\n", strings.ReplaceAll(err.Error(), "\n", " "))
		}),
	)
	if err != nil {
		var ee *exitError
		if errors.As(err, &ee) {
			os.Exit(ee.code)
		}
		os.Exit(2) // usage errors: unknown flag, bad argument
	}
}

// visibleWriter makes control characters visible in each line written
// through it (model.Visible), keeping the line breaks. Every write of the
// commands to standard error is one or more whole lines.
type visibleWriter struct{ w io.Writer }

func (v visibleWriter) Write(p []byte) (int, error) {
	lines := strings.Split(string(p), "\n")
	for i, l := range lines {
		lines[i] = model.Visible(l)
	}
	if _, err := io.WriteString(v.w, strings.Join(lines, "\n")); err != nil {
		return 0, err
	}
	return len(p), nil
}

// openInput opens a capture named on the command line: a file path, "-" for
// standard input, or "sample:NAME" for an embedded sample. Errors name the
// input and say what is wrong.
func openInput(name string, stdin io.Reader) (*decode.Input, error) {
	if s, ok := strings.CutPrefix(name, "sample:"); ok {
		b, err := samples.Bytes(s)
		if err != nil {
			return nil, badInput(err)
		}
		in, err := decode.OpenBytes(name, b)
		if err != nil {
			return nil, badInput(err)
		}
		return in, nil
	}
	if name == "-" {
		in, err := decode.OpenReader("-", stdin)
		if err != nil {
			return nil, badInput(err)
		}
		return in, nil
	}
	in, err := decode.Open(name)
	if err != nil {
		return nil, badInput(err)
	}
	return in, nil
}

// openFollow opens a capture file to be followed as it grows (--follow).
func openFollow(name string) (*decode.Input, error) {
	if strings.HasPrefix(name, "sample:") || name == "-" {
		return nil, badInput(fmt.Errorf("--follow reads a file that is still being written, not %s (standard input is always read as it arrives)", name))
	}
	in, err := decode.OpenFollow(name)
	if err != nil {
		return nil, badInput(err)
	}
	return in, nil
}

// stepperSource is an input as the stepper takes it: indexed as it is
// read, so a big file shows at once and a live capture as it grows.
type stepperSource struct{ *decode.Input }

func (s stepperSource) Index() ui.Indexer { return s.Input.Index() }

func newRootCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var absolute, follow bool
	var stream int
	root := &cobra.Command{
		Use:   "tcpstep [CAPTURE]",
		Short: "Step through TCP conversations packet by packet",
		Long: `tcpstep opens a packet capture (pcap or pcapng) and steps through a TCP
conversation segment by segment: a ladder of the segments between client and
server, each side's RFC 793 state, the encapsulation layers and bytes of each
frame, and a plain-words explanation of every step.

With no CAPTURE it opens the embedded sample "` + samples.Default + `", the SMTP
session of the paper "TCP/IP for security professionals". CAPTURE may be a
file, "-" for standard input, or "sample:NAME" (see "tcpstep samples").`,
		Example: `  tcpstep                          # the embedded SMTP sample
  tcpstep capture.pcap             # a capture file
  tcpstep -S capture.pcapng        # start with absolute sequence numbers
  tcpdump -U -w - port 25 | tcpstep -   # watch a capture as it is made
  tcpstep --follow live.pcap       # a file a capture program is still writing
  tcpstep sample:simultaneous-close`,
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
			// An embedded sample opens with its lesson on (L hides it).
			if s, ok := strings.CutPrefix(name, "sample:"); ok {
				if l, ok := samples.Lesson(s); ok {
					opts.Lesson = &l
				}
			}
			return ui.Run(stepperSource{in}, opts)
		},
	}
	root.Flags().BoolVarP(&absolute, "absolute", "S", false, "start with absolute sequence numbers (the default is relative; r toggles)")
	root.Flags().IntVar(&stream, "stream", -1, "open conversation N (tcp.stream numbering) instead of the picker")
	root.Flags().BoolVarP(&follow, "follow", "f", false, "keep reading CAPTURE as it grows, like tail -f (a file a capture program is writing)")
	root.AddCommand(newDumpCmd(stdin, stdout, stderr), newSamplesCmd(stdout))
	for _, mk := range subcommands {
		root.AddCommand(mk(stdin, stdout, stderr))
	}
	return root
}

// subcommands lets each command file register itself (in an init function)
// without every new command editing this file.
var subcommands []func(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command
