import Foundation
import LumbungCore

/// A row a reader would not load, kept with everything needed to find and fix it
/// (the fields of DuckDB's `reject_errors`).
public struct RejectedRow: Sendable, Codable, Equatable {
    public var file: String
    /// 1-based line where the row starts.
    public var line: Int
    /// 1-based field number (CSV) or byte column in the line (JSON), when known.
    public var column: Int?
    public var columnName: String?
    /// Byte offset of the row in the decompressed text.
    public var byteOffset: Int64
    public var kind: DataError.Kind
    public var reason: String
    /// The row's original text.
    public var raw: String

    public init(
        file: String, line: Int, column: Int?, columnName: String?, byteOffset: Int64, kind: DataError.Kind,
        reason: String, raw: String
    ) {
        self.file = file
        self.line = line
        self.column = column
        self.columnName = columnName
        self.byteOffset = byteOffset
        self.kind = kind
        self.reason = reason
        self.raw = raw
    }

    enum CodingKeys: String, CodingKey {
        case file, line, column
        case columnName = "column_name"
        case byteOffset = "byte_offset"
        case kind, reason, raw
    }
}

/// Writes rejected rows as NDJSON, atomically (a temporary file renamed into place).
public enum RejectsWriter {
    public static func write(_ rows: [RejectedRow], to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = Data()
        for row in rows {
            data.append(try encoder.encode(row))
            data.append(0x0a)
        }
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        do {
            // The rejects folder is made when missing, as `mkdir -p` would.
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try data.write(to: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw LumbungError.io(path: path, message: "cannot write rejects file: \(Self.reason(error))")
        }
        // rename(2) replaces an older rejects file in one step: a reader sees the old file or the
        // new one, never none or half of one.
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw LumbungError.io(path: path, message: "cannot write rejects file: \(reason)")
        }
    }

    /// The system's reason for a failed file operation (Foundation's own text says little).
    private static func reason(_ error: Error) -> String {
        let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
        if let code = underlying?.code, underlying?.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(code)))
        }
        return error.localizedDescription
    }
}
