#!/usr/bin/env python3
"""End-to-end query benchmark: `lumbung query` from gzip CSV vs DuckDB and Polars' lazy engine.

Run through bench/query.sh, which builds lumbung, makes bench/.venv (duckdb, polars) and finds the
data. Directly:

    bench/.venv/bin/python bench/query_compare.py --lumbung .build-bench/release/lumbung \
        --data bench/data/scale-10 --threads 2 --runs 5 --out bench/results/query.md

Three parts:

A. End to end, read + query, on the same .csv.gz files with the same thread count. lumbung is
   timed as a whole process (`lumbung query --data DIR --threads N --format csv -f Q.lq > file`,
   process start included). DuckDB (`SET threads=N`, `read_csv(...)` inside the SQL) and Polars
   (`POLARS_MAX_THREADS=N` set before import, `pl.scan_csv(...)...collect()`) each run in a fresh
   Python process per run and are timed inside it from just before the read to the materialised
   result (`fetchall()` / the collected DataFrame): interpreter start and imports excluded. Their
   whole-process wall time is reported next to it. The results of all three must agree: same
   rows (unordered results sorted by their keys), floats to 1e-9 relative, timestamps compared as
   instants.
B. Projection pushdown: `lumbung query` vs `lumbung query --no-pushdown` on the same query (3 of
   31 / 35 columns), same output bytes required.
C. Planning cost of the 20-line bench/queries/plan20.lq: the `plan` line of `--stats` on the real
   file; `--explain` on the real file and on a tiny plain CSV with the same header; a one-line
   query's `--explain` on the tiny file; and `lumbung --help` for process start.

Runs go round-robin over the tools so a burst of background load hits all of them alike; every
run records the 1-minute load average and the cores other processes kept busy.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

GNU_TIME = "/usr/bin/time"
HERE = os.path.dirname(os.path.abspath(__file__))
QUERY_DIR = os.path.join(HERE, "queries")

# Part A's queries: the LQ file, and the number of leading key columns (0: the order matters).
QUERIES = {
    "a": ("a_group.lq", 2),
    "b": ("b_distinct_median.lq", 2),
    "c": ("c_join.lq", 2),
    "d": ("d_sort_take.lq", 0),
}
PUSHDOWN = ["p_layanan.lq", "p_pegawai.lq"]
PLAN20 = "plan20.lq"

# Columns lumbung reads as text that DuckDB/Polars would take for numbers ("33.02", an 18-digit
# nip): both engines are told they are text, so every engine works on the same types.
TEXT = {
    "layanan": ["kode_wilayah"],
    "pegawai": ["nip", "nip_lama", "kode_wilayah_kerja"],
    "kinerja": ["nip", "nip_pejabat_penilai"],
}

SQL = {
    "a": """SELECT kode_instansi, kanal, count(*) AS n, avg(skor_ikm) AS rata_ikm,
                   count(*) FILTER (WHERE tepat_waktu) / count(*) AS patuh_sla
            FROM {layanan} GROUP BY kode_instansi, kanal""",
    "b": """SELECT kode_instansi, kanal, count(*) AS n, avg(skor_ikm) AS rata_ikm,
                   count(*) FILTER (WHERE tepat_waktu) / count(*) AS patuh_sla,
                   count(DISTINCT jenis_layanan) AS jenis, median(durasi_hari_kerja) AS median_durasi
            FROM {layanan} GROUP BY kode_instansi, kanal""",
    "c": """SELECT substr(p.kode_wilayah_kerja, 1, 2) AS provinsi, p.golongan, count(*) AS n,
                   avg(k.capaian_persen) AS rata_capaian
            FROM {kinerja} k JOIN {pegawai} p ON k.nip = p.nip GROUP BY 1, 2""",
    # Every column as text: the Python client needs pytz for TIMESTAMP WITH TIME ZONE values.
    "d": """SELECT COLUMNS(*)::VARCHAR FROM (
                SELECT * FROM {layanan} ORDER BY durasi_hari_kerja DESC NULLS LAST, id_permohonan LIMIT 100)""",
}
# share(cond) is count_if(cond) / count(): 0 over a group with no true value, so DuckDB gets
# count(*) FILTER (WHERE cond) (its count_if of only nulls is null).


def polars_query(pl, name: str, scan):
    layanan = scan("layanan") if name in "abd" else None
    share = (pl.col("tepat_waktu").sum() / pl.len()).alias("patuh_sla")
    basic = [pl.len().alias("n"), pl.col("skor_ikm").mean().alias("rata_ikm"), share]
    if name == "a":
        return layanan.group_by("kode_instansi", "kanal").agg(basic)
    if name == "b":
        return layanan.group_by("kode_instansi", "kanal").agg(
            basic + [pl.col("jenis_layanan").drop_nulls().n_unique().alias("jenis"),
                     pl.col("durasi_hari_kerja").median().alias("median_durasi")])
    if name == "c":
        return (scan("kinerja").join(scan("pegawai"), on="nip", how="inner")
                .group_by(pl.col("kode_wilayah_kerja").str.slice(0, 2).alias("provinsi"), "golongan")
                .agg(pl.len().alias("n"), pl.col("capaian_persen").mean().alias("rata_capaian")))
    if name == "d":
        return layanan.sort(["durasi_hari_kerja", "id_permohonan"], descending=[True, False], nulls_last=True).head(100)
    raise SystemExit(f"unknown query {name}")


# --------------------------------------------------------------------------------------------
# Child mode: one engine, one query, in this process. Writes the result rows (as text) to
# --result and prints {"seconds": S, "rows": N, ...}.
# --------------------------------------------------------------------------------------------

def text(value):
    """A result value as the text lumbung's CSV writer would give (None for null)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
            return value.isoformat() + "Z"
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def child_duckdb(args) -> dict:
    import duckdb

    con = duckdb.connect()  # in-memory database
    con.execute(f"SET threads = {args.threads}")
    con.execute("SET TimeZone = 'UTC'")

    def reader(table: str) -> str:
        path = os.path.join(args.data, f"{table}.csv.gz").replace("'", "''")
        types = ", ".join(f"'{c}': 'VARCHAR'" for c in TEXT[table])
        return f"read_csv('{path}', types={{{types}}})"

    sql = SQL[args.query].format(**{t: reader(t) for t in TEXT})
    start = time.perf_counter()
    cursor = con.execute(sql)
    rows = cursor.fetchall()
    seconds = time.perf_counter() - start
    header = [d[0] for d in cursor.description]
    write_result(args.result, header, rows)
    return {"seconds": seconds, "rows": len(rows), "threads": con.execute("SELECT current_setting('threads')").fetchone()[0]}


