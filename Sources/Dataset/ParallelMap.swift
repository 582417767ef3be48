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

/// Runs `first` and `second` at the same time (on two cores when there are two) and returns both
/// results, or the first error thrown: two independent setup steps (the solve's packed system and
/// its fit measure) cost the longer of the two instead of their sum. Threads are shared out between
/// the two as in `parallelMap`.
func concurrently<A: Sendable, B: Sendable>(_ first: @Sendable () throws -> A, _ second: @Sendable () throws -> B) throws -> (A, B) {
    let threads = ComputeThreads.count
    ComputeThreads.count = max(1, threads / 2)
    defer { ComputeThreads.count = threads }
    let results = Mutex<(a: Result<A, Error>?, b: Result<B, Error>?)>((nil, nil))
    DispatchQueue.concurrentPerform(iterations: 2) { index in
        if index == 0 {
            let value = Result { try first() }
            results.withLock { $0.a = value }
        } else {
            let value = Result { try second() }
            results.withLock { $0.b = value }
        }
    }
    let (a, b) = results.withLock { ($0.a, $0.b) }
    guard let a, let b else { fatalError("concurrentPerform ran every iteration") }
    return (try a.get(), try b.get())
}
