package e2e

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestMovingKeysTmux moves around the default sample in the real binary
// inside tmux with the keys as a terminal sends them (: and # and the
// braces are shifted keys on most keyboards): go to a frame, search and
// repeat it both ways, end it, jump between state changes and analysis
// events, and cycle the time column. It skips without tmux unless
// CI=true.
func TestMovingKeysTmux(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	needTools(t, "tmux")
	bin := buildBinary(t)
	name := fmt.Sprintf("tcpstep-move-%d", os.Getpid())
	tm := privateTmux(t)
	tm("new-session", "-d", "-s", name, "-x", "120", "-y", "40",
		"env", "TERM=xterm-256color", "sh", "-c", `"$0"; echo "tcpstep exited $?"; sleep 60`, bin)
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
	// typed sends text as typed, then keys by their tmux names.
	typed := func(text string, keys ...string) {
		t.Helper()
		if text != "" {
			tm("send-keys", "-t", name, "-l", text)
		}
		if len(keys) > 0 {
			tm(append([]string{"send-keys", "-t", name}, keys...)...)
		}
	}
	waitFor("the ladder", has("step 1/29", "/ search"))

	typed(":26")
	waitFor("the prompt", has(":26", "enter go to frame"))
	typed("", "Enter")
	waitFor(":26", has("step 26/29"))
	typed("#5", "Enter")
	waitFor("#5", has("step 5/29"))

	// The server's HELP reply (frame 7) names VRFY before the client's
	// first VRFY (frame 9).
	typed("/VRFY", "Enter")
	waitFor("/VRFY", has("step 7/29", "/VRFY  n/N match"))
	typed("n")
	waitFor("n", has("step 9/29"))
	typed("N")
	waitFor("N", has("step 7/29"))
	typed("", "Escape")
	waitFor("esc", has("search ended"))
	typed("n")
	waitFor("n stepping again", has("step 8/29"))

	typed("}")
	waitFor("}", has("step 26/29"))
	typed("{")
	waitFor("{", has("step 3/29"))
	typed("]")
	waitFor("]", has("no analysis event after this step"))

	typed("t")
	waitFor("t", has("conv client", "since the conversation's first segment"))
	typed("tt")
	waitFor("t t", has("UTC client", "time of day, UTC"))

	typed("q")
	waitFor("the exit", has("tcpstep exited 0"))
}
