//go:build unix

package e2e

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tcpstep/tcpstep/samples"
)

// spools lists the spool files of standard input left in dir.
func spools(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "tcpstep-stdin-*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestStdinSpoolNeverLeftBehind reads a capture from a pipe that stays
// open, as from tcpdump -w -, and checks that the spool of standard input
// (a copy of the traffic) is not in the temporary folder while tcpstep
// reads it, nor after a signal ends it: hang-up (the terminal window
// closed), terminate, interrupt and kill.
func TestStdinSpoolNeverLeftBehind(t *testing.T) {
	bin := buildBinary(t)
	data, err := samples.Bytes("smtp-figure10")
	if err != nil {
		t.Fatal(err)
	}
	for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGTERM, syscall.SIGINT, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) {
			tmp := t.TempDir()
			cmd := exec.Command(bin, "dump", "--format", "jsonl", "-")
			cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
			stdin, err := cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			if _, err := stdin.Write(data); err != nil {
				t.Fatal(err)
			}
			// The first row out says the spool was made and read from.
			if !bufio.NewScanner(stdout).Scan() {
				t.Fatal("no output from dump - while the pipe is open")
			}
			if left := spools(t, tmp); len(left) > 0 {
				t.Errorf("while reading: %v in the temporary folder", left)
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatalf("tcpstep did not end on %v", sig)
			}
			if left := spools(t, tmp); len(left) > 0 {
				t.Errorf("after %v: %v left in the temporary folder", sig, left)
			}
		})
	}
}

// TestStdinSpoolStepperWindowClosed is the stepper reading a pipe in a
// terminal window that is closed (tmux kills the session: the shell and
// tcpstep get SIGHUP).
func TestStdinSpoolStepperWindowClosed(t *testing.T) {
	needTools(t, "tmux")
	bin := buildBinary(t)
	data, err := samples.Bytes("smtp-figure10")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	capture := filepath.Join(t.TempDir(), "in.pcap")
	if err := os.WriteFile(capture, data, 0o644); err != nil {
		t.Fatal(err)
	}
	tm := privateTmux(t)
	pipeline := fmt.Sprintf("(cat %s; sleep 60) | %s -", capture, bin)
	tm("new-session", "-d", "-s", "spool", "-x", "100", "-y", "30", "env", "TERM=xterm-256color", "TMPDIR="+tmp, "sh", "-c", pipeline)
	deadline := time.Now().Add(15 * time.Second)
	for s := ""; ; {
		s = tm("capture-pane", "-p", "-t", "spool")
		if containsAll(s, "step ", "CLOSED") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the stepper did not show the capture; the screen:\n%s", s)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if left := spools(t, tmp); len(left) > 0 {
		t.Errorf("while stepping: %v in the temporary folder", left)
	}
	tm("kill-session", "-t", "spool")
	time.Sleep(500 * time.Millisecond)
	if left := spools(t, tmp); len(left) > 0 {
		t.Errorf("after the window closed: %v left in the temporary folder", left)
	}
}

// containsAll reports whether s holds every part.
func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
