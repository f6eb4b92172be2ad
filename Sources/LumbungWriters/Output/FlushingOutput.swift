/// A `ByteBuffer` handed to a consumer whenever it passes a threshold (64 KiB by default).
///
/// Encoders append whole rows and call `rowEnded()`: flushes happen only between rows, so a
/// consumer never sees a value (or a UTF-8 sequence) cut in two, and a row longer than the
/// threshold just grows the buffer. When the consumer fails (returns `false`), `stopped` turns
/// true, later output is dropped, and encoders stop at the next row.
final class FlushingOutput {
    let buffer: ByteBuffer
    let threshold: Int
    private let consume: (UnsafeRawBufferPointer) -> Bool
    private(set) var stopped = false

    /// - Parameters:
    ///   - threshold: flush once this many bytes are buffered.
    ///   - consume: receives each batch of bytes (valid only during the call); returns `false` to stop.
    init(threshold: Int = 64 * 1024, consume: @escaping (UnsafeRawBufferPointer) -> Bool) {
        self.threshold = max(threshold, 1)
        buffer = ByteBuffer(capacity: self.threshold + 4096)
        self.consume = consume
    }

    /// Flushes when the buffer holds at least `threshold` bytes.
    @inline(__always)
    func rowEnded() {
        if buffer.count >= threshold { flush() }
    }

    /// Hands everything buffered to the consumer.
    func flush() {
        if buffer.count > 0, !stopped {
            stopped = !consume(buffer.bytes)
        }
        buffer.removeAll()
    }
}
