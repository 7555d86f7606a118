package samples

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/model"
)

// The RFC 9293 figure samples' tshark fields are recorded in
// testdata/NAME.tsv (../shared/oracle/tshark-expect.sh on data/NAME.pcap).
// TestRFCFiguresAgreeWithTshark checks tcpstep's decoding of each against
// that record without tshark; TestRFCFigureRecordsCurrent, with tshark,
// that the record is what tshark says of the capture now.

func rfcFigures() []string {
	var out []string
	for _, s := range List() {
		if strings.HasPrefix(s.Name, "rfc9293-") {
			out = append(out, s.Name)
		}
	}
	return out
}

// tsvRows reads a tshark-expect.sh record: its data rows, header and
// comments left out.
func tsvRows(t *testing.T, b []byte) [][]string {
	t.Helper()
	var rows [][]string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		l := sc.Text()
		if l == "" || strings.HasPrefix(l, "#") || strings.HasPrefix(l, "frame\t") {
			continue
		}
		rows = append(rows, strings.Split(l, "\t"))
	}
	return rows
}

func TestRFCFiguresAgreeWithTshark(t *testing.T) {
	names := rfcFigures()
	if len(names) != 8 {
		t.Fatalf("%d RFC 9293 figure samples, want Figures 6 to 13", len(names))
	}
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join("testdata", name+".tsv"))
		if err != nil {
			t.Fatal(err)
		}
		rows := tsvRows(t, b)
		tl := loadSample(t, name)
		if len(rows) != len(tl.Segments) {
			t.Errorf("%s: tshark has %d segments, tcpstep %d", name, len(rows), len(tl.Segments))
			continue
		}
		for i, r := range rows {
			s := &tl.Segments[i]
			src, dst := tl.SrcDst(s)
			ns := tl.Frames[s.Frame-1].TimeNS - tl.Frames[0].TimeNS
			events := strings.Join((s.Events & model.ContractEvents).Names(), ",")
			got := []string{
				fmt.Sprint(s.Frame), fmt.Sprint(tl.SegStream(s)), src.Addr.String(), fmt.Sprint(src.Port),
				dst.Addr.String(), fmt.Sprint(dst.Port), fmt.Sprintf("0x%04x", uint16(s.Flags)),
				fmt.Sprint(s.Seq), fmt.Sprint(s.Ack), fmt.Sprint(s.RelSeq), fmt.Sprint(s.RelAck),
				fmt.Sprint(s.Len), fmt.Sprint(s.Win), fmt.Sprintf("%d.%09d", ns/1e9, ns%1e9), events,
			}
			if s.Flags&model.ACK == 0 {
				got[10] = "0" // tshark prints the relative ACK of an ACK-less segment as 0
			}
			for c := range got {
				if c < len(r) && got[c] != r[c] {
					t.Errorf("%s frame %s: column %d is %q, tshark says %q", name, r[0], c, got[c], r[c])
				}
			}
		}
	}
}

func TestRFCFigureRecordsCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("runs tshark eight times")
	}
	script := "../../shared/oracle/tshark-expect.sh"
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Skip("tshark not installed")
	}
	if _, err := os.Stat(script); err != nil {
		t.Skip("no oracle script beside the module")
	}
	for _, name := range rfcFigures() {
		out, err := exec.Command("bash", script, filepath.Join("data", name+".pcap")).Output()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want, _ := os.ReadFile(filepath.Join("testdata", name+".tsv"))
		if !equalRows(tsvRows(t, out), tsvRows(t, want)) {
			t.Errorf("%s: tshark's fields changed: regenerate testdata/%s.tsv with tshark-expect.sh", name, name)
		}
	}
}

func equalRows(a, b [][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if strings.Join(a[i], "\t") != strings.Join(b[i], "\t") {
			return false
		}
	}
	return true
}
