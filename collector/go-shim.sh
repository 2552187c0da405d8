#!/bin/sh
# Stands in for `go` while the collector builder runs (scripts/build-collector.sh puts it first on PATH as `go`).
# It changes one thing: the builder's `go mod tidy` becomes `go mod tidy -e`.
# Why: `go mod tidy` also loads the tests of our dependencies, and resourcedetectionprocessor's tests import
# contrib's pkg/golden and pkg/xk8stest, whose v0.155.0 zips the Go module proxy we build from refuses
# (403 "This module version is not available"). Nothing the collector binary compiles needs them; `-e` lets tidy
# record every other requirement. If a module the binary does need were missing, `go build` would still fail.
if [ "$1" = "mod" ] && [ "$2" = "tidy" ]; then
  shift 2
  exec "$TC9_REAL_GO" mod tidy -e "$@"
fi
exec "$TC9_REAL_GO" "$@"
