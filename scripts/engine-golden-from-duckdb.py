#!/usr/bin/env python3
"""Regenerate the engine's golden files from DuckDB, an independent engine.

Writes deterministic input tables and, for every case below, the rows DuckDB computes for the
same query the engine runs in Tests/LumbungEngineTests/GoldenTests.swift (matched by case name).

    python3 -m venv /tmp/engine-venv && /tmp/engine-venv/bin/pip install duckdb
    /tmp/engine-venv/bin/python scripts/engine-golden-from-duckdb.py

Files (tab-separated, first line `name:type` per column, `\\N` for null, `\\t` `\\n` `\\\\` escapes):
    Tests/LumbungEngineTests/Golden/tables/<table>.tsv   inputs
    Tests/LumbungEngineTests/Golden/<case>.tsv           expected results
Cases whose name ends in `_rowsort` are compared as sorted row sets (DuckDB gives no join order).
"""

import datetime as dt
import math
import os
import random
import sys

import duckdb

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "LumbungEngineTests", "Golden")

INSTANSI = ["Kab. Bandung", "Kota Bandung", "Kemenkeu", "Kemenkes", "Prov. Jawa Barat", "Kota Surabaya", "Kab. Sleman"]
KANAL = ["loket", "mpp", "web", "aplikasi_mobile", "kios_mandiri", "call_center"]
STATUS = ["diajukan", "diproses", "selesai", "selesai", "selesai", "ditolak", "dibatalkan"]
JENIS = ["KTP-el", "Kartu Keluarga", "Akta Kelahiran", "PBG", "SKCK", "Paspor", "izin usaha", "  SIM  "]
PROVINSI = ["Jawa Barat", "Jawa Tengah", "Jawa Timur", "DKI Jakarta", "Bali", "Papua", "Aceh", "Ñusa Tenggara"]
GOLONGAN = ["III/a", "III/b", "III/c", "III/d", "IV/a", "IV/b", "II/c", "IX", "V"]
PREDIKAT = ["SANGAT_BAIK", "BAIK", "BAIK", "BAIK", "BUTUH_PERBAIKAN", "KURANG", "SANGAT_KURANG"]


def maybe(rng, value, null_rate):
    return None if rng.random() < null_rate else value


