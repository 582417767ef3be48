#!/usr/bin/env bash
# Runs a FacePrep command over a dataset on a Slurm cluster: an array job of N shards, then a merge job
# that starts when every shard has ended (afterany: a failed shard leaves its part missing, and the
# merge says which). Prints the two job ids.
#   deploy/slurm/submit.sh N COMMAND DATASET OUT [options…]
#   deploy/slurm/submit.sh 16 solve /data/claire /data/claire/solve --fit mask
# COMMAND is validate, head, sync, tongue, jaw or solve. DATASET and OUT must be on a file system
# every node mounts at the same path. FACEPREP names the binary (default: faceprep on PATH);
# SBATCH_OPTIONS adds sbatch options to both jobs (e.g. "--partition=cpu --time=2:00:00").
set -euo pipefail
if [ $# -lt 4 ]; then
    echo "usage: $0 N COMMAND DATASET OUT [options…]" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
shards=$1 command=$2 dataset=$3 out=$4
shift 4
case $shards in ''|*[!0-9]*) echo "error: N must be a positive number, not '$shards'" >&2; exit 2 ;; esac
[ "$shards" -ge 1 ] || { echo "error: N must be at least 1" >&2; exit 2; }
mkdir -p "$out"
logs="$out/slurm-logs"
mkdir -p "$logs"
# shellcheck disable=SC2086
array=$(sbatch --parsable ${SBATCH_OPTIONS:-} --array="1-$shards" --output="$logs/shard-%A_%a.log" \
    --export=ALL "$here/faceprep-shard.sbatch" "$command" "$dataset" "$out" "$@")
array=${array%%;*}
# shellcheck disable=SC2086
merge=$(sbatch --parsable ${SBATCH_OPTIONS:-} --dependency="afterany:$array" --output="$logs/merge-%j.log" \
    --export=ALL "$here/faceprep-merge.sbatch" "$command" "$out")
merge=${merge%%;*}
echo "array job $array ($shards shards of faceprep $command), merge job $merge; result: $out/merged-$command.json"
