import LumbungCore

/// Writes tables as RFC 4180 CSV that Lumbung, DuckDB, Polars and spreadsheets read back exactly.
///
/// Nulls are empty unquoted cells; a string is quoted when it is empty, spells `NULL`/`null`, or
/// holds the delimiter, a quote, CR or LF (inner quotes doubled). Lines end with LF.
public struct CSVWriter: Sendable {
    public var delimiter: UInt8 = UInt8(ascii: ",")
    public var header: Bool = true

    public init(delimiter: UInt8 = UInt8(ascii: ","), header: Bool = true) {
        self.delimiter = delimiter
        self.header = header
    }

    public func write(_ table: Table) -> [UInt8] {
        var output: [UInt8] = []
        if header {
            for (index, name) in table.schema.names.enumerated() {
                if index > 0 { output.append(delimiter) }
                appendQuotedIfNeeded(Array(name.utf8), to: &output, forceQuote: name.isEmpty)
            }
            output.append(0x0a)
        }
        for chunk in table.chunks {
            for row in 0..<chunk.count {
                for (index, column) in chunk.columns.enumerated() {
                    if index > 0 { output.append(delimiter) }
                    if column.isNull(row) { continue }
                    if column.type == .string {
                        _ = TextEncoding.withStringBytes(column, row) { bytes in
                            appendQuotedIfNeeded(bytes, to: &output, forceQuote: false)
                        }
                    } else {
                        TextEncoding.appendValue(column, row, to: &output)
                    }
                }
                output.append(0x0a)
            }
        }
        return output
    }

    private func appendQuotedIfNeeded<C: Collection>(_ bytes: C, to output: inout [UInt8], forceQuote: Bool) where C.Element == UInt8 {
        var needsQuotes = forceQuote || bytes.isEmpty
        if !needsQuotes {
            for byte in bytes where byte == delimiter || byte == 0x22 || byte == 0x0a || byte == 0x0d {
                needsQuotes = true
                break
            }
        }
        if !needsQuotes, bytes.count == 4, bytes.elementsEqual("NULL".utf8) || bytes.elementsEqual("null".utf8) {
            needsQuotes = true
        }
        guard needsQuotes else {
            output.append(contentsOf: bytes)
            return
        }
        output.append(0x22)
        for byte in bytes {
            if byte == 0x22 { output.append(0x22) }
            output.append(byte)
        }
        output.append(0x22)
    }
}
