import LumbungCore

/// A calendar period written `@2024`, `@2024-Q1` or `@2024-03`: `tanggal in @2024-Q1`.
public struct Period: Sendable, Hashable, CustomStringConvertible {
    public enum Unit: Sendable, Hashable {
        case year
        /// 1...4
        case quarter(Int)
        /// 1...12
        case month(Int)
    }

    public var year: Int
    public var unit: Unit

    public init(year: Int, unit: Unit) {
        self.year = year
        self.unit = unit
    }

    /// First day of the period, in days since 1970-01-01.
    public var firstDay: Int32 {
        switch unit {
        case .year: return Int32(CivilDate.days(year: year, month: 1, day: 1))
        case .quarter(let q): return Int32(CivilDate.days(year: year, month: 3 * q - 2, day: 1))
        case .month(let m): return Int32(CivilDate.days(year: year, month: m, day: 1))
        }
    }

    /// The day after the period ends (the range is `firstDay ..< endDay`).
    public var endDay: Int32 {
        switch unit {
        case .year: return Int32(CivilDate.days(year: year + 1, month: 1, day: 1))
        case .quarter(let q):
            return q == 4 ? Int32(CivilDate.days(year: year + 1, month: 1, day: 1))
                : Int32(CivilDate.days(year: year, month: 3 * q + 1, day: 1))
        case .month(let m):
            return m == 12 ? Int32(CivilDate.days(year: year + 1, month: 1, day: 1))
                : Int32(CivilDate.days(year: year, month: m + 1, day: 1))
        }
    }

    /// `@2024`, `@2024-Q1`, `@2024-03`.
    public var description: String {
        let digits = String(year)
        let y = String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        switch unit {
        case .year: return "@" + y
        case .quarter(let q): return "@\(y)-Q\(q)"
        case .month(let m): return "@\(y)-" + (m < 10 ? "0\(m)" : "\(m)")
        }
    }
}

/// The value of an `@…` literal.
public enum TemporalLiteral: Sendable, Hashable {
    /// Days since 1970-01-01.
    case date(Int32)
    /// Microseconds since the Unix epoch, UTC.
    case timestamp(Int64)
    case period(Period)

    /// Parses `@YYYY-MM-DD`, `@YYYY-MM-DDTHH:MM[:SS[.ffffff]][Z]`, `@YYYY`, `@YYYY-Qn`, `@YYYY-MM`;
    /// nil when the text is none of these or names no real day or time.
    public static func parse(_ text: String) -> TemporalLiteral? {
        let b = Array(text.utf8)
        guard b.count >= 5, b[0] == UInt8(ascii: "@") else { return nil }
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var value = 0
            for index in from..<(from + count) {
                guard b[index].isDigit else { return nil }
                value = value * 10 + Int(b[index] - 0x30)
            }
            return value
        }
        guard let year = number(1, 4) else { return nil }
        if b.count == 5 { return .period(Period(year: year, unit: .year)) }
        guard b[5] == UInt8(ascii: "-") else { return nil }
        if b.count == 8, b[6] == UInt8(ascii: "Q") || b[6] == UInt8(ascii: "q"), let q = number(7, 1), (1...4).contains(q) {
            return .period(Period(year: year, unit: .quarter(q)))
        }
        guard let month = number(6, 2), (1...12).contains(month) else { return nil }
        if b.count == 8 { return .period(Period(year: year, unit: .month(month))) }
        guard b.count >= 11, b[8] == UInt8(ascii: "-"), let day = number(9, 2),
            day >= 1, day <= CivilDate.daysInMonth(year: year, month: month)
        else { return nil }
        let days = CivilDate.days(year: year, month: month, day: day)
        if b.count == 11 { return .date(Int32(days)) }
        guard b[11] == UInt8(ascii: "T") || b[11] == UInt8(ascii: "t"), let hour = number(12, 2), hour < 24,
            b.count >= 17, b[14] == UInt8(ascii: ":"), let minute = number(15, 2), minute < 60
        else { return nil }
        var index = 17
        var second = 0
        var micros = 0
        if index < b.count, b[index] == UInt8(ascii: ":") {
            guard let s = number(index + 1, 2), s < 60 else { return nil }
            second = s
            index += 3
            if index < b.count, b[index] == UInt8(ascii: ".") {
                index += 1
                var digits = 0
                while index < b.count, b[index].isDigit {
                    guard digits < 6 else { return nil }
                    micros = micros * 10 + Int(b[index] - 0x30)
                    digits += 1
                    index += 1
                }
                guard digits > 0 else { return nil }
                for _ in digits..<6 { micros *= 10 }
            }
        }
        if index < b.count, b[index] == UInt8(ascii: "Z") || b[index] == UInt8(ascii: "z") { index += 1 }
        guard index == b.count else { return nil }
        let total = ((Int64(days) * 24 + Int64(hour)) * 60 + Int64(minute)) * 60 + Int64(second)
        return .timestamp(total * 1_000_000 + Int64(micros))
    }
}
