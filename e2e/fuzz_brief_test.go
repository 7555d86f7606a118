package e2e

import (
	"bytes"
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// fuzzTime is how much each target fuzzes in TestFuzzBrief: 500 new inputs
// beyond the seeds and the cached corpus, a few seconds for the slowest
// target (FuzzScreens draws every screen per input), so the module's ten
// targets add well under a minute to CI. A count, not a duration: with a
// duration Go 1.26's coordinator often reports its own deadline as a
// failure on a loaded machine (go.dev/issue/75804; see deadlineRace).
const fuzzTime = "500x"

// fuzzTarget is one fuzz function and the package (a ./dir path relative to
// the module root) that holds it.
type fuzzTarget struct{ pkg, name string }

// fuzzTargets finds every fuzz target of the module the way go test does:
// a top-level func FuzzXxx(*testing.F) in a _test.go file. Reading the
// files, rather than keeping a list, covers a new target without anyone
// remembering to add it here. testdata, hidden directories and nested
// modules are not packages of the module and are skipped.
func fuzzTargets(t *testing.T, root string) []fuzzTarget {
	t.Helper()
	var out []fuzzTarget
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			if path != root {
				if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
					return filepath.SkipDir // another module
				}
			}
			return nil
		}
		if !strings.HasSuffix(name, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		pkg := "./" + filepath.ToSlash(rel)
		if rel == "." {
			pkg = "."
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if ok && fn.Recv == nil && isFuzzName(fn.Name.Name) && takesTestingF(fn) {
				out = append(out, fuzzTarget{pkg, fn.Name.Name})
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("find fuzz targets: %v", err)
	}
	slices.SortFunc(out, func(a, b fuzzTarget) int {
		return strings.Compare(a.pkg+" "+a.name, b.pkg+" "+b.name)
	})
	return out
}

// isFuzzName is go test's rule: "Fuzz", then nothing or a character that
// is not a lower-case letter.
func isFuzzName(name string) bool {
	rest, ok := strings.CutPrefix(name, "Fuzz")
	return ok && (rest == "" || !(rest[0] >= 'a' && rest[0] <= 'z'))
}

// takesTestingF reports whether fn's one parameter is *testing.F.
func takesTestingF(fn *ast.FuncDecl) bool {
	ps := fn.Type.Params.List
	if len(ps) != 1 || len(ps[0].Names) > 1 {
		return false
	}
	star, ok := ps[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	sel, ok := star.X.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	id, ok := sel.X.(*ast.Ident)
	return ok && id.Name == "testing" && sel.Sel.Name == "F"
}

// TestFuzzTargetsFound holds the discovery to the targets the module is
// known to have (README, scripts/fuzz.sh), so that a change that hid them
// from it (a moved file, a broken walk) cannot make TestFuzzBrief pass by
// fuzzing nothing.
func TestFuzzTargetsFound(t *testing.T) {
	found := fuzzTargets(t, moduleRoot)
	known := []fuzzTarget{
		{"./decode", "FuzzDissect"}, {"./decode", "FuzzExtract"}, {"./decode", "FuzzReassemble"},
		{"./decode/capfile", "FuzzReader"},
		{"./model", "FuzzBuilder"}, {"./model", "FuzzFollow"}, {"./model", "FuzzMachine"},
		{"./ui/layers", "FuzzLayersView"}, {"./ui", "FuzzScreens"},
		{"./scenario", "FuzzParse"},
	}
	for _, k := range known {
		if !slices.Contains(found, k) {
			t.Errorf("%s %s not found; found %v", k.pkg, k.name, found)
		}
	}
	// The name rule and the signature check, on names go test would and
	// would not take.
	for name, want := range map[string]bool{"Fuzz": true, "FuzzReader": true, "Fuzz_x": true, "Fuzz2": true, "Fuzzy": false, "FuzReader": false} {
		if got := isFuzzName(name); got != want {
			t.Errorf("isFuzzName(%q) = %v, want %v", name, got, want)
		}
	}
	src := "package p\nimport \"testing\"\nfunc FuzzA(f *testing.F) {}\nfunc FuzzB(t *testing.T) {}\nfunc FuzzC(f *testing.F, x int) {}\nfunc (r T) FuzzD(f *testing.F) {}\nfunc Fuzzing(f *testing.F) {}\n"
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "sub", "testdata"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"sub/x_test.go", "sub/testdata/y_test.go", "sub/x.go"} {
		if err := os.WriteFile(filepath.Join(dir, p), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := fuzzTargets(t, dir), []fuzzTarget{{"./sub", "FuzzA"}}; !slices.Equal(got, want) {
		t.Errorf("in a made-up module: found %v, want %v", got, want)
	}
}

// failingInput matches go test's report of the input that failed, which it
// writes under the package's testdata/fuzz/ as a new regression seed.
var failingInput = regexp.MustCompile(`Failing input written to (\S+)`)

// TestFuzzBrief runs every fuzz target of the module for fuzzTime with
// one worker, one package at a time, as go test -fuzz would be run by
// hand. The seeds and the checked-in corpus run with the normal tests
// already; this adds a few seconds of new random inputs per target, so
// that a target that no longer builds under -fuzz, or a crasher a change
// made easy to hit, shows up in CI. A failure here is a real bug: the
// input go test saved under testdata/fuzz/ is named in the message, and
// once fixed it belongs in the repository as a regression seed. A run
// that passes must leave no new file in the repository (go test keeps the
// inputs it found interesting in its cache, not in testdata). A run that
// fails only by Go 1.26's deadline race, with no failing input, is run
// again, up to twice (deadlineRace).
func TestFuzzBrief(t *testing.T) {
	if testing.Short() {
		t.Skip("fuzzes every target for " + fuzzTime)
	}
	targets := fuzzTargets(t, moduleRoot)
	if len(targets) == 0 {
		t.Fatal("no fuzz targets found")
	}
	for _, ft := range targets {
		t.Run(strings.TrimPrefix(ft.pkg, "./")+"/"+ft.name, func(t *testing.T) {
			corpus := filepath.Join(moduleRoot, ft.pkg, "testdata", "fuzz", ft.name)
			before := listFiles(corpus)
			out, err, timedOut := fuzzOnce(ft)
			// Go 1.26's fuzz coordinator can report its own -fuzztime
			// deadline as a failure when a worker is slow to stop
			// (go.dev/issue/75804, fixed in Go 1.27): no input failed and
			// none was written. On a loaded machine it happens often
			// enough that up to two more runs decide.
			for try := 0; try < 2 && err != nil && deadlineRace(out); try++ {
				t.Logf("%s %s: the fuzztime deadline race (go.dev/issue/75804), no failing input; running again:\n%s", ft.pkg, ft.name, out)
				out, err, timedOut = fuzzOnce(ft)
			}
			if err != nil {
				msg := "go test -fuzz " + ft.name + " " + ft.pkg + ": " + err.Error()
				if timedOut {
					msg += " (timed out)"
				}
				if m := failingInput.FindSubmatch(out); m != nil {
					msg += "\nfailing input: " + filepath.Join(ft.pkg, string(m[1])) +
						"\n(re-run: go test -run '" + ft.name + "/" + filepath.Base(string(m[1])) + "' " + ft.pkg +
						"; commit it as a regression seed with the fix)"
				}
				t.Fatalf("%s\n%s", msg, out)
			}
			if added := newFiles(before, listFiles(corpus)); len(added) > 0 {
				t.Errorf("a passing fuzz run wrote into the repository: %v", added)
			}
		})
	}
}

// fuzzOnce runs go test -fuzz on one target for fuzzTime.
func fuzzOnce(ft fuzzTarget) (out []byte, err error, timedOut bool) {
	// Generous: building a package with coverage instrumentation takes a
	// while on a cold cache, and a loaded machine is slow.
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-fuzz", "^"+ft.name+"$",
		"-fuzztime", fuzzTime, "-parallel", "1", ft.pkg)
	cmd.Dir = moduleRoot
	out, err = cmd.CombinedOutput()
	return out, err, ctx.Err() != nil
}

// deadlineRace reports whether a failed run is only go test's deadline
// race: "context deadline exceeded" with no input that failed, neither a
// new one written to testdata nor one of the corpus.
func deadlineRace(out []byte) bool {
	return bytes.Contains(out, []byte("context deadline exceeded")) &&
		!failingInput.Match(out) &&
		!bytes.Contains(out, []byte("failure while testing seed corpus entry")) &&
		!bytes.Contains(out, []byte("panic:"))
}

// listFiles lists the files under dir (none when it does not exist).
func listFiles(dir string) []string {
	var out []string
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, path)
		}
		return nil
	})
	return out
}

func newFiles(before, after []string) []string {
	var out []string
	for _, f := range after {
		if !slices.Contains(before, f) {
			out = append(out, f)
		}
	}
	return out
}

// TestDeadlineRace holds the retry to go test's bare deadline report: a
// run with a failing input, new or from the corpus, is never retried.
func TestDeadlineRace(t *testing.T) {
	race := "fuzz: elapsed: 2s, execs: 9000 (0/sec), new interesting: 0 (total: 130)\n--- FAIL: FuzzBuilder (2.02s)\n    context deadline exceeded\nFAIL\n"
	for out, want := range map[string]bool{
		race: true,
		race + "    Failing input written to testdata/fuzz/FuzzBuilder/0123abcd\n":           false,
		"failure while testing seed corpus entry: FuzzBuilder/99\ncontext deadline exceeded": false,
		"panic: boom\ncontext deadline exceeded":                                             false,
		"--- FAIL: FuzzBuilder (0.01s)\n    builder_fuzz_test.go:9: wrong\n":                 false,
	} {
		if got := deadlineRace([]byte(out)); got != want {
			t.Errorf("deadlineRace(%q) = %v, want %v", out, got, want)
		}
	}
}
