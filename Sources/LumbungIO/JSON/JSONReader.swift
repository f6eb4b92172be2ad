import LumbungCore

/// NDJSON and JSON arrays (placeholder until the streaming JSON parser lands).
enum JSONReader {
    static func read(
        path: String, reader: DecompressingReader, head: [UInt8], headOffset: Int64, headIsWholeFile: Bool,
        format: FileFormat, options: ReadOptions
    ) throws -> ReadResult {
        throw LumbungError.usage("\(path): JSON reading is not implemented yet")
    }
}