def child_polars(args) -> dict:
    os.environ["POLARS_MAX_THREADS"] = str(args.threads)  # also set by the parent; before import
    import polars as pl

    def scan(table: str):
        return pl.scan_csv(os.path.join(args.data, f"{table}.csv.gz"),
                           schema_overrides={c: pl.Utf8 for c in TEXT[table]})

    start = time.perf_counter()
    frame = polars_query(pl, args.query, scan).collect()
    seconds = time.perf_counter() - start
    write_result(args.result, frame.columns, frame.rows())
    return {"seconds": seconds, "rows": frame.height, "threads": pl.thread_pool_size()}


def write_result(path, header, rows):
    with open(path, "w") as out:
        json.dump({"header": list(header), "rows": [[text(v) for v in row] for row in rows]}, out)


# --------------------------------------------------------------------------------------------
# Comparing results.
# --------------------------------------------------------------------------------------------

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d(:?\d\d)?)?$")
INTEGER = re.compile(r"^-?(0|[1-9]\d*)$")


def canon(value):
    """Text → int, float, a UTC timestamp, or the text itself; '' and None → None."""
    if value is None or value == "":
        return None
    if INTEGER.match(value):
        return int(value)
    try:
        return float(value)
    except ValueError:
        pass
    if TIMESTAMP.match(value):
        try:
            stamp = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            if stamp.tzinfo is not None:
                stamp = stamp.astimezone(dt.timezone.utc).replace(tzinfo=None)
            return ("timestamp", stamp.isoformat())
        except ValueError:
            pass
    return value


def same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, float) and math.isnan(a):
            return isinstance(b, float) and math.isnan(b)
        return a == b or abs(a - b) <= 1e-9 * max(abs(a), abs(b))
    return a == b


def sort_key(row, keys):
    return tuple((v is None, type(v).__name__, "" if v is None else str(v)) for v in row[:keys])


