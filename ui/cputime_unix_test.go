//go:build unix

package ui

import "syscall"

// cpuTimeNS is the CPU time the process has used, user and system: on a
// machine shared with other work it measures a benchmark's cost more
// steadily than the wall clock does.
func cpuTimeNS() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
