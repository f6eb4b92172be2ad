import LumbungCore

/// `--format table`: an aligned table for people at a terminal.
///
/// ```
///  nip                | nama         | umur |        gaji
/// --------------------+--------------+------+-------------
///  198609262015051001 | Budi Santoso |   38 |   4.250.000
///  199001012021212001 | 佐藤 花子    | null | 3.100.000,5
/// (2 rows)
/// ```
/// Layout (as psql): a header, a rule of `-` and `+`, one line per row, a footer `(N rows)`
/// (`(N rows, M shown)` when a `RowWindow` leaves rows out, marked by a `…` row). Cells are
/// padded to their display width (`DisplayWidth`: CJK counts 2, combining marks 0); numbers and
/// their headers are right-aligned, everything else left-aligned; null is `null`; control
/// characters are escaped (`\n`); cells and headers wider than `maxCellWidth` end with `…`. The
/// last column is not padded when left-aligned, so lines do not end in padding. A table
/// without columns prints only the footer.
///
/// Builds every shown cell as a `String` first (widths need two passes): meant for results a
/// person reads; use a `RowWindow` for long ones.
struct TextTableEncoder {
    let options: ResultWriter.Options

    func write(_ table: Table, to output: FlushingOutput) {
        let fields = table.schema.fields
        let rowCount = table.rowCount
        let window = (options.rowWindow ?? RowWindow(first: rowCount, last: 0)).ranges(rowCount: rowCount)
        let shownCount = window.head.count + window.tail.count
        defer {
            output.buffer.append(footer(rowCount: rowCount, shown: shownCount, elided: window.elided) + "\n")
            output.rowEnded()
        }
        guard !fields.isEmpty else { return }

        let cellText = HumanCellText(options: options)
        let headers = fields.map { fit($0.name) }
        func cells(_ chunk: Chunk, _ row: Int) -> [String] {
            chunk.columns.prefix(fields.count).map { column in cellText.text(column, row).map(fit) ?? "null" }
        }
        var headRows: [[String]] = []
        var tailRows: [[String]] = []
        var rowStart = 0
        for chunk in table.chunks {
            let chunkRows = rowStart..<(rowStart + chunk.count)
            for row in window.head.clamped(to: chunkRows) {
                headRows.append(cells(chunk, row - rowStart))
            }
            for row in window.tail.clamped(to: chunkRows) {
                tailRows.append(cells(chunk, row - rowStart))
            }
            rowStart += chunk.count
        }

        let rightAligned = fields.map { $0.type.isNumeric }
        var widths = headers.map(DisplayWidth.of)
        for row in headRows + tailRows {
            for (columnIndex, cell) in row.enumerated() {
                widths[columnIndex] = max(widths[columnIndex], DisplayWidth.of(cell))
            }
        }
        if window.elided { widths = widths.map { max($0, 1) } }

        func line(_ cells: [String]) {
            var text = ""
            for (columnIndex, cell) in cells.enumerated() {
                let isLast = columnIndex == cells.count - 1
                if columnIndex > 0 { text += isLast && cell.isEmpty && !rightAligned[columnIndex] ? " |" : " | " }
                if columnIndex == 0, !(isLast && cell.isEmpty) { text += " " }
                let padding = String(repeating: " ", count: widths[columnIndex] - DisplayWidth.of(cell))
                if rightAligned[columnIndex] {
                    text += padding + cell
                } else {
                    text += cell
                    if !isLast { text += padding }
                }
            }
            output.buffer.append(text + "\n")
            output.rowEnded()
        }

        line(headers)
        output.buffer.append(widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "+") + "\n")
        for row in headRows { line(row) }
        if window.elided { line(Array(repeating: "…", count: fields.count)) }
        for row in tailRows { line(row) }
    }

    /// A cell or header made safe for one terminal line and cut to the maximum width.
    private func fit(_ text: String) -> String {
        let escaped = HumanCellText.escapingControls(text)
        guard let maxWidth = options.maxCellWidth else { return escaped }
        return DisplayWidth.truncate(escaped, toWidth: maxWidth)
    }

    private func footer(rowCount: Int, shown: Int, elided: Bool) -> String {
        let rows = rowCount == 1 ? "(1 row" : "(\(rowCount) rows"
        return elided ? rows + ", \(shown) shown)" : rows + ")"
    }
}
