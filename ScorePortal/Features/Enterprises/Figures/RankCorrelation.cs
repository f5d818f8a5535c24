namespace ScorePortal.Features.Enterprises.Figures;

/// <summary>The outcome of a rank correlation test over a group of people.</summary>
/// <param name="N">People in the group.</param>
/// <param name="R">Spearman's ρ; null when there are too few people or one variable does not vary.</param>
/// <param name="P">The two-sided p-value; null with <see cref="R"/>.</param>
public sealed record CorrelationResult(int N, double? R, double? P)
{
    /// <summary>Below this many people the figures say "too few people" and give no coefficient.</summary>
    public const int MinimumPeople = 30;

    public const double Alpha = 0.05;

    public bool TooFew => N < MinimumPeople;

    /// <summary>Enough people, but every one has the same level or the same performance: nothing to rank.</summary>
    public bool NoVariation => !TooFew && R is null;

    public bool Significant => P is { } p && p < Alpha;
}

/// <summary>
/// Spearman's rank correlation: Pearson's correlation of the ranks, ties given the average of the ranks they span, and
/// its p-value by the t approximation t = r·√((n − 2)/(1 − r²)) with n − 2 degrees of freedom (as scipy's
/// <c>spearmanr</c> computes it), which is fair from about 30 people on; below that no figure is given.
/// </summary>
public static class RankCorrelation
{
    /// <summary>1-based ranks; tied values share the mean of the ranks they occupy (1, 2.5, 2.5, 4).</summary>
    public static double[] AverageRanks(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]]) end++;
            var rank = (start + end) / 2.0 + 1;
            for (var k = start; k <= end; k++) ranks[order[k]] = rank;
            start = end + 1;
        }
        return ranks;
    }

    /// <summary>Spearman's ρ of two equally long series; null when either is constant (or shorter than 2).</summary>
    public static double? Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count) throw new ArgumentException("The series differ in length.", nameof(y));
        return Pearson(AverageRanks(x), AverageRanks(y));
    }

    /// <summary>ρ and its two-sided p-value, or only the count when the group has fewer than <see cref="CorrelationResult.MinimumPeople"/>.</summary>
    public static CorrelationResult Test(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        var n = x.Count;
        if (n < CorrelationResult.MinimumPeople) return new CorrelationResult(n, null, null);
        if (Spearman(x, y) is not { } r) return new CorrelationResult(n, null, null);
        return new CorrelationResult(n, r, PValue(r, n));
    }

    /// <summary>Two-sided p of ρ over n people (t approximation); 0 for a perfect correlation.</summary>
    public static double PValue(double r, int n)
    {
        if (n < 3) throw new ArgumentOutOfRangeException(nameof(n), "A p-value needs at least 3 people.");
        var oneMinusR2 = 1 - r * r;
        if (oneMinusR2 <= 0) return 0;
        var t = r * Math.Sqrt((n - 2) / oneMinusR2);
        return StudentT.TwoSidedP(t, n - 2);
    }

    private static double? Pearson(double[] x, double[] y)
    {
        if (x.Length < 2) return null;
        var mx = x.Average();
        var my = y.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < x.Length; i++)
        {
            var dx = x[i] - mx;
            var dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        if (sxx == 0 || syy == 0) return null;
        return Math.Clamp(sxy / Math.Sqrt(sxx * syy), -1, 1);
    }
}
