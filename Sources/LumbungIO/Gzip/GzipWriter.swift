// Gzip compression with zlib: one buffer in, one complete gzip member out.
//
// A gzip file may hold several members one after another (RFC 1952 §2.2); gunzip, zlib's
// inflate with automatic header detection, DuckDB and Polars all read such files as the
// concatenation of the members' contents. Writers that compress blocks in parallel therefore
// compress each block into its own member and write the members in block order.
//
// Two compressors: zlib (always there, the baseline) and libdeflate, about twice as fast at
// level 1 with smaller output, loaded at run time with dlopen when the system has it (Debian:
// libdeflate0). Both write standard gzip; their bytes differ, their content does not.
import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which deflate implementation writes the gzip members.
public enum GzipCompressor: String, Sendable, CaseIterable {
    /// libdeflate when it can be loaded, zlib otherwise.
    case automatic = "auto"
    case zlib
    case libdeflate

    /// The compressor `.automatic` resolves to on this machine.
    public var resolved: GzipCompressor {
        switch self {
        case .automatic: return LibDeflate.shared != nil ? .libdeflate : .zlib
        default: return self
        }
    }

    /// Whether libdeflate could be loaded.
    public static var libdeflateAvailable: Bool { LibDeflate.shared != nil }
}

/// Why zlib refused to compress.
public struct GzipWriterError: Error, CustomStringConvertible, Sendable {
    public let stage: String
    public let code: Int32
    public var description: String { "gzip: zlib \(stage) failed with code \(code)" }
}

/// Compresses byte buffers into complete gzip members (header, deflate stream, CRC-32 and
/// length trailer) with zlib.
public enum GzipWriter {
    /// zlib's levels: 0 (store) ... 9 (smallest). Levels 1-2 are the fast ones.
    public static let defaultLevel: Int32 = 1

    /// Compresses `input` into one complete gzip member with `compressor`. An empty input
    /// gives a valid member with an empty body.
    public static func member(_ input: UnsafeRawBufferPointer, level: Int32 = defaultLevel, compressor: GzipCompressor) throws -> [UInt8] {
        switch compressor.resolved {
        case .libdeflate:
            guard let lib = LibDeflate.shared else { throw GzipWriterError(stage: "libdeflate is not available", code: -1) }
            return try lib.gzip(input, level: level)
        default:
            return try member(input, level: level)
        }
    }

