import LumbungCore

extension Parser {
    /// query := param-line* step (separator step)*
    mutating func parseQuery() -> Query {
        var parameters: [ParameterDecl] = []
        var steps: [Step] = []
        var firstStepSeen = false
        var firstStepChecked = false
        while current.kind != .endOfInput {
            let stepStart = current
            do {
                if current.isWord("param"), peek().kind == .name || peek().kind == .quotedName {
                    let decl = try parseParameter()
                    if firstStepSeen {
                        report(.misplacedParameter, Messages.misplacedParameter, stepStart.range)
                    } else if let first = parameters.first(where: { $0.name.text == decl.name.text }) {
                        report(.duplicateParameter, Messages.duplicateParameter(decl.name.text), decl.name.range,
                               notes: [Diagnostic.Note(Messages.noteFirstDeclared, range: first.name.range)])
                    } else {
                        parameters.append(decl)
                    }
                } else {
                    let isFirst = !firstStepSeen
                    firstStepSeen = true
                    let step = try parseStep(isFirst: isFirst, checked: &firstStepChecked)
                    steps.append(step)
                }
                if !current.isStepBoundary {
                    reportUnexpected(expected: Messages.endOfStep, words: trailingWords(after: steps.last, at: stepStart))
                    skipToBoundary()
                }
            } catch {
                skipToBoundary()
            }
            if current.kind == .pipe, peek().kind == .pipe {
                reportEmptySteps()
            } else if current.kind == .pipe, peek().kind == .endOfInput {
                report(.expectedStep, Messages.expectedStep, current.range)
            }
            if current.kind != .endOfInput { advance() }
        }
        if steps.isEmpty, options.requireFrom, !diagnostics.contains(where: { $0.isError }) {
            report(.emptyQuery, Messages.emptyQuery, SourceRange(at: current.range.start),
                   helps: [Diagnostic.Note(Messages.helpMissingFrom)])
        }
        let end = tokens.last?.range.end ?? .start
        return Query(parameters: parameters, steps: steps, range: SourceRange(.start, end))
    }

    /// At a `|` followed by more `|` (`from x | | take 1`): reports the empty steps between them
    /// once, with a fix-it that removes the extra `|` (or, when nothing follows them, the missing
    /// step after the first), and stops at the last `|`.
    mutating func reportEmptySteps() {
        let first = advance()
        let second = current
        while peek().kind == .pipe { advance() }
        if peek().kind == .endOfInput {
            report(.expectedStep, Messages.expectedStep, first.range)
            return
        }
        let extra = SourceRange(second.range.start, current.range.end)
        let removal = FixIt(
            Messages.fixRemoveExtraPipe, range: SourceRange(first.range.end, current.range.end), replacement: "")
        report(.emptyStep, Messages.emptyStep, extra, fixIts: [removal])
    }

    /// Contextual words that could have continued the step just parsed (for "did you mean" on a typo).
    func trailingWords(after step: Step?, at start: Token) -> [String] {
        var words = ["and", "or", "in", "is", "not"]
        if let step, step.range.start == start.range.start {
            switch step {
            case .summarize(let s) where s.byRange == nil: words.append("by")
            case .join: words.append("on")
            default: break
            }
        }
        return words
    }

    /// `param NAME: TYPE [= VALUE]`
    mutating func parseParameter() throws -> ParameterDecl {
        let start = advance().range.start  // param
        let name = try expectName(Messages.aName)
        try expect(.colon, Messages.token(":"))
        let typeToken = current
        guard typeToken.kind == .name else { try fail(expected: Messages.aType) }
        advance()
        let types: [(String, DataType)] = [
            ("int", .int64), ("integer", .int64), ("int64", .int64), ("float", .float64), ("float64", .float64),
            ("decimal", .float64), ("number", .float64), ("string", .string), ("text", .string), ("bool", .bool),
            ("boolean", .bool), ("date", .date), ("timestamp", .timestamp), ("datetime", .timestamp),
        ]
        var type = DataType.string
        if let match = types.first(where: { $0.0 == typeToken.text.lowercased() }) {
            type = match.1
        } else {
            let result = NameSuggester(types.map(\.0)).result(for: typeToken.text)
            var fixIts: [FixIt] = []
            var helps: [Diagnostic.Note] = []
            if case .didYouMean(let best) = result {
                fixIts.append(FixIt(Messages.fixReplace(typeToken.text, best), range: typeToken.range, replacement: best))
            } else {
                helps.append(Diagnostic.Note(Messages.oneOf(["int", "float", "string", "bool", "date", "timestamp"])))
            }
            report(.unknownParameterType, Messages.unknownParameterType(typeToken.text, result), typeToken.range,
                   helps: helps, fixIts: fixIts)
        }
        var value: Expr?
        if current.kind == .assign {
            advance()
            value = try parseExpression()
        }
        return ParameterDecl(name: name, type: type, typeRange: typeToken.range, defaultValue: value,
                             range: range(from: start))
    }

