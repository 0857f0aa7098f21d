#!/usr/bin/env bash
# The bad-input table: runs ./equivariant4j on bad options, files and resources and prints, for each case, the command,
# the exit code, the first line of the error output, the seconds until the command ended, and a verdict:
#   CLEAR   non-zero exit, one line that starts "equivariant4j: error:" (or picocli's usage line) and names the problem
#   UNCLEAR non-zero exit, but a stack trace, several lines, or a message that does not name the problem
#   SILENT  exit code 0: the bad input was accepted
# Needs python3 with numpy (for the fixtures) and, for the full-disk and read-only cases, root (tmpfs mounts).
# Usage: scripts/bad-inputs.sh [work-folder]   (about 5 minutes on 2 cores)
set -uo pipefail
set -m  # background jobs get SIGINT's default action (without job control they start with SIGINT ignored)
cd "$(dirname "${BASH_SOURCE[0]}")/.."
E4J="$PWD/equivariant4j"
W="${1:-$(mktemp -d /tmp/e4j-bad-inputs.XXXXXX)}"
mkdir -p "$W"
"$E4J" --version >/dev/null 2>&1 || { echo "cannot build/run $E4J" >&2; exit 1; }
python3 scripts/make_bad_inputs.py "$W" || exit 1
OK="$W/nbody-ok"
MNIST=../shared/data/mnist

cleanup() {
    for m in "$W/full" "$W/ro"; do mountpoint -q "$m" 2>/dev/null && umount "$m"; done
    [[ -n "${BG:-}" ]] && kill "$BG" 2>/dev/null
}
trap cleanup EXIT

n=0; clear=0; unclear=0; silent=0
echo "| # | command | exit | first line of the error output | s | verdict |"
echo "|---|---|---|---|---|---|"
# case EXPECTED-FRAGMENT ARGS...: runs ./equivariant4j ARGS and prints one row
case_() {
    local expect="$1"; shift
    local t0=$SECONDS
    "$E4J" "$@" >"$W/out.txt" 2>"$W/err.txt"
    local code=$? secs=$((SECONDS - t0))
    local first lines verdict
    first="$(grep -v '^\s*$' "$W/err.txt" | head -1)"
    [[ -z "$first" ]] && first="$(head -1 "$W/out.txt")"
    lines="$(grep -cv '^\s*$' "$W/err.txt")"
    if [[ $code -eq 0 ]]; then
        verdict=SILENT; silent=$((silent + 1))
    elif grep -q $'^\tat ' "$W/err.txt" || [[ $lines -ne 1 ]] || [[ "$first" != *"$expect"* ]]; then
        verdict=UNCLEAR; unclear=$((unclear + 1))
    else
        verdict=CLEAR; clear=$((clear + 1))
    fi
    n=$((n + 1))
    local cmd="${*//$W/W}"
    first="${first//$W/W}"
    printf '| %d | `%s` | %d | %s | %d | %s |\n' "$n" "$cmd" "$code" "${first//|/\\|}" "$secs" "$verdict"
}

