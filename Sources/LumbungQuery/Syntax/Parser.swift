/// The result of parsing: a query (possibly missing the steps that had errors) and every
/// diagnostic, errors and warnings, in source order.
public struct ParseResult: Sendable {
    public var query: Query
    public var diagnostics: [Diagnostic]

    /// Whether any diagnostic is an error (the query must not run).
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
}

/// What the parser accepts.
public struct ParseOptions: Sendable {
    /// Whether the first step must be `from` (a REPL continuing a previous query sets this to false).
    public var requireFrom: Bool

    public init(requireFrom: Bool = true) {
        self.requireFrom = requireFrom
    }
}

/// Parses LQ. It never throws and never stops at the first error: a step with an error is
/// reported and skipped up to the next step boundary (`|` or a line break), and parsing goes on,
/// so one run reports every independent error.
///
/// - Complexity: O(n) in the length of the query.
public struct Parser {
    var tokens: [Token]
    var index = 0
    var diagnostics: [Diagnostic] = []
    let bytes: [UInt8]
    let options: ParseOptions
    var depth = 0
    static let maximumDepth = 64

    /// Aborts the current step; the diagnostic has been reported already.
    struct StepAbort: Error {}

    init(_ source: String, options: ParseOptions) {
        let (tokens, diagnostics) = Lexer.tokenize(source)
        self.tokens = tokens
        self.diagnostics = diagnostics
        self.bytes = Array(source.utf8)
        self.options = options
    }

    /// Parses a whole query (optional `param` lines, then steps).
    public static func parse(_ source: String, options: ParseOptions = ParseOptions()) -> ParseResult {
        var parser = Parser(source, options: options)
        let query = parser.parseQuery()
        return ParseResult(query: query, diagnostics: parser.sortedDiagnostics())
    }

    /// Parses a single expression (for tests, the REPL and pipeline checks).
    public static func parseExpression(_ source: String) -> (expression: Expr?, diagnostics: [Diagnostic]) {
        var parser = Parser(source, options: ParseOptions())
        var expression: Expr?
        do {
            expression = try parser.parseExpression()
            if parser.current.kind != .endOfInput {
                parser.report(.unexpectedToken, Messages.unexpected(parser.current, expected: Messages.endOfStep),
                              parser.current.range)
            }
        } catch {}
        return (expression, parser.sortedDiagnostics())
    }

    func sortedDiagnostics() -> [Diagnostic] {
        // Stable: by position, diagnostics without a range last.
        diagnostics.enumerated().sorted { a, b in
            let x = a.element.range?.start.offset ?? Int.max
            let y = b.element.range?.start.offset ?? Int.max
            return x != y ? x < y : a.offset < b.offset
        }.map(\.element)
    }

    // MARK: - Tokens

    var current: Token { tokens[index] }

    func peek(_ ahead: Int = 1) -> Token { tokens[min(index + ahead, tokens.count - 1)] }

    @discardableResult
    mutating func advance() -> Token {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    /// The end of the previous token (for ranges of nodes just parsed).
    var previousEnd: SourcePosition { index > 0 ? tokens[index - 1].range.end : current.range.start }

    func range(from start: SourcePosition) -> SourceRange { SourceRange(start, max(start, previousEnd)) }

    func text(_ range: SourceRange) -> String {
        String(decoding: bytes[range.start.offset..<min(range.end.offset, bytes.count)], as: UTF8.self)
    }

    mutating func report(_ id: DiagnosticID, _ message: Message, _ range: SourceRange?,
                         severity: Diagnostic.Severity = .error, notes: [Diagnostic.Note] = [],
                         helps: [Diagnostic.Note] = [], fixIts: [FixIt] = []) {
        diagnostics.append(Diagnostic(id, message, severity: severity, range: range, notes: notes, helps: helps,
                                      fixIts: fixIts))
    }

    /// Reports "expected …, found …" at the current token (unless the lexer already reported it)
    /// and aborts the step. When the current token is a name close to one of `words`, suggests it.
    mutating func fail(expected: Message, words: [String] = []) throws -> Never {
        reportUnexpected(expected: expected, words: words)
        throw StepAbort()
    }

    mutating func reportUnexpected(expected: Message, words: [String] = []) {
        let token = current
        guard token.kind != .invalid else { return }
        var helps: [Diagnostic.Note] = []
        var fixIts: [FixIt] = []
        if token.kind == .name, !words.isEmpty, let best = NameSuggester(words).suggest(token.text) {
            fixIts.append(FixIt(Messages.fixReplace(token.text, best), range: token.range, replacement: best))
        } else if token.kind == .name, StepKind.lookup(token.text) != nil {
            helps.append(Diagnostic.Note(Messages.helpStepsSeparated))
            fixIts.append(FixIt(Messages.fixInsertPipe, range: SourceRange(at: token.range.start), replacement: "| "))
        }
        report(.unexpectedToken, Messages.unexpected(token, expected: expected), token.range, helps: helps,
               fixIts: fixIts)
    }

    /// Consumes a token of `kind`, or fails.
    @discardableResult
    mutating func expect(_ kind: Token.Kind, _ what: Message) throws -> Token {
        guard current.kind == kind else { try fail(expected: what) }
        return advance()
    }

    /// Consumes a name or a name in backticks, or fails.
    mutating func expectName(_ what: Message) throws -> Name {
        let token = current
        switch token.kind {
        case .name:
            advance()
            return Name(token.text, range: token.range)
        case .quotedName:
            advance()
            return Name(token.value, range: token.range, isQuoted: true)
        default:
            try fail(expected: what)
        }
    }

    var atName: Bool { current.kind == .name || current.kind == .quotedName }

    /// Skips to the next step boundary (error recovery).
    mutating func skipToBoundary() {
        while !current.isStepBoundary { advance() }
    }
}
