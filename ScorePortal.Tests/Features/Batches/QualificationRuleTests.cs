using ScorePortal.Model;

namespace ScorePortal.Tests.Features.Batches;

public sealed class QualificationRuleTests
{
    private static readonly int[] Subjects = [1, 2, 3];

    private static QualificationSitting Sat(int session, int year, ExamHalf half, params int[] passed) => new(session, year, half, passed);

    [Fact]
    public void All_subjects_in_one_sitting_pass_under_either_rule()
    {
        Assert.Equal(10, QualificationRule.PassedIn(Subjects, 1, [Sat(10, 2025, ExamHalf.H1, 1, 2, 3)]));
        Assert.Equal(10, QualificationRule.PassedIn(Subjects, 2, [Sat(10, 2025, ExamHalf.H1, 1, 2, 3)]));
    }

    [Fact]
    public void Two_year_rule_carries_passes_into_the_next_exam_year_but_not_further()
    {
        Assert.Equal(11, QualificationRule.PassedIn(Subjects, 2, [Sat(10, 2024, ExamHalf.H2, 1, 2), Sat(11, 2025, ExamHalf.H1, 3)]));
        Assert.Null(QualificationRule.PassedIn(Subjects, 2, [Sat(10, 2024, ExamHalf.H1, 1, 2), Sat(12, 2026, ExamHalf.H1, 3)]));
        Assert.Null(QualificationRule.PassedIn(Subjects, 1, [Sat(10, 2025, ExamHalf.H1, 1, 2), Sat(11, 2025, ExamHalf.H2, 3)]));
    }

    [Fact]
    public void The_earliest_completing_session_counts_whatever_the_order_given()
    {
        var sittings = new[] { Sat(13, 2026, ExamHalf.H1, 1, 2, 3), Sat(11, 2025, ExamHalf.H1, 1, 3), Sat(12, 2025, ExamHalf.H2, 2) };

        Assert.Equal(12, QualificationRule.PassedIn(Subjects, 2, sittings));
    }

    [Fact]
    public void A_later_sitting_without_passes_does_not_complete_the_qualification()
    {
        Assert.Null(QualificationRule.PassedIn(Subjects, 2, [Sat(10, 2025, ExamHalf.H1, 1), Sat(11, 2025, ExamHalf.H2)]));
        Assert.Null(QualificationRule.PassedIn([], 2, [Sat(10, 2025, ExamHalf.H1, 1)]));
    }

    [Theory]
    [InlineData(ScoreStatus.Normal, "45", true)]
    [InlineData(ScoreStatus.Normal, "44.5", false)]
    [InlineData(ScoreStatus.Absent, null, false)]
    [InlineData(ScoreStatus.Voided, "60", false)]
    public void A_pass_needs_a_normal_status_and_the_pass_line(ScoreStatus status, string? score, bool passes) =>
        Assert.Equal(passes, QualificationRule.IsPass(status, score is null ? null : decimal.Parse(score, System.Globalization.CultureInfo.InvariantCulture), 45m));

    [Fact]
    public void Certificate_number_is_RK_the_release_date_in_China_and_six_digits()
    {
        // 2026-01-09 17:00 UTC is already 10 January in Beijing.
        var releaseAt = new DateTimeOffset(2026, 1, 9, 17, 0, 0, TimeSpan.Zero);

        Assert.Equal("RK20260110000042", QualificationRule.CertificateNumber(releaseAt, 42));
        Assert.Equal(42, QualificationRule.SequenceOf("RK20260110000042", "RK20260110"));
        Assert.Equal(0, QualificationRule.SequenceOf(null, "RK20260110"));
    }
}
