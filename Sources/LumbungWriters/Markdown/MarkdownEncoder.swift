import LumbungCore

/// `--format markdown`: a GitHub-flavoured Markdown table.
///
/// ```
/// | nama | umur | gaji |
/// | --- | ---: | ---: |
/// | Budi Santoso | 38 | 4.250.000 |
/// | Siti \| Ani |  | 3.100.000,5 |
/// ```
/// Numeric columns are right-aligned (`---:`). Cells use the same text as `table` (numbers in the
/// chosen `NumberStyle`, never cut); null is an empty cell; `|` is escaped as `\|`, line breaks
/// become `<br>`, other control characters are escaped as in `table`. Other Markdown syntax in
/// strings (`*`, `_`, backticks) is left as it is. A table without columns writes nothing; one
/// without rows writes the header and the alignment line.
struct MarkdownEncoder {
    let options: ResultWriter.Options

    func write(_ table: Table, to output: FlushingOutput) {
        let fields = table.schema.fields
        guard !fields.isEmpty else { return }
        let cellText = HumanCellText(options: options)

        func line(_ cells: [String]) {
            output.buffer.append("| " + cells.joined(separator: " | ") + " |\n")
            output.rowEnded()
        }

        line(fields.map { escape($0.name) })
        line(fields.map { $0.type.isNumeric ? "---:" : "---" })
        for chunk in table.chunks {
            for row in 0..<chunk.count {
                if output.stopped { return }
                line(chunk.columns.prefix(fields.count).map { column in cellText.text(column, row).map(escape) ?? "" })
            }
        }
    }

    private func escape(_ text: String) -> String {
        let escaped = HumanCellText.escapingControls(text, newline: "<br>")
        guard escaped.contains("|") else { return escaped }
        var result = ""
        for character in escaped {
            if character == "|" { result.append("\\") }
            result.append(character)
        }
        return result
    }
}
