// Package testshared finds the reference data that tests compare against:
// the public capture corpus and tshark's fields for it, kept in ../shared
// beside the checkout (as in CI), never copied into the repository.
//
// A user's clone has no ../shared, so tests that need it skip there; under
// CI=true its absence is a failure, so a broken CI set-up cannot pass by
// skipping everything.
package testshared

import (
	"os"
	"path/filepath"
	"testing"
)

// root returns the repository root: the nearest directory above the test's
// working directory that holds go.mod.
func root(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
}

// Optional returns the shared directory and whether it is there. Under
// CI=true a missing directory fails the test instead.
func Optional(tb testing.TB) (string, bool) {
	tb.Helper()
	dir := filepath.Join(root(tb), "..", "shared")
	if st, err := os.Stat(filepath.Join(dir, "captures")); err == nil && st.IsDir() {
		return dir, true
	}
	if os.Getenv("CI") == "true" {
		tb.Fatalf("%s is missing (CI=true requires it)", dir)
	}
	return dir, false
}

// Dir returns the shared directory, skipping the test when it is absent
// (failing under CI=true).
func Dir(tb testing.TB) string {
	tb.Helper()
	dir, ok := Optional(tb)
	if !ok {
		tb.Skipf("%s is absent: test skipped", dir)
	}
	return dir
}

// Captures lists the files of shared/captures matching the glob patterns
// (relative to that directory, e.g. "*.pcap", "malformed/*"), skipping the
// test when there are none (failing under CI=true).
func Captures(tb testing.TB, patterns ...string) []string {
	tb.Helper()
	dir := filepath.Join(Dir(tb), "captures")
	var out []string
	for _, pat := range patterns {
		m, err := filepath.Glob(filepath.Join(dir, pat))
		if err != nil {
			tb.Fatalf("bad pattern %q: %v", pat, err)
		}
		out = append(out, m...)
	}
	if len(out) == 0 {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("no captures matching %v in %s", patterns, dir)
		}
		tb.Skipf("no captures matching %v in %s", patterns, dir)
	}
	return out
}
