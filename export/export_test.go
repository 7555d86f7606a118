package export

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/internal/testsample"
	"github.com/tcpstep/tcpstep/internal/testshared"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/samples"
)

// load decodes an embedded sample as the command line does.
func load(t testing.TB, name string) *model.Timeline { return testsample.Timeline(t, name) }

// sharedDir is ../shared beside the checkout (skips when absent).
func sharedDir(t *testing.T) string { return testshared.Dir(t) }

// arrow is what an export says about one segment.
type arrow struct {
	frame          uint32
	c2s            bool
	flags          string
	seq, ack, len_ uint64
	hasAck         bool
}

var (
	mermaidArrow = regexp.MustCompile(`^    ([CS])(->>|-->>|-x)([CS]): \[(\d+)\] (\S+) seq=(\d+)(?: ack=(\d+))? len=(\d+) win=\d+$`)
	textArrow    = regexp.MustCompile(`^ *(\d+) +\d+\.\d{6}  \S+ +(◀)?─+ (\S+) seq=(\d+)(?: ack=(\d+))? len=(\d+) win=\d+ ─+(▶)?  `)
	labelRe      = regexp.MustCompile(`^\[(\d+)\] (\S+) seq=(\d+)(?: ack=(\d+))? len=(\d+) win=\d+$`)
)

func atou(s string) uint64 {
	n, _ := strconv.ParseUint(s, 10, 64)
	return n
}

func parseMermaid(t *testing.T, out string) []arrow {
	var as []arrow
	for _, l := range strings.Split(out, "\n") {
		m := mermaidArrow.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		if m[1] == m[3] {
			t.Errorf("arrow from a side to itself: %q", l)
		}
		as = append(as, arrow{frame: uint32(atou(m[4])), c2s: m[1] == "C", flags: m[5], seq: atou(m[6]), ack: atou(m[7]), hasAck: m[7] != "", len_: atou(m[8])})
	}
	return as
}

func parseText(t *testing.T, out string) []arrow {
	var as []arrow
	for _, l := range strings.Split(out, "\n") {
		m := textArrow.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		if (m[2] == "") == (m[7] == "") {
			t.Errorf("arrow without exactly one head: %q", l)
		}
		as = append(as, arrow{frame: uint32(atou(m[1])), c2s: m[7] != "", flags: m[3], seq: atou(m[4]), ack: atou(m[5]), hasAck: m[5] != "", len_: atou(m[6])})
	}
	return as
}

// svgDoc is what the tests read back from an SVG: its segments, every text,
// every coordinate, and the viewBox.
type svgDoc struct {
	arrows []arrow
	texts  []string
	w, h   float64
	points [][2]float64
}

