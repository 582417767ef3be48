import CKernels
import Dispatch

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
        self.width = width
        self.columns = columns
        self.neutral = neutral
        let level = fp_kernels_level()
        self.level = level
        let count = fp_projection_packed_count(width, columns)
        packed = largeArray(count: count) { buffer in
            deltas.withUnsafeBufferPointer { d in
                if let source = d.baseAddress, let target = buffer.baseAddress { fp_projection_pack(source, width, columns, target) }
            }
        }
    }

    /// Writes `Dᵀ(t − n)` of the first `frames` rows of `values` (`[frames, width]`) to
    /// `out[0 ..< frames × columns]` (`[frames, columns]`). `threads` > 1 shares the frames out among
    /// that many threads (a single shot on an idle machine).
    public func project(_ values: [Float], frames: Int, threads: Int = 1, into out: inout [Double]) throws {
        guard frames >= 0, values.count >= frames * width, out.count >= frames * columns else {
            throw LinalgError.shapeMismatch(operation: "CentredProjection.project",
                                            detail: "\(values.count) values for \(frames) frames of \(width), \(out.count) out for \(columns) each")
        }
        guard frames > 0 else { return }
        // Parts of whole 12-frame tiles, at least two tiles each: smaller parts cost more to hand out than they save.
        let parts = Swift.max(1, Swift.min(threads, frames / 24))
        let width = width, columns = columns, level = level
        values.withUnsafeBufferPointer { v in
            out.withUnsafeMutableBufferPointer { o in
                packed.withUnsafeBufferPointer { p in
                    neutral.withUnsafeBufferPointer { n in
                        guard let values = v.baseAddress, let out = o.baseAddress, let packed = p.baseAddress, let neutral = n.baseAddress else { return }
                        if parts == 1 {
                            fp_project_centred(values, frames, width, neutral, packed, columns, level, out)
                            return
                        }
                        let shared = UncheckedSendable((values, out, packed, neutral))
                        DispatchQueue.concurrentPerform(iterations: parts) { part in
                            // Each part owns its own rows of `out`.
                            let (values, out, packed, neutral) = shared.value
                            let tiles = (frames + 11) / 12
                            let first = Swift.min(frames, tiles * part / parts * 12), end = Swift.min(frames, tiles * (part + 1) / parts * 12)
                            guard end > first else { return }
                            fp_project_centred(values + first * width, end - first, width, neutral, packed, columns, level,
                                               out + first * columns)
                        }
                    }
                }
            }
        }
    }
}
