import LumbungCore

/// The text of a value for people (`table` and `markdown`): numbers in the chosen `NumberStyle`
/// (see `NumberText`), `true`/`false`, ISO dates and timestamps as in the machine formats, strings
/// as they are. Null is `nil`: each format shows it its own way.
struct HumanCellText {
    var numberStyle: NumberStyle
    var maxFractionDigits: Int

    init(options: ResultWriter.Options) {
        numberStyle = options.numberStyle
        maxFractionDigits = options.fractionDigits
    }

    func text(_ column: Column, _ row: Int) -> String? {
        if column.isNull(row) { return nil }
        switch column.values {
        case .int64(let values): return NumberText.integer(values[row], style: numberStyle)
        case .float64(let values):
            return NumberText.float(values[row], style: numberStyle, maxFractionDigits: maxFractionDigits)
        case .bool(let values): return values[row] != 0 ? "true" : "false"
        case .string(let strings): return strings[row]
        case .dictionary(let codes, let dictionary): return dictionary[Int(codes[row])]
        case .date(let values): return CivilDate.format(days: values[row])
        case .timestamp(let values): return CivilDate.formatTimestamp(micros: values[row])
        }
    }

    /// Control characters made visible, so that a cell stays on one line and cannot drive the
    /// terminal: LF, CR and tab as `\n`, `\r`, `\t`; other C0 controls, DEL and C1 controls as
    /// `\u{XX}`. `newline`, when given, replaces LF (and CR LF) instead (Markdown uses `<br>`).
    static func escapingControls(_ text: String, newline: String? = nil) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = ""
        var scalars = text.unicodeScalars[...]
        while let scalar = scalars.popFirst() {
            switch scalar {
            case "\n": result += newline ?? "\\n"
            case "\r":
                if let newline {
                    if scalars.first == "\n" { scalars.removeFirst() }
                    result += newline
                } else {
                    result += "\\r"
                }
            case "\t": result += "\\t"
            case _ where isControl(scalar):
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
