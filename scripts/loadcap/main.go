// Command loadcap indexes a capture exactly as the interface does when it
// opens one (decode.Open, then Input.Load into a model.Timeline) and prints
// what it found, so that scripts/bench.sh can time the indexing alone, with
// no terminal and no output to write:
//
//	go run ./scripts/loadcap FILE
package main

import (
	"fmt"
	"os"

	"github.com/tcpstep/tcpstep/decode"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: loadcap CAPTURE")
		os.Exit(2)
	}
	in, err := decode.Open(os.Args[1])
	if err != nil {
		fmt.Fprintf(os.Stderr, "loadcap: %v\n", err)
		os.Exit(1)
	}
	defer in.Close()
	tl, err := in.Load(nil)
	if err != nil {
		fmt.Fprintf(os.Stderr, "loadcap: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("%d frames, %d segments, %d conversations\n", len(tl.Frames), len(tl.Segments), len(tl.Conversations))
}
