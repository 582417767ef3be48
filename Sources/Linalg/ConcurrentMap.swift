import Dispatch

/// `(0..<count).map(transform)` with contiguous chunks of the indices on different cores, written
/// straight into the result: for cheap work per item over many items (a 3×3 fit per frame).
public func concurrentMap<T>(_ count: Int, minimumPerChunk: Int = 4096, _ transform: (Int) -> T) -> [T] {
    let chunks = max(1, min(8, count / minimumPerChunk))
    if chunks == 1 { return (0..<count).map(transform) }
    return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        let shared = UncheckedSendable(buffer)
        withoutActuallyEscaping(transform) { transform in
            let body = UncheckedSendable(transform)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                // Each chunk initialises its own disjoint range of the buffer.
                for index in (count * chunk / chunks)..<(count * (chunk + 1) / chunks) {
                    guard let start = shared.value.baseAddress else { return }
                    (start + index).initialize(to: body.value(index))
                }
            }
        }
        initialized = count
    }
}

/// A value handed to worker threads that use it without racing (disjoint writes, pure functions).
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

