import Foundation

/// Scratch memory recycled between the blocks of one read: a block's column buffers are as large
/// as the last one's, and taking them fresh from the system costs a page fault per 4 KiB (each
/// block would touch new pages, because the finished columns of the blocks before stay alive).
/// Blocks of power-of-two sizes, kept per size class; everything left is freed with the pool.
final class JSONMemoryPool: @unchecked Sendable {
    private let lock = NSLock()
    private var classes: [[UnsafeMutableRawPointer]] = Array(repeating: [], count: 48)
    private var kept = 0
    private let maxKept = 256

    deinit {
        for blocks in classes { for block in blocks { block.deallocate() } }
    }

    /// Memory for at least `bytes` bytes, and its actual size.
    func take(_ bytes: Int) -> (UnsafeMutableRawPointer, Int) {
        let sizeClass = max(6, Int.bitWidth - (max(bytes, 64) - 1).leadingZeroBitCount)
        let size = 1 << sizeClass
        lock.lock()
        if let block = classes[sizeClass].popLast() {
            kept -= 1
            lock.unlock()
            return (block, size)
        }
        lock.unlock()
        return (UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16), size)
    }

    /// Gives back memory from `take`, or any allocation of exactly `bytes` bytes.
    func give(_ block: UnsafeMutableRawPointer, _ bytes: Int) {
        let sizeClass = Int.bitWidth - 1 - bytes.leadingZeroBitCount
        lock.lock()
        if bytes == 1 << sizeClass && sizeClass < classes.count && kept < maxKept {
            classes[sizeClass].append(block)
            kept += 1
            lock.unlock()
            return
        }
        lock.unlock()
        block.deallocate()
    }
}

extension RawVec {
    /// An empty vector whose memory comes from `pool`.
    init(pool: JSONMemoryPool, capacity: Int) {
        let stride = MemoryLayout<T>.stride
        let (block, bytes) = pool.take(max(capacity, 8) * stride)
        self.capacity = bytes / stride
        base = block.bindMemory(to: T.self, capacity: self.capacity)
    }

    /// Returns the memory to `pool` (trivial element types only).
    func give(to pool: JSONMemoryPool) {
        pool.give(UnsafeMutableRawPointer(base), capacity * MemoryLayout<T>.stride)
    }
}
