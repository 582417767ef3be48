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
                            guard let q = q.baseAddress, let m = m.baseAddress, let nrm = nrm.baseAddress, let px = px.baseAddress,
                                  let py = py.baseAddress, let pz = pz.baseAddress, let weight = weight.baseAddress else { return }
                            // Each worker writes only its own frames' rows; the buffers outlive the call.
                            let shared = UncheckedSendable((q, m, nrm, px, py, pz, weight))
                            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                                let (q, m, nrm, px, py, pz, weight) = shared.value
                                let lo = frameCount * worker / workers, hi = frameCount * (worker + 1) / workers
                                guard hi > lo else { return }
                                fp_rigid_moments_f32(q + lo * width, hi - lo, width, px, py, pz, weight, m + lo * 12, nrm + lo)
                            }
                        }
                    } } }
                }
            }
        }
        return (moments, norms)
    }
}
