import LumbungQuery
import Testing

/// Ranges of syntax nodes, marked in the query with 1️⃣ (start) and 2️⃣ (end).
@Suite("spans of syntax nodes")
struct SpanTests {
    /// Parses `marked` and checks that `pick` finds the node spanning the markers.
    func expectSpan(_ marked: String, sourceLocation: Testing.SourceLocation = #_sourceLocation,
                    _ pick: (Query) -> SourceRange?) {
        let (source, offsets) = extractMarkers(marked)
        let result = Parser.parse(source)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)", sourceLocation: sourceLocation)
        let range = pick(result.query)
        #expect(range?.start.offset == offsets["1"], sourceLocation: sourceLocation)
        #expect(range?.end.offset == offsets["2"], sourceLocation: sourceLocation)
    }

    func condition(_ query: Query) -> Expr? {
        for step in query.steps { if case .where(let w) = step { return w.condition } }
        return nil
    }

    @Test("steps span from their name to their last token")
    func steps() {
        expectSpan("from x | 1️⃣where a > 12️⃣ | take 1") { $0.steps[1].range }
        expectSpan("from x\n1️⃣summarize n = count(),\n  m = max(a)\n  by k2️⃣\ntake 1") { $0.steps[1].range }
        expectSpan("1️⃣from `a b`2️⃣") { $0.steps[0].range }
        expectSpan("from x | 1️⃣distinct2️⃣") { $0.steps[1].range }
    }

    @Test("expressions: operands, calls, parentheses, qualified names, literals")
    func expressions() {
        expectSpan("from x | where 1️⃣a + b * c2️⃣ > 1") { q in
            if case .binary(_, let lhs, _)? = condition(q)?.kind { return lhs.range }
            return nil
        }
        expectSpan("from x | where 1️⃣(a or b)2️⃣ and c") { q in
            if case .binary(.and, let lhs, _)? = condition(q)?.kind { return lhs.range }
            return nil
        }
        expectSpan("from x | where 1️⃣avg(skor, 2)2️⃣ > 1") { q in
            if case .binary(_, let lhs, _)? = condition(q)?.kind { return lhs.range }
            return nil
        }
        expectSpan("from x | where 1️⃣pegawai.`nama lengkap`2️⃣ == \"a\"") { q in
            if case .binary(_, let lhs, _)? = condition(q)?.kind { return lhs.range }
            return nil
        }
        expectSpan("from x | where a == 1️⃣\"S\\\"elesai\"2️⃣") { q in
            if case .binary(_, _, let rhs)? = condition(q)?.kind { return rhs.range }
            return nil
        }
        expectSpan("from x | where 1️⃣a not in [1, 2]2️⃣") { condition($0)?.range }
        expectSpan("from x | where 1️⃣a is not null2️⃣") { condition($0)?.range }
        expectSpan("from x | where 1️⃣not -a2️⃣") { condition($0)?.range }
        expectSpan("from x | where 1️⃣t in @2024-Q12️⃣") { condition($0)?.range }
    }

    @Test("names inside steps")
    func names() {
        expectSpan("from x | derive 1️⃣durasi2️⃣ = 1") { q in
            if case .derive(let d) = q.steps[1] { return d.assignments[0].name.range }
            return nil
        }
        expectSpan("from x | sort a, 1️⃣-p.b2️⃣") { q in
            if case .sort(let s) = q.steps[1] { return s.keys[1].range }
            return nil
        }
        expectSpan("from x | join left p on 1️⃣a == p.b2️⃣") { q in
            if case .join(let j) = q.steps[1] { return j.keys[0].range }
            return nil
        }
        expectSpan("from x | join 1️⃣semi2️⃣ p on a") { q in
            if case .join(let j) = q.steps[1] { return j.kindRange }
            return nil
        }
        expectSpan("from x | summarize n = count() 1️⃣by2️⃣ k") { q in
            if case .summarize(let s) = q.steps[1] { return s.byRange }
            return nil
        }
        expectSpan("param 1️⃣tahun2️⃣: int\nfrom x") { $0.parameters[0].name.range }
    }

    @Test("positions on later lines carry line and column")
    func lineAndColumn() {
        let result = Parser.parse("from x\n  where  a > 1")
        guard case .where(let step) = result.query.steps[1] else {
            Issue.record("no where")
            return
        }
        #expect(step.range.start == SourcePosition(offset: 9, line: 2, column: 3))
        #expect(step.condition.range.start == SourcePosition(offset: 16, line: 2, column: 10))
        #expect(step.range.location(file: "q.lq").description == "q.lq:2:3")
    }
}
