#!/usr/bin/env bash
# Runs newsmill on a Slurm cluster: N array tasks, each a shard, writing into one
# dataset, then the global dedupe in two stages (buckets on N tasks, then decide).
#
#   deploy/slurm/submit.sh [--shards N] [--wait] [--sbatch "OPTIONS"] extract DATASET INPUT...
#   deploy/slurm/submit.sh [--shards N] [--wait] [--sbatch "OPTIONS"] run DATASET PIPELINE...
#   deploy/slurm/submit.sh [--shards N] [--wait] [--sbatch "OPTIONS"] dedupe DATASET
#
# extract and run are followed by the dedupe stages (after every task succeeded);
# dedupe alone runs just those. Prints the job ids. --wait returns when the last job
# ended, with its exit code. Set NEWSMILL to the binary's path if it is not on PATH
# of the compute nodes; the dataset folder must be shared by them.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
shards=4
wait=()
extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --shards) shards="$2"; shift 2 ;;
    --wait) wait=(--wait); shift ;;
    --sbatch) read -r -a extra <<<"$2"; shift 2 ;;
    *) break ;;
  esac
done
if [[ $# -lt 2 ]] || ! [[ "$shards" =~ ^[1-9][0-9]*$ ]]; then
  sed -n '2,12p' "$0" >&2
  exit 2
fi
what="$1"
dataset="$2"
shift 2
last=$((shards - 1))
submit() { sbatch --parsable "${extra[@]}" "$@"; }

after=()
case "$what" in
  extract)
    job="$(submit --array="0-$last" "$here/newsmill.sbatch" extract --out "$dataset" "$@")"
    echo "extract: job $job (${shards} tasks)"
    after=(--dependency="afterok:$job" --kill-on-invalid-dep=yes)
    ;;
  run)
    job="$(submit --array="0-$last" "$here/newsmill.sbatch" run --out "$dataset" "$@")"
    echo "run: job $job (${shards} tasks)"
    after=(--dependency="afterok:$job" --kill-on-invalid-dep=yes)
    ;;
  dedupe) ;;
  *)
    echo "submit.sh: unknown step '$what' (extract, run or dedupe)" >&2
    exit 2
    ;;
esac
job="$(submit "${after[@]}" --array="0-$last" "$here/newsmill.sbatch" dedupe "$dataset" --stage buckets)"
echo "dedupe buckets: job $job (${shards} tasks)"
# A step whose predecessor failed is cancelled, not left pending for ever.
job="$(submit "${wait[@]}" --dependency="afterok:$job" --kill-on-invalid-dep=yes "$here/newsmill.sbatch" dedupe "$dataset" --stage decide)"
echo "dedupe decide: job $job"
