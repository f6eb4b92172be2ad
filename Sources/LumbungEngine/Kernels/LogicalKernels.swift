import LumbungCore

/// Three-valued logic, null tests and per-row selection (`if`, `coalesce`).
enum LogicalKernels {
    /// `a and b` / `a or b` in SQL's three-valued logic: false and null = false, true or null = true.
    static func combine(_ op: BinaryOperator, _ lhs: Column, _ rhs: Column) -> Column {
        let count = lhs.count
        guard case .bool(let a) = lhs.values, case .bool(let b) = rhs.values else {
            preconditionFailure("logical operands must be bool")
        }
        if lhs.validity == nil, rhs.validity == nil {
            let values: [UInt8] = a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    mapBinary(.array(a), .array(b), count: count) { op == .and ? ($0 & $1) : ($0 | $1) }
                }
            }
            return Column(type: .bool, values: .bool(values), validity: nil, count: count)
        }
        var values = [UInt8](repeating: 0, count: count)
        var flags = [UInt8](repeating: 0, count: count)
        withValidityWords(lhs.validity) { av in
            withValidityWords(rhs.validity) { bv in
                for row in 0..<count {
                    let aValid = isValid(av, row)
                    let bValid = isValid(bv, row)
                    let aTrue = aValid && a[row] != 0
                    let bTrue = bValid && b[row] != 0
                    if op == .and {
                        let aFalse = aValid && a[row] == 0
                        let bFalse = bValid && b[row] == 0
                        values[row] = aTrue && bTrue ? 1 : 0
                        flags[row] = (aValid && bValid) || aFalse || bFalse ? 1 : 0
                    } else {
                        values[row] = aTrue || bTrue ? 1 : 0
                        flags[row] = (aValid && bValid) || aTrue || bTrue ? 1 : 0
                    }
                }
            }
        }
        let validity = flags.withUnsafeBufferPointer { Bitmap.validity(fromFlags: $0) }
        return Column(type: .bool, values: .bool(values), validity: validity, count: count)
    }

    static func not(_ input: Column) -> Column {
        guard case .bool(let a) = input.values else { preconditionFailure("not needs a bool column") }
        return Column(type: .bool, values: .bool(a.map { $0 == 0 ? 1 : 0 }), validity: input.validity, count: input.count)
    }

    /// `x is null` (or `is not null`): never null.
    static func isNull(_ input: Datum, negated: Bool, count: Int) -> Datum {
        switch input {
        case .scalar(let value): return .scalar(.bool(value.isNull != negated))
        case .column(let column):
            guard let validity = column.validity else { return .scalar(.bool(negated)) }
            var values = [UInt8](repeating: 0, count: count)
            validity.words.withUnsafeBufferPointer { words in
                for row in 0..<count {
                    let present = (words[row >> 6] >> UInt64(row & 63)) & 1 != 0
                    values[row] = (present == negated) ? 1 : 0
                }
            }
            return .column(Column(type: .bool, values: .bool(values), validity: nil, count: count))
        }
    }

    /// Rows where the condition is true (present and set), as flags.
    static func trueFlags(_ condition: Column) -> [UInt8] {
        guard case .bool(let values) = condition.values else { preconditionFailure("condition must be bool") }
        guard let validity = condition.validity else { return values }
        var flags = values
        validity.words.withUnsafeBufferPointer { words in
            for row in 0..<condition.count where (words[row >> 6] >> UInt64(row & 63)) & 1 == 0 { flags[row] = 0 }
        }
        return flags
    }

    /// A new column taking row `r` from `sources[choice[r]]`, or null where `choice[r] == 255`.
    static func blend(_ sources: [Column], choice: [UInt8], type: DataType) -> Column {
        let count = choice.count
        var flags = [UInt8](repeating: 0, count: count)
        for (index, source) in sources.enumerated() {
            withValidityWords(source.validity) { words in
                for row in 0..<count where choice[row] == UInt8(index) && isValid(words, row) { flags[row] = 1 }
            }
        }
        let validity = flags.withUnsafeBufferPointer { Bitmap.validity(fromFlags: $0) }
        func pick<T>(_ zero: T, _ extract: (ColumnValues) -> [T]) -> [T] {
            var out = [T](repeating: zero, count: count)
            for (index, source) in sources.enumerated() {
                let values = extract(source.values)
                let tag = UInt8(index)
                for row in 0..<count where choice[row] == tag { out[row] = values[row] }
            }
            return out
        }
        let values: ColumnValues
        switch type {
        case .int64: values = .int64(pick(0) { $0.int64Array! })
        case .timestamp: values = .timestamp(pick(0) { $0.int64Array! })
        case .float64: values = .float64(pick(0) { $0.float64Array! })
        case .bool: values = .bool(pick(0) { $0.boolArray! })
        case .date: values = .date(pick(0) { $0.dateArray! })
        case .string:
            var strings = StringArray()
            strings.offsets.reserveCapacity(count + 1)
            func appendRows(_ views: [StringView]) {
                for row in 0..<count {
                    let tag = Int(choice[row])
                    if tag == 255 || flags[row] == 0 {
                        strings.appendEmpty()
                    } else {
                        let (pointer, length) = views[tag].string(row)
                        strings.append(UnsafeRawBufferPointer(start: pointer, count: length))
                    }
                }
            }
            func nest(_ index: Int, _ views: [StringView]) {
                if index == sources.count {
                    appendRows(views)
                } else {
                    withStringView(sources[index]) { nest(index + 1, views + [$0]) }
                }
            }
            nest(0, [])
            values = .string(strings)
        }
        return Column(type: type, values: values, validity: validity, count: count)
    }
}
