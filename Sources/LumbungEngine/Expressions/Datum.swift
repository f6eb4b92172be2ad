import LumbungCore

/// The result of evaluating an expression over a chunk: a column, or one value for every row
/// (a broadcast literal, or an expression of literals only).
enum Datum {
    case column(Column)
    case scalar(Value)

    /// The datum as a column of `count` rows of `type`.
    func materialize(_ type: DataType, count: Int) -> Column {
        switch self {
        case .column(let column): return column
        case .scalar(let value): return Column.constant(value, type: type, count: count)
        }
    }

    var isNullScalar: Bool { if case .scalar(.null) = self { return true } else { return false } }

    var validity: Bitmap? {
        if case .column(let column) = self { return column.validity }
        return nil
    }
}

/// One operand of a typed kernel: an array of values or one value for every row.
enum Operand<T> {
    case array(UnsafeBufferPointer<T>)
    case scalar(T)

    @inline(__always)
    subscript(index: Int) -> T {
        switch self {
        case .array(let buffer): return buffer[index]
        case .scalar(let value): return value
        }
    }
}

/// Builds `[R]` from two operands, specializing the loop for each array/scalar combination.
@inline(__always)
func mapBinary<A, B, R>(_ lhs: Operand<A>, _ rhs: Operand<B>, count: Int, _ body: (A, B) -> R) -> [R] {
    [R](unsafeUninitializedCapacity: count) { out, initialized in
        let out = out.baseAddress!
        switch (lhs, rhs) {
        case (.array(let a), .array(let b)):
            for index in 0..<count { (out + index).initialize(to: body(a[index], b[index])) }
        case (.array(let a), .scalar(let b)):
            for index in 0..<count { (out + index).initialize(to: body(a[index], b)) }
        case (.scalar(let a), .array(let b)):
            for index in 0..<count { (out + index).initialize(to: body(a, b[index])) }
        case (.scalar(let a), .scalar(let b)):
            let value = body(a, b)
            for index in 0..<count { (out + index).initialize(to: value) }
        }
        initialized = count
    }
}

@inline(__always)
func mapUnary<A, R>(_ input: UnsafeBufferPointer<A>, _ body: (A) -> R) -> [R] {
    [R](unsafeUninitializedCapacity: input.count) { out, initialized in
        let out = out.baseAddress!
        for index in 0..<input.count { (out + index).initialize(to: body(input[index])) }
        initialized = input.count
    }
}

/// Calls `body` with the operand view of a numeric-like datum.
@inline(__always)
func withOperand<T, R>(
    _ datum: Datum, _ extract: (ColumnValues) -> [T]?, _ scalar: (Value) -> T?, _ body: (Operand<T>) throws -> R
) rethrows -> R {
    switch datum {
    case .column(let column):
        let array = extract(column.values)!
        return try array.withUnsafeBufferPointer { try body(.array($0)) }
    case .scalar(let value):
        return try body(.scalar(scalar(value)!))
    }
}

extension ColumnValues {
    var int64Array: [Int64]? {
        switch self {
        case .int64(let array), .timestamp(let array): return array
        default: return nil
        }
    }

    var float64Array: [Double]? { if case .float64(let array) = self { return array } else { return nil } }
    var boolArray: [UInt8]? { if case .bool(let array) = self { return array } else { return nil } }
    var dateArray: [Int32]? { if case .date(let array) = self { return array } else { return nil } }
}

extension Value {
    var int64Payload: Int64? {
        switch self {
        case .int(let v), .timestamp(let v): return v
        default: return nil
        }
    }

    var float64Payload: Double? {
        switch self {
        case .float(let v): return v
        case .int(let v): return Double(v)
        default: return nil
        }
    }

    var boolPayload: UInt8? { if case .bool(let v) = self { return v ? 1 : 0 } else { return nil } }
    var datePayload: Int32? { if case .date(let v) = self { return v } else { return nil } }
}

/// Read access to the strings of a plain or dictionary-encoded column, inside a `with` scope.
struct StringView {
    let bytes: UnsafeRawPointer?
    let offsets: UnsafePointer<UInt32>
    let codes: UnsafePointer<UInt32>?

    @inline(__always)
    func string(_ row: Int) -> (pointer: UnsafeRawPointer?, count: Int) {
        let index = codes.map { Int($0[row]) } ?? row
        let start = Int(offsets[index])
        return (bytes.map { $0 + start }, Int(offsets[index + 1]) - start)
    }
}

/// Calls `body` with a `StringView` of a string column.
func withStringView<R>(_ column: Column, _ body: (StringView) throws -> R) rethrows -> R {
    switch column.values {
    case .string(let strings):
        return try strings.bytes.withUnsafeBytes { bytes in
            try strings.offsets.withUnsafeBufferPointer { offsets in
                try body(StringView(bytes: bytes.baseAddress, offsets: offsets.baseAddress!, codes: nil))
            }
        }
    case .dictionary(let codes, let dictionary):
        return try dictionary.bytes.withUnsafeBytes { bytes in
            try dictionary.offsets.withUnsafeBufferPointer { offsets in
                try codes.withUnsafeBufferPointer { codes in
                    try body(StringView(bytes: bytes.baseAddress, offsets: offsets.baseAddress!, codes: codes.baseAddress))
                }
            }
        }
    default:
        preconditionFailure("withStringView on a \(column.type) column")
    }
}

/// Calls `body` with the bytes of a string value.
func withBytes<R>(of string: String, _ body: (UnsafeRawPointer?, Int) throws -> R) rethrows -> R {
    var string = string
    return try string.withUTF8 { try body(UnsafeRawPointer($0.baseAddress), $0.count) }
}
