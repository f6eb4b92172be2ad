import Foundation
import LumbungCore

/// Column types shared by the parser threads of one read. Inferred types only ever widen
/// (int64 → float64, date → timestamp, anything → string); declared types never change.
final class TypeState: @unchecked Sendable {
    private let lock = NSLock()
    private var types: [DataType]
    let declared: [Bool]

    init(types: [DataType], declared: [Bool]) {
        self.types = types
        self.declared = declared
    }

    func snapshot() -> [DataType] {
        lock.lock()
        defer { lock.unlock() }
        return types
    }

    /// Widens column `index` to hold `type` too; returns the resulting type.
    @discardableResult
    func widen(_ index: Int, toHold type: DataType) -> DataType {
        lock.lock()
        defer { lock.unlock() }
        let widened = types[index].widened(with: type)
        types[index] = widened
        return widened
    }
}

/// Type inference for single values and samples of text.
enum TypeInference {
    /// The narrowest type of one non-null text value.
    static func typeOf(_ p: UnsafePointer<UInt8>, _ count: Int, decimalSeparator: UInt8) -> DataType {
        if ValueParser.bool(p, count) != nil { return .bool }
        if ValueParser.int64(p, count) != nil {
            return hasLeadingZero(p, count) ? .string : .int64
        }
        if ValueParser.double(p, count, decimalSeparator: decimalSeparator) != nil { return .float64 }
        if ValueParser.isOverlongInteger(p, count) { return .float64 }
        if count == 10, ValueParser.date(p, count) != nil { return .date }
        if ValueParser.timestamp(p, count) != nil { return .timestamp }
        return .string
    }

    /// `007` is an identifier, not the number 7.
    static func hasLeadingZero(_ p: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var index = 0
        if count > 0, p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+") { index = 1 }
        return count - index > 1 && p[index] == UInt8(ascii: "0")
    }

    /// The type a column of `type` widens to when the block parser meets this value in it, as
    /// `CSVBlockParser` decides: `nil` when the value is null or reads as `type`; else the value's
    /// own type widened in, where `true`/`false`, and numbers in an identifier column, count as string.
    static func parserWidening(
        _ type: DataType, _ p: UnsafePointer<UInt8>, _ count: Int, quoted: Bool, decimalSeparator: UInt8, identifier: Bool
    ) -> DataType? {
        if count == 0 || (!quoted && ValueParser.isNullMarker(p, count)) { return nil }
        let reads: Bool
        switch type {
        case .int64: reads = ValueParser.int64(p, count) != nil
        case .float64: reads = ValueParser.double(p, count, decimalSeparator: decimalSeparator) != nil
        case .date: reads = ValueParser.date(p, count) != nil
        case .timestamp: reads = ValueParser.timestamp(p, count) != nil
        case .bool: reads = ValueParser.bool(p, count) != nil
        case .string: reads = true
        }
        if reads { return nil }
        var valueType = typeOf(p, count, decimalSeparator: decimalSeparator)
        if valueType == .bool || (valueType.isNumeric && identifier) { valueType = .string }
        let wider = type.widened(with: valueType)
        return wider == type ? nil : wider
    }
}

/// Column types inferred from sample values one at a time: all bool → bool; all int → int64; ints
/// and floats → float64; all dates → date; dates and timestamps → timestamp; anything else (or all
/// null) → string. Empty values and unquoted `NULL`/`null` are nulls and teach nothing.
struct TypeSample {
    /// Per column: the type so far, `nil` while it has seen only nulls.
    private(set) var types: [DataType?]

    init(count: Int) { types = Array(repeating: nil, count: count) }

    /// Widens `column` with one value's text.
    mutating func add(_ column: Int, _ p: UnsafePointer<UInt8>, _ count: Int, quoted: Bool, decimalSeparator: UInt8) {
        guard count > 0, types[column] != .string else { return }
        if !quoted && ValueParser.isNullMarker(p, count) { return }
        let type = TypeInference.typeOf(p, count, decimalSeparator: decimalSeparator)
        types[column] = types[column].map { $0.widened(with: type) } ?? type
    }
}
