import ArgumentParser
import Foundation
import LumbungCore
import LumbungIO

/// `lumbung inspect FILE...`: what a file holds, and how fast it reads.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Read data files fully and describe them: format, rows, rejects, and per column the type, nulls and distinct values.",
        discussion: """
            Files may be CSV, NDJSON or a JSON array, gzip-compressed or plain; the format, delimiter and
            compression are detected. Several files are read in parallel.
            Rejected rows go to <rejects-dir>/<file name>.rejects.ndjson with their line, column and reason.
            """)

    @Argument(help: "Files to read (.csv, .ndjson, .json, optionally .gz).")
    var files: [String]

    @OptionGroup var read: ReadFlags

    @Flag(name: .long, help: "Print JSON for machines instead of a table.")
    var json = false

    @Flag(name: .long, inversion: .prefixedNo, help: "Show a progress bar on stderr for large files when it is a terminal.")
    var progress = true

    func run() throws {
        var options = try read.options()
        let showProgress = progress && !json && isatty(2) != 0
        var results: [(String, Result<ReadResult, Error>)] = []
        for file in files where !FileManager.default.fileExists(atPath: file) {
            throw CLIError.report(LumbungError.io(path: file, message: "no such file"))
        }
        if files.count == 1 || showProgress {
            for file in files {
                var perFile = options
                perFile.rejectsPath = read.rejectsPath(for: file)
                if showProgress, (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0 > 32 << 20 {
                    perFile.progress = ProgressBar(label: (file as NSString).lastPathComponent).update
                }
                let outcome = Result { try TableReader.read(path: file, options: perFile) }
                if showProgress { ProgressBar.clear() }
                results.append((file, outcome))
            }
        } else {
            options.rejectsPath = nil
            let outcomes = files.map { file -> ReadOptions in
                var perFile = options
                perFile.rejectsPath = read.rejectsPath(for: file)
                return perFile
            }
            // Read in parallel; each file keeps its own rejects path.
            let box = OutcomeBox(count: files.count)
            DispatchQueue.concurrentPerform(iterations: files.count) { index in
                var perFile = outcomes[index]
                perFile.threads = max(1, perFile.threads / min(files.count, max(1, perFile.threads)))
                box.set(index, Result { try TableReader.read(path: files[index], options: perFile) })
            }
            results = zip(files, box.values).map { ($0, $1) }
        }

        var failures: [Error] = []
        var reports: [FileReport] = []
        for (file, outcome) in results {
            switch outcome {
            case .success(let result):
                reports.append(FileReport(result))
            case .failure(let error):
                failures.append(error)
                reports.append(FileReport(path: file, error: error))
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(["files": reports])
            FileHandle.standardOutput.write(data)
            FileHandle.standardOutput.write(Data("\n".utf8))
        } else {
            print(reports.filter { $0.error == nil }.map { $0.text() }.joined(separator: "\n"), terminator: "")
        }
        for error in failures { Diagnostics.printError(error) }
        if let first = failures.first { throw ExitCode(Diagnostics.exitCode(for: first)) }
    }
}

/// What `inspect` says about one file.
struct FileReport: Codable {
    var path: String
    var format: String?
    var compression: String?
    var gzipBackend: String?
    var gzipMembers: Int?
    var delimiter: String?
    var decimalSeparator: String?
    var rows: Int?
    var rejected: Int?
    var rejectsPath: String?
    var compressedBytes: Int64?
    var decompressedBytes: Int64?
    var seconds: Double?
    var throughputMBps: Double?
    var columns: [ColumnProfile]?
    var warnings: [String]?
    var error: String?

    enum CodingKeys: String, CodingKey {
        case path, format, compression, delimiter, rows, rejected, seconds, columns, warnings, error
        case gzipBackend = "gzip_backend"
        case gzipMembers = "gzip_members"
        case decimalSeparator = "decimal_separator"
        case rejectsPath = "rejects_path"
        case compressedBytes = "compressed_bytes"
        case decompressedBytes = "decompressed_bytes"
        case throughputMBps = "throughput_mb_per_s"
    }

    init(path: String, error: Error) {
        self.path = path
        self.error = Diagnostics.message(for: error)
    }

    init(_ result: ReadResult) {
        path = result.path
        format = result.format.rawValue
        compression = result.compression.rawValue
        gzipBackend = result.gzipBackend?.rawValue
        gzipMembers = result.compression == .gzip ? result.gzipMembers : nil
        delimiter = result.dialect?.delimiterName
        decimalSeparator = result.dialect.map { String(UnicodeScalar($0.decimalSeparator)) }
        rows = result.rowCount
        rejected = result.rejects.count
        rejectsPath = result.rejectsPath
        compressedBytes = result.compressedBytes
        decompressedBytes = result.decompressedBytes
        seconds = (result.seconds * 1000).rounded() / 1000
        throughputMBps = result.seconds > 0 ? (Double(result.decompressedBytes) / 1e6 / result.seconds * 10).rounded() / 10 : nil
        columns = ColumnProfile.profile(result.table)
        warnings = result.warnings.isEmpty ? nil : result.warnings
    }

    func text() -> String {
        var lines: [String] = [path]
        var formatLine = "  format       \(format ?? "?")"
        if let delimiter { formatLine += ", delimiter '\(delimiter)', decimal '\(decimalSeparator ?? ".")'" }
        if compression == "gzip" {
            formatLine += "; gzip (\(gzipBackend == "isal" ? "ISA-L" : "zlib"), \(gzipMembers ?? 1) member\(gzipMembers == 1 ? "" : "s"))"
        } else {
            formatLine += "; not compressed"
        }
        lines.append(formatLine)
        lines.append("  rows         \(Number.grouped(rows ?? 0))   rejected \(Number.grouped(rejected ?? 0))"
            + (rejectsPath.map { " → \($0)" } ?? ""))
        lines.append("  bytes        \(Number.bytes(compressedBytes ?? 0)) on disk, \(Number.bytes(decompressedBytes ?? 0)) of text")
        lines.append(String(format: "  time         %.3f s (%.1f MB/s of text)", seconds ?? 0, throughputMBps ?? 0))
        let columns = self.columns ?? []
        let width = max(6, columns.map { $0.name.count }.max() ?? 6)
        lines.append("  " + "column".padding(toLength: width, withPad: " ", startingAt: 0) + "  type       nulls        distinct≈")
        for column in columns {
            lines.append("  " + column.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                + column.type.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0) + "  "
                + Number.grouped(column.nulls).leftPadded(to: 11) + "  " + Number.grouped(column.distinctEstimate).leftPadded(to: 11))
        }
        for warning in warnings ?? [] { lines.append("  warning: \(warning)") }
        return lines.joined(separator: "\n") + "\n"
    }
}

private final class OutcomeBox: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Result<ReadResult, Error>?]
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: Result<ReadResult, Error>) {
        lock.lock()
        storage[index] = value
        lock.unlock()
    }
    var values: [Result<ReadResult, Error>] {
        storage.map { $0 ?? .failure(LumbungError.internalError("file not read")) }
    }
}
