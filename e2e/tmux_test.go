package e2e

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// privateTmux returns a function that runs a tmux command on a tmux server
// of the test's own (its socket in a temporary directory, no configuration
// file) and returns its output, failing the test when tmux fails. The
// server is killed when the test ends. Tests stay off the user's server,
// their clipboard and their settings.
func privateTmux(t *testing.T) func(args ...string) string {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "tmux.sock")
	t.Cleanup(func() { exec.Command("tmux", "-S", sock, "kill-server").Run() })
	return func(args ...string) string {
		t.Helper()
		out, err := exec.Command("tmux", append([]string{"-S", sock, "-f", "/dev/null"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
}

// waitPane returns a poll of tmux pane name's screen: it waits until ok
// accepts it (the program redraws asynchronously, and a loaded machine may
// take a while), or fails t after ten seconds with the screen and what was
// awaited.
func waitPane(t *testing.T, tm func(args ...string) string, name string) func(what string, ok func(string) bool) string {
	return func(what string, ok func(string) bool) string {
		t.Helper()
		var s string
		for range 100 {
			if s = tm("capture-pane", "-p", "-t", name); ok(s) {
				return s
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("waiting for %s:\n%s", what, s)
		return s
	}
}
