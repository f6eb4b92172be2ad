import LumbungCore
import Testing

@testable import LumbungEngine

/// `count_distinct`'s string path when pair hashes collide: the kernel keeps only a few bits of
/// each hash, so distinct (group, value) pairs share hashes and must be told apart by group and
/// bytes.
@Suite("count_distinct with colliding hashes")
struct CountDistinctKernelTests {
    @Test("colliding hashes still count exactly", arguments: [0, 0x3, 0xff] as [UInt64])
    func collisions(mask: UInt64) throws {
        var rng = SplitMix(seed: 42 &+ mask)
        let groupCount = 9
        var arguments: [Column] = []
        var rowGroups: [[UInt32]] = []
        var expected = [Set<String>](repeating: [], count: groupCount)
        for _ in 0..<12 {
            let rows = rng.int(0...300)
            var values: [Value] = []
            var groups: [UInt32] = []
            for _ in 0..<rows {
                let group = rng.chance(0.05) ? LocalGroups.skipped : UInt32(rng.int(0...(groupCount - 1)))
                let value: Value = rng.chance(0.1) ? .null : .string(rng.chance(0.05) ? "" : "v\(rng.int(0...150))")
                if group != LocalGroups.skipped, case .string(let text) = value { expected[Int(group)].insert(text) }
                values.append(value)
                groups.append(group)
            }
            let column = Column.from(values, type: .string)
            arguments.append(rng.chance(0.5) ? RandomData.dictionaryEncoded(column, &rng) : column)
            rowGroups.append(groups)
        }
        for threads in [1, 2, 7] {
            let context = ExecutionContext(threadCount: threads, unitRows: 64)
            let scope = MemoryScope(context.memory)
            defer { scope.close() }
            let counts = try CountDistinctKernel(type: .string, hashMask: mask).finish(
                arguments: arguments, rowGroups: rowGroups, groupCount: groupCount, context: context, scope: scope)
            #expect(counts.values.int64Array == expected.map { Int64($0.count) }, "threads \(threads)")
        }
    }
}
