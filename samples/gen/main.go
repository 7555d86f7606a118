// Command gen writes tcpstep's sample captures into samples/data. It is run
// by `go generate ./samples` (from the samples directory) and removes sample
// files that no scenario produces any more, so data/ holds exactly the
// embedded set.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/tcpstep/tcpstep/samples/internal/pcapgen"
)

func main() {
	if err := run("data"); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	written, err := pcapgen.WriteDir(dir)
	if err != nil {
		return err
	}
	keep := make(map[string]bool, len(written))
	for _, p := range written {
		keep[filepath.Base(p)] = true
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
	fmt.Printf("gen: wrote %d samples to %s\n", len(written), dir)
	return nil
}
