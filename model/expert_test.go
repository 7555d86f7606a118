package model_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/internal/testsample"
	"github.com/tcpstep/tcpstep/internal/testshared"
	"github.com/tcpstep/tcpstep/model"
)

// tsharkExpert is one capture's TCP rows of tshark -z expert, summed by
// tcpstep's kind: count and the severity tshark grades them.
type tsharkExpert map[model.ExpertKind]struct {
	count int
	sev   model.Severity
}

// tsharkSummaries maps tshark 4.0's TCP expert summaries to tcpstep's kinds.
// A summary with a number in it ("Duplicate ACK (#2)", "server port 25") is
// matched on its start. TCP summaries not listed are notions tcpstep does
// not have (see TestExpertAgainstTshark).
var tsharkSummaries = []struct {
	prefix string
	kind   model.ExpertKind
}{
	{"This frame is a (suspected) retransmission", model.ExpertRetransmission},
	{"This frame is a (suspected) fast retransmission", model.ExpertFastRetransmission},
	{"This frame is a (suspected) spurious retransmission", model.ExpertSpuriousRetransmission},
	{"This frame is a (suspected) out-of-order segment", model.ExpertOutOfOrder},
	{"Previous segment(s) not captured", model.ExpertLostSegment},
	{"ACKed segment that wasn't captured", model.ExpertAckLostSegment},
	{"Duplicate ACK (#", model.ExpertDuplicateAck},
	{"TCP Zero Window segment", model.ExpertZeroWindow},
	{"TCP Zero Window Probe", model.ExpertZeroWindowProbe},
	{"ACK to a TCP Zero Window Probe", model.ExpertZeroWindowProbeAck},
	{"TCP keep-alive segment", model.ExpertKeepAlive},
	{"ACK to a TCP keep-alive segment", model.ExpertKeepAliveAck},
	{"TCP window update", model.ExpertWindowUpdate},
	{"TCP window specified by the receiver is now completely full", model.ExpertWindowFull},
	{"A new tcp session is started with the same ports", model.ExpertReusedPorts},
	{"Connection reset (RST)", model.ExpertReset},
	{"Connection establish request (SYN)", model.ExpertSYN},
	{"Connection establish acknowledge (SYN+ACK)", model.ExpertSYNACK},
	{"Connection finish (FIN)", model.ExpertFIN},
	{"This frame initiates the connection closing", model.ExpertCloseActive},
	{"This frame undergoes the connection closing", model.ExpertClosePassive},
	{"The acknowledgment number field is nonzero while the ACK flag is not set", model.ExpertAckWithoutFlag},
}

// tsharkNotOurs are tshark's TCP expert summaries (by their start) that
// tcpstep has no kind for, and why. A TCP summary in neither list fails the
// test, so that a new one is looked at when the table is recorded again.
var tsharkNotOurs = []struct{ prefix, why string }{
	{"The SYN packet does not contain a MSS option", "the timeline keeps no TCP options but the window scale"},
	{"The urgent pointer field is nonzero while the URG flag is not set", "the timeline keeps no urgent pointer"},
	{"Window scale shift exceeds", "the shift is kept only when both SYNs carry it (Conversation.WinScale)"},
	{"D-SACK Sequence", "the timeline keeps no SACK blocks"},
	{"TCP SYN with TFO Cookie", "the timeline keeps no TCP options (Fast Open cookies)"},
	{"TCP SYN-ACK accepting TFO data", "the timeline keeps no TCP options (Fast Open cookies)"},
	{"Unknown (0x", "option parsing is the layers view's (decode.Dissect), not the timeline's"},
	{"option length should be", "option parsing is the layers view's (decode.Dissect), not the timeline's"},
	{"New fragment overlaps old data", "tshark's reassembly of application PDUs over TCP; tcpstep reassembles no PDUs"},
	{"Malformed Packet (Exception occurred)", "an exception in tshark's dissection; the frame is a segment to tcpstep (a short IP datagram)"},
	{"Short segment.", "a datagram ending inside the TCP header: a segment without sequence analysis to tcpstep (Packet.Short)"},
}

var tsharkSeverity = map[string]model.Severity{
	"Errors": model.SeverityError, "Warns": model.SeverityWarning,
	"Notes": model.SeverityNote, "Chats": model.SeverityChat,
}

