#!/usr/bin/env bash
# The file path's scenarios against two builds, alternately, so both see the same machine:
#   git worktree add /tmp/before <commit> && (cd /tmp/before && dotnet build -c Release TailHub.csproj)
#   load-tests/scripts/compare-builds.sh /tmp/before/artifacts/bin/TailHub/Release/net10.0/TailHub.dll [results-dir]
set -euo pipefail
cd "$(dirname "$0")/../.."
before=$1 after=artifacts/bin/TailHub/Release/net10.0/TailHub.dll results=${2:-/tmp/compare-builds}
dotnet build -c Release TailHub.csproj -nologo -v q >/dev/null
for round in 1 2; do
  for who in before after; do
    dll=$before; [ "$who" = after ] && dll=$after
    load-tests/run.sh run -n 1000 -r 1000 -d 20 --no-build --server-dll "$dll" --results "$results/run-$who-$round" || true
    load-tests/run.sh catchup --size 1GiB --no-build --server-dll "$dll" --results "$results/catchup-$who-$round" || true
  done
done
