import Foundation
import Synchronization
import Testing
@testable import Dataset

@Suite("parallelMap: order, each item once, lanes, nesting")
struct ParallelMapTests {
    @Test func keepsOrderAndRunsEachItemOnce() {
        let calls = Mutex<[Int: Int]>([:])
        let items = Array(0..<300)
        let out = parallelMap(items) { item -> Int in
            calls.withLock { $0[item, default: 0] += 1 }
            return item * item - 7
        }
        #expect(out == items.map { $0 * $0 - 7 })
        #expect(calls.withLock { $0 }.count == 300)
        #expect(calls.withLock { $0 }.values.allSatisfy { $0 == 1 })
    }

    /// With `workers`, no more items than that run at once, and they do run side by side.
    @Test func workersBoundTheItemsInFlight() {
        let running = Atomic<Int>(0), peak = Atomic<Int>(0)
        let out = parallelMap(Array(0..<24), workers: 2) { item -> Int in
            let now = running.wrappingAdd(1, ordering: .relaxed).newValue
            _ = peak.max(now, ordering: .relaxed)
            usleep(2000)
            running.wrappingSubtract(1, ordering: .relaxed)
            return item + 1
        }
        #expect(out == Array(1...24))
        #expect(peak.load(ordering: .relaxed) <= 2)
        #expect(peak.load(ordering: .relaxed) >= 1)
    }

    /// A parallelMap inside one of its lanes maps on that lane's thread, in order: the cores are taken.
    @Test func nestedMapRunsOnTheLane() {
        let sameThread = Mutex<[Bool]>([])
        let out = parallelMap(Array(0..<4), workers: 2) { outer -> [Int] in
            let lane = pthread_self()
            return parallelMap(Array(0..<5)) { inner -> Int in
                sameThread.withLock { $0.append(pthread_equal(pthread_self(), lane) != 0) }
                return outer * 10 + inner
            }
        }
        #expect(out == (0..<4).map { o in (0..<5).map { o * 10 + $0 } })
        #expect(sameThread.withLock { $0 }.count == 20)
        #expect(sameThread.withLock { $0 }.allSatisfy { $0 })
    }
}
