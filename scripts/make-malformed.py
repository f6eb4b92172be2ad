#!/usr/bin/env python3
"""Writes sample-data/malformed/: one small file per class of bad input, each named after it.

Deterministic (gzip mtime 0). Run from the repository root: python3 scripts/make-malformed.py
The tests in Tests/LumbungIOTests/MalformedFilesTests.swift assert the error each file gives.
"""
import gzip
import io
import json
import os
import struct

OUT = os.path.join("sample-data", "malformed")
HEADER = "id_permohonan,kode_instansi,kanal,status,tanggal_permohonan,sla_hari_kerja,biaya,skor_ikm"
CHANNELS = ["loket", "mpp", "web", "aplikasi_mobile", "kios_mandiri"]
STATUSES = ["selesai", "diproses", "ditolak"]


def row(i):
    return (f"LYN-3273-20250114-{i:06d},D-32.73,{CHANNELS[i % 5]},{STATUSES[i % 3]},"
            f"2025-01-14T08:{i % 60:02d}:00+07:00,{i % 5},{(i % 4) * 5000}.00,{75 + i % 25}.50")


def rows(n, start=0):
    return [row(i) for i in range(start, start + n)]


def gz(data: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, compresslevel=6) as f:
        f.write(data)
    return buf.getvalue()


def write(name, data: bytes):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def text(lines):
    return ("\n".join(lines) + "\n").encode()


def main():
    os.makedirs(OUT, exist_ok=True)
    good = text([HEADER] + rows(5000))
    whole = gz(good)
    # Gzip faults.
    write("truncated_gzip.csv.gz", whole[: len(whole) * 6 // 10])
    crc = bytearray(whole)
    crc[-8] ^= 0xFF  # CRC-32 of the trailer
    write("corrupt_crc.csv.gz", bytes(crc))
    length = bytearray(whole)
    struct.pack_into("<I", length, len(length) - 4, struct.unpack_from("<I", length, len(length) - 4)[0] + 1)
    write("corrupt_length.csv.gz", bytes(length))
    deflate = bytearray(whole)
    for k in range(40):
        deflate[len(deflate) // 2 + k] ^= 0x5A
    write("corrupt_deflate.csv.gz", bytes(deflate))
    write("trailing_garbage.csv.gz", whole + b"this is not gzip")
    write("empty.csv.gz", gz(b""))
    # A gzip bomb: 64 MiB of one repeated row compresses to about 64 KB.
    bomb_row = (row(1) + "\n").encode()
    write("gzip_bomb.csv.gz", gz((HEADER + "\n").encode() + bomb_row * (64 * 1024 * 1024 // len(bomb_row))))
    # Row-level faults: each file has good rows around a few bad ones (line numbers in the tests).
    lines = [HEADER] + rows(100)
    lines[10] = lines[10] + ",extra"                      # line 11: too many fields
    write("too_many_columns.csv.gz", gz(text(lines)))
    lines = [HEADER] + rows(100)
    lines[20] = ",".join(lines[20].split(",")[:5])        # line 21: too few fields
    write("too_few_columns.csv.gz", gz(text(lines)))
    lines = [HEADER] + rows(100)
    lines[30] = lines[30].replace("D-32.73", 'D-32.73 "Bandung"', 1)   # line 31: stray quote
    write("unexpected_quote.csv.gz", gz(text(lines)))
    lines = [HEADER] + rows(100)
    lines.append('LYN-3273-20250114-999999,D-32.73,"loket,selesai,2025-01-14T08:00:00+07:00,1,0.00,80.00')
    write("unterminated_quote.csv.gz", gz(text(lines)))     # line 102: never closed
    latin = bytearray(text([HEADER] + rows(42)))
    latin += b"LYN-3273-20250114-000042,D-32.73,Cap\xe9 loket,selesai,2025-01-14T08:00:00+07:00,1,0.00,80.00\n"
    latin += text(rows(5, start=43))
    write("invalid_utf8.csv.gz", gz(bytes(latin)))           # line 44: byte 0xE9 (Latin-1) in kanal
    # Header faults.
    write("duplicate_header.csv.gz", gz(text([HEADER + ",kanal"] + [r + ",web" for r in rows(10)])))
    write("empty_header_name.csv.gz", gz(text([HEADER.replace(",kanal,", ",,")] + rows(10))))
    # Declared schema faults: types in the .schema.json beside it.
    lines = [HEADER] + rows(100)
    lines[50] = lines[50].replace(",80", ",delapan puluh", 1) if ",80" in lines[50] else lines[50].rsplit(",", 1)[0] + ",tinggi"
    write("cast_failed.csv.gz", gz(text(lines)))             # line 51: skor_ikm not a number
    with open(os.path.join(OUT, "cast_failed.schema.json"), "w") as f:
        json.dump({"fields": [{"name": "sla_hari_kerja", "type": "int64"}, {"name": "skor_ikm", "type": "float64"},
                              {"name": "tanggal_permohonan", "type": "timestamp"}]}, f, indent=2)
        f.write("\n")
    # JSON faults.
    objects = [json.dumps({"id_permohonan": f"LYN-{i:06d}", "kanal": CHANNELS[i % 5], "sla_hari_kerja": i % 5})
               for i in range(50)]
    bad = list(objects)
    bad[9] = '{"id_permohonan": "LYN-000009", "kanal": "web", "sla_hari_kerja": }'     # line 10
    bad[19] = '{"id_permohonan": "LYN-000019", "kanal": "web"} trailing'               # line 20
    write("invalid_json.ndjson.gz", gz(text(bad)))
    bad = list(objects)
    bad[4] = '["LYN-000004", "web", 4]'                                                  # line 5
    write("not_an_object.ndjson.gz", gz(text(bad)))
    write("truncated_array.json.gz", gz(("[\n" + ",\n".join(objects))[: -20].encode()))
    print(f"wrote {len(os.listdir(OUT))} files to {OUT}")


if __name__ == "__main__":
    main()
