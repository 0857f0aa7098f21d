#!/usr/bin/env bash
# Trains the N-body EGNN for 10 000 optimiser steps (or $1) through the shared training recipe and prints the number of
# live native arrays and the resident memory every 250 steps, with their slopes after the warm-up (TrainingMemoryBench).
# About 5 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn -B -q -o -Dmaven.test.skip=true package -pl equivariant4j-bench -am >/dev/null
export OMP_WAIT_POLICY=PASSIVE
exec java -Xms512m -Xmx512m -XX:+AlwaysPreTouch -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 \
    -cp "$(cat equivariant4j-bench/target/classpath.txt):equivariant4j-bench/target/classes" \
    org.equivariant4j.bench.TrainingMemoryBench "${1:-10000}"
