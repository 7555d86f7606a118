package model

import "hash/maphash"

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

// convIndex maps a convKey to the latest conversation on it. It keys its
// main map by a 64-bit hash of the key rather than by the 38-byte key, which
// keeps the map a third of the size (a builder holds one entry per
// conversation); a hit is checked against the conversation's own endpoints,
// and the rare key whose hash another key already holds goes to a second
// map keyed by the whole key.
type convIndex struct {
	seed    maphash.Seed
	byHash  map[uint64]int32
	collide map[convKey]int32
}

func newConvIndex() convIndex {
	return convIndex{seed: maphash.MakeSeed(), byHash: make(map[uint64]int32)}
}

// get returns the latest conversation on key; convs are the builder's.
func (x *convIndex) get(key convKey, convs []*Conversation) (int32, bool) {
	idx, ok := x.byHash[maphash.Comparable(x.seed, key)]
	if !ok {
		return 0, false
	}
	if c := convs[idx]; keyOf(c.Client, c.Server) == key {
		return idx, true
	}
	idx, ok = x.collide[key]
	return idx, ok
}

// set makes idx the latest conversation on key.
func (x *convIndex) set(key convKey, idx int32, convs []*Conversation) {
	h := maphash.Comparable(x.seed, key)
	if old, ok := x.byHash[h]; ok {
		if c := convs[old]; keyOf(c.Client, c.Server) != key {
			if x.collide == nil {
				x.collide = make(map[convKey]int32)
			}
			x.collide[key] = idx
			return
		}
	}
	x.byHash[h] = idx
}
