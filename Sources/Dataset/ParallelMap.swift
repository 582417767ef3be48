import Dispatch
import Synchronization

/// Maps `items` through `transform` on all cores, keeping order. Used to read one shot per core.
func parallelMap<T: Sendable, R: Sendable>(_ items: [T], _ transform: @Sendable (T) -> R) -> [R] {
    let results = Mutex<[Int: R]>([:])
    DispatchQueue.concurrentPerform(iterations: items.count) { index in
        let value = transform(items[index])
        results.withLock { $0[index] = value }
    }
    return results.withLock { slots in items.indices.compactMap { slots[$0] } }
}
