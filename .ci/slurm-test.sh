#!/usr/bin/env bash
# The Slurm test: a one-node cluster on this machine (deploy/slurm/local-cluster.sh), an array job of 3
# shards and its dependent merge (deploy/slurm/submit.sh) for validate, head, sync and solve over a
# synthetic dataset; each merged result must equal a single-process run of the same command (JSON
# modulo timings and the output folder's name, and the exit status). Prints the job ids, each shard's
# time and the merge's. Needs root (or sudo), slurm-wlm and munge, and a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
faceprep=$PWD/.build/release/faceprep
[ -x "$faceprep" ] || { echo "error: $faceprep missing: swift build -c release first" >&2; exit 2; }
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
$sudo bash deploy/slurm/local-cluster.sh start
trap '$sudo bash deploy/slurm/local-cluster.sh stop' EXIT

work=$(mktemp -d /tmp/faceprep-slurm.XXXXXX)
chmod 755 "$work"
"$faceprep" synth "$work/data" --shots 10 --vertices 3000 --shot-frames 60-240 --head-motion 0,0,1.5 --animation-delay 0,4 --voices 1 --quiet

shards=3
failures=0
for command in validate head sync solve; do
    single="$work/single-$command" out="$work/out-$command"
    status=0
    "$faceprep" "$command" "$work/data" --out "$single" --json --quiet > "$work/single-$command.json" || status=$?
    ids=$(FACEPREP=$faceprep bash deploy/slurm/submit.sh "$shards" "$command" "$work/data" "$out")
    echo "$ids"
    merge=$(echo "$ids" | sed -n 's/.*merge job \([0-9]*\).*/\1/p')
    # Wait for the merge job to leave the queue (at most 10 minutes).
    for _ in $(seq 1 600); do
        squeue -h -j "$merge" 2>/dev/null | grep -q . || break
        sleep 1
    done
    state=$(scontrol show job "$merge" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -n 1)
    state="$state, exit $(scontrol show job "$merge" 2>/dev/null | sed -n 's/.* ExitCode=\([0-9]*\):.*/\1/p' | head -n 1)"
    python3 - "$work/single-$command.json" "$out/merged-$command.json" "$single" "$out" "$status" "$command" "$state" "$out/parts" <<'PY' || failures=$((failures + 1))
import json, os, sys
single_file, merged_file, single_out, merged_out, single_status, command, state, parts = sys.argv[1:]
def load(path, out):
    with open(path) as f:
        text = f.read().replace(out, "OUT")
    return json.loads(text)
def strip(value):
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items() if k != "timings" and not k.lower().endswith("seconds")}
    if isinstance(value, list):
        return [strip(v) for v in value]
    return value
if not os.path.exists(merged_file):
    sys.exit(f"{command}: no merged result (merge job {state}); see the logs in {merged_out}/slurm-logs")
single, merged = load(single_file, single_out), load(merged_file, merged_out)
expected_status = {0: "ok", 1: "findings"}.get(int(single_status), "failed")
shard_times = []
if not os.path.isdir(parts):
    sys.exit(f"{command}: no shard wrote a part; see the logs in {merged_out}/slurm-logs")
for name in sorted(os.listdir(parts)):
    with open(os.path.join(parts, name)) as f:
        part = json.load(f)
    shard_times.append(f"{part['shard']['index']}/{part['shard']['count']} {len(part['shots'])} shots {part['seconds']:.2f} s on {part['host']}")
print(f"  {command}: shards " + "; ".join(shard_times) + f"; merge {merged['timings']['total']:.2f} s, job {state}")
if strip(single) != strip(merged):
    sys.exit(f"{command}: the merged result differs from the single run")
if merged["status"] != expected_status:
    sys.exit(f"{command}: merged status {merged['status']}, the single run exited {single_status}")
print(f"  {command}: merged result equals the single run (status {merged['status']})")
PY
done
rm -rf "$work"
[ "$failures" -eq 0 ] || { echo "slurm: $failures command(s) differ" >&2; exit 1; }
echo "slurm: the array jobs' merged results equal single runs for validate, head, sync and solve"
