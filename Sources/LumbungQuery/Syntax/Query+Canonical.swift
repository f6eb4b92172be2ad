import LumbungCore

// The canonical text of a syntax tree: one line, steps joined by ` | `, every operator
// application in parentheses, keywords and function names in lower case, names in backticks only
// when they need them. Parsing the canonical text gives the same tree (ranges aside): tests use it
// to assert what the parser built.

extension Query {
    /// `param …` lines (each followed by ` | `), then the steps joined by ` | `.
    public var canonical: String {
        let params = parameters.map { parameter in
            var text = "param \(Canonical.name(parameter.name.text)): \(parameter.type.rawValue)"
            if let value = parameter.defaultValue { text += " = \(value.canonical)" }
            return text
        }
        return (params + steps.map(\.canonical)).joined(separator: " | ")
    }
}

extension Step {
    public var canonical: String {
        switch self {
        case .from(let step):
            switch step.source {
            case .name(let name): return "from \(Canonical.name(name.text))"
            case .path(let path, _): return "from \(Canonical.string(path))"
            case .parameter(let name): return "from $\(name.text)"
            }
        case .where(let step):
            return "where \(step.condition.canonical)"
        case .derive(let step):
            return "derive " + step.assignments.map(\.canonical).joined(separator: ", ")
        case .select(let step):
            return "select " + step.items.map(\.canonical).joined(separator: ", ")
        case .summarize(let step):
            var parts: [String] = ["summarize"]
            if !step.aggregates.isEmpty { parts.append(step.aggregates.map(\.canonical).joined(separator: ", ")) }
            if !step.keys.isEmpty { parts.append("by " + step.keys.map(\.canonical).joined(separator: ", ")) }
            return parts.joined(separator: " ")
        case .join(let step):
            let keys = step.keys.map { key in
                key.right.map { "\(key.left.canonical) == \($0.canonical)" } ?? key.left.canonical
            }
            let table = Canonical.name(step.table.text, avoiding: ["on", "inner", "left", "semi", "anti"])
            return "join \(step.kind.rawValue) \(table) on " + keys.joined(separator: ", ")
        case .sort(let step):
            return "sort " + step.keys.map { ($0.descending ? "-" : "") + $0.column.canonical }.joined(separator: ", ")
        case .take(let step):
            // `take -1` is written without parentheses: `take` reads a number, not an expression.
            if case .unary(.negate, let inner) = step.count.kind { return "take -\(inner.canonical)" }
            return "take \(step.count.canonical)"
        case .distinct(let step):
            return step.columns.isEmpty ? "distinct" : "distinct " + step.columns.map(\.canonical).joined(separator: ", ")
        }
    }
}

extension Assignment {
    public var canonical: String { "\(Canonical.name(name.text)) = \(value.canonical)" }
}

extension SelectItem {
    public var canonical: String {
        if let alias { return "\(Canonical.name(alias.text)) = \(value.canonical)" }
        return value.canonical
    }
}

extension ColumnRef {
    public var canonical: String {
        (qualifier.map { Canonical.name($0.text) + "." } ?? "") + Canonical.name(name.text)
    }
}

extension Expr {
    /// Fully parenthesised: `((a + (b * c)) > 1)`.
    public var canonical: String {
        switch kind {
        case .literal(let literal): return literal.canonical
        case .column(let column): return column.canonical
        case .parameter(let name): return "$" + name.text
        case .unary(.negate, let operand): return "(-\(operand.canonical))"
        case .unary(.not, let operand): return "(not \(operand.canonical))"
        case .binary(let op, let lhs, let rhs): return "(\(lhs.canonical) \(op.rawValue) \(rhs.canonical))"
        case .inList(let lhs, let values, let negated):
            return "(\(lhs.canonical) \(negated ? "not in" : "in") [\(values.map(\.canonical).joined(separator: ", "))])"
        case .inPeriod(let lhs, let period, let negated):
            return "(\(lhs.canonical) \(negated ? "not in" : "in") \(period.canonical))"
        case .isNull(let operand, let negated):
            return "(\(operand.canonical) is \(negated ? "not null" : "null"))"
        case .call(let name, let arguments):
            return name.text.lowercased() + "(" + arguments.map(\.canonical).joined(separator: ", ") + ")"
        }
    }
}

extension Literal {
    public var canonical: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .integer(let value): return String(value)
        case .decimal(let value, _): return value.isFinite ? "\(value)" : "1e999"
        case .string(let value): return Canonical.string(value)
        case .date(let days): return "@" + CivilDate.format(days: days)
        case .timestamp(let micros):
            var text = CivilDate.formatTimestamp(micros: micros)
            if text.hasSuffix("Z") { text.removeLast() }
            return "@" + text
        case .period(let period): return period.description
        }
    }
}

/// Quoting rules shared by the printers.
public enum Canonical {
    /// `name` as written in LQ: bare when it is a plain name and no reserved word, else in backticks.
    /// Contextual words in `avoiding` (lower case) get backticks too.
    public static func name(_ text: String, avoiding words: [String] = []) -> String {
        let bytes = Array(text.utf8)
        let plain = !bytes.isEmpty && bytes[0].isNameStart && bytes.allSatisfy(\.isNameContinue)
            && Keyword.lookup(text) == nil && !words.contains { text.equalsIgnoringASCIICase($0) }
        return plain ? text : "`\(text)`"
    }

    /// A string literal with `\"`, `\\`, `\n`, `\t` and `\u{…}` for other control characters.
    public static func string(_ value: String) -> String {
        var text = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                text += "\\u{" + String(scalar.value, radix: 16) + "}"
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text + "\""
    }
}