# --- the command line itself
case_ "Unknown option: '--no-such-option'" --no-such-option
case_ "Unmatched argument at index 0: 'frobnicate'" frobnicate
# --- info
case_ "--order must be between 1 and 64" info --order 0
case_ "--order must be between 1 and 64" info --order -3
case_ "--order must be between 1 and 64" info --order 100000
case_ "Invalid value for option '--order'" info --order abc
case_ "--max-frequency must be between 0 and 100" info --max-frequency -1
case_ "--max-frequency must be between 0 and 100" info --max-frequency 1000000
case_ "unknown group 'Q8'" info --group Q8
case_ "cannot be created" info --json /proc/none/x.json
case_ "is a folder; expected a file path" info --json "$W"
case_ "needs a file path" info --json ""
# --- nbody: options
NB=(nbody --quiet --data "$OK" --train-size 200 --epochs 1)
case_ "--model must be one of [linear, gnn, egnn, segnn, segnn-ref, ponita, ponita-se3]" "${NB[@]}" --model transformer --out "$W/o1"
case_ "got 'foo'" "${NB[@]}" --model egnn,foo --out "$W/o1"
case_ "--model needs a name" "${NB[@]}" --model "" --out "$W/o1"
case_ "--epochs must be >= 1, got 0" nbody --quiet --data "$OK" --epochs 0 --out "$W/o1"
case_ "--epochs must be >= 1, got -5" nbody --quiet --data "$OK" --epochs -5 --out "$W/o1"
case_ "Invalid value for option '--epochs'" nbody --quiet --data "$OK" --epochs abc --out "$W/o1"
case_ "--train-size must be >= 1, got 0" nbody --quiet --data "$OK" --train-size 0 --out "$W/o1"
case_ "--train-size must be at least one batch (100), got 50" nbody --quiet --data "$OK" --train-size 50 --out "$W/o1"
case_ "--train-size 999999 but the data has only 200 training systems" nbody --quiet --data "$OK" --train-size 999999 --out "$W/o1"
case_ "--eval-interval must be >= 1, got 0" "${NB[@]}" --eval-interval 0 --out "$W/o1"
case_ "--threads must be >= 1, got 0" "${NB[@]}" --threads 0 --out "$W/o1"
case_ "--threads must be >= 1, got -1" "${NB[@]}" --threads -1 --out "$W/o1"
case_ "exceeds the" "${NB[@]}" --threads 64 --out "$W/o1"
case_ "--checkpoint-every must be >= 0, got -2" "${NB[@]}" --checkpoint-every -2 --out "$W/o1"
case_ "Invalid value for option '--seed'" "${NB[@]}" --seed abc --out "$W/o1"
case_ "--init must be java or torch, got 'numpy'" "${NB[@]}" --init numpy --out "$W/o1"
case_ "--init torch draws the initial weights of segnn and segnn-ref only, but --model includes gnn" "${NB[@]}" --init torch --out "$W/o1"
# --- nbody: data
case_ "is not a folder" nbody --quiet --data "$W/missing" --out "$W/o1"
case_ "is not a folder" nbody --quiet --data "$W/a-file" --out "$W/o1"
case_ "missing N-body file" nbody --quiet --data "$W/empty" --out "$W/o1"
case_ "missing N-body file" nbody --quiet --data "$W/nbody-missing" --train-size 200 --out "$W/o1"
case_ "(truncated)" nbody --quiet --data "$W/nbody-truncated" --train-size 200 --out "$W/o1"
case_ "element (3, 30, 1, 2) is NaN" nbody --quiet --data "$W/nbody-nan" --train-size 200 --out "$W/o1"
case_ "expected dtype '<f8' (or '<f4') but got '<i8'" nbody --quiet --data "$W/nbody-int" --train-size 200 --out "$W/o1"
case_ "does not belong to" nbody --quiet --data "$W/nbody-edges" --train-size 200 --out "$W/o1"
case_ "has 30 frames per simulation; the benchmark predicts frame 40 from frame 30, so it needs at least 41" nbody --quiet --data "$W/nbody-30frames" --train-size 200 --out "$W/o1"
case_ "at least 2 particles" nbody --quiet --data "$W/nbody-1particle" --train-size 200 --out "$W/o1"
case_ "expected shape (S, T, 3, N)" nbody --quiet --data "$W/nbody-2d" --train-size 200 --out "$W/o1"
case_ "every split needs at least one system" nbody --quiet --data "$W/nbody-novalid" --train-size 200 --out "$W/o1"
case_ "--cache $W/a-file is a file" nbody --quiet --cache "$W/a-file" --out "$W/o1"
# --- nbody: outputs, checkpoints, resources
case_ "is a file; expected a folder" "${NB[@]}" --out "$W/a-file"
case_ "is a folder; expected a file path" "${NB[@]}" --out "$W/o1" --json "$W"
case_ "needs a file path" "${NB[@]}" --out "$W/o1" --json ""
case_ "cannot be created" "${NB[@]}" --out "$W/o1" --json /proc/none/r.json
case_ "cannot be created" "${NB[@]}" --out /proc/none/out
case_ "is a file; expected a folder" "${NB[@]}" --out "$W/o1" --save "$W/a-file"
mkdir -p "$W/saves/egnn" && echo x > "$W/saves/egnn/notes.txt"
case_ "exists and is not a saved model; refusing to overwrite it" "${NB[@]}" --model egnn --out "$W/o1" --save "$W/saves"
case_ "--resume: no checkpoint in" "${NB[@]}" --out "$W/o2" --resume
mkdir -p "$W/o3/checkpoints" && echo garbage > "$W/o3/checkpoints/egnn.ckpt"
case_ "holds checkpoints of an interrupted run (egnn.ckpt): add --resume" "${NB[@]}" --model egnn --out "$W/o3"
case_ "is not an equivariant4j checkpoint" "${NB[@]}" --model egnn --out "$W/o3" --resume
# a real interrupted run, resumed with other settings
"$E4J" nbody --quiet --data "$OK" --train-size 200 --model egnn --epochs 5000 --checkpoint-every 1 --out "$W/o4" \
    >/dev/null 2>"$W/o4.err" &
