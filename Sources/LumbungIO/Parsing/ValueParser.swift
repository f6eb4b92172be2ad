import LumbungCore

#if canImport(Glibc)
import Glibc
#endif

/// Parsers from raw UTF-8 bytes to typed values. No `String` is made on the fast paths.
///
/// Every function takes a pointer and a length and returns `nil` when the text is not a value of
/// that type.
public enum ValueParser {
    private static let exactPowers: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// A decimal integer with an optional sign that fits in 64 bits.
    @inline(__always)
    public static func int64(_ p: UnsafePointer<UInt8>, _ count: Int) -> Int64? {
        guard count > 0 else { return nil }
        var index = 0
        var negative = false
        if p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+") {
            negative = p[0] == UInt8(ascii: "-")
            index = 1
            guard count > 1 else { return nil }
        }
        if count - index <= 18 {
            var value: Int64 = 0
            while index < count {
                let digit = p[index] &- 48
                if digit > 9 { return nil }
                value = value &* 10 &+ Int64(digit)
                index += 1
            }
            return negative ? -value : value
        }
        // 19+ digits: check overflow (accumulate negatively so Int64.min fits).
        var value: Int64 = 0
        while index < count {
            let digit = p[index] &- 48
            if digit > 9 { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.subtractingReportingOverflow(Int64(digit))
            if o1 || o2 { return nil }
            value = next
            index += 1
        }
        if negative { return value }
        return value == .min ? nil : -value
    }

    /// Whether the text is an integer literal too long for Int64 (digits only, optional sign).
    public static func isOverlongInteger(_ p: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var index = (count > 0 && (p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+"))) ? 1 : 0
        guard index < count else { return false }
        while index < count {
            if p[index] &- 48 > 9 { return false }
            index += 1
        }
        return int64(p, count) == nil
    }

    /// A decimal number: `-12.5`, `3`, `1e-3`, `.5`. `decimalSeparator` is `.` or `,` (Indonesian
    /// Excel exports write `12,5`). Exact (correctly rounded) on every input: a fast path for
    /// mantissas below 2^53 and small exponents, `strtod` otherwise.
    @inline(__always)
    public static func double(_ p: UnsafePointer<UInt8>, _ count: Int, decimalSeparator: UInt8 = UInt8(ascii: ".")) -> Double? {
        guard count > 0 else { return nil }
        var index = 0
        var negative = false
        if p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+") {
            negative = p[0] == UInt8(ascii: "-")
            index = 1
        }
        var mantissa: UInt64 = 0
        var significant = 0
        var exponent = 0
        var sawDigit = false
        var truncated = false
        while index < count, p[index] &- 48 <= 9 {
            sawDigit = true
            if significant < 19 {
                mantissa = mantissa &* 10 &+ UInt64(p[index] &- 48)
                if mantissa != 0 { significant += 1 }
            } else {
                exponent += 1
                if p[index] != 48 { truncated = true }
            }
            index += 1
        }
        if index < count, p[index] == decimalSeparator {
            index += 1
            while index < count, p[index] &- 48 <= 9 {
                sawDigit = true
                if significant < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(p[index] &- 48)
                    if mantissa != 0 { significant += 1 }
                    exponent -= 1
                } else if p[index] != 48 {
                    truncated = true
                }
                    index += 1
            }
        }
        guard sawDigit else { return special(p + index, count - index, negative: negative) }
        var explicitExponent = 0
        if index < count, p[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            var expNegative = false
            if index < count, p[index] == UInt8(ascii: "-") || p[index] == UInt8(ascii: "+") {
                expNegative = p[index] == UInt8(ascii: "-")
                index += 1
            }
            guard index < count else { return nil }
            while index < count {
                let digit = p[index] &- 48
                if digit > 9 { return nil }
                if explicitExponent < 100_000 { explicitExponent = explicitExponent * 10 + Int(digit) }
                index += 1
            }
            if expNegative { explicitExponent = -explicitExponent }
        }
        guard index == count else { return nil }
        let totalExponent = exponent + explicitExponent
        if !truncated, mantissa < (1 << 53), totalExponent >= -22, totalExponent <= 22 {
            var value = Double(mantissa)
            value = totalExponent < 0 ? value / exactPowers[-totalExponent] : value * exactPowers[totalExponent]
            return negative ? -value : value
        }
        return slowDouble(p, count, decimalSeparator: decimalSeparator)
    }

