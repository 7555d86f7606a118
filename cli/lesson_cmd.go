package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tcpstep/tcpstep/lesson"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/samples"
	"github.com/tcpstep/tcpstep/ui"
)

// A lesson is a Markdown file beside its capture (lab.pcap and
// lab.lesson.md, docs/lesson-format.md): tcpstep opens it with the capture,
// tcpstep lesson new writes one to start from, and tcpstep lesson check
// checks one against its capture. tcpstep lessons (lesson list) lists the
// embedded samples' lessons, which are lesson files too (lesson show
// prints one).

// lessonSuffix ends a lesson file's name.
const lessonSuffix = ".lesson.md"

// captureSuffixes are the captures a lesson file may be beside, in the
// order they are looked for.
var captureSuffixes = []string{".pcap", ".pcapng", ".tcpscenario"}

// lessonPathFor is the lesson file beside a capture file: lab.pcap's is
// lab.lesson.md.
func lessonPathFor(capture string) string {
	ext := filepath.Ext(capture)
	return strings.TrimSuffix(capture, ext) + lessonSuffix
}

// withLessonFrom gives the stepper its lesson: the file --lesson names, or
// else the one beside a capture file, or else an embedded sample's. A
// lesson file that does not parse is an error (exit 2), every problem
// with its line.
func withLessonFrom(opts *ui.Options, capture, file string, numberingChosen bool) error {
	if file == "" {
		if strings.HasPrefix(capture, "sample:") || capture == "-" {
			withLesson(opts, capture, numberingChosen)
			return nil
		}
		beside := lessonPathFor(capture)
		if _, err := os.Stat(beside); err != nil {
			return nil
		}
		file = beside
	}
	l, err := readLesson(file)
	if err != nil {
		return err
	}
	opts.Lesson = &l
	if !numberingChosen {
		opts.Absolute = l.Absolute
	}
	return nil
}

// readLesson reads and parses a lesson file, or an embedded sample's
// (sample:NAME).
func readLesson(file string) (model.Lesson, error) {
	var src []byte
	if s, ok := strings.CutPrefix(file, "sample:"); ok {
		b, ok := samples.LessonFile(s)
		if !ok {
			return model.Lesson{}, badInput(fmt.Errorf("%s: no such sample lesson (tcpstep lessons lists them)", file))
		}
		src, file = b, "samples/data/"+s+lessonSuffix
	} else {
		b, err := os.ReadFile(file)
		if err != nil {
			return model.Lesson{}, badInput(fmt.Errorf("read lesson: %w", err))
		}
		src = b
	}
	l, err := lesson.Parse(file, src)
	if err != nil {
		return model.Lesson{}, badInput(fmt.Errorf("%w\n(tcpstep lesson check %s says what is wrong, line by line)", err, file))
	}
	return l, nil
}

func newLessonCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	c := &cobra.Command{
		Use:   "lesson",
		Short: "Write, check, list and show lessons: Markdown notes beside a capture",
		Long: `A lesson is a Markdown file beside its capture, lab.lesson.md beside lab.pcap,
that tcpstep opens with it (or the file --lesson names): a "# " title, a
"Numbering: absolute" or "relative" line, what to watch, then a note per frame
under a heading "## frame 6" or "## frames 26-29", each note with at most one
"Question:" paragraph and the "Answer:" paragraph after it. The notes show in
the lesson strip and above the explanation at the steps they are about.

lesson new writes one to start from; lesson check checks its frames and
numbers against the capture; lesson list lists the lessons of the embedded
samples (as tcpstep lessons does) and lesson show prints one, an example to
copy. The format: docs/lesson-format.md.`,
		Example: `  tcpstep lesson new lab.pcap > lab.lesson.md
  tcpstep lesson check lab.lesson.md
  tcpstep lab.pcap
  tcpstep lesson show smtp-figure10`,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	c.AddCommand(newLessonNewCmd(stdin, stdout, stderr), newLessonCheckCmd(stdin, stdout, stderr), newLessonListCmd(stdout), newLessonShowCmd(stdout))
	return c
}

func newLessonNewCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	return captureCommand(&cobra.Command{
		Use:   "new CAPTURE",
		Short: "Write a lesson skeleton for CAPTURE: a heading per segment, with its explanation",
		Long: `lesson new writes a lesson for CAPTURE to standard output, to start from: a
title, "Numbering: relative", a paragraph to replace with what to watch, and a
"## frame N" heading per TCP segment holding tcpstep's own explanation of that
step. Keep the headings you have something to say about, rewrite their notes,
add questions; tcpstep lesson check checks the result. Save it beside the
capture as NAME.lesson.md and tcpstep NAME.pcap opens both.`,
		Example: `  tcpstep lesson new lab.pcap > lab.lesson.md`,
	}, stdin, stderr, func(_ *cobra.Command, name string, tl *model.Timeline) error {
		title := strings.TrimPrefix(filepath.Base(name), "sample:")
		_, err := stdout.Write(lesson.Skeleton(title, tl))
		return err
	})
}

func newLessonCheckCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var capture string
	c := &cobra.Command{
		Use:   "check LESSON",
		Short: "Check a lesson against its capture: its frames and the numbers of its notes",
		Long: `lesson check reads LESSON (a NAME.lesson.md file, or sample:NAME for an
embedded sample's) and the capture beside it (NAME.pcap, NAME.pcapng or
NAME.tcpscenario, or the one --capture names) and reports, one per line as
FILE:LINE: frame N: what is wrong,

  every frame a heading names that the capture does not have,
  every note on a frame that carries no TCP,
  every number in a note, question or answer that names a SEQ, ACK, ISN,
  length ("93 bytes"), window, port or gap ("200 ms") of its frames (or of the
  frames it names: "frame 6") and disagrees with the decoder, in the
  lesson's numbering and, for a note with {absolute|relative} alternatives,
  in the other one too, and every side said to be in a state it is not in
  ("the server is in CLOSE_WAIT"),

and the lesson's own mistakes of format. It exits 1 if it reports anything,
0 if the lesson is right.`,
		Example: `  tcpstep lesson check lab.lesson.md
  tcpstep lesson check --capture trace.pcapng notes.lesson.md
  tcpstep lesson check sample:smtp-figure10`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return fmt.Errorf("lesson check reads one lesson file: %s", cmd.UseLine())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return checkLesson(stdin, stdout, stderr, args[0], capture)
		},
	}
	c.Flags().StringVar(&capture, "capture", "", "the capture to check against (default: the one beside LESSON, NAME.pcap)")
	return c
}

// checkLesson runs lesson check: exit 1 with the problems, one per line,
// on standard output.
func checkLesson(stdin io.Reader, stdout, stderr io.Writer, file, capture string) error {
	var src []byte
	name := file
	if s, ok := strings.CutPrefix(file, "sample:"); ok {
		b, ok := samples.LessonFile(s)
		if !ok {
			return badInput(fmt.Errorf("%s: no such sample lesson (tcpstep lessons lists them)", file))
		}
		src, name = b, "samples/data/"+s+lessonSuffix
		if capture == "" {
			capture = file
		}
	} else {
		b, err := os.ReadFile(file)
		if err != nil {
			return badInput(fmt.Errorf("read lesson: %w", err))
		}
		src = b
	}
	if capture == "" {
		var err error
		if capture, err = captureBeside(file); err != nil {
			return err
		}
	}
	l, err := lesson.Parse(name, src)
	if err != nil {
		var es lesson.Errors
		if !errors.As(err, &es) {
			return err
		}
		lines := make([]string, len(es))
		for i, e := range es {
			lines[i] = model.Visible(e.Error())
		}
		if err := writeLines(stdout, lines); err != nil {
			return err
		}
		return &exitError{code: 1, err: fmt.Errorf("%s: %s of format (see docs/lesson-format.md)", name, count(len(es), "problem"))}
	}
	in, tl, err := loadInput(capture, stdin)
	if err != nil {
		return err
	}
	in.Close()
	printWarnings(stderr, tl.Warnings)
	problems := lesson.Check(tl, &l)
	if len(problems) == 0 {
		qs := len(l.Questions)
		return writeLines(stdout, []string{fmt.Sprintf("%s: %s and %s on %s of %s: no problems",
			model.Visible(name), count(len(l.Sections), "note"), count(qs, "question"), count(len(l.Notes), "frame"), model.Visible(capture))})
	}
	lines := make([]string, len(problems))
	for i, p := range problems {
		lines[i] = model.Visible(name + ":" + p.String())
	}
	if err := writeLines(stdout, lines); err != nil {
		return err
	}
	return &exitError{code: 1, err: fmt.Errorf("%s: %s against %s", name, count(len(problems), "problem"), capture)}
}

// count is "1 problem", "2 problems".
func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// captureBeside is the capture a lesson file is beside: lab.lesson.md's
// is lab.pcap, lab.pcapng or lab.tcpscenario, whichever exists first.
func captureBeside(file string) (string, error) {
	base, ok := strings.CutSuffix(file, lessonSuffix)
	if !ok {
		return "", badInput(fmt.Errorf("%s: a lesson file's name ends %s, beside its capture (or say which capture with --capture)", file, lessonSuffix))
	}
	for _, ext := range captureSuffixes {
		if _, err := os.Stat(base + ext); err == nil {
			return base + ext, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", badInput(err)
		}
	}
	return "", badInput(fmt.Errorf("%s: no capture beside it (%s): say which with --capture", file, strings.Join(withPrefix(filepath.Base(base), captureSuffixes), ", ")))
}

func withPrefix(p string, ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = p + s
	}
	return out
}

func newLessonListCmd(stdout io.Writer) *cobra.Command {
	c := newLessonsCmd(nil, stdout, nil)
	c.Use = "list"
	c.Example = "  tcpstep lesson list\n  tcpstep lesson show smtp-figure10"
	return c
}

func newLessonShowCmd(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "show NAME",
		Short: "Print the lesson file of an embedded sample, an example to copy",
		Long: `lesson show prints the lesson file of the embedded sample NAME (tcpstep
lessons lists them) as written: Markdown in the format of docs/lesson-format.md.`,
		Example:       `  tcpstep lesson show smtp-figure10 > example.lesson.md`,
		Args:          cobra.ExactArgs(1),
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(_ *cobra.Command, args []string) error {
			b, ok := samples.LessonFile(strings.TrimPrefix(args[0], "sample:"))
			if !ok {
				return badInput(fmt.Errorf("%s: no such sample lesson (tcpstep lessons lists them)", args[0]))
			}
			_, err := stdout.Write(b)
			return err
		},
	}
}
