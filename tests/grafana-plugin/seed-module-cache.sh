#!/usr/bin/env bash
# Puts the Grafana ClickHouse plugin's v4.20.0 release commit into the Go module cache from a local clone,
# for machines whose module proxy refuses it (this project's: 403 "This module version is not available").
# Go itself resolves the commit and builds the module zip from the clone (GOPROXY=direct, the clone standing
# in for github.com through git's url.insteadOf), so the result is what the public proxy would serve; the
# script then checks its hash against go.sum.
#
#   tests/grafana-plugin/seed-module-cache.sh /path/to/clickhouse-datasource(.git)
set -euo pipefail
clone=${1:?usage: $0 <path to a git clone (bare or not) of github.com/grafana/clickhouse-datasource>}
clone=$(cd "$clone" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
go=${GO:-$(command -v go || echo /usr/local/go/bin/go)}
commit=973c4a508220c378ef8a477f3133bba935ca2345 # tag v4.20.0
gitconfig=$(mktemp)
trap 'rm -f "$gitconfig"' EXIT
printf '[url "file://%s"]\n\tinsteadOf = https://github.com/grafana/clickhouse-datasource\n' "$clone" >"$gitconfig"
sum=$(cd "$(mktemp -d)" && GIT_CONFIG_GLOBAL=$gitconfig GOPRIVATE=github.com/grafana/clickhouse-datasource GOPROXY=direct GOFLAGS=-mod=mod \
  "$go" mod download -json "github.com/grafana/clickhouse-datasource@$commit" | sed -n 's/.*"Sum": "\(.*\)".*/\1/p')
want=$(awk '$1=="github.com/grafana/clickhouse-datasource" && $2 !~ /go.mod$/ {print $3}' "$here/go.sum")
if [ "$sum" != "$want" ]; then
  echo "module hash $sum does not match go.sum's $want" >&2
  exit 1
fi
echo "github.com/grafana/clickhouse-datasource@$commit is in the module cache ($sum)"
