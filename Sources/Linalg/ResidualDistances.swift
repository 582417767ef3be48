import CKernels
import Dispatch

/// Per-point distances `‖(t − r) − Σₖ wₖ·Dₖ‖` of rows of points `t` (`[rows, P, 3]`) from their
/// reconstruction by weights `w` over deltas D (`[K, P, 3]`) and a reference r (`[P, 3]`): a
/// blendshape fit's residual, measured without storing the reconstruction.
///
/// One pass in Float with fused multiply-adds: D is packed once (blocks of eight points, axes apart) so a
/// tile of frames keeps its residual in registers from t − r to the distances, where an SGEMM wrote
/// t − W·D out (packing D again every call) and a second pass read it back.
public struct ResidualDistances: Sendable {
    public let points: Int
    public let columns: Int
    /// D and r packed for the kernels of `level`.
    private let packed: [Float]
    private let reference: [Float]
    private let level: Int32

    /// - Parameters:
    ///   - deltas: D, `[columns, points, 3]`.
    ///   - reference: r, `[points, 3]`.
    public init(deltas: [Float], columns: Int, reference: [Float]) throws {
        let points = reference.count / 3
        guard columns > 0, reference.count == 3 * points, deltas.count == columns * 3 * points else {
            throw LinalgError.shapeMismatch(operation: "ResidualDistances",
                                            detail: "\(deltas.count) deltas for \(columns) columns of \(reference.count / 3) points")
        }
        self.points = points
        self.columns = columns
        let level = fp_kernels_level()
        self.level = level
        let count = fp_residual_packed_count(points, columns, level), referenceCount = fp_residual_reference_count(points, level)
        var packedReference: [Float] = uninitializedBuffer(count: referenceCount)
        packed = largeArray(count: count) { buffer in
            deltas.withUnsafeBufferPointer { d in
                reference.withUnsafeBufferPointer { r in
                    packedReference.withUnsafeMutableBufferPointer { pr in
                        if let d = d.baseAddress, let r = r.baseAddress, let out = buffer.baseAddress, let outReference = pr.baseAddress {
                            fp_residual_pack(d, columns, points, r, level, out, outReference)
                        }
                    }
                }
            }
        }
        self.reference = packedReference
    }

    /// Writes the distances of the first `rows` rows of `values` (`[rows, P, 3]`) solved as
    /// `weights` (`[rows, columns]`) to `distances[0 ..< rows × P]` (`[rows, P]`). `threads` > 1 shares
    /// the rows out among that many threads.
    public func distances(of values: [Float], rows: Int, weights: [Float], threads: Int = 1, into distances: inout [Float]) throws {
        let points = points, columns = columns, level = level
        guard rows >= 0, values.count >= rows * 3 * points, weights.count >= rows * columns, distances.count >= rows * points else {
            throw LinalgError.shapeMismatch(operation: "ResidualDistances.distances",
                                            detail: "\(values.count) values, \(weights.count) weights, \(distances.count) distances for \(rows) rows of \(points) points")
        }
        guard rows > 0, points > 0 else { return }
        let parts = Swift.max(1, Swift.min(threads, rows / 8))
        values.withUnsafeBufferPointer { v in
            weights.withUnsafeBufferPointer { w in
                distances.withUnsafeMutableBufferPointer { d in
                    packed.withUnsafeBufferPointer { p in
                        reference.withUnsafeBufferPointer { r in
                            guard let values = v.baseAddress, let weights = w.baseAddress, let distances = d.baseAddress,
                                  let packed = p.baseAddress, let reference = r.baseAddress else { return }
                            if parts == 1 {
                                fp_residual_distances(values, rows, points, packed, reference, weights, columns, level, distances)
                                return
                            }
                            let shared = UncheckedSendable((values, weights, distances, packed, reference))
                            DispatchQueue.concurrentPerform(iterations: parts) { part in
                                // Each part owns its own rows of `distances`.
                                let (values, weights, distances, packed, reference) = shared.value
                                let first = rows * part / parts, end = rows * (part + 1) / parts
                                fp_residual_distances(values + first * 3 * points, end - first, points, packed, reference,
                                                      weights + first * columns, columns, level, distances + first * points)
                            }
                        }
                    }
                }
            }
        }
    }
}
