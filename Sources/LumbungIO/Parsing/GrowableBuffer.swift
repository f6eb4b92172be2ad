/// A manually managed growable buffer for hot loops: no copy-on-write or uniqueness checks per
/// append. The owner calls `deallocate()`.
struct GrowableBuffer<Element> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    /// Makes room for at least `count` elements, keeping the first `used`.
    @inline(__always)
    mutating func reserve(_ count: Int, keeping used: Int) {
        if count <= capacity { return }
        var newCapacity = capacity * 2
        while newCapacity < count { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        newBase.moveInitialize(from: base, count: used)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    func deallocate() { base.deallocate() }
}
