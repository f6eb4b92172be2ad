import LumbungCore

/// Writes a table's rows in a machine format: encodes each chunk column by column, a batch of
/// rows at a time (`CellEncoder`), then interleaves the cells into rows with the format's framing.
///
/// Memory stays at one batch of cells per column plus the output buffer, whatever the row count.
/// Stops early when the output's consumer fails.
struct RowStitcher {
    /// The bytes around rows and cells.
    struct Framing {
        /// Before each row's first cell (`{` for JSON).
        var rowStart: [UInt8] = []
        /// Before each cell, one per column (`,"name":` for JSON, `,` for CSV).
        var cellPrefixes: [[UInt8]]
        /// After each row's last cell.
        var rowEnd: [UInt8]
        /// Between two rows (`,\n` in a JSON array).
        var rowSeparator: [UInt8] = []
    }

    /// Rows encoded per batch and column.
    static let batchRows = 4096

    let dialect: CellEncoder.Dialect
    let framing: Framing

    /// Writes every row of `table` to `output`.
    /// - Returns: the number of rows written.
    @discardableResult
    func writeRows(of table: Table, to output: FlushingOutput) -> Int {
        let columnCount = table.schema.count
        let batches = (0..<columnCount).map { _ in CellBatch(maxRows: Self.batchRows) }
        // All framing bytes in one array: separator, row start, row end, then each cell prefix.
        var framingBytes = framing.rowSeparator + framing.rowStart + framing.rowEnd
        var prefixStarts: [Int] = []
        for prefix in framing.cellPrefixes.prefix(columnCount) {
            prefixStarts.append(framingBytes.count)
            framingBytes += prefix
        }
        prefixStarts.append(framingBytes.count)
        let separatorLength = framing.rowSeparator.count
        let rowStartLength = framing.rowStart.count
        let rowEndLength = framing.rowEnd.count
        let fixedRowLength = rowStartLength + rowEndLength + (prefixStarts[columnCount] - prefixStarts[0])
        let buffer = output.buffer
        var written = 0
        var cellBases = [UnsafeMutablePointer<UInt8>](repeating: buffer.base, count: columnCount)
        var cellEnds = batches.map(\.ends)

        framingBytes.withUnsafeBufferPointer { framingBytes in
            guard let framingBase = framingBytes.baseAddress else { return }
            for chunk in table.chunks {
                let encoders = chunk.columns.prefix(columnCount).map { CellEncoder(dialect: dialect, column: $0) }
                guard encoders.count == columnCount else { continue }
                var start = 0
                while start < chunk.count {
                    if output.stopped { return }
                    let end = min(start + Self.batchRows, chunk.count)
                    for (columnIndex, encoder) in encoders.enumerated() {
                        batches[columnIndex].removeAll()
                        encoder.encode(rows: start..<end, into: batches[columnIndex])
                        cellBases[columnIndex] = batches[columnIndex].buffer.base
                        cellEnds[columnIndex] = batches[columnIndex].ends
                    }
                    cellBases.withUnsafeBufferPointer { cellBases in
                        cellEnds.withUnsafeBufferPointer { cellEnds in
                            prefixStarts.withUnsafeBufferPointer { prefixStarts in
                                for row in 0..<(end - start) {
                                    var rowLength = fixedRowLength + (written > 0 ? separatorLength : 0)
                                    for columnIndex in 0..<columnCount {
                                        rowLength += cellEnds[columnIndex][row + 1] - cellEnds[columnIndex][row]
                                    }
                                    buffer.reserve(rowLength)
                                    var out = buffer.end
                                    @inline(__always) func copy(_ source: UnsafePointer<UInt8>, _ count: Int) {
                                        out.update(from: source, count: count)
                                        out += count
                                    }
                                    if written > 0 { copy(framingBase, separatorLength) }
                                    copy(framingBase + separatorLength, rowStartLength)
                                    for columnIndex in 0..<columnCount {
                                        let prefixStart = prefixStarts[columnIndex]
                                        copy(framingBase + prefixStart, prefixStarts[columnIndex + 1] - prefixStart)
                                        let cellStart = cellEnds[columnIndex][row]
                                        copy(
                                            cellBases[columnIndex] + cellStart,
                                            cellEnds[columnIndex][row + 1] - cellStart)
                                    }
                                    copy(framingBase + separatorLength + rowStartLength, rowEndLength)
                                    buffer.advance(out - buffer.end)
                                    written += 1
                                    output.rowEnded()
                                }
                            }
                        }
                    }
                    start = end
                }
            }
        }
        return written
    }
}
