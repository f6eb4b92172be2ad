#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LumbungQuery
import PropertyBased
import Testing

/// Random queries from LQ's grammar, written with random spacing, case, line breaks at the
/// places the spec allows them, comments and redundant parentheses. Each must parse without an
/// error, and its canonical text must parse to itself.
@Suite("parser on generated valid queries")
struct GeneratedQueryTests {
    @Test("generated queries parse, and their canonical text is a fixpoint")
    func generated() async {
        await propertyCheck(count: ParserFuzzTests.count, input: ParserFuzzTests.seeds) { seed in
            var generator = QueryGenerator(rng: SplitMix(seed: seed))
            let query = generator.query()
            let result = Parser.parse(query)
            // Warnings are fine (the generator writes `a == 1 or 2` now and then); errors are not.
            #expect(!result.hasErrors, "seed \(seed): \(query.debugDescription)\n\(result.diagnostics)")
            let canonical = result.query.canonical
            let again = Parser.parse(canonical)
            #expect(!again.hasErrors, "seed \(seed): \(canonical.debugDescription)\n\(again.diagnostics)")
            #expect(again.query.canonical == canonical, "seed \(seed): \(query.debugDescription)")
            #expect(again.query.steps.count == result.query.steps.count)
        }
    }
}

struct QueryGenerator {
    var rng: SplitMix

    mutating func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
    mutating func chance(_ percent: UInt64) -> Bool { rng.next() % 100 < percent }

    mutating func cased(_ word: String) -> String {
        switch rng.next() % 4 {
        case 0: return word.uppercased()
        case 1: return word.prefix(1).uppercased() + word.dropFirst()
        default: return word
        }
    }

    /// A space, or a line break where a step may continue (after `,` or an operator).
    mutating func gap(afterOperator: Bool) -> String {
        if afterOperator, chance(10) { return chance(50) ? "\n    " : " # catatan\n  " }
        return pick([" ", " ", "  ", "\t"])
    }

    mutating func name() -> String {
        pick(["instansi", "kanal", "status", "tanggal_permohonan", "skor_ikm", "nip", "x", "_a1", "`nama kolom`",
              "`år`", "`and`", "by", "on", "left", "from"])
    }

    mutating func column() -> String {
        chance(15) ? pick(["pegawai", "p", "`t t`"]) + "." + name() : name()
    }

    mutating func literal() -> String {
        pick(["0", "42", "3.5", "1e3", "2.5E-2", "\"Selesai\"", "\"a\\\"b\\\\c\\n\\t\\u{1F600}\"", "\"\"", "true",
              "FALSE", "null", "@2024-01-31", "@2024-02-29T08:30:00", "@2024-01-01T00:00", "$tahun",
              "9223372036854775807"])
    }

    mutating func expression(_ depth: Int) -> String {
        if depth <= 0 || chance(25) { return chance(50) ? column() : literal() }
        switch rng.next() % 12 {
        case 0, 1:
            let op = pick(["+", "-", "*", "/", "%", "??", "==", "!=", "<", "<=", ">", ">="])
            return "(\(expression(depth - 1)) \(op)\(gap(afterOperator: true))\(expression(depth - 1)))"
        case 2:
            return "(\(expression(depth - 1)) \(cased(pick(["and", "or"])))\(gap(afterOperator: true))\(expression(depth - 1)))"
        case 3: return "(\(cased("not")) \(expression(depth - 1)))"
        case 4: return "-\(chance(50) ? column() : "(" + expression(depth - 1) + ")")"
        case 5:
            let values = (0..<Int(rng.next() % 4)).map { _ in literal() }.joined(separator: ",\(gap(afterOperator: true))")
            return "(\(column()) \(chance(30) ? "not in" : "in") [\(values)])"
        case 6: return "(\(column()) in \(pick(["@2024", "@2024-Q3", "@2024-12", "$periode"])))"
        case 7: return "(\(column()) is \(chance(50) ? "not " : "")\(cased("null")))"
        case 8, 9:
            let arguments = (0..<Int(rng.next() % 3)).map { _ in expression(depth - 1) }
            return cased(pick(["count", "avg", "days_between", "coalesce", "if"])) + "("
                + arguments.joined(separator: ",\(gap(afterOperator: true))") + ")"
        default:
            return "(\(expression(depth - 1)))"
        }
    }

    mutating func list(_ count: Int, _ item: (inout QueryGenerator) -> String) -> String {
        (0..<max(1, count)).map { _ in item(&self) }.joined(separator: ",\(gap(afterOperator: true))")
    }

    mutating func step() -> String {
        switch rng.next() % 9 {
        case 0: return cased("where") + " " + expression(3)
        case 1: return cased("derive") + " " + list(Int(rng.next() % 3)) { "\($0.name()) = \($0.expression(2))" }
        case 2:
            return cased("select") + " " + list(Int(rng.next() % 3)) {
                $0.chance(50) ? $0.column() : "\($0.name()) = \($0.expression(2))"
            }
        case 3:
            var text = cased("summarize") + " " + list(Int(rng.next() % 3)) { "\($0.name()) = \($0.expression(2))" }
            if chance(70) {
                text += (chance(30) ? "\n       " : " ") + cased("by") + " "
                text += list(Int(rng.next() % 3)) { $0.chance(70) ? $0.column() : "\($0.name()) = \($0.expression(1))" }
            }
            return text
        case 4:
            let kind = chance(50) ? cased(pick(["inner", "left", "semi", "anti"])) + " " : ""
            return cased("join") + " " + kind + pick(["pegawai", "`data pegawai`"]) + (chance(20) ? "\n  " : " ")
                + cased("on") + " " + list(Int(rng.next() % 2)) { $0.chance(50) ? $0.name() : "\($0.column()) == \($0.column())" }
        case 5: return cased("sort") + " " + list(Int(rng.next() % 3)) { ($0.chance(50) ? "-" : "") + $0.column() }
        case 6: return cased("take") + " " + pick(["10", "0", "$n"])
        case 7: return cased("distinct") + (chance(50) ? "" : " " + list(Int(rng.next() % 3)) { $0.column() })
        default: return "# hanya komentar\n"
        }
    }

    mutating func query() -> String {
        var text = ""
        if chance(20) { text += "param tahun: \(pick(["int", "date", "string"]))\(chance(50) ? " = 2024" : "")\n" }
        text += cased("from") + " " + pick(["layanan", "`data layanan`", "\"data/layanan.csv.gz\"", "$sumber"])
        for _ in 0..<Int(rng.next() % 6) {
            let next = step()
            text += (next.hasPrefix("#") ? "\n" : pick([" | ", "\n", "\n\n", "\n| ", " |\n", " # c\n"])) + next
        }
        return text + pick(["", "\n", " # akhir"])
    }
}
