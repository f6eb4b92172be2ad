// engine-bench: times the engine on tables already in memory.
//
//   engine-bench --data DIR [--threads N] [--runs N] [--out DIR] [--format csv|ndjson]
//   engine-bench --synthetic SCALE [--threads N] [--runs N]
//
// Loads layanan, pegawai and kinerja (the columns the queries use) from DIR/<table>.<format>.gz,
// written by `lumbung sample`, or generates look-alike tables in memory (`--synthetic`, for
// profiling without data files). Then runs every query `runs` times and prints one JSON line per
// query: the median, minimum and every time in seconds, the output rows and the engine's peak
// memory. With `--out`, writes each query's result as TSV (`name:type` header, `\N` nulls) for
// bench/engine/compare.py to check against DuckDB and Polars.
import Dispatch
import Foundation
import LumbungCore
import LumbungEngine
import LumbungIO

struct Options {
    var data: String?
    var synthetic: Double?
    var threads = ProcessInfo.processInfo.activeProcessorCount
    var runs = 5
    var out: String?
    var format = "csv"
    var queries: [String] = []

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--data": data = iterator.next()
            case "--synthetic": synthetic = iterator.next().flatMap(Double.init)
            case "--threads": threads = iterator.next().flatMap(Int.init) ?? threads
            case "--runs": runs = iterator.next().flatMap(Int.init) ?? runs
            case "--out": out = iterator.next()
            case "--format": format = iterator.next() ?? format
            case "--query": queries.append(iterator.next() ?? "")
            default:
                FileHandle.standardError.write("unknown argument \(argument)\n".data(using: .utf8)!)
                exit(64)
            }
        }
    }
}

/// Columns each table contributes to the queries.
let tableColumns: [String: [String]] = [
    "layanan": ["id_permohonan", "nama_instansi", "kanal", "jenis_layanan", "status", "durasi_hari_kerja", "skor_ikm"],
    "pegawai": ["nip", "golongan", "kode_wilayah_kerja"],
    "kinerja": ["nip", "capaian_persen"],
]

func log(_ text: String) { FileHandle.standardError.write((text + "\n").data(using: .utf8)!) }

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// CPU seconds (user + system) of this process so far.
func cpuTime() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func load(_ options: Options) throws -> [String: Table] {
    if let scale = options.synthetic {
        let started = now()
        let tables = Synthetic.tables(scale: scale)
        log("generated synthetic tables at scale \(scale) in \(String(format: "%.2f", now() - started)) s")
        return tables
    }
    guard let data = options.data else {
        log("usage: engine-bench --data DIR | --synthetic SCALE [--threads N] [--runs N] [--out DIR]")
        exit(64)
    }
    var tables: [String: Table] = [:]
    for (name, columns) in tableColumns.sorted(by: { $0.key < $1.key }) {
        var readOptions = ReadOptions()
        readOptions.columns = columns
        readOptions.threads = options.threads
        readOptions.writeRejects = false
        let path = "\(data)/\(name).\(options.format).gz"
        let started = now()
        let result = try TableReader.read(path: path, options: readOptions)
        // Columns in the order of `tableColumns`, whatever the file's order.
        tables[name] = try ProjectOperator.columns(columns).execute(result.table, context: ExecutionContext())
        log(
            "loaded \(path): \(result.table.schema.fields.map { "\($0.name):\($0.type)" }.joined(separator: " ")), \(result.table.rowCount) rows, \(result.table.chunks.count) chunks, "
                + "\(MemoryTracker.format(result.table.estimatedByteSize)) in \(String(format: "%.2f", now() - started)) s")
    }
    return tables
}

