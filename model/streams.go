package model

import "net/netip"

// convKey identifies a TCP conversation's address/port pair regardless of
// direction: the lower endpoint first. Several conversations may share one
// key over a capture (port reuse); the builder maps a key to the latest.
type convKey struct {
	a, b   netip.Addr
	pa, pb uint16
}

// keyOf returns the direction-independent key of a segment from src to dst.
func keyOf(src, dst Endpoint) convKey {
	if endpointLess(dst, src) {
		src, dst = dst, src
	}
	return convKey{a: src.Addr, b: dst.Addr, pa: src.Port, pb: dst.Port}
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
