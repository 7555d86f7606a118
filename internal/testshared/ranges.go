package testshared

import (
	"strconv"
	"strings"
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
