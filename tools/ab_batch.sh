#!/usr/bin/env bash
# Compares two builds of `gazette` on the one-core batch by running them at the same
# time, one on each of the machine's two cores, swapping cores every round.
#
# Why: on a shared virtual machine the speed of a core moves by a fifth within minutes,
# more than most changes to the batch; runs one after the other compare phases of the
# machine, not builds. Two runs at the same time share the phase (and the page cache);
# swapping cores cancels a difference between the cores. Each run writes its own file.
# Not for JSON Lines of a large folder: two writers of 600 MB at once measure the disk.
#
# Usage: tools/ab_batch.sh A_BINARY B_BINARY [ROUNDS] [FORMAT] [INPUT...]
#   e.g. tools/ab_batch.sh /tmp/old/gazette target/release/gazette 4 csv /tmp/archive100k
# Prints, per round, each build's wall, user and system seconds.
set -euo pipefail

if [ $# -lt 2 ]; then
    sed -n '2,14p' "$0"
    exit 2
fi
a=$1
b=$2
rounds=${3:-4}
format=${4:-csv}
shift $(($# < 4 ? $# : 4))
inputs=("$@")
if [ ${#inputs[@]} -eq 0 ]; then inputs=(/tmp/archive100k); fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

for round in $(seq "$rounds"); do
    if [ $((round % 2)) = 1 ]; then core_a=0 core_b=1; else core_a=1 core_b=0; fi
    RAYON_NUM_THREADS=1 /usr/bin/time -f "A %e s %U u %S sys" -o "$out/a.time" \
        taskset -c $core_a "$a" parse "${inputs[@]}" --format "$format" -o "$out/a.out" 2>/dev/null &
    RAYON_NUM_THREADS=1 /usr/bin/time -f "B %e s %U u %S sys" -o "$out/b.time" \
        taskset -c $core_b "$b" parse "${inputs[@]}" --format "$format" -o "$out/b.out" 2>/dev/null &
    wait
    echo "round $round: $(cat "$out/a.time") | $(cat "$out/b.time")"
done
