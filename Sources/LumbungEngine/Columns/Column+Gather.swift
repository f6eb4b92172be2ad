import LumbungCore

extension Column {
    /// The rows at `indices`, in that order (a selection vector). Dictionary columns keep their
    /// dictionary and gather codes.
    /// - Complexity: O(indices.count) plus the bytes of gathered strings.
    func gather(_ indices: UnsafeBufferPointer<UInt32>) -> Column {
        let n = indices.count
        let newValues: ColumnValues
        switch values {
        case .int64(let array): newValues = .int64(gatherArray(array, indices))
        case .float64(let array): newValues = .float64(gatherArray(array, indices))
        case .bool(let array): newValues = .bool(gatherArray(array, indices))
        case .date(let array): newValues = .date(gatherArray(array, indices))
        case .timestamp(let array): newValues = .timestamp(gatherArray(array, indices))
        case .dictionary(let codes, let dictionary):
            newValues = .dictionary(codes: gatherArray(codes, indices), dictionary: dictionary)
        case .string(let strings): newValues = .string(gatherStrings(strings, indices))
        }
        return Column(type: type, values: newValues, validity: validity.flatMap { gatherBits($0, indices) }, count: n)
    }

    func gather(_ indices: [UInt32]) -> Column {
        indices.withUnsafeBufferPointer { gather($0) }
    }
}

@inline(__always)
func gatherArray<T>(_ array: [T], _ indices: UnsafeBufferPointer<UInt32>) -> [T] {
    array.withUnsafeBufferPointer { source in
        [T](unsafeUninitializedCapacity: indices.count) { out, initialized in
            for position in 0..<indices.count {
                (out.baseAddress! + position).initialize(to: source[Int(indices[position])])
            }
            initialized = indices.count
        }
    }
}

func gatherStrings(_ strings: StringArray, _ indices: UnsafeBufferPointer<UInt32>) -> StringArray {
    strings.offsets.withUnsafeBufferPointer { offsets in
        var total = 0
        for position in 0..<indices.count {
            let row = Int(indices[position])
            total += Int(offsets[row + 1] &- offsets[row])
        }
        var newOffsets = [UInt32](repeating: 0, count: indices.count + 1)
        let bytes = strings.bytes.withUnsafeBufferPointer { source in
            [UInt8](unsafeUninitializedCapacity: total) { out, initialized in
                newOffsets.withUnsafeMutableBufferPointer { newOffsets in
                    var cursor = 0
                    for position in 0..<indices.count {
                        let row = Int(indices[position])
                        let start = Int(offsets[row])
                        let length = Int(offsets[row + 1]) - start
                        if length > 0 {
                            (out.baseAddress! + cursor).update(from: source.baseAddress! + start, count: length)
                        }
                        cursor += length
                        newOffsets[position + 1] = UInt32(cursor)
                    }
                }
                initialized = total
            }
        }
        return StringArray(bytes: bytes, offsets: newOffsets)
    }
}

func gatherBits(_ bitmap: Bitmap, _ indices: UnsafeBufferPointer<UInt32>) -> Bitmap? {
    let n = indices.count
    var words = [UInt64](repeating: 0, count: (n + 63) >> 6)
    var present = 0
    bitmap.words.withUnsafeBufferPointer { source in
        words.withUnsafeMutableBufferPointer { out in
            for position in 0..<n {
                let row = Int(indices[position])
                let bit = (source[row >> 6] >> UInt64(row & 63)) & 1
                out[position >> 6] |= bit << UInt64(position & 63)
                present &+= Int(bit)
            }
        }
    }
    return present == n ? nil : Bitmap.fromWords(words, count: n)
}

extension Chunk {
    /// The rows at `indices` of every column.
    func gather(_ indices: [UInt32]) -> Chunk {
        indices.withUnsafeBufferPointer { buffer in
            Chunk(columns: columns.map { $0.gather(buffer) }, count: buffer.count)
        }
    }
}
