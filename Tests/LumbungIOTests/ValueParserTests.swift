import Testing
import LumbungCore
@testable import LumbungIO

@Suite struct ValueParserTests {
    @Test("integers: signs, limits and overflow")
    func integers() {
        #expect(ValueParser.parse("42", ValueParser.int64) == 42)
        #expect(ValueParser.parse("-7", ValueParser.int64) == -7)
        #expect(ValueParser.parse("+7", ValueParser.int64) == 7)
        #expect(ValueParser.parse("9223372036854775807", ValueParser.int64) == .max)
        #expect(ValueParser.parse("-9223372036854775808", ValueParser.int64) == .min)
        #expect(ValueParser.parse("9223372036854775808", ValueParser.int64) == nil)
        #expect(ValueParser.parse("12a", ValueParser.int64) == nil)
        #expect(ValueParser.parse("-", ValueParser.int64) == nil)
        #expect(ValueParser.parse("", ValueParser.int64) == nil)
    }

    @Test("doubles are correctly rounded, with dot or comma")
    func doubles() {
        for text in ["0.1", "1234.5", "-0.000123", "1e10", "2.5E-3", "123456789012345678901234", "3.141592653589793238",
                     "1.7976931348623157e308", "5e-324", ".5", "7."] {
            #expect(ValueParser.parse(text) { ValueParser.double($0, $1) } == Double(text.hasPrefix(".") ? "0" + text : text.hasSuffix(".") ? text + "0" : text))
        }
        #expect(ValueParser.parse("12,5") { ValueParser.double($0, $1, decimalSeparator: UInt8(ascii: ",")) } == 12.5)
        #expect(ValueParser.parse("12,5") { ValueParser.double($0, $1) } == nil)
        #expect(ValueParser.parse("1e", { ValueParser.double($0, $1) }) == nil)
        #expect(ValueParser.parse("abc", { ValueParser.double($0, $1) }) == nil)
        #expect(ValueParser.parse("-", { ValueParser.double($0, $1) }) == nil)
    }

    @Test("dates in ISO and Indonesian orders, validated")
    func dates() {
        let expected = Int32(CivilDate.days(year: 2024, month: 2, day: 29))
        #expect(ValueParser.parse("2024-02-29", ValueParser.date) == expected)
        #expect(ValueParser.parse("29/02/2024", ValueParser.date) == expected)
        #expect(ValueParser.parse("29-02-2024", ValueParser.date) == expected)
        #expect(ValueParser.parse("2023-02-29", ValueParser.date) == nil)
        #expect(ValueParser.parse("2024-13-01", ValueParser.date) == nil)
        #expect(ValueParser.parse("2024-1-01", ValueParser.date) == nil)
    }

    @Test("timestamps with offsets become UTC microseconds")
    func timestamps() {
        let base = Int64(CivilDate.days(year: 2025, month: 1, day: 14)) * 86_400_000_000
        let eightThirty = base + Int64(8 * 3600 + 30 * 60) * 1_000_000
        #expect(ValueParser.parse("2025-01-14T08:30:00Z", ValueParser.timestamp) == eightThirty)
        #expect(ValueParser.parse("2025-01-14 08:30:00", ValueParser.timestamp) == eightThirty)
        #expect(ValueParser.parse("2025-01-14T08:30", ValueParser.timestamp) == eightThirty)
        #expect(ValueParser.parse("2025-01-14T15:30:00+07:00", ValueParser.timestamp) == eightThirty)
        #expect(ValueParser.parse("2025-01-14T17:30:00+0900", ValueParser.timestamp) == eightThirty)
        #expect(ValueParser.parse("2025-01-14T08:30:00.250Z", ValueParser.timestamp) == eightThirty + 250_000)
        #expect(ValueParser.parse("2025-01-14T25:30:00Z", ValueParser.timestamp) == nil)
        #expect(ValueParser.parse("2025-01-14T08:30:00+07:00x", ValueParser.timestamp) == nil)
    }

    @Test("booleans and null markers")
    func boolsAndNulls() {
        #expect(ValueParser.parse("TRUE", ValueParser.bool) == true)
        #expect(ValueParser.parse("false", ValueParser.bool) == false)
        #expect(ValueParser.parse("yes", ValueParser.bool) == nil)
        #expect(ValueParser.parse("NULL") { ValueParser.isNullMarker($0, $1) } == true)
        #expect(ValueParser.parse("null") { ValueParser.isNullMarker($0, $1) } == true)
        #expect(ValueParser.parse("Null") { ValueParser.isNullMarker($0, $1) } == false)
    }

    @Test("UTF-8 validation finds the first bad byte")
    func utf8() {
        let good = Array("Kabupaten Bandung — ✓ 😀".utf8)
        #expect(good.withUnsafeBufferPointer { UTF8Validation.firstInvalid($0.baseAddress!, $0.count) } == nil)
        let bad: [UInt8] = Array("Jl. Merdeka ".utf8) + [0xE9] + Array("t".utf8)
        #expect(bad.withUnsafeBufferPointer { UTF8Validation.firstInvalid($0.baseAddress!, $0.count) } == 12)
        let surrogate: [UInt8] = [0x41, 0xED, 0xA0, 0x80]
        #expect(surrogate.withUnsafeBufferPointer { UTF8Validation.firstInvalid($0.baseAddress!, $0.count) } == 1)
        let overlong: [UInt8] = [0xC0, 0xAF]
        #expect(overlong.withUnsafeBufferPointer { UTF8Validation.firstInvalid($0.baseAddress!, $0.count) } == 0)
    }

    @Test("a date cache shared by a column's values never changes a result")
    func dateCache() {
        let values = [
            "2024-01-31T08:30:00+07:00", "2024-01-31T23:59:59+09:00", "2024-01-31T24:00:00+07:00",
            "2024-02-30T01:00:00Z", "2024-02-30T01:00:00Z", "2024-02-29T01:00:00Z", "2023-02-29T01:00:00Z",
            "31/01/2024", "31/01/2024", "2024-01-31", "2024-01-31 08:30", "2024-01-3108:30", "2024-01-31T08:30:00+07:00",
        ]
        var cache = ValueParser.DateCache()
        var dateCache = ValueParser.DateCache()
        for value in values {
            let bytes = Array(value.utf8)
            bytes.withUnsafeBufferPointer { buffer in
                let p = buffer.baseAddress!
                #expect(ValueParser.timestamp(p, buffer.count, cache: &cache) == ValueParser.timestamp(p, buffer.count), "\(value)")
                if buffer.count >= 10 {
                    #expect(ValueParser.date(p, cache: &dateCache) == ValueParser.date(p, 10), "\(value)")
                }
            }
        }
    }
}
