import LumbungCore

/// Accumulates one column of a chunk, straight from bytes, without a `String` per value.
///
/// Only the storage array of the current `type` is used. `widen(to:)` converts the values
/// appended so far (int64 → float64, date → timestamp exactly; anything → string in canonical text).
public struct ColumnBuilder {
    public private(set) var type: DataType
    private(set) var ints: [Int64] = []
    private(set) var doubles: [Double] = []
    private(set) var bools: [UInt8] = []
    private(set) var strings = StringArray()
    private(set) var dates: [Int32] = []
    private(set) var validity = Bitmap()
    public private(set) var nullCount = 0
    public private(set) var count = 0

    public init(type: DataType, capacity: Int = 0) {
        self.type = type
        reserve(capacity)
    }

    private mutating func reserve(_ capacity: Int) {
        guard capacity > 0 else { return }
        validity.reserveCapacity(capacity)
        switch type {
        case .int64, .timestamp: ints.reserveCapacity(capacity)
        case .float64: doubles.reserveCapacity(capacity)
        case .bool: bools.reserveCapacity(capacity)
        case .string:
            strings.offsets.reserveCapacity(capacity + 1)
            strings.bytes.reserveCapacity(capacity * 8)
        case .date: dates.reserveCapacity(capacity)
        }
    }

    @inline(__always)
    public mutating func appendNull() {
        switch type {
        case .int64, .timestamp: ints.append(0)
        case .float64: doubles.append(0)
        case .bool: bools.append(0)
        case .string: strings.appendEmpty()
        case .date: dates.append(0)
        }
        validity.append(false)
        nullCount += 1
        count += 1
    }

    @inline(__always)
    public mutating func appendInt(_ value: Int64) {
        ints.append(value)
        validity.append(true)
        count += 1
    }

    @inline(__always)
    public mutating func appendDouble(_ value: Double) {
        doubles.append(value)
        validity.append(true)
        count += 1
    }

    @inline(__always)
    public mutating func appendBool(_ value: Bool) {
        bools.append(value ? 1 : 0)
        validity.append(true)
        count += 1
    }

    @inline(__always)
    public mutating func appendDate(_ value: Int32) {
        dates.append(value)
        validity.append(true)
        count += 1
    }

    @inline(__always)
    public mutating func appendTimestamp(_ value: Int64) {
        ints.append(value)
        validity.append(true)
        count += 1
    }

    @inline(__always)
    public mutating func appendString(_ p: UnsafePointer<UInt8>, _ length: Int) {
        strings.bytes.append(contentsOf: UnsafeBufferPointer(start: p, count: length))
        strings.offsets.append(UInt32(truncatingIfNeeded: strings.bytes.count))
        validity.append(true)
        count += 1
    }

    public mutating func appendString(_ value: String) {
        strings.append(value)
        validity.append(true)
        count += 1
    }

    /// Parses text into the column's type and appends it. Empty unquoted text and unquoted
    /// `NULL`/`null` are null; for non-string types a quoted empty value is null too.
    /// Returns `false` (appending nothing) when the text is not a value of the column's type.
    @inline(__always)
    public mutating func appendText(
        _ p: UnsafePointer<UInt8>, _ length: Int, quoted: Bool, decimalSeparator: UInt8
    ) -> Bool {
        if length == 0 {
            if quoted && type == .string {
                appendString(p, 0)
            } else {
                appendNull()
            }
            return true
        }
        if !quoted && length == 4 && ValueParser.isNullMarker(p, length) {
            appendNull()
            return true
        }
        switch type {
        case .string:
            appendString(p, length)
        case .int64:
            guard let value = ValueParser.int64(p, length) else { return false }
            appendInt(value)
        case .float64:
            guard let value = ValueParser.double(p, length, decimalSeparator: decimalSeparator) else { return false }
            appendDouble(value)
        case .bool:
            guard let value = ValueParser.bool(p, length) else { return false }
            appendBool(value)
        case .date:
            guard let value = ValueParser.date(p, length) else { return false }
            appendDate(value)
        case .timestamp:
            guard let value = ValueParser.timestamp(p, length) else { return false }
            appendTimestamp(value)
        }
        return true
    }

