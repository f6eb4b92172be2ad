/// One value of any column type, or null. The slow, general representation used for display,
/// literals, tests and reference evaluators; hot paths work on `ColumnValues` directly.
public enum Value: Sendable, Hashable, CustomStringConvertible {
    case null
    case int(Int64)
    case float(Double)
    case bool(Bool)
    case string(String)
    /// Days since 1970-01-01.
    case date(Int32)
    /// Microseconds since the Unix epoch, UTC.
    case timestamp(Int64)

    public var isNull: Bool { if case .null = self { return true } else { return false } }

    /// Canonical text: ISO dates (`2024-01-31`), ISO 8601 UTC timestamps, `true`/`false`,
    /// shortest round-tripping floats, and `NULL` for null.
    public var description: String {
        switch self {
        case .null: return "NULL"
        case .int(let v): return String(v)
        case .float(let v): return Value.formatFloat(v)
        case .bool(let v): return v ? "true" : "false"
        case .string(let v): return v
        case .date(let v): return CivilDate.format(days: v)
        case .timestamp(let v): return CivilDate.formatTimestamp(micros: v)
        }
    }

    /// Shortest text that reads back as the same double; integral values keep no fraction (`3`, not `3.0`).
    public static func formatFloat(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
