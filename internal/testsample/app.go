package testsample

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/tcpstep/tcpstep/app"
	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/internal/testshared"
)

// appProbes are captures that tshark says carry each protocol (a sample,
// a file of the shared corpus, or one of the repository's own
// recordings), to ask package app whether it recognises the protocol.
var appProbes = map[app.Proto]string{
	app.HTTP: "sample:http-close",
	app.SMTP: "sample:smtp-figure10",
	app.IMAP: "sample:keepalive",
	app.TLS:  "shared:zeek_openjdk-sll2.pcap",
	app.SSH:  "shared:tcpdump_ssh.pcap",
	app.DNS:  "repo:testdata/app/dns.pcap",
	app.FTP:  "shared:zeek_ftp-ipv6.pcap",
}

var (
	probeMu   sync.Mutex
	probeSeen = map[app.Proto]bool{}
	probeDone = map[app.Proto]bool{}
)

// AppRecognises reports whether this build's package app names messages of
// protocol p: it analyses a capture that carries p and looks for one.
// Package app gains its recognisers protocol by protocol, so the oracles of
// the fields above TCP compare a protocol's rows only once it has one, and
// log the others. A probe capture that is absent counts as no recogniser.
func AppRecognises(tb testing.TB, p app.Proto) bool {
	tb.Helper()
	probeMu.Lock()
	defer probeMu.Unlock()
	if probeDone[p] {
		return probeSeen[p]
	}
	probeDone[p] = true
	in := probeInput(tb, appProbes[p])
	if in == nil {
		return false
	}
	defer in.Close()
	tl, err := in.Load(nil)
	if err != nil {
		tb.Fatal(err)
	}
	for _, c := range tl.Conversations {
		ac, err := app.Analyze(tl, c, func(seg int) ([]byte, error) { return in.Payload(tl, seg) })
		if err != nil {
			tb.Fatal(err)
		}
		for _, s := range ac.Segs {
			for _, m := range s.Messages {
				if m.Proto == p && m.Malformed == "" {
					probeSeen[p] = true
					return true
				}
			}
		}
	}
	return false
}

// probeInput opens a probe capture, nil when it is not there.
func probeInput(tb testing.TB, where string) *decode.Input {
	var path string
	switch {
	case where == "":
		return nil
	case len(where) > 7 && where[:7] == "sample:":
		in, _ := Open(tb, where[7:])
		return in
	case len(where) > 7 && where[:7] == "shared:":
		dir, ok := testshared.Optional(tb)
		if !ok {
			return nil
		}
		path = filepath.Join(dir, "captures", where[7:])
	default:
		path = filepath.Join(repoRoot(tb), where[5:])
	}
	if _, err := os.Stat(path); err != nil {
		return nil
	}
	in, err := decode.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	return in
}

// repoRoot is the directory above the test's that holds go.mod.
func repoRoot(tb testing.TB) string {
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
}

// AppProtosOf lists the application protocols a display filter names (its
// words http, tls, ssh, dns, smtp, ftp, pop, imap, alone or before a dot).
func AppProtosOf(expr string) []app.Proto {
	names := map[string]app.Proto{"http": app.HTTP, "smtp": app.SMTP, "ftp": app.FTP, "pop": app.POP,
		"imap": app.IMAP, "tls": app.TLS, "ssh": app.SSH, "dns": app.DNS}
	var out []app.Proto
	word := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' }
	for i := 0; i < len(expr); {
		if !word(expr[i]) || i > 0 && (word(expr[i-1]) || expr[i-1] == '.' || expr[i-1] == '"') {
			i++
			continue
		}
		j := i
		for j < len(expr) && word(expr[j]) {
			j++
		}
		if p, ok := names[expr[i:j]]; ok && (j == len(expr) || expr[j] != '"') {
			out = append(out, p)
		}
		i = j
	}
	return out
}
