/// Turns query text into tokens, each with its byte offset, line and column.
///
/// The lexer never fails: what it cannot read becomes an `invalid` token plus a diagnostic, and
/// lexing continues. After lexing, line breaks that do not end a step are removed (see
/// `Lexer.separateSteps`): a line continues when it ends with `,`, an operator or `|`, while a
/// parenthesis or bracket is open, and when the next line starts with a binary operator, `by` or `on`.
///
/// - Complexity: O(n) in the length of the text.
public struct Lexer {
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var column = 1
    private var tokens: [Token] = []
    private(set) var diagnostics: [Diagnostic] = []

    private init(_ source: String) {
        bytes = Array(source.utf8)
    }

    /// The tokens of `source` (ending with `endOfInput`, newlines only where they separate steps)
    /// and the lexical errors found.
    public static func tokenize(_ source: String) -> (tokens: [Token], diagnostics: [Diagnostic]) {
        var lexer = Lexer(source)
        lexer.run()
        let tokens = separateSteps(lexer.tokens)
        return (tokens, lexer.diagnostics)
    }

    /// Every token, newlines included, as written (for tests and highlighting).
    public static func rawTokens(_ source: String) -> [Token] {
        var lexer = Lexer(source)
        lexer.run()
        return lexer.tokens
    }

    // MARK: - Scanning

    private var position: SourcePosition { SourcePosition(offset: index, line: line, column: column) }

    private func peek(_ ahead: Int = 0) -> UInt8? {
        index + ahead < bytes.count ? bytes[index + ahead] : nil
    }