    /// Compresses `input` into one complete gzip member with zlib. An empty input gives a
    /// valid member with an empty body (20 bytes).
    public static func member(_ input: UnsafeRawBufferPointer, level: Int32 = defaultLevel) throws -> [UInt8] {
        var stream = z_stream()
        // windowBits 15 + 16: a gzip wrapper instead of zlib's; memLevel 8 is zlib's default.
        let initCode = CZlib_deflateInit2(&stream, max(0, min(9, level)), 15 + 16, 8, Z_DEFAULT_STRATEGY)
        guard initCode == Z_OK else { throw GzipWriterError(stage: "deflateInit2", code: initCode) }
        defer { deflateEnd(&stream) }

        // deflateBound is an upper bound for a single deflate(Z_FINISH) call including the
        // gzip header and trailer, so one call always finishes.
        let bound = Int(deflateBound(&stream, uLong(input.count)))
        var failure: GzipWriterError?
        let output = [UInt8](unsafeUninitializedCapacity: bound) { out, count in
            count = 0
            var total = 0
            var remaining = input.count
            var next = input.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: Bytef.self)) }
            // avail_in is 32-bit: feed very large inputs in slices.
            while true {
                let slice = min(remaining, Int(UInt32.max / 2))
                stream.next_in = next
                stream.avail_in = uInt(slice)
                remaining -= slice
                let flush = remaining == 0 ? Z_FINISH : Z_NO_FLUSH
                repeat {
                    let room = bound - total
                    stream.next_out = out.baseAddress! + total
                    stream.avail_out = uInt(min(room, Int(UInt32.max / 2)))
                    let before = Int(stream.avail_out)
                    let code = deflate(&stream, flush)
                    total += before - Int(stream.avail_out)
                    if code == Z_STREAM_END { count = total; return }
                    if code != Z_OK && code != Z_BUF_ERROR {
                        failure = GzipWriterError(stage: "deflate", code: code)
                        return
                    }
                    if total >= bound {
                        failure = GzipWriterError(stage: "deflate (output bound)", code: Z_BUF_ERROR)
                        return
                    }
                } while stream.avail_in > 0 || (flush == Z_FINISH)
                next = next.map { $0 + slice }
            }
        }
        if let failure { throw failure }
        return output
    }

    /// Compresses `input` into one complete gzip member.
    public static func member(_ input: [UInt8], level: Int32 = defaultLevel) throws -> [UInt8] {
        try input.withUnsafeBytes { try member($0, level: level) }
    }

    /// Compresses `input` into one complete gzip member with `compressor`.
    public static func member(_ input: [UInt8], level: Int32 = defaultLevel, compressor: GzipCompressor) throws -> [UInt8] {
        try input.withUnsafeBytes { try member($0, level: level, compressor: compressor) }
    }

    /// Compresses raw memory (for callers that fill their own buffers).
    public static func member(_ base: UnsafePointer<UInt8>?, count: Int, level: Int32 = defaultLevel,
                              compressor: GzipCompressor = .zlib) throws -> [UInt8] {
        try member(UnsafeRawBufferPointer(start: base.map { UnsafeRawPointer($0) }, count: count), level: level, compressor: compressor)
    }
}

/// libdeflate's one-shot gzip API, resolved with dlopen/dlsym.
final class LibDeflate: @unchecked Sendable {
    private typealias Alloc = @convention(c) (Int32) -> OpaquePointer?
    private typealias Bound = @convention(c) (OpaquePointer?, Int) -> Int
    private typealias Compress = @convention(c) (OpaquePointer?, UnsafeRawPointer?, Int, UnsafeMutableRawPointer?, Int) -> Int
    private typealias Free = @convention(c) (OpaquePointer?) -> Void

    private let alloc: Alloc
    private let bound: Bound
    private let compress: Compress
    private let free: Free

    static let shared: LibDeflate? = LibDeflate()

    private init?() {
        var handle: UnsafeMutableRawPointer?
        for name in ["libdeflate.so.0", "libdeflate.so", "libdeflate.dylib", "libdeflate.0.dylib"] {
            handle = dlopen(name, RTLD_NOW | RTLD_LOCAL)
            if handle != nil { break }
        }
        guard let handle,
              let a = dlsym(handle, "libdeflate_alloc_compressor"),
              let b = dlsym(handle, "libdeflate_gzip_compress_bound"),
              let c = dlsym(handle, "libdeflate_gzip_compress"),
              let f = dlsym(handle, "libdeflate_free_compressor") else { return nil }
        alloc = unsafeBitCast(a, to: Alloc.self)
        bound = unsafeBitCast(b, to: Bound.self)
        compress = unsafeBitCast(c, to: Compress.self)
        free = unsafeBitCast(f, to: Free.self)
    }

    func gzip(_ input: UnsafeRawBufferPointer, level: Int32) throws -> [UInt8] {
        // libdeflate's levels run 0-12; zlib's 1-9 map onto the same fast end.
        guard let compressor = alloc(max(0, min(12, level))) else { throw GzipWriterError(stage: "libdeflate_alloc_compressor", code: -1) }
        defer { free(compressor) }
        let capacity = bound(compressor, input.count)
        var written = 0
        let output = [UInt8](unsafeUninitializedCapacity: capacity) { out, count in
            written = compress(compressor, input.baseAddress, input.count, out.baseAddress, capacity)
            count = written
        }
        guard written > 0 else { throw GzipWriterError(stage: "libdeflate_gzip_compress", code: -1) }
        return output
    }
}
