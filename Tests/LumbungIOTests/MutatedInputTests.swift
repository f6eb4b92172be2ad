import Foundation
import Testing
import LumbungCore
@testable import LumbungIO

/// Sample exports with random damage (flipped bytes, stray quotes and brackets, cut lines, bad
/// UTF-8, overlong numbers, impossible dates, truncated gzip): every read either loads rows and
/// rejects or stops with a data error naming the file, and how the file is cut into blocks and
/// parsed by how many threads never changes what comes out.
@Suite struct MutatedInputTests {
    static let sampleData = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("sample-data")

    static let tokens: [String] = [
        "\"", "\"\"", ",", ";", "\n", "\r\n", "\r", "{", "}", "[", "]", ":", "\\", "\\u", "\\ud800", "\\udc00",
        "null", "NULL", "true", "tru", "1e999", "-0", "1,5", "99999999999999999999999", "9223372036854775808",
        "2024-02-30", "31/02/2024", "2024-13-45T25:61:61+25:00", "\u{FEFF}", "é", "\u{0}",
    ]

    /// The first `limit` bytes of a sample file's text, cut after a newline.
    static func head(_ name: String, limit: Int = 48_000) throws -> [UInt8] {
        let reader = try DecompressingReader(path: sampleData.appendingPathComponent(name).path, backend: .zlib)
        var buffer = [UInt8](repeating: 0, count: limit)
        var length = 0
        while length < limit {
            let count = try buffer.withUnsafeMutableBytes { try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[length...])) }
            if count == 0 { break }
            length += count
        }
        let cut = buffer[..<length].lastIndex(of: 0x0A).map { $0 + 1 } ?? length
        return Array(buffer[..<cut])
    }

    static func damage(_ text: [UInt8], _ random: inout SplitMix) -> [UInt8] {
        var bytes = text
        for _ in 0..<Int.random(in: 1...12, using: &random) where !bytes.isEmpty {
            let at = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<6, using: &random) {
            case 0: bytes[at] = UInt8.random(in: 0...255, using: &random)
            case 1: bytes.insert(contentsOf: Array(tokens.randomElement(using: &random)!.utf8), at: at)
            case 2: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...60, using: &random)))
            case 3:
                let from = Int.random(in: 0..<bytes.count, using: &random)
                bytes.insert(contentsOf: bytes[from..<min(bytes.count, from + Int.random(in: 1...200, using: &random))], at: at)
            case 4: bytes.insert(contentsOf: [0xC3, 0x28, 0xFF], at: at)
            default: if Int.random(in: 0..<4, using: &random) == 0 { bytes.removeSubrange(at...) }
            }
        }
        return bytes
    }

    /// What a read gave, in terms that must not depend on blocks or threads.
    struct Outcome: Equatable, CustomStringConvertible {
        var error: DataError.Kind?
        var names: [String] = []
        var types: [DataType] = []
        var rows: [[Value]] = []
        var rejects: [String] = []

        var description: String {
            error.map { "error \($0)" } ?? "\(rows.count) rows, types \(types), rejects \(rejects.prefix(3))"
        }
    }

    static func outcome(_ path: String, blockSize: Int, threads: Int) -> Outcome {
        do {
            let result = try readTable(path, .testing(blockSize: blockSize, threads: threads))
            return Outcome(
                names: result.table.schema.names, types: result.table.schema.fields.map(\.type), rows: result.table.rows(),
                rejects: result.rejects.map { "\($0.line):\($0.column ?? 0) \($0.kind)" })
        } catch LumbungError.data(let error) {
            #expect(path.hasSuffix(error.file) || error.file.hasSuffix((path as NSString).lastPathComponent),
                    "the error names the file: \(error)")
            return Outcome(error: error.kind)
        } catch {
            Issue.record("\(path): not a data error: \(error)")
            return Outcome(error: nil)
        }
    }

    @Test("damaged exports load or fail with a data error, the same whatever the blocks and threads",
          arguments: ["layanan.csv.gz", "pegawai.csv.gz", "quoted.csv", "kinerja.ndjson.gz", "pegawai.ndjson.gz", "pegawai.json"])
    func damagedExports(_ source: String) throws {
        let files = TestFiles()
        defer { files.remove() }
        var text: [UInt8]
        if source == "quoted.csv" {
            // Every record's third field quoted, with a newline and a doubled quote inside it: block
            // edges fall inside quotes all the time.
            let lines = String(decoding: try Self.head("layanan.csv.gz"), as: UTF8.self).split(separator: "\n")
            text = Array(lines.map { line -> String in
                var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                if fields.count > 2 { fields[2] = "\"" + fields[2].replacingOccurrences(of: " ", with: "\n\"\"") + "\"" }
                return fields.joined(separator: ",")
            }.joined(separator: "\n").utf8) + [0x0A]
        } else if source == "pegawai.json" {
            // A top-level JSON array of the same records.
            let lines = try Self.head("pegawai.ndjson.gz").split(separator: 0x0A)
            text = Array("[\n".utf8) + Array(lines.map { Array($0) }.joined(separator: Array(",\n".utf8))) + Array("\n]\n".utf8)
        } else {
            text = try Self.head(source)
        }
        var seed: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in source.utf8 { seed = (seed ^ UInt64(byte)) &* 0x100_0000_01B3 }
        var random = SplitMix(seed: seed)  // the same damage on every machine
        var loaded = 0
        for round in 0..<10 {
            let damaged = Self.damage(text, &random)
            let name = "m\(round)-" + source.replacingOccurrences(of: ".gz", with: "")
            let path: String
            switch round % 3 {
            case 0: path = files.write(name, damaged)
            case 1: path = files.writeGzip(name + ".gz", members: [Array(damaged[..<(damaged.count / 2)]), Array(damaged[(damaged.count / 2)...])])
            default:
                let gzip = TestFiles.gzip(damaged)
                // Every third gzip file is cut short.
                path = files.write(name + ".gz", round % 2 == 0 ? Array(gzip.prefix(gzip.count * 3 / 4)) : gzip)
            }
            let small = Self.outcome(path, blockSize: 4096, threads: 2)
            let oneThread = Self.outcome(path, blockSize: 4096, threads: 1)
            let oneBlock = Self.outcome(path, blockSize: 1 << 20, threads: 2)
            #expect(small == oneThread, "\(name): 4 KiB blocks on 2 threads vs 1: \(small) vs \(oneThread)")
            #expect(small.error == oneBlock.error && small.rejects == oneBlock.rejects && small.rows.count == oneBlock.rows.count,
                    "\(name): 4 KiB blocks vs one block: \(small) vs \(oneBlock)")
            if small.error == nil { loaded += 1 }
        }
        #expect(loaded > 0, "some damaged files still load, with their bad rows rejected")
    }
}

