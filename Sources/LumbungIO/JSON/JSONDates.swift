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

    /// Cumulative days before each month (March-based years are not needed: leap days are added
    /// separately).
    private static let daysBeforeMonth: [Int32] = [0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334]

    @inline(__always)
    private static func validDay(_ year: Int, _ month: Int, _ day: Int) -> Int32? {
        guard month &- 1 < 12, month >= 1, day >= 1 else { return nil }
        let leap = year & 3 == 0 && (year % 100 != 0 || year % 400 == 0)
        let length: Int
        switch month {
        case 2: length = leap ? 29 : 28
        case 4, 6, 9, 11: length = 30
        default: length = 31
        }
        guard day <= length else { return nil }
        // Days since 1970-01-01, for years 0...9999: whole years (with their leap days) before
        // this one, then the months and days of this one.
        let y = year &- 1
        let yearDays = year &* 365 &+ (y >= 0 ? y / 4 &- y / 100 &+ y / 400 &+ 1 : 0)
        let before = Int(daysBeforeMonth[month]) &+ (leap && month > 2 ? 1 : 0)
        return Int32(truncatingIfNeeded: yearDays &+ before &+ day &- 1 &- 719_528)
    }

    /// Days since 1970-01-01: `YYYY-MM-DD`, `DD/MM/YYYY` or `DD-MM-YYYY`. A byte minus `'0'` is a
    /// digit exactly when `(x + 6) | x` has a clear high nibble, so all digits are checked at once.
    @inline(__always)
    static func date(_ p: UnsafePointer<UInt8>, _ count: Int) -> Int32? {
        guard count == 10 else { return nil }
        let a = p[0] &- 48, b = p[1] &- 48, c = p[2] &- 48, d = p[3] &- 48
        let e = p[5] &- 48, f = p[6] &- 48, g = p[8] &- 48, h = p[9] &- 48
        if p[4] == UInt8(ascii: "-"), p[7] == UInt8(ascii: "-") {
            var bad = (a &+ 6) | a | (b &+ 6) | b | (c &+ 6) | c | (d &+ 6) | d
            bad |= (e &+ 6) | e | (f &+ 6) | f | (g &+ 6) | g | (h &+ 6) | h
            guard bad & 0xF0 == 0 else { return nil }
            return validDay(Int(a) * 1000 + Int(b) * 100 + Int(c) * 10 + Int(d), Int(e) * 10 + Int(f), Int(g) * 10 + Int(h))
        }
        let separator = p[2]
        if (separator == UInt8(ascii: "/") || separator == UInt8(ascii: "-")) && p[5] == separator {
            let m0 = p[3] &- 48, m1 = p[4] &- 48, y0 = p[6] &- 48, y1 = p[7] &- 48
            var bad = (a &+ 6) | a | (b &+ 6) | b | (m0 &+ 6) | m0 | (m1 &+ 6) | m1
            bad |= (y0 &+ 6) | y0 | (y1 &+ 6) | y1 | (g &+ 6) | g | (h &+ 6) | h
            guard bad & 0xF0 == 0 else { return nil }
            return validDay(Int(y0) * 1000 + Int(y1) * 100 + Int(g) * 10 + Int(h), Int(m0) * 10 + Int(m1), Int(a) * 10 + Int(b))
        }
        return nil
    }

    /// Microseconds since the epoch, UTC: ISO 8601 as `ValueParser.timestamp` reads it.
    @inline(__always)
    static func timestamp(_ p: UnsafePointer<UInt8>, _ count: Int) -> Int64? {
        guard count >= 16, let days = date(p, 10) else { return nil }
        return timestamp(p, count, days: days)
    }

    /// `timestamp(p, count)` of text whose first 10 bytes are the date `days` (already parsed).
    @inline(__always)
    static func timestamp(_ p: UnsafePointer<UInt8>, _ count: Int, days: Int32) -> Int64? {
        guard count >= 16 else { return nil }
        guard p[10] == UInt8(ascii: "T") || p[10] == UInt8(ascii: " ") else { return nil }
        if count >= 19, let clock = clock(p + 11) {
            // The usual shapes, whole seconds with `Z`, `±HH:MM` or no offset: the same checks
            // and the same result as below, the time of day from one word.
            var offsetSeconds = 0
            if count == 25 && (p[19] == UInt8(ascii: "+") || p[19] == UInt8(ascii: "-")) && p[22] == UInt8(ascii: ":") {
                guard let offHour = digits2(p + 20), let offMinute = digits2(p + 23), offHour <= 18, offMinute <= 59 else { return nil }
                offsetSeconds = (offHour * 3600 + offMinute * 60) * (p[19] == UInt8(ascii: "-") ? -1 : 1)
            } else if !(count == 19 || (count == 20 && (p[19] == UInt8(ascii: "Z") || p[19] == UInt8(ascii: "z")))) {
                return general(p, count, days: days)
            }
            return (Int64(days) * 86_400 + Int64(clock - offsetSeconds)) * 1_000_000
        }
        return general(p, count, days: days)
    }

    /// Seconds after midnight of `HH:MM:SS` at `p[0..<8]` (hour up to 23, minute up to 59, second
    /// up to 60), or `nil`: the two colons are checked with one mask, the six digits at once (a
    /// byte minus `'0'` is a digit exactly when neither it nor it plus 0x76 has its high bit set).
    @inline(__always)
    private static func clock(_ p: UnsafePointer<UInt8>) -> Int? {
        let w = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
        guard w & 0x0000_FF00_00FF_0000 == 0x0000_3A00_003A_0000 else { return nil }
        let d = w &- 0x3030_0030_3000_3030
        guard ((d &+ 0x7676_0076_7600_7676) | d) & 0x8080_0080_8000_8080 == 0 else { return nil }
        let hour = Int(d & 0xFF) * 10 + Int((d >> 8) & 0xFF)
        let minute = Int((d >> 24) & 0xFF) * 10 + Int((d >> 32) & 0xFF)
        let second = Int((d >> 48) & 0xFF) * 10 + Int((d >> 56) & 0xFF)
        guard hour <= 23, minute <= 59, second <= 60 else { return nil }
        return hour * 3600 + minute * 60 + second
    }

    /// `timestamp(p, count, days:)` of any shape it takes, after the date and its `T` or space.
    private static func general(_ p: UnsafePointer<UInt8>, _ count: Int, days: Int32) -> Int64? {
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
