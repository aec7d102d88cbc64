#!/usr/bin/env bash
# How long after a restart TailHub follows a big file again: starts the Release build on FILE with its state in
# DATA, appends a marker line, and reports when the process answers and when the marker reaches a viewer.
# Run it twice on the same DATA: the first start numbers the file, the second resumes from the saved position.
#   load-tests/scripts/restart-follow.sh /tmp/big.log /tmp/big-data [TailHub.dll]
set -eu
file=$1 data=$2
dll=${3:-$(dirname "$0")/../../artifacts/bin/TailHub/Release/net10.0/TailHub.dll}
port=5999
marker="restart-marker-$(date +%s%N)"
start=$(date +%s.%N)
dotnet "$dll" --urls=http://127.0.0.1:$port --TailHub:LogFile= --TailHub:DataDirectory="$data" \
  --TailHub:Sources:0:Name=big --TailHub:Sources:0:Path="$file" --Logging:LogLevel:Default=Warning >/dev/null 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
until curl -s -o /dev/null -m 1 http://127.0.0.1:$port/api/sources; do sleep 0.02; done
listening=$(date +%s.%N)
echo "$marker" >> "$file"
until curl -s -m 1 "http://127.0.0.1:$port/api/stream?sources=big&backlog=20" 2>/dev/null | grep -q "$marker"; do sleep 0.02; done
seen=$(date +%s.%N)
echo "answering after $(echo "$listening - $start" | bc) s; a line appended then reached a viewer $(echo "$seen - $listening" | bc) s later"
