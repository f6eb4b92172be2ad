/// The logical type of a column.
///
/// Physical storage per type (see `ColumnValues`): `int64` as `Int64`, `float64` as `Double`,
/// `bool` as one byte per value, `string` as bytes plus offsets (or dictionary codes),
/// `date` as days since 1970-01-01 (`Int32`), `timestamp` as microseconds since the Unix epoch, UTC (`Int64`).
public enum DataType: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case int64
    case float64
    case bool
    case string
    case date
    case timestamp

    public var description: String { rawValue }

    /// Whether values of this type are numbers (for arithmetic and aggregates such as `avg`).
    public var isNumeric: Bool { self == .int64 || self == .float64 }

    /// The narrowest type both `self` and `other` widen to: int64 + float64 → float64,
    /// date + timestamp → timestamp, anything else that differs → string.
    public func widened(with other: DataType) -> DataType {
        if self == other { return self }
        switch (self, other) {
        case (.int64, .float64), (.float64, .int64): return .float64
        case (.date, .timestamp), (.timestamp, .date): return .timestamp
        default: return .string
        }
    }
}
