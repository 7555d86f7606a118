// Command gencap writes the deterministic synthetic capture that the
// benchmarks use (package internal/synth) to a file, for scripts/bench.sh:
//
//	go run ./scripts/gencap -n 1000000 -conns 25000 -o /tmp/big.pcap
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/tcpstep/tcpstep/internal/synth"
)

func main() {
	n := flag.Int("n", 1_000_000, "number of frames")
	conns := flag.Int("conns", 25_000, "number of conversations")
	out := flag.String("o", "", "output file (required)")
	flag.Parse()
	if *out == "" || *n < 0 || *conns < 1 {
		fmt.Fprintln(os.Stderr, "usage: gencap [-n FRAMES] [-conns N] -o FILE")
		os.Exit(2)
	}
	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintf(os.Stderr, "gencap: %v\n", err)
		os.Exit(1)
	}
	if err := synth.Write(f, *n, *conns); err != nil {
		f.Close()
		fmt.Fprintf(os.Stderr, "gencap: write %s: %v\n", *out, err)
		os.Exit(1)
	}
	if err := f.Close(); err != nil {
		fmt.Fprintf(os.Stderr, "gencap: close %s: %v\n", *out, err)
		os.Exit(1)
	}
}
