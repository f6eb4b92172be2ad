/// The output formats of `lumbung query --format`; the raw value is the command-line name.
public enum ResultFormat: String, Sendable, CaseIterable {
    /// An aligned table for people at a terminal (the default on a terminal).
    case table
    /// RFC 4180 CSV with a header line.
    case csv
    /// One JSON array of row objects.
    case json
    /// One JSON object per line.
    case ndjson
    /// A GitHub-flavoured Markdown table.
    case markdown
}
