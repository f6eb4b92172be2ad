import CIsal
import CZlib
import Foundation
import LumbungCore

#if canImport(Glibc)
import Glibc
#endif

/// Which inflater to use for gzip input.
public enum GzipBackend: String, Sendable, CaseIterable {
    /// ISA-L when it loads, else zlib.
    case auto
    case zlib
    case isal

    /// Whether ISA-L's inflate can be used in this process, and why not when it cannot.
    public static var isalStatus: (available: Bool, reason: String) {
        (lb_isal_available() != 0, String(cString: lb_isal_unavailable_reason()))
    }
}

/// How a file is compressed, detected from its first bytes.
public enum Compression: String, Sendable {
    case none
    case gzip
}

/// Streams the decompressed bytes of a file in fixed-size reads: memory stays constant whatever
/// the file size.
///
/// Gzip input (magic `1f 8b`) is inflated with ISA-L when available, else zlib; other input is
/// passed through. Multi-member gzip (concatenated streams) is read to the end, every member's
/// CRC-32 and length are verified, and a ceiling on decompressed bytes stops gzip bombs.
/// Errors are `LumbungError.data` with kinds `truncatedGzip`, `corruptGzip` or
/// `decompressedTooLarge`, naming the compressed byte offset.
public final class DecompressingReader {
    public let path: String
    public private(set) var compression: Compression = .none
    /// The inflater in use (`nil` for uncompressed input).
    public private(set) var backend: GzipBackend?
    /// Compressed bytes consumed so far (the file offset, for progress and errors).
    public var compressedOffset: Int64 { fileOffset - Int64(inputEnd - inputStart) }
    public private(set) var decompressedBytes: Int64 = 0
    public let fileSize: Int64
    public private(set) var members = 0

    private let maxDecompressedBytes: Int64
    private var fd: Int32
    private var fileOffset: Int64 = 0
    private var fileEOF = false
    private var input: UnsafeMutablePointer<UInt8>
    private let inputCapacity = 1 << 18
    private var inputStart = 0
    private var inputEnd = 0
    private var zstream = z_stream()
    private var zlibReady = false
    private var isal: OpaquePointer?
    private var inMember = false
    private var finished = false

    /// Opens `path`. `maxDecompressedBytes` bounds the decompressed size (a gzip bomb stops with an error).
    public init(path: String, backend requested: GzipBackend = .auto, maxDecompressedBytes: Int64 = .max) throws {
        self.path = path
        self.maxDecompressedBytes = maxDecompressedBytes
        fd = open(path, O_RDONLY)
        if fd < 0 { throw LumbungError.io(path: path, message: String(cString: strerror(errno))) }
        var info = stat()
        fstat(fd, &info)
        if (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw LumbungError.io(path: path, message: "is a directory")
        }
        fileSize = Int64(info.st_size)
        input = .allocate(capacity: inputCapacity)
        do {
            try refill()
        } catch {
            close(fd)
            input.deallocate()
            throw error
        }
        let isGzip = inputEnd - inputStart >= 2 && input[inputStart] == 0x1f && input[inputStart + 1] == 0x8b
        compression = isGzip ? .gzip : .none
        guard isGzip else { return }
        switch requested {
        case .zlib:
            backend = .zlib
        case .isal, .auto:
            if lb_isal_available() != 0, let stream = lb_isal_create() {
                isal = stream
                backend = .isal
            } else if requested == .isal {
                close(fd)
                input.deallocate()
                throw LumbungError.usage("ISA-L is not available: \(GzipBackend.isalStatus.reason)")
            } else {
                backend = .zlib
            }
        }
        if backend == .zlib {
            let status = CZlib_inflateInit2(&zstream, 15 + 16)
            if status != Z_OK {
                close(fd)
                input.deallocate()
                throw LumbungError.internalError("inflateInit2 failed with status \(status)")
            }
            zlibReady = true
        }
    }

    deinit {
        if zlibReady { inflateEnd(&zstream) }
        if let isal { lb_isal_destroy(isal) }
        if fd >= 0 { close(fd) }
        input.deallocate()
    }

    /// Ends the stream here: later reads return 0 (used to read only a file's head).
    public func stopReading() { finished = true }

