package cli

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/ui"
)

// runMain runs the command line as a user types it, returning what it
// wrote and its exit status.
func runMain(args ...string) (stdout, stderr string, code int) {
	var out, errb bytes.Buffer
	old := os.Args
	os.Args = append([]string{"tcpstep"}, args...)
	defer func() { os.Args = old }()
	code = Main("test", strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

// TestHelpExamplesAligned reads every command's --help as printed and
// checks that the comments of its examples start in one column: the help's
// renderer folds the spaces of a command line, so a comment after a
// command would not line up with the next one.
func TestHelpExamplesAligned(t *testing.T) {
	root := newRootCmd(nil, nil, nil)
	names := []string{""}
	for _, c := range root.Commands() {
		names = append(names, c.Name())
	}
	for _, name := range names {
		args := []string{"--help"}
		if name != "" {
			args = []string{name, "--help"}
		}
		out, _, code := runMain(args...)
		if code != 0 {
			t.Errorf("%v: exit %d", args, code)
			continue
		}
		lines := strings.Split(ansi.Strip(out), "\n")
		in, col := false, -1
		for _, l := range lines {
			switch t := strings.TrimSpace(l); {
			case t == "EXAMPLES":
				in = true
				continue
			case in && t == strings.ToUpper(t) && t != "" && !strings.ContainsAny(t, "#-|"):
				in = false // the next section
			}
			if !in {
				continue
			}
			if i := strings.Index(l, "#"); i >= 0 {
				if col >= 0 && i != col {
					t.Errorf("%s --help: a comment at column %d, another at %d:\n%s", name, i, col, out)
				}
				col = i
			}
		}
	}
}

// TestMissingCapture: a command over one capture called without one says
// what is missing and how to call it, and with two says it reads one.
func TestMissingCapture(t *testing.T) {
	for _, name := range []string{"dump", "export", "follow", "isn", "netstat", "vantage"} {
		_, stderr, code := runMain(name)
		if code != 2 || !strings.Contains(stderr, "missing the capture to read: tcpstep "+name) || !strings.Contains(stderr, "sample:NAME") {
			t.Errorf("%s with no capture: exit %d, %q", name, code, stderr)
		}
		if strings.Contains(stderr, "arg(s)") {
			t.Errorf("%s: cobra's wording %q", name, stderr)
		}
		_, stderr, code = runMain(name, "a.pcap", "b.pcap")
		if code != 2 || !strings.Contains(stderr, name+" reads one capture, not 2 (a.pcap b.pcap)") {
			t.Errorf("%s with two captures: exit %d, %q", name, code, stderr)
		}
	}
}

// TestFollowOnlyConversation: follow needs no --stream when the capture
// holds one conversation, and says which there are when it holds several.
func TestFollowOnlyConversation(t *testing.T) {
	one, _, code := runMain("follow", "sample:http-close")
	want, _, _ := runMain("follow", "--stream", "0", "sample:http-close")
	if code != 0 || one != want || !strings.Contains(one, "GET /") {
		t.Errorf("follow of the one conversation: exit %d\n%s\nwant\n%s", code, one, want)
	}
	_, stderr, code := runMain("follow", "sample:isn-prediction")
	if code != 2 || !strings.Contains(stderr, "holds 8 conversations: choose one with --stream N: 0 192.0.2.10:1025 ⇄ 192.0.2.80:80;") ||
		!strings.Contains(stderr, "… and 4 more") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("follow of a capture with several: exit %d, %q", code, stderr)
	}
}

// TestSampleOpensInItsLessonsNumbering: the default sample's lesson quotes
// the paper's absolute numbers, so the sample opens in them; -S or
// --absolute=false on the command line wins.
func TestSampleOpensInItsLessonsNumbering(t *testing.T) {
	for _, c := range []struct {
		name           string
		chosen, absSet bool
		want           bool
	}{
		{"sample:smtp-figure10", false, false, true},
		{"sample:smtp-figure10", true, false, false}, // --absolute=false
		{"sample:http-close", false, false, false},
		{"sample:http-close", true, true, true}, // -S
		{"capture.pcap", false, false, false},
	} {
		opts := ui.Options{Absolute: c.absSet}
		withLesson(&opts, c.name, c.chosen)
		if opts.Absolute != c.want {
			t.Errorf("%s (numbering chosen %v): absolute %v, want %v", c.name, c.chosen, opts.Absolute, c.want)
		}
		if (opts.Lesson != nil) != strings.HasPrefix(c.name, "sample:") {
			t.Errorf("%s: lesson %v", c.name, opts.Lesson)
		}
	}
}
