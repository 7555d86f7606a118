package ladder

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/internal/testsample"
	"github.com/tcpstep/tcpstep/internal/testshared"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/ui/pane"
)

// rowNumber reads a drawn row's number: the digits after the marker cell.
var rowNumber = regexp.MustCompile(`^ *([0-9]+) `)

// numbersOf returns the number each drawn row of a ladder shows, in order,
// and its column header's first word.
func numbersOf(t *testing.T, out string) (hdr string, nums []uint32) {
	t.Helper()
	lines := strings.Split(ansi.Strip(out), "\n")
	hdr = strings.Fields(lines[0])[0]
	for i, l := range lines[1:] {
		if strings.TrimSpace(l) == "" {
			continue
		}
		m := rowNumber.FindStringSubmatch(string([]rune(l)[1:])) // after the marker

		if m == nil {
			t.Fatalf("row %d has no number: %q", i, l)
		}
		n, _ := strconv.ParseUint(m[1], 10, 32)
		nums = append(nums, uint32(n))
	}
	return hdr, nums
}

// conversationCtx is what the stepper tells the ladder of conversation c,
// with no frame reader (nothing here needs a preview).
func conversationCtx(tl *model.Timeline, c *model.Conversation) pane.Context {
	rows := pane.BuildRows(tl, c)
	return pane.Context{TL: tl, Conv: c, Rows: rows, Last: len(rows) - 1}
}

// segmentNumbers are the numbers nums shows for the rows of ctx that are
// segments.
func segmentNumbers(ctx pane.Context, nums []uint32) []uint32 {
	var out []uint32
	for i, r := range ctx.Rows {
		if r.Seg >= 0 && i < len(nums) {
			out = append(out, nums[i])
		}
	}
	return out
}

// tsharkFrames reads from tshark's expected fields (shared/captures/expected)
// the frame.number of every TCP row of tcp.stream stream, and the first
// row's source, which is the client's.
func tsharkFrames(t *testing.T, path string, stream int) (frames []uint32, client string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	var col map[string]int
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		fs := strings.Split(line, "\t")
		if col == nil {
			col = map[string]int{}
			for i, name := range fs {
				col[name] = i
			}
			continue
		}
		if fs[col["stream"]] != strconv.Itoa(stream) {
			continue
		}
		n, err := strconv.ParseUint(fs[col["frame"]], 10, 32)
		if err != nil {
			t.Fatalf("%s: %q: %v", path, line, err)
		}
		if frames == nil {
			client = fs[col["src"]] + ":" + fs[col["sport"]]
		}
		frames = append(frames, uint32(n))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return frames, client
}

