#!/usr/bin/env bash
# End-to-end query benchmark: `lumbung query` from the gzip CSV files (read + query) against
# DuckDB and Polars' lazy engine on the same files with the same thread count, results checked
# to agree; projection pushdown (default vs --no-pushdown); planning cost of a 20-line query.
#
#   bench/query.sh [SCALE]          # SCALE defaults to 10 (10M layanan rows); from anywhere in the repo
#
# Environment:
#   THREADS=N         threads for every engine (default 2): lumbung --threads N, DuckDB SET threads=N,
#                     POLARS_MAX_THREADS=N
#   RUNS=N            timed runs per tool and query, the median is reported (default 5)
#   PARTS="A B C"     which parts: A end to end vs DuckDB/Polars, B pushdown, C planning (default all)
#   QUERIES="a b c d" which of part A's queries (default all four)
#   BENCH_DATA=DIR    read layanan/pegawai/kinerja .csv.gz from DIR instead of bench/data/scale-SCALE
#   SKIP_BUILD=1      reuse .build-bench/release/lumbung as it is
#   QUIET_WAIT=S      before each timed run of parts A and B, wait up to S seconds (default 60) for
#                     other processes to use under 0.25 cores; 0 does not wait
#
# The queries are bench/queries/*.lq; their DuckDB and Polars twins are in bench/query_compare.py.
# Installs nothing with apt (needs GNU time and python3-venv; says what to install). See bench/README.md.
set -euo pipefail

SCALE="${1:-10}"
THREADS="${THREADS:-2}"
RUNS="${RUNS:-5}"
PARTS="${PARTS:-A B C}"
QUERIES="${QUERIES:-a b c d}"

case "$SCALE" in ''|*[!0-9]*) echo "usage: bench/query.sh [SCALE]   (SCALE a whole number, default 10)" >&2; exit 64 ;; esac
case "$RUNS" in ''|*[!0-9]*|0) echo "RUNS must be a whole number >= 1" >&2; exit 64 ;; esac
case "$THREADS" in ''|*[!0-9]*|0) echo "THREADS must be a whole number >= 1" >&2; exit 64 ;; esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
say() { printf '== %s\n' "$*" >&2; }

# --- 0. prerequisites ------------------------------------------------------------------------
missing_pkgs=()
if ! [ -x /usr/bin/time ] || ! /usr/bin/time --version 2>&1 | grep -q GNU; then missing_pkgs+=(time); fi
PYTHON="${PYTHON:-python3}"
if ! command -v "$PYTHON" >/dev/null 2>&1; then
    missing_pkgs+=(python3 python3-venv)
elif ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
    missing_pkgs+=(python3-venv)
fi
if [ "${#missing_pkgs[@]}" -gt 0 ]; then
    echo "bench/query.sh: missing tools. Install them with:" >&2
    echo "    apt-get install -y ${missing_pkgs[*]}" >&2
    exit 69
fi
if [ "${SKIP_BUILD:-0}" != 1 ] && ! command -v swift >/dev/null 2>&1; then
    echo "bench/query.sh: swift is not on PATH (a Swift 6.x toolchain is needed to build lumbung)" >&2
    exit 69
fi

# --- 1. build lumbung in release (same scratch path as bench/ingest.sh) ----------------------
LUMBUNG="$ROOT/.build-bench/release/lumbung"
if [ "${SKIP_BUILD:-0}" = 1 ] && [ -x "$LUMBUNG" ]; then
    say "reusing $LUMBUNG (SKIP_BUILD=1)"
else
    say "building lumbung (release, --scratch-path .build-bench)"
    # The work tree is shared: a file saved mid-build fails it, so try up to three times.
    for attempt in 1 2 3; do
        if swift build -c release --scratch-path .build-bench --product lumbung >&2; then break; fi
        if [ "$attempt" = 3 ]; then echo "bench/query.sh: swift build failed" >&2; exit 1; fi
        say "build failed (attempt $attempt of 3); retrying in 10 s"
        sleep 10
    done
fi
[ -x "$LUMBUNG" ] || { echo "bench/query.sh: $LUMBUNG was not built" >&2; exit 1; }
if [ "${SKIP_BUILD:-0}" != 1 ] || ! [ -f "$LUMBUNG.rev" ] || [ "$LUMBUNG" -nt "$LUMBUNG.rev" ]; then
    # What the binary was built from, for the report (the work tree is shared and moves on); a
    # binary rebuilt by hand since the last record is recorded again.
    rev="$(git rev-parse --short HEAD 2>/dev/null || echo '?')"
    if [ -n "$(git status --porcelain -- Sources Package.swift 2>/dev/null)" ]; then rev="$rev + uncommitted changes in Sources/"; fi
    [ "${SKIP_BUILD:-0}" = 1 ] && rev="$rev (recorded at SKIP_BUILD time, not build time)"
    echo "$rev" > "$LUMBUNG.rev"
fi

# --- 2. Python virtual environment with duckdb and polars (shared with the other benchmarks) --
VENV="$ROOT/bench/.venv"
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import duckdb, polars' >/dev/null 2>&1; then
    say "reusing bench/.venv"
else
    say "creating bench/.venv with duckdb and polars"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip >&2
    "$VENV/bin/python" -m pip install --quiet \
        "duckdb${DUCKDB_VERSION:+==$DUCKDB_VERSION}" "polars${POLARS_VERSION:+==$POLARS_VERSION}" >&2
fi

# --- 3. sample data (the same folder bench/ingest.sh makes and reuses) -----------------------
if [ -n "${BENCH_DATA:-}" ]; then
    DATA="$(cd "$BENCH_DATA" && pwd)"
    say "using data in $DATA (BENCH_DATA)"
else
    DATA="$ROOT/bench/data/scale-$SCALE"
    if [ -f "$DATA/.complete" ]; then
        say "reusing $DATA"
    else
        need_kb=$(( SCALE * 200 * 1024 + 512 * 1024 ))
        avail_kb=$(df -Pk "$ROOT/bench" | awk 'NR==2 {print $4}')
        if [ "$avail_kb" -lt "$need_kb" ]; then
            echo "bench/query.sh: only $((avail_kb / 1024)) MB free under bench/, scale $SCALE needs about $((need_kb / 1024)) MB" >&2
            exit 1
        fi
        say "generating sample data: lumbung sample --scale $SCALE --seed 1"
        rm -rf "$DATA.partial"
        mkdir -p "$(dirname "$DATA")"
        if ! "$LUMBUNG" sample --scale "$SCALE" --seed 1 --out "$DATA.partial" >&2; then
            echo "bench/query.sh: 'lumbung sample' failed (see above); BENCH_DATA=DIR benchmarks existing files" >&2
            exit 1
        fi
        rm -rf "$DATA"
        mv "$DATA.partial" "$DATA"
        touch "$DATA/.complete"
    fi
fi
for table in layanan pegawai kinerja; do
    [ -f "$DATA/$table.csv.gz" ] || { echo "bench/query.sh: no $DATA/$table.csv.gz" >&2; exit 1; }
done

# --- 4. time everything and append the report ------------------------------------------------
mkdir -p "$ROOT/bench/results"
OUT="$ROOT/bench/results/query-$(date +%F).md"
exec "$VENV/bin/python" "$ROOT/bench/query_compare.py" \
    --lumbung "$LUMBUNG" --data "$DATA" --threads "$THREADS" --runs "$RUNS" --scale "$SCALE" \
    --parts $PARTS --queries $QUERIES --out "$OUT"
