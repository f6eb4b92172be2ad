/// RFC 4180 quoting of one present string field, chosen so that Lumbung's CSV reader (and DuckDB,
/// Polars, spreadsheets) read back exactly the same string.
///
/// A field is quoted when it is empty (an unquoted empty field is null), spells `NULL` or `null`
/// (read as null when unquoted), or holds the delimiter, a double quote, CR or LF. Inner quotes
/// are doubled. Anything else, UTF-8 and tabs included, is written as it is.
enum CSVQuoting {
    static func needsQuotes(_ bytes: UnsafeRawBufferPointer, delimiter: UInt8) -> Bool {
        if bytes.isEmpty { return true }
        for byte in bytes where byte == delimiter || byte == 0x22 || byte == 0x0a || byte == 0x0d {
            return true
        }
        if bytes.count == 4, bytes.elementsEqual("NULL".utf8) || bytes.elementsEqual("null".utf8) { return true }
        return false
    }

    @inline(__always)
    static func appendField(_ bytes: UnsafeRawBufferPointer, delimiter: UInt8, to buffer: ByteBuffer) {
        guard needsQuotes(bytes, delimiter: delimiter) else {
            buffer.append(bytes)
            return
        }
        buffer.reserve(bytes.count * 2 + 2)
        let out = buffer.end
        var length = 0
        out[length] = 0x22
        length += 1
        for byte in bytes {
            out[length] = byte
            length += 1
            if byte == 0x22 {
                out[length] = 0x22
                length += 1
            }
        }
        out[length] = 0x22
        buffer.advance(length + 1)
    }

    /// The field for a Swift string (for header names).
    static func appendField(_ text: String, delimiter: UInt8, to buffer: ByteBuffer) {
        var text = text
        text.withUTF8 { appendField(UnsafeRawBufferPointer($0), delimiter: delimiter, to: buffer) }
    }
}
