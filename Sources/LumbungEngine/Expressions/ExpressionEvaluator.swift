import LumbungCore

/// Evaluates a bound expression over one chunk, column-at-a-time.
///
/// Literals stay scalars (broadcast by the kernels); expressions of literals only are folded on
/// one row. A sub-expression that reads a single dictionary-encoded string column (and literals)
/// is evaluated once per dictionary entry, plus one null entry, and expanded by the codes: so
/// `status == "Selesai"`, `lower(kanal) in [...]` or `starts_with(instansi, "Kab")` cost one
/// dictionary pass and one gather, and string results stay dictionary-encoded.
struct ExpressionEvaluator {
    let chunk: Chunk
    let count: Int
    var useDictionaries = true
    /// Evaluate literals as one-row columns (used when folding constants).
    var materializeLiterals = false

    init(chunk: Chunk) {
        self.chunk = chunk
        self.count = chunk.count
    }

    private init(chunk: Chunk, count: Int) {
        self.chunk = chunk
        self.count = count
    }

    /// The value of `expr` for every row as a column.
    func column(_ expr: BoundExpr, mask: Bitmap? = nil) throws -> Column {
        try evaluate(expr, mask: mask).materialize(expr.type, count: count)
    }

    /// - Parameter mask: rows whose errors matter (`nil` = all). Rows outside it (for example the
    ///   branch of an `if` a row does not take) never raise an overflow.
    func evaluate(_ expr: BoundExpr, mask: Bitmap? = nil) throws -> Datum {
        switch expr.node {
        case .column(let index):
            return .column(chunk.columns[index])
        case .literal(let value):
            if materializeLiterals { return .column(Column.constant(value, type: expr.type, count: count)) }
            return .scalar(value)
        default:
            break
        }
        if expr.columns.isEmpty, !materializeLiterals {
            // Fold an expression of literals on one row.
            var folder = ExpressionEvaluator(chunk: Chunk(columns: [], count: 1), count: 1)
            folder.materializeLiterals = true
            let value = try folder.evaluate(expr).materialize(expr.type, count: 1).value(at: 0)
            return .scalar(value)
        }
        if useDictionaries, expr.columns.count == 1, let result = try evaluateOnDictionary(expr, mask: mask) {
            return result
        }
        return try evaluateNode(expr, mask: mask)
    }

    /// Evaluates `expr` on the dictionary of its one column, when that column is dictionary-encoded
    /// in this chunk with fewer entries than rows.
    private func evaluateOnDictionary(_ expr: BoundExpr, mask: Bitmap?) throws -> Datum? {
        let columnIndex = expr.columns[0]
        let column = chunk.columns[columnIndex]
        guard case .dictionary(let codes, let dictionary) = column.values, dictionary.count * 2 < count else { return nil }
        // The dictionary as a plain column, plus one null entry for the null rows.
        var entries = dictionary
        entries.appendEmpty()
        var entryValidity = Bitmap(repeating: true, count: entries.count)
        entryValidity[dictionary.count] = false
        let entryColumn = Column(type: .string, values: .string(entries), validity: entryValidity, count: entries.count)
        var columns = chunk.columns
        columns[columnIndex] = entryColumn
        var inner = ExpressionEvaluator(chunk: Chunk(columns: columns, count: entries.count), count: entries.count)
        inner.useDictionaries = false
        let perEntry: Datum
        do {
            perEntry = try inner.evaluate(expr)
        } catch {
            // An entry no row of interest uses may have failed: evaluate row by row instead.
            return nil
        }
        guard case .column(let result) = perEntry else { return perEntry }
        // Row r takes entry codes[r], or the null entry.
        let nullEntry = UInt32(dictionary.count)
        let mapped: [UInt32]
        if let validity = column.validity {
            mapped = validity.words.withUnsafeBufferPointer { words in
                codes.withUnsafeBufferPointer { codes in
                    (0..<count).map { row in
                        (words[row >> 6] >> UInt64(row & 63)) & 1 != 0 ? codes[row] : nullEntry
                    }
                }
            }
        } else {
            mapped = codes
        }
        return mapped.withUnsafeBufferPointer { indices in
            if case .string(let strings) = result.values {
                let validity = result.validity.flatMap { gatherBits($0, indices) }
                return .column(
                    Column(
                        type: .string, values: .dictionary(codes: mapped, dictionary: strings), validity: validity,
                        count: count))
            }
            return .column(result.gather(indices))
        }
    }

    /// Evaluates one operation; an overflow raised by it (or below it) names the innermost
    /// operation that overflowed (`EngineError.expression`).
    private func evaluateNode(_ expr: BoundExpr, mask: Bitmap?) throws -> Datum {
        do {
            return try evaluateOperation(expr, mask: mask)
        } catch let error as EngineError {
            throw error.raised(in: expr.source)
        }
    }

