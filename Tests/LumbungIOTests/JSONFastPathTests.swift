import Foundation
import LumbungCore
import Testing

@testable import LumbungIO

/// The word-at-a-time scanners of the JSON fast path, against byte-by-byte references, at every
/// offset around their 8- and 16-byte steps.
struct JSONFastPathTests {
    /// `JSONFastPath.stringEnd` byte by byte: the closing quote, `nil` at a backslash, a control
    /// character, invalid UTF-8 or the end.
    private func referenceStringEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index < bytes.count {
            let c = bytes[index]
            if c == JSONByte.quote { return index }
            if c == JSONByte.backslash || c < 0x20 { return nil }
            if c >= 0x80 {
                let length = bytes.withUnsafeBufferPointer { JSONScanner.utf8Length($0.baseAddress! + index, $0.baseAddress! + $0.count) }
                if length == 0 { return nil }
                index += length
                continue
            }
            index += 1
        }
        return nil
    }

    @Test func stringEndMatchesTheByteLoopAtEveryPosition() {
        let specials: [[UInt8]] = [[0x22], [0x5C], [0x0A], [0x01], [0x1F], [0xC3, 0xA9], [0xF0, 0x9F, 0x98, 0x80], [0xC3], [0xFF], [0x7F]]
        for length in 0...40 {
            for special in specials {
                for position in 0...length {
                    for tail in [0, 1, 7, 8, 15, 16, 17] {
                        var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                        bytes.insert(contentsOf: special, at: position)
                        if tail > 0 { bytes += [0x22] + [UInt8](repeating: UInt8(ascii: "b"), count: tail - 1) }
                        let expected = referenceStringEnd(bytes, from: 0)
                        let found = bytes.withUnsafeBufferPointer { buffer -> Int? in
                            let base = buffer.baseAddress!
                            return JSONFastPath.stringEnd(base, base + buffer.count).map { $0 - base }
                        }
                        #expect(found == expected, "length \(length), special \(special) at \(position), tail \(tail)")
                    }
                }
            }
        }
    }

    /// Keys of every length from 1 to 40 bytes; then records where one key differs in one byte (or
    /// is longer or shorter by one) at each position: those keys are new columns, not the old ones.
    @Test func predictedKeysOfEveryLengthAreComparedWhole() throws {
        let keys = (1...40).map { length in String((0..<length).map { Character(Unicode.Scalar(UInt8(97 + $0 % 26))) }) }
        var lines: [String] = []
        for row in 0..<3 {
            lines.append("{" + keys.enumerated().map { "\"\($1)\":\($0 * 10 + row)" }.joined(separator: ",") + "}")
        }
        var changed: [String] = []
        for (index, key) in keys.enumerated() {
            var variants: [String] = []
            for position in 0..<key.count {
                var bytes = Array(key.utf8)
                bytes[position] = UInt8(ascii: "Z")
                variants.append(String(decoding: bytes, as: UTF8.self))
            }
            variants.append(key + "Z")
            if key.count > 1 { variants.append(String(key.dropLast())) }
            for variant in variants where !keys.contains(variant) {
                var fields = keys.enumerated().map { "\"\($1)\":\($0)" }
                fields[index] = "\"\(variant)\":-1"
                lines.append("{" + fields.joined(separator: ",") + "}")
                changed.append(variant)
            }
        }
        let text = lines.joined(separator: "\n") + "\n"
        let path = NSTemporaryDirectory() + "lumbung-fastpath-keys-" + UUID().uuidString + ".ndjson"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var options = ReadOptions()
        options.writeRejects = false
        let result = try TableReader.read(path: path, options: options)
        #expect(result.rejects.isEmpty)
        #expect(result.table.rowCount == lines.count)
        let names = result.table.schema.fields.map(\.name)
        #expect(Set(names) == Set(keys + changed))
        let rows = result.table.rows()
        for (rowIndex, row) in rows.enumerated() where rowIndex >= 3 {
            let variant = changed[rowIndex - 3]
            let column = names.firstIndex(of: variant)!
            #expect(row[column] == .int(-1))
            // The key it replaced is null in this record.
            #expect(row.filter { $0 == .null }.count == names.count - keys.count)
        }
    }

    /// Columns with nulls at every residue of 8 and row counts around multiples of 8 and 64 (the
    /// validity bits are packed eight at a time), and float64 columns.
    @Test func validityAndFloatsOfFinishedBlocks() throws {
        for count in [1, 7, 8, 9, 63, 64, 65, 130] {
            for period in [2, 3, 8, 9] {
                var lines: [String] = []
                for row in 0..<count {
                    let value = row % period == period - 1 ? "null" : "\(row).5"
                    lines.append("{\"x\":\(value),\"n\":\(row)}")
                }
                let path = NSTemporaryDirectory() + "lumbung-fastpath-nulls-" + UUID().uuidString + ".ndjson"
                try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
                defer { try? FileManager.default.removeItem(atPath: path) }
                let result = try TableReader.read(path: path, options: ReadOptions())
                #expect(result.table.schema.fields.map(\.type) == [.float64, .int64])
                let expected: [[Value]] = (0..<count).map { row in
                    [row % period == period - 1 ? .null : .float(Double(row) + 0.5), .int(Int64(row))]
                }
                #expect(result.table.rows() == expected, "count \(count), period \(period)")
            }
        }
    }

    /// Nested objects (empty ones too) and whitespace around keys, colons, commas and braces, in
    /// the order the fast path predicts and out of it: every spelling gives the same table.
    @Test func nestedObjectsAndWhitespaceReadTheSameWhateverTheSpelling() throws {
        func record(_ i: Int, _ space: String) -> String {
            let s = space
            let inner = i % 4 == 0 ? "{\(s)}" : "{\(s)\"k\"\(s):\(s)\(i),\(s)\"m\":\(s){\(s)\"n\":\(s)\"v\(i)\"\(s)}\(s)}"
            var fields = ["\"a\"\(s):\(s)\(i)", "\"o\":\(s)\(inner)", "\"b\":\(s)\"x\(i % 3)\"\(s)", "\"e\":{}"]
            if i % 5 == 3 { fields.swapAt(0, 2) }
            return "{\(s)" + fields.joined(separator: ",\(s)") + "\(s)}"
        }
        var results: [ReadResult] = []
        for space in ["", " ", "\t", "  \r"] {
            // Mixed: most records compact, every seventh spelled with `space`.
            let text = (0..<300).map { record($0, $0 % 7 == 0 ? space : "") }.joined(separator: "\n") + "\n"
            let path = NSTemporaryDirectory() + "lumbung-fastpath-nested-" + UUID().uuidString + ".ndjson"
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            defer { try? FileManager.default.removeItem(atPath: path) }
            var options = ReadOptions()
            options.writeRejects = false
            results.append(try TableReader.read(path: path, options: options))
        }
        let names = results[0].table.schema.fields.map(\.name)
        #expect(names == ["a", "b", "o.k", "o.m.n"])  // "o" is empty in the first record
        let rows = results[0].table.rows()
        #expect(rows.count == 300)
        for (i, row) in rows.enumerated() {
            let empty = i % 4 == 0
            #expect(row == [.int(Int64(i)), .string("x\(i % 3)"), empty ? .null : .int(Int64(i)), empty ? .null : .string("v\(i)")])
        }
        for result in results.dropFirst() {
            #expect(result.rejects.isEmpty)
            #expect(result.table.schema.fields.map(\.name) == names)
            #expect(result.table.rows() == rows)
        }
    }
}
