// Helpers for the sample-data tests: generate into temporary directories, gunzip with zlib,
// and parse the few fields the tests need (never with Lumbung's own readers).
import CZlib
import Foundation
import LumbungIO
@testable import LumbungSample

enum TestError: Error, CustomStringConvertible {
    case failed(String)
    var description: String { if case .failed(let m) = self { return m }; return "" }
}

/// Decompresses a (possibly multi-member) gzip buffer with zlib.
func gunzip(_ data: [UInt8]) throws -> [UInt8] {
    var stream = z_stream()
    guard CZlib_inflateInit2(&stream, 15 + 32) == Z_OK else { throw TestError.failed("inflateInit2") }
    defer { inflateEnd(&stream) }
    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    try data.withUnsafeBufferPointer { input in
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
        stream.avail_in = uInt(input.count)
        while true {
            let code: Int32 = chunk.withUnsafeMutableBufferPointer { out in
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                return inflate(&stream, Z_NO_FLUSH)
            }
            output.append(contentsOf: chunk[0..<(chunk.count - Int(stream.avail_out))])
            if code == Z_STREAM_END {
                if stream.avail_in == 0 { break }
                guard inflateReset(&stream) == Z_OK else { throw TestError.failed("inflateReset") }
                continue
            }
            guard code == Z_OK || (code == Z_BUF_ERROR && stream.avail_out == 0) else {
                throw TestError.failed("inflate failed with \(code) after \(output.count) bytes")
            }
            if stream.avail_in == 0 && stream.avail_out != 0 { throw TestError.failed("truncated gzip stream") }
        }
    }
    return output
}

func readBytes(_ path: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else { throw TestError.failed("cannot read \(path)") }
    return [UInt8](data)
}

/// RFC 4180 records of a CSV text (LF line ends).
func parseCSV(_ text: String) -> [[String]] {
    var rows: [[String]] = [], row: [String] = [], field = "", quoted = false, wasQuoted = false
    var chars = Array(text.unicodeScalars)[...]
    while let c = chars.popFirst() {
        if quoted {
            if c == "\"" {
                if chars.first == "\"" { field.unicodeScalars.append("\""); chars.removeFirst() } else { quoted = false }
            } else {
                field.unicodeScalars.append(c)
            }
        } else if c == "\"" && field.isEmpty {
            quoted = true; wasQuoted = true
        } else if c == "," {
            row.append(field); field = ""; wasQuoted = false
        } else if c == "\n" {
            row.append(field); rows.append(row); row = []; field = ""; wasQuoted = false
        } else {
            field.unicodeScalars.append(c)
        }
    }
    _ = wasQuoted
    if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
    return rows
}

/// A table read back from a generated directory, both formats.
struct TableData {
    let header: [String]
    /// CSV rows as column → text ("" for null).
    let rows: [[String]]
    /// NDJSON lines as raw text.
    let jsonLines: [String]

    func column(_ name: String) -> Int { header.firstIndex(of: name)! }
    func values(_ name: String) -> [String] { let i = column(name); return rows.map { $0[i] } }

    func nullShare(_ name: String, where keep: ([String]) -> Bool = { _ in true }) -> Double {
        let i = column(name)
        let selected = rows.filter(keep)
        return selected.isEmpty ? 0 : Double(selected.filter { $0[i].isEmpty }.count) / Double(selected.count)
    }
}

func loadTable(_ directory: String, _ table: String) throws -> TableData {
    let csvText = String(decoding: try gunzip(try readBytes("\(directory)/\(table).csv.gz")), as: UTF8.self)
    var records = parseCSV(csvText)
    let header = records.removeFirst()
    let jsonText = String(decoding: try gunzip(try readBytes("\(directory)/\(table).ndjson.gz")), as: UTF8.self)
    let lines = jsonText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    guard lines.last == "" else { throw TestError.failed("\(table).ndjson does not end with a newline") }
    return TableData(header: header, rows: records, jsonLines: Array(lines.dropLast()))
}

/// Seconds since the epoch of `2025-01-14T08:30:00+07:00`, and the offset in hours.
func parseTimestamp(_ text: String) -> (seconds: Int, offsetHours: Int)? {
    let u = Array(text.utf8)
    guard u.count == 25, u[10] == UInt8(ascii: "T"), u[22] == UInt8(ascii: ":") else { return nil }
    func n(_ a: Int, _ b: Int) -> Int? { Int(String(decoding: u[a..<b], as: UTF8.self)) }
    guard let y = n(0, 4), let mo = n(5, 7), let d = n(8, 10), let h = n(11, 13), let mi = n(14, 16), let s = n(17, 19),
          let oh = n(20, 22), u[19] == UInt8(ascii: "+") || u[19] == UInt8(ascii: "-") else { return nil }
    let sign = u[19] == UInt8(ascii: "-") ? -1 : 1
    let days = Civil.day(y, mo, d)
    return (days * 86_400 + h * 3600 + mi * 60 + s - sign * oh * 3600, sign * oh)
}

func parseDate(_ text: String) -> Int? { Civil.parse(text) }

func temporaryDirectory(_ name: String) -> String {
    let path = NSTemporaryDirectory() + "lumbung-sample-tests-\(ProcessInfo.processInfo.processIdentifier)-\(name)-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func generate(_ name: String, scale: Double, seed: UInt64 = 42, threads: Int = 2, blockRows: Int = 100_000,
              compressor: GzipCompressor = .automatic, tables: Set<SampleTable> = Set(SampleTable.allCases)) throws -> String {
    let dir = temporaryDirectory(name)
    try SampleGenerator.run(SampleConfig(scale: scale, seed: seed, outputDirectory: dir, tables: tables, threads: threads,
                                         blockRows: blockRows, compressor: compressor))
    return dir
}

/// The scale-0.01 run shared by the content tests (generated once).
struct StandardSample {
    let directory: String
    let pegawai: TableData
    let layanan: TableData
    let kinerja: TableData
}

let standardSample: Result<StandardSample, Error> = Result {
    let dir = try generate("standard", scale: 0.01)
    return StandardSample(directory: dir, pegawai: try loadTable(dir, "pegawai"), layanan: try loadTable(dir, "layanan"),
                          kinerja: try loadTable(dir, "kinerja"))
}

func standard() throws -> StandardSample { try standardSample.get() }

/// Time zone offset (hours) of a Kemendagri province code, from domain.md table 1.7.
func expectedOffset(province code: String) -> Int? {
    let wib: Set<String> = ["11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "32", "33", "34", "35", "36", "61", "62"]
    let wita: Set<String> = ["51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"]
    let wit: Set<String> = ["81", "82", "91", "92", "93", "94", "95", "96"]
    return wib.contains(code) ? 7 : wita.contains(code) ? 8 : wit.contains(code) ? 9 : nil
}
