import LumbungCore

/// Writes tables as NDJSON: one object per row, keys in column order, dates as `"YYYY-MM-DD"`,
/// timestamps as ISO 8601 (UTC), nulls as `null`, numbers as JSON numbers (non-finite floats as `null`).
public struct NDJSONWriter: Sendable {
    public init() {}

    public func write(_ table: Table) -> [UInt8] {
        var output: [UInt8] = []
        let keys = table.schema.names.map { name -> [UInt8] in
            var key: [UInt8] = []
            NDJSONWriter.appendString(Array(name.utf8), to: &key)
            key.append(UInt8(ascii: ":"))
            return key
        }
        for chunk in table.chunks {
            for row in 0..<chunk.count {
                output.append(UInt8(ascii: "{"))
                for (index, column) in chunk.columns.enumerated() {
                    if index > 0 { output.append(UInt8(ascii: ",")) }
                    output.append(contentsOf: keys[index])
                    appendValue(column, row, to: &output)
                }
                output.append(UInt8(ascii: "}"))
                output.append(0x0a)
            }
        }
        return output
    }

    func appendValue(_ column: Column, _ row: Int, to output: inout [UInt8]) {
        if column.isNull(row) {
            output.append(contentsOf: "null".utf8)
            return
        }
        switch column.values {
        case .string, .dictionary:
            _ = TextEncoding.withStringBytes(column, row) { NDJSONWriter.appendString($0, to: &output) }
        case .date, .timestamp:
            output.append(0x22)
            TextEncoding.appendValue(column, row, to: &output)
            output.append(0x22)
        case .float64(let values) where !values[row].isFinite:
            output.append(contentsOf: "null".utf8)
        case .float64(let values):
            let text = TextEncoding.floatText(values[row])
            output.append(contentsOf: text.utf8)
            if !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) { output.append(contentsOf: ".0".utf8) }
        default:
            TextEncoding.appendValue(column, row, to: &output)
        }
    }

    /// A JSON string literal: `"` and `\` escaped, control characters as `\n`, `\t`, `\u00XX`; UTF-8 kept.
    static func appendString<C: Collection>(_ bytes: C, to output: inout [UInt8]) where C.Element == UInt8 {
        output.append(0x22)
        for byte in bytes {
            switch byte {
            case 0x22: output.append(contentsOf: [0x5c, 0x22])
            case 0x5c: output.append(contentsOf: [0x5c, 0x5c])
            case 0x0a: output.append(contentsOf: [0x5c, UInt8(ascii: "n")])
            case 0x0d: output.append(contentsOf: [0x5c, UInt8(ascii: "r")])
            case 0x09: output.append(contentsOf: [0x5c, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                output.append(contentsOf: [0x5c, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: output.append(byte)
            }
        }
        output.append(0x22)
    }
}
