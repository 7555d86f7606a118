package testshared

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// ParseRanges reads frame numbers as the recorded oracle files write them:
// "1-3,7" is 1, 2, 3 and 7, and "-" is none.
func ParseRanges(s string) ([]uint32, error) {
	if s == "-" {
		return nil, nil
	}
	var out []uint32
	for _, part := range strings.Split(s, ",") {
		a, b, isRange := strings.Cut(part, "-")
		lo, err := strconv.ParseUint(a, 10, 32)
		if err != nil {
			return nil, err
		}
		hi := lo
		if isRange {
			if hi, err = strconv.ParseUint(b, 10, 32); err != nil {
				return nil, err
			}
		}
		for n := lo; n <= hi; n++ {
			out = append(out, uint32(n))
		}
	}
	return out, nil
}

// FilterAnswer is one row of a recorded filter oracle (testdata/filter's
// expected.tsv, or a file written the same way): tshark's frames for one
// filter over one capture, or why tshark refused the capture.
type FilterAnswer struct {
	Capture, Filter string
	Frames          []uint32
	Refused         string // tshark's error when it could not read the capture
}

// ReadFilterAnswers reads a recorded filter oracle: tab-separated capture,
// filter and frames ("1-3,7", "-" for none, "!error" for a refusal), blank
// lines and # comments passed over. Any row it cannot read fails tb.
func ReadFilterAnswers(tb testing.TB, path string) []FilterAnswer {
	tb.Helper()
	var out []FilterAnswer
	for _, cols := range ReadTSV(tb, path, 3) {
		a := FilterAnswer{Capture: cols[0], Filter: cols[1]}
		if strings.HasPrefix(cols[2], "!") {
			a.Refused = strings.TrimSpace(cols[2][1:])
		} else if f, err := ParseRanges(cols[2]); err != nil {
			tb.Fatalf("%s: %v in %q", path, err, strings.Join(cols, "\t"))
		} else {
			a.Frames = f
		}
		out = append(out, a)
	}
	return out
}

// ReadTSV reads a recorded oracle file's rows: tab-separated, n columns
// each, blank lines and # comments passed over. A row of another width, or
// a file it cannot read, fails tb.
func ReadTSV(tb testing.TB, path string, n int) [][]string {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var rows [][]string
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSuffix(line, "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != n {
			tb.Fatalf("%s: bad row %q (%d columns, want %d)", path, line, len(cols), n)
		}
		rows = append(rows, cols)
	}
	return rows
}