    /// Drops values past `newCount` (used to roll back a rejected row).
    public mutating func truncate(to newCount: Int) {
        guard newCount < count else { return }
        var rebuilt = Bitmap()
        rebuilt.reserveCapacity(newCount)
        var nulls = 0
        for index in 0..<newCount {
            rebuilt.append(validity[index])
            if !validity[index] { nulls += 1 }
        }
        validity = rebuilt
        nullCount = nulls
        switch type {
        case .int64, .timestamp: ints.removeLast(count - newCount)
        case .float64: doubles.removeLast(count - newCount)
        case .bool: bools.removeLast(count - newCount)
        case .string:
            strings.offsets.removeLast(count - newCount)
            strings.bytes.removeLast(strings.bytes.count - Int(strings.offsets[newCount]))
        case .date: dates.removeLast(count - newCount)
        }
        count = newCount
    }

    /// Converts the values appended so far to `newType` (see `DataType.widened(with:)`).
    public mutating func widen(to newType: DataType) {
        guard newType != type else { return }
        let old = finish(dictionaryEncode: false)
        self = ColumnBuilder(column: Column.converting(old, to: newType))
    }

    /// Continues a column already built (used when widening).
    public init(column: Column) {
        type = column.type
        count = column.count
        if let bitmap = column.validity {
            validity = bitmap
            nullCount = column.nullCount
        } else {
            validity = Bitmap(repeating: true, count: column.count)
        }
        switch column.values {
        case .int64(let values), .timestamp(let values): ints = values
        case .float64(let values): doubles = values
        case .bool(let values): bools = values
        case .string(let values): strings = values
        case .dictionary(let codes, let dictionary):
            var plain = StringArray()
            for code in codes { plain.append(dictionary[Int(code)]) }
            strings = plain
        case .date(let values): dates = values
        }
    }

    /// The finished column. Strings are dictionary-encoded when at most a quarter of the values
    /// (and at most 65,536) are distinct.
    public func finish(dictionaryEncode: Bool = true) -> Column {
        let bitmap: Bitmap? = nullCount == 0 ? nil : validity
        let values: ColumnValues
        switch type {
        case .int64: values = .int64(ints)
        case .timestamp: values = .timestamp(ints)
        case .float64: values = .float64(doubles)
        case .bool: values = .bool(bools)
        case .date: values = .date(dates)
        case .string:
            if dictionaryEncode, count >= 16,
                let (codes, dictionary) = strings.dictionaryEncoded(validity: bitmap, maxDistinct: min(count / 4, 65_536))
            {
                values = .dictionary(codes: codes, dictionary: dictionary)
            } else {
                values = .string(strings)
            }
        }
        return Column(type: type, values: values, validity: bitmap, count: count)
    }
}

extension Column {
    /// A copy of `column` as `type`: int64 → float64 and date → timestamp exactly, anything → string
    /// as canonical text (`Value.description`), other pairs as null.
    public static func converting(_ column: Column, to type: DataType) -> Column {
        if column.type == type { return column }
        switch (column.values, type) {
        case (.int64(let values), .float64):
            return Column(type: .float64, values: .float64(values.map { Double($0) }), validity: column.validity, count: column.count)
        case (.date(let values), .timestamp):
            return Column(
                type: .timestamp, values: .timestamp(values.map { Int64($0) * 86_400_000_000 }),
                validity: column.validity, count: column.count)
        default:
            var strings = StringArray()
            strings.offsets.reserveCapacity(column.count + 1)
            for index in 0..<column.count {
                let value = column.value(at: index)
                if value.isNull || type != .string { strings.appendEmpty() } else { strings.append(value.description) }
            }
            if type == .string {
                return Column(type: .string, values: .string(strings), validity: column.validity, count: column.count)
            }
            return Column.from([Value](repeating: .null, count: column.count), type: type)
        }
    }

    /// A column of `count` nulls.
    public static func nulls(type: DataType, count: Int) -> Column {
        var builder = ColumnBuilder(type: type, capacity: count)
        for _ in 0..<count { builder.appendNull() }
        return builder.finish(dictionaryEncode: false)
    }
}
