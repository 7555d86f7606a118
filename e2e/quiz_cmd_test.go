package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tcpstep/tcpstep/internal/testsample"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/samples"
)

func TestQuizCmdBadInputAndHelp(t *testing.T) {
	bin := buildBinary(t)
	p := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(p, []byte("not a capture\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ arg, want string }{{p, "notes.txt"}, {"sample:nope", "nope"}} {
		_, stderr, code := run(t, bin, nil, "quiz", c.arg)
		if code != 2 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("quiz %s: exit %d, stderr %q", c.arg, code, stderr)
		}
	}
	stdout, _, code := run(t, bin, nil, "quiz", "--help")
	for _, want := range []string{"--seed", "--stream", "--absolute", "-S"} {
		if code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("quiz --help lacks %q (exit %d)", want, code)
		}
	}
}

// TestQuizCmdTmux plays the quiz of the default sample in the real binary
// inside tmux: the first question is answered with the decoder's value and
// scored right, the second with a wrong value and explained with the right
// one. It skips without tmux unless CI=true.
func TestQuizCmdTmux(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	needTools(t, "tmux")
	bin := buildBinary(t)
	tl := testsample.Timeline(t, samples.Default)
	conv := tl.Conversations[0]
	const seed = 9
	qz := model.NewQuiz(tl, conv, seed)

	name := fmt.Sprintf("tcpstep-quiz-%d", os.Getpid())
	tm := privateTmux(t)
	tm("new-session", "-d", "-s", name, "-x", "80", "-y", "24",
		"env", "TERM=xterm-256color", "sh", "-c", `"$0" quiz --seed `+strconv.Itoa(seed)+`; echo "tcpstep exited $?"; sleep 60`, bin)
	screen := func() string { return tm("capture-pane", "-p", "-t", name) }
	waitFor := waitPane(t, tm, name)
	has := func(sub string) func(string) bool { return func(s string) bool { return strings.Contains(s, sub) } }
	masked := regexp.MustCompile(`(?m)^\? *(\d+) `)

	// question steps on until a question is asked and returns it, found
	// from the masked row's number (one conversation, one row a segment).
	question := func() model.Question {
		t.Helper()
		for range 40 {
			s := waitFor("the quiz", has("Quiz score"))
			if mt := masked.FindStringSubmatch(s); mt != nil && strings.Contains(s, "answer ▸") {
				row, _ := strconv.Atoi(mt[1])
				q, ok := qz.Ask(int(conv.Segs[row-1]), false)
				if !ok {
					t.Fatalf("row %d is masked but the quiz asks nothing there", row)
				}
				return q
			}
			tm("send-keys", "-t", name, "Right")
			time.Sleep(150 * time.Millisecond)
		}
		t.Fatalf("no question:\n%s", screen())
		return model.Question{}
	}
	// answer is the decoder's value for q, in relative numbers.
	answer := func(q model.Question) string {
		s := &tl.Segments[q.Seg]
		switch q.Kind {
		case model.QuizAck:
			return strconv.FormatUint(uint64(s.RelAck), 10)
		case model.QuizSeq:
			return strconv.FormatUint(uint64(s.RelSeq), 10)
		case model.QuizLen:
			return strconv.FormatUint(uint64(s.Len), 10)
		case model.QuizState:
			if q.Side == model.S2C {
				return s.Server().String()
			}
			return s.Client().String()
		}
		if s.Events.Has(q.Event) {
			return "yes"
		}
		return "no"
	}

	q := question()
	tm("send-keys", "-t", name, "-l", strings.ToLower(answer(q)))
	tm("send-keys", "-t", name, "Enter")
	waitFor("a right answer", func(s string) bool { return strings.Contains(s, "Right!") && strings.Contains(s, "quiz 1/1") })

	q = question()
	wrong := "TIME_WAIT"
	if q.Answer == model.AnswerNumber {
		wrong = "424242"
	} else if q.Answer == model.AnswerYesNo {
		wrong = map[string]string{"yes": "no", "no": "yes"}[answer(q)]
	} else if answer(q) == "TIME_WAIT" {
		wrong = "LISTEN"
	}
	tm("send-keys", "-t", name, "-l", wrong)
	tm("send-keys", "-t", name, "Enter")
	waitFor("a wrong answer explained", func(s string) bool {
		return strings.Contains(s, "quiz 1/2") && strings.Contains(s, "the answer is "+answer(q))
	})

	tm("send-keys", "-t", name, "q")
	s := waitFor("the program to exit", has("tcpstep exited"))
	if !strings.Contains(s, "tcpstep exited 0") {
		t.Errorf("exit status not 0:\n%s", s)
	}
}