// parseSVG reads an SVG back with encoding/xml in strict mode: any
// malformed markup or bad escaping fails the test.
func parseSVG(t *testing.T, out []byte) svgDoc {
	t.Helper()
	var doc svgDoc
	d := xml.NewDecoder(bytes.NewReader(out))
	d.Strict = true
	var stack []xml.StartElement
	var cur *arrow
	var segText string
	for {
		tok, err := d.Token()
		if err != nil {
			if err.Error() == "EOF" {
				break
			}
			t.Fatalf("svg does not parse: %v", err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			stack = append(stack, e)
			attr := map[string]string{}
			for _, a := range e.Attr {
				attr[a.Name.Local] = a.Value
			}
			if e.Name.Local == "svg" {
				f := strings.Fields(attr["viewBox"])
				if len(f) != 4 || f[0] != "0" || f[1] != "0" {
					t.Fatalf("viewBox %q", attr["viewBox"])
				}
				doc.w, _ = strconv.ParseFloat(f[2], 64)
				doc.h, _ = strconv.ParseFloat(f[3], 64)
			}
			for _, pair := range [][2]string{{"x", "y"}, {"x1", "y1"}, {"x2", "y2"}, {"cx", "cy"}} {
				xs, okx := attr[pair[0]]
				ys, oky := attr[pair[1]]
				if okx && oky {
					x, errx := strconv.ParseFloat(xs, 64)
					y, erry := strconv.ParseFloat(ys, 64)
					if errx != nil || erry != nil {
						t.Errorf("<%s> %s=%q %s=%q", e.Name.Local, pair[0], xs, pair[1], ys)
					}
					doc.points = append(doc.points, [2]float64{x, y})
				}
			}
			if e.Name.Local == "g" && strings.HasPrefix(attr["class"], "segment ") {
				cur = &arrow{frame: uint32(atou(attr["data-frame"])), seq: atou(attr["data-seq"]), ack: atou(attr["data-ack"]), len_: atou(attr["data-len"]),
					c2s: strings.HasSuffix(attr["class"], " c2s")}
				segText = ""
			}
		case xml.CharData:
			if len(stack) > 0 && stack[len(stack)-1].Name.Local == "text" {
				doc.texts = append(doc.texts, string(e))
				if cur != nil && labelRe.MatchString(string(e)) {
					segText = string(e)
				}
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
			if e.Name.Local == "g" && cur != nil {
				m := labelRe.FindStringSubmatch(segText)
				if m == nil {
					t.Errorf("segment of frame %d has no label", cur.frame)
				} else {
					// The label must say what the attributes say.
					if uint32(atou(m[1])) != cur.frame || atou(m[3]) != cur.seq || atou(m[5]) != cur.len_ || (m[4] != "" && atou(m[4]) != cur.ack) {
						t.Errorf("frame %d: label %q disagrees with data-seq %d data-ack %d", cur.frame, segText, cur.seq, cur.ack)
					}
					cur.flags, cur.hasAck = m[2], m[4] != ""
				}
				doc.arrows = append(doc.arrows, *cur)
				cur = nil
			}
		}
	}
	for _, p := range doc.points {
		if p[0] < 0 || p[1] < 0 || p[0] > doc.w || p[1] > doc.h {
			t.Errorf("point %v outside the viewBox %gx%g", p, doc.w, doc.h)
		}
	}
	return doc
}

// tsharkRow is one line of the corpus's tshark fields.
type tsharkRow struct {
	stream         int
	src            string
	sport          uint16
	flags          model.Flags
	seqRaw, ackRaw uint64
	seq, ack, len_ uint64
}

func readTSV(t *testing.T, path string) map[uint32]tsharkRow {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows := map[uint32]tsharkRow{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		l := sc.Text()
		if strings.HasPrefix(l, "#") || strings.HasPrefix(l, "frame\t") {
			continue
		}
		c := strings.Split(l, "\t")
		if len(c) < 13 || strings.Contains(c[1], "|") {
			continue // an ICMP error quoting two headers: not a segment row
		}
		fl, _ := strconv.ParseUint(strings.TrimPrefix(c[6], "0x"), 16, 16)
		st, _ := strconv.Atoi(c[1])
		rows[uint32(atou(c[0]))] = tsharkRow{stream: st, src: c[2], sport: uint16(atou(c[3])), flags: model.Flags(fl),
			seqRaw: atou(c[7]), ackRaw: atou(c[8]), seq: atou(c[9]), ack: atou(c[10]), len_: atou(c[11])}
	}
	return rows
}

// checkArrows holds an export's arrows of conversation c to tshark: every
// segment exactly once, in capture order, from the right side, with tshark's
// flags and numbers in the chosen numbering.
func checkArrows(t *testing.T, what string, tl *model.Timeline, c *model.Conversation, as []arrow, absolute bool, tshark map[uint32]tsharkRow) (compared int) {
	t.Helper()
	if len(as) != len(c.Segs) {
		t.Errorf("%s: %d arrows, want one per segment: %d", what, len(as), len(c.Segs))
		return 0
	}
	for i, a := range as {
		s := &tl.Segments[c.Segs[i]]
		if a.frame != s.Frame {
			t.Errorf("%s: arrow %d is frame %d, want frame %d", what, i, a.frame, s.Frame)
			return compared
		}
		if a.c2s != (s.Dir == model.C2S) {
			t.Errorf("%s: frame %d points the wrong way", what, a.frame)
		}
		if a.hasAck != (s.Flags&model.ACK != 0) {
			t.Errorf("%s: frame %d: ack shown %v with flags %s", what, a.frame, a.hasAck, s.Flags)
		}
		r, ok := tshark[a.frame]
		if !ok {
			continue // compared to the model only when tshark has no row
		}
		compared++
		src, _ := tl.SrcDst(s)
		if r.stream != c.Index || r.src != src.Addr.String() || r.sport != src.Port {
			t.Errorf("%s: frame %d: tshark says stream %d from %s:%d", what, a.frame, r.stream, r.src, r.sport)
		}
		seq, ack := r.seq, r.ack
		if absolute {
			seq, ack = r.seqRaw, r.ackRaw
		}
		if a.flags != r.flags.String() || a.seq != seq || a.len_ != r.len_ || (a.hasAck && a.ack != ack) {
			t.Errorf("%s: frame %d: %s seq=%d ack=%d len=%d, tshark %s seq=%d ack=%d len=%d", what, a.frame, a.flags, a.seq, a.ack, a.len_, r.flags, seq, ack, r.len_)
		}
	}
	return compared
}

// TestCorpusAgainstTshark exports every conversation of every corpus
// capture that has tshark's fields, in both numberings and all three
// formats, and holds each arrow to tshark's row for that frame.
func TestCorpusAgainstTshark(t *testing.T) {
	dir := sharedDir(t)
	tsvs, _ := filepath.Glob(filepath.Join(dir, "captures", "expected", "*.tsv"))
	if len(tsvs) == 0 {
		t.Fatal("no tshark fields in the corpus")
	}
	streams, compared := 0, 0
	for _, tsv := range tsvs {
		base := strings.TrimSuffix(filepath.Base(tsv), ".tsv")
		var capture string
		for _, ext := range []string{".pcap", ".pcapng"} {
			if _, err := os.Stat(filepath.Join(dir, "captures", base+ext)); err == nil {
				capture = filepath.Join(dir, "captures", base+ext)
			}
		}
		if capture == "" {
			continue
		}
		t.Run(base, func(t *testing.T) {
			tl := testsample.File(t, capture)
			tshark := readTSV(t, tsv)
			for _, absolute := range []bool{false, true} {
				var txt bytes.Buffer
				if err := Text(&txt, tl, -1, absolute); err != nil {
					t.Fatal(err)
				}
				all := parseText(t, txt.String())
				for _, c := range tl.Conversations {
					compared += checkArrows(t, fmt.Sprintf("txt stream %d", c.Index), tl, c, all[:min(len(c.Segs), len(all))], absolute, tshark)
					all = all[min(len(c.Segs), len(all)):]
					if c.Index >= 12 {
						continue // the rest of a many-stream capture adds time, not cases
					}
					streams++
					var m, s bytes.Buffer
					if err := Mermaid(&m, tl, c.Index, absolute); err != nil {
						t.Fatal(err)
					}
					checkMermaidGrammar(t, m.String())
					compared += checkArrows(t, fmt.Sprintf("mermaid stream %d", c.Index), tl, c, parseMermaid(t, m.String()), absolute, tshark)
					if err := SVG(&s, tl, c.Index, absolute); err != nil {
						t.Fatal(err)
					}
					compared += checkArrows(t, fmt.Sprintf("svg stream %d", c.Index), tl, c, parseSVG(t, s.Bytes()).arrows, absolute, tshark)
				}
				if len(all) != 0 {
					t.Errorf("txt: %d arrows beyond the conversations' segments", len(all))
				}
			}
		})
	}
	t.Logf("%d conversations exported, %d arrows held to tshark's rows", streams, compared)
	if compared == 0 {
		t.Errorf("no arrow was compared with tshark")
	}
}

// mermaidLine is every line form the exporter writes, following Mermaid's
// sequence diagram lexer (sequenceDiagram.jison in mermaid 11): message and
// note text runs from the colon to the end of the line and may not hold a
// newline, ';' or '#'; an alias may not either. On top of that no text may
// hold the characters the renderer reads as HTML.
var mermaidLine = []*regexp.Regexp{
	regexp.MustCompile(`^sequenceDiagram$`),
	regexp.MustCompile(`^    %% [^\n]*$`),
	regexp.MustCompile(`^    participant [CS] as (client|server) ` + mermaidTextRe + `$`),
	regexp.MustCompile(`^    [CS](->>|-->>|-x)[CS]: ` + mermaidTextRe + `$`),
	regexp.MustCompile(`^    Note over (C|S|C,S): ` + mermaidTextRe + `$`),
}

// mermaidTextRe is text without the lexer's stops or HTML's specials,
// except as entity codes (#59; and the like).
const mermaidTextRe = `(?:[^#;<>&\n]|#\w+;)+`

func checkMermaidGrammar(t *testing.T, out string) {
	t.Helper()
	if !strings.HasSuffix(out, "\n") {
		t.Errorf("mermaid output does not end with a newline")
	}
	for i, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		ok := false
		for _, re := range mermaidLine {
			if re.MatchString(l) {
				ok = true
				break
			}
		}
		if !ok {
			t.Errorf("mermaid line %d is not a form the grammar takes: %q", i+1, l)
		}
		for _, r := range l {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
				t.Errorf("mermaid line %d holds control character %U", i+1, r)
			}
		}
		// An entity code must be one the renderer knows how to decode.
		for _, m := range regexp.MustCompile(`#(\w+);`).FindAllStringSubmatch(l, -1) {
			if _, err := strconv.Atoi(m[1]); err != nil && !map[string]bool{"lt": true, "gt": true, "amp": true, "quot": true}[m[1]] {
				t.Errorf("mermaid line %d: entity #%s; unknown", i+1, m[1])
			}
		}
	}
}

