using System.Globalization;
using System.Text;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using ScorePortal.Features.Enterprises.Figures;
using ScorePortal.Features.Results;
using ScorePortal.Model;

namespace ScorePortal.Tests.Features.Enterprises.Figures;

/// <summary>The published tables hide every group of fewer than five people, and the figures derived from one.</summary>
public sealed class SuppressionTests
{
    private static readonly QualificationLabel Senior = new(1, "S03", "系统架构设计师", "System Architect", "高级资格", "Senior", 3);
    private static readonly QualificationLabel Middle = new(2, "M01", "软件设计师", "Software Designer", "中级资格", "Intermediate", 2);
    private static readonly Dictionary<int, QualificationLabel> Labels = new() { [1] = Senior, [2] = Middle };
    private static readonly Sitting Next = new(2026, ExamHalf.H2);
    private static readonly CultureInfo ZhCn = CultureInfo.GetCultureInfo("zh-CN");

    private static IEnumerable<PersonFacts> People(string department, int count, int qualificationId, bool passed, Sitting? lapse = null,
        decimal? years = null, decimal? performance = null) =>
        Enumerable.Range(0, count).Select(_ => new PersonFacts(department, performance, years,
            [new QualificationFacts(qualificationId, Sat: true, Passed: passed, lapse)]));

    private static FiguresView Build(IEnumerable<PersonFacts> people, bool performance = false, bool years = false) =>
        FiguresBuilder.Build([.. people], Labels, Next, null, performance, years);

    [Fact]
    public void Counts_under_five_read_as_less_than_five_and_so_does_every_rate_over_them()
    {
        var view = Build([
            .. People("研发", 6, 1, passed: true), .. People("研发", 4, 1, passed: false), // 10 sat, 6 passed
            .. People("财务", 3, 1, passed: true), // 3 sat: the whole row is small
            .. People("市场", 8, 1, passed: true), .. People("市场", 2, 1, passed: false).Select(p => p), // 10 sat, 8 passed
            .. People("测试", 5, 2, passed: false), .. People("测试", 2, 2, passed: true), // 7 sat, 2 passed: rate derived from "<5"
        ]);

        var rows = view.PassRates.ToDictionary(r => (r.Department, r.Qualification.Code));
        Assert.Equal(("10", "6", "60.0%"), Texts(rows[("研发", "S03")]));
        Assert.Equal(("<5", "<5", "<5"), Texts(rows[("财务", "S03")]));
        Assert.Equal(("10", "8", "80.0%"), Texts(rows[("市场", "S03")]));
        Assert.Equal(("7", "<5", "<5"), Texts(rows[("测试", "M01")]));
        Assert.Null(rows[("测试", "M01")].Rate.Value);
        Assert.Null(rows[("财务", "S03")].Sat.Value);
    }

    [Fact]
    public void The_certificate_total_is_hidden_when_it_would_give_one_small_department_away()
    {
        // S03 holders: 6 + 8 + 3 = 17; with 研发 and 市场 shown, 17 would reveal 财务's 3.
        var view = Build([
            .. People("研发", 6, 1, passed: true), .. People("研发", 4, 1, passed: false),
            .. People("财务", 3, 1, passed: true),
            .. People("市场", 8, 1, passed: true),
            .. People("测试", 7, 2, passed: true), // M01: one department only, nothing to subtract
        ]);

        var holders = view.Certificates.ToDictionary(c => c.Qualification.Code, c => c.Holders);
        Assert.Equal(FigureState.Hidden, holders["S03"].State);
        Assert.Equal("—", holders["S03"].Text(ZhCn));
        Assert.Equal(7, holders["M01"].Value);
        // Seniors first.
        Assert.Equal(["S03", "M01"], view.Certificates.Select(c => c.Qualification.Code));
    }

    [Fact]
    public void With_two_small_departments_the_total_stays_and_with_none_it_is_a_plain_sum()
    {
        var two = Build([.. People("A", 10, 1, passed: true), .. People("B", 2, 1, passed: true), .. People("C", 2, 1, passed: true)]);
        Assert.Equal(14, Assert.Single(two.Certificates).Holders.Value);

        var none = Build([.. People("A", 10, 1, passed: true), .. People("B", 6, 1, passed: true)]);
        Assert.Equal(16, Assert.Single(none.Certificates).Holders.Value);

        var few = Build([.. People("A", 4, 1, passed: true)]);
        Assert.Equal("<5", Assert.Single(few.Certificates).Holders.Text(ZhCn));
    }

    [Fact]
    public void Partial_passes_are_grouped_by_the_sitting_they_lapse_after_and_small_groups_read_less_than_five()
    {
        var view = Build([
            .. People("研发", 5, 1, passed: false, lapse: Next),
            .. People("研发", 2, 1, passed: false, lapse: new Sitting(2027, ExamHalf.H2)),
            .. People("研发", 3, 1, passed: false), // failed, nothing carried
        ]);

        Assert.Collection(view.Lapses,
            r => Assert.Equal(("研发", "S03", Next, true, "5"), (r.Department, r.Qualification.Code, r.LapsesAfter, r.AtNextSitting, r.People.Text(ZhCn))),
            r => Assert.Equal((new Sitting(2027, ExamHalf.H2), false, "<5"), (r.LapsesAfter, r.AtNextSitting, r.People.Text(ZhCn))));
    }

