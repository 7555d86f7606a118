package main

import (
	"fmt"
	"io"

	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/samples"
)

// captureArg is the capture a command was given, or the default sample when
// it was given none.
func captureArg(args []string) string {
	if len(args) == 1 {
		return args[0]
	}
	return "sample:" + samples.Default
}

// noStream reports a --stream past the capture's conversations (nil when the
// stream exists or none was asked for).
func noStream(name string, tl *model.Timeline, stream int) error {
	if stream < len(tl.Conversations) {
		return nil
	}
	return badInput(fmt.Errorf("%s: no stream %d (the capture has %d conversations)", name, stream, len(tl.Conversations)))
}

// printWarnings writes problems with the file as a whole (cut short) after
// the output, so that everything before them is kept and seen first.
func printWarnings(stderr io.Writer, warnings []string) {
	for _, w := range warnings {
		fmt.Fprintf(stderr, "tcpstep: warning: %s\n", w)
	}
}
