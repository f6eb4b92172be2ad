import ArgumentParser
import Foundation
import LumbungCore
import LumbungIO
import LumbungQuery

/// The sources and settings shared by `lumbung query` and `lumbung repl`.
struct QuerySession {
    let catalog: Catalog
    var runner: QueryRunner

    init(sources: [String], folders: [String], pipeline: String?, threads: Int?, memoryLimit: String?,
         rejectsDir: String, maxRejectRatio: Double, pushdown: Bool) throws {
        if let pipeline {
            throw CLIError.report(LumbungError.usage(
                "\(pipeline): pipeline specs are not supported yet (they come with `lumbung run`); name the sources with --source NAME=PATH or --data DIR"))
        }
        var options = ReadOptions()
        if let threads { options.threads = threads }
        options.maxRejectRatio = maxRejectRatio
        let catalog = Catalog(defaultOptions: options)
        self.catalog = catalog
        func register(_ name: String, _ path: String) {
            var fileOptions = options
            let file = (path as NSString).lastPathComponent
            fileOptions.rejectsPath = (rejectsDir as NSString).appendingPathComponent(file + ".rejects.ndjson")
            catalog.register(name, path: path, options: fileOptions)
        }
        for folder in folders {
            guard let files = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
                throw CLIError.report(LumbungError.io(path: folder, message: "cannot list the folder"))
            }
            // One source per name; CSV before NDJSON before JSON when a table comes in several formats.
            let rank = [".csv": 0, ".tsv": 0, ".ndjson": 1, ".jsonl": 1, ".json": 2]
            var chosen: [String: (Int, String)] = [:]
            for file in files.sorted() {
                var stem = file
                if stem.hasSuffix(".gz") { stem.removeLast(3) }
                guard let ext = rank.keys.first(where: { stem.hasSuffix($0) }), !file.contains(".rejects.") else { continue }
                let name = String(stem.dropLast(ext.count))
                let order = rank[ext]!
                if let current = chosen[name], current.0 <= order { continue }
                chosen[name] = (order, (folder as NSString).appendingPathComponent(file))
            }
            for name in chosen.keys.sorted() { register(name, chosen[name]!.1) }
        }
        for pair in sources {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex, pair.index(after: equals) != pair.endIndex
            else {
                throw ValidationError("--source needs NAME=PATH, got '\(pair)'")
            }
            register(String(pair[..<equals]), String(pair[pair.index(after: equals)...]))
        }
        var queryOptions = QueryOptions(threads: threads, memoryBudget: try memoryLimit.map(Self.bytes))
        queryOptions.projectionPushdown = pushdown
        runner = QueryRunner(catalog: catalog, options: queryOptions)
    }

    /// `2G`, `500M`, `64K` or a number of bytes.
    static func bytes(_ text: String) throws -> Int {
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        var digits = text.uppercased()
        if digits.hasSuffix("B") { digits.removeLast() }
        var scale = 1
        if let last = digits.last, let unit = units[last] {
            scale = unit
            digits.removeLast()
        }
        guard let value = Double(digits), value > 0 else {
            throw ValidationError("--memory-limit must look like 2G, 500M or a number of bytes")
        }
        return Int(value * Double(scale))
    }

    static func printStats(_ stats: QueryStats, rows: Int) {
        var lines: [String] = []
        func seconds(_ value: Double) -> String { String(format: "%.3f s", value) }
        lines.append("plan    \(seconds(stats.planSeconds)) (parse, check, probe schemas, optimize)")
        lines.append("read    \(seconds(stats.readSeconds)) — \(Number.grouped(stats.rowsRead)) rows, "
            + "\(Number.bytes(stats.compressedBytesRead)) compressed, \(Number.bytes(stats.decompressedBytesRead)) inflated")
        for scan in stats.scans {
            let stopped = scan.stoppedEarly ? " (stopped there: the query takes only the first rows)" : ""
            lines.append("  \(scan.name): \(scan.columnsRead) of \(scan.columns) columns, \(Number.grouped(scan.rows)) rows\(stopped)")
        }
        lines.append("execute \(seconds(stats.executeSeconds)) — \(Number.grouped(rows)) rows out")
        lines.append("peak memory \(Number.bytes(Int64(stats.peakMemoryBytes))) (engine-tracked: tables read and operator state)")
        FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}
