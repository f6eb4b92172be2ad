import Foundation
import LumbungCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a `Table` in one of `lumbung query`'s output formats, streaming: bytes go out in
/// batches of about `Options.flushThreshold` (64 KiB), so a result of millions of rows never
/// becomes one big string.
///
/// ```swift
/// let writer = ResultWriter(format: .ndjson)
/// try writer.write(table, to: FileHandle.standardOutput)
/// let text = ResultWriter(format: .table, options: .init(numberStyle: .indonesian)).render(table)
/// ```
/// CSV, JSON and NDJSON are encoded column by column from the typed columns, a batch of rows at a
/// time, then stitched into rows (see `RowStitcher`). `table` and `markdown` are for people and
/// build a `String` per shown cell. Each format's rules are on its encoder: `CSVEncoder`,
/// `JSONRowsEncoder`, `TextTableEncoder`, `MarkdownEncoder`.
public struct ResultWriter: Sendable {
    public var format: ResultFormat
    public var options: Options

    public init(format: ResultFormat, options: Options = Options()) {
        self.format = format
        self.options = options
    }

    /// Streams `table` to `consume`, in batches of bytes that end at row boundaries (each batch is
    /// valid UTF-8 and valid only during the call).
    /// - Throws: the first error `consume` throws; nothing more is written after it.
    public func write(_ table: Table, to consume: (UnsafeRawBufferPointer) throws -> Void) throws {
        var failure: (any Error)?
        encode(table) { bytes in
            do {
                try consume(bytes)
                return true
            } catch {
                failure = error
                return false
            }
        }
        if let failure { throw failure }
    }

    /// Streams `table` to a file handle (standard output, a file, a pipe) with `write(2)`.
    /// - Parameter path: how errors name the destination.
    /// - Throws: `LumbungError.io` when a write fails (a closed pipe, a full disk).
    public func write(_ table: Table, to handle: FileHandle, path: String = "standard output") throws {
        let descriptor = handle.fileDescriptor
        try write(table) { bytes in
            guard var next = bytes.baseAddress else { return }
            var remaining = bytes.count
            while remaining > 0 {
                let written = systemWrite(descriptor, next, remaining)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw LumbungError.io(path: path, message: String(cString: strerror(errno)))
                }
                next += written
                remaining -= written
            }
        }
    }

    /// Streams `table` into a text stream (a `String`, or any `TextOutputStream`).
    public func write(_ table: Table, to stream: inout some TextOutputStream) {
        encode(table) { bytes in
            stream.write(String(decoding: bytes, as: UTF8.self))
            return true
        }
    }

    /// The whole output as one string: for tests and small results.
    public func render(_ table: Table) -> String {
        String(decoding: renderBytes(table), as: UTF8.self)
    }

    /// The whole output as UTF-8 bytes: for tests and small results.
    public func renderBytes(_ table: Table) -> [UInt8] {
        var result: [UInt8] = []
        encode(table) { bytes in
            result.append(contentsOf: bytes)
            return true
        }
        return result
    }

    /// Runs the format's encoder over a flushing buffer; `consume` returns `false` to stop.
    private func encode(_ table: Table, consume: (UnsafeRawBufferPointer) -> Bool) {
        withoutActuallyEscaping(consume) { consume in
            let output = FlushingOutput(threshold: options.flushThreshold, consume: consume)
            switch format {
            case .table: TextTableEncoder(options: options).write(table, to: output)
            case .csv: CSVEncoder(delimiter: options.csvDelimiter).write(table, to: output)
            case .json: JSONRowsEncoder(array: true).write(table, to: output)
            case .ndjson: JSONRowsEncoder(array: false).write(table, to: output)
            case .markdown: MarkdownEncoder(options: options).write(table, to: output)
            }
            output.flush()
        }
    }
}

@inline(__always)
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(descriptor, bytes, count)
    #else
    return Darwin.write(descriptor, bytes, count)
    #endif
}
