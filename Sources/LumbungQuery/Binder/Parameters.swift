import LumbungCore

/// Values of `$name` parameters: `--param K=V` values typed like literals (`2024` an integer,
/// `@2024-01-01` a date, `@2024-Q1` a period, `true`/`false` a boolean, anything else a string),
/// or converted to the type a `param` line declares; a declared default fills a missing value.
enum Parameters {
    /// The values by name; `failed` names the parameters whose value was reported as invalid.
    static func resolve(_ query: Query, given: [String: String], diagnostics: inout [Diagnostic],
                        failed: inout Set<String>) -> [String: Literal] {
        var values: [String: Literal] = [:]
        for (name, text) in given { values[name] = literal(text) }
        for declaration in query.parameters {
            let name = declaration.name.text
            if let text = given[name] {
                guard let value = convert(text, to: declaration.type) else {
                    diagnostics.append(Diagnostic(
                        .invalidParameter, Messages.invalidParameter(name, text, declaration.type),
                        range: declaration.range))
                    values[name] = nil
                    failed.insert(name)
                    continue
                }
                values[name] = value
            } else if let defaultValue = declaration.defaultValue, case .literal(let literal) = defaultValue.kind {
                values[name] = literal
            } else if let defaultValue = declaration.defaultValue, case .unary(.negate, let inner) = defaultValue.kind,
                      case .literal(let literal) = inner.kind {
                switch literal {
                case .integer(let value): values[name] = .integer(-value)
                case .decimal(let value, let text): values[name] = .decimal(-value, text: "-" + text)
                default: values[name] = literal
                }
            }
        }
        return values
    }

    /// A command-line value typed like a literal.
    static func literal(_ text: String) -> Literal {
        if let integer = Int64(text) { return .integer(integer) }
        if text.first?.isNumber == true || text.first == "-", let decimal = Double(text), decimal.isFinite {
            return .decimal(decimal, text: text)
        }
        if text.hasPrefix("@"), let temporal = TemporalLiteral.parse(text) {
            switch temporal {
            case .date(let day): return .date(day)
            case .timestamp(let micros): return .timestamp(micros)
            case .period(let period): return .period(period)
            }
        }
        if text == "true" { return .bool(true) }
        if text == "false" { return .bool(false) }
        if text == "null" { return .null }
        return .string(text)
    }

    /// A command-line value as a declared type; nil when it does not fit.
    static func convert(_ text: String, to type: DataType) -> Literal? {
        switch type {
        case .string: return .string(text)
        case .int64: return Int64(text).map { .integer($0) }
        case .float64:
            if let integer = Int64(text) { return .decimal(Double(integer), text: text) }
            return Double(text).flatMap { $0.isFinite ? .decimal($0, text: text) : nil }
        case .bool:
            switch text.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: return nil
            }
        case .date, .timestamp:
            let written = text.hasPrefix("@") ? text : "@" + text
            switch TemporalLiteral.parse(written) {
            case .date(let day):
                return type == .date ? .date(day) : .timestamp(Int64(day) * 86_400_000_000)
            case .timestamp(let micros): return type == .timestamp ? .timestamp(micros) : nil
            default: return nil
            }
        }
    }
}