BG=$!
until [[ -f "$W/o4/checkpoints/egnn.ckpt" ]] || ! kill -0 "$BG" 2>/dev/null; do sleep 0.5; done
kill -TERM "$BG"; wait "$BG"; BG=   # TERM: a non-interactive shell starts background jobs with SIGINT ignored
case_ "was written with other settings: epochs is 5000 there and 3000 now" nbody --quiet --data "$OK" --train-size 200 --model egnn \
    --epochs 3000 --out "$W/o4" --resume
# two runs sharing an output folder
"$E4J" nbody --quiet --data "$OK" --train-size 200 --model egnn --epochs 5000 --out "$W/o5" >/dev/null 2>&1 &
BG=$!
until [[ -f "$W/o5/.equivariant4j.lock" ]] || ! kill -0 "$BG" 2>/dev/null; do sleep 0.5; done; sleep 1
case_ "another equivariant4j run is using" "${NB[@]}" --model egnn --out "$W/o5"
kill -TERM "$BG"; wait "$BG"; BG=
# a full disk and a read-only folder (tmpfs mounts; root only)
mkdir -p "$W/full" "$W/ro"
if mount -t tmpfs -o size=400k tmpfs "$W/full" 2>/dev/null && mount -t tmpfs -o ro,size=64k tmpfs "$W/ro" 2>/dev/null; then
    case_ "No space left on device" "${NB[@]}" --model egnn --out "$W/full/out" --save "$W/full/models"
    echo "  (left in the full folder: $(cd "$W/full" && find . -name '*.tmp' | wc -l) temporary files)" >&2
    case_ "Read-only file system" "${NB[@]}" --out "$W/ro/out"
