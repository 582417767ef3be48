import CKernels
import Dispatch

/// Per-point distances `‖(t − r) − Σₖ wₖ·Dₖ‖` of rows of points `t` (`[rows, P, 3]`) from their
/// reconstruction by weights `w` over deltas D (`[K, P, 3]`) and a reference r (`[P, 3]`): a
/// blendshape fit's residual, measured without storing the reconstruction.
///
/// One pass in Float with fused multiply-adds: D is packed once (blocks of eight or sixteen points, axes
/// apart, each block with only the poses that move it) so a tile of frames keeps its residual in
/// registers from t − r to the distances, where an SGEMM wrote t − W·D out (packing D again every
/// call, and multiplying every zero delta of a local blendshape) and a second pass read it back.
public struct ResidualDistances: Sendable {
    public let points: Int
    public let columns: Int
    /// D and r packed for the kernels of `level`.
    private let packed: [Float]
    private let reference: [Float]
    /// Per packed entry, its pose (and one spare); per block, where its entries start (blocks + 1).
    private let poses: [UInt32]
    private let starts: [Int]
    private let level: Int32

    /// The share of (block, pose) pairs the kernel multiplies: 1 for dense deltas.
    public var density: Double {
        let blocks = starts.count - 1
        return blocks > 0 ? Double(poses.count - 1) / Double(blocks * columns) : 1
    }

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
        let blocks = fp_residual_block_count(points, level), referenceCount = fp_residual_reference_count(points, level)
        let block = fp_residual_reference_count(1, level)   // floats per entry: 3 × the block's width
        var moves = [UInt8](repeating: 0, count: blocks * columns)
        let entries = deltas.withUnsafeBufferPointer { d in
            moves.withUnsafeMutableBufferPointer { m in
                guard let d = d.baseAddress, let m = m.baseAddress else { return 0 }
                return fp_residual_moves(d, columns, points, level, m)
            }
        }
        var packedReference: [Float] = uninitializedBuffer(count: referenceCount)
        // One spare element each: an all-zero D has no entries, and the kernels still get real addresses.
        var poses = [UInt32](repeating: 0, count: entries + 1)
        var starts = [Int](repeating: 0, count: blocks + 1)
        var packedOK = false
        packed = largeArray(count: (entries + 1) * block) { buffer in
            deltas.withUnsafeBufferPointer { d in
                reference.withUnsafeBufferPointer { r in
                    packedReference.withUnsafeMutableBufferPointer { pr in
                        poses.withUnsafeMutableBufferPointer { ps in
                            starts.withUnsafeMutableBufferPointer { st in
                                guard let d = d.baseAddress, let r = r.baseAddress, let out = buffer.baseAddress, let outReference = pr.baseAddress,
                                      let ps = ps.baseAddress, let st = st.baseAddress else { return }
                                packedOK = fp_residual_pack(d, columns, points, r, level, moves, out, outReference, ps, st) != 0
                            }
                        }
                    }
                }
            }
        }
        guard packedOK else {
            throw LinalgError.shapeMismatch(operation: "ResidualDistances", detail: "could not pack \(columns) deltas over \(points) points")
        }
        self.poses = poses
        self.starts = starts
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
                            poses.withUnsafeBufferPointer { ps in
                                starts.withUnsafeBufferPointer { st in
                                    guard let values = v.baseAddress, let weights = w.baseAddress, let distances = d.baseAddress,
                                          let packed = p.baseAddress, let reference = r.baseAddress, let poses = ps.baseAddress,
                                          let starts = st.baseAddress else { return }
                                    if parts == 1 {
                                        fp_residual_distances(values, rows, points, packed, reference, poses, starts, weights, columns, level, distances)
                                        return
                                    }
                                    let shared = UncheckedSendable((values, weights, distances, packed, reference, poses, starts))
                                    // Twelve rows a piece (two of the AVX-512 kernel's tiles), taken by whichever thread is
                                    // free; each piece owns its own rows of `distances`. Every piece streams the packed
                                    // deltas once, so pieces are not made smaller.
                                    forEachPiece((rows + 11) / 12, workers: parts) { piece in
                                        let (values, weights, distances, packed, reference, poses, starts) = shared.value
                                        let first = piece * 12, end = Swift.min(rows, first + 12)
                                        fp_residual_distances(values + first * 3 * points, end - first, points, packed, reference, poses, starts,
                                                              weights + first * columns, columns, level, distances + first * points)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
