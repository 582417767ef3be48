import CKernels
import Dispatch

/// What a weighted rigid fit (Kabsch) needs of each frame, computed straight from stored Float
/// positions: the cross-covariance with the centred reference, the weighted centroid and the
/// weighted sum of squared norms. A product of the widened frames with a `[3N, 12]` matrix gives
/// the same numbers; this skips the widening copy and the matrix's zeros (two thirds of it).
public struct RigidMomentWeights: Sendable {
    /// Per coordinate k = 3i + a (`[3N]` each): wᵢ times the x, y, z of the centred reference point i.
    let wpx: [Double], wpy: [Double], wpz: [Double]
    /// Per coordinate (`[3N]`): wᵢ.
    public let coordinateWeights: [Double]

    /// - Parameters:
    ///   - centredReference: `[N, 3]`, the reference points minus their weighted centroid.
    ///   - weights: `[N]`, normalised as the fit needs them.
    public init(centredReference: [Double], weights: [Double]) {
        let n = weights.count
        precondition(centredReference.count == 3 * n, "\(centredReference.count) reference values for \(n) weights")
        func spread(_ axis: Int) -> [Double] { (0..<(3 * n)).map { k in weights[k / 3] * centredReference[3 * (k / 3) + axis] } }
        wpx = spread(0); wpy = spread(1); wpz = spread(2)
        coordinateWeights = (0..<(3 * n)).map { weights[$0 / 3] }
    }

    /// Coordinates per frame, 3N.
    public var coordinates: Int { coordinateWeights.count }

    /// The moments of `frameCount` frames `[F, N, 3]`: `moments` `[F, 12]` (H = Σ wᵢ qᵢ p'ᵢᵀ
    /// row-major, then Σ wᵢ qᵢ) and `norms` `[F]` (Σ wᵢ ‖qᵢ‖²). Frames are shared out over
    /// `ComputeThreads.count` threads when there are enough of them.
    public func moments(of frames: [Float], frameCount: Int) -> (moments: [Double], norms: [Double]) {
        let width = coordinates
        precondition(frames.count == frameCount * width, "\(frames.count) values are not \(frameCount) frames of \(width)")
        var moments = [Double](repeating: 0, count: frameCount * 12)
        var norms = [Double](repeating: 0, count: frameCount)
        guard frameCount > 0, width > 0 else { return (moments, norms) }
        // A thread's share is worth its start-up only past about a million coordinates.
        let workers = Swift.max(1, Swift.min(ComputeThreads.count, frameCount * width / (1 << 20)))
        frames.withUnsafeBufferPointer { q in
            moments.withUnsafeMutableBufferPointer { m in
                norms.withUnsafeMutableBufferPointer { nrm in
                    wpx.withUnsafeBufferPointer { px in wpy.withUnsafeBufferPointer { py in wpz.withUnsafeBufferPointer { pz in
                        coordinateWeights.withUnsafeBufferPointer { weight in
                            guard let p = MomentPointers(q, m, nrm, px, py, pz, weight) else { return }
                            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                                let lo = frameCount * worker / workers, hi = frameCount * (worker + 1) / workers
                                guard hi > lo else { return }
                                fp_rigid_moments_f32(p.frames + lo * width, hi - lo, width, p.wpx, p.wpy, p.wpz, p.w, p.moments + lo * 12, p.norms + lo)
                            }
                        }
                    } } }
                }
            }
        }
        return (moments, norms)
    }
}

/// The buffers of one `moments(of:frameCount:)` call, shared by its threads: each writes only its
/// own frames' rows, and the buffers outlive the call.
private struct MomentPointers: @unchecked Sendable {
    let frames: UnsafePointer<Float>
    let moments: UnsafeMutablePointer<Double>, norms: UnsafeMutablePointer<Double>
    let wpx: UnsafePointer<Double>, wpy: UnsafePointer<Double>, wpz: UnsafePointer<Double>, w: UnsafePointer<Double>

    init?(_ q: UnsafeBufferPointer<Float>, _ m: UnsafeMutableBufferPointer<Double>, _ n: UnsafeMutableBufferPointer<Double>,
          _ px: UnsafeBufferPointer<Double>, _ py: UnsafeBufferPointer<Double>, _ pz: UnsafeBufferPointer<Double>, _ w: UnsafeBufferPointer<Double>) {
        guard let qb = q.baseAddress, let mb = m.baseAddress, let nb = n.baseAddress, let x = px.baseAddress, let y = py.baseAddress,
              let z = pz.baseAddress, let wb = w.baseAddress else { return nil }
        (frames, moments, norms, wpx, wpy, wpz, self.w) = (qb, mb, nb, x, y, z, wb)
    }
}
