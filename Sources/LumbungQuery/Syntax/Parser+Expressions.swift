// Expressions, by precedence from lowest: or; and; not; comparisons (== != < <= > >=, in, is null);
// ?? (right-associative); + -; * / %; unary -; calls, names, literals, parentheses.

extension Parser {
    mutating func parseExpression() throws -> Expr {
        try nested { try $0.parseOr() }
    }

    /// Runs `body` one nesting level deeper, failing beyond `maximumDepth` (no stack overflow on
    /// `((((((…`).
    mutating func nested<T>(_ body: (inout Parser) throws -> T) throws -> T {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maximumDepth {
            report(.nestingTooDeep, Messages.nestingTooDeep, current.range)
            throw StepAbort()
        }
        return try body(&self)
    }

    func binary(_ op: BinaryOperator, _ lhs: Expr, _ rhs: Expr) -> Expr {
        Expr(.binary(op, lhs, rhs), range: lhs.range.union(rhs.range))
    }

    mutating func parseOr() throws -> Expr {
        var operands = [try parseAnd()]
        while current.kind == .keyword(.or) {
            advance()
            operands.append(try parseAnd())
        }
        // `status == "a" or "b"` is read as its fix, `status in ["a", "b"]`, like `=` is read as `==`.
        if let fixed = lintBareLiteralsInOr(operands) { return fixed }
        return operands.dropFirst().reduce(operands[0]) { binary(.or, $0, $1) }
    }

    mutating func parseAnd() throws -> Expr {
        var lhs = try parseNot()
        while current.kind == .keyword(.and) {
            advance()
            lhs = binary(.and, lhs, try parseNot())
        }
        return lhs
    }

    mutating func parseNot() throws -> Expr {
        guard current.kind == .keyword(.not) else { return try parseComparison() }
        let start = advance().range.start
        let operand = try nested { try $0.parseNot() }
        return Expr(.unary(.not, operand), range: SourceRange(start, operand.range.end))
    }

    static func comparison(_ kind: Token.Kind) -> BinaryOperator? {
        switch kind {
        case .equal, .assign: return .equal
        case .notEqual: return .notEqual
        case .less: return .less
        case .lessEqual: return .lessEqual
        case .greater: return .greater
        case .greaterEqual: return .greaterEqual
        default: return nil
        }
    }

    var atComparison: Bool {
        Self.comparison(current.kind) != nil || current.kind == .keyword(.in) || current.kind == .keyword(.is)
            || (current.kind == .keyword(.not) && peek().kind == .keyword(.in))
    }

    mutating func parseComparison() throws -> Expr {
        var lhs = try parseCoalesce()
        var count = 0
        while atComparison {
            count += 1
            if count == 2 {
                report(.chainedComparison, Messages.chainedComparison, current.range,
                       helps: [Diagnostic.Note(Messages.helpChainedComparison)])
            }
            lhs = try parseComparisonTail(lhs)
        }
        return lhs
    }

    mutating func parseComparisonTail(_ lhs: Expr) throws -> Expr {
        let token = advance()
        if let op = Self.comparison(token.kind) {
            if token.kind == .assign { warnAssign(token) }
            return binary(op, lhs, try parseCoalesce())
        }
        if token.kind == .keyword(.is) {
            var negated = false
            if current.kind == .keyword(.not) {
                advance()
                negated = true
            }
            guard current.kind == .keyword(.null) else { try fail(expected: Messages.nullOrNotNull, words: ["null"]) }
            let end = advance().range.end
            return Expr(.isNull(lhs, negated: negated), range: SourceRange(lhs.range.start, end))
        }
        // [not] in
        var negated = false
        if token.kind == .keyword(.not) {
            advance()  // in
            negated = true
        }
        if current.kind == .leftBracket {
            let open = advance()
            var values: [Expr] = []
            while current.kind != .rightBracket {
                values.append(try parseExpression())
                guard current.kind == .comma else { break }
                advance()
            }
            let end = try expectClosing(.rightBracket, open: open).range.end
            return Expr(.inList(lhs, values, negated: negated), range: SourceRange(lhs.range.start, end))
        }
        guard current.kind == .period || current.kind == .parameter || current.kind == .date else {
            try fail(expected: Messages.aPeriodOrList)
        }
        let period = try parsePrimary()
        return Expr(.inPeriod(lhs, period, negated: negated), range: lhs.range.union(period.range))
    }

    /// `a ?? b ?? c` is `a ?? (b ?? c)`.
    mutating func parseCoalesce() throws -> Expr {
        var operands = [try parseAdditive()]
        while current.kind == .coalesce {
            advance()
            operands.append(try parseAdditive())
        }
        var result = operands.removeLast()
        while let lhs = operands.popLast() { result = binary(.coalesce, lhs, result) }
        return result
    }

    mutating func parseAdditive() throws -> Expr {
        var lhs = try parseMultiplicative()
        while current.kind == .plus || current.kind == .minus {
            let op: BinaryOperator = advance().kind == .plus ? .add : .subtract
            lhs = binary(op, lhs, try parseMultiplicative())
        }
        return lhs
    }

