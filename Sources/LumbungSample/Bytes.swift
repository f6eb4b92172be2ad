// Rows go straight into byte buffers: every code string is encoded once, up front, as a token
// holding its CSV and its JSON form, and the hot loops only copy bytes.
import Foundation

/// A growable byte buffer on malloc'd memory. A value type with manual ownership: exactly one
/// copy may call `free()`.
struct ByteBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>
    var count = 0
    private(set) var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 1024)
        base = .allocate(capacity: self.capacity)
    }

    mutating func free() { base.deallocate(); capacity = 0; count = 0 }

    @inline(__always)
    mutating func ensure(_ extra: Int) {
        if count + extra > capacity { grow(count + extra) }
    }

    private mutating func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let fresh = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        fresh.update(from: base, count: count)
        base.deallocate()
        base = fresh
        capacity = newCapacity
    }

    /// Copies `n` bytes; the caller has called `ensure`.
    @inline(__always)
    mutating func put(_ bytes: UnsafePointer<UInt8>, _ n: Int) {
        (base + count).update(from: bytes, count: n)
        count += n
    }

    @inline(__always)
    mutating func byte(_ b: UInt8) {
        base[count] = b
        count += 1
    }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
}

/// One encoded string. `csv*`: the cell's text with inner quotes doubled, without the
/// surrounding quotes, which are added when `quoted`. `json*`: the escaped text without quotes.
struct Tok {
    var csvOffset: Int32
    var csvLength: Int32
    var jsonOffset: Int32
    var jsonLength: Int32
    var quoted: Bool
}

/// The encoded strings of one generator, in one block of memory.
final class TokenArena: @unchecked Sendable {
    private var storage: [UInt8] = []
    private var list: [Tok] = []
    private var index: [String: Int32] = [:]
    private(set) var base: UnsafeMutablePointer<UInt8>?
    private(set) var toks: UnsafeMutablePointer<Tok>?

    /// The id of `text`'s token (the same text gives the same id).
    func add(_ text: String) -> Int32 {
        precondition(base == nil, "the arena is frozen")
        if let id = index[text] { return id }
        let utf8 = Array(text.utf8)
        let quoted = utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
        let csvOffset = Int32(storage.count)
        for b in utf8 {
            if b == UInt8(ascii: "\"") { storage.append(b) }
            storage.append(b)
        }
        let csvLength = Int32(storage.count) - csvOffset
        let jsonOffset = Int32(storage.count)
        for b in utf8 {
            switch b {
            case UInt8(ascii: "\""): storage.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): storage.append(contentsOf: [92, 92])
            case 10: storage.append(contentsOf: [92, 110])
            case 13: storage.append(contentsOf: [92, 114])
            case 9: storage.append(contentsOf: [92, 116])
            case 0..<32: storage.append(contentsOf: Array(String(format: "\\u%04x", b).utf8))
            default: storage.append(b)
            }
        }
        let tok = Tok(csvOffset: csvOffset, csvLength: csvLength, jsonOffset: jsonOffset,
                      jsonLength: Int32(storage.count) - jsonOffset, quoted: quoted)
        let id = Int32(list.count)
        list.append(tok)
        index[text] = id
        return id
    }

    /// Raw bytes stored as they are (JSON key prefixes): returns (offset, length).
    func addRaw(_ text: String) -> (Int32, Int32) {
        precondition(base == nil, "the arena is frozen")
        let offset = Int32(storage.count)
        storage.append(contentsOf: text.utf8)
        return (offset, Int32(storage.count) - offset)
    }

    /// A hash of a token's text that does not depend on the order tokens were added. Safe to
    /// call from several threads while nobody adds tokens.
    func stableHash(_ id: Int32) -> UInt32 {
        let t = base == nil ? list[Int(id)] : toks![Int(id)]
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for i in Int(t.csvOffset)..<Int(t.csvOffset + t.csvLength) {
            h = (h ^ UInt64(base == nil ? storage[i] : base![i])) &* 0x0000_0100_0000_01B3
        }
        return UInt32(truncatingIfNeeded: h ^ (h >> 32))
    }

    /// Ends building; the memory lives as long as the arena.
    func freeze() {
        guard base == nil else { return }
        let b = UnsafeMutablePointer<UInt8>.allocate(capacity: max(storage.count, 1))
        storage.withUnsafeBufferPointer { b.update(from: $0.baseAddress!, count: storage.count) }
        let t = UnsafeMutablePointer<Tok>.allocate(capacity: max(list.count, 1))
        list.withUnsafeBufferPointer { t.update(from: $0.baseAddress!, count: list.count) }
        base = b
        toks = t
        storage = []
        index = [:]
    }

    func text(_ id: Int32) -> String {
        let t = list.isEmpty ? toks![Int(id)] : list[Int(id)]
        if let base {
            return String(decoding: UnsafeBufferPointer(start: base + Int(t.csvOffset), count: Int(t.csvLength)), as: UTF8.self)
                .replacingOccurrences(of: "\"\"", with: "\"")
        }
        return String(decoding: storage[Int(t.csvOffset)..<Int(t.csvOffset + t.csvLength)], as: UTF8.self)
            .replacingOccurrences(of: "\"\"", with: "\"")
    }

    deinit {
        base?.deallocate()
        toks?.deallocate()
    }
}

