#!/usr/bin/env python3
"""Time gzip CSV/NDJSON ingestion: lumbung inspect vs. pigz/igzip floors, DuckDB and Polars.

Run through bench/ingest.sh, which builds lumbung, makes bench/.venv (duckdb, polars) and the
sample data. Directly:

    bench/.venv/bin/python bench/ingest_compare.py --lumbung .build-bench/release/lumbung \
        --runs 5 --out bench/results/ingest.md FILE.csv.gz FILE.ndjson.gz

Every tool runs in its own process under GNU time (`/usr/bin/time -f '%e %M'`), so the peak RSS
is that tool's alone. Wall time is measured around the process (time.perf_counter, finer than
GNU time's 10 ms); DuckDB, Polars and lumbung also report the time of the load itself, without
process start and imports ("in-process" column). Runs go round-robin over the tools so a burst
of background load hits all of them alike.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

GNU_TIME = "/usr/bin/time"
ENGINE_THREADS = 2


# --------------------------------------------------------------------------------------------
# Child mode: one engine, one file, in this process. Prints {"rows": N, "seconds": S}.
# --------------------------------------------------------------------------------------------

def child_duckdb(path: str, fmt: str) -> dict:
    import duckdb

    con = duckdb.connect()  # in-memory database
    con.execute(f"SET threads={ENGINE_THREADS}")
    quoted = path.replace("'", "''")
    reader = f"read_csv('{quoted}')" if fmt == "csv" else f"read_json('{quoted}', format='newline_delimited')"
    start = time.perf_counter()
    con.execute(f"CREATE TABLE t AS SELECT * FROM {reader}")
    seconds = time.perf_counter() - start
    rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
    return {"rows": rows, "seconds": seconds}


def child_polars(path: str, fmt: str, lazy: bool) -> dict:
    import polars as pl

    start = time.perf_counter()
    if fmt == "csv":
        df = pl.scan_csv(path).collect() if lazy else pl.read_csv(path)
    else:
        df = pl.scan_ndjson(path).collect() if lazy else pl.read_ndjson(path)
    seconds = time.perf_counter() - start
    return {"rows": df.height, "seconds": seconds}


def child_import_only(engine: str) -> dict:
    __import__(engine)
    return {"rows": 0, "seconds": 0.0}


def run_child(tool: str, path: str) -> None:
    fmt = file_format(path)
    if tool == "duckdb":
        result = child_duckdb(path, fmt)
    elif tool == "polars":
        result = child_polars(path, fmt, lazy=False)
    elif tool == "polars-lazy":
        result = child_polars(path, fmt, lazy=True)
    elif tool in ("import-duckdb", "import-polars"):
        result = child_import_only(tool.split("-", 1)[1])
    else:
        raise SystemExit(f"unknown child tool {tool}")
    print(json.dumps(result))


# --------------------------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------------------------

@dataclass
class Run:
    seconds: float          # wall time around the process
    rss_mb: float           # peak RSS from GNU time (%M, KiB)
    inproc: float | None    # the tool's own time for the load, when it reports one
    rows: int | None
    load: float             # 1-minute load average just before the run
    others: float           # cores kept busy by other processes during the run (see cpu_busy)


@dataclass
class Tool:
    name: str               # as shown in the table
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    parse: str = "none"     # none | child | lumbung
    runs: list[Run] = field(default_factory=list)
    error: str | None = None
    report: dict | None = None  # lumbung's inspect JSON (first run)


def file_format(path: str) -> str:
    name = os.path.basename(path).lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return "csv" if name.endswith(".csv") else "ndjson"


def cpu_busy() -> float:
    """Seconds of CPU the whole machine has spent busy since boot (all cores, from /proc/stat)."""
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def timed(tool: Tool) -> Run:
    """Runs tool.argv once under GNU time; returns the run, or raises RuntimeError with its stderr."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        env = dict(os.environ, **tool.env)
        load = os.getloadavg()[0]
        capture = tool.parse != "none"
        busy = cpu_busy()
        start = time.perf_counter()
        proc = subprocess.run(
            [GNU_TIME, "-f", "%e %M %U %S", "-o", tf.name, *tool.argv],
            stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
            stderr=subprocess.PIPE, env=env, text=True,
        )
        seconds = time.perf_counter() - start
        busy = cpu_busy() - busy
        tf.seek(0)
        lines = [line for line in tf.read().splitlines() if line.strip()]
    if proc.returncode != 0:
        message = (proc.stderr or "").strip().splitlines()
        short = " / ".join(message[-3:]) if message else f"exit status {proc.returncode}"
        raise RuntimeError(f"exit {proc.returncode}: {short}")
    _elapsed, max_kib, user, system = lines[-1].split()
    # CPU the machine spent beyond the tool's own (user + sys), spread over the wall time.
    others = max(0.0, (busy - float(user) - float(system)) / seconds) if seconds > 0 else 0.0
    run = Run(seconds=seconds, rss_mb=int(max_kib) / 1024, inproc=None, rows=None, load=load, others=others)
    if tool.parse == "child":
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        run.rows, run.inproc = result["rows"], result["seconds"]
    elif tool.parse == "lumbung":
        report = json.loads(proc.stdout)
        entry = report["files"][0]
        if entry.get("error"):
            raise RuntimeError(entry["error"])
        run.rows, run.inproc = entry.get("rows"), entry.get("seconds")
        if tool.report is None:
            tool.report = entry
    return run