    private func evaluateOperation(_ expr: BoundExpr, mask: Bitmap?) throws -> Datum {
        switch expr.node {
        case .column, .literal:
            return try evaluate(expr, mask: mask)
        case .cast(let operand, let type):
            switch try evaluate(operand, mask: mask) {
            case .scalar(let value): return .scalar(value.converted(to: type))
            case .column(let column): return .column(ArithmeticKernels.cast(column, to: type))
            }
        case .unary(.not, let operand):
            switch try evaluate(operand, mask: mask) {
            case .scalar(.bool(let value)): return .scalar(.bool(!value))
            case .scalar: return .scalar(.null)
            case .column(let column): return .column(LogicalKernels.not(column))
            }
        case .unary(.negate, let operand):
            let input = try evaluate(operand, mask: mask)
            if input.isNullScalar { return .scalar(.null) }
            return .column(try ArithmeticKernels.negate(input.materialize(operand.type, count: count), mask: mask))
        case .binary(let op, let lhs, let rhs):
            let left = try evaluate(lhs, mask: mask)
            let right = try evaluate(rhs, mask: mask)
            if op == .and || op == .or {
                return .column(
                    LogicalKernels.combine(op, left.materialize(.bool, count: count), right.materialize(.bool, count: count)))
            }
            if op.isComparison { return ComparisonKernels.compare(op, left, right, type: lhs.type, count: count) }
            return try ArithmeticKernels.binary(
                op, left, right, lhsType: lhs.type, rhsType: rhs.type, resultType: expr.type, count: count, mask: mask)
        case .inList(let operand, let items):
            return ComparisonKernels.inList(try evaluate(operand, mask: mask), items: items, type: operand.type, count: count)
        case .isNull(let operand, let negated):
            return LogicalKernels.isNull(try evaluate(operand, mask: mask), negated: negated, count: count)
        case .ifThenElse(let condition, let then, let otherwise):
            let flags = LogicalKernels.trueFlags(try column(condition, mask: mask))
            let thenMask = intersectValidity(mask, flags.withUnsafeBufferPointer { Bitmap.validity(fromFlags: $0) })
            let elseFlags = flags.map { 1 - $0 }
            let elseMask = intersectValidity(mask, elseFlags.withUnsafeBufferPointer { Bitmap.validity(fromFlags: $0) })
            let sources = [
                try column(then, mask: thenMask),
                try column(otherwise, mask: elseMask),
            ]
            return .column(LogicalKernels.blend(sources, choice: elseFlags, type: expr.type))
        case .coalesce(let arguments):
            var choice = [UInt8](repeating: 255, count: count)
            var sources: [Column] = []
            var remaining = count
            for (index, argument) in arguments.enumerated() where remaining > 0 {
                // Only rows still null need this argument.
                let pendingFlags = choice.map { $0 == 255 ? UInt8(1) : 0 }
                let pending = pendingFlags.withUnsafeBufferPointer { Bitmap.validity(fromFlags: $0) }
                let argumentMask = intersectValidity(mask, pending)
                let source = try column(argument, mask: argumentMask)
                sources.append(source)
                withValidityWords(source.validity) { words in
                    for row in 0..<count where choice[row] == 255 && isValid(words, row) {
                        choice[row] = UInt8(index)
                        remaining -= 1
                    }
                }
            }
            return .column(LogicalKernels.blend(sources, choice: choice, type: expr.type))
        case .call(let function, let arguments):
            return try call(function, arguments, type: expr.type, mask: mask)
        }
    }

    private func call(_ function: ScalarFunction, _ arguments: [BoundExpr], type: DataType, mask: Bitmap?) throws -> Datum {
        let values = try arguments.map { try evaluate($0, mask: mask) }
        switch function {
        case .lower, .upper, .trim, .length, .contains, .startsWith, .endsWith, .replace, .substr:
            return StringKernels.evaluate(function, values, count: count)
        case .concat:
            // Arguments that are not strings concatenate as their text.
            let strings = zip(values, arguments).map { value, argument -> Datum in
                if argument.type == .string { return value }
                switch value {
                case .scalar(let scalar): return .scalar(scalar.isNull ? .null : .string(scalar.description))
                case .column(let column): return .column(ConversionKernels.evaluate(.string, column))
                }
            }
            return StringKernels.evaluate(.concat, strings, count: count)
        case .abs, .round, .floor, .ceil:
            return try NumericKernels.evaluate(function, values, type: type, count: count, mask: mask)
        case .year, .month, .day, .quarter, .daysBetween, .ageYears:
            return DateKernels.evaluate(function, values, types: arguments.map(\.type), count: count)
        case .int, .float, .string, .date:
            if values[0].isNullScalar { return .scalar(.null) }
            return .column(ConversionKernels.evaluate(function, values[0].materialize(arguments[0].type, count: count)))
        }
    }
}

extension BoundExpr {
    /// The value of the expression for every row of `chunk`.
    /// - Throws: `EngineError.integerOverflow` when integer arithmetic overflows on a row.
    public func evaluate(on chunk: Chunk) throws -> Column {
        try ExpressionEvaluator(chunk: chunk).column(self)
    }
}