def make_tables():
    rng = random.Random(20240131)
    epoch = dt.date(1970, 1, 1)
    layanan = []
    for rn in range(3000):
        start = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(0, 700))
        durasi = maybe(rng, rng.choice([0, 1, 1, 2, 3, 5, 8, 13, 21, 40]), 0.1)
        skor = maybe(rng, round(rng.uniform(25, 100) * 4) / 4, 0.7)
        waktu = dt.datetime(2023, 1, 1) + dt.timedelta(seconds=rng.randrange(0, 700 * 86400), microseconds=rng.randrange(0, 1000000))
        layanan.append({
            "rn": rn,
            "id": f"LYN-{rng.randrange(1000, 9999)}-{rn:06d}",
            "instansi": rng.choice(INSTANSI),
            "kanal": maybe(rng, rng.choice(KANAL), 0.02),
            "jenis": rng.choice(JENIS),
            "status": rng.choice(STATUS),
            "tanggal": start,
            "waktu": maybe(rng, waktu, 0.05),
            "durasi": durasi,
            "sla": maybe(rng, rng.choice([0, 1, 4, 14, 28]), 0.02),
            "skor": skor,
            "biaya": maybe(rng, rng.choice([0.0, 0.0, 0.0, 30000.0, 50000.0, 350000.0, 12500.5]), 0.01),
            "pengaduan": rng.random() < 0.07,
        })
    pegawai = []
    nips = []
    for rn in range(400):
        lahir = dt.date(1962, 1, 1) + dt.timedelta(days=rng.randrange(0, 40 * 365))
        nip = lahir.strftime("%Y%m%d") + f"{rng.randrange(2000, 2024)}{rng.randrange(1, 13):02d}{rng.choice([1, 2])}{rn % 1000:03d}"
        nips.append(nip)
        pegawai.append({
            "rn": rn,
            "nip": nip,
            "provinsi": maybe(rng, rng.choice(PROVINSI), 0.03),
            "golongan": maybe(rng, rng.choice(GOLONGAN), 0.02),
            "tanggal_lahir": lahir,
            "gaji": rng.randrange(2_000_000, 6_000_000),
        })
    # A few duplicate NIPs on the pegawai side (joins must repeat matches in order).
    for rn in range(400, 410):
        row = dict(pegawai[rng.randrange(0, 400)])
        row["rn"] = rn
        row["golongan"] = "IV/e"
        pegawai.append(row)
    kinerja = []
    for rn in range(2500):
        nip = rng.choice(nips) if rng.random() < 0.95 else (None if rng.random() < 0.5 else "199001012020011999")
        kinerja.append({
            "rn": rn,
            "nip": nip,
            "tahun": rng.choice([2022, 2023, 2024]),
            "predikat": maybe(rng, rng.choice(PREDIKAT), 0.03),
            "capaian": maybe(rng, round(rng.uniform(0, 200), 2), 0.5),
        })
    types = {
        "layanan": [("rn", "int64"), ("id", "string"), ("instansi", "string"), ("kanal", "string"), ("jenis", "string"),
                    ("status", "string"), ("tanggal", "date"), ("waktu", "timestamp"), ("durasi", "int64"), ("sla", "int64"),
                    ("skor", "float64"), ("biaya", "float64"), ("pengaduan", "bool")],
        "pegawai": [("rn", "int64"), ("nip", "string"), ("provinsi", "string"), ("golongan", "string"),
                    ("tanggal_lahir", "date"), ("gaji", "int64")],
        "kinerja": [("rn", "int64"), ("nip", "string"), ("tahun", "int64"), ("predikat", "string"), ("capaian", "float64")],
    }
    return {"layanan": layanan, "pegawai": pegawai, "kinerja": kinerja}, types


SQL_TYPES = {"int64": "BIGINT", "float64": "DOUBLE", "string": "VARCHAR", "bool": "BOOLEAN", "date": "DATE", "timestamp": "TIMESTAMP"}

