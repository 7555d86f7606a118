package picker

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/tcpstep/tcpstep/app"
	"github.com/tcpstep/tcpstep/internal/testsample"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane/panetest"
)

// capture builds a timeline packet by packet, 10 ms apart.
type capture struct {
	b *model.Builder
	n uint32
	t int64
}

func newCapture() *capture { return &capture{b: model.NewBuilder(), t: 1_000_000_000_000_000_000} }

func ep(s string) model.Endpoint {
	ap := netip.MustParseAddrPort(s)
	return model.Endpoint{Addr: ap.Addr(), Port: ap.Port()}
}

func (c *capture) pkt(src, dst string, flags model.Flags, seq, ack uint32, n int) {
	c.n++
	c.t += 10_000_000
	c.b.AddPacket(model.Frame{Offset: int64(c.n), TimeNS: c.t, CapLen: uint32(40 + n), OrigLen: uint32(40 + n)},
		&model.Packet{Src: ep(src), Dst: ep(dst), Seq: seq, Ack: ack, Flags: flags, Win: 4096, Len: uint32(n), WinScale: -1})
}

const A, P, S, F, R = model.ACK, model.PSH, model.SYN, model.FIN, model.RST

// threeConversations adds a normal exchange (0), a refused connection (1)
// and one caught mid-stream with a retransmission (2), each a different
// size: 8, 2 and 5 packets.
func (c *capture) threeConversations() {
	cl, sv := "10.0.0.1:40000", "10.0.0.9:80"
	c.pkt(cl, sv, S, 100, 0, 0)
	c.pkt(sv, cl, S|A, 500, 101, 0)
	c.pkt(cl, sv, A, 101, 501, 0)
	c.pkt(cl, sv, P|A, 101, 501, 18)
	c.pkt(sv, cl, P|A, 501, 119, 24)
	c.pkt(cl, sv, F|A, 119, 525, 0)
	c.pkt(sv, cl, F|A, 525, 120, 0)
	c.pkt(cl, sv, A, 120, 526, 0)
	r1, r2 := "10.0.0.2:40001", "10.0.0.9:81"
	c.pkt(r1, r2, S, 7000, 0, 0)
	c.pkt(r2, r1, R|A, 0, 7001, 0)
	m1, m2 := "10.0.0.3:40002", "10.0.0.8:22"
	c.pkt(m1, m2, P|A, 9000, 3000, 3)
	c.pkt(m2, m1, A, 3000, 9003, 0)
	c.pkt(m1, m2, P|A, 9003, 3000, 4)
	c.pkt(m1, m2, P|A, 9003, 3000, 4) // a retransmission
	c.pkt(m2, m1, A, 3000, 9007, 0)
}

func three() *model.Timeline {
	c := newCapture()
	c.threeConversations()
	return c.b.Finish()
}

func loaded(tl *model.Timeline) *Picker {
	var p Picker
	p.SetDark(true)
	p.Load(tl)
	return &p
}

func indices(p *Picker) string {
	var out []int
	for _, c := range p.Shown() {
		out = append(out, c.Index)
	}
	return fmt.Sprint(out)
}

