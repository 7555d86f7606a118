#!/usr/bin/env bash
# regen.sh — record which frames tshark's display filter matches in every embedded sample, for
# every filter of testdata/filter/filters.txt: what testdata/filter/expected.tsv records for the
# shared corpus, recorded the same way (that directory's regen.sh, run over samples/data), so the
# command line's --filter is held to tshark on the samples too (cli/filter_test.go, e2e).
#
# usage: cli/testdata/filter/regen.sh > cli/testdata/filter/samples.tsv
#        (REUSE=FILE and JOBS=N as testdata/filter/regen.sh takes them)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/captures"
cp "$repo"/samples/data/*.pcap "$dir/captures/"
SHARED=$dir "$repo/testdata/filter/regen.sh"
