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

/// Inflates blocks of whole records and parses them, on `options.threads` threads.
///
/// Every thread runs the same loop: take the inflater (one thread at a time), inflate and cut the
/// next block, let the inflater go, parse the block. Inflating is serial, but no thread is set
/// aside for it: with one inflater thread beside `threads` parser threads, the machine had more
/// runnable threads than cores, the inflater was preempted by parsers, and parsers then waited for
/// blocks (on 2 cores, 15-20% of the CPU stood idle during an NDJSON read). Here a thread that
/// finishes a block inflates the next one itself, and a block is parsed while it is still in cache.
///
/// Memory stays bounded: at most `threads` raw blocks are alive at once; only the typed chunks
/// accumulate.
enum IngestPipeline {
    struct Output {
        var blocks: [ParsedBlock]
        /// Absolute line of each block's first line.
        var firstLines: [Int]
        /// The read stopped at `ReadOptions.rowLimit` before the end of the input.
        var stoppedAtLimit = false
    }

    static func run<Splitter: RecordSplitter>(
        reader: DecompressingReader, prefix: [UInt8], prefixOffset: Int64, firstLine: Int,
        splitter: inout Splitter, parser: some BlockParser, options: ReadOptions, path: String
    ) throws -> Output {
        let threads = max(1, options.threads)
        let results = ResultStore()
        let pool = BufferPool(standardSize: max(options.blockSize, 1 << 12), keep: threads + 1)
        defer { pool.drain() }
        let producer = BlockProducer(
            reader: reader, carry: prefix, offset: prefixOffset, firstLine: firstLine, splitter: splitter,
            options: options, path: path, results: results, pool: pool)

        let source: any BlockSource = producer
        let work: @Sendable () -> Void = {
            while let job = source.next() {
                var parsed = parser.parse(
                    UnsafeRawBufferPointer(rebasing: job.buffer[0..<job.recordBytes]), isLast: job.isLast)
                pool.give(job.buffer)
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
                results.store(index: job.index, block: parsed, offset: job.offset)
            }
        }
        // The calling thread is one of the workers; the others run on serial queues of their own.
        // Not `concurrentPerform`: called from inside another one (several files read at once),
        // libdispatch runs the nested iterations one after another, and a join then read its big
        // file on one thread once the small one was done. A serial queue gets a thread even when
        // the shared pool is busy, and the OS shares the cores.
        let group = DispatchGroup()
        for index in 1..<threads {
            DispatchQueue(label: "lumbung.read.\(index)").async(group: group, execute: work)
        }
        work()
        group.wait()
        splitter = producer.splitter
        if var error = producer.error {
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
        return Output(blocks: fixed, firstLines: firstLines, stoppedAtLimit: producer.stoppedAtLimit)
    }
}

/// One block of whole records, inflated and cut, for one thread to parse; the thread gives the
/// buffer back to the pool.
private struct BlockJob {
    let buffer: UnsafeMutableRawBufferPointer
    let recordBytes: Int
    let index: Int
    let offset: Int64
    let isLast: Bool
}

/// Where the threads of a read take their blocks from: `BlockProducer` without its generic
/// splitter type, so that the worker closure, which runs on other threads, captures no metatype.
private protocol BlockSource: AnyObject, Sendable {
    func next() -> BlockJob?
}

/// The inflater and the record splitter, taken by one thread at a time: `next()` inflates and cuts
/// the next block, in file order.
private final class BlockProducer<Splitter: RecordSplitter>: BlockSource, @unchecked Sendable {
    private let lock = NSLock()
    private let reader: DecompressingReader
    private let options: ReadOptions
    private let path: String
    private let firstLine: Int
    private let results: ResultStore
    private let pool: BufferPool
    private(set) var splitter: Splitter
    private var carry: [UInt8]
    private var blockIndex = 0
    private var atEnd = false
    private var finished = false
    private var blockStartOffset: Int64
    private var capacity: Int
    private(set) var error: Error?
    private(set) var stoppedAtLimit = false

    init(reader: DecompressingReader, carry: [UInt8], offset: Int64, firstLine: Int, splitter: Splitter,
         options: ReadOptions, path: String, results: ResultStore, pool: BufferPool) {
        self.reader = reader
        self.carry = carry
        self.blockStartOffset = offset
        self.firstLine = firstLine
        self.splitter = splitter
        self.options = options
        self.path = path
        self.results = results
        self.pool = pool
        self.capacity = max(options.blockSize, 1 << 12)
    }

    /// The next block, or nil at the end of the input, after an error, or once the read may stop.
    func next() -> BlockJob? {
        lock.lock()
        defer { lock.unlock() }
        if finished { return nil }
        if blockIndex > 0 {
            if results.shouldStop(maxRatio: options.maxRejectRatio) { finished = true; return nil }
            if let limit = options.rowLimit, !atEnd, results.passingRows >= limit {
                stoppedAtLimit = true
                finished = true
                return nil
            }
        }
        while !atEnd {
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
                    continue
                }
                carry = Array(UnsafeRawBufferPointer(rebasing: buffer[end..<length])) + leftover
                if end == 0 {
                    pool.give(buffer)
                    continue
                }
                let job = BlockJob(
                    buffer: buffer, recordBytes: end, index: blockIndex, offset: blockStartOffset,
                    isLast: atEnd && carry.isEmpty)
                blockIndex += 1
                blockStartOffset += Int64(end)
                capacity = max(options.blockSize, 1 << 12)
                if atEnd && !carry.isEmpty {
                    // The splitter left bytes at end of input: only whitespace may remain.
                    if carry.allSatisfy({ $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }) {
                        finished = true
                    } else {
                        atEnd = false
                    }
                }
                return job
            } catch {
                pool.give(buffer)
                self.error = error
                finished = true
                return nil
            }
        }
        finished = true
        return nil
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
