#!/usr/bin/env bash
# Fuzzes every file reader with libFuzzer and AddressSanitizer.
#
#   Scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET…]     default 60 s each, every target
#
# Targets: maya-xml maya-binary npy npz pc2 wav json. Seeds come from the test fixtures and the sample
# dataset (plus variants faceprep writes: FOR8, DVCA, PC2, npy); dictionaries from Fuzz/dictionaries.
# New crashes are written to .build-fuzz/crashes/<target>/ and the script exits 1; a longer nightly run:
#   Scripts/fuzz.sh 3600
# A crash input belongs in Tests/FormatsTests/Fixtures/fuzz-regressions/<target>/ (the tests expect each
# to be refused with a FormatError).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(maya-xml maya-binary npy npz pc2 wav json)
work=.build-fuzz
mkdir -p "$work"

# SwiftPM keeps only the last -sanitize= flag of -Xswiftc, so both sanitizers go in one.
swift build -c release --scratch-path "$work/build" --product faceprep-fuzz \
    --sanitize fuzzer --sanitize address -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING 2>&1 | tail -n 2
fuzzer="$work/build/release/faceprep-fuzz"
swift build -c release --static-swift-stdlib --product faceprep 2>&1 | tail -n 1
faceprep=.build/release/faceprep

# Seeds, one folder per target.
seeds="$work/seeds"
rm -rf "$seeds"
for t in maya-xml maya-binary npy npz pc2 wav json; do mkdir -p "$seeds/$t"; done
sample=Samples/sample-dataset
cp "$sample"/cache/skin/*/*.xml "$seeds/maya-xml/"
cp "$sample"/cache/skin/*/*.mc "$seeds/maya-binary/"
"$faceprep" convert "$sample/cache/skin/pangram1_neutral/pangram1_neutral.xml" "$work/for8.mcx" --force --quiet >/dev/null
"$faceprep" convert "$sample/cache/skin/pangram1_neutral/pangram1_neutral.xml" "$work/dvca.xml" --double --force --quiet >/dev/null
"$faceprep" convert "$sample/cache/tongue/pangram1_neutral/pangram1_neutral.xml" "$work/seed.pc2" --force --quiet >/dev/null
"$faceprep" convert "$sample/cache/tongue/pangram1_neutral/pangram1_neutral.xml" "$work/seed.npy" --force --quiet >/dev/null
cp "$work/for8.mcx" "$work/dvca.mc" "$seeds/maya-binary/"; cp "$work/for8.xml" "$seeds/maya-xml/"
cp "$work/seed.pc2" "$seeds/pc2/"
cp Tests/FormatsTests/Fixtures/*.npy "$work/seed.npy" "$seeds/npy/"
for f in "$sample"/geom/*/*.npy; do cp "$f" "$seeds/npy/$(basename "$(dirname "$f")")_$(basename "$f")"; done
cp Tests/FormatsTests/Fixtures/*.npz "$sample"/xform/*.npz "$sample"/bs_data/*.npz "$seeds/npz/"
cp Tests/FormatsTests/Fixtures/*.wav "$sample"/audio/*.wav "$seeds/wav/"
for f in "$sample"/geom/*/*.json "$sample"/bs_data/*.json; do cp "$f" "$seeds/json/$(basename "$(dirname "$f")")_$(basename "$f")"; done
# Large seeds slow libFuzzer down: keep those under 256 KB.
find "$seeds" -type f -size +256k -delete

status=0
for t in "${targets[@]}"; do
    corpus="$work/corpus/$t"; crashes="$work/crashes/$t"
    mkdir -p "$corpus" "$crashes"
    echo "fuzz $t: $seconds s"
    log="$work/$t.log"
    if ! FACEPREP_FUZZ_TARGET=$t "$fuzzer" "$corpus" "$seeds/$t" -dict="Fuzz/dictionaries/$t.dict" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=262144 \
        -artifact_prefix="$crashes/" -print_final_stats=1 > "$log" 2>&1; then
        echo "fuzz $t: FAILED — see $log and $crashes/"
        grep -E "ERROR|SUMMARY|Test unit written" "$log" | head -n 5 || true
        status=1
    fi
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$log" | sed "s/^/  $t /" || true
done
exit $status
