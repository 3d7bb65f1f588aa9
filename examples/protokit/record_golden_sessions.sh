#!/usr/bin/env bash
# Re-records the golden sessions of the kit's own protocols (protocols/*/testdata/*.jsonl)
# from live runs of `protokit serve PROTOCOL --record FILE` on loopback, driven by nc and
# `protokit upload`. golden_sessions_test replays them (the default, and what CI does);
# run this after a protocol's behaviour changes on purpose, and review the diff.
#
#   examples/protokit/record_golden_sessions.sh            # every protocol
#   examples/protokit/record_golden_sessions.sh line       # one
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
bazel build -c opt //examples/protokit >/dev/null 2>&1 || { echo "record_golden_sessions: the build failed" >&2; exit 1; }
protokit="$PWD/bazel-bin/examples/protokit/protokit"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# serve PROTOCOL OUT ARGS...: starts the server recording into OUT; sets port and server.
serve() {
  local protocol="$1" out="$2"
  shift 2
  "$protokit" serve "$protocol" --listen tcp:0:interface=127.0.0.1 --record "$out" "$@" \
    >"$work/listening" &
  server=$!
  until [[ -s "$work/listening" ]]; do kill -0 "$server"; sleep 0.05; done
  port="$(sed 's/.*://' "$work/listening")"
}

stop() {
  kill -TERM "$server"
  wait "$server"
  rm -f "$work/listening"
}

# The client's bytes arrive in separate chunks (the sleeps), as a person types them.
lines() { printf 'hello\n'; sleep 0.1; printf 'split li'; sleep 0.1; printf 'ne\r\n'; sleep 0.1; printf 'quit\n'; }

record() {
  local protocol="$1" out="protocols/$1/testdata/$1.jsonl"
  mkdir -p "protocols/$protocol/testdata"
  case "$protocol" in
    echo)
      serve echo "$out"
      { printf 'hello\r\n'; sleep 0.1; printf '\000\001binary\377'; sleep 0.1; } |
        nc -N 127.0.0.1 "$port" >/dev/null
      ;;
    line | reverse)
      serve "$protocol" "$out"
      lines | nc 127.0.0.1 "$port" >/dev/null
      ;;
    upload)
      printf 'hello\r\nPUT 1 x y\n' >"$work/a.txt"
      head -c 3000 /dev/urandom >"$work/b.bin"
      serve upload "$out" --root "$work/root"
      (cd "$work" && "$protokit" upload --no-progress --to "127.0.0.1:$port" \
        a.txt=docs/a.txt b.bin=../refused b.bin >/dev/null 2>&1) || true
      ;;
    *) echo "record_golden_sessions: no script for '$protocol'" >&2; exit 2 ;;
  esac
  stop
  echo "recorded $out"
}

for protocol in "${@:-echo line reverse upload}"; do
  for p in $protocol; do record "$p"; done
done