// TestSamples exports every embedded sample's every conversation: each
// segment once with the model's numbers (the samples have no tshark file
// here; their numbers are held to tshark in samples/tshark_test.go).
func TestSamples(t *testing.T) {
	for _, s := range samples.List() {
		tl := load(t, s.Name)
		for _, absolute := range []bool{false, true} {
			var txt bytes.Buffer
			if err := Text(&txt, tl, -1, absolute); err != nil {
				t.Fatal(err)
			}
			all := parseText(t, txt.String())
			for _, c := range tl.Conversations {
				var m, sv bytes.Buffer
				if err := Mermaid(&m, tl, c.Index, absolute); err != nil {
					t.Fatal(err)
				}
				checkMermaidGrammar(t, m.String())
				if err := SVG(&sv, tl, c.Index, absolute); err != nil {
					t.Fatal(err)
				}
				doc := parseSVG(t, sv.Bytes())
				n := min(len(c.Segs), len(all))
				for what, as := range map[string][]arrow{"txt": all[:n], "mermaid": parseMermaid(t, m.String()), "svg": doc.arrows} {
					checkArrows(t, fmt.Sprintf("%s %s stream %d", s.Name, what, c.Index), tl, c, as, absolute, nil)
					for i, a := range as {
						if i >= len(c.Segs) {
							break
						}
						seq, ack := numbers(&tl.Segments[c.Segs[i]], absolute)
						if a.seq != uint64(seq) || (a.hasAck && a.ack != uint64(ack)) {
							t.Errorf("%s %s frame %d: seq=%d ack=%d, want %d %d", s.Name, what, a.frame, a.seq, a.ack, seq, ack)
						}
					}
				}
				all = all[n:]
				// The states: the SVG names each side's initial state and
				// every state a side moves to.
				want := map[string]bool{c.InitClient.String(): true, c.InitServer.String(): true}
				for _, si := range c.Segs {
					want[tl.Segments[si].Client().String()] = true
					want[tl.Segments[si].Server().String()] = true
				}
				have := map[string]bool{}
				for _, tx := range doc.texts {
					have[tx] = true
				}
				for st := range want {
					if !have[st] {
						t.Errorf("%s stream %d: the SVG never shows state %s", s.Name, c.Index, st)
					}
				}
			}
		}
	}
}

