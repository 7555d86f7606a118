// Command tcpstep steps through the TCP conversations of a packet capture:
// a ladder of segments, each side's RFC 793 state, the encapsulation layers
// of every frame and a plain-words explanation of each step.
//
//	tcpstep                       open the embedded sample (the paper's SMTP session)
//	tcpstep capture.pcap          open a pcap or pcapng file ("-" reads standard input)
//	tcpstep dump --format jsonl capture.pcap
//	tcpstep samples               list the embedded samples
//
// The commands live in package cli.
package main

import (
	"os"

	"github.com/tcpstep/tcpstep/cli"
)

// version is set at build time with -ldflags "-X main.version=..."; without
// it, cli reports the module version or the VCS revision.
var version = "dev"

func main() {
	os.Exit(cli.Main(version, os.Stdin, os.Stdout, os.Stderr))
}
