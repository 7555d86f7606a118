// Package testsample decodes the embedded samples, and capture files, for
// tests outside package decode (ui, export, main, model's external tests); it
// lives apart from testshared so that decode's and model's own tests can use
// testshared without an import cycle.
package testsample

import (
	"testing"

	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/samples"
)

// Timeline decodes an embedded sample as the command line does
// (sample:NAME), failing the test on any error. Tests inside package decode
// cannot use it (it imports decode).
func Timeline(tb testing.TB, name string) *model.Timeline {
	tb.Helper()
	_, tl := Open(tb, name)
	return tl
}

// Open is Timeline with the opened input too, for tests that re-read
// frames or payloads from it. An embedded sample needs no Close.
func Open(tb testing.TB, name string) (*decode.Input, *model.Timeline) {
	tb.Helper()
	b, err := samples.Bytes(name)
	if err != nil {
		tb.Fatal(err)
	}
	in, err := decode.OpenBytes("sample:"+name, b)
	if err != nil {
		tb.Fatal(err)
	}
	tl, err := in.Load(nil)
	if err != nil {
		tb.Fatal(err)
	}
	return in, tl
}

// File decodes a capture file, failing the test on any error.
func File(tb testing.TB, path string) *model.Timeline {
	tb.Helper()
	in, err := decode.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer in.Close()
	tl, err := in.Load(nil)
	if err != nil {
		tb.Fatal(err)
	}
	return tl
}

// Seg returns the index in tl.Segments of the segment frame carries, and
// fails tb when it carries none.
func Seg(tb testing.TB, tl *model.Timeline, frame uint32) int {
	tb.Helper()
	i := tl.SegOf(frame)
	if i < 0 {
		tb.Fatalf("no segment in frame %d", frame)
	}
	return i
}

// Lesson is a lesson written for tests of the lesson strip and the
// stepper, on the default sample, so that they do not change when the
// samples' lessons are reworded.
func Lesson() *model.Lesson {
	return &model.Lesson{
		Title: "Test lesson of the paper's session",
		Watch: "Watch the ACK numbers: each is the next byte expected.",
		Notes: map[uint32]string{
			2: "The server answers the SYN with its own SYN and an ACK of the client's ISN plus one.",
			4: "The greeting: 93 bytes of data from the server.",
		},
	}
}
