/// The physical values of a column. Null slots hold a zero value (or an empty string)
/// and are marked in `Column.validity`.
public enum ColumnValues: Sendable {
    case int64([Int64])
    case float64([Double])
    /// One byte per value, 0 or 1.
    case bool([UInt8])
    case string(StringArray)
    /// Low-cardinality strings: `codes[i]` indexes `dictionary`.
    case dictionary(codes: [UInt32], dictionary: StringArray)
    /// Days since 1970-01-01.
    case date([Int32])
    /// Microseconds since 1970-01-01T00:00:00Z.
    case timestamp([Int64])
}

/// One column of a chunk: a logical type, physical values and a validity mask.
public struct Column: Sendable {
    public var type: DataType
    public var values: ColumnValues
    /// `nil` when no value is null; otherwise bit `i` is set when value `i` is present.
    public var validity: Bitmap?
    public var count: Int

    public init(type: DataType, values: ColumnValues, validity: Bitmap?, count: Int) {
        self.type = type
        self.values = values
        self.validity = validity
        self.count = count
    }

    @inline(__always)
    public func isNull(_ index: Int) -> Bool {
        guard let validity else { return false }
        return !validity[index]
    }

    public var nullCount: Int {
        guard let validity else { return 0 }
        return count - validity.nonzeroBitCount
    }

    /// The value at `index` as a `Value` (slow: for display, tests and reference evaluators).
    public func value(at index: Int) -> Value {
        if isNull(index) { return .null }
        switch values {
        case .int64(let values): return .int(values[index])
        case .float64(let values): return .float(values[index])
        case .bool(let values): return .bool(values[index] != 0)
        case .string(let strings): return .string(strings[index])
        case .dictionary(let codes, let dictionary): return .string(dictionary[Int(codes[index])])
        case .date(let values): return .date(values[index])
        case .timestamp(let values): return .timestamp(values[index])
        }
    }

    /// Builds a column from values (slow: for tests and small results). Values that do not match
    /// `type` are stored as null.
    public static func from(_ items: [Value], type: DataType) -> Column {
        var validity = Bitmap()
        var hasNull = false
        func present(_ ok: Bool) { validity.append(ok); if !ok { hasNull = true } }
        let values: ColumnValues
        switch type {
        case .int64:
            values = .int64(items.map { if case .int(let v) = $0 { present(true); return v }; present(false); return 0 })
        case .float64:
            values = .float64(items.map {
                switch $0 {
                case .float(let v): present(true); return v
                case .int(let v): present(true); return Double(v)
                default: present(false); return 0
                }
            })
        case .bool:
            values = .bool(items.map { if case .bool(let v) = $0 { present(true); return v ? 1 : 0 }; present(false); return 0 })
        case .string:
            var strings = StringArray()
            for item in items {
                if case .string(let v) = item { present(true); strings.append(v) } else { present(false); strings.appendEmpty() }
            }
            values = .string(strings)
        case .date:
            values = .date(items.map { if case .date(let v) = $0 { present(true); return v }; present(false); return 0 })
        case .timestamp:
            values = .timestamp(items.map { if case .timestamp(let v) = $0 { present(true); return v }; present(false); return 0 })
        }
        return Column(type: type, values: values, validity: hasNull ? validity : nil, count: items.count)
    }
}
