import Foundation
import LumbungCore

/// A reference to one row of a chunked table: chunk index in the high 32 bits, row in the low 32.
/// `RowRef.null` stands for a missing row (all values null), as produced by a left join.
typealias RowRef = UInt64

extension RowRef {
    static let null: RowRef = .max

    @inline(__always)
    init(chunk: Int, row: Int) { self = UInt64(truncatingIfNeeded: chunk) << 32 | UInt64(truncatingIfNeeded: row) }

    @inline(__always)
    var chunk: Int { Int(truncatingIfNeeded: self >> 32) }

    @inline(__always)
    var row: Int { Int(truncatingIfNeeded: self & 0xffff_ffff) }
}

/// One column of a table spread over chunks, with random access by `RowRef` for gathering rows
/// from many chunks into a new column (sort, join, aggregate keys).
///
/// String columns whose chunks are all dictionary-encoded with small dictionaries gather into a
/// dictionary column over one unified dictionary, so later grouping and filtering stay on codes.
final class ChunkedColumn: @unchecked Sendable {
    let type: DataType
    let columns: [Column]
    private let keepAlive: [AnyObject]
    private let fixed64: [UnsafePointer<Int64>]
    private let doubles: [UnsafePointer<Double>]
    private let bytes1: [UnsafePointer<UInt8>]
    private let int32s: [UnsafePointer<Int32>]
    private let codes: [UnsafePointer<UInt32>?]
    private let stringBytes: [UnsafePointer<UInt8>]
    private let stringOffsets: [UnsafePointer<UInt32>]
    private let validity: [UnsafePointer<UInt64>?]
    /// Built on the first gather of many rows (unifying dictionaries costs a pass over them).
    private let unifiedState = UnifiedState()

    private final class UnifiedState: @unchecked Sendable {
        let lock = NSLock()
        var decided = false
        var unified: UnifiedDictionary?
        var remap: [Pinned<UInt32>] = []
    }

    init(_ columns: [Column], type: DataType) {
        self.type = type
        self.columns = columns
        var keepAlive: [AnyObject] = []
        func pin<T>(_ array: [T]) -> UnsafePointer<T> {
            let pinned = Pinned(array)
            keepAlive.append(pinned)
            return pinned.base
        }
        var fixed64: [UnsafePointer<Int64>] = []
        var doubles: [UnsafePointer<Double>] = []
        var bytes1: [UnsafePointer<UInt8>] = []
        var int32s: [UnsafePointer<Int32>] = []
        var codes: [UnsafePointer<UInt32>?] = []
        var stringBytes: [UnsafePointer<UInt8>] = []
        var stringOffsets: [UnsafePointer<UInt32>] = []
        let validity = columns.map { column in column.validity.map { pin($0.words) } }
        for column in columns {
            switch column.values {
            case .int64(let array), .timestamp(let array): fixed64.append(pin(array))
            case .float64(let array): doubles.append(pin(array))
            case .bool(let array): bytes1.append(pin(array))
            case .date(let array): int32s.append(pin(array))
            case .string(let strings):
                codes.append(nil)
                stringBytes.append(pin(strings.bytes))
                stringOffsets.append(pin(strings.offsets))
            case .dictionary(let chunkCodes, let dictionary):
                codes.append(pin(chunkCodes))
                stringBytes.append(pin(dictionary.bytes))
                stringOffsets.append(pin(dictionary.offsets))
            }
        }
        self.keepAlive = keepAlive
        self.fixed64 = fixed64
        self.doubles = doubles
        self.bytes1 = bytes1
        self.int32s = int32s
        self.codes = codes
        self.stringBytes = stringBytes
        self.stringOffsets = stringOffsets
        self.validity = validity
        self.hasNulls = validity.contains { $0 != nil }
    }

    /// Whether any chunk has a null.
    let hasNulls: Bool

