// Dates as day numbers (days since 1970-01-01) and the working-day calendar (hari kerja:
// Monday-Friday without national holidays and cuti bersama, from kalender.json).
import LumbungCore

enum Civil {
    /// "No date" in Int32 day fields.
    static let none: Int32 = Int32.min

    @inline(__always)
    static func day(_ year: Int, _ month: Int, _ day: Int) -> Int { CivilDate.days(year: year, month: month, day: day) }

    @inline(__always)
    static func civil(_ day: Int) -> (year: Int, month: Int, day: Int) { CivilDate.civil(days: day) }

    @inline(__always)
    static func year(_ day: Int) -> Int { civil(day).year }

    /// 0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday).
    @inline(__always)
    static func weekday(_ day: Int) -> Int { ((day + 4) % 7 + 7) % 7 }

    /// The same calendar date `years` later (29 February → 28 February).
    static func addYears(_ day: Int, _ years: Int) -> Int {
        let (y, m, d) = civil(day)
        return Civil.day(y + years, m, min(d, CivilDate.daysInMonth(year: y + years, month: m)))
    }

    /// The same day of the month `months` later, clamped to the month's length.
    static func addMonths(_ day: Int, _ months: Int) -> Int {
        let (y, m, d) = civil(day)
        let total = y * 12 + (m - 1) + months
        let ny = total / 12, nm = total % 12 + 1
        return Civil.day(ny, nm, min(d, CivilDate.daysInMonth(year: ny, month: nm)))
    }

    static func firstOfMonth(_ day: Int) -> Int {
        let (y, m, _) = civil(day)
        return Civil.day(y, m, 1)
    }

    /// The first day of a month on or after `day`.
    static func firstOfMonthOnOrAfter(_ day: Int) -> Int {
        let first = firstOfMonth(day)
        return first == day ? day : addMonths(first, 1)
    }

    /// The first day of the month after `day`'s month.
    static func firstOfNextMonth(_ day: Int) -> Int { addMonths(firstOfMonth(day), 1) }

    /// Whole years from `from` to `to` (an age).
    static func years(from: Int, to: Int) -> Int {
        let a = civil(from), b = civil(to)
        var years = b.year - a.year
        if (b.month, b.day) < (a.month, a.day) { years -= 1 }
        return years
    }

    /// `YYYY-MM-DD` → day number.
    static func parse(_ text: String) -> Int? {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), d >= 1, d <= CivilDate.daysInMonth(year: y, month: m) else { return nil }
        return day(y, m, d)
    }

    /// `YYYY-MM-DD`.
    static func format(_ day: Int) -> String { CivilDate.format(days: Int32(day)) }
}

/// Working days over a range of dates.
final class WorkCalendar: @unchecked Sendable {
    let firstDay: Int
    let lastDay: Int
    /// Kind of each day: 0 working day, 1 Saturday, 2 Sunday, 3 holiday on a weekday.
    private let kinds: [UInt8]
    /// Number of working days on or before each day of the range.
    private let rank: [Int32]
    /// The working days, in order.
    private let workingDays: [Int32]

    init(firstDay: Int, lastDay: Int, holidays: Set<Int>) {
        self.firstDay = firstDay
        self.lastDay = lastDay
        var kinds: [UInt8] = [], rank: [Int32] = [], working: [Int32] = []
        kinds.reserveCapacity(lastDay - firstDay + 1)
        for day in firstDay...lastDay {
            let w = Civil.weekday(day)
            let kind: UInt8 = w == 6 ? 1 : w == 0 ? 2 : holidays.contains(day) ? 3 : 0
            kinds.append(kind)
            if kind == 0 { working.append(Int32(day)) }
            rank.append(Int32(working.count))
        }
        self.kinds = kinds
        self.rank = rank
        workingDays = working
    }

    @inline(__always)
    func kind(_ day: Int) -> UInt8 { kinds[day - firstDay] }

    @inline(__always)
    func isWorkingDay(_ day: Int) -> Bool { kinds[day - firstDay] == 0 }

    /// The `n`-th working day after `day` (n ≥ 1); `day` itself for n = 0.
    func addWorkingDays(_ day: Int, _ n: Int) -> Int {
        if n <= 0 { return day }
        let r = Int(rank[day - firstDay])  // working days ≤ day
        let target = r + n - 1
        if target < workingDays.count { return Int(workingDays[target]) }
        // Past the table: count plain weekdays.
        var d = Int(workingDays.last ?? Int32(day)), left = target - workingDays.count + 1
        while left > 0 { d += 1; let w = Civil.weekday(d); if w != 0 && w != 6 { left -= 1 } }
        return d
    }

    /// Working days in (from, to]: the hari-kerja duration from `from` to `to`.
    func workingDaysBetween(_ from: Int, _ to: Int) -> Int {
        if to <= from { return 0 }
        return Int(rank[min(to, lastDay) - firstDay] - rank[from - firstDay])
    }
}