# name -> SQL. Output column names and order must match the engine plan of the same name.
CASES = {
    "summarize_instansi_kanal": """
        SELECT instansi, kanal, count(*) AS n, avg(skor) AS rata_ikm,
               count_if(status = 'selesai') / count(*) AS patuh, count(skor) AS n_skor
        FROM layanan GROUP BY instansi, kanal ORDER BY instansi NULLS LAST, kanal NULLS LAST""",
    "summarize_holistic": """
        SELECT kanal, count(DISTINCT jenis) AS jenis_n, median(durasi) AS median_durasi,
               quantile_cont(skor, 0.9) AS p90_skor, stddev_samp(biaya) AS sd_biaya,
               min(jenis) AS jenis_min, max(id) AS id_max, sum(durasi) AS total_durasi,
               count_if(pengaduan) AS aduan, min(tanggal) AS awal, max(waktu) AS akhir,
               quantile_cont(durasi, 0.25) AS q1
        FROM layanan GROUP BY kanal ORDER BY kanal NULLS LAST""",
    "summarize_global": """
        SELECT count(*) AS n, sum(durasi) AS total, avg(biaya) AS rata_biaya, min(tanggal) AS pertama,
               max(waktu) AS terakhir, median(tanggal) AS tengah, count(DISTINCT instansi) AS instansi_n,
               stddev_samp(skor) AS sd
        FROM layanan""",
    "summarize_empty_groups": """
        SELECT status, count(*) AS n, avg(skor) AS rata, sum(durasi) AS total, median(skor) AS med
        FROM layanan WHERE kanal = 'web' AND durasi > 20 GROUP BY status ORDER BY status NULLS LAST""",
    "summarize_expression_keys": """
        SELECT year(tanggal) AS tahun, quarter(tanggal) AS kuartal, lower(instansi) AS inst, count(*) AS n,
               sum(CASE WHEN durasi <= sla THEN 1 ELSE 0 END) AS tepat
        FROM layanan GROUP BY ALL ORDER BY tahun, kuartal, inst""",
    "filter_three_valued": """
        SELECT rn, instansi, kanal, status, durasi, sla FROM layanan
        WHERE (status <> 'ditolak' AND durasi <= sla) OR kanal IN ('web', 'mpp') ORDER BY rn""",
    "filter_in_null": """
        SELECT rn, kanal, durasi FROM layanan WHERE NOT (durasi IN (1, 2, NULL)) OR kanal IS NULL ORDER BY rn""",
    "derive_strings": """
        SELECT rn, lower(instansi) AS a, upper(jenis) AS b, trim(jenis) AS c, length(instansi) AS d,
               substr(id, 5, 4) AS e, substr(instansi, -3) AS f, substr(instansi, 0, 3) AS g,
               replace(instansi, 'Kab.', 'Kabupaten') AS h, concat(instansi, '/', kanal, '/', tanggal) AS i,
               contains(instansi, 'Bandung') AS j, starts_with(id, 'LYN-5') AS k, ends_with(kanal, 'web') AS l
        FROM layanan ORDER BY rn LIMIT 400""",
    # `/` by zero is null in LQ (DuckDB gives inf for floats): hence nullif.
    "derive_numbers": """
        SELECT rn, durasi + sla AS a, durasi - sla * 2 AS b, durasi / nullif(sla, 0) AS c, durasi % sla AS d, -durasi AS e,
               abs(durasi - 10) AS f, round(skor) AS g, round(skor, 1) AS h, round(biaya, -2) AS i,
               floor(skor / 3) AS j, ceil(skor / 3) AS k, trunc(skor)::BIGINT AS l, round(durasi, -1) AS m,
               coalesce(skor, durasi, -1) AS n, CASE WHEN durasi > sla THEN 'lewat' ELSE 'ok' END AS o,
               durasi IS NULL AS p, skor IS NOT NULL AS q
        FROM layanan ORDER BY rn LIMIT 600""",
    "derive_dates": """
        SELECT rn, year(tanggal) AS a, month(tanggal) AS b, day(tanggal) AS c, quarter(tanggal) AS d,
               date_diff('day', tanggal, DATE '2024-12-31') AS e, date_diff('day', tanggal, CAST(waktu AS DATE)) AS f,
               year(waktu) AS g, tanggal + 30 AS h, tanggal - DATE '2023-01-01' AS i,
               CAST(waktu AS DATE) AS j, CAST(tanggal AS VARCHAR) AS k
        FROM layanan ORDER BY rn LIMIT 500""",
    "derive_age": """
        SELECT nip, date_part('year', age(DATE '2025-06-30', tanggal_lahir))::BIGINT AS umur,
               try_cast(substr(nip, 1, 4) AS BIGINT) AS tahun_lahir,
               try_cast(concat(substr(nip, 1, 4), '-', substr(nip, 5, 2), '-', substr(nip, 7, 2)) AS DATE) AS lahir_nip,
               try_cast(golongan AS BIGINT) AS gol_int, CAST(gaji AS DOUBLE) / 1000 AS gaji_ribu
        FROM pegawai ORDER BY rn""",
    "join_inner_rowsort": """
        SELECT k.rn, k.nip, k.tahun, k.predikat, k.capaian, p.rn AS p_rn, p.provinsi, p.golongan, p.tanggal_lahir, p.gaji
        FROM kinerja k JOIN pegawai p ON k.nip = p.nip""",
    "join_left_rowsort": """
        SELECT k.rn, k.nip, k.tahun, k.predikat, k.capaian, p.rn AS p_rn, p.provinsi, p.golongan, p.tanggal_lahir, p.gaji
        FROM kinerja k LEFT JOIN pegawai p ON k.nip = p.nip""",
    "join_semi": """
        SELECT * FROM kinerja k WHERE EXISTS (SELECT 1 FROM pegawai p WHERE p.nip = k.nip) ORDER BY rn""",
    "join_anti": """
        SELECT * FROM kinerja k WHERE NOT EXISTS (SELECT 1 FROM pegawai p WHERE p.nip = k.nip) ORDER BY rn""",
    "join_then_summarize": """
        SELECT p.provinsi, p.golongan, count(*) AS n, avg(k.capaian) AS rata_capaian,
               count_if(k.predikat = 'SANGAT_BAIK') / count(*) AS share_sangat_baik
        FROM kinerja k JOIN pegawai p ON k.nip = p.nip
        GROUP BY p.provinsi, p.golongan ORDER BY p.provinsi NULLS LAST, p.golongan NULLS LAST""",
    "sort_keys": """
        SELECT rn, kanal, durasi, skor, waktu FROM layanan
        ORDER BY kanal NULLS LAST, durasi DESC NULLS LAST, skor NULLS LAST, rn""",
    "topk": """
        SELECT rn, instansi, biaya, tanggal FROM layanan
        ORDER BY biaya DESC NULLS LAST, tanggal NULLS LAST, rn LIMIT 25""",
    "distinct_first_rows": """
        SELECT * FROM layanan QUALIFY row_number() OVER (PARTITION BY kanal, status ORDER BY rn) = 1 ORDER BY rn""",
}


