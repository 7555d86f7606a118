#!/usr/bin/env bash
# Run every fuzz target of the module for a while each (FUZZTIME, default
# 5s); run it with FUZZTIME=10m to hunt. CI does not run this script: the
# normal tests do the brief run (TestFuzzBrief in fuzz_brief_test.go fuzzes
# every target for 500 inputs, skipped under -short).
# Inputs that fail are written under the package's testdata/fuzz/ by go test;
# commit them as regression seeds once fixed.
# FUZZMINIMIZETIME (default 5s) bounds the minimisation of each new input:
# go test's 60s default starves the ui targets, whose every run draws every
# screen (FuzzScreens ran 39 inputs in 4 minutes with it, some 40 a second
# with 10x).
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-5s}
minimize=${FUZZMINIMIZETIME:-5s}
status=0
while IFS=: read -r file name; do
  pkg=$(dirname "$file") # ./decode, ./ui, ...
  echo "fuzz: $pkg $name for $fuzztime"
  if ! go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" -fuzzminimizetime "$minimize" "$pkg"; then
    status=1
  fi
done < <(grep -rHo --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*' . | sed 's/func //' | sort)
exit $status
