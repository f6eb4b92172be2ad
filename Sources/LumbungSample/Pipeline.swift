// Blocks of rows are generated and compressed in parallel; each block becomes one gzip member
// per format, and the members are written in block order. Which thread runs which block does
// not change a byte of the output.
import Dispatch
import Foundation
import LumbungIO

/// Wraps a value that is shared across threads under the caller's own discipline (disjoint
/// ranges of a buffer, read-only data).
struct Shared<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// Runs `body(block)` for every block on `threads` workers; each worker claims the next block
/// in order. The first error stops the remaining blocks and is rethrown.
func runParallel(blocks: Int, threads: Int, _ body: @escaping @Sendable (_ worker: Int, _ block: Int) throws -> Void) throws {
    guard blocks > 0 else { return }
    let state = ParallelState()
    let workers = max(1, min(threads, blocks))
    let trace = ProcessInfo.processInfo.environment["LUMBUNG_SAMPLE_TRACE"] != nil
    let origin = DispatchTime.now().uptimeNanoseconds
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
        while let block = state.claim(limit: blocks) {
            let start = DispatchTime.now().uptimeNanoseconds
            do { try body(worker, block) } catch { state.fail(error) }
            if trace {
                let end = DispatchTime.now().uptimeNanoseconds
                FileHandle.standardError.write(Data("worker \(worker) block \(block): \(Double(start - origin) / 1e9)..\(Double(end - origin) / 1e9)\n".utf8))
            }
        }
    }
    if let error = state.error { throw error }
}

private final class ParallelState: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private(set) var error: Error?

    func claim(limit: Int) -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard error == nil, next < limit else { return nil }
        next += 1
        return next - 1
    }

    func fail(_ error: Error) {
        lock.lock(); defer { lock.unlock() }
        if self.error == nil { self.error = error }
    }
}

/// The compressed output files of one table, written member by member in block order.
final class TableOutput: @unchecked Sendable {
    let table: SampleTable
    private let csvPath: String?
    private let jsonPath: String?
    private var csvFile: UnsafeMutablePointer<FILE>?
    private var jsonFile: UnsafeMutablePointer<FILE>?
    private let level: Int32
    private let compressor: GzipCompressor
    private let lock = NSLock()
    private var nextBlock = 0
    private var pending: [Int: ([UInt8], [UInt8], Int)] = [:]
    private(set) var rows = 0
    private(set) var csvBytes = 0
    private(set) var jsonBytes = 0
    private let started = DispatchTime.now()

    private let header: [UInt8]

    init(table: SampleTable, columns: [String], directory: String, config: SampleConfig) throws {
        let formats = config.formats
        let level = config.compressionLevel
        compressor = config.compressor.resolved
        self.table = table
        header = RowWriter.headerLine(columns)
        self.level = level
        csvPath = formats.contains(.csv) ? directory + "/" + table.rawValue + ".csv.gz" : nil
        jsonPath = formats.contains(.ndjson) ? directory + "/" + table.rawValue + ".ndjson.gz" : nil
        if let csvPath {
            guard let f = fopen(csvPath, "wb") else { throw SampleError.io("cannot create \(csvPath): \(String(cString: strerror(errno)))") }
            csvFile = f
        }
        if let jsonPath {
            guard let f = fopen(jsonPath, "wb") else { throw SampleError.io("cannot create \(jsonPath): \(String(cString: strerror(errno)))") }
            jsonFile = f
        }
    }

    var wantCSV: Bool { csvPath != nil }
    var wantJSON: Bool { jsonPath != nil }

    /// Compresses the rows a worker wrote for `block` and queues them; writes every block that
    /// is now next in order.
    func finish(block: Int, writer: inout RowWriter) throws {
        let csv = wantCSV ? try GzipWriter.member(UnsafePointer(writer.csv.base), count: writer.csv.count, level: level, compressor: compressor) : []
        let json = wantJSON ? try GzipWriter.member(UnsafePointer(writer.json.base), count: writer.json.count, level: level, compressor: compressor) : []
        let rows = writer.rows
        writer.reset()
        lock.lock(); defer { lock.unlock() }
        pending[block] = (csv, json, rows)
        while let (c, j, r) = pending.removeValue(forKey: nextBlock) {
            if let csvFile, !c.isEmpty { try write(c, to: csvFile, path: csvPath!) }
            if let jsonFile, !j.isEmpty { try write(j, to: jsonFile, path: jsonPath!) }
            csvBytes += c.count
            jsonBytes += j.count
            self.rows += r
            nextBlock += 1
        }
    }

    private func write(_ bytes: [UInt8], to file: UnsafeMutablePointer<FILE>, path: String) throws {
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        guard written == bytes.count else { throw SampleError.io("write failed for \(path): \(String(cString: strerror(errno)))") }
    }

    /// Closes the files (an empty table still gets one valid empty member) and reports them.
    func close(blocks: Int) throws -> [SampleFileReport] {
        precondition(nextBlock == blocks, "\(table) wrote \(nextBlock) of \(blocks) blocks")
        var reports: [SampleFileReport] = []
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        for (file, path, format) in [(csvFile, csvPath, SampleFormat.csv), (jsonFile, jsonPath, SampleFormat.ndjson)] {
            guard let file, let path else { continue }
            var size = format == .csv ? csvBytes : jsonBytes
            if size == 0 {
                // No rows: the CSV still has its header.
                let empty = try GzipWriter.member(format == .csv ? header : [], level: level, compressor: compressor)
                try write(empty, to: file, path: path)
                size = empty.count
            }
            guard fclose(file) == 0 else { throw SampleError.io("close failed for \(path)") }
            reports.append(SampleFileReport(table: table, format: format, path: path, rows: rows, bytes: size, seconds: seconds))
        }
        csvFile = nil
        jsonFile = nil
        return reports
    }

    deinit {
        if let csvFile { fclose(csvFile) }
        if let jsonFile { fclose(jsonFile) }
    }
}
