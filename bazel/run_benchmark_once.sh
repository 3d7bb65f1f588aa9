#!/bin/sh
# Runs a Google Benchmark binary with each benchmark as short as it can be: a test that
# the benchmarks still build, run and do not crash, not a measurement.
set -eu
binary="$1"
shift
exec "$binary" --benchmark_min_time=0.000001 "$@" >/dev/null
