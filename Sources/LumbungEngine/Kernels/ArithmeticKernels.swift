import LumbungCore

/// Column-at-a-time arithmetic. Integer `+ - *` and negation detect overflow and throw for rows
/// that matter (present and inside the evaluation mask); `/` always gives a float and `/` or `%`
/// by zero give null.
enum ArithmeticKernels {
    static func binary(
        _ op: BinaryOperator, _ lhs: Datum, _ rhs: Datum, lhsType: DataType, rhsType: DataType, resultType: DataType,
        count: Int, mask: Bitmap?
    ) throws -> Datum {
        if lhs.isNullScalar || rhs.isNullScalar { return .scalar(.null) }
        let validity = intersectValidity(lhs.validity, rhs.validity)
        switch (lhsType, rhsType) {
        case (.int64, .int64):
            return try integer(op, lhs, rhs, validity: validity, count: count, mask: mask)
        case (.float64, .float64):
            return float(op, lhs, rhs, validity: validity, count: count)
        case (.date, .int64):
            // date ± days
            let values: [Int32] = try withOperand(lhs, \.dateArray, \.datePayload) { a in
                try withOperand(rhs, \.int64Array, \.int64Payload) { b in
                    var overflow = false
                    let result = mapBinary(a, b, count: count) { (day: Int32, delta: Int64) -> Int32 in
                        let wide = op == .add ? Int64(day) &+ delta : Int64(day) &- delta
                        if wide < Int64(Int32.min) || wide > Int64(Int32.max) { overflow = true }
                        return Int32(truncatingIfNeeded: wide)
                    }
                    if overflow {
                        try checkOverflow(validity: validity, mask: mask, count: count, what: "date arithmetic") { row in
                            let wide = op == .add ? Int64(a[row]) &+ b[row] : Int64(a[row]) &- b[row]
                            return wide < Int64(Int32.min) || wide > Int64(Int32.max)
                        }
                    }
                    return result
                }
            }
            return .column(Column(type: .date, values: .date(values), validity: validity, count: count))
        case (.date, .date):
            let values: [Int64] = withOperand(lhs, \.dateArray, \.datePayload) { a in
                withOperand(rhs, \.dateArray, \.datePayload) { b in
                    mapBinary(a, b, count: count) { Int64($0) - Int64($1) }
                }
            }
            return .column(Column(type: .int64, values: .int64(values), validity: validity, count: count))
        default:
            throw EngineError.typeMismatch("cannot apply '\(op.symbol)' to \(lhsType) and \(rhsType)")
        }
    }

    private static func integer(
        _ op: BinaryOperator, _ lhs: Datum, _ rhs: Datum, validity: Bitmap?, count: Int, mask: Bitmap?
    ) throws -> Datum {
        try withOperand(lhs, \.int64Array, \.int64Payload) { a in
            try withOperand(rhs, \.int64Array, \.int64Payload) { b in
                switch op {
                case .add, .subtract, .multiply:
                    var overflow = false
                    let values: [Int64]
                    switch op {
                    case .add:
                        values = mapBinary(a, b, count: count) { x, y in
                            let (v, o) = x.addingReportingOverflow(y)
                            overflow = overflow || o
                            return v
                        }
                    case .subtract:
                        values = mapBinary(a, b, count: count) { x, y in
                            let (v, o) = x.subtractingReportingOverflow(y)
                            overflow = overflow || o
                            return v
                        }
                    default:
                        values = mapBinary(a, b, count: count) { x, y in
                            let (v, o) = x.multipliedReportingOverflow(by: y)
                            overflow = overflow || o
                            return v
                        }
                    }
                    if overflow {
                        try checkOverflow(validity: validity, mask: mask, count: count, what: "'\(op.symbol)'") { row in
                            switch op {
                            case .add: return a[row].addingReportingOverflow(b[row]).overflow
                            case .subtract: return a[row].subtractingReportingOverflow(b[row]).overflow
                            default: return a[row].multipliedReportingOverflow(by: b[row]).overflow
                            }
                        }
                    }
                    return .column(Column(type: .int64, values: .int64(values), validity: validity, count: count))
                case .modulo:
                    var zero = [UInt8](repeating: 1, count: count)
                    var anyZero = false
                    let values = zero.withUnsafeMutableBufferPointer { flags in
                        var row = 0
                        return mapBinary(a, b, count: count) { x, y -> Int64 in
                            defer { row += 1 }
                            if y == 0 {
                                flags[row] = 0
                                anyZero = true
                                return 0
                            }
                            return y == -1 ? 0 : x % y
                        }
                    }
                    var resultValidity = validity
                    if anyZero {
                        resultValidity = intersectValidity(
                            validity, zero.withUnsafeBufferPointer { Bitmap.validity(fromFlags: $0) })
                    }
                    return .column(Column(type: .int64, values: .int64(values), validity: resultValidity, count: count))
                default:
                    throw EngineError.typeMismatch("'\(op.symbol)' is not an integer operation")
                }
            }
        }
    }