// TestRenderFits draws the picker of several captures, filtered or not,
// at many sizes: always exactly w×h.
func TestRenderFits(t *testing.T) {
	tls := map[string]*model.Timeline{"three": three(), "empty": model.NewBuilder().Finish()}
	for _, name := range []string{"isn-prediction", "smtp-figure10", "lossy-transfer", "refused", "ipv6"} {
		tls[name] = testsample.Timeline(t, name)
	}
	tls["hinted"] = hinted(t, "http-close")
	for name, tl := range tls {
		for _, filter := range []string{"", "fin", "no such row"} {
			p := loaded(tl)
			p.Type(filter, 24)
			p.Key(KeyLast, 24)
			// Every width where the columns give way, then a sample.
			for w := 1; w <= 220; w++ {
				if w > 120 && w%7 != 0 {
					continue
				}
				for _, h := range []int{1, 2, 3, 5, 24} {
					what := fmt.Sprintf("%s filtered %q", name, filter)
					out := p.View(w, h)
					panetest.CheckFits(t, what, out, w, h)
					lines := strings.Split(out, "\n")
					if len(lines) != h {
						t.Fatalf("%s at %dx%d: %d lines", what, w, h, len(lines))
					}
					for i, l := range lines {
						if lw := ansi.StringWidth(l); lw != w {
							t.Fatalf("%s at %dx%d: line %d is %d wide: %q", what, w, h, i, lw, ansi.Strip(l))
						}
					}
				}
			}
		}
	}
	var p Picker
	if out := p.View(0, 5); out != "" {
		t.Errorf("zero width: %q", out)
	}
	if out := p.View(5, 0); out != "" {
		t.Errorf("zero height: %q", out)
	}
}

// TestGolden fixes the picker of isn-prediction's eight connections as the
// stepper shows it at 80×24 and 200×50 (the picker has all but the header
// and the footer), and filtered and sorted by packets, descending.
func TestGolden(t *testing.T) {
	tl := testsample.Timeline(t, "isn-prediction")
	for _, sz := range [][2]int{{80, 22}, {200, 48}} {
		w, h := sz[0], sz[1]
		t.Run(fmt.Sprintf("all_%dx%d", w, h), func(t *testing.T) {
			golden.RequireEqual(t, ansi.Strip(loaded(tl).View(w, h)))
		})
		t.Run(fmt.Sprintf("filtered_%dx%d", w, h), func(t *testing.T) {
			p := loaded(tl)
			p.Type("192.0.2.20", h)
			p.Key(KeySortNext, h)
			p.Key(KeySortReverse, h)
			golden.RequireEqual(t, ansi.Strip(p.View(w, h)))
		})
	}
}

// TestCells says how each conversation opened and ended, its counters and
// its events, as the rows show them.
func TestCells(t *testing.T) {
	p := loaded(three())
	want := [][numCols]string{
		{"0", "10.0.0.1:40000", "10.0.0.9:80", "", "5/3", "18", "24", "70.0ms", "SYN→SYN/ACK", "FIN both", ""},
		{"1", "10.0.0.2:40001", "10.0.0.9:81", "", "1/1", "0", "0", "10.0ms", "refused", "RST", ""},
		{"2", "10.0.0.3:40002", "10.0.0.8:22", "", "3/2", "11", "0", "40.0ms", "mid-stream", "open", "retrans 1"},
	}
	if p.Total() != 3 || len(p.Shown()) != 3 {
		t.Fatalf("%d listed, %d shown, want 3", p.Total(), len(p.Shown()))
	}
	for i, w := range want {
		if got := p.all[i].cells; got != w {
			t.Errorf("conversation %d:\n got %q\nwant %q", i, got, w)
		}
	}
	if p.all[2].events != 1 || p.all[0].events != 0 {
		t.Errorf("events: %d, %d", p.all[0].events, p.all[2].events)
	}
	s := ansi.Strip(p.View(120, 10))
	for _, want := range []string{" 3 conversations   filter ▏   sort # ↑", "▸ 0  10.0.0.1:40000"} {
		if !strings.Contains(s, want) {
			t.Errorf("picker lacks %q:\n%s", want, s)
		}
	}
}

