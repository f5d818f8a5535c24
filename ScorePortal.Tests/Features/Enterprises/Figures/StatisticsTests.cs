using ScorePortal.Features.Enterprises.Figures;

namespace ScorePortal.Tests.Features.Enterprises.Figures;

/// <summary>
/// The talent model's statistics against reference values computed at 30 significant digits (mpmath's regularized
/// incomplete beta; the first Spearman case is scipy.stats.spearmanr's documented example).
/// </summary>
public sealed class StatisticsTests
{
    [Theory]
    [InlineData(2.0, 10, 0.073388034770740365618)]
    [InlineData(2.228138851986274, 10, 0.05)] // the two-sided 5% critical value of t(10)
    [InlineData(1.0, 1, 0.5)] // Cauchy: P(|T| ≥ 1) = 1/2
    [InlineData(0.5, 28, 0.62098204371906039082)]
    [InlineData(3.5, 28, 0.0015764721412354639893)]
    [InlineData(2.0, 100, 0.048212178731133679601)]
    [InlineData(0.1, 5, 0.92423014115466037028)]
    [InlineData(10, 3, 0.0021283990584141500574)]
    [InlineData(-2.5, 40, 0.016620352830979212925)]
    [InlineData(1e-6, 30, 0.99999920873563021194)]
    public void Two_sided_p_of_a_t_statistic_matches_the_reference(double t, double df, double expected) =>
        Assert.Equal(expected, StudentT.TwoSidedP(t, df), 1e-12);

    [Fact]
    public void A_far_tail_keeps_its_relative_precision()
    {
        var p = StudentT.TwoSidedP(40, 50);
        Assert.InRange(p / 1.2412423784372705586e-39, 1 - 1e-9, 1 + 1e-9);
    }

    [Fact]
    public void The_cdf_is_symmetric_and_a_half_at_zero()
    {
        Assert.Equal(0.5, StudentT.Cdf(0, 7), 1e-15);
        Assert.Equal(1 - 0.073388034770740365618 / 2, StudentT.Cdf(2.0, 10), 1e-12);
        Assert.Equal(0.073388034770740365618 / 2, StudentT.Cdf(-2.0, 10), 1e-12);
    }

    [Fact]
    public void Regularized_incomplete_beta_matches_the_reference_on_both_sides_of_its_switch()
    {
        Assert.Equal(0.3483, StudentT.RegularizedBeta(2, 3, 0.3), 1e-13); // below (a+1)/(a+b+2): the fraction itself
        Assert.Equal(0.99999999328971034789, StudentT.RegularizedBeta(0.5, 7.5, 0.9), 1e-13); // above: by symmetry
        Assert.Equal(0, StudentT.RegularizedBeta(2, 3, 0));
        Assert.Equal(1, StudentT.RegularizedBeta(2, 3, 1));
    }

    [Fact]
    public void Log_gamma_gives_factorials_and_the_square_root_of_pi()
    {
        Assert.Equal(Math.Log(120), StudentT.LogGamma(6), 1e-13);
        Assert.Equal(0.5 * Math.Log(Math.PI), StudentT.LogGamma(0.5), 1e-13);
        Assert.Equal(0, StudentT.LogGamma(1), 1e-14);
    }

    [Fact]
    public void Ties_share_the_average_of_the_ranks_they_span()
    {
        Assert.Equal([1, 2.5, 2.5, 4], RankCorrelation.AverageRanks([10, 20, 20, 30]));
        Assert.Equal([3, 1.5, 1.5, 5, 5, 5], RankCorrelation.AverageRanks([7, 1, 1, 9, 9, 9]));
    }

    [Fact]
    public void Spearman_with_a_tie_matches_scipys_documented_example()
    {
        double[] x = [1, 2, 3, 4, 5];
        double[] y = [5, 6, 7, 8, 7];

        var r = RankCorrelation.Spearman(x, y)!.Value;

        Assert.Equal(0.82078268166812327637, r, 1e-14);
        Assert.Equal(0.08858700531354387981, RankCorrelation.PValue(r, x.Length), 1e-12);
    }

    [Fact]
    public void Level_against_performance_over_32_people_with_many_ties_is_significant()
    {
        double[] levels = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 0, 1];
        double[] performance = [60, 72, 65, 70, 58, 80, 66, 71, 69, 75, 74, 70, 82, 68, 77, 79, 73, 70, 85, 80, 78, 88, 76, 90, 83, 86, 92, 79, 95, 84, 70, 70];

        var result = RankCorrelation.Test(levels, performance);

        Assert.Equal(32, result.N);
        Assert.Equal(0.78038811771372593312, result.R!.Value, 1e-12);
        Assert.Equal(1.3857007108662619391e-7, result.P!.Value, 1e-14);
        Assert.True(result.Significant);
        Assert.False(result.TooFew);
    }

    [Fact]
    public void A_weak_correlation_over_34_people_is_not_significant()
    {
        double[] levels = [1, 0, 2, 0, 0, 3, 0, 1, 3, 0, 3, 0, 0, 0, 2, 2, 0, 0, 0, 3, 2, 0, 3, 0, 0, 3, 0, 3, 3, 2, 0, 0, 0, 3];
        double[] performance = [68, 78, 86, 69, 94, 67, 96, 79, 95, 71, 66, 97, 96, 72, 83, 66, 95, 64, 96, 63, 99, 73, 91, 94, 87, 80, 89, 97, 89, 83, 79, 75, 71, 75];

        var result = RankCorrelation.Test(levels, performance);

        Assert.Equal(-0.096168260314827539562, result.R!.Value, 1e-12);
        Assert.Equal(0.58848371866433686946, result.P!.Value, 1e-12);
        Assert.False(result.Significant);
    }

    [Fact]
    public void Below_30_people_there_is_no_coefficient_and_no_p_value()
    {
        var levels = Enumerable.Range(0, 29).Select(i => (double)(i % 4)).ToArray();
        var performance = Enumerable.Range(0, 29).Select(i => (double)(i % 4) * 10 + i).ToArray();

        var result = RankCorrelation.Test(levels, performance);

        Assert.True(result.TooFew);
        Assert.Equal(29, result.N);
        Assert.Null(result.R);
        Assert.Null(result.P);
        Assert.False(result.Significant);
    }

    [Fact]
    public void Nobody_holding_a_certificate_is_no_variation_rather_than_a_coefficient()
    {
        var levels = new double[40];
        var performance = Enumerable.Range(0, 40).Select(i => (double)i).ToArray();

        var result = RankCorrelation.Test(levels, performance);

        Assert.True(result.NoVariation);
        Assert.Null(result.P);
    }

    [Fact]
    public void A_perfect_correlation_has_a_p_value_of_zero()
    {
        var x = Enumerable.Range(0, 30).Select(i => (double)i).ToArray();
        var result = RankCorrelation.Test(x, x.Select(v => v * 2 + 1).ToArray());
        Assert.Equal(1, result.R!.Value, 1e-15);
        Assert.Equal(0, result.P);
    }
}
