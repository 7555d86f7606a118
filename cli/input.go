// Input helpers every command shares: the capture argument, opening it,
// exit statuses, and the writer that keeps capture bytes off the terminal.

package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/samples"
	"github.com/tcpstep/tcpstep/ui"
)

// captureArg is the capture a command was given, or the default sample when
// it was given none.
func captureArg(args []string) string {
	if len(args) == 1 {
		return args[0]
	}
	return "sample:" + samples.Default
}

// noStream reports a --stream past the capture's conversations (nil when the
// stream exists or none was asked for).
func noStream(name string, tl *model.Timeline, stream int) error {
	if stream < len(tl.Conversations) {
		return nil
	}
	return badInput(fmt.Errorf("%s: no stream %d (the capture has %d conversations)", name, stream, len(tl.Conversations)))
}

// printWarnings writes problems with the file as a whole (cut short) after
// the output, so that everything before them is kept and seen first.
func printWarnings(stderr io.Writer, warnings []string) {
	for _, w := range warnings {
		fmt.Fprintf(stderr, "tcpstep: warning: %s\n", w)
	}
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
// standard input, "sample:NAME" for an embedded sample, or a scenario file
// (NAME.tcpscenario), crafted in memory. Errors name the
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
	if strings.HasSuffix(name, scenarioExt) {
		b, err := craftInput(name, stdin)
		if err != nil {
			return nil, err
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
	if strings.HasPrefix(name, "sample:") || name == "-" || strings.HasSuffix(name, scenarioExt) {
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

// loadInput opens and decodes a capture named on the command line; the
// caller closes the input, which still reads payloads.
func loadInput(name string, stdin io.Reader) (*decode.Input, *model.Timeline, error) {
	in, err := openInput(name, stdin)
	if err != nil {
		return nil, nil, err
	}
	tl, err := in.Load(nil)
	if err != nil {
		in.Close()
		return nil, nil, badInput(err)
	}
	return in, tl, nil
}

// oneCapture checks a command over one capture was given exactly one, and
// says how to call it when not.
func oneCapture(cmd *cobra.Command, args []string) error {
	switch {
	case len(args) == 0:
		return fmt.Errorf("missing the capture to read: %s\n(CAPTURE is a pcap or pcapng file, - for standard input, or sample:NAME; tcpstep samples lists the samples)", cmd.UseLine())
	case len(args) > 1:
		return fmt.Errorf("%s reads one capture, not %d (%s): %s", cmd.Name(), len(args), strings.Join(args, " "), cmd.UseLine())
	}
	return nil
}

// captureCommand completes c as a command over one capture: one argument,
// its errors reported by Main without cobra's usage text. With run set, it
// is c's RunE over the decoded capture, whose warnings (problems with the
// file as a whole) go to stderr after the output.
func captureCommand(c *cobra.Command, stdin io.Reader, stderr io.Writer, run func(cmd *cobra.Command, name string, tl *model.Timeline) error) *cobra.Command {
	c.Args = oneCapture
	c.SilenceUsage, c.SilenceErrors = true, true
	if run != nil {
		c.RunE = func(cmd *cobra.Command, args []string) error {
			in, tl, err := loadInput(args[0], stdin)
			if err != nil {
				return err
			}
			in.Close()
			defer printWarnings(stderr, tl.Warnings)
			return run(cmd, args[0], tl)
		}
	}
	return c
}

// writeLines writes lines to stdout, one per line, buffered; a closed pipe
// (| head) is not an error.
func writeLines(stdout io.Writer, lines []string) error {
	w := bufio.NewWriter(stdout)
	for _, l := range lines {
		w.WriteString(l)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil && !errors.Is(err, io.ErrClosedPipe) {
		return fmt.Errorf("write output: %w", err)
	}
	return nil
}

// chosenStream is the conversation a command over one conversation works
// on: --stream's, checked against the capture, or without it the capture's
// only one.
func chosenStream(cmd *cobra.Command, name string, tl *model.Timeline, stream int) (int, error) {
	if !cmd.Flags().Changed("stream") {
		return onlyStream(name, tl)
	}
	if stream < 0 {
		return 0, badInput(fmt.Errorf("--stream %d: want a stream number, 0 or more", stream))
	}
	return stream, noStream(name, tl, stream)
}

// onlyStream is the capture's one conversation, for a command that needs
// one and was not told which; with several it says which there are and how
// to choose.
func onlyStream(name string, tl *model.Timeline) (int, error) {
	switch n := len(tl.Conversations); n {
	case 0:
		return 0, badInput(fmt.Errorf("%s: no TCP conversations (%d frames)", name, len(tl.Frames)))
	case 1:
		return 0, nil
	default:
		// One line, as every error is: the first few, then how many more.
		const shown = 4
		var b strings.Builder
		fmt.Fprintf(&b, "%s holds %d conversations: choose one with --stream N:", name, n)
		for i, c := range tl.Conversations[:min(n, shown)] {
			fmt.Fprintf(&b, " %d %s ⇄ %s;", i, model.Visible(c.Client.String()), model.Visible(c.Server.String()))
		}
		if n > shown {
			fmt.Fprintf(&b, " … and %d more (tcpstep dump --format text lists them)", n-shown)
		}
		return 0, badInput(errors.New(b.String()))
	}
}

// WriteCapture writes frames for the stepper's write key (w) as tcpstep
// write does: pcap, unless the frames need pcapng.
func (s stepperSource) WriteCapture(w io.Writer, tl *model.Timeline, frames []uint32) (string, error) {
	return writeCapture(s.Input, w, tl, frames)
}

// quizSource is an input as tcpstep quiz gives it to the stepper: loaded
// whole before the first question, and able to write its frames out.
type quizSource struct{ *decode.Input }

func (s quizSource) WriteCapture(w io.Writer, tl *model.Timeline, frames []uint32) (string, error) {
	return writeCapture(s.Input, w, tl, frames)
}

// Both can write their frames out.
var (
	_ ui.CaptureWriter = stepperSource{}
	_ ui.CaptureWriter = quizSource{}
)

func writeCapture(in *decode.Input, w io.Writer, tl *model.Timeline, frames []uint32) (string, error) {
	format, err := in.WriteFrames(w, tl, frames, false)
	return format.String(), err
}
