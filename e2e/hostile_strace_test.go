//go:build linux

package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestReadOnlyNoNetwork traces the system calls of the commands and of the
// interactive program (in tmux) on a read-only capture: the capture is
// opened O_RDONLY and nothing else, no socket but a local (AF_UNIX) one is
// ever created, and the file
// is unchanged afterwards. It skips where strace is missing or may not
// trace (containers without ptrace).
func TestReadOnlyNoNetwork(t *testing.T) {
	if _, err := exec.LookPath("strace"); err != nil {
		t.Skip("strace not installed")
	}
	if out, err := exec.Command("strace", "-o", "/dev/null", "true").CombinedOutput(); err != nil {
		t.Skipf("strace cannot trace here: %v %s", err, out)
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	capPath := filepath.Join(dir, "hostile.pcap")
	hostileCapture(t, capPath)
	if err := os.Chmod(capPath, 0o444); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(capPath)
	if err != nil {
		t.Fatal(err)
	}
	st0, _ := os.Stat(capPath)

	opens := regexp.MustCompile(`open(at)?\([^"]*"([^"]+)", ([A-Z_|]+)`)
	checkTrace := func(t *testing.T, log string) {
		t.Helper()
		b, err := os.ReadFile(log)
		if err != nil {
			t.Fatal(err)
		}
		tr := string(b)
		for _, line := range strings.Split(tr, "\n") {
			// Local sockets are not the network: the C library asks nscd
			// for user names, and under tmux the colour profile detection
			// runs "tmux info", which talks to its server's socket.
			if (strings.Contains(line, "socket(") || strings.Contains(line, "connect(") || strings.Contains(line, "bind(")) &&
				!strings.Contains(line, "AF_UNIX") {
				t.Errorf("network system call: %s", line)
			}
			if m := opens.FindStringSubmatch(line); m != nil && m[2] == capPath && !strings.HasPrefix(m[3], "O_RDONLY") {
				t.Errorf("capture opened for writing: %s", line)
			}
		}
		if !strings.Contains(tr, `"`+capPath+`", O_RDONLY`) {
			t.Errorf("the trace never shows the capture opened read-only:\n%.2000s", tr)
		}
	}
	trace := []string{"-f", "-e", "trace=socket,connect,bind,open,openat,creat"}
	for _, args := range [][]string{
		{"dump", "--format", "jsonl", "--explain", capPath},
		{"dump", "--format", "text", capPath},
		{"follow", "--stream", "0", capPath},
		{"follow", "--stream", "0", "--dir", "s2c", capPath},
		{"export", "--format", "svg", "-o", filepath.Join(dir, "out.svg"), capPath},
		{"netstat", "--stream", "0", "--step", "5", capPath},
		{"isn", capPath},
	} {
		t.Run(strings.Join(args[:len(args)-1], " "), func(t *testing.T) {
			log := filepath.Join(t.TempDir(), "strace.log")
			cmd := exec.Command("strace", append(append(append([]string{}, trace...), "-o", log, bin), args...)...)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%v: %v\n%.500s", args, err, out)
			}
			checkTrace(t, log)
		})
	}
	t.Run("interface", func(t *testing.T) {
		needTools(t, "tmux")
		log := filepath.Join(t.TempDir(), "strace.log")
		tm := privateTmux(t)
		tm("new-session", "-d", "-s", "ts", "-x", "160", "-y", "45",
			"env", "TERM=xterm-256color", "sh", "-c", `strace "$@"; echo "tcpstep exited $?"; sleep 60`, "sh",
			"-f", "-e", "trace=socket,connect,bind,open,openat,creat", "-o", log, bin, capPath)
		capture := func() string { return tm("capture-pane", "-p", "-t", "ts") }
		waitUntil(t, "the ladder", func() bool { return strings.Contains(capture(), "step 1/") })
		for _, k := range []string{"Right", "Right", "Right", "5", "3", "6", "7", "8", "G"} {
			tm("send-keys", "-t", "ts", k)
			time.Sleep(50 * time.Millisecond)
		}
		waitUntil(t, "the last step", func() bool { return strings.Contains(capture(), fmt.Sprintf("step %d/%d", 14, 14)) })
		tm("send-keys", "-t", "ts", "q")
		waitUntil(t, "the program to exit", func() bool { return strings.Contains(capture(), "tcpstep exited 0") })
		checkTrace(t, log)
	})
	after, err := os.ReadFile(capPath)
	if err != nil || !bytes.Equal(before, after) {
		t.Errorf("the capture changed (%v)", err)
	}
	if st1, _ := os.Stat(capPath); !st1.ModTime().Equal(st0.ModTime()) {
		t.Errorf("the capture's modification time changed")
	}
}