    [Fact]
    public void Years_of_service_bands_suppress_small_bands_and_their_rates()
    {
        var view = Build([
            .. People("A", 6, 1, passed: true, years: 1), .. People("A", 4, 1, passed: false, years: 1.9m), // <2: 10 sat, 6 passed
            .. People("A", 3, 1, passed: true, years: 3), // 2–5: 3
            .. People("A", 5, 1, passed: false, years: 12), .. People("A", 5, 1, passed: true, years: 10), // ≥10: 10 sat, 5 passed
        ], years: true);

        Assert.Equal(
            [("0–2", "10", "6", "60.0%"), ("2–5", "<5", "<5", "<5"), ("5–10", "<5", "<5", "<5"), ("≥ 10", "10", "5", "50.0%")],
            view.Talent.Bands.Select(b => (b.Band.Label, b.Sat.Text(ZhCn), b.Passed.Text(ZhCn), b.Rate.Text(ZhCn))));
        Assert.Null(view.Talent.Correlation);
    }

    [Fact]
    public void The_highest_level_held_is_the_level_of_the_best_consented_certificate_or_none()
    {
        var both = new PersonFacts("A", 80, null, [new QualificationFacts(1, true, true, null), new QualificationFacts(2, true, true, null)]);
        var middleOnly = new PersonFacts("A", 80, null, [new QualificationFacts(1, true, false, null), new QualificationFacts(2, true, true, null)]);
        var unknownQualification = new PersonFacts("A", 80, null, [new QualificationFacts(99, true, true, null)]);

        Assert.Equal(3, FiguresBuilder.HighestLevel(both, Labels));
        Assert.Equal(2, FiguresBuilder.HighestLevel(middleOnly, Labels));
        Assert.Equal(0, FiguresBuilder.HighestLevel(unknownQualification, Labels));
    }

    [Fact]
    public void The_talent_model_says_too_few_people_below_thirty()
    {
        var view = Build(People("A", 29, 1, passed: true, performance: 80), performance: true);

        Assert.True(view.Talent.Correlation!.TooFew);
        Assert.Equal(29, view.Talent.Correlation.N);
    }

    [Fact]
    public void The_export_applies_the_same_suppression_and_starts_with_a_bom()
    {
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("zh-CN");
        var view = Build([
            .. People("研发", 6, 1, passed: true), .. People("研发", 4, 1, passed: false),
            .. People("财务", 3, 1, passed: true), .. People("=HYPERLINK(\"x\")", 8, 1, passed: true),
        ]);

        var bytes = FiguresCsv.Write(view, Texts());
        var text = Encoding.UTF8.GetString(bytes.AsSpan(3));

        Assert.Equal(Encoding.UTF8.Preamble.ToArray(), bytes[..3]);
        Assert.Contains("研发,S03,系统架构设计师,10,6,0.6000", text);
        Assert.Contains("财务,S03,系统架构设计师,<5,<5,<5", text);
        // A formula-looking department is written as text, not as a formula.
        Assert.DoesNotContain("\n=HYPERLINK", text);
        Assert.DoesNotContain(",3,", text);
        Assert.Contains("高级资格,S03,系统架构设计师,—", text);
    }

    [Theory]
    [InlineData("2026-03-01", 2026, ExamHalf.H1)]
    [InlineData("2026-06-15", 2026, ExamHalf.H2)]
    [InlineData("2026-12-01", 2027, ExamHalf.H1)]
    public void The_next_sitting_follows_the_calendar_when_the_catalog_has_nothing_sooner(string date, int year, ExamHalf half)
    {
        var now = new DateTimeOffset(DateOnly.Parse(date, CultureInfo.InvariantCulture).ToDateTime(new TimeOnly(12, 0)), TimeSpan.FromHours(8));

        Assert.Equal(new Sitting(year, half), DepartmentFigures.NextSitting(now, []));
    }

    [Fact]
    public void A_scheduled_session_whose_exam_has_not_begun_is_the_next_sitting()
    {
        var now = new DateTimeOffset(2026, 5, 2, 12, 0, 0, TimeSpan.FromHours(8));
        var may = new SessionInfo(1, "2026H1", 2026, ExamHalf.H1, "", "", new DateOnly(2026, 5, 23), new DateOnly(2026, 5, 24), now.AddMonths(2), null);
        var last = new SessionInfo(2, "2025H2", 2025, ExamHalf.H2, "", "", new DateOnly(2025, 11, 8), new DateOnly(2025, 11, 9), now.AddMonths(-4), now.AddMonths(-4));

        Assert.Equal(new Sitting(2026, ExamHalf.H1), DepartmentFigures.NextSitting(now, [may, last]));
        Assert.Equal(new Sitting(2026, ExamHalf.H2), DepartmentFigures.NextSitting(now.AddDays(30), [may, last]));
    }

    private static (string, string, string) Texts(PassRateRow row) =>
        (row.Sat.Text(ZhCn), row.Passed.Text(ZhCn), row.Rate.Text(ZhCn));

    private static IStringLocalizer Texts()
    {
        var factory = new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions { ResourcesPath = "Resources" }),
            Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        return factory.Create(typeof(ScorePortal.SharedResource));
    }
}
