import Foundation
import LumbungCore
import LumbungEngine
import Testing

/// Fixed cases checked against results computed by DuckDB (`scripts/engine-golden-from-duckdb.py`
/// writes `Golden/*.tsv`; each case here runs the engine's version of the script's SQL of the
/// same name).
@Suite("golden results from DuckDB")
struct GoldenTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// Reads a golden TSV: `name:type` header, `\N` nulls, backslash escapes.
    static func read(_ path: URL) throws -> (Schema, [[Value]]) {
        let text = try String(contentsOf: path, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        let fields = lines[0].split(separator: "\t").map { header -> Field in
            let parts = header.split(separator: ":", maxSplits: 1).map(String.init)
            return Field(name: parts[0], type: DataType(rawValue: parts[1])!)
        }
        let rows = lines.dropFirst().map { line in
            zip(line.split(separator: "\t", omittingEmptySubsequences: false), fields).map { text, field in
                parse(String(text), field.type)
            }
        }
        return (Schema(fields), Array(rows))
    }

    static func unescape(_ text: String) -> String {
        var out = ""
        var escaped = false
        for character in text {
            if escaped {
                switch character {
                case "t": out.append("\t")
                case "n": out.append("\n")
                default: out.append(character)
                }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                out.append(character)
            }
        }
        return out
    }

    static func parse(_ text: String, _ type: DataType) -> Value {
        if text == "\\N" { return .null }
        switch type {
        case .int64: return .int(Int64(text)!)
        case .float64:
            switch text {
            case "inf": return .float(.infinity)
            case "-inf": return .float(-.infinity)
            case "NaN": return .float(.nan)
            default: return .float(Double(text)!)
            }
        case .bool: return .bool(text == "true")
        case .string: return .string(unescape(text))
        case .date:
            let parts = text.split(separator: "-").map { Int($0)! }
            return .date(Int32(CivilDate.days(year: parts[0], month: parts[1], day: parts[2])))
        case .timestamp:
            let date = text.prefix(10).split(separator: "-").map { Int($0)! }
            let time = text.dropFirst(11).split(separator: ":")
            let seconds = Double(time[2])!
            let days = Int64(CivilDate.days(year: date[0], month: date[1], day: date[2]))
            let micros = (Int64(time[0])! * 3600 + Int64(time[1])! * 60) * 1_000_000 + Int64((seconds * 1_000_000).rounded())
            return .timestamp(days * 86_400_000_000 + micros)
        }
    }

    /// An input table split into chunks of 700 rows, strings dictionary-encoded in every other
    /// chunk, as the readers may produce.
    static func table(_ name: String) throws -> Table {
        let (schema, rows) = try read(directory.appendingPathComponent("tables/\(name).tsv"))
        var chunks: [Chunk] = []
        for (index, start) in stride(from: 0, to: rows.count, by: 700).enumerated() {
            let slice = Array(rows[start..<min(rows.count, start + 700)])
            let columns = schema.fields.enumerated().map { column, field -> Column in
                let plain = Column.from(slice.map { $0[column] }, type: field.type)
                guard field.type == .string, index % 2 == 0 else { return plain }
                var rng = SplitMix(seed: UInt64(index))
                return RandomData.dictionaryEncoded(plain, &rng)
            }
            chunks.append(Chunk(columns: columns, count: slice.count))
        }
        return Table(schema: schema, chunks: chunks)
    }

    static let layanan = Result { try table("layanan") }
    static let pegawai = Result { try table("pegawai") }
    static let kinerja = Result { try table("kinerja") }

    static func plan(_ name: String) throws -> PhysicalPlan {
        let layanan = PhysicalPlan.scan(try Self.layanan.get(), name: "layanan")
        let pegawai = PhysicalPlan.scan(try Self.pegawai.get(), name: "pegawai")
        let kinerja = PhysicalPlan.scan(try Self.kinerja.get(), name: "kinerja")
        let col = Expr.column
        func lit(_ value: Value) -> Expr { .literal(value) }
        let kinerjaPegawaiColumns = ["rn", "nip", "tahun", "predikat", "capaian"]
        let pegawaiColumns = ["rn", "provinsi", "golongan", "tanggal_lahir", "gaji"]
        let pegawaiNames = ["p_rn", "provinsi", "golongan", "tanggal_lahir", "gaji"]
        switch name {
        case "summarize_instansi_kanal":
            return .aggregate(
                layanan,
                HashAggregateOperator(
                    keys: [.column("instansi"), .column("kanal")],
                    aggregates: [
                        AggregateExpr("n", .count), AggregateExpr("rata_ikm", .avg, col("skor")),
                        AggregateExpr("patuh", .share, col("status").eq("selesai")),
                        AggregateExpr("n_skor", .countNonNull, col("skor")),
                    ]))
        case "summarize_holistic":
            return .aggregate(
                layanan,
                HashAggregateOperator(
                    keys: [.column("kanal")],
                    aggregates: [
                        AggregateExpr("jenis_n", .countDistinct, col("jenis")),
                        AggregateExpr("median_durasi", .median, col("durasi")),
                        AggregateExpr("p90_skor", .quantile(0.9), col("skor")),
                        AggregateExpr("sd_biaya", .stddev, col("biaya")),
                        AggregateExpr("jenis_min", .min, col("jenis")), AggregateExpr("id_max", .max, col("id")),
                        AggregateExpr("total_durasi", .sum, col("durasi")),
                        AggregateExpr("aduan", .countIf, col("pengaduan")),
                        AggregateExpr("awal", .min, col("tanggal")), AggregateExpr("akhir", .max, col("waktu")),
                        AggregateExpr("q1", .quantile(0.25), col("durasi")),
                    ]))
        case "summarize_global":
            return .aggregate(
                layanan,
                HashAggregateOperator(
                    keys: [],
                    aggregates: [
                        AggregateExpr("n", .count), AggregateExpr("total", .sum, col("durasi")),
                        AggregateExpr("rata_biaya", .avg, col("biaya")), AggregateExpr("pertama", .min, col("tanggal")),
                        AggregateExpr("terakhir", .max, col("waktu")), AggregateExpr("tengah", .median, col("tanggal")),
                        AggregateExpr("instansi_n", .countDistinct, col("instansi")),
                        AggregateExpr("sd", .stddev, col("skor")),
                    ]))
        case "summarize_empty_groups":
            return .aggregate(
                .filter(layanan, FilterOperator(col("kanal").eq("web") && col("durasi") > 20)),
                HashAggregateOperator(
                    keys: [.column("status")],
                    aggregates: [
                        AggregateExpr("n", .count), AggregateExpr("rata", .avg, col("skor")),
                        AggregateExpr("total", .sum, col("durasi")), AggregateExpr("med", .median, col("skor")),
                    ]))
        case "summarize_expression_keys":
            return .aggregate(
                layanan,
                HashAggregateOperator(
                    keys: [
                        NamedExpr("tahun", .call(.year, [col("tanggal")])),
                        NamedExpr("kuartal", .call(.quarter, [col("tanggal")])),
                        NamedExpr("inst", .call(.lower, [col("instansi")])),
                    ],
                    aggregates: [
                        AggregateExpr("n", .count),
                        AggregateExpr("tepat", .sum, .ifThenElse(col("durasi") <= col("sla"), 1, 0)),
                    ]))
        case "filter_three_valued":
            return .project(
                .filter(
                    layanan,
                    FilterOperator(
                        (col("status").ne("ditolak") && col("durasi") <= col("sla"))
                            || col("kanal").isIn([.string("web"), .string("mpp")]))),
                .columns(["rn", "instansi", "kanal", "status", "durasi", "sla"]))
        case "filter_in_null":
            return .project(
                .filter(layanan, FilterOperator(!col("durasi").isIn([.int(1), .int(2), .null]) || col("kanal").isNull)),
                .columns(["rn", "kanal", "durasi"]))
        case "derive_strings":
            return .limit(
                .project(
                    layanan,
                    ProjectOperator([
                        .column("rn"), NamedExpr("a", col("instansi").call(.lower)),
                        NamedExpr("b", col("jenis").call(.upper)), NamedExpr("c", col("jenis").call(.trim)),
                        NamedExpr("d", col("instansi").call(.length)), NamedExpr("e", col("id").call(.substr, 5, 4)),
                        NamedExpr("f", col("instansi").call(.substr, -3)),
                        NamedExpr("g", col("instansi").call(.substr, 0, 3)),
                        NamedExpr("h", col("instansi").call(.replace, "Kab.", "Kabupaten")),
                        NamedExpr("i", .call(.concat, [col("instansi"), "/", col("kanal"), "/", col("tanggal")])),
                        NamedExpr("j", col("instansi").call(.contains, "Bandung")),
                        NamedExpr("k", col("id").call(.startsWith, "LYN-5")),
                        NamedExpr("l", col("kanal").call(.endsWith, "web")),
                    ])), LimitOperator(400))
        case "derive_numbers":
            let durasi = col("durasi")
            let sla = col("sla")
            return .limit(
                .project(
                    layanan,
                    ProjectOperator([
                        .column("rn"), NamedExpr("a", durasi + sla), NamedExpr("b", durasi - sla * 2),
                        NamedExpr("c", durasi / sla), NamedExpr("d", durasi % sla), NamedExpr("e", -durasi),
                        NamedExpr("f", (durasi - 10).call(.abs)), NamedExpr("g", col("skor").call(.round)),
                        NamedExpr("h", col("skor").call(.round, 1)), NamedExpr("i", col("biaya").call(.round, -2)),
                        NamedExpr("j", (col("skor") / 3).call(.floor)), NamedExpr("k", (col("skor") / 3).call(.ceil)),
                        NamedExpr("l", col("skor").call(.int)), NamedExpr("m", durasi.call(.round, -1)),
                        NamedExpr("n", .coalesce([col("skor"), durasi, -1])),
                        NamedExpr("o", .ifThenElse(durasi > sla, "lewat", "ok")), NamedExpr("p", durasi.isNull),
                        NamedExpr("q", col("skor").isNotNull),
                    ])), LimitOperator(600))
        case "derive_dates":
            let tanggal = col("tanggal")
            return .limit(
                .project(
                    layanan,
                    ProjectOperator([
                        .column("rn"), NamedExpr("a", tanggal.call(.year)), NamedExpr("b", tanggal.call(.month)),
                        NamedExpr("c", tanggal.call(.day)), NamedExpr("d", tanggal.call(.quarter)),
                        NamedExpr("e", tanggal.call(.daysBetween, lit(.date(Int32(CivilDate.days(year: 2024, month: 12, day: 31)))))),
                        NamedExpr("f", tanggal.call(.daysBetween, col("waktu"))),
                        NamedExpr("g", col("waktu").call(.year)), NamedExpr("h", tanggal + 30),
                        NamedExpr("i", tanggal - lit(.date(Int32(CivilDate.days(year: 2023, month: 1, day: 1))))),
                        NamedExpr("j", col("waktu").call(.date)), NamedExpr("k", tanggal.call(.string)),
                    ])), LimitOperator(500))
        case "derive_age":
            let nip = col("nip")
            return .project(
                pegawai,
                ProjectOperator([
                    .column("nip"),
                    NamedExpr(
                        "umur",
                        col("tanggal_lahir").call(.ageYears, lit(.date(Int32(CivilDate.days(year: 2025, month: 6, day: 30)))))),
                    NamedExpr("tahun_lahir", nip.call(.substr, 1, 4).call(.int)),
                    NamedExpr(
                        "lahir_nip",
                        Expr.call(
                            .concat, [nip.call(.substr, 1, 4), "-", nip.call(.substr, 5, 2), "-", nip.call(.substr, 7, 2)]
                        ).call(.date)),
                    NamedExpr("gol_int", col("golongan").call(.int)),
                    NamedExpr("gaji_ribu", col("gaji").call(.float) / 1000),
                ]))
        case "join_inner_rowsort", "join_left_rowsort":
            return .join(
                left: kinerja, right: pegawai,
                HashJoinOperator(
                    name.hasPrefix("join_inner") ? .inner : .left, leftKeys: ["nip"], rightKeys: ["nip"],
                    leftColumns: kinerjaPegawaiColumns, rightColumns: pegawaiColumns, rightNames: pegawaiNames))
        case "join_semi":
            return .join(left: kinerja, right: pegawai, HashJoinOperator(.semi, on: ["nip"]))
        case "join_anti":
            return .join(left: kinerja, right: pegawai, HashJoinOperator(.anti, on: ["nip"]))
        case "join_then_summarize":
            return .aggregate(
                .join(
                    left: kinerja, right: pegawai,
                    HashJoinOperator(
                        .inner, leftKeys: ["nip"], rightKeys: ["nip"], leftColumns: ["capaian", "predikat"],
                        rightColumns: ["provinsi", "golongan"])),
                HashAggregateOperator(
                    keys: [.column("provinsi"), .column("golongan")],
                    aggregates: [
                        AggregateExpr("n", .count), AggregateExpr("rata_capaian", .avg, col("capaian")),
                        AggregateExpr("share_sangat_baik", .share, col("predikat").eq("SANGAT_BAIK")),
                    ]))
        case "sort_keys":
            return .sort(
                .project(layanan, .columns(["rn", "kanal", "durasi", "skor", "waktu"])),
                SortOperator([.column("kanal"), .column("durasi", descending: true), .column("skor")]))
        case "topk":
            return .topK(
                .project(layanan, .columns(["rn", "instansi", "biaya", "tanggal"])),
                TopKOperator([.column("biaya", descending: true), .column("tanggal")], count: 25))
        case "distinct_first_rows":
            return .distinct(layanan, DistinctOperator(["kanal", "status"]))
        default:
            throw EngineError(.invalidArgument, "no engine plan for golden case \(name)")
        }
    }

    static var cases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".tsv") }.map { String($0.dropLast(4)) }.sorted()
    }

    @Test("engine matches DuckDB", arguments: cases)
    func golden(_ name: String) throws {
        let (schema, expectedRows) = try Self.read(Self.directory.appendingPathComponent("\(name).tsv"))
        let plan = try Self.plan(name)
        var previous: Table?
        for threads in threadCounts {
            let context = ExecutionContext(threadCount: threads, morselSize: 1000, unitRows: 500)
            var result = try plan.execute(context: context)
            if name.hasSuffix("_rowsort") {
                let rows = result.rows().sorted { a, b in
                    let x = a.map { ($0.isNull, $0.isNull ? "" : Self.duckText($0)) }
                    let y = b.map { ($0.isNull, $0.isNull ? "" : Self.duckText($0)) }
                    return x.lexicographicallyPrecedes(y) { $0.0 != $1.0 ? !$0.0 : $0.1 < $1.1 }
                }
                result = Table(schema: result.schema, rows: rows)
            }
            if let problem = difference(result, RefTable(schema: schema, rows: expectedRows)) {
                Issue.record("\(name) at \(threads) threads: \(problem)")
                return
            }
            if let previous { #expect(identical(previous, result), "\(name): thread counts disagree") }
            previous = result
        }
    }

    /// The text Python's `str()` gives a DuckDB value, for the script's row sort.
    static func duckText(_ value: Value) -> String {
        switch value {
        case .bool(let b): return b ? "True" : "False"
        case .float(let x): return x == x.rounded() && Swift.abs(x) < 1e16 ? String(format: "%.1f", x) : "\(x)"
        case .timestamp(let t):
            let text = CivilDate.formatTimestamp(micros: t).dropLast()  // no Z
            return text.replacingOccurrences(of: "T", with: " ")
        default: return value.description
        }
    }
}
