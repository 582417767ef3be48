import Dispatch

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

private final class Box {
    let body: (Int) -> Void
    init(_ body: @escaping (Int) -> Void) { self.body = body }
}
