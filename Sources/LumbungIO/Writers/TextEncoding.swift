import LumbungCore

/// Byte-level rendering of values shared by the CSV and NDJSON writers.
enum TextEncoding {
    @inline(__always)
    static func appendASCII(_ text: String, to output: inout [UInt8]) {
        output.append(contentsOf: text.utf8)
    }

    /// Canonical text of a present value: integers, shortest round-tripping floats, `true`/`false`,
    /// ISO dates, ISO 8601 UTC timestamps; strings as their bytes.
    static func appendValue(_ column: Column, _ row: Int, to output: inout [UInt8]) {
        switch column.values {
        case .int64(let values): appendASCII(String(values[row]), to: &output)
        case .float64(let values): appendASCII(floatText(values[row]), to: &output)
        case .bool(let values): appendASCII(values[row] != 0 ? "true" : "false", to: &output)
        case .date(let values): appendASCII(CivilDate.format(days: values[row]), to: &output)
        case .timestamp(let values): appendASCII(CivilDate.formatTimestamp(micros: values[row]), to: &output)
        case .string(let strings): strings.withBytes(at: row) { output.append(contentsOf: $0) }
        case .dictionary(let codes, let dictionary): dictionary.withBytes(at: Int(codes[row])) { output.append(contentsOf: $0) }
        }
    }

    /// Shortest text that reads back as the same double (`0.1`, `1e-05`, `3`, `nan`, `inf`).
    static func floatText(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == value.rounded(.towardZero), abs(value) < 1e15 {
            return value == 0 && value.sign == .minus ? "-0.0" : String(Int64(value))
        }
        return "\(value)"
    }

    /// Bytes of a string value (or `nil` when the value is not a string column).
    static func withStringBytes<R>(_ column: Column, _ row: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R? {
        switch column.values {
        case .string(let strings): return strings.withBytes(at: row, body)
        case .dictionary(let codes, let dictionary): return dictionary.withBytes(at: Int(codes[row]), body)
        default: return nil
        }
    }
}