/// The benchmark queries, in LQ and as the plans the planner makes of them.
func queries(_ tables: [String: Table]) -> [(name: String, lq: String, plan: PhysicalPlan)] {
    let layanan = PhysicalPlan.scan(tables["layanan"]!, name: "layanan")
    let pegawai = PhysicalPlan.scan(tables["pegawai"]!, name: "pegawai")
    let kinerja = PhysicalPlan.scan(tables["kinerja"]!, name: "kinerja")
    let keys: [NamedExpr] = [.column("nama_instansi"), .column("kanal")]
    let basic = [
        AggregateExpr("n", .count), AggregateExpr("rata_ikm", .avg, .column("skor_ikm")),
        AggregateExpr("patuh", .share, Expr.column("status").eq("selesai")),
    ]
    return [
        (
            "a_group_count_avg_share",
            "from layanan | summarize n = count(), rata_ikm = avg(skor_ikm), patuh = share(status == \"selesai\") by nama_instansi, kanal",
            .aggregate(layanan, HashAggregateOperator(keys: keys, aggregates: basic))
        ),
        (
            "b_group_distinct_median",
            "… , jenis = count_distinct(jenis_layanan), median_durasi = median(durasi_hari_kerja) by nama_instansi, kanal",
            .aggregate(
                layanan,
                HashAggregateOperator(
                    keys: keys,
                    aggregates: basic + [
                        AggregateExpr("jenis", .countDistinct, .column("jenis_layanan")),
                        AggregateExpr("median_durasi", .median, .column("durasi_hari_kerja")),
                    ]))
        ),
        (
            "c_join_group",
            "from kinerja | join pegawai on nip | summarize n = count(), rata_capaian = avg(capaian_persen) by provinsi = substr(kode_wilayah_kerja, 1, 2), golongan",
            .aggregate(
                .join(
                    left: kinerja, right: pegawai,
                    HashJoinOperator(
                        .inner, leftKeys: ["nip"], rightKeys: ["nip"], leftColumns: ["capaian_persen"],
                        rightColumns: ["golongan", "kode_wilayah_kerja"])),
                HashAggregateOperator(
                    keys: [
                        NamedExpr("provinsi", .call(.substr, [.column("kode_wilayah_kerja"), 1, 2])),
                        .column("golongan"),
                    ],
                    aggregates: [
                        AggregateExpr("n", .count), AggregateExpr("rata_capaian", .avg, .column("capaian_persen")),
                    ]))
        ),
        (
            "d_sort_take",
            "from layanan | sort -durasi_hari_kerja, id_permohonan | take 100",
            .topK(
                layanan,
                TopKOperator([.column("durasi_hari_kerja", descending: true), .column("id_permohonan")], count: 100))
        ),
        (
            "e_full_sort",
            "from layanan | sort nama_instansi, -skor_ikm  (not in the comparison: run with --query e)",
            .sort(layanan, SortOperator([.column("nama_instansi"), .column("skor_ikm", descending: true)]))
        ),
    ]
}

func writeTSV(_ table: Table, to path: String) throws {
    var text = table.schema.fields.map { "\($0.name):\($0.type)" }.joined(separator: "\t") + "\n"
    for row in table.rows() {
        text += row.map { value -> String in
            switch value {
            case .null: return "\\N"
            case .float(let x): return "\(x)"
            case .string(let s):
                return s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t")
                    .replacingOccurrences(of: "\n", with: "\\n")
            default: return value.description
            }
        }.joined(separator: "\t") + "\n"
    }
    try text.write(toFile: path, atomically: true, encoding: .utf8)
}

let options = Options(CommandLine.arguments)
do {
    let tables = try load(options)
    if let out = options.out { try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true) }
    let selected = queries(tables).filter { query in
        options.queries.isEmpty ? !query.name.hasPrefix("e_") : options.queries.contains { query.name.hasPrefix($0) }
    }
    for query in selected {
        var times: [Double] = []
        var cpu: [Double] = []
        var peak = 0
        var result = Table.empty(Schema([]))
        for _ in 0..<max(1, options.runs) {
            let context = ExecutionContext(threadCount: options.threads)
            let started = now()
            let cpuStarted = cpuTime()
            result = try query.plan.execute(context: context)
            times.append(now() - started)
            cpu.append(cpuTime() - cpuStarted)
            if ProcessInfo.processInfo.environment["ENGINE_BENCH_PROFILE"] != nil {
                for profile in context.operatorProfiles {
                    log("  \(String(format: "%8.1f", profile.seconds * 1000)) ms  \(profile.rows) rows  \(profile.name)")
                }
            }
            // Peak beyond the input tables, which the scans count.
            let inputs = query.plan.description.contains("kinerja")
                ? tables["kinerja"]!.estimatedByteSize + tables["pegawai"]!.estimatedByteSize
                : tables["layanan"]!.estimatedByteSize
            peak = max(peak, context.peakMemoryBytes - inputs)
        }
        let sorted = times.sorted()
        let median = sorted[sorted.count / 2]
        let line: [String: Any] = [
            "query": query.name, "lq": query.lq, "threads": options.threads, "median": median, "min": sorted[0],
            "times": times, "cpu": cpu, "rows": result.rowCount, "peak_extra_bytes": peak,
        ]
        let json = try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
        log(
            "\(query.name): median \(String(format: "%.1f", median * 1000)) ms, min \(String(format: "%.1f", sorted[0] * 1000)) ms, "
                + "cpu \(String(format: "%.1f", cpu.sorted()[cpu.count / 2] * 1000)) ms, \(result.rowCount) rows, extra peak \(MemoryTracker.format(peak))")
        if let out = options.out { try writeTSV(result, to: "\(out)/\(query.name).tsv") }
    }
} catch {
    log("engine-bench: \(error)")
    exit(1)
}