// TestFilterAndSort types filters (words are ANDed, matched against every
// cell), deletes and clears them, and cycles the sort.
func TestFilterAndSort(t *testing.T) {
	p := loaded(three())
	const h = 20
	p.Type("refused", h)
	if p.Filter() != "refused" || indices(p) != "[1]" || p.Selected().Index != 1 {
		t.Fatalf("filter refused: %s", indices(p))
	}
	if s := ansi.Strip(p.View(120, h)); !strings.Contains(s, " 1 of 3 conversations   filter refused▏") || strings.Contains(s, "10.0.0.3") {
		t.Fatalf("filtered picker:\n%s", s)
	}
	if !p.Key(KeyBackspace, h) || p.Filter() != "refuse" {
		t.Fatalf("backspace: filter %q", p.Filter())
	}
	if !p.Key(KeyClear, h) || p.Filter() != "" || indices(p) != "[0 1 2]" {
		t.Fatalf("clear: filter %q, rows %s", p.Filter(), indices(p))
	}
	if p.Key(KeyClear, h) || p.Key(KeyBackspace, h) {
		t.Fatal("clearing or deleting from an empty filter did something")
	}
	p.Type(":80 FIN", h)
	if indices(p) != "[0]" {
		t.Fatalf("filter ':80 FIN': %s", indices(p))
	}
	p.Key(KeyClear, h)
	p.Type("zzz", h)
	if p.Selected() != nil || !strings.Contains(ansi.Strip(p.View(120, h)), "no conversation matches the filter (esc clears it)") {
		t.Fatalf("no match:\n%s", ansi.Strip(p.View(120, h)))
	}
	p.Key(KeyClear, h)

	// Controls and text with no width are not typed.
	for _, s := range []string{"", "\x1b[31m", "\u200d", "a\x07"} {
		p.Type(s, h)
		if p.Filter() != "" {
			t.Fatalf("Type(%q) made the filter %q", s, p.Filter())
		}
	}

	// The sort: packets after the index, then reversed; ties by index.
	p.Key(KeySortNext, h)
	if col, desc := p.SortedBy(); col != "pkts c→s/s→c" || desc {
		t.Fatalf("sorted by %q desc %v, want packets", col, desc)
	}
	if got := indices(p); got != "[1 2 0]" {
		t.Fatalf("ascending by packets: %s", got)
	}
	p.Key(KeySortReverse, h)
	if got := indices(p); got != "[0 2 1]" {
		t.Fatalf("descending by packets: %s", got)
	}
	if s := ansi.Strip(p.View(120, h)); !strings.Contains(s, "sort pkts c→s/s→c ↓") {
		t.Fatalf("the sort column should be named with its direction:\n%s", s)
	}
	// The selection stays on its conversation through a re-sort.
	p.Key(KeyDown, h)
	sel := p.Selected()
	p.Key(KeySortReverse, h)
	if p.Selected() != sel {
		t.Fatalf("re-sorting moved the selection from %d to %d", sel.Index, p.Selected().Index)
	}
	// By a text column: "opened", ascending ("SYN→SYN/ACK" < "mid-stream"
	// < "refused").
	for {
		if col, _ := p.SortedBy(); col == "opened" {
			break
		}
		p.Key(KeySortNext, h)
	}
	if got := indices(p); got != "[0 2 1]" {
		t.Fatalf("ascending by how they opened: %s", got)
	}
	for range len(sortable) {
		p.Key(KeySortNext, h)
	}
	if col, _ := p.SortedBy(); col != "opened" {
		t.Fatalf("tab should cycle through the %d columns, at %q", len(sortable), col)
	}
}

// TestMoveAndScroll moves through isn-prediction's eight rows three at a
// time on screen (five lines, less the title and the header).
func TestMoveAndScroll(t *testing.T) {
	p := loaded(testsample.Timeline(t, "isn-prediction"))
	const h = 5
	at := func(want, top int) {
		t.Helper()
		if got := p.Selected().Index; got != want || p.top != top {
			t.Fatalf("at %d from %d, want %d from %d", got, p.top, want, top)
		}
	}
	p.Key(KeyUp, h)
	at(0, 0)
	p.Key(KeyDown, h)
	p.Key(KeyDown, h)
	at(2, 0)
	p.Key(KeyDown, h)
	at(3, 1)
	p.Key(KeyPageDown, h)
	at(6, 4)
	p.Key(KeyWheelDown, h)
	at(7, 5)
	p.Key(KeyWheelUp, h)
	at(4, 4)
	p.Key(KeyPageUp, h)
	at(1, 1)
	p.Key(KeyLast, h)
	at(7, 5)
	p.Key(KeyFirst, h)
	at(0, 0)
	if s := ansi.Strip(p.View(80, h)); !strings.Contains(s, "▸ 0") || strings.Contains(s, "  3  ") {
		t.Fatalf("three rows from the first:\n%s", s)
	}
	// A taller picker shows more; the cursor stays in sight of a shorter.
	p.Key(KeyLast, 30)
	at(7, 0)
	p.Scroll(h)
	at(7, 5)
}