// readTsharkExpert parses testdata/expert/expected.txt (see regen.sh there)
// into each capture's TCP rows, by label (shared/NAME, samples/NAME).
func readTsharkExpert(t *testing.T) map[string]tsharkExpert {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "testdata", "expert", "expected.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]tsharkExpert{}
	var cur tsharkExpert
	var sev model.Severity
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := sc.Text()
		if label, ok := strings.CutPrefix(l, "### "); ok {
			cur = tsharkExpert{}
			out[label] = cur
			continue
		}
		if cur == nil || strings.HasPrefix(l, "#") || strings.HasPrefix(l, "=") || strings.Contains(l, "Frequency") {
			continue
		}
		if head, _, ok := strings.Cut(l, " ("); ok {
			if s, ok := tsharkSeverity[head]; ok {
				sev = s
				continue
			}
		}
		if len(l) < 44 || strings.TrimSpace(l[24:42]) != "TCP" {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(l[:12]))
		if err != nil {
			t.Fatalf("bad row %q: %v", l, err)
		}
		summary := l[44:]
		known := false
		for _, m := range tsharkSummaries {
			if strings.HasPrefix(summary, m.prefix) {
				e := cur[m.kind]
				e.count += n
				e.sev = sev
				cur[m.kind] = e
				known = true
				break
			}
		}
		for _, m := range tsharkNotOurs {
			known = known || strings.HasPrefix(summary, m.prefix)
		}
		if !known {
			t.Errorf("tshark's TCP summary %q is neither a kind of tcpstep's nor listed in tsharkNotOurs", summary)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestExpertAgainstTshark holds model.Expert's counts to tshark's Expert
// Information for every capture recorded in testdata/expert/expected.txt
// (the samples always; the shared corpus when ../shared is there), and
// each kind's severity to the one tshark grades its rows with. Every kind
// but undecodable must agree exactly on every capture. undecodable is not
// compared: tshark's errors are every protocol's malformed fields (an IPv4
// total length past the captured bytes is an error there, a segment here),
// and the one frame tcpstep cannot decode in the corpus (a TCP data offset
// of 0, gopacket_linux_sll_oversized_addr frame 95) carries tshark's error
// "Bogus TCP header length" in its _ws.expert fields, but -z expert's table
// leaves it out.
func TestExpertAgainstTshark(t *testing.T) {
	want := readTsharkExpert(t)
	shared, haveShared := testshared.Optional(t)
	checked := 0
	labels := make([]string, 0, len(want))
	for l := range want {
		labels = append(labels, l)
	}
	slices.Sort(labels)
	for _, label := range labels {
		var tl *model.Timeline
		switch dir, name, _ := strings.Cut(label, "/"); dir {
		case "samples":
			tl = testsample.Timeline(t, strings.TrimSuffix(name, filepath.Ext(name)))
		case "shared":
			if !haveShared {
				continue
			}
			tl = testsample.File(t, filepath.Join(shared, "captures", name))
		default:
			t.Fatalf("unknown label %q", label)
		}
		checked++
		info := model.Expert(tl, -1)
		ts := want[label]
		for _, k := range model.ExpertKinds() {
			if k == model.ExpertUndecodable {
				continue // tshark's malformed-packet errors are every protocol's
			}
			r, _ := info.Row(k)
			w := ts[k]
			if w.count > 0 && w.sev != k.Severity() {
				t.Errorf("%s: %s: tshark grades it %s, tcpstep %s", label, k, w.sev, k.Severity())
			}
			if r.Count != w.count {
				t.Errorf("%s: %s: tcpstep counts %d, tshark %d (frames %v)", label, k, r.Count, w.count, r.Frames)
			}
		}
	}
	if checked < 10 {
		t.Errorf("compared only %d captures", checked)
	}
	t.Logf("compared %d captures with tshark's expert table", checked)
}

// TestExpertShape checks the summary's order and arithmetic on a sample:
// groups most severe first, rows by count, counts the frames, and the
// per-stream frames partition the row's.
func TestExpertShape(t *testing.T) {
	tl := testsample.Timeline(t, "lossy-transfer")
	info := model.Expert(tl, -1)
	if len(info.Groups) == 0 {
		t.Fatal("no findings")
	}
	for i, g := range info.Groups {
		if i > 0 && g.Severity >= info.Groups[i-1].Severity {
			t.Errorf("group %d (%s) after %s", i, g.Severity, info.Groups[i-1].Severity)
		}
		sum := 0
		for j, r := range g.Rows {
			if r.Severity != g.Severity || r.Kind.Severity() != g.Severity {
				t.Errorf("%s row in the %s group", r.Kind, g.Severity)
			}
			if j > 0 && r.Count > g.Rows[j-1].Count {
				t.Errorf("%s (%d) after %s (%d)", r.Kind, r.Count, g.Rows[j-1].Kind, g.Rows[j-1].Count)
			}
			if r.Count != len(r.Frames) {
				t.Errorf("%s: count %d, %d frames", r.Kind, r.Count, len(r.Frames))
			}
			var parts []uint32
			for _, s := range r.Streams {
				parts = append(parts, s.Frames...)
			}
			slices.Sort(parts)
			if !slices.Equal(parts, r.Frames) || !slices.IsSorted(r.Frames) {
				t.Errorf("%s: streams' frames %v, row's %v", r.Kind, parts, r.Frames)
			}
			sum += r.Count
		}
		if sum != g.Count || info.Count(g.Severity) != sum {
			t.Errorf("%s: group count %d, rows sum to %d", g.Severity, g.Count, sum)
		}
	}
	one := model.Expert(tl, 0)
	if fmt.Sprint(one.Groups) != fmt.Sprint(info.Groups) {
		t.Errorf("the only stream's summary differs from the capture's:\n%v\n%v", one.Groups, info.Groups)
	}
	if got := model.Expert(tl, 7); len(got.Groups) != 0 {
		t.Errorf("a stream the capture lacks has findings: %v", got.Groups)
	}
}
