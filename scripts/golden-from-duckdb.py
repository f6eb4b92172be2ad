#!/usr/bin/env python3
"""Fill the expected rows of the LQ conformance suite from DuckDB, an independent engine.

The suite lives in Tests/LumbungQueryTests/Conformance/ (format: its README.md). Every case that
expects rows carries, next to its LQ query, the equivalent DuckDB SQL (`sql:` block); this script
runs that SQL over the same CSV files in Conformance/data/ and writes the column names, types and
rows into the case's `expect:` block. Error cases (`error:` lines) are written by hand and left
alone. Lumbung never computes an expectation.

    python3 -m venv /tmp/gvenv && /tmp/gvenv/bin/pip install duckdb
    /tmp/gvenv/bin/python scripts/golden-from-duckdb.py            # rewrite every expect: block
    /tmp/gvenv/bin/python scripts/golden-from-duckdb.py --check    # exit 1 if any file is out of date
    /tmp/gvenv/bin/python scripts/golden-from-duckdb.py steps/where_basic.lqt ...   # only these

How the SQL sees the data
- Every CSV file `data/F.csv` is loaded once into table `__file_F` with the column types declared in
  TABLES below (the types Lumbung infers for that file; the script re-checks the inference rules
  and stops when a declaration disagrees). Null cells are Lumbung's: an unquoted empty cell,
  `NULL` or `null`; a quoted "" is an empty string. Timestamps are converted to UTC (Lumbung reads
  `+07:00` offsets and keeps UTC microseconds) and become TIMESTAMP.
- Each table gets a first column `__rn` (1, 2, ... in file order: the CSV is read with
  `threads=1`), because LQ has a defined row order and the SQL must reproduce it with ORDER BY.
- For a case with `sources: layanan=layanan.csv`, the SQL reads view `layanan` (= `__file_layanan`,
  `__rn` included; select columns explicitly or use `* EXCLUDE (__rn)`).
- Result types must be exactly BIGINT, DOUBLE, BOOLEAN, VARCHAR, DATE or TIMESTAMP (written as
  int64, float64, bool, string, date, timestamp). Anything else (INTEGER, HUGEINT, DECIMAL, ...)
  is an error: cast in the SQL, so the expected type is a decision, not an accident.
- Macros for LQ semantics that DuckDB spells differently (see MACROS) are defined in every
  session: lq_div, lq_mod, lq_int, lq_int_str, lq_date_str, lq_float_str, lq_ts_str,
  lq_age_years, lq_trim, lq_count_if, lq_share.

Values in expect: blocks are tab-separated: NULL for null, (empty) for the empty string,
true/false, YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS[.ffffff]Z, floats in shortest round-trip form
(integral values without a fraction, as Lumbung prints them), strings with \\t \\n \\r \\\\ escaped.
"""

import math
import os
import re
import sys

import duckdb

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUITE = os.path.join(ROOT, "Tests", "LumbungQueryTests", "Conformance")
DATA = os.path.join(SUITE, "data")