    mutating func parseStep(isFirst: Bool, checked: inout Bool) throws -> Step {
        let keyword = current
        guard keyword.kind == .name, let kind = StepKind.lookup(keyword.text) else {
            reportUnknownStep(keyword)
            throw StepAbort()
        }
        if isFirst, options.requireFrom, kind != .from {
            report(.missingFrom, Messages.missingFrom, keyword.range, helps: [Diagnostic.Note(Messages.helpMissingFrom)])
        }
        advance()
        let start = keyword.range.start
        switch kind {
        case .from:
            let token = current
            let source: FromStep.Source
            switch token.kind {
            case .name, .quotedName: source = .name(try expectName(Messages.aSourceName))
            case .string:
                advance()
                source = .path(token.value, range: token.range)
            case .parameter:
                advance()
                source = .parameter(Name(token.value, range: token.range))
            default: try fail(expected: Messages.aSourceName)
            }
            return .from(FromStep(source: source, range: range(from: start)))
        case .where:
            let condition = try parseExpression()
            return .where(WhereStep(condition: condition, range: range(from: start)))
        case .derive:
            let assignments = try parseList { try $0.parseAssignment() }
            return .derive(DeriveStep(assignments: assignments.compactMap { $0 }, range: range(from: start)))
        case .select:
            let items = try parseList { try $0.parseSelectItem() }
            return .select(SelectStep(items: items, range: range(from: start)))
        case .summarize:
            var aggregates: [Assignment?] = []
            if !(current.isWord("by") && peek().kind != .assign) {
                aggregates = try parseList { try $0.parseAssignment() }
            }
            var keys: [SelectItem] = []
            var byRange: SourceRange?
            if current.isWord("by") {
                byRange = advance().range
                keys = try parseList { try $0.parseSelectItem() }
            }
            return .summarize(SummarizeStep(aggregates: aggregates.compactMap { $0 }, keys: keys, byRange: byRange,
                                            range: range(from: start)))
        case .join:
            return .join(try parseJoin(start: start))
        case .sort:
            let keys = try parseList { parser -> SortStep.Key in
                let keyStart = parser.current.range.start
                var descending = false
                if parser.current.kind == .minus {
                    parser.advance()
                    descending = true
                }
                let column = try parser.parseColumnRef(Messages.aColumnName)
                if parser.current.isWord("desc") || parser.current.isWord("asc") {
                    let word = parser.current
                    let isDesc = word.isWord("desc")
                    let fix = FixIt(
                        isDesc ? Messages.fixDescending(parser.text(column.range)) : Messages.fixReplace(word.text, ""),
                        edits: isDesc
                            ? [FixIt.Edit(range: SourceRange(at: keyStart), replacement: descending ? "" : "-"),
                               FixIt.Edit(range: SourceRange(column.range.end, word.range.end), replacement: "")]
                            : [FixIt.Edit(range: SourceRange(column.range.end, word.range.end), replacement: "")])
                    parser.report(.unexpectedToken, Messages.unexpected(word, expected: Messages.either(
                        Messages.token(","), Messages.endOfStep)), word.range, fixIts: [fix])
                    parser.advance()
                    if isDesc { descending = true }
                }
                return SortStep.Key(column: column, descending: descending, range: parser.range(from: keyStart))
            }
            return .sort(SortStep(keys: keys, range: range(from: start)))
        case .take:
            let token = current
            let count: Expr
            switch token.kind {
            case .integer:
                advance()
                count = Expr(.literal(.integer(Int64(token.text) ?? 0)), range: token.range)
            case .parameter:
                advance()
                count = Expr(.parameter(Name(token.value, range: token.range)), range: token.range)
            case .minus where peek().kind == .integer:
                // `take -1`: parsed, so the binder can say what is wrong with it.
                advance()
                let number = current
                advance()
                let literal = Expr(.literal(.integer(Int64(number.text) ?? 0)), range: number.range)
                count = Expr(.unary(.negate, literal), range: token.range.union(number.range))
            default:
                try fail(expected: Messages.anInteger)
            }
            return .take(TakeStep(count: count, range: range(from: start)))
        case .distinct:
            var columns: [ColumnRef] = []
            if !current.isStepBoundary {
                columns = try parseList { try $0.parseColumnRef(Messages.aColumnName) }
            }
            return .distinct(DistinctStep(columns: columns, range: range(from: start)))
        }
    }

    mutating func reportUnknownStep(_ token: Token) {
        guard token.kind != .invalid else { return }
        guard token.kind == .name else {
            report(.unexpectedToken, Messages.unexpected(token, expected: Messages.aStep), token.range,
                   helps: [Diagnostic.Note(Messages.helpStepList)])
            return
        }
        if token.isWord("param") {
            report(.misplacedParameter, Messages.misplacedParameter, token.range)
            return
        }
        let result = NameSuggester(StepKind.allCases.map(\.rawValue)).result(for: token.text)
        if case .didYouMean(let best) = result {
            report(.unknownStep, Messages.unknownStep(token.text, result), token.range,
                   fixIts: [FixIt(Messages.fixReplace(token.text, best), range: token.range, replacement: best)])
        } else {
            report(.unknownStep, Messages.unknownStep(token.text, result), token.range,
                   helps: [Diagnostic.Note(Messages.helpStepList)])
        }
    }

