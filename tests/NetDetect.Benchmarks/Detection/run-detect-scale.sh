#!/usr/bin/env bash
# End-to-end `netdetect detect` on a simulated dataset of stated size: the README's detect rows.
# Usage: tests/NetDetect.Benchmarks/Detection/run-detect-scale.sh ACCOUNTS POSTS [LIMIT_GB] [RUNS]
#   e.g. ... 500000 2000000        (2.07M posts, the row that completes)
#        ... 2500000 10000000 21   (10.09M posts, the issue's size)
# The dataset is simulated once (seed 1, default operations) and cached under $CACHE (default /tmp/netdetect-bench).
# Each run prints wall time, CPU, peak resident memory and summary.json's stage seconds. The resident set is
# sampled every second and the run is killed above LIMIT_GB (default 21) so that a run too large for the machine
# ends with a line saying where it was, instead of taking the machine down. NETDETECT_LAPS=1 in the environment
# adds the steps inside each stage (with the working set after each) to the output; DETECT_ARGS adds options to detect
# (e.g. DETECT_ARGS="--min-edge-pairs 2", the scale mode).
set -uo pipefail
cd "$(dirname "$0")/../../.."
ACCOUNTS=${1:?accounts}
POSTS=${2:?posts}
LIMIT_MB=$(( ${3:-21} * 1024 ))
RUNS=${4:-1}
CACHE=${CACHE:-/tmp/netdetect-bench}
BIN="$CACHE/netdetect-cli"
DATA="$CACHE/sim-a$ACCOUNTS-p$POSTS-s1"
mkdir -p "$CACHE"
dotnet build src/NetDetect.Cli -c Release -o "$BIN" -v q -nologo >/dev/null || exit 1
if [ ! -f "$DATA/posts.parquet" ]; then
  echo "simulating $ACCOUNTS accounts / $POSTS posts into $DATA"
  rm -rf "$DATA.tmp"
  "$BIN/netdetect" simulate --out "$DATA.tmp" --accounts "$ACCOUNTS" --posts "$POSTS" --seed 1 || exit 1
  mv "$DATA.tmp" "$DATA"
fi
for run in $(seq 1 "$RUNS"); do
  OUT=$(mktemp -d)
  echo "===== run $run: load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%T) UTC"
  /usr/bin/time -f "%e s wall, %U s user, %S s sys, %M KB peak" "$BIN/netdetect" detect "$DATA" --out "$OUT" ${DETECT_ARGS:-} &
  pid=$!
  peak=0
  while kill -0 $pid 2>/dev/null; do
    child=$(pgrep -P $pid | head -1)
    rss=$(awk '/VmRSS/{print int($2/1024)}' /proc/${child:-$pid}/status 2>/dev/null)
    if [ -n "$rss" ]; then
      [ "$rss" -gt "$peak" ] && peak=$rss
      if [ "$rss" -gt "$LIMIT_MB" ]; then echo "killed at $rss MB resident (limit $LIMIT_MB MB)"; kill -9 "${child:-$pid}"; fi
    fi
    sleep 1
  done
  wait $pid
  echo "exit $?, sampled peak $peak MB"
  [ -f "$OUT/summary.json" ] && python3 -c "import json,sys; print('stage seconds:', json.load(open(sys.argv[1])).get('stage_seconds'))" "$OUT/summary.json"
  rm -rf "$OUT"
done
