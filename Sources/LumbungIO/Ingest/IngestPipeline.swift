import Dispatch
import Foundation
import LumbungCore

/// What a parser thread makes of one block of whole records.
public struct ParsedBlock: Sendable {
    /// Column names of `chunk`, in order (JSON blocks may discover different columns).
    public var names: [String]
    public var chunk: Chunk
    /// Rejected rows with `line` relative to the block (0 = the block's first line) and
    /// `byteOffset` relative to the block start; the pipeline makes both absolute.
    public var rejects: [RejectedRow]
    /// Newlines in the block.
    public var lines: Int
    public var warnings: [String]
    /// Rows the read's `rowFilter` removed from this block (they count as read, not as rejected).
    public var filteredRows = 0
    /// Rows of `chunk` known to pass the read's `rowFilter` (all of them without one; none when
    /// the filter kept the block whole because it could not decide): what counts toward
    /// `ReadOptions.rowLimit`.
    var rowsPassing: Int?

    public init(names: [String], chunk: Chunk, rejects: [RejectedRow], lines: Int, warnings: [String] = []) {
        self.names = names
        self.chunk = chunk
        self.rejects = rejects
        self.lines = lines
        self.warnings = warnings
    }
}

/// Finds where the last complete record of a block ends, so that blocks can be parsed independently.
public protocol RecordSplitter {
    /// The offset just past the last complete record in `block`, or `nil` if none ends in it.
    /// At end of input the whole remainder is a record. The block always starts at a record start.
    mutating func lastRecordEnd(_ block: UnsafeRawBufferPointer, atEndOfInput: Bool) throws -> Int?
}

/// Parses one block of whole records into a chunk. Called concurrently from several threads.
public protocol BlockParser: Sendable {
    func parse(_ block: UnsafeRawBufferPointer, isLast: Bool) -> ParsedBlock
}

/// Inflates on the calling thread while blocks of whole records are parsed on others.
///
/// Memory stays bounded: at most `threads + 2` raw blocks are alive at once; only the typed chunks
/// accumulate.
enum IngestPipeline {
    struct Output {
        var blocks: [ParsedBlock]
        /// Absolute line of each block's first line.
        var firstLines: [Int]
        /// The read stopped at `ReadOptions.rowLimit` before the end of the input.
        var stoppedAtLimit = false
    }

    static func run(
        reader: DecompressingReader, prefix: [UInt8], prefixOffset: Int64, firstLine: Int,
        splitter: inout some RecordSplitter, parser: some BlockParser, options: ReadOptions, path: String
    ) throws -> Output {
        let threads = max(1, options.threads)
        let queue = DispatchQueue(label: "lumbung.parse", attributes: .concurrent)
        let inFlight = DispatchSemaphore(value: threads + 1)
        let group = DispatchGroup()
        let results = ResultStore()

        var carry = prefix
        var blockIndex = 0
        var atEnd = false
        var blockStartOffset = prefixOffset
        var capacity = max(options.blockSize, 1 << 12)
        var producerError: Error?
        var stoppedAtLimit = false
        // Reusing block buffers keeps page faults off the inflater thread, which sets the pace.
        let pool = BufferPool(standardSize: capacity, keep: threads + 3)
        defer { pool.drain() }

        produce: while !atEnd {
            // A block starts with the bytes carried over, at most a block's worth of them: the
            // head a read starts with can be longer than a small block, and is cut like the rest.
            let fromCarry = min(carry.count, capacity)
            let buffer = pool.take(max(capacity, fromCarry + (1 << 12)))
            var length = fromCarry
            carry.withUnsafeBytes { if fromCarry > 0 { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: fromCarry) } }
            let leftover = carry[fromCarry...]
            do {
                while leftover.isEmpty && length < buffer.count {
                    let count = try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[length...]))
                    if count == 0 { atEnd = true; break }
                    length += count
                }
                options.progress?(reader.compressedOffset, reader.fileSize)
                let view = UnsafeRawBufferPointer(rebasing: buffer[0..<length])
                guard let end = try splitter.lastRecordEnd(view, atEndOfInput: atEnd && leftover.isEmpty) else {
                    // No record ends in this block: grow it (a very long record), up to the limit.
                    if length >= options.maxRecordBytes {
                        throw LumbungError.data(DataError(
                            .lineTooLong, file: path, line: firstLine + results.linesSoFar(upTo: blockIndex),
                            byteOffset: blockStartOffset,
                            message: "a record is longer than \(options.maxRecordBytes) bytes",
                            hint: "check the quoting (an unclosed quote swallows the rest of the file)"))
                    }
                    carry = Array(view) + leftover
                    pool.give(buffer)
                    capacity *= 2
                    continue produce
                }
                carry = Array(UnsafeRawBufferPointer(rebasing: buffer[end..<length])) + leftover
                if end == 0 {
                    pool.give(buffer)
                    continue produce
                }
                let index = blockIndex
                blockIndex += 1
                let isLast = atEnd && carry.isEmpty
                inFlight.wait()
                group.enter()
                let owned = OwnedBuffer(buffer: buffer)
                let recordBytes = end
                let offset = blockStartOffset
                blockStartOffset += Int64(end)
                queue.async {
                    var parsed = parser.parse(UnsafeRawBufferPointer(rebasing: owned.buffer[0..<recordBytes]), isLast: isLast)
                    pool.give(owned.buffer)
                    if let filter = options.rowFilter, parsed.chunk.count > 0 {
                        if let kept = filter(parsed.names, parsed.chunk) {
                            parsed.filteredRows = parsed.chunk.count - kept.count
                            parsed.chunk = kept.count > 0 ? kept : Chunk(
                                columns: parsed.chunk.columns.map { $0.filtered([Bool](repeating: false, count: $0.count)) },
                                count: 0)
                        } else {
                            parsed.rowsPassing = 0
                        }
                    }
                    results.store(index: index, block: parsed, offset: offset)
                    inFlight.signal()
                    group.leave()
                }
                if results.shouldStop(maxRatio: options.maxRejectRatio) { break produce }
                if let limit = options.rowLimit, !atEnd, results.passingRows >= limit {
                    stoppedAtLimit = true
                    break produce
                }
                capacity = max(options.blockSize, 1 << 12)
            } catch {
                pool.give(buffer)
                producerError = error
                break produce
            }
            if atEnd && !carry.isEmpty {
                // The splitter left bytes at end of input: only whitespace may remain.
                if carry.allSatisfy({ $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }) { break }
                atEnd = false
            }
        }
        group.wait()
        if var error = producerError {
            if case .data(var dataError) = error as? LumbungError {
                dataError.rowsRead = results.rowsSoFar()
                error = LumbungError.data(dataError)
            }
            throw error
        }
        let blocks = results.ordered()
        var firstLines: [Int] = []
        var line = firstLine
        for entry in blocks {
            firstLines.append(line)
            line += entry.block.lines
        }
        var fixed: [ParsedBlock] = []
        fixed.reserveCapacity(blocks.count)
        for (position, entry) in blocks.enumerated() {
            var block = entry.block
            for rejectIndex in block.rejects.indices {
                block.rejects[rejectIndex].line += firstLines[position]
                block.rejects[rejectIndex].byteOffset += entry.offset
            }
            fixed.append(block)
        }
        return Output(blocks: fixed, firstLines: firstLines, stoppedAtLimit: stoppedAtLimit)
    }
}

