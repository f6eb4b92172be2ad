/// Strings stored compactly: one UTF-8 byte buffer plus `count + 1` offsets into it.
///
/// Value `i` is `bytes[offsets[i] ..< offsets[i + 1]]`. Offsets are 32-bit: a chunk holds at most
/// 4 GiB of string bytes per column (chunks are morsels of tens of thousands of rows).
public struct StringArray: Sendable, Equatable {
    public var bytes: [UInt8]
    public var offsets: [UInt32]

    public init() {
        bytes = []
        offsets = [0]
    }

    public init(bytes: [UInt8], offsets: [UInt32]) {
        precondition(!offsets.isEmpty, "StringArray needs count + 1 offsets")
        self.bytes = bytes
        self.offsets = offsets
    }

    public init<S: Sequence>(_ strings: S) where S.Element == String {
        self.init()
        for string in strings { append(string) }
    }

    public var count: Int { offsets.count - 1 }

    @inline(__always)
    public mutating func append(_ string: String) {
        var string = string
        string.withUTF8 { bytes.append(contentsOf: $0) }
        offsets.append(UInt32(bytes.count))
    }

    @inline(__always)
    public mutating func append(_ buffer: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: buffer)
        offsets.append(UInt32(bytes.count))
    }

    /// Append an empty value (used for null slots).
    @inline(__always)
    public mutating func appendEmpty() { offsets.append(UInt32(bytes.count)) }

    public subscript(index: Int) -> String {
        let start = Int(offsets[index])
        let end = Int(offsets[index + 1])
        return bytes.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[start..<end]), as: UTF8.self)
        }
    }

    /// Calls `body` with the raw bytes of value `index`, without making a `String`.
    @inline(__always)
    public func withBytes<R>(at index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let start = Int(offsets[index])
        let end = Int(offsets[index + 1])
        return try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
    }
}