    /// `nan`, `inf` and `infinity` in any letter case (as DuckDB and Polars write them).
    private static func special(_ p: UnsafePointer<UInt8>, _ count: Int, negative: Bool) -> Double? {
        guard count == 3 || count == 8 else { return nil }
        var lower = [UInt8](repeating: 0, count: count)
        for index in 0..<count { lower[index] = p[index] | 0x20 }
        if lower.elementsEqual("nan".utf8) { return .nan }
        if lower.elementsEqual("inf".utf8) || lower.elementsEqual("infinity".utf8) { return negative ? -.infinity : .infinity }
        return nil
    }

    private static func slowDouble(_ p: UnsafePointer<UInt8>, _ count: Int, decimalSeparator: UInt8) -> Double? {
        var buffer = [CChar](repeating: 0, count: count + 1)
        for index in 0..<count {
            let byte = p[index]
            buffer[index] = CChar(bitPattern: byte == decimalSeparator ? UInt8(ascii: ".") : byte)
        }
        return buffer.withUnsafeMutableBufferPointer { cs -> Double? in
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(cs.baseAddress!, &end)
            guard let end, end - cs.baseAddress! == count else { return nil }
            return value
        }
    }

    /// `true`/`false` in any letter case.
    @inline(__always)
    public static func bool(_ p: UnsafePointer<UInt8>, _ count: Int) -> Bool? {
        if count == 4, p[0] | 0x20 == 0x74, p[1] | 0x20 == 0x72, p[2] | 0x20 == 0x75, p[3] | 0x20 == 0x65 { return true }
        if count == 5, p[0] | 0x20 == 0x66, p[1] | 0x20 == 0x61, p[2] | 0x20 == 0x6c, p[3] | 0x20 == 0x73,
            p[4] | 0x20 == 0x65
        {
            return false
        }
        return nil
    }

    @inline(__always)
    private static func digits2(_ p: UnsafePointer<UInt8>) -> Int? {
        let a = p[0] &- 48
        let b = p[1] &- 48
        if a > 9 || b > 9 { return nil }
        return Int(a) * 10 + Int(b)
    }

    @inline(__always)
    private static func digits4(_ p: UnsafePointer<UInt8>) -> Int? {
        guard let high = digits2(p), let low = digits2(p + 2) else { return nil }
        return high * 100 + low
    }

    @inline(__always)
    private static func validDay(_ year: Int, _ month: Int, _ day: Int) -> Int32? {
        guard month >= 1, month <= 12, day >= 1, day <= CivilDate.daysInMonth(year: year, month: month) else { return nil }
        return Int32(CivilDate.days(year: year, month: month, day: day))
    }

    /// A date, as days since 1970-01-01: `YYYY-MM-DD`, or Indonesian `DD/MM/YYYY` and `DD-MM-YYYY`.
    @inline(__always)
    public static func date(_ p: UnsafePointer<UInt8>, _ count: Int) -> Int32? {
        guard count == 10 else { return nil }
        if p[4] == UInt8(ascii: "-"), p[7] == UInt8(ascii: "-") {
            guard let year = digits4(p), let month = digits2(p + 5), let day = digits2(p + 8) else { return nil }
            return validDay(year, month, day)
        }
        if (p[2] == UInt8(ascii: "/") && p[5] == UInt8(ascii: "/")) || (p[2] == UInt8(ascii: "-") && p[5] == UInt8(ascii: "-")) {
            guard let day = digits2(p), let month = digits2(p + 3), let year = digits4(p + 6) else { return nil }
            return validDay(year, month, day)
        }
        return nil
    }

    /// An ISO 8601 timestamp as microseconds since the epoch, UTC: `2024-01-31T08:30:00`,
    /// `2024-01-31 08:30`, fractions up to microseconds, and `Z`, `+07:00`, `+0700` or `+07`.
    /// A timestamp without an offset is taken as UTC.
    @inline(__always)
    public static func timestamp(_ p: UnsafePointer<UInt8>, _ count: Int) -> Int64? {
        var cache = DateCache()
        return timestamp(p, count, cache: &cache)
    }

