package cli

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/tcpstep/tcpstep/decode"
	"github.com/tcpstep/tcpstep/internal/testshared"
	"github.com/tcpstep/tcpstep/samples"
)

// appRow is what a jsonl row's "app" object says, as the contract spells
// it.
type appRow struct {
	Frame uint32 `json:"frame"`
	App   *struct {
		Proto   string `json:"proto"`
		Summary string `json:"summary"`
		Fields  []struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"fields"`
		Malformed *string `json:"malformed"`
	} `json:"app"`
}

// capturePath is a fields.tsv capture's file: an embedded sample's, or one
// of the shared corpus (skipping the test when it is absent).
func capturePath(t *testing.T, capture string) string {
	if name, ok := strings.CutPrefix(capture, "sample:"); ok {
		return filepath.Join("..", "samples", "data", name+".pcap")
	}
	return filepath.Join(testshared.Dir(t), "captures", capture)
}

// TestDumpAppAgainstTshark checks the "app" objects of dump --format jsonl
// against tshark's application-layer fields (testdata/app/fields.tsv,
// recorded by regen-fields.sh): for every frame, the values of each field
// tshark records equal the values of the same-named fields of the row's
// app object, as sets (tshark repeats a reply code on every line of a
// multi-line reply; the row names the reply once).
func TestDumpAppAgainstTshark(t *testing.T) {
	type key struct {
		frame uint32
		field string
	}
	want := map[string]map[key][]string{}
	var order []string
	fields := map[string]bool{}
	for _, p := range testshared.ReadTSV(t, filepath.Join("testdata", "app", "fields.tsv"), 4) {
		l := strings.Join(p, "\t")
		var n uint32
		if err := json.Unmarshal([]byte(p[1]), &n); err != nil {
			t.Fatalf("fields.tsv: bad frame in %q", l)
		}
		if want[p[0]] == nil {
			want[p[0]] = map[key][]string{}
			order = append(order, p[0])
		}
		want[p[0]][key{n, p[2]}] = uniq(strings.Split(p[3], ","))
		fields[p[2]] = true
	}
	if len(order) < 4 {
		t.Fatalf("fields.tsv lists %d captures", len(order))
	}
	for _, capture := range order {
		path := capturePath(t, capture)
		got := map[key][]string{}
		for _, line := range strings.Split(strings.TrimSpace(dumpOut(t, "--format", "jsonl", path)), "\n") {
			var r appRow
			if err := json.Unmarshal([]byte(line), &r); err != nil {
				t.Fatalf("%s: %v: %s", capture, err, line)
			}
			if r.App == nil {
				continue
			}
			if r.App.Proto == "" || r.App.Summary == "" && len(r.App.Fields) > 0 {
				t.Errorf("%s frame %d: app object without proto or summary: %s", capture, r.Frame, line)
			}
			if r.App.Malformed != nil && *r.App.Malformed == "" {
				t.Errorf("%s frame %d: an empty malformed key", capture, r.Frame)
			}
			vals := map[string][]string{}
			for _, fl := range r.App.Fields {
				if fields[fl.Name] {
					vals[fl.Name] = append(vals[fl.Name], fl.Value)
				}
			}
			for name, v := range vals {
				got[key{r.Frame, name}] = uniq(v)
			}
		}
		var keys []key
		for k := range want[capture] {
			keys = append(keys, k)
		}
		for k := range got {
			if _, ok := want[capture][k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Slice(keys, func(i, j int) bool {
			return keys[i].frame < keys[j].frame || keys[i].frame == keys[j].frame && keys[i].field < keys[j].field
		})
		for _, k := range keys {
			if w, g := want[capture][k], got[k]; !reflect.DeepEqual(w, g) {
				t.Errorf("%s frame %d %s: dump says %q, tshark %q", capture, k.frame, k.field, g, w)
			}
		}
	}
}

func uniq(v []string) []string {
	out := slices.Clone(v)
	slices.Sort(out)
	return slices.Compact(out)
}

// TestDumpAppKeepsRows checks that the "app" objects are all the app
// analysis adds: every sample's rows, with "app" taken out, are the rows
// written without it (the streaming writer's), and the rows with no
// application message have no "app" key.
func TestDumpAppKeepsRows(t *testing.T) {
	withApp := 0
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
		var plain bytes.Buffer
		if err := writeJSONL(&plain, tl, -1, nil, nil); err != nil {
			t.Fatal(err)
		}
		got := strings.Split(strings.TrimSpace(dumpOut(t, "--format", "jsonl", "sample:"+smp.Name)), "\n")
		want := strings.Split(strings.TrimSpace(plain.String()), "\n")
		if len(got) != len(want) {
			t.Fatalf("%s: %d rows, %d without app", smp.Name, len(got), len(want))
		}
		for i := range got {
			var g, w map[string]any
			if err := json.Unmarshal([]byte(got[i]), &g); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(want[i]), &w); err != nil {
				t.Fatal(err)
			}
			if a, ok := g["app"]; ok {
				withApp++
				if m := a.(map[string]any); len(m["fields"].([]any)) == 0 && m["summary"] == "" {
					t.Errorf("%s row %d: an empty app object", smp.Name, i+1)
				}
				if g["len"].(float64) == 0 {
					t.Errorf("%s row %d: an app object on a segment without payload", smp.Name, i+1)
				}
				delete(g, "app")
			}
			if !reflect.DeepEqual(g, w) {
				t.Errorf("%s row %d: %s\nwithout app: %s", smp.Name, i+1, got[i], want[i])
			}
			// The "app" key comes after the contract's keys: a prefix of the row.
			if !strings.HasPrefix(got[i], strings.TrimSuffix(want[i], "}")) {
				t.Errorf("%s row %d: the contract's keys moved: %s", smp.Name, i+1, got[i])
			}
		}
		in.Close()
	}
	if withApp < 20 {
		t.Errorf("only %d rows of the samples have app objects", withApp)
	}
}
