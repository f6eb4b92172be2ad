/// Keeps an array alive and unmodified so that its element pointer can be used outside a
/// `withUnsafeBufferPointer` scope (for random access across many chunks at once).
///
/// The array is a `let` of this class: it is never mutated, so its storage does not move.
final class Pinned<Element>: @unchecked Sendable {
    let array: [Element]
    let base: UnsafePointer<Element>
    var count: Int { array.count }

    init(_ array: [Element]) {
        self.array = array
        if let address = array.withUnsafeBufferPointer({ $0.baseAddress }) {
            base = address
        } else {
            // An empty array may have no storage: point at a harmless address that is never read.
            base = UnsafePointer(bitPattern: MemoryLayout<Element>.alignment)!
        }
    }

    @inline(__always)
    subscript(index: Int) -> Element { base[index] }

    var buffer: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: array.count) }
}