    /// Fills `buffer` with up to `buffer.count` decompressed bytes; returns 0 at the end of the input.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0, !finished else { return 0 }
        let out = base.assumingMemoryBound(to: UInt8.self)
        var written = 0
        switch compression {
        case .none:
            while written < buffer.count {
                if inputStart == inputEnd {
                    if fileEOF { break }
                    try refill()
                    continue
                }
                let count = min(buffer.count - written, inputEnd - inputStart)
                (out + written).update(from: input + inputStart, count: count)
                inputStart += count
                written += count
            }
        case .gzip:
            while written < buffer.count {
                let produced = try inflateStep(out + written, buffer.count - written)
                written += produced
                if finished { break }
            }
        }
        if written == 0 { finished = true }
        decompressedBytes += Int64(written)
        if decompressedBytes > maxDecompressedBytes {
            throw LumbungError.data(DataError(
                .decompressedTooLarge, file: path, byteOffset: compressedOffset,
                message: "decompressed size exceeds the limit of \(maxDecompressedBytes) bytes (possible gzip bomb)",
                hint: "raise the limit with --max-decompressed-bytes if the file is genuine"))
        }
        return written
    }

    /// One inflate call; returns bytes produced. Handles member boundaries and end of input.
    private func inflateStep(_ out: UnsafeMutablePointer<UInt8>, _ capacity: Int) throws -> Int {
        if !inMember {
            // Between members: end of file, or the next member's magic, or trailing garbage.
            if inputEnd - inputStart < 2 && !fileEOF { try refill() }
            let available = inputEnd - inputStart
            if available == 0 {
                if members == 0 { throw truncated("empty gzip stream") }
                finished = true
                return 0
            }
            if available < 2 || input[inputStart] != 0x1f || input[inputStart + 1] != 0x8b {
                if members > 0, allZero() { finished = true; return 0 }
                throw corrupt("unexpected data after gzip member \(members) (not a gzip header)")
            }
            inMember = true
            if members > 0 {
                if let isal { lb_isal_reset(isal) } else { inflateReset(&zstream) }
            }
        }
        if inputStart == inputEnd {
            if fileEOF { throw truncated("the file ends inside gzip member \(members + 1)") }
            try refill()
        }
        if let isal {
            var used = 0
            var produced = 0
            let status = lb_isal_inflate(isal, input + inputStart, inputEnd - inputStart, &used, out, capacity, &produced)
            inputStart += used
            switch status {
            case Int32(LB_ISAL_OK):
                if used == 0 && produced == 0 {
                    if fileEOF && inputStart == inputEnd { throw truncated("the file ends inside gzip member \(members + 1)") }
                    try refill()
                }
                return produced
            case Int32(LB_ISAL_MEMBER_END):
                inMember = false
                members += 1
                return produced
            case Int32(LB_ISAL_ERR_CHECKSUM):
                throw corrupt("CRC-32 or length check failed in gzip member \(members + 1)")
            case Int32(LB_ISAL_ERR_HEADER):
                throw corrupt("invalid gzip header in member \(members + 1)")
            default:
                throw corrupt("invalid deflate data in gzip member \(members + 1)")
            }
        }
        zstream.next_in = input + inputStart
        zstream.avail_in = UInt32(inputEnd - inputStart)
        zstream.next_out = out
        zstream.avail_out = UInt32(min(capacity, Int(UInt32.max)))
        let status = CZlib.inflate(&zstream, Z_NO_FLUSH)
        let used = (inputEnd - inputStart) - Int(zstream.avail_in)
        let produced = capacity - Int(zstream.avail_out)
        inputStart += used
        switch status {
        case Z_OK:
            return produced
        case Z_STREAM_END:
            inMember = false
            members += 1
            return produced
        case Z_BUF_ERROR:
            if fileEOF && inputStart == inputEnd { throw truncated("the file ends inside gzip member \(members + 1)") }
            try refill()
            return produced
        default:
            let reason = zstream.msg.map { String(cString: $0) } ?? "status \(status)"
            throw corrupt("\(reason) in gzip member \(members + 1)")
        }
    }

    /// Some tools pad gzip files with zero bytes; accept that, as gzip does.
    private func allZero() -> Bool {
        while true {
            for index in inputStart..<inputEnd where input[index] != 0 { return false }
            inputStart = inputEnd
            if fileEOF { return true }
            do { try refill() } catch { return false }
        }
    }

    private func refill() throws {
        if inputStart > 0 {
            let remaining = inputEnd - inputStart
            if remaining > 0 { input.update(from: input + inputStart, count: remaining) }
            inputStart = 0
            inputEnd = remaining
        }
        while inputEnd < inputCapacity && !fileEOF {
            let count = Glibc.read(fd, input + inputEnd, inputCapacity - inputEnd)
            if count < 0 {
                if errno == EINTR { continue }
                throw LumbungError.io(path: path, message: String(cString: strerror(errno)))
            }
            if count == 0 { fileEOF = true; break }
            inputEnd += count
            fileOffset += Int64(count)
            if inputEnd - inputStart >= 1 << 16 { break }
        }
    }

    private func truncated(_ message: String) -> LumbungError {
        .data(DataError(
            .truncatedGzip, file: path, byteOffset: compressedOffset,
            message: "truncated gzip file: \(message) (at compressed byte \(compressedOffset) of \(fileSize))",
            hint: "the file was cut short, e.g. by an interrupted download or copy; fetch it again"))
    }

    private func corrupt(_ message: String) -> LumbungError {
        .data(DataError(
            .corruptGzip, file: path, byteOffset: compressedOffset,
            message: "corrupt gzip data: \(message) (at compressed byte \(compressedOffset))",
            hint: "check the file with `gzip -t`; fetch or export it again"))
    }
}
