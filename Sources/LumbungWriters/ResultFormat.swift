/// The output formats of `lumbung query --format`.
public enum ResultFormat: String, Sendable, CaseIterable {
    case table, csv, json, ndjson, markdown
}