# One function per tool: each returns the Tool that times it on `path`.

def tool_pigz(path: str) -> Tool:
    return Tool("pigz -dc", ["pigz", "-dc", path])


def tool_igzip(path: str) -> Tool:
    return Tool("igzip -dc", ["igzip", "-dc", path])


def tool_lumbung(lumbung: str, path: str, rejects_dir: str) -> Tool:
    return Tool("lumbung inspect", [lumbung, "inspect", "--json", "--rejects-dir", rejects_dir, path], parse="lumbung")


def tool_lumbung_zlib(lumbung: str, path: str, rejects_dir: str) -> Tool:
    return Tool("lumbung inspect (zlib)", [lumbung, "inspect", "--json", "--rejects-dir", rejects_dir, path],
                env={"LUMBUNG_GZIP": "zlib"}, parse="lumbung")


def engine_env() -> dict[str, str]:
    # Polars sizes its pool from POLARS_MAX_THREADS; DuckDB gets SET threads=2 in child_duckdb.
    return {"POLARS_MAX_THREADS": str(ENGINE_THREADS), "OMP_NUM_THREADS": str(ENGINE_THREADS)}


def tool_duckdb(path: str) -> Tool:
    reader = "read_csv" if file_format(path) == "csv" else "read_json(nd)"
    return Tool(f"DuckDB {reader}", [sys.executable, os.path.abspath(__file__), "--child", "duckdb", path],
                env=engine_env(), parse="child")


def tool_polars(path: str) -> Tool:
    reader = "pl.read_csv" if file_format(path) == "csv" else "pl.read_ndjson"
    return Tool(f"Polars {reader}", [sys.executable, os.path.abspath(__file__), "--child", "polars", path],
                env=engine_env(), parse="child")


def tool_polars_lazy(path: str) -> Tool:
    reader = "pl.scan_csv" if file_format(path) == "csv" else "pl.scan_ndjson"
    return Tool(f"Polars {reader}().collect()", [sys.executable, os.path.abspath(__file__), "--child", "polars-lazy", path],
                env=engine_env(), parse="child")


def decompressed_size(path: str) -> int:
    """Bytes of text in a gzip file (igzip -dc | count); also warms the page cache."""
    proc = subprocess.Popen(["igzip", "-dc", path], stdout=subprocess.PIPE)
    total = 0
    assert proc.stdout is not None
    while True:
        chunk = proc.stdout.read(1 << 20)
        if not chunk:
            break
        total += len(chunk)
    if proc.wait() != 0:
        raise RuntimeError(f"igzip -dc {path} failed")
    return total


# --------------------------------------------------------------------------------------------
# Typed-column size estimate
# --------------------------------------------------------------------------------------------

FIXED_WIDTH = {"int64": 8, "float64": 8, "timestamp": 8, "date": 4, "bool": 1}


