#!/usr/bin/env bash
# Rebuilds Samples/sample-dataset: three pangrams spoken by espeak-ng (16 kHz mono WAV via sox),
# animated by `faceprep synth` from each recording's loudness. Needs espeak-ng, sox and a built faceprep.
set -euo pipefail
cd "$(dirname "$0")"
faceprep=${FACEPREP:-../.build/release/faceprep}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
say() { espeak-ng -s 150 -w "$work/raw.wav" "$2"; sox "$work/raw.wav" -r 16000 -c 1 -b 16 "$work/$1.wav"; }
say pangram1_neutral "The quick brown fox jumps over the lazy dog."
say pangram2_joy "Shy television watchers usually think joyous thoughts."
say pangram3_neutral "Perhaps my cat, Pat, happily put wood by the fire."
rm -f "$work/raw.wav"
rm -rf sample-dataset
wavs=("$work"/pangram*.wav)
"$faceprep" synth sample-dataset --vertices 600 --poses 52 --seed 7 --audio "$(IFS=,; echo "${wavs[*]}")"
du -sh sample-dataset
