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
    /// Bytes of a Swift array's storage before its elements (object header, count, capacity).
    static let arrayHeader = 32
    /// Bytes glibc adds around an allocation it maps on its own (chunk header and size field), with room.
    static let allocatorOverhead = 64

    /// The capacity to allocate for `count` elements of `stride` bytes so that the allocation, with
    /// the array's and the allocator's headers, fills whole 2 MiB pages: glibc, when it maps the
    /// allocation on its own (above its threshold, which it raises to the size of each mapped block
    /// freed, so blocks freed and made again come from its heap instead), maps exactly that length,
    /// Linux places an anonymous mapping whose length is a multiple of 2 MiB on a 2 MiB boundary, and
    /// every page of the buffer can be a huge one. A buffer placed anywhere else has a partial 2 MiB
    /// page at each end, faulted in 4 KiB at a time: about 512 faults a buffer, the larger part of a
    /// one-shot solve's faults.
    static func capacity(count: Int, stride: Int) -> Int {
        guard stride > 0, count >= threshold / stride else { return count }
        let pages = (arrayHeader + count * stride + allocatorOverhead + hugePage - 1) / hugePage
        return Swift.max(count, (pages * hugePage - allocatorOverhead - arrayHeader) / stride)
    }

    /// Marks the 2 MiB pages of `bytes` bytes at `start` for huge pages: all of them, from the 2 MiB
    /// boundary just before `start`, when the buffer begins within a page of one (a mapping of its
    /// own, laid out by `capacity`), else the whole ones inside it. Call it before the memory is first
    /// written: advice on pages already present changes nothing until the kernel merges them in the
    /// background.
    static func adviseHugePages(_ start: UnsafeMutableRawPointer, bytes: Int) {
        #if os(Linux)
        guard bytes >= threshold else { return }
        let address = UInt(bitPattern: start), mask = UInt(hugePage - 1), page = UInt(4096)
        let boundary = address & ~mask
        let ownMapping = address - boundary < page
        let first = ownMapping ? boundary : (address + mask) & ~mask
        let end = ownMapping ? (address + UInt(bytes) + mask) & ~mask : (address + UInt(bytes)) & ~mask
        guard end > first, let aligned = UnsafeMutableRawPointer(bitPattern: first) else { return }
        _ = madvise(aligned, Int(end - first), MADV_HUGEPAGE)
        // The allocator wrote its header into the first 2 MiB page before the advice, so that page is
        // already there in 4 KiB pages and would stay so (512 faults): MADV_COLLAPSE (Linux 6.1; 25 in
        // every architecture's headers) makes it one huge page now. Older kernels refuse it; nothing changes.
        if ownMapping { _ = madvise(aligned, hugePage, 25) }
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
    let count = Swift.max(count, 0), stride = MemoryLayout<Element>.stride
    let capacity = LargeBuffers.capacity(count: count, stride: stride)
    return try [Element](unsafeUninitializedCapacity: capacity) { buffer, initialized in
        if let base = buffer.baseAddress {
            LargeBuffers.adviseHugePages(UnsafeMutableRawPointer(base), bytes: capacity * stride)
        }
        try initialize(UnsafeMutableBufferPointer(rebasing: buffer[0..<count]))
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
