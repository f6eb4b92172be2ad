import Testing
@testable import LumbungCore

@Suite struct CivilDateTests {
    @Test("days and civil dates round-trip across eras")
    func roundTrip() {
        for day in stride(from: -800_000, through: 800_000, by: 997) {
            let (y, m, d) = CivilDate.civil(days: day)
            #expect(CivilDate.days(year: y, month: m, day: d) == day)
        }
    }

    @Test("known dates")
    func knownDates() {
        #expect(CivilDate.days(year: 1970, month: 1, day: 1) == 0)
        #expect(CivilDate.days(year: 2000, month: 3, day: 1) == 11017)
        #expect(CivilDate.format(days: 19_723) == "2024-01-01")
        #expect(CivilDate.formatTimestamp(micros: 1_704_067_200_000_000 + 5_400_000_000) == "2024-01-01T01:30:00Z")
        #expect(CivilDate.formatTimestamp(micros: -1) == "1969-12-31T23:59:59.999999Z")
    }

    @Test("bitmap append and subscript")
    func bitmap() {
        var bitmap = Bitmap()
        for index in 0..<130 { bitmap.append(index % 3 == 0) }
        #expect(bitmap.count == 130)
        #expect(bitmap.nonzeroBitCount == 44)
        #expect(bitmap[129] && !bitmap[128])
        let full = Bitmap(repeating: true, count: 70)
        #expect(full.nonzeroBitCount == 70)
    }
}