# Column types per data file, as Lumbung infers them (LumbungIO TypeInference + IdentifierHints).
TABLES = {
    "pegawai.csv": [
        ("nip", "string"), ("nama", "string"), ("jenis_kelamin", "string"), ("tanggal_lahir", "date"),
        ("jenis_asn", "string"), ("golongan", "string"), ("jenis_jabatan", "string"), ("kelas_jabatan", "int64"),
        ("instansi", "string"), ("kode_wilayah_kerja", "string"), ("gaji_pokok", "int64"), ("aktif", "bool"),
        ("tmt_cpns", "date"), ("tanggal_data", "date"), ("sumber", "string"),
    ],
    "layanan.csv": [
        ("id_permohonan", "string"), ("instansi", "string"), ("kanal", "string"), ("jenis_layanan", "string"),
        ("tanggal_permohonan", "timestamp"), ("tanggal_selesai", "timestamp"), ("status", "string"),
        ("sla_hari", "int64"), ("durasi_hari_kerja", "int64"), ("biaya", "float64"), ("skor_ikm", "float64"),
        ("ada_pengaduan", "bool"), ("petugas_nip", "string"),
    ],
    "kinerja.csv": [
        ("nip", "string"), ("tahun", "int64"), ("jenis_periode", "string"), ("periode_ke", "int64"),
        ("tanggal_awal", "date"), ("tanggal_akhir", "date"), ("capaian_persen", "float64"),
        ("predikat_kinerja", "string"), ("jp_pengembangan_kompetensi", "float64"),
        ("nip_pejabat_penilai", "string"), ("sumber", "string"), ("tanggal_data", "date"),
    ],
    "instansi.csv": [
        ("kode_instansi", "string"), ("nama_instansi", "string"), ("jenis_instansi", "string"), ("provinsi", "string"),
    ],
    "sla.csv": [("jenis_layanan", "string"), ("kanal", "string"), ("sla_standar", "int64"), ("dasar", "string")],
    "angka.csv": [
        ("id_baris", "string"), ("a", "int64"), ("b", "int64"), ("x", "float64"), ("y", "float64"), ("s", "string"),
        ("d", "date"), ("t", "timestamp"), ("flag", "bool"),
    ],
    "logika.csv": [("id_baris", "string"), ("p", "bool"), ("q", "bool")],
    "teks.csv": [("id_baris", "string"), ("s", "string")],
    # 700 rows, about 40 KB: read in 4 KiB blocks too, so that per-block work (the top-k of
    # `sort | take` during the scan) is checked across blocks.
    "urutan.csv": [
        ("id_baris", "string"), ("grup", "string"), ("nilai", "int64"), ("skor", "float64"), ("tanggal", "date"),
        ("waktu", "timestamp"), ("aktif", "bool"),
    ],
    "besar.csv": [("id_baris", "string"), ("n", "int64")],
    # All-null columns are strings in Lumbung.
    "kosong.csv": [("id_baris", "string"), ("skor", "int64"), ("catatan", "string"), ("tanggal", "string")],
    # Header only: every column is all-null, so a string.
    "empty.csv": [("nip", "string"), ("nama", "string"), ("nilai", "string")],
    "kolom.csv": [
        ("id_baris", "string"), ("nama kolom", "string"), ("år", "int64"), ("2024_total", "int64"),
        ("jumlah-pegawai", "int64"), ("from", "string"), ("and", "bool"), ("名前", "string"),
    ],
}

SQL_TYPE = {"int64": "BIGINT", "float64": "DOUBLE", "bool": "BOOLEAN", "string": "VARCHAR", "date": "DATE",
            "timestamp": "TIMESTAMP"}
LQ_TYPE = {v: k for k, v in SQL_TYPE.items()}

