package decode

// TCP option kinds the extractor needs by name (RFC 9293 §3.1, RFC 7323).
const (
	tcpOptEOL         = 0
	tcpOptNOP         = 1
	tcpOptWindowScale = 3
)

// tcpOptionAt reads the TCP option that starts at b[p], p < len(b): its
// kind and its length in bytes (1 for the one-byte EOL and NOP), or ok
// false when it is malformed: its length byte is missing, below 2, or makes
// it run past the end of b. Both the extractor (the window scale) and the
// dissector (every option) walk options with it, so they agree on where a
// malformed list stops.
func tcpOptionAt(b []byte, p int) (kind byte, n int, ok bool) {
	kind = b[p]
	if kind == tcpOptEOL || kind == tcpOptNOP {
		return kind, 1, true
	}
	if p+2 > len(b) || b[p+1] < 2 || p+int(b[p+1]) > len(b) {
		return kind, 0, false
	}
	return kind, int(b[p+1]), true
}
