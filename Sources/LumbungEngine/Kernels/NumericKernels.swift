import Foundation
import LumbungCore

/// `abs`, `round`, `floor`, `ceil`. Integers stay integers; `round` rounds half away from zero.
enum NumericKernels {
    static func evaluate(_ function: ScalarFunction, _ arguments: [Datum], type: DataType, count: Int, mask: Bitmap?)
        throws -> Datum
    {
        if arguments.contains(where: \.isNullScalar) { return .scalar(.null) }
        let input = arguments[0].materialize(type, count: count)
        var validity = input.validity
        let digits: Operand<Int64>?
        var digitsStorage: [Int64] = []
        if arguments.count > 1 {
            switch arguments[1] {
            case .scalar(let value): digits = .scalar(value.int64Payload ?? 0)
            case .column(let column):
                digitsStorage = column.values.int64Array!
                validity = intersectValidity(validity, column.validity)
                digits = nil
            }
        } else {
            digits = .scalar(0)
        }
        @inline(__always) func digitsAt(_ row: Int) -> Int64 {
            if let digits { return digits[row] }
            return digitsStorage[row]
        }
        switch input.values {
        case .int64(let values):
            var result = values
            switch function {
            case .abs:
                var overflow = false
                for row in 0..<count {
                    if values[row] == .min { overflow = true } else { result[row] = Swift.abs(values[row]) }
                }
                if overflow {
                    try ArithmeticKernels.checkOverflow(validity: validity, mask: mask, count: count, what: "abs()") {
                        values[$0] == .min
                    }
                }
            case .round:
                for row in 0..<count {
                    let places = digitsAt(row)
                    if places < 0 { result[row] = roundInteger(values[row], places: places) }
                }
            default: break  // floor and ceil of an integer are the integer
            }
            return .column(Column(type: .int64, values: .int64(result), validity: validity, count: count))
        case .float64(let values):
            let result: [Double]
            switch function {
            case .abs: result = values.map { Swift.abs($0) }
            case .floor: result = values.map { $0.rounded(.down) }
            case .ceil: result = values.map { $0.rounded(.up) }
            default:
                result = (0..<count).map { row in roundDouble(values[row], places: digitsAt(row)) }
            }
            return .column(Column(type: .float64, values: .float64(result), validity: validity, count: count))
        default:
            throw EngineError.typeMismatch("\(function.rawValue)() needs a number, not a \(input.type)")
        }
    }

    static func roundDouble(_ value: Double, places: Int64) -> Double {
        if places == 0 { return value.rounded(.toNearestOrAwayFromZero) }
        let factor = pow(10.0, Double(max(-400, min(400, places))))
        let rounded = (value * factor).rounded(.toNearestOrAwayFromZero) / factor
        return rounded.isFinite ? rounded : value
    }

    /// Rounds to a multiple of 10^-places (places < 0), half away from zero.
    static func roundInteger(_ value: Int64, places: Int64) -> Int64 {
        if places <= -19 { return 0 }
        var power: Int64 = 1
        for _ in 0..<Int(-places) { power *= 10 }
        let remainder = value % power
        let base = value - remainder
        if Swift.abs(remainder) * 2 >= power {
            let (next, overflow) = base.addingReportingOverflow(value < 0 ? -power : power)
            return overflow ? base : next
        }
        return base
    }
}

/// `year month day quarter days_between age_years` on dates and timestamps (UTC).
enum DateKernels {
    @inline(__always)
    static func days(fromMicros micros: Int64) -> Int64 {
        let (quotient, remainder) = micros.quotientAndRemainder(dividingBy: microsPerDay)
        return remainder < 0 ? quotient - 1 : quotient
    }

    static func evaluate(_ function: ScalarFunction, _ arguments: [Datum], types: [DataType], count: Int) -> Datum {
        if arguments.contains(where: \.isNullScalar) { return .scalar(.null) }
        let validity = arguments.reduce(nil as Bitmap?) { intersectValidity($0, $1.validity) }
        let first = DayStorage(arguments[0], count: count)
        let values: [Int64]
        switch function {
        case .year: values = (0..<count).map { Int64(CivilDate.civil(days: Int(first[$0])).year) }
        case .month: values = (0..<count).map { Int64(CivilDate.civil(days: Int(first[$0])).month) }
        case .day: values = (0..<count).map { Int64(CivilDate.civil(days: Int(first[$0])).day) }
        case .quarter: values = (0..<count).map { Int64((CivilDate.civil(days: Int(first[$0])).month - 1) / 3 + 1) }
        case .daysBetween:
            let second = DayStorage(arguments[1], count: count)
            values = (0..<count).map { second[$0] &- first[$0] }
        default:
            let second = DayStorage(arguments[1], count: count)
            values = (0..<count).map { ageYears(birth: first[$0], at: second[$0]) }
        }
        return .column(Column(type: .int64, values: .int64(values), validity: validity, count: count))
    }

    /// Completed years from `birth` to `at` (negative, truncated toward zero, when `at` is earlier).
    static func ageYears(birth: Int64, at: Int64) -> Int64 {
        if at < birth { return -ageYears(birth: at, at: birth) }
        let b = CivilDate.civil(days: Int(birth))
        let a = CivilDate.civil(days: Int(at))
        var years = a.year - b.year
        if (a.month, a.day) < (b.month, b.day) { years -= 1 }
        return Int64(years)
    }
}

/// Day numbers of a date or timestamp datum, one per row.
private struct DayStorage {
    let scalar: Int64?
    let array: [Int64]

    init(_ datum: Datum, count: Int) {
        switch datum {
        case .scalar(.date(let day)):
            scalar = Int64(day)
            array = []
        case .scalar(.timestamp(let micros)):
            scalar = DateKernels.days(fromMicros: micros)
            array = []
        case .scalar:
            scalar = 0
            array = []
        case .column(let column):
            scalar = nil
            switch column.values {
            case .date(let values): array = values.map { Int64($0) }
            case .timestamp(let values): array = values.map { DateKernels.days(fromMicros: $0) }
            default: array = [Int64](repeating: 0, count: count)
            }
        }
    }

    @inline(__always)
    subscript(row: Int) -> Int64 { scalar ?? array[row] }
}
