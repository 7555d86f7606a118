package model

import (
	"testing"
	"unsafe"
)

// TestRecordSizes guards the memory budget of a big capture's index: every
// frame costs a Frame record and, for a TCP segment, a Segment record, so a
// field added to either costs a million captured packets that many bytes
// more (scripts/bench.sh measures the whole). A Segment has no 8-byte field,
// so a slice of them packs at 4-byte alignment.
func TestRecordSizes(t *testing.T) {
	if got := unsafe.Sizeof(Frame{}); got != 32 {
		t.Errorf("Frame is %d bytes, budget 32", got)
	}
	if got := unsafe.Sizeof(Segment{}); got != 32 {
		t.Errorf("Segment is %d bytes, budget 32", got)
	}
	if got := unsafe.Alignof(Segment{}); got != 4 {
		t.Errorf("Segment aligns at %d bytes, want 4 (no 8-byte field)", got)
	}
}

// TestSegmentStates checks that the client's and server's states packed in
// one byte read back as set, for every pair of states.
func TestSegmentStates(t *testing.T) {
	var s Segment
	for _, c := range AllStates() {
		for _, sv := range AllStates() {
			s.SetStates(c, sv)
			if s.Client() != c || s.Server() != sv {
				t.Fatalf("set %v/%v, read %v/%v", c, sv, s.Client(), s.Server())
			}
			s.setServer(Closed)
			if s.Client() != c || s.Server() != Closed {
				t.Fatalf("setServer changed the client: %v/%v", s.Client(), s.Server())
			}
			s.setClient(sv)
			if s.Client() != sv || s.Server() != Closed {
				t.Fatalf("setClient changed the server: %v/%v", s.Client(), s.Server())
			}
		}
	}
}