# LQ semantics as DuckDB macros. Each names the engine rule it follows (docs/engine.md, "Semantics").
MACROS = r"""
-- `a / b`: always a float; division by zero gives null (DuckDB raises an error).
CREATE MACRO lq_div(a, b) AS CASE WHEN CAST(b AS DOUBLE) = 0 THEN NULL ELSE CAST(a AS DOUBLE) / CAST(b AS DOUBLE) END;
-- `a % b` on integers: truncates like C (-7 % 3 = -1, as DuckDB); by zero gives null.
CREATE MACRO lq_mod(a, b) AS CASE WHEN b = 0 THEN NULL ELSE a % b END;
-- int(float): truncates toward zero (DuckDB's cast rounds); non-finite or out of range gives null.
CREATE MACRO lq_int(x) AS TRY_CAST(trunc(x) AS BIGINT);
-- trim: ASCII whitespace (space, \t \n \v \f \r), DuckDB's trim removes spaces only.
CREATE MACRO lq_trim(s) AS trim(s, ' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13));
-- int(string): trimmed, an integer (optional sign), else a decimal truncated toward zero;
-- texts with an 'n' (nan, inf, infinity) give null; anything else null.
CREATE MACRO lq_int_str(s) AS CASE
    WHEN regexp_full_match(lq_trim(s), '[+-]?[0-9]+') THEN TRY_CAST(lq_trim(s) AS BIGINT)
    WHEN regexp_full_match(lq_trim(s), '[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?')
        THEN TRY_CAST(trunc(CAST(lq_trim(s) AS DOUBLE)) AS BIGINT)
    ELSE NULL END;
-- date(string): YYYY-MM-DD (after trimming), optionally followed by 'T' or ' ' and anything.
CREATE MACRO lq_date_str(s) AS CASE
    WHEN regexp_full_match(lq_trim(s), '[0-9]{4}-[0-9]{2}-[0-9]{2}([T ].*)?')
        THEN TRY_CAST(substr(lq_trim(s), 1, 10) AS DATE)
    ELSE NULL END;
-- string(float) / concat of a float: Lumbung's shortest round-trip text, integral values without
-- a fraction ('3', not '3.0').
CREATE MACRO lq_float_str(x) AS CASE
    WHEN x IS NULL THEN NULL
    WHEN x = round(x) AND abs(x) < 1e15 THEN CAST(CAST(x AS BIGINT) AS VARCHAR)
    ELSE CAST(x AS VARCHAR) END;
-- string(timestamp): ISO 8601 UTC, '2024-01-31T08:30:00Z', '.ffffff' only when there are fractions.
CREATE MACRO lq_ts_str(t) AS strftime(t, '%Y-%m-%dT%H:%M:%S')
    || CASE WHEN microsecond(t) % 1000000 = 0 THEN '' ELSE '.' || lpad(CAST(microsecond(t) % 1000000 AS VARCHAR), 6, '0') END
    || 'Z';
-- age_years(birth, at): completed years; negative (truncated toward zero) when `at` is earlier.
CREATE MACRO lq_age_fwd(b, a) AS CAST(year(a) - year(b)
    - CASE WHEN month(a) < month(b) OR (month(a) = month(b) AND day(a) < day(b)) THEN 1 ELSE 0 END AS BIGINT);
-- count_if(cond): rows where cond is true, 0 when none (DuckDB's count_if gives null when every
-- condition is null); share(cond) = count_if(cond) / count(), null over no rows.
CREATE MACRO lq_count_if(c) AS count(CASE WHEN c THEN 1 END);
CREATE MACRO lq_share(c) AS CAST(count(CASE WHEN c THEN 1 END) AS DOUBLE) / NULLIF(count(*), 0);
CREATE MACRO lq_age_years(b, a) AS CASE WHEN CAST(a AS DATE) < CAST(b AS DATE)
    THEN -lq_age_fwd(CAST(a AS DATE), CAST(b AS DATE)) ELSE lq_age_fwd(CAST(b AS DATE), CAST(a AS DATE)) END;
"""

SECTION = re.compile(r"^(sources|params|param|query|sql|expect|error|message|warning|nowarning):")


# ---------------------------------------------------------------- inference check (Lumbung's rules)

def infer_type(name, values):
    """A simplified copy of LumbungIO's CSV type inference, to catch a wrong declaration."""
    lower = name.lower()
    if lower in {"nip", "nip_lama", "nik", "nip_pejabat_penilai", "npwp", "no_hp", "kode_pos", "id"} or any(
            lower.startswith(p) for p in ("kode_", "id_", "nomor_", "no_")) or any(
            lower.endswith(s) for s in ("_id", "_kode", "_nip")):
        return "string"
    result = None
    for text, quoted in values:
        if text == "" or (not quoted and text in ("NULL", "null")):
            continue
        if text.lower() in ("true", "false"):
            t = "bool"
        elif re.fullmatch(r"[+-]?[0-9]+", text) and -2**63 <= int(text) < 2**63:
            t = "string" if re.fullmatch(r"[+-]?0[0-9]+", text) else "int64"
        elif re.fullmatch(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?", text):
            t = "float64"
        elif re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
            t = "date"
        elif re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)?"
                          r"([zZ]|[+-][0-9]{2}(:?[0-9]{2})?)?", text):
            t = "timestamp"
        else:
            t = "string"
        if result is None or result == t:
            result = t
        elif {result, t} == {"int64", "float64"}:
            result = "float64"
        elif {result, t} == {"date", "timestamp"}:
            result = "timestamp"
        else:
            result = "string"
    return result or "string"