// TestClick selects a row with a first click and reports a second one;
// the title, the header and the lines past the rows select nothing.
func TestClick(t *testing.T) {
	p := loaded(testsample.Timeline(t, "isn-prediction"))
	for _, y := range []int{-1, 0, 1, 2 + 8, 40} {
		if p.Click(y) || p.Selected().Index != 0 {
			t.Fatalf("click on line %d: selected %d", y, p.Selected().Index)
		}
	}
	if p.Click(2+3) || p.Selected().Index != 3 {
		t.Fatalf("first click: selected %d, want 3", p.Selected().Index)
	}
	if !p.Click(2 + 3) {
		t.Fatal("second click on the selected row not reported")
	}
	// Scrolled, lines count from the first row shown.
	p.Key(KeyLast, 5)
	if p.Click(2) || p.Selected().Index != 5 {
		t.Fatalf("click on the first row shown: %d, want 5", p.Selected().Index)
	}
}

// TestSelect puts the cursor on a conversation, and leaves it when the
// conversation is filtered out.
func TestSelect(t *testing.T) {
	tl := three()
	p := loaded(tl)
	p.Select(tl.Conversations[2])
	if p.Selected() != tl.Conversations[2] {
		t.Fatalf("selected %d, want 2", p.Selected().Index)
	}
	p.Key(KeyClear, 10)
	p.Type("refused", 10)
	p.Select(tl.Conversations[0])
	if p.Selected() != tl.Conversations[1] {
		t.Fatalf("selected %d, want 1: 0 is filtered out", p.Selected().Index)
	}
	var empty Picker
	empty.Load(model.NewBuilder().Finish())
	if empty.Selected() != nil || empty.First() != nil || empty.Total() != 0 {
		t.Fatal("an empty capture lists something")
	}
	empty.Key(KeyDown, 10)
	empty.Key(KeyLast, 10)
	if empty.Click(2) || !strings.Contains(ansi.Strip(empty.View(60, 5)), "no TCP conversations in this capture") {
		t.Fatalf("empty capture:\n%s", ansi.Strip(empty.View(60, 5)))
	}
}

