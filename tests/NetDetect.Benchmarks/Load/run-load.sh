#!/usr/bin/env bash
# Fixed-rate load benchmark of GET /v1/accounts/{id} against a local Release `netdetect serve`:
# starts the server on loopback, submits data/sample, waits for its verdicts, runs the open-loop
# generator (`load` mode of tests/NetDetect.Benchmarks) and stops the server again.
# usage: tests/NetDetect.Benchmarks/Load/run-load.sh [rate=1000] [duration=30]
# Every wait is bounded; the server is killed on exit whatever happens.
set -euo pipefail
cd "$(dirname "$0")/../../.."

RATE=${1:-1000}
DURATION=${2:-30}
PORT=${PORT:-18080}
KEY=k1
DATA=$(mktemp -d /tmp/nd-load.XXXXXX)
BASE=http://127.0.0.1:$PORT

dotnet build -c Release src/NetDetect.Cli -v q -nologo >/dev/null
dotnet build -c Release tests/NetDetect.Benchmarks -v q -nologo >/dev/null

NETDETECT_API_KEYS=$KEY:admin dotnet src/NetDetect.Cli/bin/Release/net10.0/netdetect.dll serve \
    --data-dir "$DATA" --urls "$BASE" >"$DATA/serve.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true' EXIT

for _ in $(seq 60); do
    curl -fs "$BASE/readyz" >/dev/null && break
    sleep 1
done
curl -fs "$BASE/readyz" >/dev/null || { echo "server not ready after 60 s"; cat "$DATA/serve.log"; exit 1; }

BATCH=$(curl -fsS -H "X-Api-Key: $KEY" -F accounts=@data/sample/accounts.parquet -F posts=@data/sample/posts.parquet \
    "$BASE/v1/batches" | jq -r .id)
STATUS=queued
for _ in $(seq 300); do
    STATUS=$(curl -fsS -H "X-Api-Key: $KEY" "$BASE/v1/batches/$BATCH" | jq -r .status)
    [[ $STATUS == succeeded || $STATUS == failed ]] && break
    sleep 1
done
[[ $STATUS == succeeded ]] || { echo "batch $BATCH ended $STATUS"; exit 1; }

# every scored account id (first pages of verdicts, at most 10 pages of 500)
IDS=$DATA/ids.txt
: >"$IDS"
CURSOR=
for _ in $(seq 10); do
    PAGE=$(curl -fsS -H "X-Api-Key: $KEY" "$BASE/v1/batches/$BATCH/verdicts?limit=500${CURSOR:+&cursor=$CURSOR}")
    jq -r '.items[].account_id' <<<"$PAGE" >>"$IDS"
    CURSOR=$(jq -r '.next_cursor // empty' <<<"$PAGE")
    [[ -n $CURSOR ]] || break
done
echo "batch $BATCH succeeded; $(wc -l <"$IDS") account ids; load average: $(cut -d' ' -f1-3 /proc/loadavg)"

dotnet tests/NetDetect.Benchmarks/bin/Release/net10.0/NetDetect.Benchmarks.dll load \
    --url "$BASE" --key "$KEY" --rate "$RATE" --duration "$DURATION" --accounts "$IDS"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
