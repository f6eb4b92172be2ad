import ArgumentParser
import Foundation
import LumbungCore
import LumbungIO

/// Reader options shared by every command that reads data files.
struct ReadFlags: ParsableArguments {
    @Option(name: .long, help: "Input format: csv, ndjson or json (default: detected).")
    var format: String?

    @Option(name: .long, help: "CSV delimiter: ',', ';', 'tab' or '|' (default: sniffed).")
    var delimiter: String?

    @Flag(name: .long, inversion: .prefixedNo, help: "Numbers use a decimal comma, as in Indonesian Excel exports (default: detected).")
    var decimalComma: Bool?

    @Option(name: .long, help: "A JSON schema file {\"fields\":[{\"name\":…,\"type\":…}]}: declared types; rows that do not fit are rejected.")
    var schema: String?

    @Option(name: .long, help: "Threads per read (default: the number of cores).")
    var threads: Int?

    @Option(name: .long, help: "Gzip inflater: auto (ISA-L when present), zlib or isal.")
    var gzip: String = "auto"

    @Option(name: .long, help: "Fail the read when more than this share of rows is rejected (0 to 1).")
    var maxRejectRatio: Double = 0.05

    @Option(name: .long, help: "Stop with an error past this many decompressed bytes (gzip bomb guard).")
    var maxDecompressedBytes: Int64 = 1 << 40

    @Option(name: .long, help: "Folder for rejected rows (<file name>.rejects.ndjson).")
    var rejectsDir: String = "."

    @Flag(name: .long, help: "Infer identifier-like columns (nip, kode_*, id_*) by their values like any other column.")
    var noIdentifierHints = false

    func options() throws -> ReadOptions {
        var options = ReadOptions()
        if let format {
            guard let parsed = FileFormat(rawValue: format) else { throw ValidationError("--format must be csv, ndjson or json") }
            options.format = parsed
        }
        if let delimiter {
            switch delimiter {
            case ",", ";", "|": options.delimiter = delimiter.utf8.first
            case "tab", "\\t", "\t": options.delimiter = 9
            default: throw ValidationError("--delimiter must be ',', ';', 'tab' or '|'")
            }
        }
        options.decimalComma = decimalComma
        if let schema {
            guard let data = FileManager.default.contents(atPath: schema) else {
                throw CLIError.report(LumbungError.io(path: schema, message: "cannot read schema file"))
            }
            do {
                options.schema = try JSONDecoder().decode(Schema.self, from: data)
            } catch {
                throw CLIError.report(LumbungError.usage("\(schema): not a schema file: \(error)"))
            }
        }
        if let threads {
            guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
            options.threads = threads
        }
        guard let backend = GzipBackend(rawValue: gzip) else { throw ValidationError("--gzip must be auto, zlib or isal") }
        options.gzipBackend = backend
        guard (0...1).contains(maxRejectRatio) else { throw ValidationError("--max-reject-ratio must be between 0 and 1") }
        options.maxRejectRatio = maxRejectRatio
        options.maxDecompressedBytes = maxDecompressedBytes
        options.identifierHints = !noIdentifierHints
        return options
    }

    func rejectsPath(for file: String) -> String {
        let name = (file as NSString).lastPathComponent
        return (rejectsDir as NSString).appendingPathComponent(name + ".rejects.ndjson")
    }
}