def read_raw_csv(path):
    """Header and rows of (text, quoted) fields; RFC 4180 with doubled quotes."""
    with open(path, encoding="utf-8", newline="") as f:
        data = f.read()
    rows, row, field, quoted, i = [], [], [], False, 0
    in_quotes = False
    while i < len(data):
        c = data[i]
        if in_quotes:
            if c == '"':
                if i + 1 < len(data) and data[i + 1] == '"':
                    field.append('"')
                    i += 1
                else:
                    in_quotes = False
            else:
                field.append(c)
        elif c == '"':
            in_quotes, quoted = True, True
        elif c == ",":
            row.append(("".join(field), quoted))
            field, quoted = [], False
        elif c == "\n":
            row.append(("".join(field), quoted))
            rows.append(row)
            row, field, quoted = [], [], False
        elif c != "\r":
            field.append(c)
        i += 1
    if field or row:
        row.append(("".join(field), quoted))
        rows.append(row)
    return [name for name, _ in rows[0]], rows[1:]


# ---------------------------------------------------------------- DuckDB session

def run(con, sql):
    """Runs a statement to completion (DuckDB 2 wants every result fetched before the next)."""
    return con.execute(sql).fetchall()


def connect():
    con = duckdb.connect()
    run(con, "SET threads = 1")
    run(con, "SET preserve_insertion_order = true")
    run(con, "SET TimeZone = 'UTC'")
    run(con, MACROS)
    problems = []
    for file, columns in sorted(TABLES.items()):
        path = os.path.join(DATA, file)
        header, rows = read_raw_csv(path)
        if header != [name for name, _ in columns]:
            problems.append(f"{file}: header {header} differs from TABLES {[n for n, _ in columns]}")
            continue
        for index, (name, declared) in enumerate(columns):
            inferred = infer_type(name, [row[index] for row in rows])
            if inferred != declared:
                problems.append(f"{file}: column {name!r} is declared {declared} but Lumbung would infer {inferred}")
        stem = os.path.splitext(file)[0]
        casts = []
        for name, lq_type in columns:
            quoted = '"' + name.replace('"', '""') + '"'
            if lq_type == "timestamp":
                casts.append(f"CAST(CAST({quoted} AS TIMESTAMPTZ) AS TIMESTAMP) AS {quoted}")
            else:
                casts.append(f"CAST({quoted} AS {SQL_TYPE[lq_type]}) AS {quoted}")
        run(con,
            f"CREATE TABLE __file_{stem} AS SELECT row_number() OVER () AS __rn, {', '.join(casts)} "
            f"FROM read_csv('{path}', header = true, all_varchar = true, delim = ',', quote = '\"', "
            f"escape = '\"', allow_quoted_nulls = false, nullstr = ['', 'NULL', 'null'], "
            f"auto_detect = false, columns = {{{', '.join(repr(n) + ': ' + repr('VARCHAR') for n, _ in columns)}}})")
        count = run(con, f"SELECT count(*) FROM __file_{stem}")[0][0]
        if count != len(rows):
            problems.append(f"{file}: DuckDB read {count} rows, the file has {len(rows)}")
    if problems:
        sys.exit("data files and TABLES disagree:\n  " + "\n  ".join(problems))
    return con


# ---------------------------------------------------------------- values

