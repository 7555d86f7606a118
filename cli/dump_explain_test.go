package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/app"
	"github.com/tcpstep/tcpstep/appnote"
	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/samples"
)

// dumpOut runs the dump command in process.
func dumpOut(t *testing.T, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := newDumpCmd(nil, &out, &errb)
	cmd.SetArgs(args)
	if err := cmd.Execute(); err != nil {
		t.Fatalf("dump %v: %v (%s)", args, err, errb.String())
	}
	return out.String()
}

var firstSeq = regexp.MustCompile(`SEQ (\d+)`)

// TestDumpExplainJSONL checks the "explain" key on every line of every
// sample in both numberings: present only with --explain, the model's
// explanation of that frame, with the SEQ of the numbering --absolute picks.
func TestDumpExplainJSONL(t *testing.T) {
	for _, smp := range samples.List() {
		data, _ := samples.Bytes(smp.Name)
		in, err := decode.OpenBytes(smp.Name, data)
		if err != nil {
			t.Fatal(err)
		}
		tl, err := in.Load(nil)
		if err != nil {
			t.Fatal(err)
		}
		defer in.Close()
		analysed := map[int32]*app.Conv{}
		for _, c := range tl.Conversations {
			ac, err := app.Analyze(tl, c, func(seg int) ([]byte, error) { return in.Payload(tl, seg) })
			if err != nil {
				t.Fatal(err)
			}
			analysed[int32(c.Index)] = ac
		}
		plain := dumpOut(t, "--format", "jsonl", "sample:"+smp.Name)
		if strings.Contains(plain, `"explain"`) {
			t.Errorf("%s: explain without --explain", smp.Name)
		}
		for _, abs := range []bool{false, true} {
			args := []string{"--format", "jsonl", "--explain", "sample:" + smp.Name}
			if abs {
				args = append(args, "--absolute")
			}
			lines := strings.Split(strings.TrimRight(dumpOut(t, args...), "\n"), "\n")
			if len(lines) != len(strings.Split(strings.TrimRight(plain, "\n"), "\n")) {
				t.Errorf("%s: --explain changes the number of lines", smp.Name)
			}
			for _, line := range lines {
				var o struct {
					Kind    string `json:"kind"`
					Frame   uint32 `json:"frame"`
					Seq     uint32 `json:"seq"`
					Rseq    uint32 `json:"rseq"`
					Explain string `json:"explain"`
				}
				if err := json.Unmarshal([]byte(line), &o); err != nil {
					t.Fatalf("%s: %v in %s", smp.Name, err, line)
				}
				want := strings.Join(model.ExplainFrameAs(tl, o.Frame, abs), "\n")
				// The application layer's sentence follows TCP's.
				if si := tl.SegOf(o.Frame); si >= 0 {
					if note := appnote.Sentence(analysed[tl.Frames[o.Frame-1].Stream].Seg(si), tl.Segments[si].Dir); note != "" {
						want += "\n" + note
					}
				}
				if o.Explain == "" || o.Explain != want {
					t.Errorf("%s frame %d abs=%v: explain %q, want %q", smp.Name, o.Frame, abs, o.Explain, want)
				}
				if o.Kind != "tcp" {
					continue
				}
				if !strings.HasPrefix(o.Explain, fmt.Sprintf("Frame %d,", o.Frame)) {
					t.Errorf("%s frame %d: explain starts %.30q", smp.Name, o.Frame, o.Explain)
				}
				seq := o.Rseq
				if abs {
					seq = o.Seq
				}
				m := firstSeq.FindStringSubmatch(o.Explain)
				if m == nil || m[1] != strconv.FormatUint(uint64(seq), 10) {
					t.Errorf("%s frame %d abs=%v: explain's SEQ %v, the line's %d", smp.Name, o.Frame, abs, m, seq)
				}
			}
		}
	}
}

// TestDumpExplainText checks that every row of the text ladder is followed
// by its explanation, indented.
func TestDumpExplainText(t *testing.T) {
	for _, name := range []string{"smtp-figure10", "ip-fragments", "icmp-frag-needed"} {
		out := dumpOut(t, "--format", "text", "--explain", "sample:"+name)
		lines := strings.Split(out, "\n")
		rows := 0
		for i, l := range lines {
			f := strings.Fields(l)
			if len(f) < 2 || strings.HasPrefix(l, "        ") {
				continue
			}
			n, err := strconv.Atoi(f[0])
			if err != nil {
				continue
			}
			rows++
			if i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], fmt.Sprintf("        Frame %d", n)) {
				t.Errorf("%s: row of frame %d not followed by its explanation", name, n)
			}
			for _, el := range lines[i+1:] {
				if el == "" {
					break
				}
				if len([]rune(el)) > explainWidth {
					t.Errorf("%s: explanation line wider than %d: %q", name, explainWidth, el)
				}
			}
		}
		if rows == 0 {
			t.Errorf("%s: no rows", name)
		}
		if plain := dumpOut(t, "--format", "text", "sample:"+name); strings.Contains(plain, "        Frame ") {
			t.Errorf("%s: explanations without --explain", name)
		}
	}
}
