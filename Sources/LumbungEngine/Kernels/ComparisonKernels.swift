import LumbungCore

/// Column-at-a-time comparisons, producing bool columns (null where an operand is null).
///
/// Floats compare in DuckDB's total order: NaN equals NaN and is greater than every other value;
/// `-0.0 == 0.0`. Strings compare by their UTF-8 bytes.
enum ComparisonKernels {
    static func compare(_ op: BinaryOperator, _ lhs: Datum, _ rhs: Datum, type: DataType, count: Int) -> Datum {
        if lhs.isNullScalar || rhs.isNullScalar { return .scalar(.null) }
        let validity = intersectValidity(lhs.validity, rhs.validity)
        let values: [UInt8]
        switch type {
        case .int64, .timestamp:
            values = withOperand(lhs, \.int64Array, \.int64Payload) { a in
                withOperand(rhs, \.int64Array, \.int64Payload) { b in ordered(op, a, b, count: count) }
            }
        case .date:
            values = withOperand(lhs, \.dateArray, \.datePayload) { a in
                withOperand(rhs, \.dateArray, \.datePayload) { b in ordered(op, a, b, count: count) }
            }
        case .bool:
            values = withOperand(lhs, \.boolArray, \.boolPayload) { a in
                withOperand(rhs, \.boolArray, \.boolPayload) { b in ordered(op, a, b, count: count) }
            }
        case .float64:
            values = withOperand(lhs, \.float64Array, \.float64Payload) { a in
                withOperand(rhs, \.float64Array, \.float64Payload) { b in
                    switch op {
                    case .equal: return mapBinary(a, b, count: count) { floatCompare($0, $1) == 0 ? 1 : 0 }
                    case .notEqual: return mapBinary(a, b, count: count) { floatCompare($0, $1) != 0 ? 1 : 0 }
                    case .less: return mapBinary(a, b, count: count) { floatCompare($0, $1) < 0 ? 1 : 0 }
                    case .lessOrEqual: return mapBinary(a, b, count: count) { floatCompare($0, $1) <= 0 ? 1 : 0 }
                    case .greater: return mapBinary(a, b, count: count) { floatCompare($0, $1) > 0 ? 1 : 0 }
                    default: return mapBinary(a, b, count: count) { floatCompare($0, $1) >= 0 ? 1 : 0 }
                    }
                }
            }
        case .string:
            values = compareStrings(op, lhs, rhs, count: count)
        }
        return .column(Column(type: .bool, values: .bool(values), validity: validity, count: count))
    }

    @inline(__always)
    private static func ordered<T: Comparable>(_ op: BinaryOperator, _ a: Operand<T>, _ b: Operand<T>, count: Int)
        -> [UInt8]
    {
        switch op {
        case .equal: return mapBinary(a, b, count: count) { $0 == $1 ? 1 : 0 }
        case .notEqual: return mapBinary(a, b, count: count) { $0 != $1 ? 1 : 0 }
        case .less: return mapBinary(a, b, count: count) { $0 < $1 ? 1 : 0 }
        case .lessOrEqual: return mapBinary(a, b, count: count) { $0 <= $1 ? 1 : 0 }
        case .greater: return mapBinary(a, b, count: count) { $0 > $1 ? 1 : 0 }
        default: return mapBinary(a, b, count: count) { $0 >= $1 ? 1 : 0 }
        }
    }

    @inline(__always)
    static func accept(_ op: BinaryOperator, _ order: Int) -> UInt8 {
        switch op {
        case .equal: return order == 0 ? 1 : 0
        case .notEqual: return order != 0 ? 1 : 0
        case .less: return order < 0 ? 1 : 0
        case .lessOrEqual: return order <= 0 ? 1 : 0
        case .greater: return order > 0 ? 1 : 0
        default: return order >= 0 ? 1 : 0
        }
    }

    private static func compareStrings(_ op: BinaryOperator, _ lhs: Datum, _ rhs: Datum, count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        out.withUnsafeMutableBufferPointer { out in
            switch (lhs, rhs) {
            case (.column(let a), .column(let b)):
                withStringView(a) { a in
                    withStringView(b) { b in
                        for row in 0..<count {
                            let x = a.string(row)
                            let y = b.string(row)
                            out[row] = accept(op, compareBytes(x.pointer, x.count, y.pointer, y.count))
                        }
                    }
                }
            case (.column(let a), .scalar(.string(let constant))):
                withBytes(of: constant) { pointer, length in
                    withStringView(a) { a in
                        for row in 0..<count {
                            let x = a.string(row)
                            out[row] = accept(op, compareBytes(x.pointer, x.count, pointer, length))
                        }
                    }
                }
            case (.scalar(.string(let constant)), .column(let b)):
                withBytes(of: constant) { pointer, length in
                    withStringView(b) { b in
                        for row in 0..<count {
                            let y = b.string(row)
                            out[row] = accept(op, compareBytes(pointer, length, y.pointer, y.count))
                        }
                    }
                }
            case (.scalar(.string(let a)), .scalar(.string(let b))):
                let order = withBytes(of: a) { p, n in withBytes(of: b) { q, m in compareBytes(p, n, q, m) } }
                for row in 0..<count { out[row] = accept(op, order) }
            default:
                break
            }
        }
        return out
    }

    /// `value in [items]` (items already of the value's type; null items make a non-match null).
    static func inList(_ value: Datum, items: [Value], type: DataType, count: Int) -> Datum {
        if value.isNullScalar { return .scalar(.null) }
        let hasNullItem = items.contains { $0.isNull }
        let present = items.filter { !$0.isNull }
        let column = value.materialize(type, count: count)
        var matches = [UInt8](repeating: 0, count: count)
        switch column.values {
        case .int64(let array), .timestamp(let array):
            let set = Set(present.compactMap(\.int64Payload))
            for row in 0..<count where set.contains(array[row]) { matches[row] = 1 }
        case .float64(let array):
            let targets = present.compactMap(\.float64Payload)
            for row in 0..<count where targets.contains(where: { floatCompare($0, array[row]) == 0 }) { matches[row] = 1 }
        case .date(let array):
            let set = Set(present.compactMap(\.datePayload))
            for row in 0..<count where set.contains(array[row]) { matches[row] = 1 }
        case .bool(let array):
            let set = Set(present.compactMap(\.boolPayload))
            for row in 0..<count where set.contains(array[row]) { matches[row] = 1 }
        case .string, .dictionary:
            var interner = StringInterner(capacity: present.count)
            for item in present { if case .string(let text) = item { _ = interner.intern(text) } }
            withStringView(column) { view in
                for row in 0..<count {
                    let (pointer, length) = view.string(row)
                    if interner.find(pointer, length) != nil { matches[row] = 1 }
                }
            }
        }
        var validity = column.validity
        if hasNullItem {
            // A non-match against a list with a null is null.
            validity = intersectValidity(validity, matches.withUnsafeBufferPointer { Bitmap.validity(fromFlags: $0) })
        }
        return .column(Column(type: .bool, values: .bool(matches), validity: validity, count: count))
    }
}

/// DuckDB's float order: NaN equals NaN and sorts after +infinity.
@inline(__always)
func floatCompare(_ a: Double, _ b: Double) -> Int {
    if a < b { return -1 }
    if a > b { return 1 }
    if a == b { return 0 }
    let aNaN = a.isNaN
    let bNaN = b.isNaN
    if aNaN && bNaN { return 0 }
    return aNaN ? 1 : -1
}
