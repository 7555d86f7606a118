package e2e

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tcpstep/tcpstep/internal/testshared"
)

// TestMalformedCommands runs every command that reads a capture on every
// file of ../shared/captures/malformed (damaged and fuzzed captures from
// libpcap's and tcpdump's test suites). check-corpus.sh, run by
// TestCorpusAgainstTshark, holds dump --format jsonl to "exit 0 or 2, no
// panic"; this holds the others to the same, within 10 s each, and adds:
// a refusal is one line on standard error, and nothing from the file
// reaches the terminal raw. Each file's verdict (refused or read) must be
// the same for every command, since they share one reader.
func TestMalformedCommands(t *testing.T) {
	files := testshared.Captures(t, "malformed/*")
	bin := buildBinary(t)
	cmds := [][]string{
		{"dump", "--format", "jsonl"},
		{"dump", "--format", "text"},
		{"dump", "--format", "jsonl", "--explain"},
		{"dump", "--format", "text", "--explain"},
		{"follow", "--stream", "0"},
		{"follow", "--stream", "0", "--hex"},
		{"follow", "--stream", "0", "--dir", "c2s"},
		{"export", "--format", "txt"},
		{"export", "--format", "mermaid"},
		{"export", "--format", "svg"},
		{"netstat", "--stream", "0", "--step", "1"},
		{"isn"},
		{"vantage"},
	}
	refused := 0
	for _, f := range files {
		name := filepath.Base(f)
		if strings.HasSuffix(name, ".md") || strings.HasSuffix(name, ".txt") {
			continue // notes, as check-corpus.sh skips them
		}
		t.Run(name, func(t *testing.T) {
			// The file's verdict: dump --format jsonl refuses it (exit 2)
			// or reads it (exit 0).
			_, _, want := runTimed(t, bin, "dump", "--format", "jsonl", f)
			if want == 2 {
				refused++
			}
			for _, c := range cmds {
				args := append(append([]string(nil), c...), f)
				out, errOut, code := runTimed(t, bin, args...)
				what := strings.Join(c, " ")
				if code != 0 && code != 2 {
					t.Errorf("%s: exit %d, want 0 or 2\n%s", what, code, errOut)
				}
				if strings.Contains(errOut, "panic") || strings.Contains(errOut, "goroutine") {
					t.Errorf("%s: a panic:\n%s", what, errOut)
				}
				if want == 2 {
					// Refused by the reader: the same one line as dump.
					if code != 2 || out != "" || strings.Count(strings.TrimRight(errOut, "\n"), "\n") != 0 || !strings.Contains(errOut, name) {
						t.Errorf("%s: exit %d, stdout %q, stderr %q: want dump's refusal, one line naming the file", what, code, out, errOut)
					}
				}
				// follow --dir writes the payload raw by design.
				if c[0] != "follow" || !strings.Contains(what, "--dir") {
					if bad := rawControls(out); len(bad) > 0 {
						t.Errorf("%s: raw control bytes on stdout: %v", what, bad)
					}
				}
				if bad := rawControls(errOut); len(bad) > 0 {
					t.Errorf("%s: raw control bytes on stderr: %v", what, bad)
				}
			}
		})
	}
	// The corpus has both kinds; if the reader began refusing everything
	// (or nothing), the checks above would hold trivially for one kind.
	if refused == 0 || refused == len(files) { // (no notes in malformed/ today)
		t.Errorf("%d of %d malformed files refused: want some refused and some read", refused, len(files))
	}
}

// runTimed is run with the corpus script's 10 s limit: a hang is a failure,
// not a stuck test.
func runTimed(t *testing.T, bin string, args ...string) (string, string, int) {
	t.Helper()
	return runLimit(t, bin, nil, 10*time.Second, args...)
}
