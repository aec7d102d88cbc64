#!/usr/bin/env bash
# History measurements on a generated file (default 1 GiB of 100-byte lines), TailHub in Release on loopback:
#   first page vs a page 9,000,000 lines deep, download vs cat (local, and the raw file over loopback HTTP),
#   search vs grep -c, the index's size on disk vs the file's, and the CPU TailHub spends reading the file in.
#   load-tests/history.sh [MiB]            (prints a Markdown table; see load-tests/results/REPORT.md)
# Needs curl and python3 (for the raw-file HTTP server). Leaves nothing behind.
set -euo pipefail
cd "$(dirname "$0")/.."
MIB=${1:-1024}
PORT=${PORT:-5812}
RAWPORT=${RAWPORT:-5813}
WORK=$(mktemp -d /tmp/tailhub-history.XXXXXX)
SERVER=""; RAW=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; [ -n "$RAW" ] && kill "$RAW" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

dotnet build -c Release TailHub.csproj -nologo -v q >/dev/null
python3 - "$WORK/big.log" "$MIB" <<'PY'
import sys
path, mib = sys.argv[1], int(sys.argv[2])
target = mib * 1024 * 1024
line = 0
with open(path, 'wb', buffering=1 << 22) as f:
    written = 0
    chunk = []
    while written < target:
        line += 1
        # 100 bytes with the newline; one line in 1000 says ERROR.
        text = (f"2026-12-01T10:00:00Z {'ERROR' if line % 1000 == 0 else 'INFO '} worker {line % 97:02d} request {line:012d} done ").ljust(99, '.') + "\n"
        b = text.encode()
        chunk.append(b); written += len(b)
        if len(chunk) == 10000:
            f.write(b"".join(chunk)); chunk = []
    f.write(b"".join(chunk))
PY
FILE="$WORK/big.log"
BYTES=$(stat -c %s "$FILE")
LINES=$(wc -l < "$FILE")
cat "$FILE" > /dev/null   # page cache, as TailHub and every baseline read it cached

now() { date +%s.%N; }
# CPU seconds (user + system) the server has used so far.
server_cpu() { python3 -c "import os; f=open('/proc/$SERVER/stat').read().rsplit(')',1)[1].split(); print((int(f[11])+int(f[12]))/os.sysconf('SC_CLK_TCK'))"; }
# CPU seconds (user + system) of a command run to completion.
cmd_cpu() { python3 -c "import resource,subprocess,sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); r=resource.getrusage(resource.RUSAGE_CHILDREN); print(f'{r.ru_utime + r.ru_stime:.2f}')" "$@"; }
secs() { python3 -c "print(f'{$2 - $1:.3f}')"; }

dotnet artifacts/bin/TailHub/Release/net10.0/TailHub.dll --urls "http://127.0.0.1:$PORT" --source "big=$FILE" \
  --TailHub:DataDirectory="$WORK/data" --TailHub:LogFile= --Logging:LogLevel:Default=Warning >"$WORK/server.out" 2>&1 &
SERVER=$!
T0=$(now)
until curl -sf "http://127.0.0.1:$PORT/api/sources/big" 2>/dev/null | python3 -c "import sys,json; sys.exit(0 if json.load(sys.stdin)['lastSeq'] >= $LINES + 1 else 1)" 2>/dev/null; do sleep 0.2; done
T1=$(now)
CPU_TICKS=$(awk '{print $14 + $15}' /proc/$SERVER/stat)
CPU=$(python3 -c "import os; print(f'{$CPU_TICKS / os.sysconf(\"SC_CLK_TCK\"):.2f}')")
INDEX=$(cat "$WORK"/data/sources/big/journal-*.ndjson | wc -c)

page() { curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$PORT/api/sources/big/lines?$1"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for i in 1 2 3; do page "after=0&limit=1000" >/dev/null; page "from=9000000&to=9000999" >/dev/null; done
FIRST=$(for i in $(seq 9); do page "after=0&limit=1000"; done | median)
DEEP=$(for i in $(seq 9); do page "from=9000000&to=9000999"; done | median)

A=$(now); cat "$FILE" > /dev/null; B=$(now); CAT=$(secs "$A" "$B")
(cd "$WORK" && exec python3 -m http.server "$RAWPORT" --bind 127.0.0.1 >/dev/null 2>&1) &
RAW=$!
until curl -sf -o /dev/null "http://127.0.0.1:$RAWPORT/"; do sleep 0.1; done
A=$(now); curl -s -o /dev/null "http://127.0.0.1:$RAWPORT/big.log"; B=$(now); RAWHTTP=$(secs "$A" "$B")
C0=$(server_cpu); A=$(now); curl -s -o /dev/null "http://127.0.0.1:$PORT/api/sources/big/download"; B=$(now); DOWNLOAD=$(secs "$A" "$B"); C1=$(server_cpu)
DOWNLOAD_CPU=$(python3 -c "print(f'{$C1 - $C0:.2f}')")
CAT_CPU=$(cmd_cpu cat "$FILE")

A=$(now); HITS_GREP=$(grep -c ERROR "$FILE"); B=$(now); GREP=$(secs "$A" "$B")
A=$(now); curl -s "http://127.0.0.1:$PORT/api/sources/big/search?q=ERROR&limit=1000&context=0" > "$WORK/hits.ndjson"; B=$(now); SEARCH_HITS=$(secs "$A" "$B")
C0=$(server_cpu); A=$(now); curl -s "http://127.0.0.1:$PORT/api/sources/big/search?q=NOSUCHWORD&context=0" > "$WORK/none.ndjson"; B=$(now); SEARCH=$(secs "$A" "$B"); C1=$(server_cpu)
SEARCH_CPU=$(python3 -c "print(f'{$C1 - $C0:.2f}')")
A=$(now); grep -c NOSUCHWORD "$FILE" >/dev/null || true; B=$(now); GREP_NONE=$(secs "$A" "$B")
GREP_CPU=$(cmd_cpu grep -c NOSUCHWORD "$FILE")
END=$(tail -1 "$WORK/none.ndjson")

python3 - <<PY
import os
b, lines = $BYTES, $LINES
mb = b / 1e6
print(f"file: {b:,} bytes, {lines:,} lines; TailHub numbered it in {$T1 - $T0:.1f} s using {$CPU} s of CPU")
print(f"| measure | TailHub | baseline | ratio |")
print(f"|---|---|---|---|")
print(f"| page of 1,000 lines (median of 9) | deep (from 9,000,000): {$DEEP*1000:.1f} ms | first: {$FIRST*1000:.1f} ms | {$DEEP/$FIRST:.2f}x |")
print(f"| download, whole file | {$DOWNLOAD:.2f} s ({mb/$DOWNLOAD:,.0f} MB/s) | cat > /dev/null: {$CAT:.2f} s ({mb/$CAT:,.0f} MB/s); raw file over loopback HTTP: {$RAWHTTP:.2f} s ({mb/$RAWHTTP:,.0f} MB/s) | {$CAT/$DOWNLOAD:.0%} of cat, {$RAWHTTP/$DOWNLOAD:.0%} of raw HTTP |")
print(f"| search, no hit (whole file) | {$SEARCH:.2f} s ({mb/$SEARCH:,.0f} MB/s) | grep -c: {$GREP_NONE:.2f} s | {$GREP_NONE/$SEARCH:.0%} |")
print(f"| search, first 1,000 of {$HITS_GREP:,} hits | {$SEARCH_HITS:.2f} s | grep -c ERROR (all hits): {$GREP:.2f} s | - |")
print(f"| CPU seconds, download | server {$DOWNLOAD_CPU} s | cat {$CAT_CPU} s | - |")
print(f"| CPU seconds, search (no hit) | server {$SEARCH_CPU} s | grep -c {$GREP_CPU} s | {$GREP_CPU/max($SEARCH_CPU, 0.01):.0%} |")
print(f"| load average at the end | {os.getloadavg()[0]:.1f} | | |")
print(f"| index on disk | {$INDEX:,} bytes | file {b:,} bytes | {$INDEX/b:.4%} |")
PY
echo "search end record: $END"
