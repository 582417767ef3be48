import Dispatch
import Synchronization

/// Runs `body(part)` for every part in `0..<parts` at once, part 0 on the calling thread and the
/// others as blocks on the global queue, and returns when all have ended.
///
/// Unlike `DispatchQueue.concurrentPerform`, the parts spread even when this is called from inside
/// another spread of work: libdispatch runs a `concurrentPerform` nested in one of several
/// iterations on the calling thread alone, while blocks on the global queue take any core left idle.
public func forEachPart(_ parts: Int, _ body: (Int) -> Void) {
    guard parts > 1 else {
        if parts == 1 { body(0) }
        return
    }
    withoutActuallyEscaping(body) { body in
        // The blocks hold the box unretained; it is released only once every block has run, so the
        // closure never outlives this call.
        let box = Unmanaged.passRetained(Box(body))
        defer { box.release() }
        let shared = UncheckedSendable(box)
        let group = DispatchGroup()
        for part in 1..<parts {
            DispatchQueue.global().async(group: group) { shared.value.takeUnretainedValue().body(part) }
        }
        body(0)
        group.wait()
    }
}

/// Runs `body(piece)` for every piece in `0..<pieces`, on `workers` threads at once (`forEachPart`)
/// that each take the next piece not yet begun until none is left.
///
/// Where `forEachPart` gives each thread an equal share up front, here a thread that is slowed down
/// takes fewer pieces: on a fresh process the first block of frames is written into memory the kernel
/// has not handed out yet, and one half of it faulted in three to four times slower than the other
/// (perf timeline of a one-shot solve: one thread decoded alone for most of the block).
public func forEachPiece(_ pieces: Int, workers: Int, _ body: (Int) -> Void) {
    guard pieces > 0 else { return }
    let next = Atomic<Int>(0)
    // At least one worker, so that every piece runs whatever `workers` says.
    forEachPart(Swift.max(1, Swift.min(workers, pieces))) { _ in
        while true {
            let piece = next.wrappingAdd(1, ordering: .relaxed).oldValue
            guard piece < pieces else { return }
            body(piece)
        }
    }
}

private final class Box {
    let body: (Int) -> Void
    init(_ body: @escaping (Int) -> Void) { self.body = body }
}
