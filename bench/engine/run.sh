#!/usr/bin/env bash
# Engine benchmark: four queries on loaded data in Lumbung, DuckDB and Polars (same data, same
# thread count), with a check that all three agree.
#
#   bench/engine/run.sh [SCALE]        # SCALE defaults to 10 (10M layanan rows); from anywhere in the repo
#
# Environment:
#   THREADS=N      threads for every engine (default 2)
#   RUNS=N         timed runs per query, the median is reported (default 5)
#   BENCH_DATA=DIR use the layanan/pegawai/kinerja .csv.gz files in DIR instead of generating them
#   SYNTHETIC=1    generate look-alike files with DuckDB instead of `lumbung sample`
#   SKIP_BUILD=1   reuse the built binaries as they are
set -euo pipefail

SCALE="${1:-10}"
THREADS="${THREADS:-2}"
RUNS="${RUNS:-5}"
case "$SCALE" in ''|*[!0-9]*) echo "usage: bench/engine/run.sh [SCALE]   (a whole number, default 10)" >&2; exit 64 ;; esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
say() { printf '== %s\n' "$*" >&2; }

# 1. The benchmark program (its own package, depending on the repo by path).
BENCH="$ROOT/bench/engine/.build/release/engine-bench"
if [ "${SKIP_BUILD:-0}" = 1 ] && [ -x "$BENCH" ]; then
    say "reusing $BENCH"
else
    say "building engine-bench (release)"
    swift build -c release --package-path bench/engine >&2
fi

# 2. Python with duckdb and polars (shared with the ingestion benchmark).
PYTHON="${PYTHON:-python3}"
VENV="$ROOT/bench/.venv"
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import duckdb, polars' >/dev/null 2>&1; then
    say "reusing bench/.venv"
else
    say "creating bench/.venv with duckdb and polars"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet duckdb polars >&2
fi

# 3. Data: `lumbung sample --scale SCALE --seed 1`, CSV only, written as .partial then renamed.
if [ -n "${BENCH_DATA:-}" ]; then
    DATA="$(cd "$BENCH_DATA" && pwd)"
elif [ "${SYNTHETIC:-0}" = 1 ]; then
    DATA="$ROOT/bench/data/engine-synthetic-$SCALE"
    if [ ! -d "$DATA" ]; then
        say "generating look-alike data with DuckDB in $DATA"
        "$VENV/bin/python" bench/engine/compare.py --make-synthetic "$DATA.partial" --rows "$((SCALE * 1000000))"
        mv "$DATA.partial" "$DATA"
    fi
else
    DATA="$ROOT/bench/data/engine-scale-$SCALE"
    if [ ! -d "$DATA" ]; then
        LUMBUNG="$ROOT/.build-bench/release/lumbung"
        if [ ! -x "$LUMBUNG" ] || [ "${SKIP_BUILD:-0}" != 1 ]; then
            say "building lumbung (release, --scratch-path .build-bench)"
            swift build -c release --scratch-path .build-bench --product lumbung >&2
        fi
        say "generating sample data at scale $SCALE in $DATA"
        rm -rf "$DATA.partial"
        "$LUMBUNG" sample --scale "$SCALE" --seed 1 --formats csv --out "$DATA.partial" >&2
        mv "$DATA.partial" "$DATA"
    fi
fi

# 4. Run and record.
mkdir -p bench/results
OUT="bench/results/engine-$(date +%Y-%m-%d).md"
say "running: $DATA, $THREADS threads, $RUNS runs"
"$VENV/bin/python" bench/engine/compare.py --bench "$BENCH" --data "$DATA" --threads "$THREADS" --runs "$RUNS" --out "$OUT"
say "report appended to $OUT"