def escape(text):
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def render(value, type_name):
    if value is None:
        return "\\N"
    if type_name == "bool":
        return "true" if value else "false"
    if type_name == "float64":
        value = float(value)
        if math.isnan(value):
            return "NaN"
        return repr(value)
    if type_name == "date":
        return value.isoformat()
    if type_name == "timestamp":
        return value.strftime("%Y-%m-%dT%H:%M:%S.%f")
    if type_name == "string":
        return escape(value)
    return str(value)


def engine_type(duckdb_type):
    name = str(duckdb_type).upper()
    if name in ("BIGINT", "INTEGER", "HUGEINT", "SMALLINT", "TINYINT", "UBIGINT"):
        return "int64"
    if name in ("DOUBLE", "FLOAT") or name.startswith("DECIMAL"):
        return "float64"
    if name == "VARCHAR":
        return "string"
    if name == "BOOLEAN":
        return "bool"
    if name == "DATE":
        return "date"
    if name.startswith("TIMESTAMP"):
        return "timestamp"
    raise ValueError(f"unmapped DuckDB type {name}")


def write(path, columns, rows):
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write("\t".join(f"{name}:{type_name}" for name, type_name in columns) + "\n")
        for row in rows:
            out.write("\t".join(render(value, type_name) for value, (_, type_name) in zip(row, columns)) + "\n")


def main():
    tables, types = make_tables()
    os.makedirs(os.path.join(OUT, "tables"), exist_ok=True)
    con = duckdb.connect()
    con.execute("SET threads = 1")
    con.execute("SET error_on_division_by_zero = false")
    for name, rows in tables.items():
        columns = types[name]
        write(os.path.join(OUT, "tables", f"{name}.tsv"), columns, [[row[c] for c, _ in columns] for row in rows])
        con.execute(f"CREATE TABLE {name} ({', '.join(f'{c} {SQL_TYPES[t]}' for c, t in columns)})")
        con.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' for _ in columns)})",
                        [[row[c] for c, _ in columns] for row in rows])
    for name, sql in CASES.items():
        relation = con.sql(sql)
        columns = [(column, engine_type(type_)) for column, type_ in zip(relation.columns, relation.types)]
        rows = relation.fetchall()
        if name.endswith("_rowsort"):
            rows.sort(key=lambda row: tuple((value is None, str(value)) for value in row))
        write(os.path.join(OUT, f"{name}.tsv"), columns, rows)
        print(f"{name}: {len(rows)} rows", file=sys.stderr)
    print(f"duckdb {duckdb.__version__}", file=sys.stderr)


if __name__ == "__main__":
    main()
