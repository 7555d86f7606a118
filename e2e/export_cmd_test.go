package e2e

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportCommand runs `tcpstep export` as a user would: each format to
// standard output and to a file (saying where on stderr), the defaults for
// --stream, and the errors for a bad format or stream.
func TestExportCommand(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()

	out, errs, code := run(t, bin, nil, "export", "--format", "mermaid", "sample:smtp-figure10")
	if code != 0 || !strings.HasPrefix(out, "sequenceDiagram\n") || errs != "" {
		t.Fatalf("mermaid: exit %d, stderr %q, stdout starts %q", code, errs, out[:min(len(out), 40)])
	}
	if n := strings.Count(out, "->>") + strings.Count(out, "-x"); n != 29 {
		t.Errorf("mermaid: %d arrows, want the sample's 29 segments", n)
	}

	svgPath := filepath.Join(dir, "ladder.svg")
	out, errs, code = run(t, bin, nil, "export", "--format", "svg", "--absolute", "-o", svgPath, "sample:lossy-transfer")
	if code != 0 || out != "" || !strings.Contains(errs, svgPath) {
		t.Fatalf("svg -o: exit %d, stdout %q, stderr %q (want the path named)", code, out, errs)
	}
	b, err := os.ReadFile(svgPath)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		XMLName xml.Name
		Groups  []struct {
			Class string `xml:"class,attr"`
			Seq   string `xml:"data-seq,attr"`
		} `xml:"g"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil || doc.XMLName.Local != "svg" {
		t.Fatalf("svg: %v (root %q)", err, doc.XMLName.Local)
	}
	segs := 0
	for _, g := range doc.Groups {
		if strings.HasPrefix(g.Class, "segment ") {
			segs++
			if segs == 1 && len(g.Seq) < 5 {
				t.Errorf("--absolute: first data-seq %q looks relative", g.Seq)
			}
		}
	}
	if segs != 38 {
		t.Errorf("svg: %d segments, want the sample's 38", segs)
	}

	// txt without --stream: every conversation, as dump --format text.
	out, _, code = run(t, bin, nil, "export", "--format", "txt", "sample:isn-prediction")
	dump, _, _ := run(t, bin, nil, "dump", "--format", "text", "sample:isn-prediction")
	if code != 0 || out != dump || strings.Count(out, "stream ") < 2 {
		t.Errorf("txt: exit %d; differs from dump --format text or has fewer than two streams", code)
	}
	out, _, _ = run(t, bin, nil, "export", "--format", "txt", "--stream", "3", "sample:isn-prediction")
	if strings.Count(out, "\nstream ")+strings.Count(out[:min(len(out), 7)], "stream ") != 1 || !strings.HasPrefix(out, "stream 3:") {
		t.Errorf("txt --stream 3: want only stream 3, got %q", out[:min(len(out), 60)])
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"export", "--format", "png", "sample:smtp-figure10"}, "png"},
		{[]string{"export", "--stream", "9", "sample:smtp-figure10"}, "no stream 9"},
		{[]string{"export", "--stream", "-2", "sample:smtp-figure10"}, "-2"},
		{[]string{"export", "-o", filepath.Join(dir, "missing", "x.mmd"), "sample:smtp-figure10"}, "missing"},
	} {
		out, errs, code := run(t, bin, nil, c.args...)
		if code == 0 || out != "" || !strings.Contains(errs, c.want) || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q: want one line naming %q", c.args, code, out, errs, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "missing")); err == nil {
		t.Errorf("a failed export created a directory")
	}
}
