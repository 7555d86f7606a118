package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/samples"
)

// A teacher's way through the lesson commands, in an empty folder: a
// capture, lesson new, a mistake of each kind and lesson check's report
// of it (its lines and exit status), and the stepper opening the lesson
// beside the capture.
func TestLessonCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	capture := filepath.Join(dir, "lab.pcap")
	b, err := samples.Bytes("http-close")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(capture, b, 0o644); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "lab.lesson.md")

	out, errs, code := run(t, bin, nil, "lesson", "new", capture)
	if code != 0 || !strings.HasPrefix(out, "# A lesson on lab.pcap\n\nNumbering: relative\n") || !strings.Contains(out, "\n## frame 1\n") {
		t.Fatalf("lesson new: exit %d, %s\n%s", code, errs, out)
	}
	if err := os.WriteFile(file, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, code = run(t, bin, nil, "lesson", "check", file)
	if code != 0 || !strings.Contains(out, "no problems") {
		t.Fatalf("lesson check of the skeleton: exit %d, %s\n%s", code, errs, out)
	}

	// A lesson with a wrong SEQ, a wrong length and a note on a frame the
	// capture does not have.
	wrong := "# The lab\n\n" +
		"Watch the *ACKs*.\n\n" +
		"## frame 1\n\n" + // line 5
		"The SYN, SEQ 0.\n\n" +
		"## frame 4\n\n" + // line 9
		"The request:\n" +
		"**SEQ 7**, 999 bytes.\n\n" + // line 12
		"Question: What does the server ACK?\n\n" +
		"Answer: ACK 5.\n\n" + // line 16
		"## frames 11-99\n\n" + // line 18
		"Gone.\n"
	if err := os.WriteFile(file, []byte(wrong), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, code = run(t, bin, nil, "lesson", "check", file)
	if code != 1 {
		t.Errorf("lesson check of a wrong lesson: exit %d, want 1\n%s%s", code, out, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	want := []string{
		file + ":12: frame 4: SEQ 7 is no SEQ of frames [4]",
		file + ":12: frame 4: 999 bytes: no payload or window of frames [4]",
		file + ":16: frame 4: ACK 5 is no ACK of frames [4]",
		file + ":18: frame 12: no frames 12-99: the capture has 11 frames",
	}
	if len(lines) != len(want) {
		t.Errorf("%d problems, want %d:\n%s", len(lines), len(want), out)
	}
	for i := range min(len(lines), len(want)) {
		if !strings.HasPrefix(lines[i], want[i]) {
			t.Errorf("problem %d:\n%s\nwant it to start\n%s", i, lines[i], want[i])
		}
	}
	if !strings.Contains(errs, "4 problems against") {
		t.Errorf("stderr %q", errs)
	}

	// A mistake of format: its line, exit 1; opening the capture with it
	// is an error naming the line, exit 2.
	if err := os.WriteFile(file, []byte("# T\n\n## frame 2\n\nAnswer: 5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code = run(t, bin, nil, "lesson", "check", file)
	if code != 1 || !strings.HasPrefix(out, file+`:5: an "Answer:" paragraph must follow its "Question:" paragraph`) {
		t.Errorf("lesson check of a malformed lesson: exit %d\n%s", code, out)
	}
	_, errs, code = run(t, bin, nil, capture)
	if code != 2 || !strings.Contains(errs, file+":5:") {
		t.Errorf("opening a capture beside a malformed lesson: exit %d, %q", code, errs)
	}

	// No lesson, no capture beside it: bad input.
	if _, errs, code := run(t, bin, nil, "lesson", "check", filepath.Join(dir, "none.lesson.md")); code != 2 {
		t.Errorf("a missing lesson: exit %d, %s", code, errs)
	}
	lone := filepath.Join(dir, "lone.lesson.md")
	if err := os.WriteFile(lone, []byte("# T\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := run(t, bin, nil, "lesson", "check", lone); code != 2 || !strings.Contains(errs, "--capture") {
		t.Errorf("a lesson with no capture beside it: exit %d, %s", code, errs)
	}
	if out, errs, code := run(t, bin, nil, "lesson", "check", "--capture", capture, lone); code != 0 {
		t.Errorf("--capture: exit %d, %s%s", code, out, errs)
	}

	// Every built-in lesson passes, and shows as the file it is.
	for _, s := range samples.List() {
		if out, errs, code := run(t, bin, nil, "lesson", "check", "sample:"+s.Name); code != 0 {
			t.Errorf("lesson check sample:%s: exit %d\n%s%s", s.Name, code, out, errs)
		}
	}
	src, _ := samples.LessonFile("smtp-figure10")
	if out, _, code := run(t, bin, nil, "lesson", "show", "smtp-figure10"); code != 0 || out != string(src) {
		t.Errorf("lesson show: exit %d", code)
	}
	if out, _, code := run(t, bin, nil, "lesson", "list"); code != 0 || !strings.Contains(out, "smtp-figure10") {
		t.Errorf("lesson list: exit %d\n%s", code, out)
	}
}

// The stepper opens the lesson beside a capture: its note and question at
// their step, the answer on a.
func TestLessonBesideCaptureTmux(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	needTools(t, "tmux")
	bin := buildBinary(t)
	dir := t.TempDir()
	b, _ := samples.Bytes("http-close")
	capture := filepath.Join(dir, "lab.pcap")
	if err := os.WriteFile(capture, b, 0o644); err != nil {
		t.Fatal(err)
	}
	lesson := "# The lab's handshake\n\nWatch the *first* three segments.\n\n## frame 2\n\n" +
		"The server answers with **SYN,ACK**:\n\n- its own ISN\n- `ACK 1`\n\n" +
		"Question: Which state is the client in now?\n\nAnswer: ESTABLISHED, as the SYN,ACK arrives.\n"
	if err := os.WriteFile(filepath.Join(dir, "lab.lesson.md"), []byte(lesson), 0o644); err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("tcpstep-lesson-%d", os.Getpid())
	tm := privateTmux(t)
	tm("new-session", "-d", "-s", name, "-x", "80", "-y", "24",
		"env", "TERM=xterm-256color", "sh", "-c", `"$0" "$1"; echo "tcpstep exited $?"; sleep 60`, bin, capture)
	waitFor := waitPane(t, tm, name)
	has := func(subs ...string) func(string) bool {
		return func(s string) bool {
			for _, sub := range subs {
				if !strings.Contains(s, sub) {
					return false
				}
			}
			return true
		}
	}
	waitFor("the lesson's title and watch text", has("Lesson: The lab's handshake", "Watch the first three segments."))
	tm("send-keys", "-t", name, "Right")
	s := waitFor("the note and question at step 2", has("The server answers with SYN,ACK:", "• its own ISN", "• ACK 1",
		"Question: Which state is the client in now?", "Answer: press a to show it"))
	if strings.Contains(s, "ESTABLISHED, as") || strings.Contains(s, "**") {
		t.Errorf("the answer or a Markdown mark shows:\n%s", s)
	}
	tm("send-keys", "-t", name, "a")
	waitFor("the answer", has("Answer: ESTABLISHED, as the SYN,ACK arrives."))
	tm("send-keys", "-t", name, "q")
	waitFor("the exit", has("tcpstep exited 0"))
}
