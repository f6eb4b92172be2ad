/// How the human formats (`table`, `markdown`) write numbers. Machine formats (CSV, JSON, NDJSON)
/// always use plain, dot-decimal, round-trip text.
public enum NumberStyle: String, Sendable, CaseIterable {
    /// No grouping, `.` as the decimal separator: `1234567.5`, `-0.25`. Floats get at most 6 decimals.
    case plain
    /// Indonesian (CLDR `id`, pattern `#,##0.###`): `.` groups thousands, `,` is the decimal separator:
    /// `1.234.567,5`, `-0,25`, `62,5`. Floats get at most 3 decimals.
    case indonesian

    /// The most decimals a float shows unless the options say otherwise.
    public var defaultMaxFractionDigits: Int {
        switch self {
        case .plain: return 6
        case .indonesian: return 3
        }
    }

    var groupSeparator: Character? { self == .indonesian ? "." : nil }
    var decimalSeparator: Character { self == .indonesian ? "," : "." }
}
