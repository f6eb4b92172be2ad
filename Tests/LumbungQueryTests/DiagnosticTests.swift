import LumbungQuery
import Testing

@Suite("diagnostics: errors, spans and rendering")
struct DiagnosticTests {
    @Test("the rendered shape: line:column, the line with a gutter, a caret, then notes and helps")
    func renderedShape() {
        let (_, rendered, _) = expectDiagnostic(
            "from layanan\n1️⃣sumarize2️⃣ n = count() by instansi", .unknownStep,
            message: "unknown step 'sumarize' — did you mean 'summarize'?")
        #expect(rendered == """
            2:1: unknown step 'sumarize' — did you mean 'summarize'?
             2 | sumarize n = count() by instansi
               | ^^^^^^^^
               = help: replace 'sumarize' with 'summarize'

            """)
    }

    @Test("a file name goes first; warnings say so")
    func fileAndWarning() {
        let source = "from layanan\nwhere status = \"Selesai\""
        let result = Parser.parse(source)
        let text = DiagnosticRenderer(source: source, file: "q.lq", language: .english).render(result.diagnostics)
        #expect(text == """
            q.lq:2:14: warning: '=' names a column; to compare, use '=='
             2 | where status = "Selesai"
               |              ^
               = help: replace '=' with '=='

            """)
        #expect(!result.hasErrors)
        #expect(FixIt.apply(result.diagnostics.flatMap(\.fixIts), to: source) == "from layanan\nwhere status == \"Selesai\"")
    }

    @Test("'=' used to compare is a warning with a fix-it, and parses as ==")
    func assignInCondition() {
        let (diagnostic, _, source) = expectDiagnostic(
            "from layanan | where status 1️⃣=2️⃣ \"Selesai\"", .assignInCondition, severity: .warning)
        #expect(Parser.parse(source).query.canonical == "from layanan | where (status == \"Selesai\")")
        #expect(FixIt.apply(diagnostic?.fixIts ?? [], to: source) == "from layanan | where status == \"Selesai\"")
        expectDiagnostic("from x | join p on a 1️⃣=2️⃣ b", .assignInCondition, severity: .warning)
    }

    @Test("x == \"a\" or \"b\" suggests x in [\"a\", \"b\"]")
    func bareLiteralInOr() {
        let (diagnostic, rendered, source) = expectDiagnostic(
            "from layanan | where status == \"Selesai\" or 1️⃣\"Ditolak\"2️⃣", .bareLiteralInOr, severity: .warning)
        #expect(FixIt.apply(diagnostic?.fixIts ?? [], to: source)
            == "from layanan | where status in [\"Selesai\", \"Ditolak\"]")
        #expect(rendered.contains("write status in [\"Selesai\", \"Ditolak\"]"))
        let (three, _, threeSource) = expectDiagnostic(
            "from x | where s == 1 or s == 2 or 1️⃣32️⃣", .bareLiteralInOr, severity: .warning)
        #expect(FixIt.apply(three?.fixIts ?? [], to: threeSource) == "from x | where s in [1, 2, 3]")
        // Real conditions joined by `or` are fine.
        #expect(Parser.parse("from x | where s == 1 or t == 2 or aktif").diagnostics.isEmpty)
        #expect(Parser.parse("from x | where s == 1 or true").diagnostics.isEmpty)
    }

    @Test("lexical errors, each with its span")
    func lexicalErrors() {
        expectDiagnostic("from x | where a == 1️⃣\"abc2️⃣", .unterminatedString)
        expectDiagnostic("from x | where a == \"a1️⃣\\q2️⃣b\"", .invalidEscape)
        expectDiagnostic("from x | where a == \"1️⃣\\u{zz}2️⃣\"", .invalidEscape)
        expectDiagnostic("from x | where 1️⃣`abc2️⃣", .unterminatedName)
        expectDiagnostic("from x | where 1️⃣``2️⃣ == 1", .expectedName)
        expectDiagnostic("from x | where t >= 1️⃣@2024-02-302️⃣", .invalidDate)
        expectDiagnostic("from x | where t >= 1️⃣@2024-01-01T25:002️⃣", .invalidDate)
        expectDiagnostic("from x | where n > 1️⃣922337203685477580712️⃣", .integerOverflow)
        expectDiagnostic("from x | where 1️⃣12abc2️⃣ == 1", .invalidNumber)
        expectDiagnostic("from x | where a 1️⃣~2️⃣ b", .invalidCharacter)
        expectDiagnostic("from x | where 1️⃣$2️⃣ == 1", .expectedName)
        expectDiagnostic("from x | where a 1️⃣&&2️⃣ b", .invalidOperator, message: "'&&' is not an LQ operator; write 'and'")
        expectDiagnostic("from x | where a 1️⃣<>2️⃣ b", .invalidOperator)
    }

    @Test("curly quotes are read as a string, with a fix-it to straight quotes")
    func smartQuotes() {
        let (diagnostic, _, source) = expectDiagnostic(
            "from x | where nama == 1️⃣“Selesai”2️⃣", .invalidCharacter)
        #expect(FixIt.apply(diagnostic?.fixIts ?? [], to: source) == "from x | where nama == \"Selesai\"")
        #expect(Parser.parse(source).diagnostics.count == 1)
    }

    @Test("a non-ASCII name needs backticks")
    func nonASCIIName() {
        let (diagnostic, _, source) = expectDiagnostic("from x | where 1️⃣jabatan_ç2️⃣ == 2", .invalidCharacter)
        #expect(FixIt.apply(diagnostic?.fixIts ?? [], to: source) == "from x | where `jabatan_ç` == 2")
    }

    @Test("syntax errors, each with its span")
    func syntaxErrors() {
        expectDiagnostic("from x | where a ==1️⃣", .expectedExpression,
                         message: "expected an expression, found the end of the query")
        expectDiagnostic("from x | where a == 1️⃣)2️⃣", .expectedExpression)
        expectDiagnostic("from x | where a < b 1️⃣<2️⃣ c", .chainedComparison)
        expectDiagnostic("from x | where f(a, b1️⃣", .unclosedDelimiter)
        expectDiagnostic("from x | where (a1️⃣\n2️⃣\nsort b", .unclosedDelimiter)
        expectDiagnostic("from x | where a in [1, 2 1️⃣|2️⃣ take 1", .unclosedDelimiter)
        expectDiagnostic("from x | where a is 1️⃣nul2️⃣", .unexpectedToken,
                         message: "expected 'null' or 'not null', found 'nul'")
        expectDiagnostic("from x | where a in 1️⃣32️⃣", .unexpectedToken)
        expectDiagnostic("from x | take 1️⃣x2️⃣", .unexpectedToken, message: "expected a whole number, found 'x'")
        expectDiagnostic("from x | take 1️⃣-2️⃣x", .unexpectedToken)
        expectDiagnostic("from 1️⃣422️⃣", .unexpectedToken)
        expectDiagnostic("from x | join p 1️⃣no2️⃣ nip", .unexpectedToken)
        expectDiagnostic("from x | sort 1️⃣\"a\"2️⃣", .unexpectedToken)
        expectDiagnostic("from x | derive 1️⃣a + 12️⃣", .unnamedColumn)
        expectDiagnostic("from x | select a, 1️⃣b * 22️⃣", .unnamedColumn)
        expectDiagnostic("from x | summarize 1️⃣count()2️⃣ by k", .unnamedColumn)
        expectDiagnostic("from x 1️⃣|2️⃣ |", .expectedStep)
        expectDiagnostic("1️⃣where2️⃣ a", .missingFrom)
        expectDiagnostic("# nothing\n1️⃣", .emptyQuery)
        expectDiagnostic("from x | 1️⃣422️⃣", .unexpectedToken)
    }

    @Test("an empty step between two '|' is an error with a fix-it that removes the extra '|'")
    func emptyStep() {
        let cases: [(String, String)] = [
            ("from x | 1️⃣|2️⃣ take 1", "from x | take 1"),
            ("from x |\n1️⃣|2️⃣ take 1", "from x | take 1"),
            ("from x | where a > 1 | 1️⃣| |2️⃣ take 1", "from x | where a > 1 | take 1"),
        ]
        for (marked, fixed) in cases {
            let (diagnostic, rendered, source) = expectDiagnostic(
                marked, .emptyStep, message: "empty step: there is nothing between these two '|'")
            #expect(FixIt.apply(diagnostic?.fixIts ?? [], to: source) == fixed)
            #expect(rendered.contains("help: remove the extra '|'"))
            #expect(Parser.parse(fixed).diagnostics.isEmpty)
        }
        // Only one error: the query around the empty step still parses.
        #expect(Parser.parse("from x | | take 1").diagnostics.count == 1)
        // A `|` that starts a line, or the query, is no empty step.
        #expect(Parser.parse("from x\n| take 1").diagnostics.isEmpty)
        #expect(Parser.parse("| from x | take 1").diagnostics.isEmpty)
    }

    @Test("a step run into the previous one: insert '|'")
    func missingSeparator() {
        let (diagnostic, _, source) = expectDiagnostic(
            "from x 1️⃣where2️⃣ y", .unexpectedToken, message: "expected the end of the step, found 'where'")
        #expect(FixIt.apply(diagnostic?.fixIts ?? [], to: source) == "from x | where y")
        #expect(Parser.parse("from x | where y").diagnostics.isEmpty)
    }

    @Test("misspelt keywords get a suggestion and a fix-it")
    func misspeltKeywords() {
        let cases: [(String, String)] = [
            ("from x | where a 1️⃣adn2️⃣ b", "from x | where a and b"),
            ("from x | summarize n = count() 1️⃣bye2️⃣ k", "from x | summarize n = count() by k"),
            ("from x | join 1️⃣lef2️⃣ p on nip", "from x | join left p on nip"),
            ("from x | where a is 1️⃣nul2️⃣", "from x | where a is null"),
            ("from x | derive a 1️⃣==2️⃣ 1", "from x | derive a = 1"),
        ]
        for (marked, fixed) in cases {
            let (diagnostic, _, source) = expectDiagnostic(marked, .unexpectedToken)
            #expect(FixIt.apply(diagnostic?.fixIts ?? [], to: source) == fixed)
        }
        let (sort, _, sortSource) = expectDiagnostic("from x | sort jumlah 1️⃣desc2️⃣, b", .unexpectedToken)
        #expect(FixIt.apply(sort?.fixIts ?? [], to: sortSource) == "from x | sort -jumlah, b")
    }

    @Test("unknown steps: the nearest, or the list")
    func unknownSteps() {
        let (d, _, source) = expectDiagnostic("from x | 1️⃣SUMARIZE2️⃣ n = count()", .unknownStep)
        #expect(FixIt.apply(d?.fixIts ?? [], to: source) == "from x | summarize n = count()")
        expectDiagnostic("from x | 1️⃣filter2️⃣ a > 1", .unknownStep, message: "unknown step 'filter'")
        let (_, rendered, _) = expectDiagnostic("from x | 1️⃣groupby2️⃣ a", .unknownStep)
        #expect(rendered.hasSuffix(
            "= help: a step starts with one of: from, where, derive, select, summarize, join, sort, take, distinct\n"))
        expectDiagnostic("from x | 1️⃣wher2️⃣ a > 1", .unknownStep, message: "unknown step 'wher' — did you mean 'where'?")
        expectDiagnostic("1️⃣form2️⃣ x", .unknownStep, message: "unknown step 'form' — did you mean 'from'?")
    }

    @Test("param lines: unknown type, duplicate, after a step")
    func parameterErrors() {
        let (d, _, source) = expectDiagnostic("param tahun: 1️⃣integr2️⃣ = 2024\nfrom x", .unknownParameterType)
        #expect(FixIt.apply(d?.fixIts ?? [], to: source) == "param tahun: integer = 2024\nfrom x")
        let (dup, _, _) = expectDiagnostic("param a: int\nparam 1️⃣a2️⃣: int\nfrom x", .duplicateParameter)
        #expect(dup?.notes.first?.range?.start.line == 1)
        expectDiagnostic("from x\n1️⃣param2️⃣ a: int", .misplacedParameter)
    }

    @Test("several independent errors in one query are all reported, in order")
    func severalErrors() {
        let source = """
            from layanan
            where tanggal >= @2024-13-01 and status == "Selesai
            sumarize n = count() by instansi
            derive rasio = (a + b
            sort jumlah desc
            take x
            """
        let result = Parser.parse(source)
        #expect(result.diagnostics.map(\.id) == [
            .invalidDate, .unterminatedString, .unknownStep, .unclosedDelimiter, .unexpectedToken, .unexpectedToken,
        ])
        #expect(result.diagnostics.map { $0.range?.start.line ?? 0 } == [2, 2, 3, 4, 5, 6])
        // The steps without errors are still in the tree.
        #expect(result.query.steps.map(\.kind) == [.from, .where, .sort])
        let rendered = DiagnosticRenderer(source: source, language: .english).render(result.diagnostics)
        #expect(rendered.split(separator: "\n", omittingEmptySubsequences: false).filter(\.isEmpty).count == 6)
    }

    @Test("messages in Indonesian keep the ids and spans")
    func indonesian() {
        let (_, rendered, _) = expectDiagnostic(
            "from layanan\n1️⃣sumarize2️⃣ n = count()", .unknownStep,
            message: "langkah 'sumarize' tidak dikenal — maksud Anda 'summarize'?", language: .indonesian)
        #expect(rendered == """
            2:1: langkah 'sumarize' tidak dikenal — maksud Anda 'summarize'?
             2 | sumarize n = count()
               | ^^^^^^^^
               = bantuan: ganti 'sumarize' dengan 'summarize'

            """)
        let (_, warning, _) = expectDiagnostic(
            "from x | where a 1️⃣=2️⃣ 1", .assignInCondition, severity: .warning, language: .indonesian)
        #expect(warning.hasPrefix("1:18: peringatan: '=' memberi nama kolom; untuk membandingkan, gunakan '=='\n"))
        expectDiagnostic("from x | where f(a1️⃣", .unclosedDelimiter,
                         message: "diharapkan ')' untuk menutup '('", language: .indonesian)
        expectDiagnostic("from x | take 1️⃣\"a\"2️⃣", .unexpectedToken,
                         message: "diharapkan bilangan bulat, ditemukan string \"a\"", language: .indonesian)
        #expect(Language(code: "id_ID.UTF-8") == .indonesian)
        #expect(Language(code: "id") == .indonesian)
        #expect(Language(code: "en_US") == .english)
        #expect(Language(code: "") == .english)
    }

    @Test("every message exists in both languages")
    func bothLanguages() {
        let messages: [Message] = [
            Messages.unterminatedString, Messages.missingFrom, Messages.emptyQuery, Messages.chainedComparison,
            Messages.unknown(.column, "instansii", .didYouMean("instansi")), Messages.nestingTooDeep,
        ]
        for message in messages {
            #expect(!message.english.isEmpty && !message.indonesian.isEmpty && message.english != message.indonesian)
        }
        #expect(Messages.unknown(.column, "instansii", .didYouMean("instansi")).english
            == "unknown column 'instansii' — did you mean 'instansi'?")
        #expect(Messages.unknown(.column, "instansii", .didYouMean("instansi")).indonesian
            == "kolom 'instansii' tidak dikenal — maksud Anda 'instansi'?")
    }

    @Test("the catalogue is sorted, unique, and every id is lq.lowerCamelCase")
    func catalogue() {
        let codes = DiagnosticID.catalogue.map(\.code)
        #expect(codes == codes.sorted())
        #expect(Set(codes).count == codes.count)
        for id in DiagnosticID.catalogue {
            #expect(id.domain == "lq")
            #expect(id.code.first?.isLowercase == true)
            #expect(!id.code.contains("_"))
        }
        #expect(DiagnosticID.unknownStep.description == "lq.unknownStep")
    }

    @Test("deep nesting is an error, not a crash")
    func deepNesting() {
        let deep = "from x | where " + String(repeating: "(", count: 10_000) + "a" + String(repeating: ")", count: 10_000)
        #expect(Parser.parse(deep).diagnostics.map(\.id) == [.nestingTooDeep])
        let nots = "from x | where " + String(repeating: "not ", count: 5_000) + "a"
        #expect(Parser.parse(nots).diagnostics.map(\.id) == [.nestingTooDeep])
        let minus = "from x | where " + String(repeating: "-", count: 5_000) + "a"
        #expect(Parser.parse(minus).diagnostics.map(\.id) == [.nestingTooDeep])
        let ok = "from x | where " + String(repeating: "(", count: 50) + "a" + String(repeating: ")", count: 50)
        #expect(Parser.parse(ok).diagnostics.isEmpty)
    }

    @Test("carets under tabs and non-ASCII text line up")
    func caretAlignment() {
        let source = "from x\n\twhere `år` == \"ü\" and 1 +"
        let result = Parser.parse(source)
        let text = DiagnosticRenderer(source: source, language: .english).render(result.diagnostics)
        #expect(text == """
            2:27: expected an expression, found the end of the query
             2 | \twhere `år` == "ü" and 1 +
               | \t                         ^

            """)
    }
}