    /// The unified dictionary when gathering `rows` rows pays for building it: every chunk is
    /// dictionary-encoded and the dictionaries hold fewer entries than the rows gathered.
    private func unified(forRows rows: Int) -> (UnifiedDictionary, [Pinned<UInt32>])? {
        guard type == .string else { return nil }
        unifiedState.lock.lock()
        defer { unifiedState.lock.unlock() }
        if unifiedState.decided {
            return unifiedState.unified.map { ($0, unifiedState.remap) }
        }
        var entries = 0
        for column in columns {
            guard case .dictionary(_, let dictionary) = column.values else { return nil }
            entries += dictionary.count
        }
        // Decide once, for gathers that copy many rows (the whole output of a join or a sort).
        guard entries <= rows * 2 || rows >= 4096 else { return nil }
        unifiedState.decided = true
        let totalRows = columns.reduce(0) { $0 + $1.count }
        unifiedState.unified = UnifiedDictionary(columns, limit: max(1 << 16, totalRows / 4))
        unifiedState.remap = unifiedState.unified?.remap.map { Pinned($0) } ?? []
        return unifiedState.unified.map { ($0, unifiedState.remap) }
    }

    @inline(__always)
    func isNull(_ ref: RowRef) -> Bool {
        if ref == .null { return true }
        guard let words = validity[ref.chunk] else { return false }
        let row = ref.row
        return (words[row >> 6] >> UInt64(row & 63)) & 1 == 0
    }

    /// The bytes of the string at `ref` (a string column; `ref` not null).
    @inline(__always)
    func bytesOf(_ ref: RowRef) -> (UnsafeRawPointer, Int) {
        let chunk = ref.chunk
        var index = ref.row
        if let chunkCodes = codes[chunk] { index = Int(chunkCodes[index]) }
        let offsets = stringOffsets[chunk]
        let start = Int(offsets[index])
        return (UnsafeRawPointer(stringBytes[chunk] + start), Int(offsets[index + 1]) - start)
    }

    @inline(__always)
    func int64(_ ref: RowRef) -> Int64 { fixed64[ref.chunk][ref.row] }
    @inline(__always)
    func double(_ ref: RowRef) -> Double { doubles[ref.chunk][ref.row] }
    @inline(__always)
    func byte(_ ref: RowRef) -> UInt8 { bytes1[ref.chunk][ref.row] }
    @inline(__always)
    func int32(_ ref: RowRef) -> Int32 { int32s[ref.chunk][ref.row] }

    /// The value at `ref` (slow path).
    func value(_ ref: RowRef) -> Value {
        if isNull(ref) { return .null }
        return columns[ref.chunk].value(at: ref.row)
    }

