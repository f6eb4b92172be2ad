import Testing

@testable import LumbungWriters

@Test func everyFormatHasItsCommandLineName() {
    #expect(ResultFormat(rawValue: "ndjson") == .ndjson)
    #expect(ResultFormat.allCases.count == 5)
}
