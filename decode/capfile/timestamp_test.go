package capfile

import (
	"bytes"
	"math"
	"testing"
)

// TestPcapngTimestampUnsigned is the regression test for a pcapng timestamp
// with the top bit set, which tshark reads unsigned. tshark 4.0.17 on
// testdata/encap/tun_bug_pcapng_ts.pcapng (written by gen_tunnel, µs
// resolution, first timestamp 0xffffffffe1dfd279, then +10 ms a frame):
//
//	frame.time_epoch    18446744073204.126329000, 18446744073204.136329000, ...
//	frame.time_relative 0.000000000, 0.010000000, ...
//
// That is past the end of the nanosecond clock (2262), so the reader moves
// the frames back by a whole number of seconds: the times between them stay
// tshark's, and the date stays far in the future (2200), not before 1970 as
// a signed reading (−505.4 s) gave.
func TestPcapngTimestampUnsigned(t *testing.T) {
	d := frame(40, 3)
	const ts = uint64(0xffffffffe1dfd279)
	file := cat(ngSHB(le, 1, 0), ngIDB(le, 1, 0),
		ngEPB(le, 0, ts, 40, d), ngEPB(le, 0, ts+10000, 40, d), ngEPB(le, 0, ts+20000, 40, d),
		// An ordinary timestamp after them stays exact.
		ngEPB(le, 0, 1700000000_000001, 40, d))
	got, _, err := readAll(t, bytes.NewReader(file))
	if err != nil || len(got) != 4 {
		t.Fatalf("%d records, %v", len(got), err)
	}
	const farBaseNS = farBaseSec * 1_000_000_000
	wantFrac := int64(126329000) // 18446744073204.126329 s: the fraction is kept
	if got[0].ns != farBaseNS+wantFrac {
		t.Errorf("first far timestamp at %d ns, want %d (2200-01-01 plus the fraction)", got[0].ns, farBaseNS+wantFrac)
	}
	if got[0].ns < 0 {
		t.Errorf("a timestamp with the top bit set reads as before 1970")
	}
	for i, want := range []int64{0, 10_000_000, 20_000_000} {
		if rel := got[i].ns - got[0].ns; rel != want {
			t.Errorf("frame %d: %d ns after the first, tshark's frame.time_relative says %d", i+1, rel, want)
		}
	}
	if got[3].ns != 1700000000_000001000 {
		t.Errorf("ordinary timestamp %d", got[3].ns)
	}
}

// TestFarClockEdges holds the far clock to its limits: offsets that would
// overflow, and timestamps the shift cannot bring inside the clock.
func TestFarClockEdges(t *testing.T) {
	var c farClock
	if v := c.at(math.MaxUint64, 0, 0); v != math.MaxInt64 {
		t.Errorf("2^64-1 s: %d", v)
	}
	if v := c.at(100, math.MaxInt64, 0); v != math.MaxInt64 {
		t.Errorf("offset overflow: %d", v)
	}
	if v := c.at(1, -5, 7); v != -4*1e9+7 {
		t.Errorf("negative offset: %d", v)
	}
	c = farClock{}
	first := c.at(clockMaxSec+1, 0, 0)
	if first != farBaseSec*1e9 {
		t.Errorf("first far second at %d", first)
	}
	if v := c.at(math.MaxInt64-1, 0, 0); v != math.MaxInt64 {
		t.Errorf("far beyond the shift: %d, want saturation", v)
	}
}

// TestPcapMicrosecondsLikeTshark is the regression test for pcap records
// whose microsecond field is 10^6 or more. tshark 4.0.17's libpcap reader
// multiplies it by 1000 in 32 bits and keeps the product as a signed 32-bit
// nanosecond count: on testdata/encap/tun_bug_pcap_usec.pcap it prints
//
//	sec 1700000002, usec 0x80000000 → frame.time_epoch 1700000002.000000000
//	sec 1700000003, usec 0xffffffff → frame.time_epoch -1700000003.000001000
//	  (its way of printing 1700000003 s − 1000 ns; time_relative 2.999999000)
//	sec 1700000004, usec 4294967    → time_relative 3.999999704 (−296 ns)
//
// and for 1000000 and 1500000 µs (sec 2 and 3 after the first frame) it
// prints frame.time_relative "2.1000000000" and "3.1500000000": 2 s plus
// 10^9 ns and 3 s plus 1.5×10^9 ns, unnormalized (its frame.time_delta,
// 1.000001000 and 1.500000000, shows the sums are 3.0 s and 4.5 s).
func TestPcapMicrosecondsLikeTshark(t *testing.T) {
	d := frame(40, 5)
	for _, tc := range []struct {
		usec uint32
		ns   int64 // added to the record's seconds
	}{
		{999999, 999999000},
		{1000000, 1e9},
		{1500000, 15e8},
		{2147483, 2147483000},
		{2147484, -2147483296}, // past 2^31 ns: negative, as in tshark
		{4294966, -1296},
		{4294967, -296},
		{0x80000000, 0},
		{0xffffffff, -1000},
	} {
		file := pcapFile(le, 0xa1b2c3d4, 2, 4, 65535, 1, mkpkt(1700000000, tc.usec, d))
		got, _, err := readAll(t, bytes.NewReader(file))
		if err != nil || len(got) != 1 {
			t.Fatalf("usec %d: %d records, %v", tc.usec, len(got), err)
		}
		if want := 1700000000*int64(1e9) + tc.ns; got[0].ns != want {
			t.Errorf("usec %#x: %d ns, tshark %d", tc.usec, got[0].ns, want)
		}
	}
	// A nanosecond file's fraction is kept as a signed 32-bit count too.
	file := pcapFile(le, 0xa1b23c4d, 2, 4, 65535, 1, mkpkt(10, 0x80000000, d))
	got, _, err := readAll(t, bytes.NewReader(file))
	if err != nil || len(got) != 1 || got[0].ns != 10*1e9-0x80000000 {
		t.Errorf("nanosecond 0x80000000: %v %v", got, err)
	}
}
