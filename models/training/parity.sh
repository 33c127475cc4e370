#!/usr/bin/env bash
# Writes models/parity/<source>[-crack].txt: the Python reference evaluator's figures on the first N
# test images of each source, per damage class the source is annotated for and the model reports, for
# the Java parity test (EvaluatorParityTest). Run after every export:
#   models/training/parity.sh [N]
# The subsets are named like their source (in a temporary folder) so that the source's label table
# applies (models/README.md section 2): dnit's labels-crack/, RDD2022's typed cracks.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DATA="${VEJSYN_DATASETS:-$ROOT/../shared/datasets}"
N="${1:-40}"
META="$ROOT/models/pothole-detector.json"
VERSION="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$META")"
# Every class the model has an output row for is measured, reported or not (crack, for now).
OUTPUTS="$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(" ".join(m["classes"]))' "$META")"
mkdir -p "$ROOT/models/parity"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for pair in dnit-brazil-highway-potholes:pothole chitholian-annotated-potholes:pothole \
            dnit-brazil-highway-potholes:crack rdd2022-china-motorbike:crack; do
  src="${pair%%:*}"; cls="${pair##*:}"
  [[ " $OUTPUTS " == *" $cls "* ]] || { echo "$src $cls: the model has no $cls output, skipped"; continue; }
  [[ -d "$DATA/$src" ]] || { echo "$src: not in $DATA, skipped"; continue; }
  sub="$tmp/$src"
  rm -rf "$sub"
  mkdir -p "$sub/images"
  for lab in labels labels-crack; do
    [[ -d "$DATA/$src/$lab" ]] && mkdir -p "$sub/$lab"
  done
  head -n "$N" "$DATA/$src/splits/test.txt" | while read -r name; do
    ln -s "$DATA/$src/images/$name" "$sub/images/$name"
    stem="${name%.*}"
    for lab in labels labels-crack; do
      [[ -f "$DATA/$src/$lab/$stem.txt" ]] && ln -s "$DATA/$src/$lab/$stem.txt" "$sub/$lab/$stem.txt"
    done
    true
  done
  line="$(OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 "$ROOT/models/training/evaluate.py" --dataset "$sub" --class "$cls" 2>/dev/null | tail -n 1)"
  out="$ROOT/models/parity/$src$([[ $cls == pothole ]] || echo "-$cls").txt"
  {
    echo "# Python reference figures for the Java parity test; made by models/training/parity.sh"
    echo "source=$src class=$cls split=test first=$N model=$VERSION"
    echo "$line"
  } > "$out"
  echo "$src $cls: $line"
done