    mutating func parseMultiplicative() throws -> Expr {
        var lhs = try parseUnary()
        while true {
            let op: BinaryOperator
            switch current.kind {
            case .star: op = .multiply
            case .slash: op = .divide
            case .percent: op = .remainder
            default: return lhs
            }
            advance()
            lhs = binary(op, lhs, try parseUnary())
        }
    }

    mutating func parseUnary() throws -> Expr {
        guard current.kind == .minus else { return try parsePrimary() }
        let start = advance().range.start
        let operand = try nested { try $0.parseUnary() }
        return Expr(.unary(.negate, operand), range: SourceRange(start, operand.range.end))
    }

    mutating func parsePrimary() throws -> Expr {
        let token = current
        switch token.kind {
        case .integer:
            advance()
            return Expr(.literal(.integer(Int64(token.text) ?? 0)), range: token.range)
        case .decimal:
            advance()
            return Expr(.literal(.decimal(Double(token.text) ?? 0, text: token.text)), range: token.range)
        case .string:
            advance()
            return Expr(.literal(.string(token.value)), range: token.range)
        case .date, .timestamp, .period:
            advance()
            let literal: Literal
            switch TemporalLiteral.parse(token.text) {
            case .date(let days): literal = .date(days)
            case .timestamp(let micros): literal = .timestamp(micros)
            case .period(let period): literal = .period(period)
            case nil: literal = .null  // unreachable: the lexer checked it
            }
            return Expr(.literal(literal), range: token.range)
        case .keyword(.true), .keyword(.false):
            advance()
            return Expr(.literal(.bool(token.kind == .keyword(.true))), range: token.range)
        case .keyword(.null):
            advance()
            return Expr(.literal(.null), range: token.range)
        case .parameter:
            advance()
            return Expr(.parameter(Name(token.value, range: token.range)), range: token.range)
        case .leftParen:
            let open = advance()
            let inner = try parseExpression()
            let close = try expectClosing(.rightParen, open: open)
            // Keep the parentheses in the range so carets cover what the user wrote.
            return Expr(inner.kind, range: SourceRange(open.range.start, close.range.end))
        case .name where peek().kind == .leftParen:
            advance()
            let open = advance()
            var arguments: [Expr] = []
            if current.kind != .rightParen {
                arguments.append(try parseExpression())
                while current.kind == .comma {
                    advance()
                    arguments.append(try parseExpression())
                }
            }
            let close = try expectClosing(.rightParen, open: open)
            return Expr(.call(Name(token.text, range: token.range), arguments),
                        range: SourceRange(token.range.start, close.range.end))
        case .name, .quotedName:
            let column = try parseColumnRef(Messages.aColumnName)
            return Expr(.column(column), range: column.range)
        case .invalid:
            // Already reported by the lexer: stand in a null and go on, to find more errors.
            advance()
            return Expr(.literal(.null), range: token.range)
        default:
            guard token.kind != .invalid else { throw StepAbort() }
            report(.expectedExpression, Messages.unexpected(token, expected: Messages.anExpression), token.range)
            throw StepAbort()
        }
    }

    /// The closing `)` or `]`; otherwise `lq.unclosedDelimiter` with a note at the opening one.
    mutating func expectClosing(_ kind: Token.Kind, open: Token) throws -> Token {
        if current.kind == kind { return advance() }
        if current.kind == .invalid { throw StepAbort() }
        let expected = Messages.either(Messages.token(kind == .rightParen ? ")" : "]"), Messages.token(","))
        report(.unclosedDelimiter, Messages.unclosed(open.text), current.range,
               notes: [Diagnostic.Note(Messages.noteOpenedHere(open.text), range: open.range)],
               helps: [Diagnostic.Note(Messages.unexpected(current, expected: expected))])
        throw StepAbort()
    }

    // MARK: - Lint

    /// `status == "Selesai" or "Ditolak"`: warns at the first bare value, suggests `in [...]`, and
    /// returns that reading of the expression.
    mutating func lintBareLiteralsInOr(_ operands: [Expr]) -> Expr? {
        guard operands.count >= 2, case .binary(.equal, let subject, let firstValue) = operands[0].kind,
            case .literal = firstValue.kind
        else { return nil }
        let subjectText = text(subject.range)
        var values = [text(firstValue.range)]
        var items = [firstValue]
        var firstBare: Expr?
        for operand in operands.dropFirst() {
            switch operand.kind {
            case .literal(let literal):
                if case .bool = literal { return nil }
                if case .null = literal { return nil }
                values.append(text(operand.range))
                items.append(operand)
                if firstBare == nil { firstBare = operand }
            case .binary(.equal, let other, let value):
                guard case .literal = value.kind, text(other.range) == subjectText else { return nil }
                values.append(text(value.range))
                items.append(value)
            default:
                return nil
            }
        }
        guard let bare = firstBare, let last = operands.last else { return nil }
        let replacement = "\(subjectText) in [\(values.joined(separator: ", "))]"
        let whole = SourceRange(operands[0].range.start, last.range.end)
        report(.bareLiteralInOr, Messages.bareLiteralInOr, bare.range, severity: .warning,
               fixIts: [FixIt(Messages.fixUseIn(replacement), range: whole, replacement: replacement)])
        return Expr(.inList(subject, items, negated: false), range: whole)
    }
}
