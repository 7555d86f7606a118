// Command gen writes tcpstep's sample captures into samples/data from the
// scenarios in samples/scenarios: NAME.tcpscenario becomes NAME.pcap. It is
// run by `go generate ./samples` (from the samples directory) and removes
// captures that no scenario produces any more, so data/ holds exactly the
// embedded set.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/tcpstep/tcpstep/scenario"
)

func main() {
	if err := run("scenarios", "data"); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(src, dir string) error {
	scen, err := filepath.Glob(filepath.Join(src, "*.tcpscenario"))
	if err != nil {
		return fmt.Errorf("list %s: %w", src, err)
	}
	keep := map[string]bool{}
	for _, p := range scen {
		name := strings.TrimSuffix(filepath.Base(p), ".tcpscenario")
		text, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		b, err := scenario.Craft(p, text)
		if err != nil {
			return err
		}
		out := filepath.Join(dir, name+".pcap")
		if err := os.WriteFile(out, b, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", out, err)
		}
		keep[name+".pcap"] = true
	}
	old, err := filepath.Glob(filepath.Join(dir, "*.pcap"))
	if err != nil {
		return fmt.Errorf("list %s: %w", dir, err)
	}
	for _, p := range old {
		if !keep[filepath.Base(p)] {
			if err := os.Remove(p); err != nil {
				return fmt.Errorf("remove stale %s: %w", p, err)
			}
		}
	}
	fmt.Printf("gen: wrote %d samples from %s to %s\n", len(keep), src, dir)
	return nil
}
