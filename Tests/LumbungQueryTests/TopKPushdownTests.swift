import Foundation
import LumbungCore
import LumbungQuery
import Testing

/// The top-k a scan applies to each block must never change a result. Random files (ties, nulls,
/// every column type) are read in 4 KiB blocks with the top-k cut per block, and in one block
/// without it, under random `where`, `sort` keys and `take` sizes: the rows must be the same, in
/// the same order. (The conformance suite checks such queries against DuckDB; this checks many
/// more shapes than it has cases.)
@Suite("top-k pushdown on random files")
struct TopKPushdownTests {
    static func file(seed: UInt64) throws -> URL {
        var rng = SplitMix(seed: seed)
        func below(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        var lines = ["id_baris,a,b,s,t,f"]
        let words = ["loket", "web", "Mpp", "mpp", "aplikasi", "é", ""]
        for row in 0..<(1_000 + below(1_500)) {
            let a = below(10) == 0 ? "" : String(below(12) - 3)
            let b = below(8) == 0 ? "" : String(Double(below(400)) / 4)
            let s = below(9) == 0 ? "" : words[below(words.count - 1)]
            let t = below(10) == 0 ? "" : String(format: "2024-0%d-1%dT%02d:%02d:00+0%d:00", 1 + below(9), below(10), below(24), below(60), 7 + below(3))
            let f = below(7) == 0 ? "" : (below(2) == 0 ? "true" : "false")
            lines.append("r\(row),\(a),\(b),\(s),\(t),\(f)")
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("topk-\(seed)-\(UUID().uuidString).csv")
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    static func runner(_ path: String, blockSize: Int?, pushdown: Bool) -> QueryRunner {
        var runner = RunnerTests.fileRunner("r", path: path, blockSize: blockSize)
        runner.options.topKPushdown = pushdown
        return runner
    }

    @Test("cut per block or not, the same rows in the same order", arguments: [11, 12, 13, 14] as [UInt64])
    func sameRows(seed: UInt64) throws {
        let url = try Self.file(seed: seed)
        defer { try? FileManager.default.removeItem(at: url) }
        let cut = Self.runner(url.path, blockSize: 4096, pushdown: true)
        let whole = Self.runner(url.path, blockSize: nil, pushdown: false)
        var rng = SplitMix(seed: seed &* 31)
        func below(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        let columns = ["a", "b", "s", "t", "f", "id_baris"]
        var cutSomewhere = false
        for _ in 0..<12 {
            var keys: [String] = []
            for _ in 0...below(3) {
                let column = columns[below(columns.count)]
                if keys.contains(where: { $0.hasSuffix(column) }) { continue }
                keys.append(below(2) == 0 ? "-" + column : column)
            }
            let take = [1, 3, 10, 40, 57, 200, 5_000][below(7)]
            let condition = below(3) == 0 ? "| where a >= \(below(6)) " : ""
            let query = "from r \(condition)| sort \(keys.joined(separator: ", ")) | take \(take)"
            let prepared = try cut.prepare(query)
            #expect(prepared.explain.contains("of each block during scan"), "\(query)")
            let expected = try whole.run(query).table.rows()
            let actual = try cut.run(prepared).table.rows()
            #expect(actual == expected, "seed \(seed): \(query)")
            if take < 57 { cutSomewhere = true }
        }
        #expect(cutSomewhere)
    }
}
