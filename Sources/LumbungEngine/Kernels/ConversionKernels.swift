import LumbungCore

/// `int(x) float(x) string(x) date(s)`: a value that does not convert gives null.
///
/// - `int` truncates floats toward zero; strings are trimmed and read as integers, or as decimals
///   then truncated (`" 12 "` → 12, `"3.7"` → 3, `"12a"` → null); bools give 0 or 1.
/// - `float` reads strings as decimals (`"1e3"`, `"nan"`, `"inf"` included).
/// - `string` writes the canonical text of `Value.description` (ISO dates, shortest floats).
/// - `date` reads `YYYY-MM-DD` (optionally followed by a time, which is dropped) and takes the UTC
///   date of timestamps.
enum ConversionKernels {
    static func evaluate(_ function: ScalarFunction, _ input: Column) -> Column {
        let count = input.count
        switch function {
        case .int: return toInt(input)
        case .float: return toFloat(input)
        case .string: return toString(input)
        case .date: return toDate(input)
        default: preconditionFailure("not a conversion: \(function)")
        }

        func build<T>(_ values: [T], _ flags: [UInt8], _ wrap: ([T]) -> ColumnValues, _ type: DataType) -> Column {
            let validity = intersectValidity(input.validity, flags.withUnsafeBufferPointer { Bitmap.validity(fromFlags: $0) })
            return Column(type: type, values: wrap(values), validity: validity, count: count)
        }

        func toInt(_ input: Column) -> Column {
            switch input.values {
            case .int64: return input
            case .bool(let bytes):
                return Column(type: .int64, values: .int64(bytes.map { Int64($0) }), validity: input.validity, count: count)
            case .float64(let doubles):
                var flags = [UInt8](repeating: 1, count: count)
                let values = (0..<count).map { row -> Int64 in
                    guard let value = truncatedInt(doubles[row]) else {
                        flags[row] = 0
                        return 0
                    }
                    return value
                }
                return build(values, flags, ColumnValues.int64, .int64)
            default:
                var flags = [UInt8](repeating: 1, count: count)
                let values = withStringView(input) { view in
                    (0..<count).map { row -> Int64 in
                        let (pointer, length) = view.string(row)
                        guard let value = parseInt(pointer, length) else {
                            flags[row] = 0
                            return 0
                        }
                        return value
                    }
                }
                return build(values, flags, ColumnValues.int64, .int64)
            }
        }

        func toFloat(_ input: Column) -> Column {
            switch input.values {
            case .float64: return input
            case .int64(let ints):
                return Column(type: .float64, values: .float64(ints.map { Double($0) }), validity: input.validity, count: count)
            case .bool(let bytes):
                return Column(type: .float64, values: .float64(bytes.map { Double($0) }), validity: input.validity, count: count)
            default:
                var flags = [UInt8](repeating: 1, count: count)
                let values = withStringView(input) { view in
                    (0..<count).map { row -> Double in
                        let (pointer, length) = view.string(row)
                        guard let value = parseDouble(pointer, length) else {
                            flags[row] = 0
                            return 0
                        }
                        return value
                    }
                }
                return build(values, flags, ColumnValues.float64, .float64)
            }
        }

        func toString(_ input: Column) -> Column {
            if input.type == .string { return input }
            var strings = StringArray()
            strings.offsets.reserveCapacity(count + 1)
            for row in 0..<count {
                if input.isNull(row) {
                    strings.appendEmpty()
                } else {
                    strings.append(input.value(at: row).description)
                }
            }
            return Column(type: .string, values: .string(strings), validity: input.validity, count: count)
        }

        func toDate(_ input: Column) -> Column {
            switch input.values {
            case .date: return input
            case .timestamp(let micros):
                return Column(
                    type: .date, values: .date(micros.map { Int32(truncatingIfNeeded: DateKernels.days(fromMicros: $0)) }),
                    validity: input.validity, count: count)
            default:
                var flags = [UInt8](repeating: 1, count: count)
                let values = withStringView(input) { view in
                    (0..<count).map { row -> Int32 in
                        let (pointer, length) = view.string(row)
                        guard let value = parseDate(pointer, length) else {
                            flags[row] = 0
                            return 0
                        }
                        return value
                    }
                }
                return build(values, flags, ColumnValues.date, .date)
            }
        }
    }

    static func truncatedInt(_ value: Double) -> Int64? {
        guard value.isFinite else { return nil }
        let truncated = value.rounded(.towardZero)
        guard truncated >= -9_223_372_036_854_775_808.0, truncated < 9_223_372_036_854_775_808.0 else { return nil }
        return Int64(truncated)
    }

    private static func text(_ pointer: UnsafeRawPointer?, _ length: Int) -> Substring {
        let (start, end) = StringKernels.trimmedRange(pointer, length)
        guard let pointer else { return "" }
        return Substring(String(decoding: UnsafeRawBufferPointer(start: pointer + start, count: end - start), as: UTF8.self))
    }

    static func parseInt(_ pointer: UnsafeRawPointer?, _ length: Int) -> Int64? {
        let trimmed = text(pointer, length)
        if trimmed.isEmpty { return nil }
        if let value = Int64(trimmed) { return value }
        if trimmed.first == "+", let value = Int64(trimmed.dropFirst()) { return value }
        guard let double = parseDouble(pointer, length), !trimmed.lowercased().contains("n") else { return nil }
        return truncatedInt(double)
    }

    static func parseDouble(_ pointer: UnsafeRawPointer?, _ length: Int) -> Double? {
        let trimmed = text(pointer, length)
        if trimmed.isEmpty { return nil }
        // Swift accepts hexadecimal floats ("0x1p3"); DuckDB and people do not.
        if trimmed.contains("x") || trimmed.contains("X") { return nil }
        return Double(trimmed)
    }

    /// `YYYY-MM-DD`, optionally followed by `T` or a space and a time (ignored).
    static func parseDate(_ pointer: UnsafeRawPointer?, _ length: Int) -> Int32? {
        let (start, end) = StringKernels.trimmedRange(pointer, length)
        guard let pointer, end - start >= 10 else { return nil }
        let bytes = UnsafeRawBufferPointer(start: pointer + start, count: end - start)
        if bytes.count > 10, bytes[10] != UInt8(ascii: "T"), bytes[10] != UInt8(ascii: " ") { return nil }
        func digits(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), let year = digits(0..<4),
            let month = digits(5..<7), let day = digits(8..<10), (1...12).contains(month),
            day >= 1, day <= CivilDate.daysInMonth(year: year, month: month)
        else { return nil }
        return Int32(CivilDate.days(year: year, month: month, day: day))
    }
}
