package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// buildPanicHook builds tcpstep with -tags panichook: ui/panichook.go then
// panics inside Update or View (TCPSTEP_PANIC=update or view) when "!" is
// typed. Normal builds have no such hook.
func buildPanicHook(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "tcpstep-panichook")
	cmd := exec.Command("go", "build", "-tags", "panichook", "-o", bin, ".")
	cmd.Dir = moduleRoot
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build -tags panichook: %v\n%s", err, out)
	}
	return bin
}

// ttyModes matches the two local modes a program in raw mode turns off and
// must turn back on: canonical input and echo.
var ttyModes = regexp.MustCompile(`(?:^|\s)(-?)(icanon|echo)(?:\s|$)`)

// ttyState reads the pane's terminal modes from outside (stty -F on its
// tty), so it works while the program owns the terminal: "icanon echo"
// for a cooked terminal, "-icanon -echo" for a raw one.
func ttyState(t *testing.T, tty string) string {
	t.Helper()
	out, err := exec.Command("stty", "-F", tty, "-a").CombinedOutput()
	if err != nil {
		t.Fatalf("stty -F %s: %v\n%s", tty, err, out)
	}
	var modes []string
	for _, m := range ttyModes.FindAllStringSubmatch(strings.ReplaceAll(string(out), ";", " "), -1) {
		modes = append(modes, m[1]+m[2])
	}
	return strings.Join(modes, " ")
}

// TestPanicTmux runs the real binary, built with the panic hook, in a
// terminal (a private tmux server), makes it panic inside Update and
// inside View, and checks what the user is left with: the alternate
// screen left, the cursor shown, mouse reporting off, the terminal back
// in canonical mode with echo (read with stty from outside, and a command
// typed into the shell runs and shows), one line "tcpstep: internal error:
// ..." naming the panic, no stack trace anywhere in the pane's history,
// and a non-zero exit status. While the program runs, the same probes see
// the alternate screen and a raw terminal, so the checks can fail.
func TestPanicTmux(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and drives tmux")
	}
	needTools(t, "tmux", "stty")
	bin := buildPanicHook(t)
	for _, where := range []string{"update", "view"} {
		t.Run(where, func(t *testing.T) { panicTmux(t, bin, where) })
	}
}

func panicTmux(t *testing.T, bin, where string) {
	tm := privateTmux(t)
	tm("new-session", "-d", "-s", "p", "-x", "120", "-y", "40", "env", "TERM=xterm-256color", "PS1=$ ", "sh")
	flag := func(f string) string { return strings.TrimSpace(tm("display", "-p", "-t", "p", "#{"+f+"}")) }
	screen := func() string { return tm("capture-pane", "-p", "-t", "p") }
	history := func() string { return tm("capture-pane", "-p", "-t", "p", "-S", "-") }
	tty := flag("pane_tty")

	waitUntil(t, "the shell", func() bool { return strings.Contains(screen(), "$") })
	if got := ttyState(t, tty); got != "icanon echo" {
		t.Fatalf("the shell's terminal before the program: %q", got)
	}
	tm("send-keys", "-t", "p", fmt.Sprintf(`TCPSTEP_PANIC=%s %s --stream 0 sample:simultaneous-close; echo "exit=$?"`, where, bin), "Enter")
	waitUntil(t, "the stepper", func() bool {
		return flag("alternate_on") == "1" && strings.Contains(screen(), "step 1/")
	})
	// The controls: while the program runs the probes see what it set.
	if got := ttyState(t, tty); got != "-icanon -echo" {
		t.Errorf("while the program runs, the terminal modes are %q, want raw", got)
	}
	if got := flag("mouse_any_flag") + flag("mouse_button_flag") + flag("mouse_standard_flag"); !strings.Contains(got, "1") {
		t.Errorf("while the program runs, no mouse reporting (any, button, standard: %s)", got)
	}

	tm("send-keys", "-t", "p", "!")
	exitLine := regexp.MustCompile(`(?m)^exit=(\d+)$`)
	waitUntil(t, "the program to end after the panic", func() bool { return exitLine.MatchString(screen()) })
	s, all := screen(), history()
	if code := exitLine.FindStringSubmatch(s)[1]; code == "0" {
		t.Errorf("exit status 0 after a panic:\n%s", s)
	}
	if alt := flag("alternate_on"); alt != "0" {
		t.Errorf("still in the alternate screen (alternate_on=%s)", alt)
	}
	if c := flag("cursor_flag"); c != "1" {
		t.Errorf("the cursor is hidden (cursor_flag=%s)", c)
	}
	for _, f := range []string{"mouse_any_flag", "mouse_button_flag", "mouse_standard_flag", "mouse_all_flag", "mouse_sgr_flag"} {
		if v := flag(f); v != "0" {
			t.Errorf("mouse reporting left on: %s=%s", f, v)
		}
	}
	if got := ttyState(t, tty); got != "icanon echo" {
		t.Errorf("the terminal is left %q, want \"icanon echo\"", got)
	}
	want := "tcpstep: internal error: panichook: injected panic in " + map[string]string{"update": "Update", "view": "View"}[where]
	if n := strings.Count(all, want); n != 1 {
		t.Errorf("%q appears %d times, want once:\n%s", want, n, all)
	}
	if n := strings.Count(all, "internal error"); n != 1 {
		t.Errorf("\"internal error\" appears %d times, want once:\n%s", n, all)
	}
	for _, vomit := range []string{"goroutine ", "panic(", ".go:", "Caught panic", "runtime/"} {
		if strings.Contains(all, vomit) {
			t.Errorf("a stack trace (%q) in the pane:\n%s", vomit, all)
		}
	}
	// The shell works as before: a typed command shows as typed (echo) and
	// runs when Enter is pressed (canonical input).
	tm("send-keys", "-t", "p", "echo typed-$((6*7))", "Enter")
	waitUntil(t, "the typed command", func() bool {
		s := screen()
		return strings.Contains(s, "$ echo typed-$((6*7))") && strings.Contains(s, "\ntyped-42")
	})
}
