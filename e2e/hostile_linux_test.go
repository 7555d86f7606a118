package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestHostileLengths runs dump on a pcap whose record claims 3 GiB under a
// snap length of 4 GiB, from a file and from standard input: the reader
// stops there with a warning naming the claim, and the process stays small
// (its peak resident size, from GNU time where installed, is far below the
// claim).
func TestHostileLengths(t *testing.T) {
	bin := buildBinary(t)
	hdr := []byte{0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0}
	rec := []byte{1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0xc0} // 3 GiB captured and on the wire
	file := append(append(hdr, rec...), bytes.Repeat([]byte{'x'}, 60)...)
	p := filepath.Join(t.TempDir(), "lying.pcap")
	if err := os.WriteFile(p, file, 0o644); err != nil {
		t.Fatal(err)
	}
	// GNU time reports the child's peak resident size. (The rusage Go's
	// os/exec returns counts the test process itself: the child shares its
	// memory until exec.)
	gnuTime, _ := exec.LookPath("time")
	if _, err := os.Stat("/usr/bin/time"); err == nil {
		gnuTime = "/usr/bin/time"
	}
	for _, stdin := range []bool{false, true} {
		name := map[bool]string{false: "file", true: "stdin"}[stdin]
		t.Run(name, func(t *testing.T) {
			args := []string{"dump", "--format", "jsonl", p}
			if stdin {
				args[3] = "-"
			}
			cmd := exec.Command(bin, args...)
			if gnuTime != "" {
				cmd = exec.Command(gnuTime, append([]string{"-f", "maxrss=%M", bin}, args...)...)
			}
			if stdin {
				cmd.Stdin = bytes.NewReader(file)
			}
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			if err := cmd.Run(); err != nil {
				t.Fatalf("dump: %v\n%s", err, errb.String())
			}
			if !strings.Contains(errb.String(), "claims 3221225472 captured bytes") {
				t.Errorf("stderr does not name the claim: %q", errb.String())
			}
			if out.Len() != 0 {
				t.Errorf("records printed from a lying file: %q", out.String())
			}
			if m := regexp.MustCompile(`maxrss=(\d+)`).FindStringSubmatch(errb.String()); m != nil {
				kb, _ := strconv.Atoi(m[1])
				if kb > 64<<10 {
					t.Errorf("peak resident size %d KiB for a %d-byte file", kb, len(file))
				}
				t.Logf("peak resident size %d KiB", kb)
			} else {
				t.Logf("no GNU time: peak memory not measured")
			}
		})
	}
}
