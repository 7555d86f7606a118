package scenario

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds the parser (and, when a scenario parses, the crafting)
// arbitrary text: either may refuse it with an error, neither may panic.
func FuzzParse(f *testing.F) {
	paths, _ := filepath.Glob("../samples/scenarios/*.tcpscenario")
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil && len(b) < 4000 {
			f.Add(b)
		}
	}
	for _, s := range []string{
		hdr + "0 > S\n0.01 < S.\n0.011 > .\n",
		hdr + "0 > S <mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7,sack 1:2 3:4,eol>\n",
		hdr + "host gw 192.0.2.9\n0 > S label a ttl 1 lost\n0.1 icmp gw > client time-exceeded quoting a quote 28\n",
		hdr + "0 > S\n0.01 < S.\n0.02 < . 3000 bytes frag 576 order 0,2,1,3,4,5 gap 0.001\n",
		"link raw\nclient [2001:db8::1]:1\nserver [2001:db8::2]:2\n0 > S\n+0.1 < S. dup\n+0 > . \"a\\x00\" reorder\n+1 > . hex 00ff\n",
		"client [2001:db8::1]:1\nserver [2001:db8::2]:2\nhost gw 2001:db8::fe\n0 > S\n0.01 < S. label x\n0.02 icmp gw > server packet-too-big mtu 1280 quoting x ttl 3 quote 60\n",
		"numbers absolute\nhost a 192.0.2.1 stack bare\nhost b 192.0.2.2\nconn a:1 > b:2 isn 1 2\n0 > F. seq 5 ack abs:7 forced\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := Parse("fuzz.tcpscenario", src)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("an error that is no *Error: %v", err)
			}
			return
		}
		s.Build()
	})
}