def format_float(value):
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == round(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def escape(text):
    if text == "":
        return "(empty)"
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def format_value(value, lq_type):
    if value is None:
        return "NULL"
    if lq_type == "int64":
        return str(value)
    if lq_type == "float64":
        return format_float(float(value))
    if lq_type == "bool":
        return "true" if value else "false"
    if lq_type == "string":
        return escape(value)
    if lq_type == "date":
        return value.isoformat()
    if lq_type == "timestamp":
        text = value.strftime("%Y-%m-%dT%H:%M:%S")
        if value.microsecond:
            text += f".{value.microsecond:06d}"
        return text + "Z"
    raise ValueError(lq_type)


# ---------------------------------------------------------------- cases

class Case:
    def __init__(self, path):
        self.path = path
        with open(path, encoding="utf-8") as f:
            self.text = f.read()
        self.lines = self.text.split("\n")
        if self.lines and self.lines[-1] == "":
            self.lines.pop()
        self.sources = {}
        self.sql = None
        self.expect_at = None
        self.errors = []
        section = None
        sql_lines = []
        for number, line in enumerate(self.lines):
            m = SECTION.match(line)
            if section == "query" and not m:
                continue
            if section == "sql" and not m:
                sql_lines.append(line)
                continue
            if section == "expect":
                continue
            if not m:
                if line.startswith("#") or not line.strip():
                    continue
                raise ValueError(f"{path}:{number + 1}: unexpected line {line!r}")
            key = m.group(1)
            rest = line[len(key) + 1:].strip()
            section = key if key in ("query", "sql", "expect") else None
            if key == "sources":
                for item in rest.split():
                    name, _, file = item.partition("=")
                    self.sources[name] = file
            elif key == "expect":
                self.expect_at = number
            elif key == "error":
                self.errors.append(rest)
        if sql_lines:
            self.sql = "\n".join(sql_lines)
        if self.errors and (self.sql or self.expect_at is not None):
            raise ValueError(f"{path}: an error case has no sql: or expect: block")
        if not self.errors and not self.sql:
            raise ValueError(f"{path}: a case needs an sql: block (or error: lines)")
        for name, file in self.sources.items():
            if file not in TABLES:
                raise ValueError(f"{path}: source {name}={file} is not in TABLES")

    def expected_block(self, con):
        for name, file in self.sources.items():
            stem = os.path.splitext(file)[0]
            run(con, f'CREATE OR REPLACE TEMP VIEW "{name}" AS SELECT * FROM __file_{stem}')
        try:
            result = con.execute(self.sql)
        except duckdb.Error as error:
            raise ValueError(f"{self.path}: DuckDB failed: {error}") from error
        columns = []
        for name, type_code, *_ in result.description:
            type_name = str(type_code)
            if type_name not in LQ_TYPE:
                raise ValueError(f"{self.path}: column {name!r} is {type_name}; cast it to one of {sorted(LQ_TYPE)}")
            if name == "__rn":
                raise ValueError(f"{self.path}: the result includes __rn")
            columns.append((name, LQ_TYPE[type_name]))
        rows = result.fetchall()
        for name, _ in self.sources.items():
            run(con, f'DROP VIEW "{name}"')
        out = ["expect:", "\t".join(f"{name}:{lq_type}" for name, lq_type in columns)]
        for row in rows:
            out.append("\t".join(format_value(value, lq_type) for value, (_, lq_type) in zip(row, columns)))
        return out

    def updated_text(self, con):
        if self.errors:
            return self.text
        head = self.lines if self.expect_at is None else self.lines[: self.expect_at]
        return "\n".join(head + self.expected_block(con)) + "\n"


def all_cases():
    paths = []
    for directory, _, files in os.walk(SUITE):
        for file in files:
            if file.endswith(".lqt"):
                paths.append(os.path.join(directory, file))
    return sorted(paths)


def main(argv):
    check = "--check" in argv
    targets = [a for a in argv if a != "--check"]
    paths = [os.path.abspath(p if os.path.exists(p) else os.path.join(SUITE, p)) for p in targets] or all_cases()
    con = connect()
    stale, failed = [], []
    for path in paths:
        try:
            case = Case(path)
            text = case.updated_text(con)
        except ValueError as error:
            failed.append(str(error))
            continue
        if text != case.text:
            stale.append(os.path.relpath(path, SUITE))
            if not check:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
    for message in failed:
        print("error:", message, file=sys.stderr)
    if check:
        for path in stale:
            print("out of date:", path, file=sys.stderr)
        print(f"{len(paths)} files checked, {len(stale)} out of date, {len(failed)} failed")
        return 1 if stale or failed else 0
    print(f"{len(paths)} files, {len(stale)} rewritten, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