    /// item (',' item)*
    mutating func parseList<T>(_ item: (inout Parser) throws -> T) throws -> [T] {
        var items = [try item(&self)]
        while current.kind == .comma {
            advance()
            items.append(try item(&self))
        }
        return items
    }

    /// `NAME = EXPR`; reports (without aborting) an expression that has no name.
    mutating func parseAssignment() throws -> Assignment? {
        let start = current.range.start
        if atName, peek().kind == .assign || peek().kind == .equal {
            let name = try expectName(Messages.aName)
            let sign = advance()
            if sign.kind == .equal {
                report(.unexpectedToken, Messages.unexpected(sign, expected: Messages.token("=")), sign.range,
                       fixIts: [FixIt(Messages.fixUseAssign("=="), range: sign.range, replacement: "=")])
            }
            let value = try parseExpression()
            return Assignment(name: name, value: value, range: range(from: start))
        }
        let before = errorCount
        let value = try parseExpression()
        let written = text(value.range)
        // A value that already has an error (a bad character, an unclosed name) is not reported twice.
        if errorCount == before, !hasDiagnostic(within: value.range) {
            report(.unnamedColumn, Messages.unnamedColumn, value.range,
                   helps: [Diagnostic.Note(Messages.helpNameColumn(written))])
        }
        return nil
    }

    /// Errors reported so far.
    var errorCount: Int { diagnostics.reduce(0) { $0 + ($1.isError ? 1 : 0) } }

    /// Whether an error was already reported inside `range` (by the lexer, say).
    func hasDiagnostic(within range: SourceRange) -> Bool {
        diagnostics.contains { diagnostic in
            guard diagnostic.isError, let at = diagnostic.range else { return false }
            return at.start.offset >= range.start.offset && at.start.offset <= range.end.offset
        }
    }

    /// `NAME`, `table.NAME` or `NAME = EXPR`.
    mutating func parseSelectItem() throws -> SelectItem {
        let start = current.range.start
        if atName, peek().kind == .assign {
            let alias = try expectName(Messages.aName)
            advance()
            let value = try parseExpression()
            return SelectItem(alias: alias, value: value, range: range(from: start))
        }
        let before = errorCount
        let value = try parseExpression()
        if case .column = value.kind {} else if errorCount == before, !hasDiagnostic(within: value.range) {
            report(.unnamedColumn, Messages.unnamedColumn, value.range,
                   helps: [Diagnostic.Note(Messages.helpNameColumn(text(value.range)))])
        }
        return SelectItem(alias: nil, value: value, range: range(from: start))
    }

    /// `name` or `table.name` (either part may be in backticks).
    mutating func parseColumnRef(_ what: Message) throws -> ColumnRef {
        let first = try expectName(what)
        if current.kind == .dot {
            advance()
            let second = try expectName(Messages.aColumnName)
            return ColumnRef(qualifier: first, name: second, range: first.range.union(second.range))
        }
        return ColumnRef(name: first, range: first.range)
    }

    /// `join [inner|left|semi|anti] NAME on KEY, ...`
    mutating func parseJoin(start: SourcePosition) throws -> JoinStep {
        var kind = JoinStep.Kind.inner
        var kindRange: SourceRange?
        let kinds = JoinStep.Kind.allCases.map(\.rawValue)
        if current.kind == .name, peek().kind == .name || peek().kind == .quotedName, !peek().isWord("on"),
            JoinStep.Kind.lookup(current.text) != nil || peek(2).isWord("on")
        {
            let word = current
            if let known = JoinStep.Kind.lookup(word.text) {
                kind = known
            } else {
                reportUnexpected(expected: Messages.aJoinKind, words: kinds)
            }
            kindRange = word.range
            advance()
        }
        let table = try expectName(Messages.aTableName)
        guard current.isWord("on") else { try fail(expected: Messages.token("on"), words: ["on"]) }
        advance()
        let keys = try parseList { parser -> JoinStep.Key in
            let left = try parser.parseColumnRef(Messages.aColumnName)
            var right: ColumnRef?
            if parser.current.kind == .equal || parser.current.kind == .assign {
                let sign = parser.advance()
                if sign.kind == .assign { parser.warnAssign(sign) }
                right = try parser.parseColumnRef(Messages.aColumnName)
            }
            return JoinStep.Key(left: left, right: right, range: left.range.union(right?.range ?? left.range))
        }
        return JoinStep(kind: kind, kindRange: kindRange, table: table, keys: keys, range: range(from: start))
    }

    /// `=` where `==` was meant: a warning with a fix-it; the parse goes on as `==`.
    mutating func warnAssign(_ sign: Token) {
        report(.assignInCondition, Messages.assignInCondition, sign.range, severity: .warning,
               fixIts: [FixIt(Messages.fixReplace("=", "=="), range: sign.range, replacement: "==")])
    }
}
