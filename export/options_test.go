package export

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/samples"
)

// TestWriteWithoutKeep: Write with Options and no Keep writes exactly what
// Mermaid, SVG and Text write, for every sample, stream and numbering.
func TestWriteWithoutKeep(t *testing.T) {
	for _, s := range samples.List() {
		tl := load(t, s.Name)
		for _, name := range []string{"mermaid", "svg", "txt"} {
			plain, _, err := ByName(name)
			if err != nil {
				t.Fatal(err)
			}
			streams := []int{-1}
			for _, c := range tl.Conversations {
				streams = append(streams, c.Index)
			}
			for _, stream := range streams {
				if stream < 0 && name != "txt" {
					continue
				}
				for _, absolute := range []bool{false, true} {
					var a, b bytes.Buffer
					errA := plain(&a, tl, stream, absolute)
					errB := Write(&b, name, tl, Options{Stream: stream, Absolute: absolute, Filter: "ignored without Keep"})
					if (errA == nil) != (errB == nil) || !bytes.Equal(a.Bytes(), b.Bytes()) {
						t.Errorf("%s %s stream %d absolute %v: Write differs from the plain writer", s.Name, name, stream, absolute)
					}
				}
			}
		}
	}
	if err := Write(&bytes.Buffer{}, "png", load(t, samples.Default), Options{}); err == nil {
		t.Error("Write of an unknown format: no error")
	}
}

var mermaidNoteFrame = regexp.MustCompile(`^    Note over C,S: frame (\d+): `)

// mermaidFrames is the frame of every row of a Mermaid ladder: arrows and
// the notes of frames that are not segments.
func mermaidFrames(out string) []uint32 {
	var frames []uint32
	for _, l := range strings.Split(out, "\n") {
		if m := mermaidNoteFrame.FindStringSubmatch(l); m != nil {
			frames = append(frames, uint32(atou(m[1])))
		} else if m := mermaidArrow.FindStringSubmatch(l); m != nil {
			frames = append(frames, uint32(atou(m[4])))
		}
	}
	return frames
}

var svgFrame = regexp.MustCompile(`<g class="(?:segment [^"]*|frame)" data-frame="(\d+)"`)

func svgFrames(out string) []uint32 {
	var frames []uint32
	for _, m := range svgFrame.FindAllStringSubmatch(out, -1) {
		frames = append(frames, uint32(atou(m[1])))
	}
	return frames
}

var textRow = regexp.MustCompile(`(?m)^ *(\d+) +\d+\.\d{6}  `)

func textFrames(out string) []uint32 {
	var frames []uint32
	for _, m := range textRow.FindAllStringSubmatch(out, -1) {
		frames = append(frames, uint32(atou(m[1])))
	}
	return frames
}

// keepEvery keeps the frames n with n%k == r.
func keepEvery(k, r uint32) func(uint32) bool {
	return func(n uint32) bool { return n%k == r }
}

// TestKeepLeavesRowsOut: with Keep, each format draws exactly the rows of
// the conversation whose frame Keep accepts (segments, fragments, ICMP
// errors), in capture order, and its header names the filter.
func TestKeepLeavesRowsOut(t *testing.T) {
	for _, s := range samples.List() {
		tl := load(t, s.Name)
		for _, keep := range []func(uint32) bool{keepEvery(2, 0), keepEvery(3, 1), func(uint32) bool { return false }} {
			for _, c := range tl.Conversations {
				want := slices.DeleteFunc(tl.ConvFrames(c), func(n uint32) bool { return !keep(n) })
				o := Options{Stream: c.Index, Keep: keep, Filter: "tcp.len > 0"}
				var m, sv, tx bytes.Buffer
				if err := Write(&m, "mermaid", tl, o); err != nil {
					t.Fatal(err)
				}
				if err := Write(&sv, "svg", tl, o); err != nil {
					t.Fatal(err)
				}
				if err := Write(&tx, "txt", tl, o); err != nil {
					t.Fatal(err)
				}
				checkMermaidGrammar(t, m.String())
				parseSVG(t, sv.Bytes())
				for what, got := range map[string][]uint32{
					"mermaid": mermaidFrames(m.String()), "svg": svgFrames(sv.String()), "txt": textFrames(tx.String()),
				} {
					if !slices.Equal(got, want) {
						t.Errorf("%s stream %d %s: rows %v, want %v", s.Name, c.Index, what, got, want)
					}
				}
				for what, out := range map[string]string{"mermaid": m.String(), "svg": sv.String(), "txt": tx.String()} {
					if !strings.Contains(out, "frames matching tcp.len &gt; 0") && !strings.Contains(out, "frames matching tcp.len > 0") {
						t.Errorf("%s stream %d %s: the header does not name the filter", s.Name, c.Index, what)
					}
				}
			}
		}
	}
}

