import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Fresh arrays of megabytes (a rig's deltas, their packed copies, a block of decoded frames) whose
/// memory is asked for in 2 MiB pages.
///
/// Memory the process has not touched yet costs a page fault per 4 KiB page on first write: about
/// 21,000 faults and a third of the CPU of a one-shot solve, mostly kernel bookkeeping rather than the
/// zeroing itself. Linux hands out transparent huge pages to ranges marked `MADV_HUGEPAGE` when its
/// policy is `madvise` (Debian's default), one fault per 2 MiB. Where the kernel has no such pages,
/// the advice is ignored and nothing else changes.
enum LargeBuffers {
    /// Below this an array holds no whole 2 MiB page worth asking for.
    static let threshold = 4 << 20
    static let hugePage = 2 << 20

    /// Marks the whole 2 MiB pages inside `bytes` bytes at `start` for huge pages. Call it before the
    /// memory is first written: advice on pages already present changes nothing until the kernel
    /// merges them in the background.
    static func adviseHugePages(_ start: UnsafeMutableRawPointer, bytes: Int) {
        #if os(Linux)
        guard bytes >= threshold else { return }
        let address = UInt(bitPattern: start)
        let first = (address + UInt(hugePage - 1)) & ~UInt(hugePage - 1)
        let end = (address + UInt(bytes)) & ~UInt(hugePage - 1)
        guard end > first, let aligned = UnsafeMutableRawPointer(bitPattern: first) else { return }
        _ = madvise(aligned, Int(end - first), MADV_HUGEPAGE)
        #endif
    }
}

/// An array of `count` elements whose values are not set: for buffers that are always written before
/// they are read (a block of decoded frames), where zero-filling tens of megabytes first would cost
/// as much as the write itself. Large ones are backed by huge pages where the kernel allows
/// (`LargeBuffers`).
public func uninitializedBuffer<Element: BitwiseCopyable>(count: Int) -> [Element] {
    largeArray(count: count) { _ in }
}

/// An array of `count` elements written by `initialize`, which must set every one of them; large ones
/// are backed by huge pages where the kernel allows (`LargeBuffers`).
public func largeArray<Element: BitwiseCopyable>(count: Int, initialize: (UnsafeMutableBufferPointer<Element>) throws -> Void) rethrows -> [Element] {
    let count = Swift.max(count, 0)
    return try [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
        if let base = buffer.baseAddress {
            LargeBuffers.adviseHugePages(UnsafeMutableRawPointer(base), bytes: count * MemoryLayout<Element>.stride)
        }
        try initialize(buffer)
        initialized = count
    }
}

/// Large Float buffers passed from one piece of work to the next (a shot's blocks of frames to the
/// next shot's), so the kernel faults in and zeroes their memory once per run rather than once per
/// shot. A buffer taken holds garbage: for buffers written before they are read.
public final class ScratchPool: Sendable {
    public static let shared = ScratchPool()
    /// Buffers kept for reuse, at most `capacity` of them.
    private let free = Mutex<[[Float]]>([])
    private let capacity = 8

    /// A buffer of at least `count` elements: a kept one when one is large enough, else a new one.
    public func take(count: Int) -> [Float] {
        let reused = free.withLock { list -> [Float]? in
            guard let index = list.indices.filter({ list[$0].count >= count }).min(by: { list[$0].count < list[$1].count }) else { return nil }
            return list.remove(at: index)
        }
        return reused ?? uninitializedBuffer(count: count)
    }

    /// Keeps `buffer` for a later `take` (megabytes only; small ones cost nothing to make).
    public func give(_ buffer: [Float]) {
        guard buffer.count >= 1 << 18 else { return }
        free.withLock { list in
            list.append(buffer)
            if list.count > capacity { list.removeFirst() }
        }
    }
}
