import Dispatch
import Foundation
import LumbungCore
import Synchronization

/// Everything a query's operators share: how many threads they may use, the memory budget and
/// tracker, and the morsel size of the tables they produce.
///
/// One context per query. Operators take it as their last argument; it is thread-safe.
public final class ExecutionContext: Sendable {
    /// Worker threads an operator may run at once (at least 1).
    public let threadCount: Int
    /// Rows per output chunk for operators that rebuild chunks (sort, join, aggregate).
    public let morselSize: Int
    /// Rows per unit of work of the grouping operators (consecutive chunks of at least this many
    /// rows are grouped together and merged in order). Results never depend on it beyond float
    /// rounding; tests set it small to exercise merging.
    public let unitRows: Int
    /// The memory budget and peak-memory tracker of this query.
    public let memory: MemoryTracker
    private let profiles = Mutex<[OperatorProfile]>([])
    private let observed = Mutex<[OperatorObservation]>([])

    /// - Parameters:
    ///   - threadCount: worker threads; defaults to the active processor count.
    ///   - memoryBudget: the most bytes the query may hold at once, or `nil` for no limit.
    ///   - morselSize: rows per chunk of rebuilt tables (default 65 536).
    ///   - unitRows: rows per unit of work of grouping operators (default 131 072).
    public init(threadCount: Int? = nil, memoryBudget: Int? = nil, morselSize: Int = 65_536, unitRows: Int = 1 << 17) {
        self.threadCount = max(1, threadCount ?? ProcessInfo.processInfo.activeProcessorCount)
        self.morselSize = max(1, morselSize)
        self.unitRows = max(1, unitRows)
        self.memory = MemoryTracker(budget: memoryBudget)
    }

    /// Peak bytes held by the query so far.
    public var peakMemoryBytes: Int { memory.peakBytes }

    /// Operators run by `PhysicalPlan.execute`, in completion order (children before parents).
    public var operatorProfiles: [OperatorProfile] { profiles.withLock { $0 } }

    func record(_ profile: OperatorProfile) { profiles.withLock { $0.append(profile) } }

    /// What tagged filters and joins saw (rows a condition found null, rows a join matched), in
    /// completion order: the query layer turns them into warnings.
    public var observations: [OperatorObservation] { observed.withLock { $0 } }

    func record(_ observation: OperatorObservation) { observed.withLock { $0.append(observation) } }

    /// Runs `body(index, worker)` for every index in `0..<count`, on up to `threadCount` workers.
    ///
    /// Indices are handed out in increasing order from a shared counter; `worker` is in
    /// `0..<min(threadCount, count)` and lets a body use per-worker scratch space. Results must be
    /// written per index (never per worker) to stay deterministic. When bodies throw, the error of
    /// the lowest index is rethrown after all workers stop.
    func parallelFor(_ count: Int, _ body: (_ index: Int, _ worker: Int) throws -> Void) throws {
        if count <= 0 { return }
        let workers = min(threadCount, count)
        if workers == 1 {
            for index in 0..<count { try body(index, 0) }
            return
        }
        let next = Atomic<Int>(0)
        let failure = Mutex<(index: Int, error: any Error)?>(nil)
        let stop = Atomic<Bool>(false)
        withoutActuallyEscaping(body) { body in
            let box = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                while !stop.load(ordering: .relaxed) {
                    let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    if index >= count { break }
                    do {
                        try box.value(index, worker)
                    } catch {
                        failure.withLock { current in
                            if current == nil || index < current!.index { current = (index, error) }
                        }
                        stop.store(true, ordering: .relaxed)
                    }
                }
            }
        }
        if let (_, error) = failure.withLock({ $0 }) { throw error }
    }

    /// Maps every index of `0..<count` in parallel, keeping results in index order.
    func parallelMap<T>(_ count: Int, _ transform: (_ index: Int, _ worker: Int) throws -> T) throws -> [T] {
        if count <= 0 { return [] }
        let results = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
        results.initialize(repeating: nil)
        defer {
            results.deinitialize()
            results.deallocate()
        }
        let shared = UncheckedSendable(results)
        try parallelFor(count) { index, worker in
            shared.value[index] = try transform(index, worker)
        }
        return results.map { $0! }
    }

    /// Splits `0..<count` into at most `threadCount * 4` contiguous ranges of at least `minimum`
    /// elements, for parallel loops over flat arrays. The split depends only on `count` and
    /// `minimum`, never on the thread count, so per-range results combine deterministically.
    func ranges(_ count: Int, minimum: Int = 16_384) -> [Range<Int>] {
        if count <= 0 { return [] }
        let pieces = max(1, min(64, count / max(1, minimum)))
        let step = (count + pieces - 1) / pieces
        return stride(from: 0, to: count, by: step).map { $0..<min(count, $0 + step) }
    }
}

/// Wraps a value that is only shared with workers under the engine's own discipline (disjoint
/// writes, reads after a barrier).
struct UncheckedSendable<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}

/// A fact a tagged operator observed while running, for warnings about silent mistakes.
public enum OperatorObservation: Sendable, Hashable {
    /// A filter dropped `nullRows` of its `inputRows` because the condition was null, not false.
    case filter(tag: Int, inputRows: Int, nullRows: Int)
    /// A join: left rows in, left rows with at least one match, matched (left, right) pairs, rows out.
    case join(tag: Int, leftRows: Int, matchedLeftRows: Int, matches: Int, outputRows: Int)
}
