@testable import LumbungIO
import Testing

@Suite("SWAR byte copy")
struct SWARCopyTests {
    @Test("copies exactly count bytes, every length from 0 to 80, without touching the bytes around")
    func copiesExactly() {
        for count in 0...80 {
            let source = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            // Guard bytes on both sides of the destination.
            var destination = [UInt8](repeating: 0xEE, count: count + 32)
            source.withUnsafeBufferPointer { src in
                destination.withUnsafeMutableBufferPointer { dst in
                    SWAR.copy(dst.baseAddress! + 16, src.baseAddress ?? UnsafePointer(dst.baseAddress!), count)
                }
            }
            #expect(Array(destination[16..<(16 + count)]) == source, "count \(count)")
            #expect(destination[..<16].allSatisfy { $0 == 0xEE } && destination[(16 + count)...].allSatisfy { $0 == 0xEE },
                    "count \(count) wrote outside its range")
        }
    }
}
