#!/usr/bin/env bash
# Runs the README's performance measurements one after another (run it on an otherwise idle machine):
# ingest, network parts, the data.table side-by-side, kernels, Leiden vs igraph, scoring.
# Each step prints the load average first; /usr/bin/time adds wall, CPU and peak memory.
# Needs: a Release build of tests/NetDetect.Benchmarks, python3-igraph and r-cran-data.table for the comparisons.
set -uo pipefail
cd "$(dirname "$0")/../.."
dotnet build -c Release tests/NetDetect.Benchmarks -v q -nologo >/dev/null
B="dotnet tests/NetDetect.Benchmarks/bin/Release/net10.0/NetDetect.Benchmarks.dll"
T="/usr/bin/time -f %e_s_wall_%U_s_user_%S_s_sys_%M_KB_peak"
step() { echo; echo "===== $* (load $(cut -d' ' -f1-3 /proc/loadavg), $(date +%T))"; }
step ingest; $B ingest --posts 10000000
step sort; $T $B network 10000000 sort
step aggregate; $T $B network 10000000 aggregate
step build; $T $B network 10000000 build
step e2e; $T $B network 10000000 e2e
step csv; $T $B network 1000000 csv /tmp/netdetect-f1m.csv
$T Rscript tests/NetDetect.Benchmarks/Network/dt_join.R /tmp/netdetect-f1m.csv 1
step threshold; $T $B kernels --only=threshold
step sparse; $T $B kernels --only=sparse
step communities; $B communities --runs 3
step scoring; $T $B scoring
step done