// TestGolden pins the three exports of the paper's SMTP session. After a
// deliberate change: go test ./export -run TestGolden -update, and review.
func TestGolden(t *testing.T) {
	tl := load(t, "smtp-figure10")
	for _, f := range []struct {
		name  string
		write func(w *bytes.Buffer) error
	}{
		{"mermaid", func(w *bytes.Buffer) error { return Mermaid(w, tl, 0, false) }},
		{"svg", func(w *bytes.Buffer) error { return SVG(w, tl, 0, false) }},
		{"txt", func(w *bytes.Buffer) error { return Text(w, tl, 0, false) }},
		{"txt-absolute", func(w *bytes.Buffer) error { return Text(w, tl, 0, true) }},
	} {
		t.Run(f.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := f.write(&b); err != nil {
				t.Fatal(err)
			}
			golden.RequireEqual(t, b.String())
		})
	}
}

// hostile is capture text that tries everything: markup, entities, a
// Mermaid comment and statement end, a newline that would start a new
// statement, a terminal escape sequence, a C1 control and invalid UTF-8.
const hostile = "<script>alert(1)</script> & \"q\" 'a' #35; ; %% comment\nNote over C: injected\x1b[31mred\x9b\xff\x00 end"

// hostileTimeline is a one-segment conversation with a frame (as an ICMP
// error would be) whose note is hostile, and IPv6 endpoints.
func hostileTimeline() *model.Timeline {
	c := &model.Conversation{
		Client: model.Endpoint{Addr: netip.MustParseAddr("2001:db8::1"), Port: 40000},
		Server: model.Endpoint{Addr: netip.MustParseAddr("2001:db8::2"), Port: 443},
		Segs:   []uint32{0}, Extra: []uint32{2}, InitClient: model.Closed, InitServer: model.Listen,
	}
	s := model.Segment{Frame: 1, Seq: 100, Flags: model.SYN, Win: 1024, Events: model.Events(model.Retransmission)}
	s.SetStates(model.SynSent, model.Listen)
	return &model.Timeline{
		Frames: []model.Frame{
			{Kind: model.FrameTCP, Stream: 0},
			{Kind: model.FrameICMP, Stream: 0, TimeNS: 5},
		},
		FrameNotes:    []model.FrameNote{{Frame: 2, Note: 1}},
		Segments:      []model.Segment{s},
		Conversations: []*model.Conversation{c},
		Notes:         []string{"", hostile},
	}
}

