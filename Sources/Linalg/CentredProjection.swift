import CKernels
import Dispatch
import Synchronization

/// `Dᵀ(t − n)` for blocks of Float frames `t`, into Double: the blendshape solve's projections.
///
/// n and t are Floats (a rig's neutral, a cache's positions) and D is packed once in Float (a rig's
/// deltas exactly; the solve passes Q of D = QR, rounded), so the products run in Float, at twice the
/// rate of Double ones. Only the sums need more than Float: each run of 64 coordinates is summed in
/// Float and the runs are added in Double (`fp_project_centred`); one Float sum over a whole frame
/// drifted ~√width ulps, enough to move the real ICT-FaceKit rig's weights by 1e-5.
public struct CentredProjection: Sendable {
    /// Coordinates per frame (rows of D).
    public let width: Int
    /// Columns of D: numbers per frame out.
    public let columns: Int
    /// D in panels of 8 columns (`fp_projection_pack`), rounded to Float.
    private let packed: [Float]
    private let level: Int32
    /// n `[width]`.
    public let neutral: [Float]

    /// - Parameters:
    ///   - deltas: D, row-major `[width, columns]`, rounded to Float when packed.
    ///   - neutral: n `[width]`.
    public init(deltas: [Double], columns: Int, neutral: [Float]) throws {
        let width = neutral.count
        guard columns > 0, deltas.count == width * columns else {
            throw LinalgError.shapeMismatch(operation: "CentredProjection",
                                            detail: "D of \(deltas.count) values is not [\(width), \(columns)]")
        }
        let packed: [Float] = largeArray(count: fp_projection_packed_count(width, columns)) { buffer in
            deltas.withUnsafeBufferPointer { d in
                if let source = d.baseAddress, let target = buffer.baseAddress { fp_projection_pack(source, width, columns, target) }
            }
        }
        self.init(columns: columns, neutral: neutral, packed: packed)
    }

    private init(columns: Int, neutral: [Float], packed: [Float]) {
        width = neutral.count
        self.columns = columns
        self.neutral = neutral
        self.packed = packed
        level = fp_kernels_level()
    }

    /// The projection over Q of D = QR (`factor`, from D's Gram matrix), Q formed and packed a block
    /// of rows at a time on `threads` threads and never held whole: Dᵀ(t − n) = Rᵀ·Qᵀ(t − n), with R
    /// applied by the caller (`CholeskyQR.multiplyRows`). Nil when an entry of Q is not finite.
    ///
    /// - Parameters:
    ///   - d: D `[width, columns]` (width = `neutral.count`).
    ///   - neutral: n `[width]`.
    public init?(orthonormalizing d: GatheredColumns, factor: CholeskyQR, neutral: [Float], threads: Int = 1) throws {
        let width = neutral.count, columns = d.columns
        guard d.rows == width, factor.r.columns == columns else {
            throw LinalgError.shapeMismatch(operation: "CentredProjection",
                                            detail: "D [\(d.rows), \(columns)] for \(width) coordinates and a \(factor.r.columns)-column factor")
        }
        let blocks = d.blockCount
        let parts = Swift.max(1, Swift.min(threads, blocks))
        let finite = Atomic<Bool>(true)
        let packed: [Float] = largeArray(count: fp_projection_packed_count(width, columns)) { buffer in
            guard let target = buffer.baseAddress else { return }
            let shared = UncheckedSendable(target)
            let body: @Sendable (Int) -> Void = { part in
                // Each part packs its own rows of Q: disjoint places in `packed`.
                factor.forEachBlockOfQ(of: d, blocks: (blocks * part / parts)..<(blocks * (part + 1) / parts)) { first, count, q in
                    if !UnsafeBufferPointer(start: q, count: count * columns).allSatisfy(\.isFinite) { finite.store(false, ordering: .relaxed) }
                    fp_projection_pack_rows(q, first, count, width, columns, shared.value)
                }
            }
            if parts > 1 { DispatchQueue.concurrentPerform(iterations: parts, execute: body) } else { body(0) }
        }
        guard finite.load(ordering: .relaxed) else { return nil }
        self.init(columns: columns, neutral: neutral, packed: packed)
    }