    /// The last date a column parsed: exports are usually in date order, so consecutive values
    /// often share their date, and its parse and calendar arithmetic are skipped. The CSV and the
    /// JSON readers each keep one per date or timestamp column.
    public struct DateCache {
        private var text: (UInt64, UInt16) = (0, 0)
        private var days: Int32 = 0
        private var filled = false

        public init() {}

        /// The days of the date in `p[0..<10]` as `parse` reads it, from the cache when the bytes
        /// repeat the last date parsed.
        @inline(__always)
        public mutating func days(_ p: UnsafePointer<UInt8>, _ parse: (UnsafePointer<UInt8>) -> Int32?) -> Int32? {
            let raw = UnsafeRawPointer(p)
            let bytes = (raw.loadUnaligned(as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self))
            if filled && text == bytes { return days }
            guard let parsed = parse(p) else { return nil }
            text = bytes
            days = parsed
            filled = true
            return parsed
        }
    }

    /// `date(p, 10)` through `cache`.
    @inline(__always)
    public static func date(_ p: UnsafePointer<UInt8>, cache: inout DateCache) -> Int32? {
        cache.days(p) { date($0, 10) }
    }

    /// `timestamp(p, count)`, its date through `cache`.
    @inline(__always)
    public static func timestamp(_ p: UnsafePointer<UInt8>, _ count: Int, cache: inout DateCache) -> Int64? {
        guard count >= 16, let days = date(p, cache: &cache) else { return nil }
        guard p[10] == UInt8(ascii: "T") || p[10] == UInt8(ascii: " ") else { return nil }
        guard let hour = digits2(p + 11), p[13] == UInt8(ascii: ":"), let minute = digits2(p + 14) else { return nil }
        var index = 16
        var second = 0
        var micros = 0
        if index < count, p[index] == UInt8(ascii: ":") {
            guard index + 3 <= count, let s = digits2(p + index + 1) else { return nil }
            second = s
            index += 3
            if index < count, p[index] == UInt8(ascii: ".") || p[index] == UInt8(ascii: ",") {
                index += 1
                var scale = 100_000
                let start = index
                while index < count, p[index] &- 48 <= 9 {
                    micros += Int(p[index] &- 48) * scale
                    scale /= 10
                    index += 1
                }
                if index == start { return nil }
            }
        }
        guard hour <= 23, minute <= 59, second <= 60 else { return nil }
        var offsetSeconds = 0
        if index < count {
            let sign = p[index]
            if sign == UInt8(ascii: "Z") || sign == UInt8(ascii: "z") {
                index += 1
            } else if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                guard index + 3 <= count, let offHour = digits2(p + index + 1) else { return nil }
                index += 3
                var offMinute = 0
                if index < count, p[index] == UInt8(ascii: ":") {
                    guard index + 3 <= count, let m = digits2(p + index + 1) else { return nil }
                    offMinute = m
                    index += 3
                } else if index + 2 <= count, let m = digits2(p + index) {
                    offMinute = m
                    index += 2
                }
                guard offHour <= 18, offMinute <= 59 else { return nil }
                offsetSeconds = (offHour * 3600 + offMinute * 60) * (sign == UInt8(ascii: "-") ? -1 : 1)
            } else {
                return nil
            }
        }
        guard index == count else { return nil }
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetSeconds)
        return seconds * 1_000_000 + Int64(micros)
    }

    /// Whether the bytes spell a null marker: exactly `NULL` or `null` (an empty cell is null too).
    @inline(__always)
    public static func isNullMarker(_ p: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        guard count == 4 else { return false }
        if p[0] == 0x4e { return p[1] == 0x55 && p[2] == 0x4c && p[3] == 0x4c }
        if p[0] == 0x6e { return p[1] == 0x75 && p[2] == 0x6c && p[3] == 0x6c }
        return false
    }
}

extension ValueParser {
    /// Convenience for tests and small inputs.
    public static func parse<T>(_ text: String, _ body: (UnsafePointer<UInt8>, Int) -> T?) -> T? {
        var text = text
        return text.withUTF8 { buffer in
            guard let base = buffer.baseAddress else {
                var zero: UInt8 = 0
                return body(&zero, 0)
            }
            return body(base, buffer.count)
        }
    }
}
