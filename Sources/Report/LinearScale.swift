import Foundation

/// Maps a domain of values onto a range of pixels, linearly; `ticks` gives round numbers across it.
public struct LinearScale: Sendable, Equatable {
    public let domain: ClosedRange<Double>
    public let range: ClosedRange<Double>
    /// Whether the range runs the other way (screen y grows downwards).
    public let inverted: Bool

    /// `domain` widened to a non-empty, finite interval.
    public init(domain: ClosedRange<Double>, range: ClosedRange<Double>, inverted: Bool = false) {
        var low = domain.lowerBound.isFinite ? domain.lowerBound : 0, high = domain.upperBound.isFinite ? domain.upperBound : 1
        if high <= low { low -= 0.5; high = low + 1 }
        self.domain = low...high
        self.range = range
        self.inverted = inverted
    }

    /// The smallest domain holding `values` (finite ones), with `padding` of its span on each side.
    public static func extent(_ values: [Double], including extra: [Double] = [], padding: Double = 0.05) -> ClosedRange<Double> {
        let finite = (values + extra).filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else { return 0...1 }
        let span = max(high - low, abs(high) * 1e-9, 1e-12)
        return (low - padding * span)...(high + padding * span)
    }

    public func callAsFunction(_ value: Double) -> Double {
        let t = (value - domain.lowerBound) / (domain.upperBound - domain.lowerBound)
        let span = range.upperBound - range.lowerBound
        return inverted ? range.upperBound - t * span : range.lowerBound + t * span
    }

    /// Round numbers (1, 2 or 5 × 10ⁿ apart) inside the domain, about `count` of them.
    public func ticks(_ count: Int = 5) -> [Double] {
        let span = domain.upperBound - domain.lowerBound
        guard span > 0, span.isFinite, count > 0 else { return [] }
        let raw = span / Double(count)
        let exponent = Int(floor(log10(raw)))
        let multiple = [1.0, 2, 5, 10].first { $0 * pow(10, Double(exponent)) >= raw } ?? 10
        // Each tick as a whole number of steps, scaled by a power of ten in one operation: 3 × 0.2 would be 0.6000000000000001.
        func value(_ k: Double) -> Double { exponent < 0 ? k * multiple / pow(10, Double(-exponent)) : k * multiple * pow(10, Double(exponent)) }
        let step = value(1)
        var values: [Double] = []
        var k = (domain.lowerBound / step).rounded(.up)
        while value(k) <= domain.upperBound + step * 1e-9, values.count < 100 {
            values.append(k == 0 ? 0 : value(k))
            k += 1
        }
        return values
    }
}

/// A tick's label: as few decimals as its step needs.
func tickLabel(_ value: Double, step: Double) -> String {
    let decimals = step >= 1 ? 0 : min(6, Int(ceil(-log10(step))))
    return String(format: "%.\(decimals)f", value)
}
