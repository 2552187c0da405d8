#!/usr/bin/env bash
# Builds our collector distribution (collector/builder-config.yaml) into collector/dist/tc9-otelcol with the
# OpenTelemetry Collector Builder. Skips everything when the binary exists and was built from the same manifest,
# builder and Go version (stamp file), so `npm test`'s pretest stays fast. Uses the default Go module and build
# caches (~/go/pkg/mod, ~/.cache/go-build): a rebuild after a manifest change recompiles only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

# Must match the versions in collector/builder-config.yaml (the builder refuses mismatched core modules anyway).
BUILDER_VERSION=v0.155.0
MANIFEST=collector/builder-config.yaml
BIN_DIR="$PWD/collector/.bin"
DIST=collector/dist
BINARY="$DIST/tc9-otelcol"
STAMP="$DIST/.tc9-build-stamp"

if ! command -v go >/dev/null 2>&1; then
  [ -x /usr/local/go/bin/go ] && export PATH="$PATH:/usr/local/go/bin"
fi
if ! command -v go >/dev/null 2>&1; then
  echo "collector:build: Go is not installed (need Go >= 1.26; see README, 'Our collector distribution')" >&2
  exit 1
fi

stamp="$(printf '%s\n%s\n%s\n' "$BUILDER_VERSION" "$(go env GOVERSION)" "$(sha256sum "$MANIFEST" scripts/build-collector.sh collector/go-shim.sh)" | sha256sum | cut -d' ' -f1)"
if [ -x "$BINARY" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$stamp" ]; then
  echo "collector:build: $BINARY is up to date"
  exit 0
fi

mkdir -p "$BIN_DIR"
# One build at a time (several test runs may share this tree); the second waits, then finds the stamp fresh.
exec 9>"$BIN_DIR/.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi
if [ -x "$BINARY" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$stamp" ]; then
  echo "collector:build: $BINARY is up to date"
  exit 0
fi

started=$(date +%s)
if [ ! -x "$BIN_DIR/builder" ] || [ "$(cat "$BIN_DIR/builder.version" 2>/dev/null)" != "$BUILDER_VERSION" ]; then
  echo "collector:build: installing go.opentelemetry.io/collector/cmd/builder@$BUILDER_VERSION into collector/.bin"
  GOBIN="$BIN_DIR" go install "go.opentelemetry.io/collector/cmd/builder@$BUILDER_VERSION"
  echo "$BUILDER_VERSION" >"$BIN_DIR/builder.version"
fi

echo "collector:build: building $BINARY (first build downloads and compiles the modules: minutes)"
rm -f "$STAMP"
# The builder runs `go` from PATH; collector/go-shim.sh (see why there) makes its `go mod tidy` tolerant.
export TC9_REAL_GO="$(command -v go)"
mkdir -p "$BIN_DIR/shim"
ln -sf "$PWD/collector/go-shim.sh" "$BIN_DIR/shim/go"
PATH="$BIN_DIR/shim:$PATH" "$BIN_DIR/builder" --config "$MANIFEST"
"$BINARY" --version
echo "$stamp" >"$STAMP"
echo "collector:build: done in $(( $(date +%s) - started ))s"