    private static func float(_ op: BinaryOperator, _ lhs: Datum, _ rhs: Datum, validity: Bitmap?, count: Int) -> Datum {
        withOperand(lhs, \.float64Array, \.float64Payload) { a in
            withOperand(rhs, \.float64Array, \.float64Payload) { b in
                let values: [Double]
                var resultValidity = validity
                switch op {
                case .add: values = mapBinary(a, b, count: count, +)
                case .subtract: values = mapBinary(a, b, count: count, -)
                case .multiply: values = mapBinary(a, b, count: count, *)
                case .divide:
                    values = mapBinary(a, b, count: count, /)
                    // Division by zero gives null.
                    var hasZero = false
                    switch b {
                    case .scalar(let divisor): hasZero = divisor == 0
                    case .array(let divisors): for divisor in divisors where divisor == 0 { hasZero = true; break }
                    }
                    if hasZero {
                        let flags = (0..<count).map { b[$0] == 0 ? UInt8(0) : 1 }
                        resultValidity = intersectValidity(validity, flags.withUnsafeBufferPointer { Bitmap.validity(fromFlags: $0) })
                    }
                default: values = mapBinary(a, b, count: count) { x, y in x.truncatingRemainder(dividingBy: y) }
                }
                return .column(Column(type: .float64, values: .float64(values), validity: resultValidity, count: count))
            }
        }
    }

    /// Throws when a row that is present and inside `mask` overflowed.
    static func checkOverflow(
        validity: Bitmap?, mask: Bitmap?, count: Int, what: String, _ overflowed: (Int) -> Bool
    ) throws {
        for row in 0..<count where overflowed(row) {
            if let validity, !validity[row] { continue }
            if let mask, !mask[row] { continue }
            throw EngineError.overflow(what)
        }
    }

    static func negate(_ input: Column, mask: Bitmap?) throws -> Column {
        switch input.values {
        case .int64(let array):
            var overflow = false
            let values = array.withUnsafeBufferPointer { buffer in
                mapUnary(buffer) { x -> Int64 in
                    if x == .min { overflow = true }
                    return 0 &- x
                }
            }
            if overflow {
                try checkOverflow(validity: input.validity, mask: mask, count: input.count, what: "negation") {
                    array[$0] == .min
                }
            }
            return Column(type: .int64, values: .int64(values), validity: input.validity, count: input.count)
        case .float64(let array):
            return Column(
                type: .float64, values: .float64(array.map { -$0 }), validity: input.validity, count: input.count)
        default:
            throw EngineError.typeMismatch("cannot negate a \(input.type)")
        }
    }

    /// Widening conversions inserted by the binder.
    static func cast(_ input: Column, to type: DataType) -> Column {
        switch (input.values, type) {
        case (.int64(let array), .float64):
            return Column(
                type: .float64,
                values: .float64(array.withUnsafeBufferPointer { mapUnary($0) { Double($0) } }),
                validity: input.validity, count: input.count)
        case (.date(let array), .timestamp):
            return Column(
                type: .timestamp,
                values: .timestamp(array.withUnsafeBufferPointer { mapUnary($0) { Int64($0) &* microsPerDay } }),
                validity: input.validity, count: input.count)
        default:
            return input
        }
    }
}
