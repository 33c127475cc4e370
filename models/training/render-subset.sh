#!/usr/bin/env bash
# Makes the rendered training data the shipped model was trained with, from the project's own
# renderer (no photographs):
#   OUT              road scenes (bin/vejsyn render-dataset, seed 7, 1500 scenes), of which the
#                    first 450 train, 120 val and 120 test images of its fixed splits are used
#                    (a subset keeps epochs short on 2 cores);
#   OUT-distractors  look-alikes (seed 11, 600 scenes with up to 10 patches, manhole covers, cracks
#                    and road paint each): first 400 train, 60 val, 60 test.
# Look-alikes are labelled as their own classes (1 crack, 2 patch, 3 manhole_cover, 4 road_paint;
# class 0 pothole), as the shipped 5-class model was trained; a 1-class run ignores them.
#   models/training/render-subset.sh [OUT_DIR]     (default /tmp/render-subset)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${1:-/tmp/render-subset}"

# subset FULL OUT TRAIN VAL TEST: links the first TRAIN/VAL/TEST images of FULL's splits into OUT.
subset() {
  local full="$1" out="$2"
  rm -rf "$out"; mkdir -p "$out/images" "$out/labels" "$out/splits"
  head -n "$3" "$full/splits/train.txt" > "$out/splits/train.txt"
  head -n "$4" "$full/splits/val.txt" > "$out/splits/val.txt"
  head -n "$5" "$full/splits/test.txt" > "$out/splits/test.txt"
  cat "$out"/splits/*.txt | while read -r name; do
    ln -s "$full/images/$name" "$out/images/$name"
    ln -s "$full/labels/${name%.*}.txt" "$out/labels/${name%.*}.txt"
  done
  cp "$full/SOURCE.md" "$out/"
  echo "$out: $(ls "$out/images" | wc -l) images"
}

[[ -d "$OUT-full/images" ]] || "$ROOT/bin/vejsyn" render-dataset --count 1500 --seed 7 --out "$OUT-full"
subset "$OUT-full" "$OUT" 450 120 120
[[ -d "$OUT-distractors-full/images" ]] \
  || "$ROOT/bin/vejsyn" render-dataset --count 600 --seed 11 --distractors 10 --out "$OUT-distractors-full"
subset "$OUT-distractors-full" "$OUT-distractors" 400 60 60