/// `YYYY-MM-DD` for every day of a range, 10 bytes each.
final class DateTable: @unchecked Sendable {
    let firstDay: Int
    let dayCount: Int
    let bytes: UnsafeMutablePointer<UInt8>

    init(from firstDay: Int, through lastDay: Int) {
        self.firstDay = firstDay
        dayCount = lastDay - firstDay + 1
        bytes = .allocate(capacity: dayCount * 10)
        for i in 0..<dayCount {
            let (y, m, d) = Civil.civil(firstDay + i)
            let p = bytes + i * 10
            p[0] = UInt8(48 + y / 1000); p[1] = UInt8(48 + y / 100 % 10); p[2] = UInt8(48 + y / 10 % 10); p[3] = UInt8(48 + y % 10)
            p[4] = 45
            p[5] = UInt8(48 + m / 10); p[6] = UInt8(48 + m % 10)
            p[7] = 45
            p[8] = UInt8(48 + d / 10); p[9] = UInt8(48 + d % 10)
        }
    }

    @inline(__always)
    func pointer(_ day: Int) -> UnsafePointer<UInt8> {
        precondition(day >= firstDay && day < firstDay + dayCount, "date out of the supported range")
        return UnsafePointer(bytes + (day - firstDay) * 10)
    }

    deinit { bytes.deallocate() }
}

/// The JSON key prefixes of a table: `{"nip":` for the first column, `,"nama":` for the others.
struct ColumnKeys {
    let offsets: [Int32]
    let lengths: [Int32]
    let names: [String]

    init(_ names: [String], arena: TokenArena) {
        var offsets: [Int32] = [], lengths: [Int32] = []
        for (i, name) in names.enumerated() {
            let (o, l) = arena.addRaw((i == 0 ? "{\"" : ",\"") + name + "\":")
            offsets.append(o)
            lengths.append(l)
        }
        self.offsets = offsets
        self.lengths = lengths
        self.names = names
    }
}

/// Writes one row at a time to a CSV buffer and/or an NDJSON buffer, column by column.
/// Every value call writes the separator (CSV) or the key (JSON) of the next column first.
struct RowWriter {
    var csv: ByteBuffer
    var json: ByteBuffer
    let wantCSV: Bool
    let wantJSON: Bool
    private let arena: UnsafePointer<UInt8>
    private let toks: UnsafePointer<Tok>
    private let dates: DateTable
    private let keyOffsets: [Int32]
    private let keyLengths: [Int32]
    private var column = 0
    private(set) var rows = 0

    /// Room reserved per row; a row never comes close.
    static let maxRowBytes = 16 * 1024

    init(arena: TokenArena, dates: DateTable, keys: ColumnKeys, csv: Bool, json: Bool, capacity: Int) {
        self.arena = UnsafePointer(arena.base!)
        self.toks = UnsafePointer(arena.toks!)
        self.dates = dates
        keyOffsets = keys.offsets
        keyLengths = keys.lengths
        wantCSV = csv
        wantJSON = json
        self.csv = ByteBuffer(capacity: csv ? capacity : 1024)
        self.json = ByteBuffer(capacity: json ? capacity * 3 : 1024)
    }

    mutating func free() { csv.free(); json.free() }

    mutating func reset() { csv.count = 0; json.count = 0; rows = 0 }

