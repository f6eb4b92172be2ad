import LumbungCore
import Synchronization

/// Counts the bytes a query holds and fails a reservation that would exceed the budget.
///
/// Operators reserve the size of every large buffer (outputs, hash tables, partial states) before
/// allocating it and release scratch buffers when done, so a too-large query fails with
/// `EngineError.memoryBudgetExceeded` before the process runs out of memory. The figures are
/// estimates of the payload bytes (arrays of values, offsets, bitmaps), not of allocator overhead.
///
/// Thread-safe: operators reserve from worker threads.
public final class MemoryTracker: Sendable {
    private struct State {
        var current = 0
        var peak = 0
    }

    /// The most bytes the query may hold at once; `nil` means no limit.
    public let budget: Int?
    private let state = Mutex(State())

    public init(budget: Int?) {
        self.budget = budget
    }

    /// Bytes reserved now.
    public var currentBytes: Int { state.withLock { $0.current } }
    /// The most bytes reserved at any one time since creation (or the last `resetPeak`).
    public var peakBytes: Int { state.withLock { $0.peak } }

    /// Reserves `bytes` for `purpose`.
    /// - Throws: `EngineError.memoryBudgetExceeded` when the reservation would exceed the budget;
    ///   nothing is reserved then.
    public func reserve(_ bytes: Int, for purpose: @autoclosure () -> String) throws {
        guard bytes > 0 else { return }
        let failure: (Int, Int)? = state.withLock { state in
            if let budget, state.current + bytes > budget { return (state.current, budget) }
            state.current += bytes
            if state.current > state.peak { state.peak = state.current }
            return nil
        }
        if let (inUse, budget) = failure {
            throw EngineError(
                .memoryBudgetExceeded,
                "memory budget exceeded: \(purpose()) needs \(MemoryTracker.format(bytes)) more, "
                    + "\(MemoryTracker.format(inUse)) are in use and the budget is \(MemoryTracker.format(budget)); "
                    + "filter or select fewer columns first, or raise the budget (--memory-limit)")
        }
    }

    /// Returns `bytes` reserved earlier.
    public func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        state.withLock { $0.current = max(0, $0.current - bytes) }
    }

    /// Restarts peak tracking from the current figure.
    public func resetPeak() { state.withLock { $0.peak = $0.current } }

    /// `12.3 MiB` style.
    public static func format(_ bytes: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(bytes) B" }
        let rounded = (value * 10).rounded() / 10
        return "\(rounded) \(units[unit])"
    }
}

/// Reservations for one operator's scratch space, released together when the operator ends.
final class MemoryScope: Sendable {
    let tracker: MemoryTracker
    private let reserved = Mutex(0)

    init(_ tracker: MemoryTracker) { self.tracker = tracker }

    func reserve(_ bytes: Int, for purpose: @autoclosure () -> String) throws {
        try tracker.reserve(bytes, for: purpose())
        reserved.withLock { $0 += max(0, bytes) }
    }

    /// Releases everything reserved through this scope.
    func close() {
        let bytes = reserved.withLock { value -> Int in
            defer { value = 0 }
            return value
        }
        tracker.release(bytes)
    }
}