// TestGrow follows a capture as it is indexed: new conversations are
// listed and changed ones redone, at once on screen or when shown after
// Defer, the selection kept, and the count says "so far" until the end.
func TestGrow(t *testing.T) {
	c := newCapture()
	cl, sv := "10.0.0.1:40000", "10.0.0.9:80"
	c.pkt(cl, sv, S, 100, 0, 0)
	c.pkt(sv, cl, S|A, 500, 101, 0)
	c.pkt("10.0.0.2:40001", "10.0.0.9:81", S, 7000, 0, 0)
	tl, _ := c.b.Live()
	var p Picker
	p.SetDark(false)
	p.Load(tl)
	p.SetGrowing(true)
	const h = 10
	p.Key(KeySortNext, h) // by packets: 1 (one packet) before 0 (two)
	p.Key(KeyDown, h)
	if p.Selected().Index != 0 || p.Behind(tl) {
		t.Fatalf("selected %d", p.Selected().Index)
	}
	if s := ansi.Strip(p.View(120, h)); !strings.Contains(s, " 2 conversations so far") || !strings.Contains(s, "SYN, no answer") {
		t.Fatalf("while indexing:\n%s", s)
	}

	// Conversation 1 is refused and 2 opens; 0 closes.
	c.pkt("10.0.0.9:81", "10.0.0.2:40001", R|A, 0, 7001, 0)
	c.pkt("10.0.0.3:40002", "10.0.0.8:22", S, 9000, 0, 0)
	c.pkt(cl, sv, F|A, 101, 501, 0)
	c.pkt(sv, cl, F|A, 501, 102, 0)
	tl, changed := c.b.Live()
	if !p.Behind(tl) {
		t.Fatal("a new conversation, and the picker is not behind")
	}
	set := map[*model.Conversation]bool{}
	for _, x := range changed {
		set[x] = true
	}
	// Off screen, the changes wait for CatchUp.
	p.Defer(set)
	if s := ansi.Strip(p.View(120, h)); !strings.Contains(s, " 2 conversations so far") || strings.Contains(s, "refused") {
		t.Fatalf("changes drawn before CatchUp:\n%s", s)
	}
	p.CatchUp(tl)
	p.Scroll(h)
	if p.Behind(tl) || p.Total() != 3 || p.Selected().Index != 0 {
		t.Fatalf("after growing: %d listed, behind %v, selected %d", p.Total(), p.Behind(tl), p.Selected().Index)
	}
	if got := indices(&p); got != "[2 1 0]" {
		t.Fatalf("by packets after growing: %s", got)
	}
	s := ansi.Strip(p.View(120, h))
	for _, want := range []string{" 3 conversations so far", "refused", "FIN both", "SYN, no answer"} {
		if !strings.Contains(s, want) {
			t.Errorf("after growing, no %q:\n%s", want, s)
		}
	}
	// Nothing left to catch up on, or a conversation that changed on
	// screen: Update redoes it at once.
	p.CatchUp(tl)
	c.pkt(sv, cl, R, 502, 0, 0)
	tl, changed = c.b.Live()
	if len(changed) != 1 || changed[0].Index != 0 {
		t.Fatalf("changed: %v", changed)
	}
	p.Update(tl, map[*model.Conversation]bool{changed[0]: true})
	if s := ansi.Strip(p.View(120, h)); !strings.Contains(s, "FIN both+RST") {
		t.Fatalf("after an RST on screen:\n%s", s)
	}
	tl = c.b.Finish()
	p.CatchUp(tl)
	p.FreshAll()
	p.SetGrowing(false)
	if s := ansi.Strip(p.View(120, h)); !strings.Contains(s, " 3 conversations   filter") {
		t.Fatalf("indexed:\n%s", s)
	}
}

// TestColumnsNarrow drops columns in order as the screen narrows: the
// event list shrinks first, the index and the endpoints always stay.
func TestColumnsNarrow(t *testing.T) {
	tl := testsample.Timeline(t, "lossy-transfer")
	for _, c := range tl.Conversations {
		c.App = model.AppHint{Proto: "TLS", Server: "downloads.example.com"}
	}
	p := loaded(tl)
	wide := p.columnWidths(400)
	for c, w := range wide {
		if w == 0 {
			t.Fatalf("at 400 columns column %q is dropped", columns[c].title)
		}
	}
	prev := wide
	for w := 399; w >= 1; w-- {
		got := p.columnWidths(w)
		for c := range numCols {
			if got[c] > prev[c] {
				t.Fatalf("at %d column %q widened from %d to %d", w, columns[c].title, prev[c], got[c])
			}
			if prev[c] > 0 && got[c] == 0 {
				for d := range numCols {
					if got[d] > 0 && columns[d].keep < columns[c].keep {
						t.Fatalf("at %d column %q is dropped before %q", w, columns[c].title, columns[d].title)
					}
				}
			}
		}
		for _, c := range []int{colIndex, colClient, colServer} {
			if got[c] == 0 {
				t.Fatalf("at %d column %q is dropped", w, columns[c].title)
			}
		}
		prev = got
	}
}