    /// The CSV header line (column names need no quoting).
    static func headerLine(_ names: [String]) -> [UInt8] { Array((names.joined(separator: ",") + "\n").utf8) }

    /// Writes the CSV header (the first block of a file starts with it).
    mutating func csvHeader(_ names: [String]) {
        guard wantCSV else { return }
        let line = Self.headerLine(names)
        csv.ensure(line.count)
        line.withUnsafeBufferPointer { csv.put($0.baseAddress!, line.count) }
    }

    @inline(__always)
    mutating func beginRow() {
        column = 0
        if wantCSV { csv.ensure(Self.maxRowBytes) }
        if wantJSON { json.ensure(Self.maxRowBytes) }
    }

    @inline(__always)
    mutating func endRow() {
        precondition(column == keyOffsets.count, "row has \(column) of \(keyOffsets.count) columns")
        if wantCSV { csv.byte(10) }
        if wantJSON { json.byte(125); json.byte(10) }
        rows += 1
    }

    @inline(__always)
    private mutating func field() {
        if wantCSV && column > 0 { csv.byte(44) }
        if wantJSON { json.put(arena + Int(keyOffsets[column]), Int(keyLengths[column])) }
        column += 1
    }

    @inline(__always)
    mutating func null() {
        field()
        if wantJSON { Self.putASCII(&json, 110, 117, 108, 108) }
    }

    @inline(__always)
    private mutating func putCSV(_ t: Tok) {
        csv.put(arena + Int(t.csvOffset), Int(t.csvLength))
    }

    @inline(__always)
    private mutating func putJSON(_ t: Tok) {
        json.put(arena + Int(t.jsonOffset), Int(t.jsonLength))
    }

    /// A token, or null for a negative id.
    @inline(__always)
    mutating func tok(_ id: Int32) {
        if id < 0 { null(); return }
        field()
        let t = toks[Int(id)]
        if wantCSV {
            if t.quoted { csv.byte(34); putCSV(t); csv.byte(34) } else { putCSV(t) }
        }
        if wantJSON { json.byte(34); putJSON(t); json.byte(34) }
    }

    /// Tokens joined with `separator` (negative ids are skipped), as one string.
    mutating func joined(_ ids: (Int32, Int32, Int32), separator: UInt8 = 32) {
        let parts = [ids.0, ids.1, ids.2].filter { $0 >= 0 }
        if parts.isEmpty { null(); return }
        field()
        let quoted = parts.contains { toks[Int($0)].quoted }
        if wantCSV {
            if quoted { csv.byte(34) }
            for (i, id) in parts.enumerated() {
                if i > 0 { csv.byte(separator) }
                putCSV(toks[Int(id)])
            }
            if quoted { csv.byte(34) }
        }
        if wantJSON {
            json.byte(34)
            for (i, id) in parts.enumerated() {
                if i > 0 { json.byte(separator) }
                putJSON(toks[Int(id)])
            }
            json.byte(34)
        }
    }

    /// A token followed by a second token (no separator), e.g. a prefix and a sequence number.
    @inline(__always)
    mutating func string(_ bytes: UnsafePointer<UInt8>, _ n: Int) {
        // Only for text known to need neither CSV quoting nor JSON escaping (digits, codes).
        field()
        if wantCSV { csv.put(bytes, n) }
        if wantJSON { json.byte(34); json.put(bytes, n); json.byte(34) }
    }

    @inline(__always)
    mutating func int(_ value: Int) {
        field()
        if wantCSV { Self.putInt(&csv, value) }
        if wantJSON { Self.putInt(&json, value) }
    }

    /// An optional int: nil is null.
    @inline(__always)
    mutating func int(_ value: Int?) {
        if let value { int(value) } else { null() }
    }

    /// A fixed-point decimal: `scaled` / 10^`scale`, e.g. (35000000, 2) → 350000.00.
    @inline(__always)
    mutating func decimal(_ scaled: Int, scale: Int) {
        field()
        if wantCSV { Self.putDecimal(&csv, scaled, scale) }
        if wantJSON { Self.putDecimal(&json, scaled, scale) }
    }

