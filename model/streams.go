package model

// convKey identifies a TCP conversation's address/port pair regardless of
// direction: the lower endpoint first. Several conversations may share one
// key over a capture (port reuse); the builder maps a key to the latest.
// It holds the addresses as bytes (with their families, so 10.0.0.1 and
// ::ffff:10.0.0.1 differ as they do in tshark) rather than netip.Addr,
// whose zone handle makes hashing slower; zones play no part in captures.
type convKey struct {
	a, b   [16]byte
	pa, pb uint16
	v4     uint8 // bit 0: a is IPv4, bit 1: b is IPv4
}

// keyOf returns the direction-independent key of a segment from src to dst.
func keyOf(src, dst Endpoint) convKey {
	if endpointLess(dst, src) {
		src, dst = dst, src
	}
	k := convKey{a: src.Addr.As16(), b: dst.Addr.As16(), pa: src.Port, pb: dst.Port}
	if src.Addr.Is4() {
		k.v4 |= 1
	}
	if dst.Addr.Is4() {
		k.v4 |= 2
	}
	return k
}

func endpointLess(x, y Endpoint) bool {
	if c := x.Addr.Compare(y.Addr); c != 0 {
		return c < 0
	}
	return x.Port < y.Port
}

// dirOf says in which direction a segment from src travels in c.
func dirOf(c *Conversation, src Endpoint) Dir {
	if src == c.Client {
		return C2S
	}
	return S2C
}
