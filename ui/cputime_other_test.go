//go:build !unix

package ui

// cpuTimeNS is not measured here: the benchmarks report 0.
func cpuTimeNS() int64 { return 0 }
