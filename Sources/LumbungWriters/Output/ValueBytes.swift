import LumbungCore

/// Byte-level text of single values, shared by every format: integers, shortest round-trip floats,
/// ISO dates and timestamps, JSON string literals. No `String` is made on these paths except for
/// floats (see `appendFloat`).
enum ValueBytes {
    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Decimal text of an integer (`-42`).
    @inline(__always)
    static func appendInt(_ value: Int64, to buffer: ByteBuffer) {
        buffer.reserve(20)
        let out = buffer.end
        var magnitude = value.magnitude
        var length = 0
        if value < 0 {
            out[0] = UInt8(ascii: "-")
            length = 1
        }
        var digits = 1
        var probe = magnitude
        while probe >= 10 {
            probe /= 10
            digits += 1
        }
        var position = length + digits - 1
        repeat {
            out[position] = UInt8(truncatingIfNeeded: magnitude % 10) &+ 0x30
            magnitude /= 10
            position -= 1
        } while magnitude != 0
        buffer.advance(length + digits)
    }

    /// Shortest text that reads back as the same double, as Swift prints it: `0.1`, `3.0`, `1e-05`,
    /// `1.5e+16`, `-0.0`; non-finite values as `nan`, `inf`, `-inf` (callers that cannot accept those
    /// check `isFinite` first).
    ///
    /// This is the one value that goes through a `String` (`Double.description`): the standard
    /// library has no public byte-level shortest formatter. Texts up to 15 bytes are small strings
    /// and allocate nothing.
    @inline(__always)
    static func appendFloat(_ value: Double, to buffer: ByteBuffer) {
        var text = value.description
        text.withUTF8 { buffer.append(UnsafeRawBufferPointer($0)) }
    }

    /// `YYYY-MM-DD` for days since 1970-01-01 (as `CivilDate.format`).
    @inline(__always)
    static func appendDate(_ days: Int32, to buffer: ByteBuffer) {
        let (year, month, day) = CivilDate.civil(days: Int(days))
        guard (0...9999).contains(year) else {
            buffer.append(CivilDate.format(days: days))
            return
        }
        buffer.reserve(10)
        let out = buffer.end
        writeDigits(year, 4, out)
        out[4] = UInt8(ascii: "-")
        writeDigits(month, 2, out + 5)
        out[7] = UInt8(ascii: "-")
        writeDigits(day, 2, out + 8)
        buffer.advance(10)
    }

    /// ISO 8601 in UTC, `2024-01-31T08:30:00Z`, with `.ffffff` only when the fraction is non-zero
    /// (as `CivilDate.formatTimestamp`).
    @inline(__always)
    static func appendTimestamp(_ micros: Int64, to buffer: ByteBuffer) {
        let perDay: Int64 = 86_400_000_000
        var day = micros / perDay
        var rest = micros % perDay
        if rest < 0 {
            rest += perDay
            day -= 1
        }
        guard day >= Int64(Int32.min), day <= Int64(Int32.max) else {
            buffer.append(CivilDate.formatTimestamp(micros: micros))
            return
        }
        let (year, _, _) = CivilDate.civil(days: Int(day))
        guard (0...9999).contains(year) else {
            buffer.append(CivilDate.formatTimestamp(micros: micros))
            return
        }
        appendDate(Int32(day), to: buffer)
        let seconds = Int(rest / 1_000_000)
        let fraction = Int(rest % 1_000_000)
        buffer.reserve(17)
        let out = buffer.end
        out[0] = UInt8(ascii: "T")
        writeDigits(seconds / 3600, 2, out + 1)
        out[3] = UInt8(ascii: ":")
        writeDigits(seconds / 60 % 60, 2, out + 4)
        out[6] = UInt8(ascii: ":")
        writeDigits(seconds % 60, 2, out + 7)
        var length = 9
        if fraction != 0 {
            out[9] = UInt8(ascii: ".")
            writeDigits(fraction, 6, out + 10)
            length = 16
        }
        out[length] = UInt8(ascii: "Z")
        buffer.advance(length + 1)
    }

    @inline(__always)
    private static func writeDigits(_ value: Int, _ width: Int, _ out: UnsafeMutablePointer<UInt8>) {
        var rest = value
        var position = width - 1
        while position >= 0 {
            out[position] = UInt8(truncatingIfNeeded: rest % 10) &+ 0x30
            rest /= 10
            position -= 1
        }
    }

    /// Whether `byte` must be escaped inside a JSON string.
    @inline(__always)
    static func needsJSONEscape(_ byte: UInt8) -> Bool { byte < 0x20 || byte == 0x22 || byte == 0x5c }

    /// A JSON string literal (RFC 8259): `"` and `\` escaped, LF/CR/tab as `\n` `\r` `\t`, every
    /// other control character as `\u00XX`; all other bytes (UTF-8 included) copied as they are.
    static func appendJSONString(_ bytes: UnsafeRawBufferPointer, to buffer: ByteBuffer) {
        var clean = true
        for byte in bytes where needsJSONEscape(byte) {
            clean = false
            break
        }
        buffer.reserve(bytes.count + 2)
        if clean {
            buffer.end[0] = 0x22
            buffer.advance(1)
            buffer.append(bytes)
            buffer.end[0] = 0x22
            buffer.advance(1)
            return
        }
        buffer.reserve(bytes.count * 6 + 2)
        let out = buffer.end
        var length = 0
        out[length] = 0x22
        length += 1
        for byte in bytes {
            if !needsJSONEscape(byte) {
                out[length] = byte
                length += 1
                continue
            }
            out[length] = 0x5c
            switch byte {
            case 0x22, 0x5c:
                out[length + 1] = byte
                length += 2
            case 0x0a:
                out[length + 1] = UInt8(ascii: "n")
                length += 2
            case 0x0d:
                out[length + 1] = UInt8(ascii: "r")
                length += 2
            case 0x09:
                out[length + 1] = UInt8(ascii: "t")
                length += 2
            default:
                out[length + 1] = UInt8(ascii: "u")
                out[length + 2] = 0x30
                out[length + 3] = 0x30
                out[length + 4] = hexDigits[Int(byte >> 4)]
                out[length + 5] = hexDigits[Int(byte & 15)]
                length += 6
            }
        }
        out[length] = 0x22
        buffer.advance(length + 1)
    }

    /// A JSON string literal of a Swift string (for keys).
    static func jsonString(_ text: String) -> [UInt8] {
        let buffer = ByteBuffer(capacity: text.utf8.count + 8)
        var text = text
        text.withUTF8 { appendJSONString(UnsafeRawBufferPointer($0), to: buffer) }
        return Array(buffer.bytes)
    }
}
