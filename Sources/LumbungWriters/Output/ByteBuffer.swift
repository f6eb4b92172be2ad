/// A growable byte buffer with unchecked appends after an explicit `reserve`.
///
/// The writers' hot loops call `reserve(_:)` once per value and then write through `end`, so a
/// cell costs one capacity check instead of one per byte (as `[UInt8].append` would).
/// A class so that the encoders can share it without copy-on-write checks.
final class ByteBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    /// Number of bytes written.
    var count: Int = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The first free byte; valid for `reserve`d bytes until the next `reserve`.
    @inline(__always)
    var end: UnsafeMutablePointer<UInt8> { base + count }

    /// The written bytes (valid until the next mutation).
    @inline(__always)
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Makes room for `extra` more bytes, growing the storage when needed.
    @inline(__always)
    func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: count + extra) }
    }

    private func grow(to minimum: Int) {
        var newCapacity = capacity * 2
        while newCapacity < minimum { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inline(__always)
    func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always)
    func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        UnsafeMutableRawPointer(base + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    @inline(__always)
    func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// Appends the UTF-8 of `text` (for the rare non-hot-path strings).
    func append(_ text: String) {
        var text = text
        text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    /// Marks `written` reserved bytes as used.
    @inline(__always)
    func advance(_ written: Int) { count += written }

    /// Forgets the content, keeping the storage.
    @inline(__always)
    func removeAll() { count = 0 }
}
