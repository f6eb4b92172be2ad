#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LumbungQuery
import PropertyBased
import Testing

/// The parser on random input: token soups (LQ's own vocabulary in random order, so most inputs
/// get deep into the parser) and random bytes. It must never crash, must always give either a
/// query without errors or at least one error, every range must match the text, every diagnostic
/// must render, and a query without errors must print to canonical text that parses to itself.
///
/// 2,000 inputs per property by default; `LQ_FUZZ_COUNT=1000000 swift test --filter ParserFuzzTests`
/// for a long run.
@Suite("parser on random input")
struct ParserFuzzTests {
    static let seeds = Gen<UInt64>.value(in: 0...UInt64.max)

    static var count: Int {
        if let raw = getenv("LQ_FUZZ_COUNT"), let value = Int(String(cString: raw)), value > 0 { return value }
        return 2_000
    }

    static let vocabulary: [String] = [
        "from", "where", "derive", "select", "summarize", "join", "sort", "take", "distinct", "param", "by", "on",
        "inner", "left", "semi", "anti", "and", "or", "not", "in", "is", "null", "true", "false", "FROM", "Where",
        "layanan", "instansi", "tanggal_permohonan", "status", "x", "pegawai", "`nama kolom`", "`år`", "`", "``",
        "count", "avg", "share", "days_between", "desc", "int", "date", "sumarize", "adn",
        "0", "42", "3.5", "1e3", "9223372036854775807", "9223372036854775808", "12abc",
        "\"Selesai\"", "\"a\\\"b\"", "\"\\u{41}\"", "\"\\q\"", "\"", "\"open", "“Selesai”", "“",
        "@2024-01-31", "@2024-01-31T08:30:00", "@2024", "@2024-Q1", "@2024-03", "@2024-13-01", "@", "@x",
        "$tahun", "$", "#", "# komentar\n", "+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "=", "??", "?",
        "!", "&&", "||", "<>", ",", ".", ":", "(", ")", "[", "]", "|", "\n", "\n\n", "\r\n", "\t", "é", "😀", "\u{0}",
        "~", ";", "\\",
    ]

    static func soup(_ rng: inout SplitMix) -> String {
        let length = Int(rng.next() % 48)
        var text = ""
        for _ in 0..<length {
            text += vocabulary[Int(rng.next() % UInt64(vocabulary.count))]
            if rng.next() % 4 != 0 { text += " " }
        }
        return text
    }

    static func bytes(_ rng: inout SplitMix) -> String {
        let length = Int(rng.next() % 120)
        let asciiOnly = rng.next() % 2 == 0
        let raw = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next() % (asciiOnly ? 128 : 256)) }
        return String(decoding: raw, as: UTF8.self)
    }

    /// Mutates a valid query: deletes, duplicates or swaps a few bytes.
    static func mutant(_ rng: inout SplitMix) -> String {
        var raw = Array(Self.valid[Int(rng.next() % UInt64(Self.valid.count))].utf8)
        for _ in 0..<(1 + Int(rng.next() % 4)) where !raw.isEmpty {
            let at = Int(rng.next() % UInt64(raw.count))
            switch rng.next() % 3 {
            case 0: raw.remove(at: at)
            case 1: raw.insert(raw[Int(rng.next() % UInt64(raw.count))], at: at)
            default: raw[at] = UInt8(truncatingIfNeeded: rng.next() % 128)
            }
        }
        return String(decoding: raw, as: UTF8.self)
    }

    static let valid = [
        """
        from layanan
        where tanggal_permohonan >= @2024-01-01 and status != "Ditolak"
        derive durasi = days_between(tanggal_permohonan, tanggal_selesai)
        summarize jumlah = count(), patuh_sla = share(status == "Selesai" and durasi <= sla_hari)
               by instansi, kanal
        sort -jumlah, instansi
        take 10
        """,
        "param t: int = 2024\nfrom x | join left p on a == p.b | where a in [1, 2] or b is not null | distinct a",
        "from x | select a, b = -c * (d + e) % 2 ?? 0 | where t in @2024-Q1 and not (u <= 3.5)",
    ]

    /// Checks every invariant on one input; returns a description of the first violation.
    static func check(_ source: String) -> String? {
        let result = Parser.parse(source)
        if !result.hasErrors {
            guard let first = result.query.steps.first, first.kind == .from else {
                return "no errors but no query"
            }
        }
        let bytes = Array(source.utf8)
        for diagnostic in result.diagnostics {
            if let range = diagnostic.range {
                guard range.start.offset >= 0, range.start.offset <= range.end.offset, range.end.offset <= bytes.count
                else { return "range \(range) out of bounds in \(diagnostic)" }
                if let problem = checkPosition(range.start, bytes) { return "\(problem) in \(diagnostic)" }
            }
        }
        let renderer = DiagnosticRenderer(source: source, language: .english)
        let rendered = renderer.render(result.diagnostics)
        if result.diagnostics.isEmpty != rendered.isEmpty { return "rendering" }
        _ = DiagnosticRenderer(source: source, language: .indonesian).render(result.diagnostics)
        if !result.hasErrors {
            let canonical = result.query.canonical
            let again = Parser.parse(canonical)
            if again.hasErrors { return "canonical text \(canonical.debugDescription) has errors: \(again.errors)" }
            if again.query.canonical != canonical {
                return "canonical text changes: \(canonical.debugDescription) → \(again.query.canonical.debugDescription)"
            }
        }
        return nil
    }

    /// The line and column of a position must be those of its byte offset.
    static func checkPosition(_ position: SourcePosition, _ bytes: [UInt8]) -> String? {
        var line = 1
        var column = 1
        for byte in bytes[0..<position.offset] {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return line == position.line && column == position.column ? nil : "position \(position) is not \(line):\(column)"
    }

    func run(_ make: @escaping @Sendable (inout SplitMix) -> String) async {
        await propertyCheck(count: Self.count, input: Self.seeds) { seed in
            var rng = SplitMix(seed: seed)
            let source = make(&rng)
            if let problem = Self.check(source) {
                Issue.record("seed \(seed): \(problem)\ninput: \(source.debugDescription)")
            }
        }
    }

    @Test("token soups") func tokenSoups() async { await run(Self.soup) }
    @Test("random bytes") func randomBytes() async { await run(Self.bytes) }
    @Test("mutated valid queries") func mutants() async { await run(Self.mutant) }

    @Test("the valid seeds are valid")
    func validSeeds() {
        for query in Self.valid { #expect(Parser.parse(query).diagnostics.isEmpty, "\(query)") }
    }
}

/// A small, fast, seedable generator (SplitMix64).
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