/// Parsed blocks by index, filled concurrently.
private final class ResultStore: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [Int: (block: ParsedBlock, offset: Int64)] = [:]
    private var rows = 0
    private var rejected = 0
    /// Rows known to pass the read's filter in the blocks parsed so far.
    private var passing = 0

    func store(index: Int, block: ParsedBlock, offset: Int64) {
        lock.lock()
        entries[index] = (block, offset)
        rows += block.chunk.count + block.filteredRows
        rejected += block.rejects.count
        passing += block.rowsPassing ?? block.chunk.count
        lock.unlock()
    }

    /// Rows known to pass the read's filter in the blocks parsed so far. Blocks are handed out in
    /// file order and the read waits for every block handed out, so once this reaches a row
    /// limit, the blocks the read returns hold the first rows that pass, however the parser
    /// threads finished.
    var passingRows: Int {
        lock.lock()
        defer { lock.unlock() }
        return passing
    }

    /// Stop early when rejects already exceed the allowed share over a meaningful number of rows.
    func shouldStop(maxRatio: Double) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        let total = rows + rejected
        return total >= 10_000 && Double(rejected) > maxRatio * Double(total) && rejected > 0
    }

    func rowsSoFar() -> Int {
        lock.lock()
        defer { lock.unlock() }
        return rows
    }

    func linesSoFar(upTo index: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        return (0..<index).reduce(0) { $0 + (entries[$1]?.block.lines ?? 0) }
    }

    func ordered() -> [(block: ParsedBlock, offset: Int64)] {
        lock.lock()
        defer { lock.unlock() }
        return entries.keys.sorted().map { entries[$0]! }
    }
}

/// A block buffer handed from the inflater thread to one parser thread, which frees it.
private struct OwnedBuffer: @unchecked Sendable {
    let buffer: UnsafeMutableRawBufferPointer
}

/// Block buffers of the standard size, recycled between blocks; other sizes are plain allocations.
private final class BufferPool: @unchecked Sendable {
    private let lock = NSLock()
    private var free: [UnsafeMutableRawBufferPointer] = []
    private let standardSize: Int
    private let keep: Int

    init(standardSize: Int, keep: Int) {
        self.standardSize = standardSize
        self.keep = keep
    }

    /// A buffer of at least `size` bytes.
    func take(_ size: Int) -> UnsafeMutableRawBufferPointer {
        if size <= standardSize {
            lock.lock()
            let reused = free.popLast()
            lock.unlock()
            return reused ?? .allocate(byteCount: standardSize, alignment: 64)
        }
        return .allocate(byteCount: size, alignment: 64)
    }

    func give(_ buffer: UnsafeMutableRawBufferPointer) {
        if buffer.count == standardSize {
            lock.lock()
            if free.count < keep {
                free.append(buffer)
                lock.unlock()
                return
            }
            lock.unlock()
        }
        buffer.deallocate()
    }

    func drain() {
        lock.lock()
        for buffer in free { buffer.deallocate() }
        free.removeAll()
        lock.unlock()
    }
}
