package e2e

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/tcpstep/tcpstep/internal/testsample"
	"github.com/tcpstep/tcpstep/model"
	"github.com/tcpstep/tcpstep/samples"
	"github.com/tcpstep/tcpstep/ui/expert"
)

// expertTable is a summary as text: each group's heading and count, each
// row's event, count and frames, in order.
type expertTable struct {
	groups []string // "Warnings 3"
	rows   []string // "lost_segment 2 [9 27]"
	counts map[string]int
}

func (e expertTable) String() string {
	return strings.Join(e.groups, "; ") + "\n" + strings.Join(e.rows, "\n")
}

// parseExpertCommand reads what tcpstep expert --frames prints.
func parseExpertCommand(t *testing.T, out string) expertTable {
	t.Helper()
	e := expertTable{counts: map[string]int{}}
	heading := regexp.MustCompile(`^(Errors|Warnings|Notes|Chats) \((\d+)\)$`)
	inRows := false
	for _, l := range strings.Split(out, "\n") {
		switch m := heading.FindStringSubmatch(l); {
		case m != nil:
			e.groups = append(e.groups, m[1]+" "+m[2])
			inRows = false
		case strings.HasPrefix(l, "  Count "):
			inRows = true
		case inRows && strings.TrimSpace(l) != "":
			f := strings.Fields(l)
			var frames []string
			for i := len(f) - 1; i > 1; i-- {
				if _, err := strconv.Atoi(f[i]); err != nil {
					break
				}
				frames = append([]string{f[i]}, frames...)
			}
			n, _ := strconv.Atoi(f[0])
			e.rows = append(e.rows, fmt.Sprintf("%s %d %v", f[1], n, frames))
			e.counts[f[1]] = n
		default:
			inRows = false
		}
	}
	return e
}

// parseExpertView reads the view as drawn, every row open: the headings
// and their counts, the rows with their counts (and the conversation's,
// kept in conv), and the frames under each row.
func parseExpertView(t *testing.T, out string, withConv bool) (expertTable, map[string]int) {
	t.Helper()
	e := expertTable{counts: map[string]int{}}
	conv := map[string]int{}
	heading := regexp.MustCompile(`^(Errors|Warnings|Notes|Chats) \((\d+)[;)]`)
	row := regexp.MustCompile(`^ *[+-] +(\d+) +(\S+)`)
	if withConv {
		row = regexp.MustCompile(`^ *[+-] +(\d+) +(\d+) +(\S+)`)
	}
	frame := regexp.MustCompile(`frame +(\d+)`)
	var frames []string
	pending := false // the last row's frames are still being read
	flush := func() {
		if pending {
			e.rows[len(e.rows)-1] += fmt.Sprintf(" %v", frames)
		}
		frames, pending = nil, false
	}
	for _, l := range strings.Split(ansi.Strip(out), "\n") {
		l = strings.Replace(l, "▸", " ", 1)
		if m := heading.FindStringSubmatch(l); m != nil {
			flush()
			e.groups = append(e.groups, m[1]+" "+m[2])
		} else if m := row.FindStringSubmatch(l); m != nil {
			flush()
			ev := m[len(m)-1]
			n, _ := strconv.Atoi(m[1])
			e.rows = append(e.rows, fmt.Sprintf("%s %d", ev, n))
			pending = true
			e.counts[ev] = n
			if withConv {
				conv[ev], _ = strconv.Atoi(m[2])
			}
		} else if m := frame.FindStringSubmatch(l); m != nil {
			frames = append(frames, m[1])
		}
	}
	flush()
	return e, conv
}

// TestExpertViewCountsAreTheCommands holds the expert view to what
// tcpstep expert prints, on every sample: the whole capture's groups, rows,
// counts and frames, each conversation's alone (--stream N), and the
// conversation's column beside the capture's.
func TestExpertViewCountsAreTheCommands(t *testing.T) {
	bin := buildBinary(t)
	st := expert.NewStyles(true)
	const w, h = 300, 100_000
	for _, smp := range samples.List() {
		tl := testsample.Timeline(t, smp.Name)
		info := model.Expert(tl, -1)
		draw := func(stream int, conv bool) string {
			s := expert.Summarise(&info, stream, conv)
			open := expert.Open{}
			for _, k := range model.ExpertKinds() {
				open[k] = true
			}
			return expert.Render(st, tl, &s, &expert.State{Open: open, Cur: -1}, w, h)
		}
		out, errs, code := run(t, bin, nil, "expert", "--frames", "sample:"+smp.Name)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", smp.Name, code, errs)
		}
		want := parseExpertCommand(t, out)
		if len(want.rows) == 0 {
			t.Fatalf("%s: no rows read from\n%s", smp.Name, out)
		}
		if got, _ := parseExpertView(t, draw(-1, false), false); got.String() != want.String() {
			t.Errorf("%s: the view shows\n%s\ntcpstep expert prints\n%s", smp.Name, got, want)
		}
		for stream := range tl.Conversations {
			out, errs, code := run(t, bin, nil, "expert", "--frames", "--stream", strconv.Itoa(stream), "sample:"+smp.Name)
			if code != 0 {
				t.Fatalf("%s --stream %d: exit %d: %s", smp.Name, stream, code, errs)
			}
			own := parseExpertCommand(t, out)
			if got, _ := parseExpertView(t, draw(stream, true), false); got.String() != own.String() {
				t.Errorf("%s stream %d: the view shows\n%s\ntcpstep expert --stream %d prints\n%s", smp.Name, stream, got, stream, own)
			}
			capture, conv := parseExpertView(t, draw(stream, false), true)
			if capture.String() != want.String() {
				t.Errorf("%s beside stream %d: the view shows\n%s\ntcpstep expert prints\n%s", smp.Name, stream, capture, want)
			}
			for ev, n := range want.counts {
				if conv[ev] != own.counts[ev] {
					t.Errorf("%s: %s beside the capture's %d is %d for stream %d; tcpstep expert --stream %d counts %d", smp.Name, ev, n, conv[ev], stream, stream, own.counts[ev])
				}
			}
		}
	}
}