// TestKeepMermaidStates: with rows left out, a state note says how a side's
// state differs from the last row drawn: one after a segment exactly when
// the segment's state differs from the previous drawn segment's (or the
// initial state), naming the new state.
func TestKeepMermaidStates(t *testing.T) {
	for _, name := range []string{"smtp-figure10", "lossy-transfer", "simultaneous-close", "reset-abort"} {
		tl := load(t, name)
		syns := func(n uint32) bool {
			si := tl.SegOf(n)
			return si >= 0 && tl.Segments[si].Flags&(model.SYN|model.FIN|model.RST) != 0
		}
		var b bytes.Buffer
		if err := Write(&b, "mermaid", tl, Options{Stream: 0, Keep: syns}); err != nil {
			t.Fatal(err)
		}
		c := tl.Conversations[0]
		client, server := c.InitClient, c.InitServer
		lines := strings.Split(b.String(), "\n")
		drawn := 0
		for i, l := range lines {
			m := mermaidArrow.FindStringSubmatch(l)
			if m == nil {
				continue
			}
			drawn++
			s := &tl.Segments[tl.SegOf(uint32(atou(m[4])))]
			var notes []string
			for _, n := range lines[i+1:] {
				if !strings.HasPrefix(n, "    Note over ") {
					break
				}
				notes = append(notes, n)
			}
			for side, st := range map[string][2]model.State{"C": {client, s.Client()}, "S": {server, s.Server()}} {
				note := "    Note over " + side + ": " + st[1].String()
				if has := slices.Contains(notes, note); has != (st[0] != st[1]) {
					t.Errorf("%s frame %s: state of %s %s after %s; note %q present %v", name, m[4], side, st[1], st[0], note, has)
				}
			}
			client, server = s.Client(), s.Server()
		}
		if drawn == 0 || drawn == len(c.Segs) {
			t.Errorf("%s: %d of %d segments drawn: the test keeps too much or nothing", name, drawn, len(c.Segs))
		}
		if !strings.Contains(b.String(), "some frames left out") {
			t.Errorf("%s: Keep without Filter: the header does not say rows are left out", name)
		}
	}
}

// TestKeepTextEveryConversation: the text ladder of every conversation
// leaves out a conversation with no row kept, and writes nothing when none
// is left; with a stream asked for, it still writes that stream's header.
func TestKeepTextEveryConversation(t *testing.T) {
	tl := load(t, "isn-prediction")
	if len(tl.Conversations) < 3 {
		t.Fatal("want a sample with several conversations")
	}
	second := tl.ConvFrames(tl.Conversations[1])
	in := func(n uint32) bool { return slices.Contains(second, n) }
	var b bytes.Buffer
	if err := Write(&b, "txt", tl, Options{Stream: -1, Keep: in, Filter: "tcp.stream == 1"}); err != nil {
		t.Fatal(err)
	}
	if strings.Count("\n"+b.String(), "\nstream ") != 1 || !strings.HasPrefix(b.String(), "stream 1: ") || !slices.Equal(textFrames(b.String()), second) {
		t.Errorf("only stream 1's rows kept: got\n%s", b.String())
	}
	none := func(uint32) bool { return false }
	b.Reset()
	if err := Write(&b, "txt", tl, Options{Stream: -1, Keep: none}); err != nil || b.Len() != 0 {
		t.Errorf("no row kept: %v, %q; want nothing", err, b.String())
	}
	b.Reset()
	if err := Write(&b, "txt", tl, Options{Stream: 2, Keep: none, Filter: "frame.number > 99"}); err != nil ||
		!strings.HasPrefix(b.String(), "stream 2: ") || len(textFrames(b.String())) != 0 {
		t.Errorf("stream 2, no row kept: %v\n%s", err, b.String())
	}
}

