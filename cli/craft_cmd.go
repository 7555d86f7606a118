package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tcpstep/tcpstep/samples"
	"github.com/tcpstep/tcpstep/scenario"
)

// scenarioExt names a scenario file wherever a capture is accepted.
const scenarioExt = ".tcpscenario"

func newCraftCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var output, from, capture string
	var absolute bool
	cmd := &cobra.Command{
		Use:   "craft SCENARIO -o OUT.pcap",
		Short: "Write a capture from a scenario file (or a scenario from a capture)",
		Long: `craft reads a scenario, a text file that describes a TCP session line by line
(docs/scenario.md), and writes the capture it describes: a classic pcap file
with correct checksums that tshark, Wireshark and tcpstep read. A line that
cannot be honoured (an ACK beyond what the other side sent, a flag combination
no stack sends, a time going back) is an error naming the file and line, unless
the line says forced.

  client 192.0.2.1:40000 isn 100
  server 192.0.2.2:80 isn 300
  0.000 > S
  0.010 < S.
  0.011 > .
  0.020 > P. "GET / HTTP/1.0\r\n\r\n"

SCENARIO is a file, "-" for standard input, or sample:NAME (the scenario of an
embedded sample). -o names the capture to write ("-" for standard output).
tcpstep also opens a .tcpscenario file directly wherever it takes a capture.

--from CAPTURE goes the other way: it writes a scenario that crafts exactly
CAPTURE (a classic pcap, Ethernet or raw IP), to standard output or -o. Lost
segments and the reasons behind jumps in the numbers are not in a capture: they
come out as explicit numbers, to replace with lost lines and comments. For
sample:NAME it writes the sample's own scenario, comments and all (unless
--absolute or --capture asks for a conversion).`,
		Example: `  tcpstep craft lab.tcpscenario -o lab.pcap
  tcpstep lab.tcpscenario
  tcpstep craft sample:refused -o refused.pcap
  tcpstep craft --from capture.pcap > capture.tcpscenario
  tcpstep craft --from sample:rfc9293-fig6 -o fig6.tcpscenario
  tcpstep craft --from capture.pcap --absolute --capture server -o lab.tcpscenario`,
		Args:          cobra.MaximumNArgs(1),
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if from != "" {
				if len(args) > 0 {
					return fmt.Errorf("craft --from reads the capture it is given, not also %s: %s", args[0], cmd.UseLine())
				}
				source := !cmd.Flags().Changed("absolute") && !cmd.Flags().Changed("capture")
				return craftFrom(from, output, scenario.FromOptions{Absolute: absolute, Capture: capture}, source, stdin, stdout, stderr)
			}
			if cmd.Flags().Changed("absolute") || cmd.Flags().Changed("capture") {
				return fmt.Errorf("--absolute and --capture go with --from")
			}
			if len(args) == 0 {
				return fmt.Errorf("missing the scenario to craft: %s", cmd.UseLine())
			}
			if output == "" {
				return fmt.Errorf("craft %s: say where the capture goes: -o OUT.pcap (or -o - for standard output)", args[0])
			}
			b, err := craftInput(args[0], stdin)
			if err != nil {
				return err
			}
			return writeOutput(output, b, stdout, stderr, "capture")
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to FILE (- for standard output)")
	cmd.Flags().StringVar(&from, "from", "", "write the scenario of CAPTURE instead (a classic pcap file, - for standard input)")
	cmd.Flags().BoolVarP(&absolute, "absolute", "S", false, "with --from: write absolute numbers (numbers absolute) instead of numbers relative to the ISNs")
	cmd.Flags().StringVar(&capture, "capture", "client", "with --from: the capture point to declare: client, server or middle")
	return cmd
}

// craftInput reads a scenario named on the command line and crafts it.
func craftInput(name string, stdin io.Reader) ([]byte, error) {
	var text []byte
	var err error
	switch {
	case strings.HasPrefix(name, "sample:"):
		text, err = samples.Scenario(strings.TrimPrefix(name, "sample:"))
	case name == "-":
		text, err = io.ReadAll(stdin)
	default:
		text, err = os.ReadFile(name)
	}
	if err != nil {
		return nil, badInput(fmt.Errorf("read %s: %w", name, unwrapPath(err)))
	}
	b, err := scenario.Craft(name, text)
	if err != nil {
		return nil, badInput(err)
	}
	return b, nil
}

// craftFrom writes the scenario of a capture. For an embedded sample, unless
// the numbering or the capture point was asked for, that is the sample's own
// scenario, comments and all (source).
func craftFrom(name, output string, opt scenario.FromOptions, source bool, stdin io.Reader, stdout, stderr io.Writer) error {
	switch opt.Capture {
	case "client", "server", "middle":
	default:
		return badInput(fmt.Errorf("--capture %s: want client, server or middle", opt.Capture))
	}
	if output == "" {
		output = "-"
	}
	var b []byte
	var err error
	switch {
	case strings.HasPrefix(name, "sample:") && source:
		text, err := samples.Scenario(strings.TrimPrefix(name, "sample:"))
		if err != nil {
			return badInput(err)
		}
		return writeOutput(output, text, stdout, stderr, "scenario")
	case strings.HasPrefix(name, "sample:"):
		b, err = samples.Bytes(strings.TrimPrefix(name, "sample:"))
	case name == "-":
		b, err = io.ReadAll(stdin)
	default:
		b, err = os.ReadFile(name)
	}
	if err != nil {
		return badInput(fmt.Errorf("read %s: %w", name, unwrapPath(err)))
	}
	text, err := scenario.FromCapture(name, b, opt)
	if err != nil {
		return badInput(err)
	}
	return writeOutput(output, []byte(text), stdout, stderr, "scenario")
}

func writeOutput(output string, b []byte, stdout, stderr io.Writer, what string) error {
	if output == "-" {
		if _, err := io.Copy(stdout, bytes.NewReader(b)); err != nil {
			return fmt.Errorf("write output: %w", err)
		}
		return nil
	}
	if err := os.WriteFile(output, b, 0o644); err != nil {
		return &exitError{code: 1, err: fmt.Errorf("write %s: %w", output, unwrapPath(err))}
	}
	fmt.Fprintf(stderr, "tcpstep: wrote %s (%s, %d bytes)\n", output, what, len(b))
	return nil
}
