/// Sums over long runs of samples in four independent lanes: a single running sum is one chain of
/// dependent additions, which no compiler may reorder, so it runs at one addition per latency.
/// The lanes change only the rounding (the order of additions), never what is summed.
public enum Summation {
    /// `Σ x²` over `values[range]`, each value widened to Double first.
    static func sumOfSquares(_ values: UnsafeBufferPointer<Float>, _ range: Range<Int>) -> Double {
        guard let base = values.baseAddress, !range.isEmpty else { return 0 }
        var lanes = SIMD4<Double>.zero
        var i = range.lowerBound
        while i + 4 <= range.upperBound {
            let x = SIMD4<Double>(Double(base[i]), Double(base[i + 1]), Double(base[i + 2]), Double(base[i + 3]))
            lanes += x * x
            i += 4
        }
        var sum = lanes.sum()
        while i < range.upperBound {
            let x = Double(base[i])
            sum += x * x
            i += 1
        }
        return sum
    }

    /// `Σₖ (values[a + k] − values[b + k])²` for k in 0..<count (both runs in bounds), each value
    /// widened to Double first: the squared distance between two rows of one array.
    public static func squaredDistance(_ values: UnsafeBufferPointer<Float>, _ a: Int, _ b: Int, count: Int) -> Double {
        guard let base = values.baseAddress, count > 0 else { return 0 }
        let x = base + a, y = base + b
        var lanes = SIMD4<Double>.zero
        var k = 0
        while k + 4 <= count {
            let d = SIMD4<Double>(Double(x[k]), Double(x[k + 1]), Double(x[k + 2]), Double(x[k + 3]))
                - SIMD4<Double>(Double(y[k]), Double(y[k + 1]), Double(y[k + 2]), Double(y[k + 3]))
            lanes += d * d
            k += 4
        }
        var sum = lanes.sum()
        while k < count {
            let d = Double(x[k]) - Double(y[k])
            sum += d * d
            k += 1
        }
        return sum
    }

    /// `Σᵢ a[i]·b[i + shift]` for i in `range` (both in bounds).
    static func dot(_ a: UnsafeBufferPointer<Double>, _ b: UnsafeBufferPointer<Double>, shift: Int, _ range: Range<Int>) -> Double {
        guard let pa = a.baseAddress, let pb = b.baseAddress, !range.isEmpty else { return 0 }
        var lanes = SIMD4<Double>.zero
        var i = range.lowerBound
        while i + 4 <= range.upperBound {
            let x = SIMD4<Double>(pa[i], pa[i + 1], pa[i + 2], pa[i + 3])
            let y = SIMD4<Double>(pb[i + shift], pb[i + shift + 1], pb[i + shift + 2], pb[i + shift + 3])
            lanes += x * y
            i += 4
        }
        var sum = lanes.sum()
        while i < range.upperBound {
            sum += pa[i] * pb[i + shift]
            i += 1
        }
        return sum
    }

    /// The `k`-th smallest of `values` (0-based, `0 ≤ k < values.count`): what `values.sorted()[k]`
    /// gives, found by selection in linear expected time instead of a sort.
    static func orderStatistic(_ values: [Double], _ k: Int) -> Double {
        precondition(k >= 0 && k < values.count, "order statistic \(k) of \(values.count) values")
        var v = values
        var lo = 0, hi = v.count - 1
        while lo < hi {
            // Median of three as the pivot, then a three-way partition (ties are common: equal scores).
            let mid = lo + (hi - lo) / 2
            let pivot = Swift.max(Swift.min(v[lo], v[mid]), Swift.min(Swift.max(v[lo], v[mid]), v[hi]))
            var lt = lo, i = lo, gt = hi
            while i <= gt {
                if v[i] < pivot { v.swapAt(lt, i); lt += 1; i += 1 }
                else if v[i] > pivot { v.swapAt(i, gt); gt -= 1 }
                else { i += 1 }
            }
            if k < lt { hi = lt - 1 } else if k > gt { lo = gt + 1 } else { return pivot }
        }
        return v[lo]
    }
}