// TestKeepFilterHostile: the filter named in a header is user input: a line
// break or escape in it stays visible and cannot end a Mermaid comment,
// break the SVG or reach a terminal raw.
func TestKeepFilterHostile(t *testing.T) {
	tl := load(t, samples.Default)
	evil := "tcp\n    participant X as <script>\x1b[31m\" & }%%"
	o := Options{Keep: func(n uint32) bool { return n < 5 }, Filter: evil}
	for _, name := range []string{"mermaid", "svg", "txt"} {
		var b bytes.Buffer
		if err := Write(&b, name, tl, o); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if strings.ContainsRune(out, 0x1b) || strings.Contains(out, "\n    participant X") || !strings.Contains(out, "tcp␊    participant X") {
			t.Errorf("%s: the filter is not shown on its line, made visible:\n%s", name, out)
		}
		switch name {
		case "mermaid":
			checkMermaidGrammar(t, out)
			if strings.Contains(out, "%%{") || strings.Contains(out, "}%%") {
				t.Errorf("mermaid: the filter can open or close a directive:\n%s", out)
			}
		case "svg":
			parseSVG(t, b.Bytes())
			if strings.Contains(out, "<script>") {
				t.Errorf("svg: the filter's markup is not escaped:\n%s", out)
			}
		}
	}
	// A directive typed in the filter stays inert text in the comment.
	var b bytes.Buffer
	o.Filter = `%%{init: {"securityLevel": "loose"}}%%`
	if err := Write(&b, "mermaid", tl, o); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "%%{") || strings.Contains(b.String(), "}%%") {
		t.Errorf("mermaid: a directive in the filter survives:\n%s", b.String())
	}
}

// TestSave: Save writes what Write writes, to the file, and WriteFile is
// Save with every row kept.
func TestSave(t *testing.T) {
	tl := load(t, "lossy-transfer")
	dir := t.TempDir()
	o := Options{Stream: 0, Absolute: true, Keep: keepEvery(2, 1), Filter: "frame.number & 1"}
	for _, name := range []string{"mermaid", "svg", "txt"} {
		p := filepath.Join(dir, "out-"+name)
		n, err := Save(p, name, tl, o)
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := Write(&want, name, tl, o); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(p)
		if err != nil || !bytes.Equal(got, want.Bytes()) || n != int64(len(got)) {
			t.Errorf("%s: Save wrote %d bytes (said %d), differing from Write's %d", name, len(got), n, want.Len())
		}
		m, err := WriteFile(p, name, tl, 0, true)
		var plain bytes.Buffer
		_ = Write(&plain, name, tl, Options{Stream: 0, Absolute: true})
		if got, _ := os.ReadFile(p); err != nil || !bytes.Equal(got, plain.Bytes()) || m != int64(len(got)) {
			t.Errorf("%s: WriteFile differs from Save with every row kept", name)
		}
	}
	if _, err := Save(filepath.Join(dir, "x"), "png", tl, o); err == nil || !strings.Contains(err.Error(), strconv.Quote("png")) {
		t.Errorf("Save of an unknown format: %v", err)
	}
}
