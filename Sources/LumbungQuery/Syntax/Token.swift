/// One lexeme of a query, with its place in the text.
public struct Token: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// A name: `instansi`, or a contextual keyword (`from`, `by`, `on` …): the parser decides.
        case name
        /// A name in backticks: `` `nama kolom` ``; `value` holds it without the backticks.
        case quotedName
        /// A reserved word: `and or not in is null true false` (case-insensitive).
        case keyword(Keyword)
        case integer
        case decimal
        /// `value` holds the string with escapes resolved.
        case string
        /// `@2024-01-31`
        case date
        /// `@2024-01-31T08:30:00`
        case timestamp
        /// `@2024`, `@2024-Q1`, `@2024-03`
        case period
        /// `$tahun`; `value` holds the name without `$`.
        case parameter
        case plus, minus, star, slash, percent
        case equal, notEqual, less, lessEqual, greater, greaterEqual
        /// `=`: names a column in `derive`/`select`/`summarize`; a mistake in a condition.
        case assign
        /// `??`
        case coalesce
        case comma, dot, colon
        case leftParen, rightParen, leftBracket, rightBracket
        /// `|`
        case pipe
        /// A line break that ends a step (continuation lines produce none).
        case newline
        case endOfInput
        /// Something the lexer could not read; a diagnostic has been reported for it.
        case invalid
    }

    public var kind: Kind
    public var range: SourceRange
    /// The exact source text.
    public var text: String
    /// The decoded value for names in backticks, strings and parameters; otherwise `text`.
    public var value: String

    public init(kind: Kind, range: SourceRange, text: String, value: String? = nil) {
        self.kind = kind
        self.range = range
        self.text = text
        self.value = value ?? text
    }

    /// Whether this is a `name` equal to `word` ignoring case (a contextual keyword).
    public func isWord(_ word: String) -> Bool {
        kind == .name && text.equalsIgnoringASCIICase(word)
    }

    /// Whether this token ends a step: `|`, a separating newline or the end of the input.
    public var isStepBoundary: Bool { kind == .pipe || kind == .newline || kind == .endOfInput }

    public var description: String { "\(kind)@\(range.start) \(text.debugDescription)" }
}

/// Reserved words. They are case-insensitive; a column with one of these names needs backticks.
public enum Keyword: String, Sendable, Hashable, CaseIterable {
    case and, or, not, `in`, `is`, null, `true`, `false`

    /// The keyword spelt `text` in any case, without allocating.
    static func lookup(_ text: String) -> Keyword? {
        let length = text.utf8.count
        guard length >= 2, length <= 5 else { return nil }
        for keyword in allCases where keyword.rawValue.utf8.count == length && text.equalsIgnoringASCIICase(keyword.rawValue) {
            return keyword
        }
        return nil
    }
}

extension String {
    /// Whether `self` equals `lowercaseWord` (ASCII, lower case) ignoring ASCII case.
    @inline(__always)
    func equalsIgnoringASCIICase(_ lowercaseWord: String) -> Bool {
        var a = utf8.makeIterator()
        var b = lowercaseWord.utf8.makeIterator()
        while true {
            switch (a.next(), b.next()) {
            case (nil, nil): return true
            case (let x?, let y?):
                let lowered = x >= 0x41 && x <= 0x5A ? x | 0x20 : x
                if lowered != y { return false }
            default: return false
            }
        }
    }
}

extension Token.Kind {
    /// A binary operator (or `not`): a line ending in one continues on the next line.
    var continuesLine: Bool {
        switch self {
        case .plus, .minus, .star, .slash, .percent, .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual,
            .assign, .coalesce, .comma, .dot, .colon, .leftParen, .leftBracket, .pipe:
            return true
        case .keyword(let keyword):
            return keyword == .and || keyword == .or || keyword == .not || keyword == .in || keyword == .is
        default:
            return false
        }
    }

    /// A binary operator that cannot start a step: a line starting with one continues the previous line.
    var continuesPreviousLine: Bool {
        switch self {
        case .plus, .star, .slash, .percent, .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual,
            .coalesce, .comma, .dot, .rightParen, .rightBracket:
            return true
        case .keyword(let keyword):
            return keyword == .and || keyword == .or || keyword == .in || keyword == .is
        default:
            return false
        }
    }
}
