import LumbungCore

/// `ValueParser.date` and `ValueParser.timestamp`, with the calendar arithmetic inlined (the
/// `CivilDate` calls cross a module boundary and cost a call per value in the hot loop). Same
/// formats and same results; `JSONReaderTests` checks them against `ValueParser`.
enum JSONDates {
    @inline(__always)
    private static func digits2(_ p: UnsafePointer<UInt8>) -> Int? {
        let a = p[0] &- 48
        let b = p[1] &- 48
        if a > 9 || b > 9 { return nil }
        return Int(a) * 10 + Int(b)
    }

    @inline(__always)
    private static func validDay(_ year: Int, _ month: Int, _ day: Int) -> Int32? {
        guard month >= 1, month <= 12, day >= 1 else { return nil }
        let length: Int
        switch month {
        case 2: length = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: length = 30
        default: length = 31
        }
        guard day <= length else { return nil }
        // Days since 1970-01-01 (Howard Hinnant's days_from_civil).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return Int32(truncatingIfNeeded: era * 146_097 + doe - 719_468)
    }

    /// Days since 1970-01-01: `YYYY-MM-DD`, `DD/MM/YYYY` or `DD-MM-YYYY`.
    @inline(__always)
    static func date(_ p: UnsafePointer<UInt8>, _ count: Int) -> Int32? {
        guard count == 10 else { return nil }
        if p[4] == UInt8(ascii: "-"), p[7] == UInt8(ascii: "-") {
            guard let high = digits2(p), let low = digits2(p + 2), let month = digits2(p + 5), let day = digits2(p + 8) else {
                return nil
            }
            return validDay(high * 100 + low, month, day)
        }
        if (p[2] == UInt8(ascii: "/") && p[5] == UInt8(ascii: "/")) || (p[2] == UInt8(ascii: "-") && p[5] == UInt8(ascii: "-")) {
            guard let day = digits2(p), let month = digits2(p + 3), let high = digits2(p + 6), let low = digits2(p + 8) else {
                return nil
            }
            return validDay(high * 100 + low, month, day)
        }
        return nil
    }

    /// Microseconds since the epoch, UTC: ISO 8601 as `ValueParser.timestamp` reads it.
    @inline(__always)
    static func timestamp(_ p: UnsafePointer<UInt8>, _ count: Int) -> Int64? {
        guard count >= 16, let days = date(p, 10) else { return nil }
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
}
