#!/usr/bin/env bash
# Ingestion benchmark: lumbung inspect vs. pigz/igzip (decompression floors), DuckDB and Polars.
#
#   bench/ingest.sh [SCALE]          # SCALE defaults to 10; run from anywhere inside the repo
#
# Environment:
#   RUNS=N            timed runs per tool and file, the median is reported (default 5)
#   TABLES="a b"      which sample tables to read (default "layanan"; all: "pegawai layanan kinerja")
#   FORMATS="csv ndjson"  which file formats (default both)
#   BENCH_DATA=DIR    read the .csv.gz/.ndjson.gz files from DIR instead of generating them
#   SKIP_BUILD=1      reuse .build-bench/release/lumbung as it is
#   DUCKDB_VERSION, POLARS_VERSION   pins for the virtual environment (see below)
#
# Installs nothing with apt: it checks for pigz, igzip, GNU time and python3-venv and prints
# the apt-get line when one is missing. See bench/README.md.
set -euo pipefail

SCALE="${1:-10}"
RUNS="${RUNS:-5}"
TABLES="${TABLES:-layanan}"
FORMATS="${FORMATS:-csv ndjson}"
DUCKDB_VERSION="${DUCKDB_VERSION:-}"
POLARS_VERSION="${POLARS_VERSION:-}"

case "$SCALE" in ''|*[!0-9]*) echo "usage: bench/ingest.sh [SCALE]   (SCALE a whole number, default 10)" >&2; exit 64 ;; esac
case "$RUNS" in ''|*[!0-9]*|0) echo "RUNS must be a whole number >= 1" >&2; exit 64 ;; esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf '== %s\n' "$*" >&2; }

# --- 0. prerequisites ------------------------------------------------------------------------
missing_pkgs=()
command -v pigz >/dev/null 2>&1 || missing_pkgs+=(pigz)
command -v igzip >/dev/null 2>&1 || missing_pkgs+=(isal)
if ! [ -x /usr/bin/time ] || ! /usr/bin/time --version 2>&1 | grep -q GNU; then missing_pkgs+=(time); fi
PYTHON="${PYTHON:-python3}"
if ! command -v "$PYTHON" >/dev/null 2>&1; then
    missing_pkgs+=(python3 python3-venv)
elif ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
    missing_pkgs+=(python3-venv)
fi
if [ "${#missing_pkgs[@]}" -gt 0 ]; then
    echo "bench/ingest.sh: missing tools. Install them with:" >&2
    echo "    apt-get install -y ${missing_pkgs[*]}" >&2
    exit 69
fi
if [ "${SKIP_BUILD:-0}" != 1 ] && ! command -v swift >/dev/null 2>&1; then
    echo "bench/ingest.sh: swift is not on PATH (a Swift 6.x toolchain is needed to build lumbung)" >&2
    exit 69
fi

# --- 1. build lumbung in release -------------------------------------------------------------
LUMBUNG="$ROOT/.build-bench/release/lumbung"
if [ "${SKIP_BUILD:-0}" = 1 ] && [ -x "$LUMBUNG" ]; then
    say "reusing $LUMBUNG (SKIP_BUILD=1)"
else
    say "building lumbung (release, --scratch-path .build-bench)"
    # The work tree is shared: a file saved mid-build fails it ("was modified during the build"),
    # so try up to three times before giving up.
    for attempt in 1 2 3; do
        if swift build -c release --scratch-path .build-bench --product lumbung >&2; then break; fi
        if [ "$attempt" = 3 ]; then echo "bench/ingest.sh: swift build failed" >&2; exit 1; fi
        say "build failed (attempt $attempt of 3); retrying in 10 s"
        sleep 10
    done
fi
[ -x "$LUMBUNG" ] || { echo "bench/ingest.sh: $LUMBUNG was not built" >&2; exit 1; }
if [ "${SKIP_BUILD:-0}" != 1 ] || ! [ -f "$LUMBUNG.rev" ] || [ "$LUMBUNG" -nt "$LUMBUNG.rev" ]; then
    # What the binary was built from, for the report (the work tree is shared and moves on); a
    # binary rebuilt by hand since the last record is recorded again.
    rev="$(git rev-parse --short HEAD 2>/dev/null || echo '?')"
    if [ -n "$(git status --porcelain -- Sources Package.swift 2>/dev/null)" ]; then rev="$rev + uncommitted changes in Sources/"; fi
    [ "${SKIP_BUILD:-0}" = 1 ] && rev="$rev (recorded at SKIP_BUILD time, not build time)"
    echo "$rev" > "$LUMBUNG.rev"
fi

# --- 2. Python virtual environment with duckdb and polars ------------------------------------
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

# --- 3. sample data --------------------------------------------------------------------------
if [ -n "${BENCH_DATA:-}" ]; then
    DATA="$(cd "$BENCH_DATA" && pwd)"
    say "using data in $DATA (BENCH_DATA)"
else
    DATA="$ROOT/bench/data/scale-$SCALE"
    if [ -f "$DATA/.complete" ]; then
        say "reusing $DATA"
    else
        # Rough size of the compressed files, for a disk check before writing them
        # (measured: 157 MB of .gz at scale 1, all three tables, both formats; 200 MB per unit
        # of scale plus 512 MB of room).
        need_kb=$(( SCALE * 200 * 1024 + 512 * 1024 ))
        avail_kb=$(df -Pk "$ROOT/bench" | awk 'NR==2 {print $4}')
        if [ "$avail_kb" -lt "$need_kb" ]; then
            echo "bench/ingest.sh: only $((avail_kb / 1024)) MB free under bench/, scale $SCALE needs about $((need_kb / 1024)) MB" >&2
            exit 1
        fi
        say "generating sample data: lumbung sample --scale $SCALE --seed 1"
        rm -rf "$DATA.partial"
        mkdir -p "$(dirname "$DATA")"
        if ! "$LUMBUNG" sample --scale "$SCALE" --seed 1 --out "$DATA.partial" >&2; then
            echo "bench/ingest.sh: 'lumbung sample' failed (see above); BENCH_DATA=DIR benchmarks existing files" >&2
            exit 1
        fi
        rm -rf "$DATA"
        mv "$DATA.partial" "$DATA"
        touch "$DATA/.complete"
    fi
fi

files=()
for table in $TABLES; do
    for format in $FORMATS; do
        f="$DATA/$table.$format.gz"
        if [ -f "$f" ]; then files+=("$f"); else echo "bench/ingest.sh: warning: no $f" >&2; fi
    done
done
[ "${#files[@]}" -gt 0 ] || { echo "bench/ingest.sh: no input files in $DATA" >&2; exit 1; }

# --- 4./5. time everything and write the report ----------------------------------------------
mkdir -p "$ROOT/bench/results"
OUT="$ROOT/bench/results/ingest-$(date +%F).md"
exec "$VENV/bin/python" "$ROOT/bench/ingest_compare.py" \
    --lumbung "$LUMBUNG" --runs "$RUNS" --scale "$SCALE" --out "$OUT" "${files[@]}"