// TestHostileText checks that capture text is escaped for each format:
// Mermaid lines stay in the grammar and the note stays one line, the SVG
// parses and shows the text (with controls made visible), and the text
// ladder has no control byte.
func TestHostileText(t *testing.T) {
	tl := hostileTimeline()
	var m, s, x bytes.Buffer
	if err := Mermaid(&m, tl, 0, true); err != nil {
		t.Fatal(err)
	}
	checkMermaidGrammar(t, m.String())
	if regexp.MustCompile(`(?m)^\s*Note over C: injected`).MatchString(m.String()) {
		t.Errorf("a newline in capture text started a Mermaid statement:\n%s", m.String())
	}
	if err := SVG(&s, tl, 0, true); err != nil {
		t.Fatal(err)
	}
	doc := parseSVG(t, s.Bytes())
	found := false
	for _, tx := range doc.texts {
		if strings.Contains(tx, "<script>alert(1)</script>") {
			found = true
			if strings.ContainsAny(tx, "\x1b\x00\n") {
				t.Errorf("svg text holds a control byte: %q", tx)
			}
		}
	}
	if !found {
		t.Errorf("the SVG does not show the note as text")
	}
	if strings.Contains(s.String(), "<script>") {
		t.Errorf("the SVG holds a raw <script> element")
	}
	if err := Text(&x, tl, -1, false); err != nil {
		t.Fatal(err)
	}
	for _, b := range x.Bytes() {
		if b < 0x20 && b != '\n' {
			t.Errorf("the text ladder holds control byte %#x", b)
		}
	}
}

