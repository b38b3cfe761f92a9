#!/usr/bin/env bash
# Reproduces models/netdetect-default.zip and every figure of models/MODEL_CARD.md.
# Usage: models/reproduce.sh [WORKDIR]   (from the repository root; ../shared/data must exist)
set -euo pipefail
W=${1:-/tmp/netdetect-model}
mkdir -p "$W"
dotnet build src/NetDetect.Cli -c Release -o "$W/bin"
ND="$W/bin/netdetect"
DATA=../shared/data
sim() { "$ND" simulate --out "$W/$1" --accounts 20000 --posts 400000 --operations 4 --seed "$2" --difficulty "$3" --threads 1; }

# simulator data: training seeds 1-3, held-out seeds 11-12 (operation care levels 0.10/0.37/0.63/0.90)
for s in 1 2 3 11 12; do sim sim-s$s $s mixed; done
# operation styles for the unseen-style test: train on easy and medium, test on hard
sim sim-easy-s21 21 easy; sim sim-medium-s22 22 medium; sim sim-hard-s23 23 hard
# real behaviour in a real background: IRA 2016 accounts into the German election posts, disjoint account halves
"$ND" inject --background $DATA/coortweet/german_elections.csv --operation $DATA/ira-2016/ira_tweets_2016-09-01_to_2016-11-30.csv.gz \
  --out "$W/inj-train" --part 0/2 --seed 1 --accounts 100
"$ND" inject --background $DATA/coortweet/german_elections.csv --operation $DATA/ira-2016/ira_tweets_2016-09-01_to_2016-11-30.csv.gz \
  --out "$W/inj-test" --part 1/2 --seed 2 --accounts 100

# the shipped model
"$ND" train "$W/sim-s1" "$W/sim-s2" "$W/sim-s3" "$W/inj-train" --out "$W/netdetect-default.zip" --threads 1 --seed 7
# the unseen-style variant (never sees a hard operation)
"$ND" train "$W/sim-easy-s21" "$W/sim-medium-s22" "$W/inj-train" --out "$W/style-holdout.zip" --threads 1 --seed 7

# held-out evaluations
for d in sim-s11 sim-s12 inj-test; do "$ND" evaluate "$W/$d" --model "$W/netdetect-default.zip" --out "$W/eval-$d"; done
"$ND" evaluate "$W/sim-hard-s23" --model "$W/style-holdout.zip" --out "$W/eval-style-hard"
