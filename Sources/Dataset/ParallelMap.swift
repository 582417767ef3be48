import Foundation
import Dispatch
import Linalg
import Synchronization

/// Maps `items` through `transform` on all cores, keeping order. Used to read one shot per core.
/// Threads per call (`ComputeThreads`) and items in flight are chosen together: the cores are shared
/// out among the items running at once, so one shot gets every core and a shot per core gets
/// single-threaded kernels and BLAS (more threads would only compete for the same cores — measured:
/// 1.6 s against 0.76 s for a Claire-size validation). With `workers`, at most that many items run
/// at once.
///
/// Each lane takes the next item not yet begun. Once every item has begun, a lane that ends leaves
/// its core to the items still running: the kernels' share (`ComputeThreads.widen`) grows, so the
/// last shot of a run splits its blocks over the cores the others have left (on a Claire-size solve
/// the last 75 ms ran on one core of two).
///
/// The lanes are `concurrentPerform`'s iterations, so work that spreads itself with a nested
/// `concurrentPerform` stays on its lane (libdispatch runs it on the calling thread). The solve's
/// kernels split with `forEachPart`, which does spread, by `ComputeThreads.count`: one part each
/// while the lanes fill the cores, more once they have been widened. A `parallelMap` called from
/// inside a lane maps its items on that lane's thread, one after another.
public func parallelMap<T: Sendable, R: Sendable>(_ items: [T], workers: Int? = nil, _ transform: @Sendable (T) -> R) -> [R] {
    if LaneMarker.isInsideLane { return items.map(transform) }
    let threads = ComputeThreads.count
    let inFlight = max(1, min(workers ?? ProcessInfo.processInfo.activeProcessorCount, items.count))
    ComputeThreads.count = max(1, threads / inFlight)
    defer { ComputeThreads.count = threads }
    let results = Mutex<[Int: R]>([:])
    let next = Atomic<Int>(0), running = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: inFlight) { _ in
        LaneMarker.isInsideLane = true
        defer { LaneMarker.isInsideLane = false }
        while true {
            let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
            guard index < items.count else { return }
            running.wrappingAdd(1, ordering: .relaxed)
            let value = transform(items[index])
            results.withLock { $0[index] = value }
            let left = running.wrappingSubtract(1, ordering: .relaxed).newValue
            // Every item has begun: the cores of the lanes that end now go to the items still running.
            if left > 0, next.load(ordering: .relaxed) >= items.count { ComputeThreads.widen(to: max(1, threads / left)) }
        }
    }
    return results.withLock { slots in items.indices.compactMap { slots[$0] } }
}

/// Whether the calling thread runs one of `parallelMap`'s lanes.
private enum LaneMarker {
    private static let key = "faceprep.parallelMap.lane"
    static var isInsideLane: Bool {
        get { Thread.current.threadDictionary[key] != nil }
        set { Thread.current.threadDictionary[key] = newValue ? true : nil }
    }
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
