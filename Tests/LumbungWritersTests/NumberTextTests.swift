import Testing

@testable import LumbungWriters

@Suite struct NumberTextTests {
    @Test(
        "integers: plain digits, or Indonesian thousands groups",
        arguments: [
            (Int64(0), "0", "0"), (7, "7", "7"), (999, "999", "999"), (1000, "1000", "1.000"),
            (-1234, "-1234", "-1.234"), (5_588_245, "5588245", "5.588.245"), (100_000, "100000", "100.000"),
            (.max, "9223372036854775807", "9.223.372.036.854.775.807"),
            (.min, "-9223372036854775808", "-9.223.372.036.854.775.808"),
        ])
    func integers(value: Int64, plain: String, indonesian: String) {
        #expect(NumberText.integer(value, style: .plain) == plain)
        #expect(NumberText.integer(value, style: .indonesian) == indonesian)
    }

    @Test(
        "floats, plain (6 decimals) and Indonesian (3 decimals, CLDR #,##0.###)",
        arguments: [
            (1234567.5, "1234567.5", "1.234.567,5"),
            (62.5, "62.5", "62,5"),
            (-1234.56, "-1234.56", "-1.234,56"),
            (3.0, "3", "3"),
            (0.1 + 0.2, "0.3", "0,3"),
            (1.0 / 3.0, "0.333333", "0,333"),
            (2.0 / 3.0, "0.666667", "0,667"),
            (2.675, "2.675", "2,675"),
            (0.0005, "0.0005", "0,001"),
            (0.0004, "0.0004", "0,0004"),
            (-0.0004, "-0.0004", "-0,0004"),
            (999.9999, "999.9999", "1.000"),
            (-999.99999999, "-1000", "-1.000"),
            (1e-7, "1e-07", "1e-07"),
            (0, "0", "0"),
            (-0.0, "0", "0"),
            (123456789012345.6, "123456789012345.6", "123.456.789.012.345,6"),
            (1e15, "1e+15", "1e+15"),
            (-1.5e16, "-1.5e+16", "-1,5e+16"),
            (Double.nan, "NaN", "NaN"),
            (Double.infinity, "Infinity", "Infinity"),
            (-Double.infinity, "-Infinity", "-Infinity"),
        ])
    func floats(value: Double, plain: String, indonesian: String) {
        #expect(NumberText.float(value, style: .plain, maxFractionDigits: 6) == plain)
        #expect(NumberText.float(value, style: .indonesian, maxFractionDigits: 3) == indonesian)
    }

    @Test("rounding is half away from zero on the shortest decimal")
    func rounding() {
        #expect(NumberText.float(2.675, style: .plain, maxFractionDigits: 2) == "2.68")
        #expect(NumberText.float(-2.675, style: .plain, maxFractionDigits: 2) == "-2.68")
        #expect(NumberText.float(0.125, style: .plain, maxFractionDigits: 2) == "0.13")
        #expect(NumberText.float(9.995, style: .indonesian, maxFractionDigits: 2) == "10")
        #expect(NumberText.float(99999.5, style: .indonesian, maxFractionDigits: 0) == "100.000")
        #expect(NumberText.float(0.4, style: .plain, maxFractionDigits: 0) == "0.4")
        #expect(NumberText.float(0.5, style: .plain, maxFractionDigits: 0) == "1")
        #expect(NumberText.float(12.34, style: .plain, maxFractionDigits: 1) == "12.3")
    }

    @Test("the options choose the style's default decimals unless set")
    func optionsDigits() {
        #expect(ResultWriter.Options().fractionDigits == 6)
        #expect(ResultWriter.Options(numberStyle: .indonesian).fractionDigits == 3)
        #expect(ResultWriter.Options(numberStyle: .indonesian, maxFractionDigits: 1).fractionDigits == 1)
    }

    @Test("rounded text reads back close to the value, for many doubles")
    func manyDoubles() throws {
        var state: UInt64 = 42
        for _ in 0..<5000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let value = (Double(state >> 11) / Double(1 << 53) - 0.5) * pow10(Int(state % 13) - 4)
            let text = NumberText.float(value, style: .plain, maxFractionDigits: 6)
            let parsed = try #require(Double(text), "\(value) → \(text)")
            if text.contains("e") {
                #expect(parsed == value)
            } else {
                let tolerance: Double = 0.5e-6 * (1 + 1e-9) + abs(value) * 1e-15
                #expect(abs(parsed - value) <= tolerance, "\(value) → \(text)")
            }
            let indonesian = NumberText.float(value, style: .indonesian, maxFractionDigits: 3)
            let undone = indonesian.replacingGroups()
            let parsedIndonesian = try #require(Double(undone), "\(value) → \(indonesian)")
            if !indonesian.contains("e") {
                let tolerance: Double = 0.5e-3 * (1 + 1e-9) + abs(value) * 1e-15
                #expect(abs(parsedIndonesian - value) <= tolerance, "\(value) → \(indonesian)")
            }
        }
    }

    private func pow10(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<abs(exponent) { result *= 10 }
        return exponent < 0 ? 1 / result : result
    }
}

extension String {
    /// `1.234,5` → `1234.5`.
    fileprivate func replacingGroups() -> String {
        String(compactMap { $0 == "." ? nil : $0 == "," ? "." : $0 })
    }
}
