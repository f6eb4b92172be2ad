import LumbungCore

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
        let values: ColumnValues
        switch type {
        case .int64: values = .int64(Array(repeating: 0, count: count))
        case .timestamp: values = .timestamp(Array(repeating: 0, count: count))
        case .float64: values = .float64(Array(repeating: 0, count: count))
        case .bool: values = .bool(Array(repeating: 0, count: count))
        case .date: values = .date(Array(repeating: 0, count: count))
        case .string: values = .string(StringArray(bytes: [], offsets: Array(repeating: 0, count: count + 1)))
        }
        return Column(type: type, values: values, validity: Bitmap(repeating: false, count: count), count: count)
    }
}