extension SplitMix: RandomNumberGenerator {}

@Suite struct CSVSplitterTests {
    /// The parser's quote rules, one byte at a time: the last newline outside quotes.
    static func reference(_ bytes: [UInt8], delimiter: UInt8, quote: UInt8) -> Int? {
        enum State { case outside, inside, skipping }
        var state = State.outside
        var lastEnd: Int?
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch state {
            case .outside:
                if byte == 0x0A { lastEnd = index + 1 }
                if byte == quote {
                    let atFieldStart = index == 0 || bytes[index - 1] == delimiter || bytes[index - 1] == 0x0A
                    state = atFieldStart ? .inside : .skipping
                }
            case .inside:
                if byte == quote {
                    if index + 1 < bytes.count && bytes[index + 1] == quote {
                        index += 2
                        continue
                    }
                    let after = index + 1
                    let clean = after >= bytes.count || bytes[after] == delimiter || bytes[after] == 0x0A
                        || (bytes[after] == 0x0D && (after + 1 == bytes.count || bytes[after + 1] == 0x0A))
                    state = clean ? .outside : .skipping
                }
            case .skipping:
                if byte == delimiter || byte == 0x0A {
                    state = .outside
                    continue  // looked at again from outside
                }
            }
            index += 1
        }
        return lastEnd
    }

    @Test("the windowed splitter cuts where a byte-by-byte reading of the parser's rules does")
    func matchesReference() {
        var random = SplitMix(seed: 42)
        let alphabet: [UInt8] = Array("a;\"\n\r,".utf8)
        for round in 0..<4000 {
            let length = Int.random(in: 0...400, using: &random)
            // Mostly text with some structure, sometimes dense quotes.
            let dense = round % 3 == 0
            let bytes: [UInt8] = (0..<length).map { _ in
                let roll = Int.random(in: 0..<100, using: &random)
                if roll < (dense ? 30 : 3) { return UInt8(ascii: "\"") }
                if roll < (dense ? 45 : 13) { return UInt8(ascii: ",") }
                if roll < (dense ? 52 : 17) { return 0x0A }
                return alphabet[Int.random(in: 0..<alphabet.count, using: &random)]
            }
            var splitter = CSVSplitter(quote: UInt8(ascii: "\""), delimiter: UInt8(ascii: ","))
            let got = bytes.withUnsafeBytes { splitter.lastRecordEnd($0, atEndOfInput: false) }
            let expected = Self.reference(bytes, delimiter: UInt8(ascii: ","), quote: UInt8(ascii: "\""))
            #expect(got == expected, "round \(round): \(String(decoding: bytes, as: UTF8.self).debugDescription)")
            if got != expected { return }
        }
    }
}
