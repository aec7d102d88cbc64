#!/usr/bin/env bash
# Breaks idle memory per viewer down: starts TailHub (Release build, as the load tester does: one source, loopback,
# viewer caps lifted), censuses its heap and memory map, connects N idle viewers, censuses again and prints the
# difference per viewer. Extra arguments go to the server, e.g. --TailHub:ViewerQueueBatches=64.
#   load-tests/heap/census.sh 10000
#   DOTNET_GCgen0size=0x400000 load-tests/heap/census.sh 10000     (environment reaches the server too)
#   TOP=150 REFERRERS="System.String,System.Threading.Lock" load-tests/heap/census.sh 10000   (more types; who points at these)
#   SERVER=reference load-tests/heap/census.sh 10000     (the same census of load-tests/reference/, the floor)
set -euo pipefail
cd "$(dirname "$0")/../.."
viewers="${1:-10000}"; shift || true
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
dotnet build -c Release load-tests/heap/TailHub.HeapCensus.csproj -nologo -v q >/dev/null
folder="$(mktemp -d /tmp/tailhub-census-XXXXXX)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
: > "$folder/load.log"
if [ "${SERVER:-tailhub}" = reference ]; then
  dotnet build -c Release load-tests/reference/TailHub.Reference.csproj -nologo -v q >/dev/null
  (cd "$folder" && exec dotnet "$OLDPWD/artifacts/bin/TailHub.Reference/Release/net10.0/TailHub.Reference.dll" --urls "http://127.0.0.1:$port" \
    --source "load=$folder/load.log" "$@" > "$folder/server.log" 2>&1) &
  ready=api/sources
else
  dotnet build -c Release TailHub.csproj -nologo -v q >/dev/null
  (cd "$folder" && exec dotnet "$OLDPWD/artifacts/bin/TailHub/Release/net10.0/TailHub.dll" --urls "http://127.0.0.1:$port" --contentRoot "$folder" \
    --source "load=$folder/load.log" --TailHub:LogFile= --Logging:LogLevel:Default=Warning \
    --TailHub:Limits:MaxViewers=100000 --TailHub:Limits:MaxViewersPerClient=100000 "$@" > "$folder/server.log" 2>&1) &
  ready=healthz/ready
fi
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$folder"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/$ready" >/dev/null 2>&1 && break; sleep 0.2; done
# Some traffic first, so JIT and the first request's one-off allocations are in the baseline, not billed to viewers.
for i in $(seq 200); do echo "warm-up line $i" >> "$folder/load.log"; done
curl -s -m 2 "http://127.0.0.1:$port/api/stream?sources=load&backlog=100" >/dev/null || true
sleep 2
dotnet artifacts/bin/TailHub.HeapCensus/Release/net10.0/TailHub.HeapCensus.dll per-viewer --pid "$server" \
  --url "http://127.0.0.1:$port/" --viewers "$viewers" --top "${TOP:-30}" --referrers "${REFERRERS:-}"
