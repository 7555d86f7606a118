//go:build linux

package e2e

import (
	"fmt"
	"io"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestLivePipeFromTcpdump is the live capture a user watches: tcpdump on
// loopback writes packets to a pipe as they happen (-U), the real binary
// reads the pipe in tmux, and the test makes a TCP connection, talks and
// closes it step by step, checking after each step that the screen has
// moved with it: the handshake's states, the data, the close down to
// TIME_WAIT. It needs tcpdump allowed to capture on lo (root or
// CAP_NET_RAW) and skips without it.
func TestLivePipeFromTcpdump(t *testing.T) {
	needTools(t, "tmux", "tcpdump")
	// Can tcpdump capture here? It runs until timeout kills it (124) when
	// it can; it exits at once with an error when it may not.
	probe := exec.Command("timeout", "1", "tcpdump", "-i", "lo", "-w", "/dev/null", "tcp", "port", "9")
	if out, err := probe.CombinedOutput(); err == nil || probe.ProcessState.ExitCode() != 124 {
		t.Skipf("tcpdump cannot capture on lo here: %s", strings.TrimSpace(string(out)))
	}
	bin := buildBinary(t)
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port

	tm := privateTmux(t)
	pipeline := fmt.Sprintf("tcpdump -i lo -U -w - tcp port %d 2>/dev/null | %s -", port, bin)
	tm("new-session", "-d", "-s", "live", "-x", "120", "-y", "30", "env", "TERM=xterm-256color", "sh", "-c", pipeline)
	screen := func() string { return tm("capture-pane", "-p", "-t", "live") }
	waitFor := func(what string, ok func(string) bool) {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for {
			s := screen()
			if ok(s) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s; the screen:\n%s", what, s)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	has := func(parts ...string) func(string) bool {
		return func(s string) bool {
			for _, p := range parts {
				if !strings.Contains(s, p) {
					return false
				}
			}
			return true
		}
	}
	waitFor("the pipe's header", has("waiting for packets on -"))
	// tcpdump writes the header before it has opened the interface: give
	// it a moment, so that the SYN is not missed.
	time.Sleep(500 * time.Millisecond)

	client, err := net.Dial("tcp4", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	clientPort := client.LocalAddr().(*net.TCPAddr).Port
	// The handshake: the conversation opens by itself, following its end.
	waitFor("the handshake", has(fmt.Sprintf("127.0.0.1:%d ⇄ 127.0.0.1:%d", clientPort, port),
		"● live 3 frames · following", "step 3/3", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED"))

	// The server greets; the client reads it.
	if _, err := server.Write([]byte("220 live\r\n")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 10)
	if _, err := io.ReadFull(client, buf); err != nil {
		t.Fatal(err)
	}
	waitFor("the greeting", has(`len 10 "220 live␍␊"`, "step 5/5"))

	// The client closes first, the server after it: FIN_WAIT, CLOSE_WAIT,
	// LAST_ACK, and TIME_WAIT for the client at the end.
	client.Close()
	waitFor("the client's FIN", has("FIN_WAIT_1"))
	if _, err := server.Read(buf); err != io.EOF {
		t.Fatalf("server read after the client's close: %v", err)
	}
	server.Close()
	waitFor("the close", has("TIME_WAIT", "LAST_ACK", "CLOSED", "step 9/9"))
}
