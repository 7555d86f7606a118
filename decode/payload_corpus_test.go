package decode

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/internal/testshared"
	"github.com/tcpstep/tcpstep/model"
)

// followRow is one row of testdata/follow/expected.tsv: what tshark's
// "Follow TCP Stream" (tshark -z follow,tcp,raw,N) gave for one node of one
// conversation. testdata/follow/regen.sh writes the file and documents it.
type followRow struct {
	capture string
	stream  int
	sender  string
	rawLen  int
	rawSHA  string
	dataLen int
	dataSHA string
	gaps    []int64
}

func readFollowRows(t *testing.T) []followRow {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "testdata", "follow", "expected.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []followRow
	sc := bufio.NewScanner(f)
	header := false
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !header {
			header = true
			continue
		}
		c := strings.Split(line, "\t")
		if len(c) != 8 {
			t.Fatalf("expected.tsv: %d columns in %q", len(c), line)
		}
		r := followRow{capture: c[0], sender: c[2], rawSHA: c[4], dataSHA: c[6]}
		if len(r.rawSHA) < 12 || (len(r.dataSHA) < 12 && r.dataSHA != "-") {
			t.Fatalf("expected.tsv: bad sha256 in %q", line)
		}
		r.stream, err = strconv.Atoi(c[1])
		if err == nil {
			r.rawLen, err = strconv.Atoi(c[3])
		}
		if err == nil {
			r.dataLen, err = strconv.Atoi(c[5])
		}
		if err != nil {
			t.Fatalf("expected.tsv: %v in %q", err, line)
		}
		if c[7] != "-" && c[7] != "" {
			for _, g := range strings.Split(c[7], ",") {
				n, err := strconv.ParseInt(g, 10, 64)
				if err != nil {
					t.Fatalf("expected.tsv: gap %q in %q", g, line)
				}
				r.gaps = append(r.gaps, n)
			}
		}
		rows = append(rows, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// TestFollowAgainstTshark checks the reassembled bytes of every direction
// of every conversation in the reference corpus and in testdata/loopback
// against tshark's Follow TCP Stream.
func TestFollowAgainstTshark(t *testing.T) {
	rows := readFollowRows(t)
	type loaded struct {
		in *Input
		tl *model.Timeline
	}
	cache := map[string]loaded{}
	// The reference corpus lives outside the repository; its rows are
	// skipped when it is absent, except in CI. The loopback captures and
	// the samples are in the repository.
	sharedDir, haveShared := testshared.Optional(t)
	shared := filepath.Join(sharedDir, "captures")
	if !haveShared {
		t.Logf("reference corpus %s missing: its rows skipped", sharedDir)
	}
	matched, dialogues, withUnacked, skipped := 0, 0, 0, 0
	for _, r := range rows {
		var path string
		switch {
		case strings.HasPrefix(r.capture, "shared/"):
			if !haveShared {
				skipped++
				continue
			}
			path = filepath.Join(shared, strings.TrimPrefix(r.capture, "shared/"))
		case strings.HasPrefix(r.capture, "loopback/"):
			path = filepath.Join("..", "testdata", "loopback", strings.TrimPrefix(r.capture, "loopback/"))
		case strings.HasPrefix(r.capture, "samples/"):
			path = filepath.Join("..", "samples", "data", strings.TrimPrefix(r.capture, "samples/"))
		default:
			t.Fatalf("expected.tsv: unknown capture %q", r.capture)
		}
		l, ok := cache[path]
		if !ok {
			in, tl := openTestFile(t, path)
			defer in.Close()
			l = loaded{in, tl}
			cache[path] = l
		}
		name := r.capture + "/" + strconv.Itoa(r.stream) + "/" + r.sender
		if r.stream >= len(l.tl.Conversations) {
			t.Errorf("%s: no stream %d", name, r.stream)
			continue
		}
		c := l.tl.Conversations[r.stream]
		node0, dialogue := strings.CutPrefix(r.sender, "dialogue:")
		d, ok := dirOfSender(c, node0)
		if !ok {
			t.Errorf("%s: sender is neither %s nor %s", name, c.Client, c.Server)
			continue
		}
		payload := func(seg int) ([]byte, error) { return l.in.Payload(l.tl, seg) }
		if dialogue {
			chunks, err := model.FollowDialogue(l.tl, c, payload)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			turns, text, total := dialogueTurns(chunks, d)
			if turns != r.rawLen || sha(text) != r.rawSHA || total != r.dataLen {
				t.Errorf("%s: %d turns %s (%d bytes), tshark %d turns %s (%d bytes)", name, turns, sha(text)[:12], total, r.rawLen, r.rawSHA[:12], r.dataLen)
				continue
			}
			dialogues++
			continue
		}
		chunks, err := model.FollowDir(l.tl, c, d, payload)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		// Wireshark leaves out data still waiting behind an unacknowledged
		// gap when the capture ends; tcpstep places it, marked Unacked.
		var acked []model.FollowChunk
		var gaps []int64
		unacked := 0
		for _, ch := range chunks {
			if ch.Unacked {
				unacked += len(ch.Data)
				continue
			}
			acked = append(acked, ch)
			if ch.Kind == model.ChunkGap {
				gaps = append(gaps, ch.Missing)
			}
		}
		got := model.FollowBytes(acked)
		if len(got) != r.dataLen || sha(got) != r.dataSHA || !slices.Equal(gaps, r.gaps) {
			t.Errorf("%s (%s): %d bytes %s, tshark %d bytes %s; gaps %v, tshark %v", name, d, len(got), sha(got)[:12], r.dataLen, r.dataSHA[:12], gaps, r.gaps)
			continue
		}
		// Every gap tshark reported is text it put into the byte stream:
		// its raw output is the data plus one "[N bytes missing in capture
		// file]" and a NUL per gap.
		raw := len(got)
		for _, g := range gaps {
			raw += len(fmt.Sprintf("[%d bytes missing in capture file]", g)) + 1
		}
		if raw != r.rawLen {
			t.Errorf("%s: data and gap texts make %d bytes, tshark printed %d", name, raw, r.rawLen)
		}
		if unacked > 0 {
			withUnacked++
			t.Logf("%s (%s): %d bytes after an unacknowledged gap, left out by tshark", name, d, unacked)
		}
		matched++
	}
	t.Logf("%d directions match tshark byte for byte (%d with unacknowledged data beyond), %d dialogues in tshark's order; %d rows, %d skipped", matched, withUnacked, dialogues, len(rows), skipped)
	if matched+dialogues+skipped != len(rows) {
		t.Errorf("%d rows did not match", len(rows)-matched-dialogues-skipped)
	}
}

// dirOfSender finds which side of c tshark's node endpoint is. tshark
// prints an IPv6 address after a type 0 routing header as the route's final
// destination, where the conversation (and tshark's own ipv6.dst) has the
// header's destination (zeek_ip6-route0-tcp): then the port decides.
func dirOfSender(c *model.Conversation, sender string) (model.Dir, bool) {
	switch sender {
	case c.Client.String():
		return model.C2S, true
	case c.Server.String():
		return model.S2C, true
	}
	ap, err := netip.ParseAddrPort(sender)
	if err != nil || c.Client.Port == c.Server.Port {
		return 0, false
	}
	switch ap.Port() {
	case c.Client.Port:
		return model.C2S, true
	case c.Server.Port:
		return model.S2C, true
	}
	return 0, false
}

// dialogueTurns renders the dialogue as regen.sh does tshark's: acknowledged
// data only, runs of one direction joined, one line "NODE:HEX" per run, node
// 0 being direction node0.
func dialogueTurns(chunks []model.FollowChunk, node0 model.Dir) (turns int, text []byte, total int) {
	type turn struct {
		node int
		data []byte
	}
	var ts []turn
	for _, ch := range chunks {
		if ch.Unacked || ch.Kind != model.ChunkData {
			continue
		}
		n := 0
		if ch.Dir != node0 {
			n = 1
		}
		if len(ts) > 0 && ts[len(ts)-1].node == n {
			ts[len(ts)-1].data = append(ts[len(ts)-1].data, ch.Data...)
		} else {
			ts = append(ts, turn{n, append([]byte(nil), ch.Data...)})
		}
		total += len(ch.Data)
	}
	for _, t := range ts {
		text = fmt.Appendf(text, "%d:%s\n", t.node, hex.EncodeToString(t.data))
	}
	return len(ts), text, total
}

// TestFollowMalformed follows both directions of every conversation of
// every capture in the reference corpus, the damaged and fuzzed ones in
// malformed/ included: whatever the bytes, no panic, and a re-read either
// succeeds or says why.
func TestFollowMalformed(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "captures")
	var paths []string
	for _, pat := range []string{"malformed/*", "*.pcap", "*.pcapng"} {
		m, err := filepath.Glob(filepath.Join(dir, pat))
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, m...)
	}
	convs := 0
	for _, p := range paths {
		in, err := Open(p)
		if err != nil {
			continue // not a capture at all: the CLI's one-line error
		}
		tl, err := in.Load(nil)
		if err != nil {
			in.Close()
			continue
		}
		for _, c := range tl.Conversations {
			chunks, err := model.FollowDialogue(tl, c, func(seg int) ([]byte, error) { return in.Payload(tl, seg) })
			if err != nil {
				t.Logf("%s stream %d: %v", filepath.Base(p), c.Index, err)
				continue
			}
			for _, ch := range chunks {
				if ch.Len() <= 0 {
					t.Errorf("%s stream %d: empty chunk %+v", filepath.Base(p), c.Index, ch)
				}
			}
			convs++
		}
		in.Close()
	}
	if convs == 0 {
		t.Error("no conversation followed")
	}
}