    private mutating func advance() {
        let byte = bytes[index]
        index += 1
        if byte == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1
        }
    }

    private func text(from start: SourcePosition) -> String {
        String(decoding: bytes[start.offset..<index], as: UTF8.self)
    }

    private mutating func emit(_ kind: Token.Kind, from start: SourcePosition, value: String? = nil) {
        tokens.append(Token(kind: kind, range: SourceRange(start, position), text: text(from: start), value: value))
    }

    private mutating func report(_ id: DiagnosticID, _ message: Message, _ range: SourceRange, helps: [Message] = [],
                                 fixIts: [FixIt] = []) {
        diagnostics.append(Diagnostic(id, message, range: range, helps: helps.map { Diagnostic.Note($0) }, fixIts: fixIts))
    }

    private mutating func run() {
        while let byte = peek() {
            let start = position
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                advance()
            case UInt8(ascii: "#"):
                while let next = peek(), next != UInt8(ascii: "\n") { advance() }
            case UInt8(ascii: "\n"):
                advance()
                emit(.newline, from: start)
            case _ where byte.isNameStart:
                while let next = peek(), next.isNameContinue { advance() }
                if let next = peek(), next >= 0x80 {
                    lexInvalidName(from: start)
                } else {
                    let word = text(from: start)
                    if let keyword = Keyword.lookup(word) {
                        emit(.keyword(keyword), from: start)
                    } else {
                        emit(.name, from: start)
                    }
                }
            case _ where byte.isDigit:
                lexNumber(from: start)
            case UInt8(ascii: "\""):
                lexString(from: start)
            case UInt8(ascii: "`"):
                lexQuotedName(from: start)
            case UInt8(ascii: "@"):
                lexTemporal(from: start)
            case UInt8(ascii: "$"):
                advance()
                if let next = peek(), next.isNameStart {
                    while let next = peek(), next.isNameContinue { advance() }
                    let name = text(from: start).dropFirst()
                    emit(.parameter, from: start, value: String(name))
                } else {
                    emit(.invalid, from: start)
                    report(.expectedName, Messages.expectedParameterName, SourceRange(start, position))
                }
            default:
                lexOperator(byte, from: start)
            }
        }
        tokens.append(Token(kind: .endOfInput, range: SourceRange(at: position), text: ""))
    }

    private mutating func lexOperator(_ byte: UInt8, from start: SourcePosition) {
        advance()
        let next = peek()
        func take(_ kind: Token.Kind) {
            advance()
            emit(kind, from: start)
        }
        switch byte {
        case UInt8(ascii: "+"): emit(.plus, from: start)
        case UInt8(ascii: "-"): emit(.minus, from: start)
        case UInt8(ascii: "*"): emit(.star, from: start)
        case UInt8(ascii: "/"): emit(.slash, from: start)
        case UInt8(ascii: "%"): emit(.percent, from: start)
        case UInt8(ascii: "("): emit(.leftParen, from: start)
        case UInt8(ascii: ")"): emit(.rightParen, from: start)
        case UInt8(ascii: "["): emit(.leftBracket, from: start)
        case UInt8(ascii: "]"): emit(.rightBracket, from: start)
        case UInt8(ascii: ","): emit(.comma, from: start)
        case UInt8(ascii: "."): emit(.dot, from: start)
        case UInt8(ascii: ":"): emit(.colon, from: start)
        case UInt8(ascii: "="):
            if next == UInt8(ascii: "=") { take(.equal) } else { emit(.assign, from: start) }
        case UInt8(ascii: "<"):
            if next == UInt8(ascii: "=") {
                take(.lessEqual)
            } else if next == UInt8(ascii: ">") {
                take(.notEqual)
                misspeltOperator(written: "<>", meant: "!=")
            } else {
                emit(.less, from: start)
            }
        case UInt8(ascii: ">"):
            if next == UInt8(ascii: "=") { take(.greaterEqual) } else { emit(.greater, from: start) }
        case UInt8(ascii: "!"):
            if next == UInt8(ascii: "=") {
                take(.notEqual)
            } else {
                emit(.keyword(.not), from: start)
                misspeltOperator(written: "!", meant: "not")
            }
        case UInt8(ascii: "?"):
            if next == UInt8(ascii: "?") {
                take(.coalesce)
            } else {
                emit(.invalid, from: start)
                report(.invalidCharacter, Messages.invalidCharacter("?"), SourceRange(start, position),
                       helps: [Messages.helpCoalesce])
            }
        case UInt8(ascii: "|"):
            if next == UInt8(ascii: "|") {
                take(.keyword(.or))
                misspeltOperator(written: "||", meant: "or")
            } else {
                emit(.pipe, from: start)
            }
        case UInt8(ascii: "&"):
            if next == UInt8(ascii: "&") {
                take(.keyword(.and))
            } else {
                emit(.keyword(.and), from: start)
            }
            misspeltOperator(written: tokens[tokens.count - 1].text, meant: "and")
        default:
            // Consume the whole (possibly multi-byte) character.
            while let more = peek(), more & 0xC0 == 0x80 { advance() }
            if byte >= 0x80 {
                lexInvalidName(from: start)
                return
            }
            emit(.invalid, from: start)
            report(.invalidCharacter, Messages.invalidCharacter(text(from: start)), SourceRange(start, position))
        }
    }

    /// `&&`, `||`, `!`, `<>`: understood, reported with a fix-it.
    private mutating func misspeltOperator(written: String, meant: String) {
        let range = tokens[tokens.count - 1].range
        report(.invalidOperator, Messages.invalidOperator(written, meant), range,
               fixIts: [FixIt(Messages.fixReplace(written, meant), range: range, replacement: meant)])
    }

    /// Letters outside ASCII (or a smart quote) where a name or operator was expected.
    private mutating func lexInvalidName(from start: SourcePosition) {
        if startsSmartQuote(at: start.offset) {
            lexSmartQuoted(from: start)
            return
        }
        while let next = peek(), next.isNameContinue || next >= 0x80 {
            if next >= 0x80, startsSmartQuote() { break }
            advance()
        }
        emit(.invalid, from: start)
        let word = text(from: start)
        report(.invalidCharacter, Messages.nonASCIIName(word), SourceRange(start, position),
               fixIts: [FixIt(Messages.fixQuoteName(word), range: SourceRange(start, position), replacement: "`\(word)`")])
    }

    /// U+2018, U+2019, U+201C, U+201D are E2 80 98/99/9C/9D.
    private func startsSmartQuote(at offset: Int? = nil) -> Bool {
        let at = offset ?? index
        guard at + 2 < bytes.count else { return false }
        return bytes[at] == 0xE2 && bytes[at + 1] == 0x80 && [0x98, 0x99, 0x9C, 0x9D].contains(bytes[at + 2])
    }

    /// `“Selesai”` (typed in a word processor): read as the string it was meant to be, with an
    /// error whose fix-it puts straight quotes.
    private mutating func lexSmartQuoted(from start: SourcePosition) {
        // The opening quote has been consumed (all three bytes, by the caller's loop).
        let contentStart = index
        while let byte = peek(), byte != UInt8(ascii: "\n"), byte != UInt8(ascii: "\""), !startsSmartQuote() { advance() }
        let content = String(decoding: bytes[contentStart..<index], as: UTF8.self)
        if peek() == UInt8(ascii: "\"") {
            advance()
        } else if startsSmartQuote() {
            for _ in 0..<3 { advance() }
        }
        let range = SourceRange(start, position)
        emit(.string, from: start, value: content)
        let straight = Canonical.string(content)
        report(.invalidCharacter, Messages.smartQuotes, range,
               fixIts: [FixIt(Messages.fixReplace(text(from: start), straight), range: range, replacement: straight)])
    }

    private mutating func lexNumber(from start: SourcePosition) {
        while let next = peek(), next.isDigit { advance() }
        var isDecimal = false
        if peek() == UInt8(ascii: "."), let after = peek(1), after.isDigit {
            isDecimal = true
            advance()
            while let next = peek(), next.isDigit { advance() }
        }
        if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            var ahead = 1
            if let sign = peek(1), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { ahead = 2 }
            if let digit = peek(ahead), digit.isDigit {
                isDecimal = true
                for _ in 0..<ahead { advance() }
                while let next = peek(), next.isDigit { advance() }
            }
        }
        if let next = peek(), next.isNameContinue || next >= 0x80 {
            while let more = peek(), more.isNameContinue || more == UInt8(ascii: ".") { advance() }
            emit(.invalid, from: start)
            report(.invalidNumber, Messages.invalidNumber(text(from: start)), SourceRange(start, position),
                   helps: [Messages.helpQuoteName])
            return
        }
        let literal = text(from: start)
        if isDecimal {
            emit(.decimal, from: start)
        } else if Int64(literal) == nil {
            emit(.invalid, from: start)
            report(.integerOverflow, Messages.integerOverflow(literal), SourceRange(start, position))
        } else {
            emit(.integer, from: start)
        }
    }

    private mutating func lexString(from start: SourcePosition) {
        advance()  // opening quote
        var value: [UInt8] = []
        while true {
            guard let byte = peek(), byte != UInt8(ascii: "\n") else {
                emit(.invalid, from: start)
                report(.unterminatedString, Messages.unterminatedString, SourceRange(start, position),
                       helps: [Messages.helpCloseString])
                return
            }
            if byte == UInt8(ascii: "\"") {
                advance()
                emit(.string, from: start, value: String(decoding: value, as: UTF8.self))
                return
            }
            if byte != UInt8(ascii: "\\") {
                value.append(byte)
                advance()
                continue
            }
            let escapeStart = position
            advance()
            switch peek() {
            case UInt8(ascii: "\""): value.append(UInt8(ascii: "\"")); advance()
            case UInt8(ascii: "\\"): value.append(UInt8(ascii: "\\")); advance()
            case UInt8(ascii: "n"): value.append(UInt8(ascii: "\n")); advance()
            case UInt8(ascii: "t"): value.append(UInt8(ascii: "\t")); advance()
            case UInt8(ascii: "u"):
                advance()
                var digits = ""
                var closed = false
                if peek() == UInt8(ascii: "{") {
                    advance()
                    while let hex = peek(), hex.isHexDigit, digits.count < 8 {
                        digits.append(Character(UnicodeScalar(hex)))
                        advance()
                    }
                    if peek() == UInt8(ascii: "}") {
                        advance()
                        closed = true
                    }
                }
                if closed, !digits.isEmpty, let code = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(code) {
                    value.append(contentsOf: Array(String(scalar).utf8))
                } else {
                    if !closed, let brace = bytes[index...].prefix(12).firstIndex(of: UInt8(ascii: "}")),
                        !bytes[index..<brace].contains(UInt8(ascii: "\"")), !bytes[index..<brace].contains(UInt8(ascii: "\n"))
                    {
                        while index <= brace { advance() }
                    }
                    report(.invalidEscape, Messages.invalidUnicodeEscape, SourceRange(escapeStart, position))
                }
            default:
                if peek() != nil, peek() != UInt8(ascii: "\n") {
                    advance()
                    while let more = peek(), more & 0xC0 == 0x80 { advance() }
                }
                let written = String(decoding: bytes[escapeStart.offset..<index], as: UTF8.self)
                report(.invalidEscape, Messages.invalidEscape(written), SourceRange(escapeStart, position),
                       helps: [Messages.helpEscapes])
            }
        }
    }

    private mutating func lexQuotedName(from start: SourcePosition) {
        advance()
        let nameStart = index
        while let byte = peek(), byte != UInt8(ascii: "`"), byte != UInt8(ascii: "\n") { advance() }
        guard peek() == UInt8(ascii: "`") else {
            emit(.invalid, from: start)
            report(.unterminatedName, Messages.unterminatedName, SourceRange(start, position))
            return
        }
        let name = String(decoding: bytes[nameStart..<index], as: UTF8.self)
        advance()
        if name.isEmpty {
            emit(.invalid, from: start)
            report(.expectedName, Messages.emptyQuotedName, SourceRange(start, position))
        } else {
            emit(.quotedName, from: start, value: name)
        }
    }

    private mutating func lexTemporal(from start: SourcePosition) {
        advance()  // @
        while let byte = peek() {
            if byte.isNameContinue || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ":") {
                advance()
            } else if byte == UInt8(ascii: "."), let after = peek(1), after.isDigit {
                advance()
            } else {
                break
            }
        }
        let literal = text(from: start)
        switch TemporalLiteral.parse(literal) {
        case .date: emit(.date, from: start)
        case .timestamp: emit(.timestamp, from: start)
        case .period: emit(.period, from: start)
        case nil:
            emit(.invalid, from: start)
            report(.invalidDate, Messages.invalidDate(literal), SourceRange(start, position),
                   helps: [Messages.helpDateForms])
        }
    }
}