def compare(keys: int, reference: list, other: list) -> str | None:
    x = [[canon(v) for v in row] for row in reference]
    y = [[canon(v) for v in row] for row in other]
    if keys:
        x.sort(key=lambda r: sort_key(r, keys))
        y.sort(key=lambda r: sort_key(r, keys))
    if len(x) != len(y):
        return f"{len(x)} rows vs {len(y)}"
    for index, (r, s) in enumerate(zip(x, y)):
        if len(r) != len(s):
            return f"row {index}: {len(r)} columns vs {len(s)}"
        for column, (a, b) in enumerate(zip(r, s)):
            if not same(a, b):
                return f"row {index} column {column}: {a!r} vs {b!r} (rows {r} vs {s})"
    return None


def read_csv_result(path):
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    return (rows[0] if rows else []), rows[1:]


# --------------------------------------------------------------------------------------------
# Timing.
# --------------------------------------------------------------------------------------------

@dataclass
class Run:
    seconds: float          # wall time around the process
    rss_mb: float           # peak RSS (GNU time %M)
    inproc: float | None    # DuckDB/Polars: read + query inside the process
    load: float             # 1-minute load average just before the run
    others: float           # cores kept busy by other processes during the run


@dataclass
class Tool:
    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    stdout: str | None = None   # lumbung: write stdout here
    child: bool = False         # DuckDB/Polars child: JSON on stdout
    result: str | None = None   # where the result ends up (CSV for lumbung, JSON for children)
    runs: list[Run] = field(default_factory=list)
    error: str | None = None
    info: dict = field(default_factory=dict)

    def median(self) -> float | None:
        values = [r.inproc if r.inproc is not None else r.seconds for r in self.runs]
        return statistics.median(values) if values else None

    def wall(self) -> float | None:
        return statistics.median([r.seconds for r in self.runs]) if self.runs else None


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
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        env = dict(os.environ, **tool.env)
        load = os.getloadavg()[0]
        out = open(tool.stdout, "w") if tool.stdout else (subprocess.PIPE if tool.child else subprocess.DEVNULL)
        try:
            busy = cpu_busy()
            start = time.perf_counter()
            proc = subprocess.run([GNU_TIME, "-f", "%e %M %U %S", "-o", tf.name, *tool.argv],
                                  stdout=out, stderr=subprocess.PIPE, env=env, text=True)
            seconds = time.perf_counter() - start
            busy = cpu_busy() - busy
        finally:
            if tool.stdout:
                out.close()
        tf.seek(0)
        lines = [line for line in tf.read().splitlines() if line.strip()]
    if proc.returncode != 0:
        message = [line for line in (proc.stderr or "").strip().splitlines() if not line.startswith("Command exited")]
        short = " / ".join(message[-3:]) if message else f"exit status {proc.returncode}"
        raise RuntimeError(f"exit {proc.returncode}: {short}")
    _elapsed, max_kib, user, system = lines[-1].split()
    others = max(0.0, (busy - float(user) - float(system)) / seconds) if seconds > 0 else 0.0
    run = Run(seconds=seconds, rss_mb=int(max_kib) / 1024, inproc=None, load=load, others=others)
    if tool.child:
        info = json.loads(proc.stdout.strip().splitlines()[-1])
        run.inproc = info["seconds"]
        tool.info = info
    return run


QUIET = 0.25  # cores other processes may keep busy for a run to count as quiet


def wait_quiet(limit: float) -> float:
    """Waits (at most `limit` seconds) until other processes keep fewer than QUIET cores busy over
    two seconds; between our runs, everything busy is someone else's. Returns the seconds waited."""
    waited = 0.0
    while True:
        busy = cpu_busy()
        time.sleep(2.0)
        waited += 2.0
        if (cpu_busy() - busy) / 2.0 < QUIET or waited >= limit:
            return waited


