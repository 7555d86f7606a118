package samples

import (
	"bufio"
	"bytes"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// tsharkEvents are the tcp.analysis flags tcpstep reports, named as in
// README.md's table.
var tsharkEvents = []string{
	"retransmission", "fast_retransmission", "spurious_retransmission", "out_of_order",
	"lost_segment", "ack_lost_segment", "duplicate_ack", "zero_window", "zero_window_probe",
	"keep_alive", "keep_alive_ack", "window_update", "window_full", "reused_ports",
}

// TestTsharkEvents runs tshark over every sample and checks that the events
// it reports are the ones README.md's table promises, so the table stays
// true to real tshark output. It skips where tshark is not installed.
//
// tshark takes seconds to start, so the samples go to it as one file: their
// start times ascend in catalogue order and no two samples share a 4-tuple,
// so each keeps its own conversations (a clash would show as a mismatch).
func TestTsharkEvents(t *testing.T) {
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		t.Skip("tshark not installed")
	}
	table := readmeTable(t)
	var all bytes.Buffer
	w := pcapgo.NewWriter(&all)
	if err := w.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		t.Fatal(err)
	}
	owner := []string{""} // frame number -> sample
	for _, s := range List() {
		b, err := Bytes(s.Name)
		if err != nil {
			t.Fatal(err)
		}
		r, err := pcapgo.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		for {
			data, ci, err := r.ReadPacketData()
			if err != nil {
				break
			}
			if err := w.WritePacket(ci, data); err != nil {
				t.Fatal(err)
			}
			owner = append(owner, s.Name)
		}
	}
	p := filepath.Join(t.TempDir(), "all.pcap")
	if err := os.WriteFile(p, all.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"-n", "-r", p, "-T", "fields", "-e", "frame.number"}
	for _, e := range tsharkEvents {
		args = append(args, "-e", "tcp.analysis."+e)
	}
	cmd := exec.Command(tshark, args...)
	// An empty configuration: tshark's default preferences only.
	cmd.Env = append(os.Environ(), "WIRESHARK_CONFIG_DIR="+t.TempDir())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("tshark: %v", err)
	}
	counts := map[string]map[string]int{}
	frames := map[string]int{}
	for line := range strings.Lines(string(out)) {
		cols := strings.Split(strings.TrimRight(line, "\n"), "\t")
		n, err := strconv.Atoi(cols[0])
		if err != nil || n <= 0 || n >= len(owner) {
			t.Fatalf("tshark line %q", line)
		}
		name := owner[n]
		frames[name]++
		for i, e := range tsharkEvents {
			if i+1 < len(cols) && cols[i+1] != "" {
				if counts[name] == nil {
					counts[name] = map[string]int{}
				}
				counts[name][e]++
			}
		}
	}
	for _, s := range List() {
		row, ok := table[s.Name]
		if !ok {
			t.Errorf("README.md has no row for %s", s.Name)
			continue
		}
		var got []string
		for _, e := range slices.Sorted(maps.Keys(counts[s.Name])) {
			got = append(got, fmt.Sprintf("%s×%d", e, counts[s.Name][e]))
		}
		gotS := strings.Join(got, ", ")
		if gotS == "" {
			gotS = "none"
		}
		if gotS != row.events {
			t.Errorf("%s: tshark reports %q, README.md says %q", s.Name, gotS, row.events)
		}
		if fmt.Sprint(frames[s.Name]) != row.frames {
			t.Errorf("%s: %d frames, README.md says %s", s.Name, frames[s.Name], row.frames)
		}
	}
}

type readmeRow struct{ frames, events string }

// readmeTable reads the rows "| `name` | frames | events | states |".
func readmeTable(t *testing.T) map[string]readmeRow {
	t.Helper()
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]readmeRow{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cols := strings.Split(line, "|")
		if len(cols) < 5 {
			continue
		}
		name := strings.Trim(strings.TrimSpace(cols[1]), "`")
		rows[name] = readmeRow{frames: strings.TrimSpace(cols[2]), events: strings.TrimSpace(cols[3])}
	}
	return rows
}
