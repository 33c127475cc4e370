#!/usr/bin/env bash
# Writes models/parity/<source>.txt: the Python reference evaluator's figures on the first N test
# images of each source, for the Java parity test (EvaluatorParityTest). Run after every export:
#   models/training/parity.sh [N]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DATA="${VEJSYN_DATASETS:-$ROOT/../shared/datasets}"
N="${1:-40}"
mkdir -p "$ROOT/models/parity"
for src in dnit-brazil-highway-potholes chitholian-annotated-potholes; do
  sub="$(mktemp -d)"
  mkdir -p "$sub/images" "$sub/labels"
  head -n "$N" "$DATA/$src/splits/test.txt" | while read -r name; do
    ln -s "$DATA/$src/images/$name" "$sub/images/$name"
    stem="${name%.*}"
    [[ -f "$DATA/$src/labels/$stem.txt" ]] && ln -s "$DATA/$src/labels/$stem.txt" "$sub/labels/$stem.txt"
  done
  line="$(OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 "$ROOT/models/training/evaluate.py" --dataset "$sub" 2>/dev/null | tail -n 1)"
  {
    echo "# Python reference figures for the Java parity test; made by models/training/parity.sh"
    echo "source=$src split=test first=$N model=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$ROOT/models/pothole-detector.json")"
    echo "$line"
  } > "$ROOT/models/parity/$src.txt"
  rm -rf "$sub"
  echo "$src: $line"
done
