package model

import (
	"hash/maphash"
	"net/netip"
	"testing"
)

// TestConvIndexCollision checks the path a 64-bit hash collision takes: a
// key whose hash slot holds another key's conversation is kept apart, and
// both keys still find their own conversations. A collision cannot be made
// to happen with a random seed, so the test plants one.
func TestConvIndexCollision(t *testing.T) {
	a := Endpoint{Addr: netip.MustParseAddr("192.0.2.1"), Port: 1000}
	b := Endpoint{Addr: netip.MustParseAddr("192.0.2.2"), Port: 80}
	c := Endpoint{Addr: netip.MustParseAddr("2001:db8::1"), Port: 1000}
	convs := []*Conversation{{Client: a, Server: b}, {Client: c, Server: b}, {Client: b, Server: a}}
	k0, k1 := keyOf(a, b), keyOf(c, b)
	x := newConvIndex()
	x.set(k0, 0, convs)
	x.byHash[maphash.Comparable(x.seed, k1)] = 0 // k1's slot holds k0's conversation
	if _, ok := x.get(k1, convs); ok {
		t.Fatal("a key not set was found through another key's slot")
	}
	x.set(k1, 1, convs)
	if idx, ok := x.get(k1, convs); !ok || idx != 1 {
		t.Errorf("colliding key: got %d %v, want 1", idx, ok)
	}
	if idx, ok := x.get(k0, convs); !ok || idx != 0 {
		t.Errorf("first key: got %d %v, want 0", idx, ok)
	}
	// A new conversation on the first key (port reuse, the other way round)
	// replaces it.
	x.set(keyOf(b, a), 2, convs)
	if idx, ok := x.get(k0, convs); !ok || idx != 2 {
		t.Errorf("reused key: got %d %v, want 2", idx, ok)
	}
	if idx, ok := x.get(k1, convs); !ok || idx != 1 {
		t.Errorf("colliding key after reuse: got %d %v, want 1", idx, ok)
	}
}