fi
JAVA_OPTS=-Xmx40m case_ "out of memory (Java heap" nbody --quiet --epochs 1 --out "$W/o6"
# --- rotmnist
RM=(rotmnist --quiet --epochs 1 --train-size 128 --valid-size 64 --test-size 64 --out "$W/r1")
case_ "--model must be one of [cnn, c4, c8, d4, c8-steerable, c16, so2, o2]" "${RM[@]}" --model resnet
case_ "--epochs must be >= 1, got 0" rotmnist --quiet --epochs 0 --out "$W/r1"
case_ "--lr must be a finite learning rate in (0, 1], got 0.0" "${RM[@]}" --lr 0
case_ "--lr must be a finite learning rate in (0, 1], got NaN" "${RM[@]}" --lr NaN
case_ "--lr must be a finite learning rate in (0, 1], got 5.0" "${RM[@]}" --lr 5
case_ "--lr must be a finite learning rate in (0, 1], got -1.0" "${RM[@]}" --lr -1
case_ "--lr must be a finite learning rate in (0, 1], got Infinity" "${RM[@]}" --lr Infinity
case_ "--angle-step must be 0 (no sweep) or between 1.0 and 360 degrees" "${RM[@]}" --angle-step 0.001
case_ "--angle-step must be 0 (no sweep) or between 1.0 and 360 degrees" "${RM[@]}" --angle-step 400
case_ "--angle-step must be 0 (no sweep) or between 1.0 and 360 degrees" "${RM[@]}" --angle-step -1
case_ "--batch-size must be >= 2, got 1" "${RM[@]}" --batch-size 1
case_ "--batch-size must be >= 2, got 0" "${RM[@]}" --batch-size 0
case_ "is smaller than one batch" rotmnist --quiet --train-size 10 --out "$W/r1"
case_ "must be >= 1, got 7000, 0, 2000" rotmnist --quiet --valid-size 0 --out "$W/r1"
case_ "the splits need 7000 + 1000 + 20000" rotmnist --quiet --test-size 20000 --out "$W/r1"
case_ "--redraw-rotations needs --train-rotated" rotmnist --quiet --redraw-rotations --out "$W/r1"
case_ "--pool-blur must be a Gaussian sigma between 0 (no blur) and 2.0 pixels, got -1.0" "${RM[@]}" --pool-blur -1
case_ "--pool-blur must be a Gaussian sigma between 0 (no blur) and 2.0 pixels, got NaN" "${RM[@]}" --pool-blur NaN
case_ "--pool-blur must be a Gaussian sigma between 0 (no blur) and 2.0 pixels, got 9.0" "${RM[@]}" --pool-blur 9
case_ "--pool-blur applies to the steerable models [c8-steerable, c16, so2, o2], not to [c4]" "${RM[@]}" --model c4 --pool-blur 0.66
case_ "--pad-background applies to the steerable models [c8-steerable, c16, so2, o2], not to [c4]" "${RM[@]}" --model c4 --pad-background
case_ "--pad-background and --pool-blur cannot be combined" "${RM[@]}" --model so2 --pad-background --pool-blur 0.66
case_ "exceeds the" "${RM[@]}" --threads 99
case_ "not found" "${RM[@]}" --data "$W/missing"
case_ "has no t10k-images-idx3-ubyte.gz or t10k-images-idx3-ubyte" "${RM[@]}" --data "$W/empty"
case_ "corrupt or truncated gzip data" "${RM[@]}" --data "$W/mnist-truncated"
case_ "not an IDX images file" "${RM[@]}" --data "$W/mnist-magic"
case_ "need square images with an even side of at least 22 pixels (MNIST: 28×28), got 20×20" "${RM[@]}" --data "$W/mnist-20px"
case_ "has 400 images" "${RM[@]}" --data "$W/mnist-labels"
case_ "expected digit labels 0-9, got 12 at index 0" "${RM[@]}" --data "$W/mnist-label-12"
# --- voxels and md17
case_ "--epochs must be >= 1, got 0" voxels --quiet --epochs 0 --out "$W/v1"
case_ "--model must be one of [cnn, octa, so3, o3]" voxels --quiet --model resnet --out "$W/v1"
case_ "--angle-step must be between 1 and 180 degrees, got 0.5" voxels --quiet --angle-step 0.5 --out "$W/v1"
case_ "does not exist; expected an extended XYZ file" md17 --quiet --data "$W/missing.xyz" --out "$W/m1"
case_ "--model must be one of [nequip, schnet, egnn, segnn, ponita]" md17 --quiet --model foo --out "$W/m1"
case_ "the loss weights must be finite, >= 0 and not both 0" md17 --quiet --force-weight -1 --out "$W/m1"
printf '3\nProperties=species:S:1:pos:R:3 energy=1.0\nH 0 0 0\nH 1 0\n' > "$W/short-row.xyz"
case_ "expected 4 columns (species:S:1 pos:R:3), got 3" md17 --quiet --data "$W/short-row.xyz" --out "$W/m1"
printf '2\nProperties=species:S:1:pos:R:3:forces:R:3 energy=nan\nH 0 0 0 0 0 0\nH 1 0 0 0 0 0\n' > "$W/nan-energy.xyz"
case_ "'energy=nan' is not a number" md17 --quiet --data "$W/nan-energy.xyz" --out "$W/m1"

# --- predict (models saved by short runs)
"$E4J" nbody --quiet --data "$OK" --train-size 200 --model egnn --epochs 1 --out "$W/p" --save "$W/models" >/dev/null 2>&1
"$E4J" rotmnist --quiet --model c4 --epochs 1 --train-size 128 --valid-size 64 --test-size 64 --angle-step 0 --out "$W/p" \
    --save "$W/models" >/dev/null 2>&1
