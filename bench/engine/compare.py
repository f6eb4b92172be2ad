#!/usr/bin/env python3
"""Engine benchmark: the same four queries in Lumbung, DuckDB and Polars, on the same data
already loaded in memory, with the same thread count; checks that all three agree.

Run through bench/engine/run.sh (builds engine-bench, makes the venv and the data). Directly:

    bench/.venv/bin/python bench/engine/compare.py --bench bench/engine/.build/release/engine-bench \
        --data bench/data/scale-10 --threads 2 --runs 5 --out bench/results/engine.md

`--make-synthetic DIR --rows N` writes look-alike layanan/pegawai/kinerja .csv.gz files (only the
benchmark columns) with DuckDB, for when `lumbung sample` is not available.

Timings are the median of `runs` runs of each query on loaded data (loading is not timed); every
engine runs in its own process, one after the other, so they do not compete for the cores.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time

TABLES = {
    "layanan": ["id_permohonan", "nama_instansi", "kanal", "jenis_layanan", "status", "durasi_hari_kerja", "skor_ikm"],
    "pegawai": ["nip", "golongan", "kode_wilayah_kerja"],
    "kinerja": ["nip", "capaian_persen"],
}

# Identifier-like columns are text in every engine (as Lumbung's reader keeps them).
TEXT_COLUMNS = {"id_permohonan", "nama_instansi", "kanal", "jenis_layanan", "status", "nip", "golongan",
                "kode_wilayah_kerja"}

QUERIES = ["a_group_count_avg_share", "b_group_distinct_median", "c_join_group", "d_sort_take"]
KEYS = {  # columns that identify a row of each result, for comparing unordered results
    "a_group_count_avg_share": 2,
    "b_group_distinct_median": 2,
    "c_join_group": 2,
    "d_sort_take": 0,  # ordered
}

SQL = {
    "a_group_count_avg_share": """
        SELECT nama_instansi, kanal, count(*) AS n, avg(skor_ikm) AS rata_ikm,
               count_if(status = 'selesai') / count(*) AS patuh
        FROM layanan GROUP BY nama_instansi, kanal""",
    "b_group_distinct_median": """
        SELECT nama_instansi, kanal, count(*) AS n, avg(skor_ikm) AS rata_ikm,
               count_if(status = 'selesai') / count(*) AS patuh,
               count(DISTINCT jenis_layanan) AS jenis, median(durasi_hari_kerja) AS median_durasi
        FROM layanan GROUP BY nama_instansi, kanal""",
    "c_join_group": """
        SELECT substr(p.kode_wilayah_kerja, 1, 2) AS provinsi, p.golongan, count(*) AS n,
               avg(k.capaian_persen) AS rata_capaian
        FROM kinerja k JOIN pegawai p ON k.nip = p.nip GROUP BY 1, 2""",
    "d_sort_take": """
        SELECT * FROM layanan ORDER BY durasi_hari_kerja DESC NULLS LAST, id_permohonan LIMIT 100""",
}


def polars_queries(pl, t):
    # Lazy frames, collected: Polars' optimizer turns sort + head into a top-k, as Lumbung's
    # planner does.
    layanan, pegawai, kinerja = t["layanan"].lazy(), t["pegawai"].lazy(), t["kinerja"].lazy()
    selesai = (pl.col("status") == "selesai").sum() / pl.len()
    basic = [pl.len().alias("n"), pl.col("skor_ikm").mean().alias("rata_ikm"), selesai.alias("patuh")]
    return {
        "a_group_count_avg_share": lambda: layanan.group_by("nama_instansi", "kanal").agg(basic).collect(),
        "b_group_distinct_median": lambda: layanan.group_by("nama_instansi", "kanal").agg(
            basic + [pl.col("jenis_layanan").drop_nulls().n_unique().alias("jenis"),
                     pl.col("durasi_hari_kerja").median().alias("median_durasi")]).collect(),
        "c_join_group": lambda: kinerja.join(pegawai, on="nip", how="inner")
            .group_by(pl.col("kode_wilayah_kerja").str.slice(0, 2).alias("provinsi"), "golongan")
            .agg(pl.len().alias("n"), pl.col("capaian_persen").mean().alias("rata_capaian")).collect(),
        "d_sort_take": lambda: layanan.sort(["durasi_hari_kerja", "id_permohonan"], descending=[True, False],
                                            nulls_last=True).head(100).collect(),
    }


# ----------------------------------------------------------------------------------------------
# Child processes: one engine each, prints JSON lines {"query", "times", "rows"} and writes results.
# ----------------------------------------------------------------------------------------------

def child_duckdb(args) -> None:
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET threads = {args.threads}")
    started = time.perf_counter()
    for table, columns in TABLES.items():
        path = os.path.join(args.data, f"{table}.csv.gz").replace("'", "''")
        types = ", ".join(f"'{c}': 'VARCHAR'" for c in columns if c in TEXT_COLUMNS)
        con.execute(f"CREATE TABLE {table} AS SELECT {', '.join(columns)} FROM read_csv('{path}', types={{{types}}})")
    print(json.dumps({"load": time.perf_counter() - started}), flush=True)
    for name in args.queries:
        times, cpu, rows = [], [], []
        for _ in range(args.runs):
            start, cpu_start = time.perf_counter(), time.process_time()
            rows = con.execute(SQL[name]).fetchall()
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - cpu_start)
        write_rows(os.path.join(args.results, f"{name}.json"), rows)
        print(json.dumps({"query": name, "times": times, "cpu": cpu, "rows": len(rows)}), flush=True)


def child_polars(args) -> None:
    os.environ["POLARS_MAX_THREADS"] = str(args.threads)
    import polars as pl

    started = time.perf_counter()
    tables = {table: pl.read_csv(os.path.join(args.data, f"{table}.csv.gz"), columns=columns,
                                 infer_schema_length=100_000,
                                 schema_overrides={c: pl.Utf8 for c in columns if c in TEXT_COLUMNS})
              for table, columns in TABLES.items()}
    print(json.dumps({"load": time.perf_counter() - started, "threads": pl.thread_pool_size()}), flush=True)
    queries = polars_queries(pl, tables)
    for name in args.queries:
        times, cpu, frame = [], [], None
        for _ in range(args.runs):
            start, cpu_start = time.perf_counter(), time.process_time()
            frame = queries[name]()
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - cpu_start)
        write_rows(os.path.join(args.results, f"{name}.json"), frame.rows())
        print(json.dumps({"query": name, "times": times, "cpu": cpu, "rows": frame.height}), flush=True)


def write_rows(path, rows):
    def plain(value):
        if value is None or isinstance(value, (int, float, str, bool)):
            return value
        return str(value)
    with open(path, "w") as out:
        json.dump([[plain(v) for v in row] for row in rows], out)


# ----------------------------------------------------------------------------------------------
# Parent.
# ----------------------------------------------------------------------------------------------

def run_child(command):
    process = subprocess.run(command, capture_output=True, text=True)
    if process.returncode != 0:
        sys.stderr.write(process.stderr)
        raise SystemExit(f"{command[0]} failed with status {process.returncode}")
    sys.stderr.write(process.stderr)
    return [json.loads(line) for line in process.stdout.splitlines() if line.startswith("{")]


def read_lumbung_tsv(path):
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().split("\n")
    header = [field.split(":") for field in lines[0].split("\t")]
    rows = []
    for line in lines[1:]:
        if not line:
            continue
        row = []
        for text, (_, type_name) in zip(line.split("\t"), header):
            if text == "\\N":
                row.append(None)
            elif type_name == "int64":
                row.append(int(text))
            elif type_name == "float64":
                row.append(float(text))
            elif type_name == "bool":
                row.append(text == "true")
            else:
                row.append(text.replace("\\t", "\t").replace("\\n", "\n").replace("\\\\", "\\"))
        rows.append(row)
    return rows


def normalize(rows, keys):
    def key(row):
        return tuple((value is None, "" if value is None else str(value)) for value in row[:keys])
    return sorted(rows, key=key) if keys else rows


def same(a, b):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, float) and math.isnan(a):
            return isinstance(b, float) and math.isnan(b)
        return a == b or abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
    return str(a) == str(b)


def compare(name, reference, other):
    keys = KEYS[name]
    x, y = normalize(reference, keys), normalize(other, keys)
    if len(x) != len(y):
        return f"{len(x)} rows vs {len(y)}"
    for index, (r, s) in enumerate(zip(x, y)):
        if len(r) != len(s) or not all(same(a, b) for a, b in zip(r, s)):
            return f"row {index}: {r} vs {s}"
    return None


def make_synthetic(directory, rows):
    import duckdb

    os.makedirs(directory, exist_ok=True)
    con = duckdb.connect()
    pegawai = max(1, rows * 56 // 1000)
    con.execute(f"""CREATE TABLE layanan AS SELECT
        'LYN-' || (3200 + i % 97)::VARCHAR || '-' || lpad(i::VARCHAR, 9, '0') AS id_permohonan,
        CASE WHEN hash(i) % 8 = 0 THEN 'Kementerian ' || (hash(i * 3) % 80)::VARCHAR
             ELSE 'Pemerintah Kabupaten ' || floor(550 * pow((hash(i * 5) % 1000000) / 1e6, 2))::BIGINT::VARCHAR END AS nama_instansi,
        ['loket','mpp','web','aplikasi_mobile','kios_mandiri','call_center','jemput_bola','pos_email'][1 + floor(8 * pow((hash(i * 7) % 1000) / 1e3, 3))::INT] AS kanal,
        'Layanan ' || floor(42 * pow((hash(i * 11) % 1000) / 1e3, 2))::BIGINT::VARCHAR AS jenis_layanan,
        ['selesai','selesai','selesai','selesai','selesai','selesai','diproses','diajukan','ditolak','dibatalkan'][(1 + hash(i * 13) % 10)::BIGINT] AS status,
        CASE WHEN hash(i * 17) % 100 < 8 THEN NULL ELSE floor(60 * pow((hash(i * 19) % 1000) / 1e3, 3))::BIGINT END AS durasi_hari_kerja,
        CASE WHEN hash(i * 23) % 100 < 75 THEN NULL ELSE round((9 + hash(i * 29) % 28) * 25 / 9, 2) END AS skor_ikm
        FROM range({rows}) t(i)""")
    con.execute(f"""CREATE TABLE pegawai AS SELECT
        (19600101 + i % 400000)::VARCHAR || '2010011' || lpad((i % 1000)::VARCHAR, 3, '0') || lpad((i // 1000)::VARCHAR, 3, '0') AS nip,
        ['III/a','III/b','III/c','III/d','IV/a','IV/b','II/c','IX','V','VII'][1 + floor(10 * pow((hash(i) % 1000) / 1e3, 2))::INT] AS golongan,
        (11 + hash(i * 3) % 38)::VARCHAR || '.' || lpad((1 + hash(i * 5) % 20)::VARCHAR, 2, '0') AS kode_wilayah_kerja
        FROM range({pegawai}) t(i)""")
    con.execute(f"""CREATE TABLE kinerja AS SELECT p.nip,
        CASE WHEN hash(p.nip, m) % 2 = 0 THEN NULL ELSE (hash(p.nip, m) % 20000) / 100 END AS capaian_persen
        FROM pegawai p, range(13) r(m)""")
    for table in TABLES:
        path = os.path.join(directory, f"{table}.csv.gz")
        con.execute(f"COPY {table} TO '{path}' (HEADER, COMPRESSION gzip)")
        print(f"wrote {path}", file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench", help="engine-bench binary")
    parser.add_argument("--data", help="folder with layanan/pegawai/kinerja .csv.gz")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", help="append the markdown report here")
    parser.add_argument("--child", choices=["duckdb", "polars"])
    parser.add_argument("--results")
    parser.add_argument("--queries", nargs="*", default=QUERIES)
    parser.add_argument("--make-synthetic")
    parser.add_argument("--rows", type=int, default=10_000_000)
    args = parser.parse_args()
    if args.make_synthetic:
        make_synthetic(args.make_synthetic, args.rows)
        return
    if args.child == "duckdb":
        child_duckdb(args)
        return
    if args.child == "polars":
        child_polars(args)
        return

    load_before = " ".join(f"{x:.1f}" for x in os.getloadavg())
    work = tempfile.mkdtemp(prefix="engine-bench-")
    report = {}
    results = {}
    for engine in ["lumbung", "duckdb", "polars"]:
        folder = os.path.join(work, engine)
        os.makedirs(folder)
        if engine == "lumbung":
            command = [args.bench, "--data", args.data, "--threads", str(args.threads), "--runs", str(args.runs),
                       "--out", folder]
        else:
            command = [sys.executable, __file__, "--child", engine, "--data", args.data, "--threads",
                       str(args.threads), "--runs", str(args.runs), "--results", folder, "--queries", *args.queries]
        print(f"== {engine}", file=sys.stderr)
        lines = run_child(command)
        report[engine] = {line["query"]: line for line in lines if "query" in line}
        results[engine] = {}
        for name in args.queries:
            if engine == "lumbung":
                results[engine][name] = read_lumbung_tsv(os.path.join(folder, f"{name}.tsv"))
            else:
                with open(os.path.join(folder, f"{name}.json")) as handle:
                    results[engine][name] = json.load(handle)

    lines = [
        f"### Engine benchmark, {time.strftime('%Y-%m-%d %H:%M')}",
        "",
        f"Data: `{args.data}`; {args.threads} threads; median of {args.runs} runs, data already in memory; "
        f"wall time, then CPU time (all threads) in parentheses; load average before: {load_before}.",
        "",
        "| query | Lumbung ms | DuckDB ms | Polars ms | Lumbung / DuckDB | Lumbung / Polars | rows | agree |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    failures = 0
    for name in args.queries:
        medians = {engine: statistics.median(report[engine][name]["times"]) * 1000 for engine in report}
        cpus = {engine: statistics.median(report[engine][name]["cpu"]) * 1000 for engine in report}
        problems = []
        for engine in ["duckdb", "polars"]:
            problem = compare(name, results["lumbung"][name], results[engine][name])
            if problem:
                problems.append(f"{engine}: {problem}")
        failures += len(problems)
        agree = "yes" if not problems else "NO: " + "; ".join(problems)[:300]
        lines.append(
            f"| {name} | {medians['lumbung']:.1f} ({cpus['lumbung']:.0f}) | {medians['duckdb']:.1f} ({cpus['duckdb']:.0f}) | "
            f"{medians['polars']:.1f} ({cpus['polars']:.0f}) | "
            f"{medians['lumbung'] / medians['duckdb']:.2f} | {medians['lumbung'] / medians['polars']:.2f} | "
            f"{len(results['lumbung'][name])} | {agree} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "a") as out:
            out.write(text + "\n")
    if failures:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
