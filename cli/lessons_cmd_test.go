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
	list := samples.List()
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