def sample_string_lengths(path: str, limit: int = 20000) -> dict[str, float]:
    """Mean UTF-8 bytes per non-empty value, per column, over the first `limit` rows."""
    sums: dict[str, int] = {}
    counts: dict[str, int] = {}
    with gzip.open(path, "rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="")
        if file_format(path) == "csv":
            first = text.readline()
            delimiter = max(",;|\t", key=first.count)
            header = next(csv.reader([first], delimiter=delimiter))
            records = ({k: v for k, v in zip(header, row)} for row in csv.reader(text, delimiter=delimiter))
        else:
            records = (json.loads(line) for line in text if line.strip())
        for index, record in enumerate(records):
            if index >= limit:
                break
            for key, value in record.items():
                if value is None or value == "":
                    continue
                value = value if isinstance(value, str) else json.dumps(value)
                sums[key] = sums.get(key, 0) + len(value.encode())
                counts[key] = counts.get(key, 0) + 1
    return {key: sums[key] / counts[key] for key in sums}


def typed_size(report: dict, path: str) -> tuple[float, list[str]]:
    """Estimated bytes of lumbung's typed columns: rows × width per column.

    Fixed widths are those of LumbungCore's ColumnValues; a string column counts 4 bytes
    (a UInt32 code) when it will be dictionary-encoded (distinct ≤ min(rows/4, 65536), as
    ColumnBuilder.finish does per chunk), else a UInt32 offset plus its mean length from a
    sample of the file; a column with nulls adds its validity bitmap (1/8 byte per row).
    """
    rows = report.get("rows") or 0
    lengths = None
    total = 0.0
    notes = []
    for column in report.get("columns") or []:
        kind = column["type"]
        if kind in FIXED_WIDTH:
            width = float(FIXED_WIDTH[kind])
        elif column.get("distinct_estimate", rows) <= min(rows / 4, 65536):
            width = 4.0
        else:
            if lengths is None:
                lengths = sample_string_lengths(path)
            non_null = 1 - (column.get("nulls", 0) / rows if rows else 0)
            width = 4.0 + lengths.get(column["name"], 8.0) * non_null
        if column.get("nulls"):
            width += 1 / 8
        total += rows * width
        notes.append(f"{column['name']}:{kind}={width:.1f}B")
    return total, notes


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------

def median(values: list[float]) -> float:
    return statistics.median(values)


def fmt_s(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def versions(lumbung: str) -> list[str]:
    out = []
    try:
        rev = subprocess.run(["git", "-C", os.path.dirname(os.path.abspath(__file__)), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True).stdout.strip()
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        dirty = subprocess.run(["git", "-C", root, "status", "--porcelain", "--", "Sources", "Package.swift"],
                               capture_output=True, text=True).stdout.strip()
        rev = (rev + " + uncommitted changes in Sources/") if rev and dirty else rev
        if os.path.exists(lumbung + ".rev"):  # written by ingest.sh right after the build
            with open(lumbung + ".rev") as f:
                rev = f.read().strip() or rev
        built = dt.datetime.fromtimestamp(os.path.getmtime(lumbung)).strftime("%Y-%m-%d %H:%M") if os.path.exists(lumbung) else "?"
        out.append(f"lumbung at {rev or '?'} (binary built {built})")
    except OSError:
        out.append(f"lumbung ({lumbung})")
    for name in ("duckdb", "polars"):
        try:
            module = __import__(name)
            out.append(f"{name} {module.__version__}")
        except ImportError:
            out.append(f"{name} missing")
    for argv in (["pigz", "--version"], ["igzip", "--version"]):
        proc = subprocess.run(argv, capture_output=True, text=True)
        out.append((proc.stdout or proc.stderr).strip().splitlines()[0])
    out.append(f"Python {platform.python_version()}")
    return out


def machine() -> str:
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {mem_gib:.0f} GiB"


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        one, five, fifteen = os.getloadavg()
        return f"load average: {one:.2f}, {five:.2f}, {fifteen:.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", help=".csv.gz / .ndjson.gz files")
    parser.add_argument("--lumbung", default=".build-bench/release/lumbung", help="the lumbung binary")
    parser.add_argument("--runs", type=int, default=int(os.environ.get("RUNS", "5")), help="runs per tool (median)")
    parser.add_argument("--out", help="append the Markdown report to this file")
    parser.add_argument("--scale", help="the sample scale, for the report heading")
    parser.add_argument("--no-zlib", action="store_true", help="skip the LUMBUNG_GZIP=zlib run")
    parser.add_argument("--child", metavar="TOOL", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        run_child(args.child, args.files[0])
        return 0
    if not args.files:
        parser.error("no input files")
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if not os.path.exists(GNU_TIME):
        print(f"{GNU_TIME} (GNU time) is missing: apt-get install -y time", file=sys.stderr)
        return 69
    lumbung = os.path.abspath(args.lumbung)
    rejects_dir = tempfile.mkdtemp(prefix="lumbung-bench-rejects-")

    started = dt.datetime.now()
    uptime_before = uptime()
    print(f"machine: {machine()}", file=sys.stderr)
    print(f"before: {uptime_before}", file=sys.stderr)

    per_file = []  # (path, size_text, tools)
    for path in args.files:
        tools = [tool_pigz(path), tool_igzip(path), tool_lumbung(lumbung, path, rejects_dir)]
        if not args.no_zlib:
            tools.append(tool_lumbung_zlib(lumbung, path, rejects_dir))
        tools += [tool_duckdb(path), tool_polars(path)]
        tools.append(tool_polars_lazy(path))
        print(f"\n{os.path.basename(path)}: counting decompressed bytes", file=sys.stderr)
        text_bytes = decompressed_size(path)
        print(f"  {text_bytes / 1e6:.1f} MB of text, {os.path.getsize(path) / 1e6:.1f} MB on disk", file=sys.stderr)
        for n in range(args.runs):
            for tool in tools:
                if tool.error:
                    continue
                try:
                    run = timed(tool)
                except (RuntimeError, ValueError, KeyError, IndexError) as error:
                    tool.error = str(error)
                    print(f"  run {n + 1}/{args.runs} {tool.name:34} FAILED: {tool.error}", file=sys.stderr)
                    continue
                tool.runs.append(run)
                extra = f" rows={run.rows}" if run.rows is not None else ""
                print(f"  run {n + 1}/{args.runs} {tool.name:34} {run.seconds:8.3f} s {run.rss_mb:8.1f} MB"
                      f"  load {run.load:.2f}{extra}", file=sys.stderr)
        per_file.append((path, text_bytes, tools))

    # Baselines: what the interpreter plus the engine's import alone cost (one run each).
    baselines = {}
    for engine in ("duckdb", "polars"):
        try:
            run = timed(Tool(engine, [sys.executable, os.path.abspath(__file__), "--child", f"import-{engine}", "-"],
                             env=engine_env(), parse="child"))
            baselines[engine] = run
        except RuntimeError:
            pass
    shutil.rmtree(rejects_dir, ignore_errors=True)

    uptime_after = uptime()
    lines: list[str] = []
    problems: list[str] = []
    heading = f"## Ingest benchmark, {started:%Y-%m-%d %H:%M}" + (f", scale {args.scale}" if args.scale else "")
    lines += [heading, "",
              f"- machine: {machine()}",
              f"- load: before `{uptime_before}`; after `{uptime_after}`",
              f"- runs: {args.runs} per tool, median reported; engines with {ENGINE_THREADS} threads; lumbung with its default (cores)",
              "- versions: " + "; ".join(versions(lumbung)),
              ""]
    lines += ["| file | tool | median s | min s | max s | in-process s | peak RSS MB | MB/s of text | × igzip | other load |",
              "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    verdicts: list[str] = []
    busiest = 0.0
    for path, text_bytes, tools in per_file:
        name = os.path.basename(path)
        by_name = {tool.name: tool for tool in tools}
        igzip_runs = by_name["igzip -dc"].runs
        igzip_median = median([r.seconds for r in igzip_runs]) if igzip_runs else None
        for tool in tools:
            if not tool.runs:
                lines.append(f"| {name} | {tool.name} | error | | | | | | | |")
                problems.append(f"{name}: {tool.name} failed: {tool.error}")
                continue
            seconds = [r.seconds for r in tool.runs]
            inproc = [r.inproc for r in tool.runs if r.inproc is not None]
            others = median([r.others for r in tool.runs])
            busiest = max(busiest, others)
            med = median(seconds)
            ratio = f"{med / igzip_median:.2f}" if igzip_median else "—"
            note = f" (failed after {len(tool.runs)} runs)" if tool.error else ""
            lines.append(f"| {name} | {tool.name}{note} | {med:.3f} | {min(seconds):.3f} | {max(seconds):.3f} | "
                         f"{fmt_s(median(inproc) if inproc else None)} | {max(r.rss_mb for r in tool.runs):.0f} | "
                         f"{text_bytes / 1e6 / med:.0f} | {ratio} | {others:.2f} |")
            if tool.error:
                problems.append(f"{name}: {tool.name} failed after {len(tool.runs)} good runs: {tool.error}")

        # Row counts must agree between lumbung, DuckDB and Polars.
        counts = {}
        for tool in tools:
            rows = {r.rows for r in tool.runs if r.rows is not None}
            if len(rows) > 1:
                problems.append(f"{name}: {tool.name} returned different row counts across runs: {sorted(rows)}")
            if rows:
                counts[tool.name] = sorted(rows)[0]
        if len(set(counts.values())) > 1:
            detail = ", ".join(f"{k}={v:,}" for k, v in counts.items())
            message = f"ROW COUNT MISMATCH on {name}: {detail}"
            problems.append(message)
            print("\n" + "!" * 78 + f"\n!!! {message}\n" + "!" * 78, file=sys.stderr)
        elif counts:
            verdicts.append(f"- {name}: row counts agree ({next(iter(counts.values())):,} rows, {len(counts)} readers)")

        # Targets.
        lum = by_name["lumbung inspect"]
        if lum.runs and igzip_median:
            lum_median = median([r.seconds for r in lum.runs])
            ratio = lum_median / igzip_median
            verdicts.append(f"- {name}: typed ingest {lum_median:.3f} s = {ratio:.2f}× igzip -dc "
                            f"→ target ≤ 1.5×: **{'holds' if ratio <= 1.5 else 'MISSED'}**")
            for other in tools:
                if other.name.startswith(("DuckDB", "Polars")):
                    if not other.runs:
                        verdicts.append(f"- {name}: vs {other.name}: no result ({other.error})")
                        continue
                    other_median = median([r.seconds for r in other.runs])
                    faster = lum_median < other_median
                    verdicts.append(f"- {name}: vs {other.name} {other_median:.3f} s: lumbung "
                                    f"{'faster' if faster else 'SLOWER'} ({other_median / lum_median:.2f}× its speed)"
                                    f" → target: **{'holds' if faster else 'MISSED'}**")
        elif not lum.runs:
            verdicts.append(f"- {name}: typed ingest: **no result** (lumbung failed: {lum.error})")

        # Memory vs typed columns.
        report = lum.report
        if report is None:  # borrow the sibling file's (same table, other format) profile
            stem = name.split(".")[0]
            for other_path, _, other_tools in per_file:
                if os.path.basename(other_path).split(".")[0] == stem:
                    report = next((t.report for t in other_tools if t.report), None) or report
        if report and report.get("rows"):
            size, _notes = typed_size(report, path)
            parts = [f"typed columns ≈ {size / 2**20:.0f} MB ({report['rows']:,} rows × {size / report['rows']:.1f} B)"]
            for tool in tools:
                if tool.runs and not tool.name.endswith("-dc"):
                    rss = max(r.rss_mb for r in tool.runs)
                    parts.append(f"{tool.name} {rss / (size / 2**20):.1f}×")
            verdicts.append(f"- {name}: peak RSS vs " + "; ".join(parts))

    lines += ["", "MB/s counts decompressed text (MB = 10⁶ bytes); × igzip is median ÷ igzip's median. "
              "Engine rows include starting Python and importing the engine (see in-process s for the load alone). "
              "Other load: median cores kept busy by other processes during the runs (/proc/stat minus the tool's own CPU).", ""]
    if baselines:
        lines.append("Baseline of an engine process that only imports it: " + "; ".join(
            f"{k} {v.seconds:.3f} s, {v.rss_mb:.0f} MB" for k, v in baselines.items()) + ".")
        lines.append("")
    lines += ["### Targets", ""] + verdicts
    if busiest > 0.25:
        warn = (f"- **machine was busy**: other processes kept up to {busiest:.2f} of {os.cpu_count()} cores busy during the runs; "
                "repeat when it is quiet")
        lines.append(warn)
    if problems:
        lines += ["", "### Problems", ""] + [f"- {p}" for p in problems]
    report_text = "\n".join(lines) + "\n"
    print("\n" + report_text)
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "a") as f:
            f.write(report_text + "\n")
        print(f"written to {args.out}", file=sys.stderr)
    return 2 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
