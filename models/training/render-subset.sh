#!/usr/bin/env bash
# Makes the rendered training data the shipped model was trained with: the project's own road
# scenes (bin/vejsyn render-dataset, seed 7, 1500 scenes), of which the first 450 train, 120 val
# and 120 test images of its fixed splits are used (a subset keeps epochs short on 2 cores).
#   models/training/render-subset.sh [OUT_DIR]     (default /tmp/render-subset)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${1:-/tmp/render-subset}"
FULL="${OUT}-full"
[[ -d "$FULL/images" ]] || "$ROOT/bin/vejsyn" render-dataset --count 1500 --seed 7 --out "$FULL"
rm -rf "$OUT"; mkdir -p "$OUT/images" "$OUT/labels" "$OUT/splits"
head -n 450 "$FULL/splits/train.txt" > "$OUT/splits/train.txt"
head -n 120 "$FULL/splits/val.txt" > "$OUT/splits/val.txt"
head -n 120 "$FULL/splits/test.txt" > "$OUT/splits/test.txt"
cat "$OUT"/splits/*.txt | while read -r name; do
  ln -s "$FULL/images/$name" "$OUT/images/$name"
  ln -s "$FULL/labels/${name%.*}.txt" "$OUT/labels/${name%.*}.txt"
done
cp "$FULL/SOURCE.md" "$OUT/"
echo "$OUT: $(ls "$OUT/images" | wc -l) images"
