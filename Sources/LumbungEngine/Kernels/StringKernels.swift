import LumbungCore

/// String functions on UTF-8 bytes. Lengths and positions count Unicode code points; case
/// mapping is Unicode-aware (with an ASCII fast path); `trim` removes ASCII whitespace.
enum StringKernels {
    /// A string argument: a column view, one constant, or null for every row.
    enum Argument {
        case view(StringView)
        case constant(UnsafeRawPointer?, Int)

        @inline(__always)
        func string(_ row: Int) -> (pointer: UnsafeRawPointer?, count: Int) {
            switch self {
            case .view(let view): return view.string(row)
            case .constant(let pointer, let count): return (pointer, count)
            }
        }
    }

    /// Calls `body` with every argument as an `Argument`, keeping buffers alive.
    static func withArguments<R>(_ data: [Datum], _ body: ([Argument]) throws -> R) rethrows -> R {
        func nest(_ index: Int, _ done: [Argument]) throws -> R {
            if index == data.count { return try body(done) }
            switch data[index] {
            case .column(let column):
                return try withStringView(column) { try nest(index + 1, done + [.view($0)]) }
            case .scalar(.string(let text)):
                return try withBytes(of: text) { try nest(index + 1, done + [.constant($0, $1)]) }
            case .scalar:
                return try nest(index + 1, done + [.constant(nil, 0)])
            }
        }
        return try nest(0, [])
    }

    static func evaluate(_ function: ScalarFunction, _ arguments: [Datum], count: Int) -> Datum {
        if function != .concat, arguments.contains(where: \.isNullScalar) { return .scalar(.null) }
        let validity = arguments.reduce(nil as Bitmap?) { partial, datum in
            function == .concat ? nil : intersectValidity(partial, datum.validity)
        }
        switch function {
        case .length:
            let values: [Int64] = withArguments(arguments) { args in
                (0..<count).map { row in
                    let (pointer, length) = args[0].string(row)
                    return Int64(codePointCount(pointer, length))
                }
            }
            return .column(Column(type: .int64, values: .int64(values), validity: validity, count: count))
        case .contains, .startsWith, .endsWith:
            let values: [UInt8] = withArguments(arguments) { args in
                (0..<count).map { row in
                    let (p, n) = args[0].string(row)
                    let (q, m) = args[1].string(row)
                    switch function {
                    case .contains: return find(q, m, in: p, n, from: 0) != nil ? 1 : 0
                    case .startsWith: return m <= n && equalBytes(p, m, q, m) ? 1 : 0
                    default: return m <= n && equalBytes(p.map { $0 + (n - m) }, m, q, m) ? 1 : 0
                    }
                }
            }
            return .column(Column(type: .bool, values: .bool(values), validity: validity, count: count))
        case .concat:
            var strings = StringArray()
            strings.offsets.reserveCapacity(count + 1)
            let validities = arguments.map(\.validity)
            withArguments(arguments) { args in
                for row in 0..<count {
                    var total = 0
                    for (index, argument) in args.enumerated() {
                        if let validity = validities[index], !validity[row] { continue }
                        let (pointer, length) = argument.string(row)
                        if length > 0 { strings.bytes.append(contentsOf: UnsafeRawBufferPointer(start: pointer, count: length)) }
                        total += length
                    }
                    strings.offsets.append(UInt32(strings.bytes.count))
                }
            }
            return .column(Column(type: .string, values: .string(strings), validity: nil, count: count))
        default:
            var strings = StringArray()
            strings.offsets.reserveCapacity(count + 1)
            var scratch: [UInt8] = []
            withArguments(Array(arguments.prefix(function == .substr ? 1 : arguments.count))) { args in
                let starts = function == .substr ? arguments[1] : nil
                let lengths = function == .substr && arguments.count > 2 ? arguments[2] : nil
                for row in 0..<count {
                    let (pointer, length) = args[0].string(row)
                    switch function {
                    case .lower, .upper:
                        appendCaseMapped(pointer, length, upper: function == .upper, into: &strings)
                    case .trim:
                        let (start, end) = trimmedRange(pointer, length)
                        strings.append(UnsafeRawBufferPointer(start: pointer.map { $0 + start }, count: end - start))
                    case .replace:
                        let (from, fromLength) = args[1].string(row)
                        let (to, toLength) = args[2].string(row)
                        scratch.removeAll(keepingCapacity: true)
                        replace(pointer, length, from, fromLength, to, toLength, into: &scratch)
                        scratch.withUnsafeBytes { strings.append($0) }
                    case .substr:
                        let start = intArgument(starts!, row)
                        let take = lengths.map { intArgument($0, row) }
                        let (lower, upper) = substringRange(pointer, length, start: start, length: take)
                        strings.append(UnsafeRawBufferPointer(start: pointer.map { $0 + lower }, count: upper - lower))
                    default:
                        preconditionFailure("not a string function: \(function)")
                    }
                }
            }
            var resultValidity = validity
            if function == .substr, let lengths = arguments.count > 2 ? arguments[2] : nil {
                resultValidity = intersectValidity(resultValidity, lengths.validity)
            }
            return .column(Column(type: .string, values: .string(strings), validity: resultValidity, count: count))
        }
    }

