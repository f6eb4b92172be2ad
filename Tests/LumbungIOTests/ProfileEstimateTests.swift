@testable import LumbungIO
import Testing

@Suite("inspect's distinct estimates")
struct ProfileEstimateTests {
    /// Plain strings (too many distinct values for a dictionary), and a column that is a
    /// dictionary in some blocks and plain in others (so no exact count: the HyperLogLog takes
    /// both shapes). 20,000 and 3,000 distinct values by construction; the sketch's standard
    /// error is about 0.8%, so 3% is a wide margin that a wrong byte range would still miss.
    @Test("HyperLogLog estimates of plain and mixed string columns are within 3%")
    func stringEstimates() throws {
        let files = TestFiles()
        defer { files.remove() }
        var lines = ["id_baris,kode,catatan"]
        for row in 0..<40_000 {
            let id = row % 20_000
            // The first half repeats 50 values (dictionary blocks), the second half has 2,950 more.
            let kode = row < 20_000 ? "kode-\(row % 50)" : "kode-\(50 + row % 2_950)-panjang-sekali"
            let note = row % 10 == 0 ? "" : "catatan \(row % 7)"
            lines.append("ID-\(id)-\(id &* 7919 % 10_007),\(kode),\(note)")
        }
        let result = try readTable(files.write("estimates.csv", lines.joined(separator: "\n") + "\n"), .testing(blockSize: 1 << 15, threads: 2))
        let kinds = result.table.chunks.map { chunk -> Bool in if case .dictionary = chunk.columns[1].values { true } else { false } }
        #expect(kinds.contains(true) && kinds.contains(false), "kode should be a dictionary in some blocks only")
        let profiles = ColumnProfile.profile(result.table)
        #expect(abs(profiles[0].distinctEstimate - 20_000) <= 600, "\(profiles[0].distinctEstimate)")
        #expect(abs(profiles[1].distinctEstimate - 3_000) <= 90, "\(profiles[1].distinctEstimate)")
        #expect(profiles[2].distinctEstimate == 7)
    }
}
