#!/usr/bin/env bash
# BenchmarkDotNet micro-benchmarks of TailHub's hot paths. Default: a short in-process job, all benchmarks in a
# couple of minutes. "--full" for BenchmarkDotNet's default job; other arguments go to BenchmarkDotNet
# (e.g. --filter '*FanOut*'). Reports: load-tests/results/benchmarks/results/.
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build -c Release load-tests/benchmarks/TailHub.Benchmarks.csproj -nologo -v q >/dev/null
exec dotnet artifacts/bin/TailHub.Benchmarks/Release/net10.0/TailHub.Benchmarks.dll "$@"