EG="$W/models/egnn"
case_ "does not exist (expected a folder written by --save)" predict --model "$W/nomodel" --input "$EG/example_input.npy" --output "$W/p.npy"
case_ "has no model.json" predict --model "$W/empty" --input "$EG/example_input.npy" --output "$W/p.npy"
mkdir -p "$W/m1" && cp "$EG/parameters.params" "$W/m1/" && sed 's/"format_version" : 1/"format_version" : 2/' "$EG/model.json" > "$W/m1/model.json"
case_ "has format version 2; this version of equivariant4j reads version 1" predict --model "$W/m1" --input "$EG/example_input.npy" --output "$W/p.npy"
mkdir -p "$W/m2" && cp "$EG/parameters.params" "$W/m2/" && sed 's/"task" : "nbody"/"task" : "weather"/' "$EG/model.json" > "$W/m2/model.json"
case_ "unknown task 'weather'" predict --model "$W/m2" --input "$EG/example_input.npy" --output "$W/p.npy"
mkdir -p "$W/m3" && cp "$EG/model.json" "$W/m3/" && head -c 1000 "$EG/parameters.params" > "$W/m3/parameters.params"
case_ "is damaged: CRC-32C" predict --model "$W/m3" --input "$EG/example_input.npy" --output "$W/p.npy"
mkdir -p "$W/m4" && cp "$EG/parameters.params" "$W/m4/" && echo "{ broken" > "$W/m4/model.json"
case_ "is not valid JSON of a model card" predict --model "$W/m4" --input "$EG/example_input.npy" --output "$W/p.npy"
case_ "does not exist; expected a file" predict --model "$EG" --input "$W/none.npy" --output "$W/p.npy"
case_ "expected an N-body input of shape (S, n, 7)" predict --model "$EG" --input "$W/states-wrong-shape.npy" --output "$W/p.npy"
case_ "element (2, 3, 4) is Infinity" predict --model "$EG" --input "$W/states-inf.npy" --output "$W/p.npy"
case_ "n >= 2 particles" predict --model "$EG" --input "$W/states-1particle.npy" --output "$W/p.npy"
case_ "expected dtype '<f4' or '<f8', got '<i4'" predict --model "$EG" --input "$W/states-int.npy" --output "$W/p.npy"
case_ "is not an .npy file" predict --model "$EG" --input "$W/notes.txt" --output "$W/p.npy"
case_ "the model was trained on 28×28 images, got 20×20" predict --model "$W/models/c4" --input "$W/digits-20px.idx" --output "$W/p.npy"
case_ "is a folder; expected a file path" predict --model "$EG" --input "$EG/example_input.npy" --output "$W"
case_ "is the input file" predict --model "$EG" --input "$EG/example_input.npy" --output "$EG/example_input.npy"
case_ "Missing required option: '--input=FILE'" predict --model "$EG" --output "$W/p.npy"

# --- Spark jobs (tables written by scripts/MakeBadParquet.java and by spark-nbody-data)
SPARK_FLAGS=$(grep -o '<spark.jvm.flags>[^<]*' equivariant4j-spark/pom.xml | sed 's/<spark.jvm.flags>//')
java $SPARK_FLAGS -cp "equivariant4j-spark/target/equivariant4j-spark.jar:equivariant4j-spark/target/lib/*" \
    scripts/MakeBadParquet.java "$W" >/dev/null 2>&1
"$E4J" spark-nbody-data --parquet "$W/sims.parquet" --num-train 4 --num-valid 1 --num-test 1 --per-partition 2 \
    --master 'local[2]' >/dev/null 2>&1
case_ "the table has no column 'positions' that nbody/egnn reads" spark-predict --model "$EG" --input "$W/sims.parquet" --output "$W/s1"
case_ "the table has no column 'image' that rotmnist/c4 reads" spark-predict --model "$W/models/c4" --input "$W/states-ok.parquet" --output "$W/s1"
case_ "1 of 8 rows cannot go to nbody/egnn" spark-predict --model "$EG" --input "$W/states-short.parquet" --output "$W/s1"
case_ "positions holds NaN or an infinity" spark-predict --model "$EG" --input "$W/states-nan.parquet" --output "$W/s1"
case_ "column 'charges' must be an array of numbers" spark-predict --model "$EG" --input "$W/states-text.parquet" --output "$W/s1"
case_ "--output $W/states-ok.parquet already exists" spark-predict --model "$EG" --input "$W/sims.parquet" --output "$W/states-ok.parquet"
case_ "--input $W/none.parquet does not exist" spark-predict --model "$EG" --input "$W/none.parquet" --output "$W/s1"
case_ "is not a model folder" spark-predict --model "$W/nomodel" --input "$W/states-ok.parquet" --output "$W/s1"
case_ "--batch-size must be >= 1, got 0" spark-predict --model "$EG" --input "$W/states-ok.parquet" --output "$W/s1" --batch-size 0
case_ "give --out DIR (.npy files), --parquet PATH, or both" spark-nbody-data
case_ "--per-partition must be >= 1, got 0" spark-nbody-data --out "$W/g1" --per-partition 0
case_ "seed must be in [0, 2^32 - 1]" spark-nbody-data --out "$W/g1" --seed -1
case_ "is not empty; choose a new folder" spark-nbody-data --out "$W/models"
case_ "--parquet $W/sims.parquet already exists" spark-nbody-data --parquet "$W/sims.parquet" --num-train 2

echo
echo "$n cases: $clear CLEAR, $unclear UNCLEAR, $silent SILENT"
