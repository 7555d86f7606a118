package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/ui"
)

// The lesson beside a capture is found by name; --lesson overrides it; a
// sample keeps its own; a lesson chooses the numbering unless -S did.
func TestWithLessonFrom(t *testing.T) {
	dir := t.TempDir()
	capture := filepath.Join(dir, "lab.pcapng")
	if got := lessonPathFor(capture); got != filepath.Join(dir, "lab.lesson.md") {
		t.Errorf("lessonPathFor = %q", got)
	}
	var opts ui.Options
	if err := withLessonFrom(&opts, capture, "", false); err != nil || opts.Lesson != nil {
		t.Errorf("no lesson beside: %v, %v", err, opts.Lesson)
	}
	os.WriteFile(filepath.Join(dir, "lab.lesson.md"), []byte("# Beside\n\nNumbering: absolute\n"), 0o644)
	other := filepath.Join(dir, "other.md")
	os.WriteFile(other, []byte("# Other\n"), 0o644)
	opts = ui.Options{}
	if err := withLessonFrom(&opts, capture, "", false); err != nil || opts.Lesson == nil || opts.Lesson.Title != "Beside" || !opts.Absolute {
		t.Errorf("the lesson beside: %v, %+v", err, opts)
	}
	opts = ui.Options{}
	if err := withLessonFrom(&opts, capture, "", true); err != nil || opts.Absolute {
		t.Errorf("-S chose the numbering: %v, %+v", err, opts)
	}
	opts = ui.Options{}
	if err := withLessonFrom(&opts, capture, other, false); err != nil || opts.Lesson.Title != "Other" {
		t.Errorf("--lesson: %v, %+v", err, opts)
	}
	opts = ui.Options{}
	if err := withLessonFrom(&opts, "sample:refused", "", false); err != nil || opts.Lesson == nil || !opts.Absolute {
		t.Errorf("a sample's own lesson: %v, %+v", err, opts)
	}
	os.WriteFile(other, []byte("no title\n"), 0o644)
	err := withLessonFrom(&opts, capture, other, false)
	if err == nil || !strings.Contains(err.Error(), other+":1: the first line must be") {
		t.Errorf("a malformed --lesson: %v", err)
	}
	if _, err := captureBeside(filepath.Join(dir, "lab.lesson.md")); err == nil {
		t.Error("lab.pcapng missing, yet a capture beside")
	}
	os.WriteFile(capture, nil, 0o644)
	if got, err := captureBeside(filepath.Join(dir, "lab.lesson.md")); err != nil || got != capture {
		t.Errorf("captureBeside = %q, %v", got, err)
	}
	if _, err := captureBeside(other); err == nil || !strings.Contains(err.Error(), ".lesson.md") {
		t.Errorf("a lesson named otherwise: %v", err)
	}
}
