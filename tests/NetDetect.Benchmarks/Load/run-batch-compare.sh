#!/usr/bin/env bash
# Batch scoring through the API vs the CLI on the same data (issue 6: API ≥ 80% of the CLI's throughput).
# Starts a local Release `netdetect serve`, submits DIR (default data/sample) as multipart Parquet, polls the
# batch every 50 ms and takes submit → succeeded from the client's clock; then runs `netdetect detect DIR`
# with the same model and takes its wall time. Both are printed with accounts/s and the verdict counts.
# usage: tests/NetDetect.Benchmarks/Load/run-batch-compare.sh [DIR=data/sample] [runs=3]
set -euo pipefail
cd "$(dirname "$0")/../../.."

DIR=${1:-data/sample}
RUNS=${2:-3}
PORT=${PORT:-18081}
KEY=k1
WORK=$(mktemp -d /tmp/nd-compare.XXXXXX)
BASE=http://127.0.0.1:$PORT
CLI=src/NetDetect.Cli/bin/Release/net10.0/netdetect.dll

dotnet build -c Release src/NetDetect.Cli -v q -nologo >/dev/null

NETDETECT_API_KEYS=$KEY:admin dotnet $CLI serve --data-dir "$WORK/data" --urls "$BASE" >"$WORK/serve.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 60); do curl -fs "$BASE/readyz" >/dev/null && break; sleep 1; done
curl -fs "$BASE/readyz" >/dev/null || { echo "server not ready after 60 s"; cat "$WORK/serve.log"; exit 1; }

now() { date +%s.%N; }
for run in $(seq "$RUNS"); do
    T0=$(now)
    BATCH=$(curl -fsS -H "X-Api-Key: $KEY" -F accounts=@"$DIR/accounts.parquet" -F posts=@"$DIR/posts.parquet" \
        "$BASE/v1/batches" | jq -r .id)
    STATUS=queued
    for _ in $(seq 12000); do
        BODY=$(curl -fsS -H "X-Api-Key: $KEY" "$BASE/v1/batches/$BATCH")
        STATUS=$(jq -r .status <<<"$BODY")
        [[ $STATUS == succeeded || $STATUS == failed ]] && break
        sleep 0.05
    done
    T1=$(now)
    [[ $STATUS == succeeded ]] || { echo "batch $BATCH ended $STATUS"; exit 1; }
    API=$(echo "$T1 - $T0" | bc -l)
    echo "api run $run: $(printf %.2f "$API") s submit→succeeded; counts $(jq -c .counts <<<"$BODY")"

    T0=$(now)
    dotnet $CLI detect "$DIR" --out "$WORK/out$run" >"$WORK/cli$run.log" 2>&1
    T1=$(now)
    CLIS=$(echo "$T1 - $T0" | bc -l)
    ACC=$(jq -r '.accounts // .counts.accounts // empty' "$WORK/out$run/summary.json" 2>/dev/null || true)
    echo "cli run $run: $(printf %.2f "$CLIS") s wall (process start to exit); summary $(jq -c '{accounts,coordinated,suspicious,clusters}' "$WORK/out$run/summary.json" 2>/dev/null || echo '?')"
    echo "api/cli throughput ratio run $run: $(printf %.2f "$(echo "$CLIS / $API" | bc -l)")"
done
