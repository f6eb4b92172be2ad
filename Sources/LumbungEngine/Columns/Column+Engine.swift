import LumbungCore

extension Column {
    /// Payload bytes of the column: values, offsets, codes, dictionary and validity.
    public var estimatedByteSize: Int {
        var size = (validity?.words.count ?? 0) * 8
        switch values {
        case .int64(let array): size += array.count * 8
        case .float64(let array): size += array.count * 8
        case .bool(let array): size += array.count
        case .string(let strings): size += strings.bytes.count + strings.offsets.count * 4
        case .dictionary(let codes, let dictionary):
            size += codes.count * 4 + dictionary.bytes.count + dictionary.offsets.count * 4
        case .date(let array): size += array.count * 4
        case .timestamp(let array): size += array.count * 8
        }
        return size
    }

    /// A column of `count` nulls of `type`.
    public static func nulls(_ type: DataType, count: Int) -> Column {
        let validity = Bitmap(repeating: false, count: count)
        return Column(type: type, values: .zeros(type, count: count), validity: count == 0 ? nil : validity, count: count)
    }

    /// `value` repeated `count` times (null when `value` is null or does not match `type`).
    public static func constant(_ value: Value, type: DataType, count: Int) -> Column {
        switch (type, value) {
        case (.int64, .int(let v)): return Column(type: type, values: .int64([Int64](repeating: v, count: count)), validity: nil, count: count)
        case (.float64, .float(let v)):
            return Column(type: type, values: .float64([Double](repeating: v, count: count)), validity: nil, count: count)
        case (.float64, .int(let v)):
            return Column(type: type, values: .float64([Double](repeating: Double(v), count: count)), validity: nil, count: count)
        case (.bool, .bool(let v)):
            return Column(type: type, values: .bool([UInt8](repeating: v ? 1 : 0, count: count)), validity: nil, count: count)
        case (.date, .date(let v)): return Column(type: type, values: .date([Int32](repeating: v, count: count)), validity: nil, count: count)
        case (.timestamp, .timestamp(let v)):
            return Column(type: type, values: .timestamp([Int64](repeating: v, count: count)), validity: nil, count: count)
        case (.timestamp, .date(let v)):
            return Column(
                type: type, values: .timestamp([Int64](repeating: Int64(v) * microsPerDay, count: count)), validity: nil,
                count: count)
        case (.string, .string(let v)):
            var dictionary = StringArray()
            dictionary.append(v)
            return Column(
                type: type, values: .dictionary(codes: [UInt32](repeating: 0, count: count), dictionary: dictionary),
                validity: nil, count: count)
        default:
            return .nulls(type, count: count)
        }
    }

    /// Rows `range` as a new column (dictionary columns keep their dictionary).
    public func slice(_ range: Range<Int>) -> Column {
        if range == 0..<count { return self }
        let newValues: ColumnValues
        switch values {
        case .int64(let array): newValues = .int64(Array(array[range]))
        case .float64(let array): newValues = .float64(Array(array[range]))
        case .bool(let array): newValues = .bool(Array(array[range]))
        case .date(let array): newValues = .date(Array(array[range]))
        case .timestamp(let array): newValues = .timestamp(Array(array[range]))
        case .dictionary(let codes, let dictionary): newValues = .dictionary(codes: Array(codes[range]), dictionary: dictionary)
        case .string(let strings):
            let start = Int(strings.offsets[range.lowerBound])
            let end = Int(strings.offsets[range.upperBound])
            let offsets = strings.offsets[range.lowerBound...range.upperBound].map { $0 - UInt32(start) }
            newValues = .string(StringArray(bytes: Array(strings.bytes[start..<end]), offsets: offsets))
        }
        return Column(type: type, values: newValues, validity: validity?.slice(range).normalized, count: range.count)
    }

    /// The same values as plain strings (a dictionary column decoded); other columns unchanged.
    public func decoded() -> Column {
        guard case .dictionary(let codes, let dictionary) = values else { return self }
        var strings = StringArray()
        var total = 0
        for code in codes { total += Int(dictionary.offsets[Int(code) + 1] - dictionary.offsets[Int(code)]) }
        strings.bytes.reserveCapacity(total)
        strings.offsets.reserveCapacity(codes.count + 1)
        dictionary.bytes.withUnsafeBytes { raw in
            for (row, code) in codes.enumerated() {
                if let validity, !validity[row] {
                    strings.appendEmpty()
                    continue
                }
                let start = Int(dictionary.offsets[Int(code)])
                let end = Int(dictionary.offsets[Int(code) + 1])
                strings.append(UnsafeRawBufferPointer(rebasing: raw[start..<end]))
            }
        }
        return Column(type: type, values: .string(strings), validity: validity, count: count)
    }
}

extension ColumnValues {
    /// `count` zero values of the physical layout of `type` (empty strings for strings).
    static func zeros(_ type: DataType, count: Int) -> ColumnValues {
        switch type {
        case .int64: return .int64([Int64](repeating: 0, count: count))
        case .float64: return .float64([Double](repeating: 0, count: count))
        case .bool: return .bool([UInt8](repeating: 0, count: count))
        case .string: return .string(StringArray(bytes: [], offsets: [UInt32](repeating: 0, count: count + 1)))
        case .date: return .date([Int32](repeating: 0, count: count))
        case .timestamp: return .timestamp([Int64](repeating: 0, count: count))
        }
    }
}

extension Chunk {
    public var estimatedByteSize: Int { columns.reduce(0) { $0 + $1.estimatedByteSize } }
}

extension Table {
    /// Payload bytes of every chunk (see `Column.estimatedByteSize`).
    public var estimatedByteSize: Int { chunks.reduce(0) { $0 + $1.estimatedByteSize } }

    /// An empty table with this schema.
    public static func empty(_ schema: Schema) -> Table { Table(schema: schema, chunks: []) }
}

let microsPerDay: Int64 = 86_400_000_000
