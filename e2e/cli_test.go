package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tcpstep/tcpstep/samples"
)

// run runs the built binary and returns stdout, stderr and the exit status.
func run(t *testing.T, bin string, stdin []byte, args ...string) (string, string, int) {
	t.Helper()
	return runLimit(t, bin, stdin, time.Minute, args...)
}

// runLimit is run with a time limit: a command that hangs fails the test
// instead of blocking it.
func runLimit(t *testing.T, bin string, stdin []byte, limit time.Duration, args ...string) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%v: no end within %v", args, limit)
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run %v: %v", args, err)
	}
	return out.String(), errb.String(), code
}

// TestBadInput checks the one-line errors and exit statuses of the dump
// contract for inputs that are not captures.
func TestBadInput(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	notCapture := write("notes.txt", []byte("<!DOCTYPE html><html>not a capture</html>\n"))
	empty := write("empty.pcap", nil)
	cases := []struct {
		name string
		args []string
		want string // in the one line on stderr
	}{
		{"not a capture", []string{"dump", "--format", "jsonl", notCapture}, "notes.txt"},
		{"empty", []string{"dump", "--format", "jsonl", empty}, "empty"},
		{"missing", []string{"dump", "--format", "jsonl", filepath.Join(dir, "nope.pcap")}, "no such file"},
		{"directory", []string{"dump", "--format", "jsonl", dir}, "directory"},
		{"unknown sample", []string{"dump", "--format", "jsonl", "sample:nope"}, "nope"},
		{"interactive, not a capture", []string{notCapture}, "notes.txt"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errs, code := run(t, bin, nil, c.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2 (stderr %q)", code, errs)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
			lines := strings.Split(strings.TrimRight(errs, "\n"), "\n")
			if len(lines) != 1 || !strings.Contains(errs, c.want) {
				t.Errorf("stderr %q: want one line mentioning %q", errs, c.want)
			}
			if strings.Contains(errs, "panic") || strings.Contains(errs, "goroutine") {
				t.Errorf("stderr shows a panic: %s", errs)
			}
		})
	}
}

// TestCutShort checks that a capture cut inside its last record prints every
// frame before the cut, warns with the byte offset, and exits 0.
func TestCutShort(t *testing.T) {
	bin := buildBinary(t)
	full, err := samples.Bytes(samples.Default)
	if err != nil {
		t.Fatal(err)
	}
	whole, _, code := run(t, bin, full, "dump", "--format", "jsonl", "-")
	if code != 0 {
		t.Fatalf("whole sample: exit %d", code)
	}
	n := strings.Count(whole, "\n")
	cut := full[:len(full)-7] // inside the last record's data
	out, errs, code := run(t, bin, cut, "dump", "--format", "jsonl", "-")
	if code != 0 {
		t.Fatalf("exit %d, want 0; stderr %s", code, errs)
	}
	if got := strings.Count(out, "\n"); got != n-1 {
		t.Errorf("printed %d lines, want the %d before the cut", got, n-1)
	}
	if !strings.Contains(errs, "warning") || !strings.Contains(errs, "byte") {
		t.Errorf("stderr %q: want a warning naming the byte offset", errs)
	}
}

// TestJSONLContract checks every line of the dump against the keys and types
// of shared/spec/dump-jsonl.md, on every embedded sample.
func TestJSONLContract(t *testing.T) {
	bin := buildBinary(t)
	states := map[string]bool{}
	for _, s := range []string{"CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT"} {
		states[s] = true
	}
	events := map[string]bool{}
	for _, e := range strings.Fields("retransmission fast_retransmission spurious_retransmission out_of_order lost_segment ack_lost_segment duplicate_ack zero_window zero_window_probe keep_alive keep_alive_ack window_update window_full reused_ports") {
		events[e] = true
	}
	flags := map[string]bool{"CWR": true, "ECE": true, "URG": true, "ACK": true, "PSH": true, "RST": true, "SYN": true, "FIN": true, "NS": true}
	list, _, _ := run(t, bin, nil, "samples")
	for _, line := range strings.Split(strings.TrimSpace(list), "\n") {
		name := strings.Fields(line)[0]
		out, errs, code := run(t, bin, nil, "dump", "--format", "jsonl", "sample:"+name)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, errs)
		}
		for i, l := range strings.Split(strings.TrimSpace(out), "\n") {
			var m map[string]any
			if err := json.Unmarshal([]byte(l), &m); err != nil {
				t.Fatalf("%s line %d: %v: %s", name, i+1, err, l)
			}
			switch m["kind"] {
			case "tcp":
				for _, k := range []string{"frame", "time", "stream", "sport", "dport", "seq", "ack", "rseq", "rack", "len", "win"} {
					if _, ok := m[k].(float64); !ok {
						t.Errorf("%s line %d: %s is %T, want a number", name, i+1, k, m[k])
					}
				}
				if d := m["dir"]; d != "c2s" && d != "s2c" {
					t.Errorf("%s line %d: dir %v", name, i+1, d)
				}
				for _, k := range []string{"client", "server"} {
					if s, _ := m[k].(string); !states[s] {
						t.Errorf("%s line %d: %s state %v", name, i+1, k, m[k])
					}
				}
				for _, f := range m["flags"].([]any) {
					if !flags[f.(string)] {
						t.Errorf("%s line %d: flag %v", name, i+1, f)
					}
				}
				for _, e := range m["events"].([]any) {
					if !events[e.(string)] {
						t.Errorf("%s line %d: event %v", name, i+1, e)
					}
				}
				for _, k := range []string{"src", "dst"} {
					if s, _ := m[k].(string); s == "" {
						t.Errorf("%s line %d: %s empty", name, i+1, k)
					}
				}
			case "icmp":
				switch m["icmp"] {
				case "dest_unreachable", "port_unreachable", "frag_needed", "time_exceeded", "packet_too_big", "other":
				default:
					t.Errorf("%s line %d: icmp %v", name, i+1, m["icmp"])
				}
				if _, ok := m["stream"].(float64); !ok {
					t.Errorf("%s line %d: icmp without stream", name, i+1)
				}
			case "frame":
				if _, ok := m["note"].(string); !ok {
					t.Errorf("%s line %d: frame without note", name, i+1)
				}
			default:
				t.Errorf("%s line %d: kind %v", name, i+1, m["kind"])
			}
		}
	}
}
