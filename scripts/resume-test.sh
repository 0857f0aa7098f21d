#!/usr/bin/env bash
# The resume test with real signals: trains the N-body EGNN once without interruption, then the same run interrupted by
# SIGINT (Ctrl-C) and, separately, by SIGTERM in the middle of training, each continued with --resume; compares the
# results JSON of each resumed run with the uninterrupted one (everything but the timings must be equal, bit for bit),
# checks that nothing half-written is left, and that the saved model's predictions repeat through 'predict'.
# Usage: scripts/resume-test.sh [threads]   (default 1; about 3 minutes on 2 cores)
set -euo pipefail
# job control: background jobs get SIGINT's default action (a non-interactive shell otherwise starts them with SIGINT
# ignored, and the JVM keeps it ignored)
set -m
cd "$(dirname "${BASH_SOURCE[0]}")/.."
E4J="$PWD/equivariant4j"
T="${1:-1}"
W="$(mktemp -d /tmp/e4j-resume.XXXXXX)"
"$E4J" --version >/dev/null
RUN=(nbody --model egnn --epochs 30 --train-size 1000 --eval-interval 2 --checkpoint-every 1 --threads "$T")

strip() {  # the results JSON without timings and without the 'resumed' flag
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); r["config"].pop("resumed")
[m.pop("seconds_per_epoch") for m in r["models"]]; print(json.dumps(r, sort_keys=True))' "$1"
}

echo "uninterrupted: ${RUN[*]}"
"$E4J" "${RUN[@]}" --quiet --out "$W/full" --save "$W/full-models" | grep egnn
for sig in INT TERM; do
    out="$W/stopped-$sig"
    "$E4J" "${RUN[@]}" --out "$out" --save "$W/models-$sig" >"$out.log" 2>"$out.err" &
    pid=$!
    # wait for the first checkpoint (after epoch 1), then interrupt a few seconds later, in the middle of training
    until [[ -f "$out/checkpoints/egnn.ckpt" ]] || ! kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
    sleep 3
    kill -"$sig" "$pid"
    set +e; wait "$pid"; code=$?; set -e
    echo "SIG$sig: exit code $code; $(grep 'interrupted' "$out.err" | sed "s|$W|W|g")"
    left=$(find "$out" -name '*.tmp' | wc -l)
    echo "  temporary files left: $left; checkpoint: $(ls "$out/checkpoints")"
    "$E4J" "${RUN[@]}" --quiet --out "$out" --save "$W/models-$sig" --resume | grep egnn
    if [[ "$(strip "$W/full/results.json")" == "$(strip "$out/results.json")" ]]; then
        echo "  resumed after SIG$sig: results JSON (minus timings) identical to the uninterrupted run"
    else
        echo "  resumed after SIG$sig: DIFFERENT results"; diff <(strip "$W/full/results.json") <(strip "$out/results.json") || true
        exit 1
    fi
    cmp "$W/full-models/egnn/parameters.params" "$W/models-$sig/egnn/parameters.params" \
        && echo "  saved parameters identical to the uninterrupted run's"
done
"$E4J" predict --model "$W/models-INT/egnn" --input "$W/models-INT/egnn/example_input.npy" --output "$W/p.npy" | sed "s|$W|W|g"
cmp "$W/p.npy" "$W/models-INT/egnn/example_predictions.npy" && echo "predict: bit-identical to the predictions made at the end of training"
rm -rf "$W"