// TestErrors checks what the writers say for a stream that does not exist
// and a capture without TCP.
func TestErrors(t *testing.T) {
	tl := load(t, "smtp-figure10")
	for _, f := range []func(*bytes.Buffer, *model.Timeline, int, bool) error{
		func(w *bytes.Buffer, tl *model.Timeline, s int, a bool) error { return Mermaid(w, tl, s, a) },
		func(w *bytes.Buffer, tl *model.Timeline, s int, a bool) error { return SVG(w, tl, s, a) },
		func(w *bytes.Buffer, tl *model.Timeline, s int, a bool) error { return Text(w, tl, s, a) },
	} {
		var b bytes.Buffer
		if err := f(&b, tl, 7, false); err == nil || !strings.Contains(err.Error(), "no stream 7") {
			t.Errorf("stream 7: err %v", err)
		}
	}
	var b bytes.Buffer
	if err := Mermaid(&b, &model.Timeline{}, 0, false); err == nil {
		t.Errorf("no conversations: no error")
	}
	if err := Text(&b, &model.Timeline{}, -1, false); err != nil || !strings.Contains(b.String(), "no TCP conversations") {
		t.Errorf("text of no conversations: %v %q", err, b.String())
	}
}

// TestMermaidRenders hands exports to the Mermaid command line renderer
// when one is installed (TCPSTEP_MMDC names the mmdc program;
// TCPSTEP_PUPPETEER_CONFIG optionally its -p file, e.g. to use Debian's
// chromium): the real parser and renderer must accept a sample with loss,
// a real capture with retransmissions, and the hostile text.
func TestMermaidRenders(t *testing.T) {
	mmdc := os.Getenv("TCPSTEP_MMDC")
	if mmdc == "" {
		t.Skip("TCPSTEP_MMDC is not set: Mermaid rendering not checked (the grammar tests still run)")
	}
	dir := t.TempDir()
	inputs := map[string]*model.Timeline{"lossy": load(t, "lossy-transfer"), "hostile": hostileTimeline()}
	if sh, err := filepath.Abs(filepath.Join("..", "..", "shared", "captures", "zeek_retransmit-fast009.pcap")); err == nil {
		if in, err := decode.Open(sh); err == nil {
			tl, err := in.Load(nil)
			in.Close()
			if err == nil {
				inputs["real"] = tl
			}
		}
	}
	for name, tl := range inputs {
		var b bytes.Buffer
		if err := Mermaid(&b, tl, 0, false); err != nil {
			t.Fatal(err)
		}
		src := filepath.Join(dir, name+".mmd")
		dst := filepath.Join(dir, name+".svg")
		if err := os.WriteFile(src, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		args := []string{"-i", src, "-o", dst}
		if p := os.Getenv("TCPSTEP_PUPPETEER_CONFIG"); p != "" {
			args = append(args, "-p", p)
		}
		out, err := exec.Command(mmdc, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: mmdc: %v\n%s", name, err, out)
		}
		svg, err := os.ReadFile(dst)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(svg, []byte("Syntax error")) || !bytes.Contains(svg, []byte("SYN")) {
			t.Errorf("%s: mmdc drew no ladder (%d bytes)", name, len(svg))
		}
		if name == "hostile" && !bytes.Contains(svg, []byte("&lt;script&gt;")) {
			t.Errorf("hostile: the escaped note did not come back as text")
		}
	}
}
