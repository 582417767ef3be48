import Formats

extension SyntheticHead {
    /// Five chin and jaw-line vertices that move with the jaw (`xform/jaw_keypoints_neutral.npy`).
    func jawKeypointIndices() -> [Int] {
        var used = Set<Int>()
        return [(0.0, -0.9), (0.3, -0.8), (-0.3, -0.8), (0.5, -0.6), (-0.5, -0.6)].map { x, y in
            let index = nearest(Self.surface(x, y), excluding: used)
            used.insert(index)
            return index
        }
    }

    /// Keypoint deltas `[F, N, 3]` for jaw opening `jaw[f]` in [0, 1] (14° at 1), about the same
    /// hinge as the jawOpen shape.
    static func jawKeypointDeltas(_ neutral: [Float], jaw: [Double]) -> [Float] {
        let hinge = SIMD3<Double>(0, -1, -3)
        var result: [Float] = []
        result.reserveCapacity(jaw.count * neutral.count)
        for opening in jaw {
            let angle = opening * 14 * .pi / 180
            for k in stride(from: 0, to: neutral.count, by: 3) {
                let p = SIMD3(Double(neutral[k]), Double(neutral[k + 1]), Double(neutral[k + 2]))
                let d = rotateX(p - hinge, angle) + hinge - p
                result += [Float(d.x), Float(d.y), Float(d.z)]
            }
        }
        return result
    }

    /// Vertices of the front of the face (`frontalMask`), every one with z > 40 % of the depth.
    func frontalMask() -> [Int32] {
        (0..<vertexCount).filter { position($0).z > 0.4 * Self.radii.z }.map { Int32($0) }
    }

    /// The guide's three vertex lists, picked as the nearest distinct vertices to lid and lip lines.
    func vertexLists() -> (eyes: UpperLowerVertexList, lips: UpperLowerVertexList, lipSize: LipSizeVertexList) {
        var used = Set<Int>()
        // Each vertex is picked within a horizontal band, so upper ones lie above lower ones even on
        // a coarse mesh.
        func pick(_ point: SIMD3<Double>, band: ClosedRange<Double>) -> Int {
            let index = nearest(point, excluding: used) { band.contains($0.y) }
            used.insert(index)
            return index
        }
        let eyeUpper = [Self.leftEye, Self.rightEye].map { pick($0 + SIMD3(0, 1.2, 0), band: $0.y...($0.y + 3)) }
        let eyeLower = [Self.leftEye, Self.rightEye].map { pick($0 - SIMD3(0, 1.2, 0), band: ($0.y - 3)...$0.y) }
        let xs: [Double] = [-2, -1, 0, 1, 2]
        let y = Self.mouth.y
        let lipUpper = xs.map { pick(Self.mouth + SIMD3($0, 1.0, 0), band: y...(y + 1.8)) }
        let lipLower = xs.map { pick(Self.mouth + SIMD3($0, -1.0, 0), band: (y - 1.8)...y) }
        let upperTop = xs.map { pick(Self.mouth + SIMD3($0, 2.6, 0), band: (y + 1.8)...(y + 5)) }
        let lowerBottom = xs.map { pick(Self.mouth + SIMD3($0, -2.6, 0), band: (y - 5)...(y - 1.8)) }
        return (UpperLowerVertexList(upper: eyeUpper, lower: eyeLower),
                UpperLowerVertexList(upper: lipUpper, lower: lipLower),
                LipSizeVertexList(upperLip: .init(top: upperTop, bottom: lipUpper), lowerLip: .init(top: lipLower, bottom: lowerBottom)))
    }
}
