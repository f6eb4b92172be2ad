import LumbungCore
import LumbungEngine
import Testing

/// Thread counts every property runs at.
let threadCounts = [1, 2, 7]

/// Two values are the same result: equal, or floats within a relative 1e-9 (NaN equals NaN).
func sameValue(_ a: Value, _ b: Value, tolerance: Double = 1e-9) -> Bool {
    switch (a, b) {
    case (.float(let x), .float(let y)):
        if x.isNaN || y.isNaN { return x.isNaN && y.isNaN }
        if x == y { return true }
        if x.isInfinite || y.isInfinite { return false }
        return Swift.abs(x - y) <= tolerance * max(1, Swift.abs(x), Swift.abs(y))
    default:
        return a == b
    }
}

/// Bit-for-bit equality (for determinism across thread counts).
func identicalValue(_ a: Value, _ b: Value) -> Bool {
    if case .float(let x) = a, case .float(let y) = b { return x.bitPattern == y.bitPattern || (x.isNaN && y.isNaN) }
    return a == b
}

/// Describes the first difference between an engine table and reference rows, or nil.
func difference(_ table: Table, _ expected: RefTable, tolerance: Double = 1e-9) -> String? {
    if table.schema != expected.schema {
        return "schema \(table.schema.fields.map { "\($0.name):\($0.type)" }) != expected \(expected.schema.fields.map { "\($0.name):\($0.type)" })"
    }
    for chunk in table.chunks {
        for (index, column) in chunk.columns.enumerated() {
            if column.count != chunk.count { return "column \(index) has \(column.count) values in a chunk of \(chunk.count)" }
            if column.type != table.schema.fields[index].type { return "column \(index) is \(column.type) in a chunk" }
        }
    }
    let rows = table.rows()
    if rows.count != expected.rows.count {
        return "\(rows.count) rows, expected \(expected.rows.count)\n got: \(rows.prefix(8))\n expected: \(expected.rows.prefix(8))"
    }
    for (index, (row, want)) in zip(rows, expected.rows).enumerated() {
        if row.count != want.count || !zip(row, want).allSatisfy({ sameValue($0, $1, tolerance: tolerance) }) {
            return "row \(index): \(row) != expected \(want)"
        }
    }
    return nil
}

func identical(_ a: Table, _ b: Table) -> Bool {
    let x = a.rows()
    let y = b.rows()
    return a.schema == b.schema && x.count == y.count
        && zip(x, y).allSatisfy { zip($0, $1).allSatisfy { identicalValue($0, $1) } }
}

enum Outcome {
    case table(Table)
    case failure(EngineError.Kind)
}

/// Runs `body` at every thread count (with a small morsel size sometimes), checks that all runs
/// agree bit for bit, and compares with the reference result (or its error).
func checkAgainstReference(
    _ label: String, seed: UInt64, tolerance: Double = 1e-9, reference: () throws -> RefTable,
    engine: (ExecutionContext) throws -> Table, sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    let expected: Result<RefTable, ReferenceError>
    do { expected = .success(try reference()) } catch let error as ReferenceError { expected = .failure(error) } catch {
        Issue.record("reference failed unexpectedly: \(error)", sourceLocation: sourceLocation)
        return
    }
    var first: Table?
    for threads in threadCounts {
        let context = ExecutionContext(
            threadCount: threads, morselSize: seed % 3 == 0 ? 7 : 65_536, unitRows: [1, 8, 50, 1 << 17][Int(seed % 4)])
        let outcome: Outcome
        do { outcome = .table(try engine(context)) } catch let error as EngineError { outcome = .failure(error.kind) } catch {
            Issue.record("\(label) seed \(seed): unexpected error \(error)", sourceLocation: sourceLocation)
            return
        }
        switch (outcome, expected) {
        case (.failure(let kind), .failure(let want)):
            #expect(kind == want.kind, "\(label) seed \(seed) threads \(threads)", sourceLocation: sourceLocation)
        case (.failure(let kind), .success):
            Issue.record("\(label) seed \(seed) threads \(threads): engine failed with \(kind), reference succeeded", sourceLocation: sourceLocation)
            return
        case (.table, .failure(let want)):
            Issue.record("\(label) seed \(seed) threads \(threads): engine succeeded, reference failed with \(want.kind)", sourceLocation: sourceLocation)
            return
        case (.table(let table), .success(let want)):
            if let problem = difference(table, want, tolerance: tolerance) {
                Issue.record("\(label) seed \(seed) threads \(threads): \(problem)", sourceLocation: sourceLocation)
                return
            }
            if let first, !identical(first, table) {
                Issue.record("\(label) seed \(seed): result at \(threads) threads differs from 1 thread", sourceLocation: sourceLocation)
                return
            }
            if first == nil { first = table }
        }
    }
}