    @inline(__always)
    private static func intArgument(_ datum: Datum, _ row: Int) -> Int64 {
        switch datum {
        case .scalar(let value): return value.int64Payload ?? 0
        case .column(let column): return column.values.int64Array![row]
        }
    }

    @inline(__always)
    static func codePointCount(_ pointer: UnsafeRawPointer?, _ length: Int) -> Int {
        guard let pointer else { return 0 }
        var count = 0
        for index in 0..<length where pointer.load(fromByteOffset: index, as: UInt8.self) & 0xC0 != 0x80 { count += 1 }
        return count
    }

    /// Byte offset of the `index`-th code point (or `length` past the end).
    @inline(__always)
    private static func byteOffset(ofCodePoint index: Int, _ pointer: UnsafeRawPointer?, _ length: Int) -> Int {
        guard let pointer, index > 0 else { return 0 }
        var seen = 0
        for offset in 0..<length where pointer.load(fromByteOffset: offset, as: UInt8.self) & 0xC0 != 0x80 {
            if seen == index { return offset }
            seen += 1
        }
        return length
    }

    /// DuckDB's `substring(s, start, length)`: 1-based; a start of 0 begins one before the first
    /// character; a negative start counts from the end; a negative length goes backwards.
    static func substringRange(_ pointer: UnsafeRawPointer?, _ byteCount: Int, start offset: Int64, length: Int64?)
        -> (Int, Int)
    {
        let size = Int64(codePointCount(pointer, byteCount))
        var length = length ?? Int64.max / 4
        var start: Int64
        if length == 0 { return (0, 0) }
        if offset > 0 {
            start = min(size, offset - 1)
        } else if offset < 0 {
            start = max(size + max(offset, -Int64.max / 4), 0)
        } else {
            start = 0
            length -= 1
            if length <= 0 { return (0, 0) }
        }
        var end: Int64
        if length > 0 {
            end = min(size, start + min(length, Int64.max / 4))
        } else {
            end = start
            start = max(0, start + max(length, -Int64.max / 4))
        }
        if start >= end { return (0, 0) }
        return (
            byteOffset(ofCodePoint: Int(start), pointer, byteCount), byteOffset(ofCodePoint: Int(end), pointer, byteCount)
        )
    }

    @inline(__always)
    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    static func trimmedRange(_ pointer: UnsafeRawPointer?, _ length: Int) -> (Int, Int) {
        guard let pointer else { return (0, 0) }
        var start = 0
        var end = length
        while start < end, isSpace(pointer.load(fromByteOffset: start, as: UInt8.self)) { start += 1 }
        while end > start, isSpace(pointer.load(fromByteOffset: end - 1, as: UInt8.self)) { end -= 1 }
        return (start, end)
    }

    private static func appendCaseMapped(_ pointer: UnsafeRawPointer?, _ length: Int, upper: Bool, into strings: inout StringArray) {
        guard let pointer, length > 0 else {
            strings.appendEmpty()
            return
        }
        var ascii = true
        for index in 0..<length where pointer.load(fromByteOffset: index, as: UInt8.self) >= 0x80 {
            ascii = false
            break
        }
        if ascii {
            for index in 0..<length {
                var byte = pointer.load(fromByteOffset: index, as: UInt8.self)
                if upper, byte >= 0x61, byte <= 0x7A { byte -= 32 }
                if !upper, byte >= 0x41, byte <= 0x5A { byte += 32 }
                strings.bytes.append(byte)
            }
            strings.offsets.append(UInt32(strings.bytes.count))
        } else {
            let text = String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
            strings.append(upper ? text.uppercased() : text.lowercased())
        }
    }

    /// First index `>= from` where `needle` occurs in `haystack`.
    static func find(
        _ needle: UnsafeRawPointer?, _ needleLength: Int, in haystack: UnsafeRawPointer?, _ haystackLength: Int, from: Int
    ) -> Int? {
        if needleLength == 0 { return from <= haystackLength ? from : nil }
        guard let needle, let haystack, haystackLength - from >= needleLength else { return nil }
        let first = needle.load(as: UInt8.self)
        var index = from
        let last = haystackLength - needleLength
        while index <= last {
            guard let hit = memchr(haystack + index, Int32(first), last - index + 1) else { return nil }
            let position = haystack.distance(to: UnsafeRawPointer(hit))
            if memcmp(haystack + position, needle, needleLength) == 0 { return position }
            index = position + 1
        }
        return nil
    }

    private static func replace(
        _ pointer: UnsafeRawPointer?, _ length: Int, _ from: UnsafeRawPointer?, _ fromLength: Int,
        _ to: UnsafeRawPointer?, _ toLength: Int, into out: inout [UInt8]
    ) {
        guard let pointer else { return }
        if fromLength == 0 {
            out.append(contentsOf: UnsafeRawBufferPointer(start: pointer, count: length))
            return
        }
        var cursor = 0
        while let hit = find(from, fromLength, in: pointer, length, from: cursor) {
            out.append(contentsOf: UnsafeRawBufferPointer(start: pointer + cursor, count: hit - cursor))
            if toLength > 0 { out.append(contentsOf: UnsafeRawBufferPointer(start: to, count: toLength)) }
            cursor = hit + fromLength
        }
        out.append(contentsOf: UnsafeRawBufferPointer(start: pointer + cursor, count: length - cursor))
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
