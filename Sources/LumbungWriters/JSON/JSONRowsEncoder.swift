import LumbungCore

/// `--format ndjson` (one JSON object per line) and `--format json` (one JSON array of the same
/// objects, one per line, `[]` when there are no rows).
///
/// Each object has the columns as keys, in column order. Values: `null`; integers as JSON
/// numbers; floats as their shortest round-trip text (`0.1`, `3.0`, `1e-05`), non-finite floats as
/// `null`; `true`/`false`; dates `"YYYY-MM-DD"`; timestamps `"2024-01-31T08:30:00Z"` (UTC, with
/// `.ffffff` only when the fraction is non-zero); strings escaped per RFC 8259 (see
/// `ValueBytes.appendJSONString`).
struct JSONRowsEncoder {
    /// `true` for one JSON array, `false` for NDJSON.
    var array: Bool

    func write(_ table: Table, to output: FlushingOutput) {
        let prefixes = table.schema.names.enumerated().map { index, name in
            (index == 0 ? [] : [UInt8(ascii: ",")]) + ValueBytes.jsonString(name) + [UInt8(ascii: ":")]
        }
        var framing = RowStitcher.Framing(
            rowStart: [UInt8(ascii: "{")], cellPrefixes: prefixes, rowEnd: Array("}\n".utf8))
        if array {
            framing.rowEnd = [UInt8(ascii: "}")]
            framing.rowSeparator = Array(",\n".utf8)
            output.buffer.append(UInt8(ascii: "["))
            if table.rowCount > 0 { output.buffer.append(0x0a) }
        }
        let written = RowStitcher(dialect: .json, framing: framing).writeRows(of: table, to: output)
        if array {
            output.buffer.append(written > 0 ? "\n]\n" : "]\n")
        }
    }
}