// In zeek_smtp.pcap's stream 0, four ICMP errors and a conversation's
// frames interleaved with others' put the frame numbers ahead of the steps
// (the 24th row is frame 26): every row shows its frame, the number tshark
// and Wireshark give it, at every width, in the masked row of a quiz too.
func TestFrameNumbersZeekSMTP(t *testing.T) {
	dir := testshared.Dir(t)
	want, client := tsharkFrames(t, filepath.Join(dir, "captures", "expected", "zeek_smtp.tsv"), 0)
	tl := testsample.File(t, filepath.Join(dir, "captures", "zeek_smtp.pcap"))
	var conv *model.Conversation
	for _, c := range tl.Conversations {
		if c.Client.String() == client {
			conv = c
		}
	}
	if conv == nil {
		t.Fatalf("no conversation from %s", client)
	}
	ctx := conversationCtx(tl, conv)
	// tshark -r zeek_smtp.pcap -Y icmp: the errors quoting stream 0.
	icmp := []uint32{26, 28, 29, 30}
	st := NewStyles(true)
	for _, w := range []int{24, 40, 59, 60, 100, 120, 160} {
		t.Run(fmt.Sprint(w), func(t *testing.T) {
			out := Render(st, viewOf(ctx, nil, 0), w, len(ctx.Rows)+1)
			checkExact(t, "zeek_smtp stream 0", out, w, len(ctx.Rows)+1)
			hdr, nums := numbersOf(t, out)
			if len(nums) != len(ctx.Rows) {
				t.Fatalf("%d rows drawn, want %d", len(nums), len(ctx.Rows))
			}
			if got := segmentNumbers(ctx, nums); !slices.Equal(got, want) {
				t.Errorf("segment rows show\n%v\ntshark's frame.number is\n%v", got, want)
			}
			var extra []uint32
			for i, r := range ctx.Rows {
				if r.Seg < 0 {
					extra = append(extra, nums[i])
				}
			}
			if !slices.Equal(extra, icmp) {
				t.Errorf("ICMP rows show %v, want frames %v", extra, icmp)
			}
			if nums[23] != 26 {
				t.Errorf("row 24 shows %d, want frame 26", nums[23])
			}
			if wantHdr := map[bool]string{true: "frame", false: "#"}[w >= frameHdrMinW]; hdr != wantHdr {
				t.Errorf("column header %q, want %q", hdr, wantHdr)
			}
		})
	}

	// The quiz's masked row: row 25 is frame 27.
	q := ctx
	q.Row, q.Quiz, q.Last = 23, true, 24
	q.Mask = &pane.Mask{Row: 24, Shows: model.ShowFlags}
	out := ansi.Strip(Render(st, viewOf(q, nil, 0), 120, 30))
	if !regexp.MustCompile(`(?m)^\? +27 `).MatchString(out) {
		t.Errorf("the masked row does not show frame 27:\n%s", out)
	}
}

// A conversation that is not the capture's first starts later than frame
// 1: isn-prediction's stream 1 is frames 7 to 12 (tshark -r
// isn-prediction.pcap -Y tcp.stream==1 -T fields -e frame.number).
func TestFrameNumbersLaterConversation(t *testing.T) {
	tl := testsample.Timeline(t, "isn-prediction")
	ctx := conversationCtx(tl, tl.Conversations[1])
	for _, w := range []int{30, 80, 120} {
		_, nums := numbersOf(t, Render(NewStyles(true), viewOf(ctx, nil, 0), w, 10))
		if want := []uint32{7, 8, 9, 10, 11, 12}; !slices.Equal(nums, want) {
			t.Errorf("width %d: rows show %v, want frames %v", w, nums, want)
		}
	}
}

// The number column is as wide as the conversation's largest frame number,
// however few rows it has: a short conversation deep in a big capture keeps
// its columns aligned, whole numbers, and rows exactly as wide as the
// ladder, at the first row and scrolled.
func TestFrameNumbersWide(t *testing.T) {
	ctx := ctxOf(t, "smtp-figure10", nil)
	rows := slices.Clone(ctx.Rows[:12])
	for i := range rows {
		rows[i].Frame = 1048565 + uint32(i) // the last is frame 1,048,576
	}
	ctx.Rows, ctx.Last = rows, len(rows)-1
	st := NewStyles(true)
	for _, w := range []int{24, 40, 70, 100, 120, 160} {
		for _, top := range []int{0, 5} {
			ctx.Row = top
			out := Render(st, viewOf(ctx, nil, top), w, 8)
			checkExact(t, fmt.Sprintf("width %d top %d", w, top), out, w, 8)
			hdr, nums := numbersOf(t, out)
			if hdr != frameHdr {
				t.Errorf("width %d: column header %q, want %q", w, hdr, frameHdr)
			}
			for i, n := range nums {
				if n != rows[top+i].Frame {
					t.Errorf("width %d top %d: row %d shows %d, want %d", w, top, top+i, n, rows[top+i].Frame)
				}
			}
			// The client's lane is in the same column on every row.
			lanes := map[int]bool{}
			for _, l := range strings.Split(ansi.Strip(out), "\n")[1:] {
				lanes[ansi.StringWidth(l[:max(strings.Index(l, lane), 0)])] = true
			}
			if len(lanes) != 1 {
				t.Errorf("width %d top %d: the lanes are not aligned:\n%s", w, top, ansi.Strip(out))
			}
		}
	}
}