// TestSetDark draws the same text on both backgrounds, in other colours.
func TestSetDark(t *testing.T) {
	tl := three()
	dark := loaded(tl)
	var light Picker
	light.SetDark(false)
	light.Load(tl)
	d, l := dark.View(120, 8), light.View(120, 8)
	if d == l || ansi.Strip(d) != ansi.Strip(l) {
		t.Fatalf("dark and light:\n%q\n%q", d, l)
	}
	light.SetDark(true)
	if light.View(120, 8) != d {
		t.Fatal("SetDark(true) does not draw as dark")
	}
}

func TestHumanDuration(t *testing.T) {
	for ns, want := range map[int64]string{-1: "-", 0: "0.0ms", 1_500_000: "1.5ms", 2_346_000_000: "2.35s", 90_400_000_000: "1m30s"} {
		if got := humanDuration(ns); got != want {
			t.Errorf("humanDuration(%d) = %q, want %q", ns, got, want)
		}
	}
	if got := []string{plural(0, "row"), plural(1, "row"), plural(2, "row")}; !slices.Equal(got, []string{"0 rows", "1 row", "2 rows"}) {
		t.Errorf("plural: %q", got)
	}
}

// hinted is a sample's timeline with every conversation's application
// hint set, as the index will set it (model.Conversation.App): here from
// package app's reading of its streams.
func hinted(t *testing.T, name string) *model.Timeline {
	t.Helper()
	in, tl := testsample.Open(t, name)
	for _, c := range tl.Conversations {
		if c == nil {
			continue
		}
		a, err := app.Analyze(tl, c, func(seg int) ([]byte, error) { return in.Payload(tl, seg) })
		if err != nil {
			t.Fatal(err)
		}
		c.App = model.AppHint{Proto: a.Proto.String(), Server: a.Server}
	}
	return tl
}

// TestGoldenApp fixes the application column: the protocol and the
// server's name beside the endpoints at 120 columns, narrowed to fit at 80
// (isn-prediction's conversations, given the hints the index would set for
// an HTTP, a TLS and an SMTP server); and a text filter finds
// conversations by it.
func TestGoldenApp(t *testing.T) {
	tl := testsample.Timeline(t, "isn-prediction")
	hints := []model.AppHint{
		{Proto: "HTTP", Server: "www.example.com"}, {Proto: "TLS", Server: "login.example.org"},
		{Proto: "SMTP"}, {}, {Proto: "TLS", Server: "a-rather-long-name.cdn.example.net"},
	}
	for i, c := range tl.Conversations {
		c.App = hints[i%len(hints)]
	}
	for _, w := range []int{80, 120} {
		t.Run(fmt.Sprintf("app_%dx12", w), func(t *testing.T) {
			out := ansi.Strip(loaded(tl).View(w, 12))
			golden.RequireEqual(t, out)
			if !strings.Contains(strings.Split(out, "\n")[1], "app") {
				t.Errorf("no app column at %d:\n%s", w, out)
			}
		})
	}
	p := loaded(tl)
	p.Type("tls", 12)
	if got := indices(p); got != "[1 4 6]" {
		t.Errorf("filter tls shows %s", got)
	}
	p.Type(" login", 12)
	if got := indices(p); got != "[1 6]" {
		t.Errorf("filter tls login shows %s", got)
	}
}

// TestAppFromStream shows the hint package app reads from a conversation's
// first bytes (the HTTP request's Host) in the application column.
func TestAppFromStream(t *testing.T) {
	tl := hinted(t, "http-close")
	if h := tl.Conversations[0].App; h.Proto != "HTTP" || h.Server == "" {
		t.Fatalf("http-close's hint: %+v", h)
	}
	out := ansi.Strip(loaded(tl).View(120, 4))
	if want := "HTTP " + tl.Conversations[0].App.Server; !strings.Contains(out, want) {
		t.Errorf("picker lacks %q:\n%s", want, out)
	}
}