def round_robin(tools: list[Tool], runs: int, label: str, quiet_wait: float = 0.0) -> None:
    for n in range(runs):
        for tool in tools:
            if tool.error:
                continue
            if quiet_wait > 0:
                waited = wait_quiet(quiet_wait)
                if waited > 2.0:
                    print(f"  (waited {waited:.0f} s for the machine to quieten)", file=sys.stderr)
            try:
                run = timed(tool)
            except (RuntimeError, ValueError, KeyError, IndexError) as error:
                tool.error = str(error)
                print(f"  {label} run {n + 1}/{runs} {tool.name:28} FAILED: {tool.error}", file=sys.stderr)
                continue
            tool.runs.append(run)
            inproc = f" (in-process {run.inproc:.3f} s)" if run.inproc is not None else ""
            print(f"  {label} run {n + 1}/{runs} {tool.name:28} {run.seconds:8.3f} s{inproc} {run.rss_mb:8.1f} MB"
                  f"  load {run.load:.2f} others {run.others:.2f}", file=sys.stderr)


def quiet_runs(runs: list[Run]) -> str:
    return f"{sum(1 for r in runs if r.others <= QUIET)}/{len(runs)}"


def stats_run(lumbung: str, argv: list[str], env: dict | None = None) -> tuple[list[str], float]:
    """One `--stats` run: its stderr lines and the wall time."""
    start = time.perf_counter()
    proc = subprocess.run([lumbung, *argv, "--stats"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True, env=dict(os.environ, **(env or {})))
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        return [f"failed: exit {proc.returncode}: {proc.stderr.strip()[-300:]}"], seconds
    return [line.rstrip() for line in proc.stderr.splitlines() if line.strip()], seconds


def plan_seconds(lines: list[str]) -> float | None:
    for line in lines:
        match = re.match(r"^plan\s+([\d.]+) s", line)
        if match:
            return float(match.group(1))
    return None


# --------------------------------------------------------------------------------------------
# Report helpers.
# --------------------------------------------------------------------------------------------

def versions(lumbung: str) -> list[str]:
    out = []
    rev = "?"
    if os.path.exists(lumbung + ".rev"):  # written by query.sh right after the build
        with open(lumbung + ".rev") as f:
            rev = f.read().strip() or rev
    built = dt.datetime.fromtimestamp(os.path.getmtime(lumbung)).strftime("%Y-%m-%d %H:%M") if os.path.exists(lumbung) else "?"
    out.append(f"lumbung at {rev} (binary built {built})")
    for name in ("duckdb", "polars"):
        try:
            out.append(f"{name} {__import__(name).__version__}")
        except ImportError:
            out.append(f"{name} missing")
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
        return "load average: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def fmt(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds:.3f}"


def first_line(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip() and not line.lstrip().startswith("#"):
                return line.strip()
    return ""


def lq_text(name: str) -> str:
    with open(os.path.join(QUERY_DIR, name), encoding="utf-8") as handle:
        lines = [line.rstrip() for line in handle if not line.lstrip().startswith("#")]
    return " ".join(" ".join(lines).split())


# --------------------------------------------------------------------------------------------
# The parts.
# --------------------------------------------------------------------------------------------

def part_a(args, lumbung: str, work: str, lines: list[str], verdicts: list[str], problems: list[str]) -> None:
    engine_env = {"POLARS_MAX_THREADS": str(args.threads), "OMP_NUM_THREADS": str(args.threads)}
    table = ["| query | tool | median s | min s | max s | process s | peak RSS MB | rows | other load | quiet runs |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    stats_lines: list[str] = []
    for name in args.queries:
        lq, keys = QUERIES[name]
        folder = os.path.join(work, f"a-{name}")
        os.makedirs(folder)
        tools = [
            Tool("lumbung query", [lumbung, "query", "--data", args.data, "--threads", str(args.threads),
                                   "--format", "csv", "-f", os.path.join(QUERY_DIR, lq)],
                 stdout=os.path.join(folder, "lumbung.csv"), result=os.path.join(folder, "lumbung.csv")),
            Tool("DuckDB", [sys.executable, os.path.abspath(__file__), "--child", "duckdb", "--query", name,
                            "--data", args.data, "--threads", str(args.threads),
                            "--result", os.path.join(folder, "duckdb.json")],
                 env=engine_env, child=True, result=os.path.join(folder, "duckdb.json")),
            Tool("Polars lazy", [sys.executable, os.path.abspath(__file__), "--child", "polars", "--query", name,
                                 "--data", args.data, "--threads", str(args.threads),
                                 "--result", os.path.join(folder, "polars.json")],
                 env=engine_env, child=True, result=os.path.join(folder, "polars.json")),
        ]
        print(f"\nA ({name}) {lq}: {lq_text(lq)}", file=sys.stderr)
        round_robin(tools, args.runs, f"({name})", args.quiet_wait)

        # Results must agree (the last run's).
        results = {}
        for tool in tools:
            if not tool.runs:
                continue
            if tool.child:
                with open(tool.result) as f:
                    data = json.load(f)
                results[tool.name] = data["rows"]
            else:
                _header, rows = read_csv_result(tool.result)
                results[tool.name] = rows
        reference = results.get("lumbung query")
        agree = []
        for other in ("DuckDB", "Polars lazy"):
            if reference is None or other not in results:
                continue
            difference = compare(keys, reference, results[other])
            if difference:
                message = f"RESULT MISMATCH ({name}) lumbung vs {other}: {difference}"
                problems.append(message)
                print("\n" + "!" * 78 + f"\n!!! {message}\n" + "!" * 78, file=sys.stderr)
            else:
                agree.append(other)
        if reference is not None and agree:
            verdicts.append(f"- ({name}) results agree: lumbung = {' = '.join(agree)} ({len(reference):,} rows)")

        for tool in tools:
            if not tool.runs:
                table.append(f"| ({name}) | {tool.name} | error | | | | | | | |")
                problems.append(f"({name}) {tool.name} failed: {tool.error}")
                continue
            values = [r.inproc if r.inproc is not None else r.seconds for r in tool.runs]
            process = fmt(tool.wall()) if tool.child else "(same)"
            rows = len(results.get(tool.name, [])) if tool.name in results else "?"
            table.append(f"| ({name}) | {tool.name} | {statistics.median(values):.3f} | {min(values):.3f} | "
                         f"{max(values):.3f} | {process} | {max(r.rss_mb for r in tool.runs):.0f} | {rows} | "
                         f"{statistics.median([r.others for r in tool.runs]):.2f} | {quiet_runs(tool.runs)} |")
            if tool.error:
                problems.append(f"({name}) {tool.name} failed after {len(tool.runs)} good runs: {tool.error}")
            if tool.child and tool.info.get("threads") not in (None, args.threads, str(args.threads)):
                problems.append(f"({name}) {tool.name} ran with {tool.info.get('threads')} threads, not {args.threads}")

        lum = tools[0]
        if lum.runs:
            for other in tools[1:]:
                if not other.runs:
                    verdicts.append(f"- ({name}) vs {other.name}: no result ({other.error})")
                    continue
                faster = lum.median() < other.median()
                verdicts.append(f"- ({name}) lumbung {lum.median():.3f} s vs {other.name} {other.median():.3f} s: "
                                f"{other.median() / lum.median():.2f}× its speed → faster: **{'holds' if faster else 'MISSED'}**")
            stats, _ = stats_run(lumbung, lum.argv[1:])
            stats_lines += [f"({name}) `lumbung query --threads {args.threads} --stats -f bench/queries/{lq}`:", "", "```"] + stats + ["```", ""]

    lines += ["### A. End to end from the gzip files: read + query", ""] + table + [""]
    lines += ["median/min/max: lumbung's whole process (`--format csv` to a file, process start included); "
              "DuckDB and Polars from just before the read to the materialised result inside a fresh Python "
              "process (interpreter start and imports excluded; their whole-process wall time is under process s). "
              "Other load: median cores other processes kept busy during the runs; quiet runs: those with other load ≤ 0.25.", ""]
    lines += ["One `--stats` run per query (after the timed runs):", ""] + stats_lines


def part_b(args, lumbung: str, work: str, lines: list[str], verdicts: list[str], problems: list[str]) -> None:
    table = ["| query | columns read | lumbung s | --no-pushdown s | ratio | peak RSS MB (both) | other load | quiet runs |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    stats_lines: list[str] = []
    for lq in PUSHDOWN:
        folder = os.path.join(work, f"b-{lq}")
        os.makedirs(folder)
        base = [lumbung, "query", "--data", args.data, "--threads", str(args.threads), "--format", "csv",
                "-f", os.path.join(QUERY_DIR, lq)]
        tools = [Tool("pushdown", base, stdout=os.path.join(folder, "on.csv")),
                 Tool("--no-pushdown", base + ["--no-pushdown"], stdout=os.path.join(folder, "off.csv"))]
        print(f"\nB {lq}: {lq_text(lq)}", file=sys.stderr)
        round_robin(tools, args.runs, lq, args.quiet_wait)
        on, off = tools
        if not (on.runs and off.runs):
            problems += [f"B {lq}: {t.name} failed: {t.error}" for t in tools if not t.runs]
            continue
        with open(on.stdout, "rb") as a, open(off.stdout, "rb") as b:
            identical = a.read() == b.read()
        if not identical:
            problems.append(f"B {lq}: --no-pushdown gives a different result")
        explain = subprocess.run([lumbung, "query", "--data", args.data, "--explain", "-f", os.path.join(QUERY_DIR, lq)],
                                 capture_output=True, text=True).stdout
        read = re.search(r"columns read: (\d+ of \d+)", explain)
        ratio = off.median() / on.median()
        table.append(f"| `{lq_text(lq).replace('|', chr(92) + '|')}` | {read.group(1) if read else '?'} | {on.median():.3f} | {off.median():.3f} | "
                     f"{ratio:.2f}× | {max(r.rss_mb for r in on.runs):.0f} / {max(r.rss_mb for r in off.runs):.0f} | "
                     f"{statistics.median([r.others for r in on.runs + off.runs]):.2f} | {quiet_runs(on.runs + off.runs)} |")
        verdicts.append(f"- B {lq}: pushdown {on.median():.3f} s vs all columns {off.median():.3f} s = {ratio:.2f}× faster; "
                        f"same result: **{'yes' if identical else 'NO'}**")
        for tool in tools:
            stats, _ = stats_run(lumbung, tool.argv[1:])
            flag = " --no-pushdown" if tool is off else ""
            stats_lines += [f"`lumbung query{flag} --stats -f bench/queries/{lq}`:", "", "```"] + stats + ["```", ""]
    lines += ["### B. Projection pushdown", ""] + table + [""]
    lines += ["Both: `lumbung query --data DIR --threads N --format csv -f Q.lq > file`, whole process, median of the runs; "
              "ratio = --no-pushdown ÷ pushdown. Output bytes compared.", ""] + stats_lines


def part_c(args, lumbung: str, work: str, lines: list[str], verdicts: list[str], problems: list[str]) -> None:
    # A tiny plain-CSV layanan with the real header and the first 20 rows.
    tiny = os.path.join(work, "tiny")
    os.makedirs(tiny)
    with gzip.open(os.path.join(args.data, "layanan.csv.gz"), "rt", encoding="utf-8", newline="") as src, \
            open(os.path.join(tiny, "layanan.csv"), "w", encoding="utf-8", newline="") as dst:
        for _ in range(21):
            dst.write(src.readline())
    plan20 = os.path.join(QUERY_DIR, PLAN20)
    with open(plan20) as f:
        plan_lines = sum(1 for _ in f)
    one = "from layanan | take 1"
    n = max(10, 4 * args.runs)
    tools = [
        Tool("`lumbung --help` (process start)", [lumbung, "--help"]),
        Tool("`--explain` 1-line query, tiny CSV", [lumbung, "query", "--data", tiny, "--explain", one]),
        Tool(f"`--explain` {plan_lines}-line query, tiny CSV", [lumbung, "query", "--data", tiny, "--explain", "-f", plan20]),
        Tool(f"`--explain` {plan_lines}-line query, real .csv.gz", [lumbung, "query", "--data", args.data, "--explain", "-f", plan20]),
    ]
    print(f"\nC {PLAN20} ({plan_lines} lines)", file=sys.stderr)
    round_robin(tools, n, "C")
    plans, walls, stats = [], [], []
    for _ in range(args.runs):
        stats, seconds = stats_run(lumbung, ["query", "--data", args.data, "--threads", str(args.threads),
                                             "--format", "csv", "-f", plan20])
        value = plan_seconds(stats)
        if value is not None:
            plans.append(value)
            walls.append(seconds)
    table = ["| measurement (whole process unless said) | median s | min s | runs |", "| --- | ---: | ---: | ---: |"]
    for tool in tools:
        if tool.runs:
            table.append(f"| {tool.name} | {tool.wall():.4f} | {min(r.seconds for r in tool.runs):.4f} | {len(tool.runs)} |")
        else:
            problems.append(f"C {tool.name} failed: {tool.error}")
    if plans:
        table.append(f"| `plan` line of `--stats`, {plan_lines}-line query on the real file | {statistics.median(plans):.4f} | "
                     f"{min(plans):.4f} | {len(plans)} |")
        table.append(f"| (that run's whole process) | {statistics.median(walls):.4f} | {min(walls):.4f} | {len(walls)} |")
    lines += ["### C. Planning cost", ""] + table + [""]
    start, tiny1, tiny20, real20 = (t.wall() for t in tools)
    if None not in (start, tiny20, tiny1, real20):
        lines += [f"Parse + check + optimize + explain of the {plan_lines}-line query ≈ tiny-file `--explain` − `--help` = "
                  f"{(tiny20 - start) * 1000:.1f} ms (the one-line query: {(tiny1 - start) * 1000:.1f} ms, so "
                  f"{(tiny20 - tiny1) * 1000:.1f} ms for the other {plan_lines - 1} lines). Probing the real gzip "
                  f"file's head ≈ real − tiny = {(real20 - tiny20) * 1000:.1f} ms.", ""]
        verdicts.append(f"- C: {plan_lines}-line query: parse+check ≈ {(tiny20 - start) * 1000:.1f} ms; "
                        f"`plan` on the real file {statistics.median(plans) * 1000:.0f} ms (mostly probing the head)"
                        if plans else f"- C: parse+check ≈ {(tiny20 - start) * 1000:.1f} ms")
    lines += [f"`--stats` of one real run of bench/queries/{PLAN20}:", "", "```"] + stats + ["```", ""]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lumbung", default=".build-bench/release/lumbung")
    parser.add_argument("--data", required=True, help="folder with layanan/pegawai/kinerja .csv.gz")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scale", help="for the report heading")
    parser.add_argument("--parts", nargs="*", default=["A", "B", "C"])
    parser.add_argument("--queries", nargs="*", default=list(QUERIES))
    parser.add_argument("--out", help="append the Markdown report here")
    parser.add_argument("--quiet-wait", type=float, default=float(os.environ.get("QUIET_WAIT", "60")),
                        help="before each run of parts A and B, wait up to this many seconds for other "
                             "processes to use under 0.25 cores (0: do not wait)")
    parser.add_argument("--child", choices=["duckdb", "polars"], help=argparse.SUPPRESS)
    parser.add_argument("--query", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.data = os.path.abspath(args.data)

    if args.child:
        info = child_duckdb(args) if args.child == "duckdb" else child_polars(args)
        print(json.dumps(info))
        return 0
    for name in args.queries:
        if name not in QUERIES:
            parser.error(f"unknown query {name} (one of {', '.join(QUERIES)})")
    if not os.path.exists(GNU_TIME):
        print(f"{GNU_TIME} (GNU time) is missing: apt-get install -y time", file=sys.stderr)
        return 69
    lumbung = os.path.abspath(args.lumbung)
    work = tempfile.mkdtemp(prefix="lumbung-query-bench-")

    started = dt.datetime.now()
    lines: list[str] = []
    verdicts: list[str] = []
    problems: list[str] = []
    loads = [f"before: `{uptime()}`"]
    print(f"machine: {machine()}\n{loads[0]}", file=sys.stderr)
    body: list[str] = []
    for part, function in (("A", part_a), ("B", part_b), ("C", part_c)):
        if part in args.parts:
            function(args, lumbung, work, body, verdicts, problems)
            loads.append(f"after {part}: `{uptime()}`")
            print(loads[-1], file=sys.stderr)
    shutil.rmtree(work, ignore_errors=True)

    heading = f"## Query benchmark, {started:%Y-%m-%d %H:%M}" + (f", scale {args.scale}" if args.scale else "")
    lines += [heading, "",
              f"- machine: {machine()}",
              "- load: " + "; ".join(loads),
              f"- data: {args.data}",
              f"- runs: {args.runs} per tool, median reported; every engine with {args.threads} threads",
              "- versions: " + "; ".join(versions(lumbung)),
              ""]
    lines += body
    lines += ["### Targets and checks", ""] + verdicts
    if problems:
        lines += ["", "### Problems", ""] + [f"- {p}" for p in problems]
    report = "\n".join(lines) + "\n"
    print("\n" + report)
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "a") as f:
            f.write(report + "\n")
        print(f"written to {args.out}", file=sys.stderr)
    return 2 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
