package cli

import (
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/tcpstep/tcpstep/ui"
)

func newQuizCmd(stdin io.Reader, _, _ io.Writer) *cobra.Command {
	var absolute bool
	var stream int
	var seed uint64
	cmd := &cobra.Command{
		Use:   "quiz [CAPTURE]",
		Short: "Step through a conversation answering questions before each step is revealed",
		Long: `quiz opens the stepper in quiz mode: the steps after the current one are
hidden, and before some of them tcpstep asks a question drawn from the capture
itself: what ACK the next segment will carry, what SEQ, how many bytes a
segment carries, what state a side is in now, whether a segment is a
retransmission (or another event the conversation contains). Type the answer
and press enter: it is checked, explained when it is wrong, and scored.

Numbers are asked in the numbering on screen (relative unless -S; r switches
between questions). States may be typed in any common spelling (SYN_RECEIVED,
syn-received, SYN-RCVD). Type ? to give up and see the answer; esc or Q
leaves the quiz and reveals the rest.

The questions depend on --seed, which the quiz panel shows: the same seed asks
the same questions, so a class can share one. Without --seed every run picks
its own. CAPTURE is as for tcpstep itself; without it the default sample.`,
		Example: `  # the embedded SMTP sample
  tcpstep quiz
  # conversation 3 of a capture
  tcpstep quiz capture.pcap --stream 3
  # absolute numbers, the same questions every time
  tcpstep quiz -S --seed 42 sample:lossy-transfer`,
		Args:          cobra.MaximumNArgs(1),
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			name := captureArg(args)
			in, err := openInput(name, stdin)
			if err != nil {
				return err
			}
			defer in.Close()
			if !cmd.Flags().Changed("seed") {
				seed = uint64(time.Now().UnixNano()) % 1_000_000
			}
			return ui.Run(quizSource{in}, ui.Options{Absolute: absolute, Stream: stream, Quiz: true, Seed: seed})
		},
	}
	cmd.Flags().BoolVarP(&absolute, "absolute", "S", false, "ask in absolute sequence numbers (the default is relative; r toggles)")
	cmd.Flags().IntVar(&stream, "stream", -1, "quiz on conversation N (tcp.stream numbering) instead of choosing in the picker")
	cmd.Flags().Uint64Var(&seed, "seed", 0, "choose the questions with this seed (default: a new one each run, shown in the quiz panel)")
	return cmd
}