    @inline(__always)
    mutating func bool(_ value: Bool) {
        field()
        if value {
            if wantCSV { Self.putASCII(&csv, 0x74, 0x72, 0x75, 0x65) }
            if wantJSON { Self.putASCII(&json, 0x74, 0x72, 0x75, 0x65) }
        } else {
            if wantCSV { Self.putASCII(&csv, 0x66, 0x61, 0x6C, 0x73); csv.byte(0x65) }
            if wantJSON { Self.putASCII(&json, 0x66, 0x61, 0x6C, 0x73); json.byte(0x65) }
        }
    }

    /// A date as `YYYY-MM-DD`, or null for `Civil.none`.
    @inline(__always)
    mutating func date(_ day: Int32) {
        if day == Civil.none { null(); return }
        field()
        let p = dates.pointer(Int(day))
        if wantCSV { csv.put(p, 10) }
        if wantJSON { json.byte(34); json.put(p, 10); json.byte(34) }
    }

    /// A local timestamp with its UTC offset: `2025-01-14T08:30:00+07:00`.
    @inline(__always)
    mutating func timestamp(day: Int32, second: Int32, offsetHours: Int) {
        field()
        if wantCSV { Self.putTimestamp(&csv, dates.pointer(Int(day)), Int(second), offsetHours) }
        if wantJSON {
            json.byte(34)
            Self.putTimestamp(&json, dates.pointer(Int(day)), Int(second), offsetHours)
            json.byte(34)
        }
    }

    /// A number as exactly `count` digits, zero-padded (NIP: 18, old NIP: 9), as a string.
    @inline(__always)
    mutating func digits(_ value: UInt64, count: Int) {
        field()
        var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &tmp) { raw in
            let p = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            var v = value
            for i in stride(from: count - 1, through: 0, by: -1) {
                p[i] = UInt8(48 + v % 10)
                v /= 10
            }
            if wantCSV { csv.put(p, count) }
            if wantJSON { json.byte(34); json.put(p, count); json.byte(34) }
        }
    }

    // MARK: - formatting helpers

    @inline(__always)
    private static func putASCII(_ b: inout ByteBuffer, _ c0: UInt8, _ c1: UInt8, _ c2: UInt8, _ c3: UInt8) {
        b.byte(c0); b.byte(c1); b.byte(c2); b.byte(c3)
    }

    @inline(__always)
    static func putInt(_ b: inout ByteBuffer, _ value: Int) {
        var v = value
        if v < 0 { b.byte(45); v = -v }
        if v < 10 { b.byte(UInt8(48 + v)); return }
        if v < 100 { b.byte(UInt8(48 + v / 10)); b.byte(UInt8(48 + v % 10)); return }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { raw in
            let p = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            var n = 0
            while v > 0 { p[23 - n] = UInt8(48 + v % 10); v /= 10; n += 1 }
            b.put(p + 24 - n, n)
        }
    }

    @inline(__always)
    static func putDecimal(_ b: inout ByteBuffer, _ scaled: Int, _ scale: Int) {
        var v = scaled
        if v < 0 { b.byte(45); v = -v }
        var divisor = 1
        for _ in 0..<scale { divisor *= 10 }
        putInt(&b, v / divisor)
        if scale > 0 {
            b.byte(46)
            var fraction = v % divisor
            var digits: (UInt64, UInt64) = (0, 0)
            withUnsafeMutableBytes(of: &digits) { raw in
                let p = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
                for i in stride(from: scale - 1, through: 0, by: -1) { p[i] = UInt8(48 + fraction % 10); fraction /= 10 }
                b.put(p, scale)
            }
        }
    }

    @inline(__always)
    static func putTimestamp(_ b: inout ByteBuffer, _ date: UnsafePointer<UInt8>, _ second: Int, _ offsetHours: Int) {
        b.put(date, 10)
        let h = second / 3600, m = second / 60 % 60, s = second % 60
        b.byte(84)
        b.byte(UInt8(48 + h / 10)); b.byte(UInt8(48 + h % 10)); b.byte(58)
        b.byte(UInt8(48 + m / 10)); b.byte(UInt8(48 + m % 10)); b.byte(58)
        b.byte(UInt8(48 + s / 10)); b.byte(UInt8(48 + s % 10))
        b.byte(offsetHours < 0 ? 45 : 43)
        let o = abs(offsetHours)
        b.byte(UInt8(48 + o / 10)); b.byte(UInt8(48 + o % 10)); b.byte(58); b.byte(48); b.byte(48)
    }
}