    /// Writes `Dᵀ(t − n)` of the first `frames` rows of `values` (`[frames, width]`) to
    /// `out[0 ..< frames × columns]` (`[frames, columns]`). `threads` > 1 shares the frames out among
    /// that many threads (a single shot on an idle machine).
    public func project(_ values: [Float], frames: Int, threads: Int = 1, into out: inout [Double]) throws {
        try project(values, frames: frames, stride: width, coordinates: nil, threads: threads, into: &out)
    }

    /// `project` of the coordinates `coordinates` (`width` of them, each below `stride`) of whole frames
    /// `values` (`[frames, stride]`), read in place: the same numbers as projecting them gathered into
    /// `[frames, width]` first, without the copy.
    public func project(selecting coordinates: [Int], of values: [Float], frames: Int, stride: Int, threads: Int = 1,
                        into out: inout [Double]) throws {
        guard coordinates.count == width, coordinates.allSatisfy({ $0 >= 0 && $0 < stride }) else {
            throw LinalgError.shapeMismatch(operation: "CentredProjection.project",
                                            detail: "\(coordinates.count) coordinates below \(stride) for a projection of \(width)")
        }
        try project(values, frames: frames, stride: stride, coordinates: coordinates, threads: threads, into: &out)
    }

    /// Frames `stride` values apart, coordinate c of each at `coordinates[c]` (or c when nil).
    private func project(_ values: [Float], frames: Int, stride: Int, coordinates: [Int]?, threads: Int, into out: inout [Double]) throws {
        guard frames >= 0, stride >= width, values.count >= frames * stride, out.count >= frames * columns else {
            throw LinalgError.shapeMismatch(operation: "CentredProjection.project",
                                            detail: "\(values.count) values for \(frames) frames of \(stride), \(out.count) out for \(columns) each")
        }
        guard frames > 0 else { return }
        // At least 24 frames a part: smaller parts cost more to hand out than they save.
        let parts = Swift.max(1, Swift.min(threads, frames / 24))
        let width = width, columns = columns, level = level
        let picks = coordinates ?? []
        values.withUnsafeBufferPointer { v in
            out.withUnsafeMutableBufferPointer { o in
                packed.withUnsafeBufferPointer { p in
                    neutral.withUnsafeBufferPointer { n in
                        picks.withUnsafeBufferPointer { c in
                            guard let values = v.baseAddress, let out = o.baseAddress, let packed = p.baseAddress, let neutral = n.baseAddress else { return }
                            // int64_t and Int are the same 64-bit integer on every platform FacePrep builds for.
                            let at = coordinates == nil ? nil : UnsafeRawPointer(c.baseAddress)?.assumingMemoryBound(to: Int64.self)
                            if parts == 1 {
                                fp_project_centred_selected(values, frames, stride, at, width, neutral, packed, columns, level, out)
                                return
                            }
                            let shared = UncheckedSendable((values, out, packed, neutral, at))
                            forEachPart(parts) { part in
                                // Each part owns its own rows of `out`.
                                let (values, out, packed, neutral, at) = shared.value
                                // Cut at multiples of six frames (the pair kernel's height): 58 frames split 30/28, where
                                // whole 12-frame tiles split them 24/34.
                                let halves = (frames + 5) / 6
                                let first = Swift.min(frames, halves * part / parts * 6), end = Swift.min(frames, halves * (part + 1) / parts * 6)
                                guard end > first else { return }
                                fp_project_centred_selected(values + first * stride, end - first, stride, at, width, neutral, packed, columns, level,
                                                            out + first * columns)
                            }
                        }
                    }
                }
            }
        }
    }
}