// MARK: - Step separation

extension Lexer {
    /// Drops the newlines that do not end a step, and collapses runs of separators (but not of `|`).
    static func separateSteps(_ raw: [Token]) -> [Token] {
        var output: [Token] = []
        output.reserveCapacity(raw.count)
        var depth = 0
        var index = 0
        while index < raw.count {
            let token = raw[index]
            index += 1
            switch token.kind {
            case .leftParen, .leftBracket:
                depth += 1
            case .rightParen, .rightBracket:
                depth = max(0, depth - 1)
            case .pipe:
                if let last = output.last, last.kind == .newline {
                    output[output.count - 1] = token
                    continue
                }
                // A `|` before the first step is dropped; one after another `|` is kept, so that
                // the parser reports the empty step between them (`lq.emptyStep`).
                if output.last == nil { continue }
            case .newline:
                var next = index
                while next < raw.count, raw[next].kind == .newline { next += 1 }
                let following = raw[next < raw.count ? next : raw.count - 1]
                guard let last = output.last, last.kind != .newline, last.kind != .pipe else { continue }
                if depth > 0 {
                    // An unclosed parenthesis: a line that starts a step ends it anyway, so one
                    // missing ')' does not swallow the rest of the query.
                    if following.kind == .name, StepKind.lookup(following.text) != nil,
                        !last.kind.continuesLine
                    {
                        depth = 0
                    } else {
                        continue
                    }
                } else if last.kind.continuesLine || following.kind.continuesPreviousLine
                    || following.isWord("by") || following.isWord("on")
                {
                    continue
                }
            case .endOfInput:
                if let last = output.last, last.kind == .newline {
                    output.removeLast()
                }
            default:
                break
            }
            output.append(token)
        }
        return output
    }
}

extension UInt8 {
    @inline(__always) var isDigit: Bool { self >= 0x30 && self <= 0x39 }
    @inline(__always) var isHexDigit: Bool {
        isDigit || (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "f"))
            || (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "F"))
    }
    @inline(__always) var isNameStart: Bool {
        (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "z")) || (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "Z"))
            || self == UInt8(ascii: "_")
    }
    @inline(__always) var isNameContinue: Bool { isNameStart || isDigit }
}
