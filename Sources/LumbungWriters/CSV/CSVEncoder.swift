import LumbungCore

/// `--format csv`: RFC 4180 with a header line, comma-separated, LF line ends.
///
/// Values: nulls are empty fields; strings quoted only when needed (see `CSVQuoting`); integers in
/// decimal; floats as their shortest round-trip text (`0.1`, `3.0`, `1e-05`, `nan`, `inf`); booleans
/// `true`/`false`; dates `YYYY-MM-DD`; timestamps ISO 8601 UTC (`2024-01-31T08:30:00Z`). A table
/// without columns writes nothing.
struct CSVEncoder {
    var delimiter: UInt8 = UInt8(ascii: ",")

    func write(_ table: Table, to output: FlushingOutput) {
        let names = table.schema.names
        guard !names.isEmpty else { return }
        for (index, name) in names.enumerated() {
            if index > 0 { output.buffer.append(delimiter) }
            CSVQuoting.appendField(name, delimiter: delimiter, to: output.buffer)
        }
        output.buffer.append(0x0a)
        output.rowEnded()
        let prefixes = names.indices.map { $0 == 0 ? [] : [delimiter] }
        let stitcher = RowStitcher(
            dialect: .csv(delimiter: delimiter), framing: .init(cellPrefixes: prefixes, rowEnd: [0x0a]))
        stitcher.writeRows(of: table, to: output)
    }
}