    /// The rows `refs` as a new column.
    func gather(_ refs: UnsafeBufferPointer<RowRef>) -> Column {
        let n = refs.count
        var present = 0
        var words = [UInt64](repeating: 0, count: (n + 63) >> 6)
        if hasNulls {
            validity.withUnsafeBufferPointer { validity in
                words.withUnsafeMutableBufferPointer { out in
                    for position in 0..<n {
                        let ref = refs[position]
                        if ref == .null { continue }
                        if let bits = validity[ref.chunk] {
                            let row = ref.row
                            if (bits[row >> 6] >> UInt64(row & 63)) & 1 == 0 { continue }
                        }
                        out[position >> 6] |= 1 << UInt64(position & 63)
                        present += 1
                    }
                }
            }
        } else {
            // Only missing rows (left joins) are null.
            words.withUnsafeMutableBufferPointer { out in
                for position in 0..<n where refs[position] != .null {
                    out[position >> 6] |= 1 << UInt64(position & 63)
                    present += 1
                }
            }
        }
        let newValidity: Bitmap? = present == n ? nil : Bitmap.fromWords(words, count: n)
        /// Values at `refs` from per-chunk base pointers (0 for missing rows).
        func fixed<T>(_ pointers: [UnsafePointer<T>], _ zero: T) -> [T] {
            pointers.withUnsafeBufferPointer { pointers in
                [T](unsafeUninitializedCapacity: n) { out, initialized in
                    for position in 0..<n {
                        let ref = refs[position]
                        out[position] = ref == .null ? zero : pointers[ref.chunk][ref.row]
                    }
                    initialized = n
                }
            }
        }
        let values: ColumnValues
        switch type {
        case .int64: values = .int64(fixed(fixed64, 0))
        case .timestamp: values = .timestamp(fixed(fixed64, 0))
        case .float64: values = .float64(fixed(doubles, 0))
        case .bool: values = .bool(fixed(bytes1, 0))
        case .date: values = .date(fixed(int32s, 0))
        case .string:
            if let (unified, pinnedRemap) = unified(forRows: n) {
                let unifiedRemap = pinnedRemap.map(\.base)
                let chunkCodes = codes.map { $0! }
                let newCodes = [UInt32](unsafeUninitializedCapacity: n) { out, initialized in
                    unifiedRemap.withUnsafeBufferPointer { unifiedRemap in
                        chunkCodes.withUnsafeBufferPointer { chunkCodes in
                            for position in 0..<n {
                                let ref = refs[position]
                                if ref == .null {
                                    out[position] = 0
                                } else {
                                    let chunk = ref.chunk
                                    out[position] = unifiedRemap[chunk][Int(chunkCodes[chunk][ref.row])]
                                }
                            }
                        }
                    }
                    initialized = n
                }
                var dictionary = unified.dictionary
                if dictionary.count == 0 { dictionary.append("") }
                values = .dictionary(codes: newCodes, dictionary: dictionary)
            } else {
                // Two passes: lengths, then one copy per string into an exact-size buffer.
                var offsets = [UInt32](repeating: 0, count: n + 1)
                var total = 0
                offsets.withUnsafeMutableBufferPointer { offsets in
                    for position in 0..<n {
                        let ref = refs[position]
                        if !isNull(ref) { total += bytesOf(ref).1 }
                        offsets[position + 1] = UInt32(truncatingIfNeeded: total)
                    }
                }
                let bytes = [UInt8](unsafeUninitializedCapacity: total) { out, initialized in
                    var cursor = 0
                    for position in 0..<n {
                        let ref = refs[position]
                        if isNull(ref) { continue }
                        let (pointer, length) = bytesOf(ref)
                        if length > 0 {
                            UnsafeMutableRawPointer(out.baseAddress! + cursor).copyMemory(from: pointer, byteCount: length)
                        }
                        cursor += length
                    }
                    initialized = total
                }
                values = .string(StringArray(bytes: bytes, offsets: offsets))
            }
        }
        return Column(type: type, values: values, validity: newValidity, count: n)
    }

    func gather(_ refs: [RowRef]) -> Column { refs.withUnsafeBufferPointer { gather($0) } }
}

extension Table {
    /// Column `index` of every chunk, for random access.
    func chunkedColumn(_ index: Int) -> ChunkedColumn {
        ChunkedColumn(chunks.map { $0.columns[index] }, type: schema.fields[index].type)
    }

    /// Builds a table from `refs` into `self`, split into chunks of `morselSize` rows, gathering
    /// chunks in parallel.
    func gatherRows(_ refs: [RowRef], context: ExecutionContext, columns: [Int]? = nil) throws -> Table {
        let columnIndices = columns ?? Array(0..<schema.count)
        let sources = columnIndices.map { chunkedColumn($0) }
        let schema = Schema(columnIndices.map { self.schema.fields[$0] })
        return try Table.gather(refs, from: sources, schema: schema, context: context)
    }

    static func gather(_ refs: [RowRef], from sources: [ChunkedColumn], schema: Schema, context: ExecutionContext) throws
        -> Table
    {
        let morsel = context.morselSize
        let chunkCount = (refs.count + morsel - 1) / morsel
        let chunks = try refs.withUnsafeBufferPointer { all in
            let shared = UncheckedSendable(all)
            return try context.parallelMap(chunkCount) { chunkIndex, _ in
                let range = chunkIndex * morsel..<min(refs.count, (chunkIndex + 1) * morsel)
                let slice = UnsafeBufferPointer(rebasing: shared.value[range])
                return Chunk(columns: sources.map { $0.gather(slice) }, count: range.count)
            }
        }
        return Table(schema: schema, chunks: chunks)
    }
}
