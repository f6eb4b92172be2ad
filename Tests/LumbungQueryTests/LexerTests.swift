import LumbungQuery
import Testing

@Suite("lexer")
struct LexerTests {
    func kinds(_ source: String) -> [Token.Kind] { Lexer.tokenize(source).tokens.map(\.kind) }
    func texts(_ source: String) -> [String] { Lexer.tokenize(source).tokens.map(\.text) }

    @Test("every token has its line, column and byte offset")
    func positions() {
        let tokens = Lexer.tokenize("from layanan\n  where år == 1").tokens
        let where_ = tokens[3]
        #expect(where_.text == "where")
        #expect(where_.range.start == SourcePosition(offset: 15, line: 2, column: 3))
        #expect(where_.range.end == SourcePosition(offset: 20, line: 2, column: 8))
        // `år` is not a plain name: reported, and columns count characters, not bytes.
        let (all, diagnostics) = Lexer.tokenize("from x | where `år` == 1")
        #expect(diagnostics.isEmpty)
        let equal = all.first { $0.kind == .equal }!
        #expect(equal.range.start == SourcePosition(offset: 21, line: 1, column: 21))
    }

    @Test("names, backtick names and case-insensitive keywords")
    func names() {
        #expect(kinds("a AND b Or NOT c") == [.name, .keyword(.and), .name, .keyword(.or), .keyword(.not), .name, .endOfInput])
        let tokens = Lexer.tokenize("`Tanggal Permohonan` _x9 Null TRUE false").tokens
        #expect(tokens[0].kind == .quotedName)
        #expect(tokens[0].value == "Tanggal Permohonan")
        #expect(tokens[1].kind == .name)
        #expect(tokens.dropFirst(2).prefix(3).map(\.kind) == [.keyword(.null), .keyword(.true), .keyword(.false)])
    }

    @Test("strings and their escapes")
    func strings() {
        let tokens = Lexer.tokenize(#""a\"b\\c\nd\te\u{41}\u{1F600}" "Sangat Baik" """#).tokens
        #expect(tokens[0].kind == .string)
        #expect(tokens[0].value == "a\"b\\c\nd\te" + "A\u{1F600}")
        #expect(tokens[1].value == "Sangat Baik")
        #expect(tokens[2].value == "")
    }

    @Test("integers, decimals and exponents")
    func numbers() {
        #expect(kinds("42 3.5 1e3 2.5E-2 0") == [.integer, .decimal, .decimal, .decimal, .integer, .endOfInput])
        #expect(kinds("9223372036854775807") == [.integer, .endOfInput])
        // `3.` is 3 then a dot (qualified names use dots), not a decimal.
        #expect(kinds("3.x") == [.integer, .dot, .name, .endOfInput])
    }

    @Test("dates, timestamps and periods")
    func temporal() {
        #expect(kinds("@2024-01-31 @2024-01-31T08:30:00 @2024-01-31T08:30 @2024-01-31T08:30:00.25Z")
            == [.date, .timestamp, .timestamp, .timestamp, .endOfInput])
        #expect(kinds("@2024 @2024-Q1 @2024-q4 @2024-03") == [.period, .period, .period, .period, .endOfInput])
        #expect(TemporalLiteral.parse("@2024-02-29") == .date(19782))
        #expect(TemporalLiteral.parse("@2023-02-29") == nil)
        #expect(TemporalLiteral.parse("@2024-01-01T00:00:01") == .timestamp(1_704_067_201_000_000))
        #expect(TemporalLiteral.parse("@2024-Q5") == nil)
        if case .period(let period) = TemporalLiteral.parse("@2024-Q1") {
            #expect(period.firstDay == 19723)
            #expect(period.endDay == 19723 + 91)
        } else {
            Issue.record("not a period")
        }
    }

    @Test("operators and punctuation")
    func operators() {
        #expect(kinds("+ - * / % == != < <= > >= = ?? , . : ( ) [ ] |")
            == [.plus, .minus, .star, .slash, .percent, .equal, .notEqual, .less, .lessEqual, .greater,
                .greaterEqual, .assign, .coalesce, .comma, .dot, .colon, .leftParen, .rightParen, .leftBracket,
                .rightBracket, .pipe, .endOfInput])
        #expect(kinds("a<=-1") == [.name, .lessEqual, .minus, .integer, .endOfInput])
    }

    @Test("parameters and comments")
    func parametersAndComments() {
        let tokens = Lexer.tokenize("where tahun == $tahun # the year\n# whole line\ntake 1").tokens
        #expect(tokens.map(\.kind) == [.name, .name, .equal, .parameter, .newline, .name, .integer, .endOfInput])
        #expect(tokens[3].value == "tahun")
    }

    @Test("newlines separate steps except where the spec says a line continues")
    func continuation() {
        // After `,`, an operator or `|`, inside parentheses and brackets: no separator.
        #expect(!kinds("derive a = 1,\n b = 2").contains(.newline))
        #expect(!kinds("where a ==\n 1").contains(.newline))
        #expect(!kinds("where a and\n b").contains(.newline))
        #expect(!kinds("where f(a,\n b\n)").contains(.newline))
        #expect(!kinds("where a in [1,\n 2\n ]").contains(.newline))
        #expect(kinds("from x |\n where y").filter { $0 == .pipe || $0 == .newline } == [.pipe])
        // A line that starts with `by`, `on` or a binary operator continues the one before.
        #expect(!kinds("summarize n = count()\n   by instansi").contains(.newline))
        #expect(!kinds("join pegawai\n on nip").contains(.newline))
        #expect(!kinds("where a == 1\n  and b == 2").contains(.newline))
        // Otherwise a newline ends the step; blank lines and comment lines collapse.
        #expect(kinds("from x\n\n# c\n\nwhere y") == [.name, .name, .newline, .name, .name, .endOfInput])
        #expect(kinds("from x\n| where y") == [.name, .name, .pipe, .name, .name, .endOfInput])
        #expect(kinds("\n\nfrom x\n\n") == [.name, .name, .endOfInput])
    }

    @Test("an unclosed parenthesis does not swallow the next steps")
    func unclosedParenthesisRecovery() {
        #expect(kinds("where f(a\nsort b") == [.name, .name, .leftParen, .name, .newline, .name, .name, .endOfInput])
    }

    @Test("CRLF line ends")
    func crlf() {
        #expect(kinds("from x\r\nwhere y\r\n") == [.name, .name, .newline, .name, .name, .endOfInput])
    }
}
