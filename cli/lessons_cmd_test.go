package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/samples"
)

func TestLessonsCommand(t *testing.T) {
	var out bytes.Buffer
	cmd := newLessonsCmd(nil, &out, nil)
	cmd.SetArgs(nil)
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	// The samples whose lessons are built in; the RFC 9293 figures' lessons
	// are lesson files (samples/data/NAME.lesson.md), not loaded yet.
	var list []samples.Sample
	for _, s := range samples.List() {
		if _, ok := samples.Lesson(s.Name); ok {
			list = append(list, s)
		}
	}
	if len(lines) != len(list) {
		t.Fatalf("%d lines for %d samples:\n%s", len(lines), len(list), out.String())
	}
	for i, s := range list {
		l, _ := samples.Lesson(s.Name)
		name, title, _ := strings.Cut(lines[i], " ")
		if name != s.Name || strings.TrimSpace(title) != l.Title {
			t.Errorf("line %d: %q, want %s and %q", i, lines[i], s.Name, l.Title)
		}
	}
}
