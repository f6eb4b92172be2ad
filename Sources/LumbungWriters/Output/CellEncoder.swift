import LumbungCore

/// Encodes the cells of one column, a run of rows at a time, in a machine format's value syntax.
///
/// Dictionary-encoded strings are encoded once per dictionary entry (per chunk), then copied per row.
struct CellEncoder {
    /// The value syntax of a machine format.
    enum Dialect {
        /// RFC 4180: nulls empty, strings quoted when needed, non-finite floats `nan`/`inf`/`-inf`.
        case csv(delimiter: UInt8)
        /// RFC 8259: nulls `null`, strings escaped, dates and timestamps as strings, non-finite floats `null`.
        case json
    }

    let dialect: Dialect
    let column: Column
    /// The dictionary's entries, encoded (dictionary columns only).
    private let dictionaryCells: CellBatch?

    init(dialect: Dialect, column: Column) {
        self.dialect = dialect
        self.column = column
        if case .dictionary(_, let dictionary) = column.values {
            let cells = CellBatch(maxRows: dictionary.count, byteCapacity: dictionary.bytes.count * 2 + 64)
            for index in 0..<dictionary.count {
                dictionary.withBytes(at: index) { CellEncoder.appendString($0, dialect: dialect, to: cells.buffer) }
                cells.endCell()
            }
            dictionaryCells = cells
        } else {
            dictionaryCells = nil
        }
    }

    /// Appends the cells of `rows` to `batch` (one `endCell` per row).
    func encode(rows: Range<Int>, into batch: CellBatch) {
        let buffer = batch.buffer
        let validity = column.validity
        let isJSON: Bool
        if case .json = dialect { isJSON = true } else { isJSON = false }
        let nullText: StaticString = isJSON ? "null" : ""

        @inline(__always) func appendNull() {
            buffer.append(UnsafeRawBufferPointer(start: nullText.utf8Start, count: nullText.utf8CodeUnitCount))
        }

        switch column.values {
        case .int64(let values):
            values.withUnsafeBufferPointer { values in
                for row in rows {
                    if let validity, !validity[row] {
                        appendNull()
                    } else {
                        ValueBytes.appendInt(values[row], to: buffer)
                    }
                    batch.endCell()
                }
            }
        case .float64(let values):
            values.withUnsafeBufferPointer { values in
                for row in rows {
                    let value = values[row]
                    if let validity, !validity[row] {
                        appendNull()
                    } else if isJSON, !value.isFinite {
                        appendNull()
                    } else {
                        ValueBytes.appendFloat(value, to: buffer)
                    }
                    batch.endCell()
                }
            }
        case .bool(let values):
            values.withUnsafeBufferPointer { values in
                for row in rows {
                    if let validity, !validity[row] {
                        appendNull()
                    } else {
                        let text: StaticString = values[row] != 0 ? "true" : "false"
                        buffer.append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
                    }
                    batch.endCell()
                }
            }
        case .string(let strings):
            strings.bytes.withUnsafeBytes { bytes in
                strings.offsets.withUnsafeBufferPointer { offsets in
                    for row in rows {
                        if let validity, !validity[row] {
                            appendNull()
                        } else {
                            let start = Int(offsets[row])
                            let value = UnsafeRawBufferPointer(rebasing: bytes[start..<Int(offsets[row + 1])])
                            CellEncoder.appendString(value, dialect: dialect, to: buffer)
                        }
                        batch.endCell()
                    }
                }
            }
        case .dictionary(let codes, _):
            guard let dictionaryCells else { return }
            codes.withUnsafeBufferPointer { codes in
                for row in rows {
                    if let validity, !validity[row] {
                        appendNull()
                    } else {
                        buffer.append(dictionaryCells.cell(Int(codes[row])))
                    }
                    batch.endCell()
                }
            }
        case .date(let values):
            values.withUnsafeBufferPointer { values in
                for row in rows {
                    if let validity, !validity[row] {
                        appendNull()
                    } else if isJSON {
                        buffer.append(0x22)
                        ValueBytes.appendDate(values[row], to: buffer)
                        buffer.append(0x22)
                    } else {
                        ValueBytes.appendDate(values[row], to: buffer)
                    }
                    batch.endCell()
                }
            }
        case .timestamp(let values):
            values.withUnsafeBufferPointer { values in
                for row in rows {
                    if let validity, !validity[row] {
                        appendNull()
                    } else if isJSON {
                        buffer.append(0x22)
                        ValueBytes.appendTimestamp(values[row], to: buffer)
                        buffer.append(0x22)
                    } else {
                        ValueBytes.appendTimestamp(values[row], to: buffer)
                    }
                    batch.endCell()
                }
            }
        }
    }

    /// A present string value in the dialect's syntax.
    @inline(__always)
    static func appendString(_ bytes: UnsafeRawBufferPointer, dialect: Dialect, to buffer: ByteBuffer) {
        switch dialect {
        case .json: ValueBytes.appendJSONString(bytes, to: buffer)
        case .csv(let delimiter): CSVQuoting.appendField(bytes, delimiter: delimiter, to: buffer)
        }
    }
}
