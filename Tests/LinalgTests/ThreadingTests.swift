import Dispatch
import Foundation
import Synchronization
import Testing
@testable import Linalg

@Suite("Threads: parts spread from inside other work, and large buffers laid out on 2 MiB pages")
struct ThreadingTests {
    /// Every part runs once; parts other than 0 run on other threads even when the caller is itself
    /// one of `concurrentPerform`'s iterations, where a nested `concurrentPerform` would keep them all
    /// on the calling thread.
    @Test func partsSpreadFromInsideConcurrentPerform() {
        let runs = Mutex<[Int: Int]>([:]), otherThread = Mutex<[Bool]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            let caller = pthread_self()
            forEachPart(3) { part in
                runs.withLock { $0[part, default: 0] += 1 }
                if part > 0 { otherThread.withLock { $0.append(pthread_equal(pthread_self(), caller) == 0) } }
            }
        }
        #expect(runs.withLock { $0 } == [0: 2, 1: 2, 2: 2])
        #expect(otherThread.withLock { $0 }.count == 4)
        #expect(otherThread.withLock { $0 }.allSatisfy { $0 })
    }

    @Test func noPartsOrOne() {
        let count = Mutex(0)
        forEachPart(0) { _ in count.withLock { $0 += 1 } }
        #expect(count.withLock { $0 } == 0)
        forEachPart(1) { part in count.withLock { $0 += 1 + part } }
        #expect(count.withLock { $0 } == 1)
    }

    /// Every piece runs exactly once, on up to `workers` threads, and a worker held up takes fewer
    /// pieces: while the first piece is held (until the other 39 are done, or 20 s), the other worker
    /// takes every other piece. (A static split would have left 19 of them to the held worker.)
    @Test func piecesRunOnceAndGoToTheFreeWorker() {
        let runs = Mutex<[Int: Int]>([:]), byThread = Mutex<[UInt: Int]>([:])
        forEachPiece(40, workers: 2) { piece in
            if piece == 0 {
                // Other tests may hold the global queue's threads for a while: wait for the second worker.
                let deadline = Date().addingTimeInterval(20)
                while runs.withLock({ $0.count }) < 39, Date() < deadline { usleep(1_000) }
            }
            runs.withLock { $0[piece, default: 0] += 1 }
            byThread.withLock { $0[UInt(pthread_self()), default: 0] += 1 }
        }
        #expect(runs.withLock { $0 } == Dictionary(uniqueKeysWithValues: (0..<40).map { ($0, 1) }))
        let shares = byThread.withLock { $0.values.sorted() }
        #expect(shares == [1, 39], "pieces per thread: \(shares)")
        let none = Mutex(0)
        forEachPiece(0, workers: 2) { _ in none.withLock { $0 += 1 } }
        forEachPiece(3, workers: 8) { _ in none.withLock { $0 += 1 } }
        forEachPiece(2, workers: 0) { _ in none.withLock { $0 += 1 } }
        #expect(none.withLock { $0 } == 5)
    }

    /// The capacity fills whole 2 MiB pages with the array's and the allocator's headers, and is
    /// left alone below the threshold.
    @Test func capacityFillsWholeHugePages() {
        let page = LargeBuffers.hugePage
        #expect(LargeBuffers.capacity(count: 1000, stride: 4) == 1000)
        for (count, stride) in [(1 << 20, 4), (1_734_000, 4), (9 << 20, 4), (600_000, 8), (2_000_001, 8)] {
            let capacity = LargeBuffers.capacity(count: count, stride: stride)
            let allocated = LargeBuffers.arrayHeader + capacity * stride + LargeBuffers.allocatorOverhead
            #expect(capacity >= count)
            #expect(allocated % page == 0 || allocated % page > page - stride, "count \(count): \(allocated % page) bytes into the last page")
            #expect(allocated - count * stride < page + LargeBuffers.arrayHeader + LargeBuffers.allocatorOverhead)
        }
    }

    /// A large array holds `count` initialised elements whatever capacity backs it.
    @Test func largeArrayHoldsItsCount() {
        let values: [Float] = largeArray(count: 1_500_000) { buffer in
            for i in buffer.indices { buffer[i] = Float(i % 977) }
        }
        #expect(values.count == 1_500_000)
        #expect(values.capacity >= LargeBuffers.capacity(count: 1_500_000, stride: 4))
        #expect(values[1_499_999] == Float(1_499_999 % 977))
        let scratch: [Double] = uninitializedBuffer(count: 700_000)
        #expect(scratch.count == 700_000)
    }
}
