import Foundation
import Dispatch
import Linalg
import Synchronization

/// Maps `items` through `transform` on all cores, keeping order. Used to read one shot per core.
/// Threads per call (`ComputeThreads`) and items in flight are chosen together: the cores are shared
/// out among the items running at once, so one shot gets every core and a shot per core gets
/// single-threaded kernels and BLAS (more threads would only compete for the same cores — measured:
/// 1.6 s against 0.76 s for a Claire-size validation). With `workers`, at most that many items run
/// at once (each worker takes every `workers`-th item).
public func parallelMap<T: Sendable, R: Sendable>(_ items: [T], workers: Int? = nil, _ transform: @Sendable (T) -> R) -> [R] {
    let threads = ComputeThreads.count
    let inFlight = max(1, min(workers ?? ProcessInfo.processInfo.activeProcessorCount, items.count))
    ComputeThreads.count = max(1, threads / inFlight)
    defer { ComputeThreads.count = threads }
    let results = Mutex<[Int: R]>([:])
    if let workers, workers < items.count {
        let lanes = max(1, workers)
        DispatchQueue.concurrentPerform(iterations: lanes) { lane in
            for index in stride(from: lane, to: items.count, by: lanes) {
                let value = transform(items[index])
                results.withLock { $0[index] = value }
            }
        }
    } else {
        DispatchQueue.concurrentPerform(iterations: items.count) { index in
            let value = transform(items[index])
            results.withLock { $0[index] = value }
        }
    }
    return results.withLock { slots in items.indices.compactMap { slots[$0] } }
}

/// Work started on another thread at once, whose result `value()` waits for: an independent setup
/// step (the solve's fit measure) that runs beside one that spreads itself over the cores (the packed
/// system). Not `concurrentPerform` with two iterations: a `concurrentPerform` nested inside one that
/// already fills the cores runs its iterations one after another on the calling thread.
final class BackgroundWork<Value: Sendable>: Sendable {
    private let done = DispatchGroup()
    private let outcome = Outcome()

    private final class Outcome: Sendable {
        let result = Mutex<Result<Value, Error>?>(nil)
    }

    init(_ work: @escaping @Sendable () throws -> Value) {
        let outcome = outcome
        DispatchQueue.global().async(group: done) {
            let result = Result { try work() }
            outcome.result.withLock { $0 = result }
        }
    }

    /// The work's result, or the error it threw, once it has ended.
    func value() throws -> Value {
        done.wait()
        guard let result = outcome.result.withLock({ $0 }) else { preconditionFailure("the group is left only after the work stored its result") }
        return try result.get()
    }
}
