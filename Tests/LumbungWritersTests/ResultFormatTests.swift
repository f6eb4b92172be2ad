import Testing

@testable import LumbungWriters

@Test("every format has its command-line name")
func everyFormatHasItsCommandLineName() {
    #expect(ResultFormat.allCases.map(\.rawValue) == ["table", "csv", "json", "ndjson", "markdown"])
    #expect(ResultFormat(rawValue: "ndjson") == .ndjson)
    #expect(ResultFormat(rawValue: "xlsx") == nil)
}
