using System.Text;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Features.Enterprises.Figures;
using ScorePortal.Model;
using ScorePortal.Tests.Features.Batches;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Enterprises.Figures;

/// <summary>
/// One portal with published results of a small workforce, two enterprises and their consents, and enterprise A's
/// roster uploaded once through the use case:
/// <list type="bullet">
/// <item>研发中心: six employees sat qualification Q (two subjects, passes carry over two years); five passed both subjects,
/// one passed one subject only; a seventh passed another qualification their consent does not cover; an eighth passed
/// Q but revoked their consent after the upload.</item>
/// <item>财务部: two employees sat Q, one passed.</item>
/// <item>Rows whose consent was revoked, closed or expired before the upload, or given to enterprise B, or never given.</item>
/// </list>
/// Enterprise B has its own roster of two employees in "B 审计部".
/// </summary>
public sealed class FiguresFixture : IAsyncLifetime
{
    public const string Password = "Figures#2026pass";
    public const string MemberA = "figures-a@example.org";
    public const string MemberB = "figures-b@example.org";
    public const string MemberWithout = "figures-none@example.org";
    public const string BDepartment = "B 审计部";

    public DemoPortal Portal { get; } = new();

    public int EnterpriseA { get; private set; }
    public int EnterpriseB { get; private set; }
    public Qualification Covered { get; private set; } = null!;
    public Qualification NotCovered { get; private set; } = null!;
    public int ExamYear { get; private set; }

    /// <summary>Authenticator keys of the members (the one without an enterprise included).</summary>
    public Dictionary<string, string> Keys { get; } = [];

    public UploadRosterOutcome FirstUpload { get; private set; } = null!;

    /// <summary>The roster file enterprise A uploaded (UTF-8 with BOM).</summary>
    public byte[] RosterFileA { get; private set; } = [];

    public async Task InitializeAsync()
    {
        var services = Portal.Services;
        var data = new BatchTestData(Portal);
        ExamYear = BatchTestData.NewYear();
        var session = await data.PastSessionAsync(ExamYear, ExamHalf.H1);
        Covered = await data.NewQualificationAsync(validityYears: 2);
        NotCovered = await data.NewQualificationAsync(validityYears: 2);

        var rows = new List<BatchTestData.Row>();
        async Task<Candidate> SitAsync(Qualification q, string jc, string yy)
        {
            var candidate = await data.CandidateAsync();
            var registration = await data.RegisterAsync(candidate, session, q);
            rows.Add(BatchTestData.Result(registration, q, "JC", jc));
            rows.Add(BatchTestData.Result(registration, q, "YY", yy));
            return candidate;
        }

        var passed = new List<Candidate>();
        for (var i = 0; i < 5; i++) passed.Add(await SitAsync(Covered, "50", "52"));
        var partial = await SitAsync(Covered, "50", "30");
        var otherQualification = await SitAsync(NotCovered, "60", "60");
        var financePass = await SitAsync(Covered, "48", "47");
        var financeFail = await SitAsync(Covered, "30", "31");
        var revokedLater = await SitAsync(Covered, "70", "70");
        var b1 = await SitAsync(Covered, "70", "70");
        var b2 = await SitAsync(Covered, "20", "70");
        await data.PublishedAsync(session, [.. rows]);

        EnterpriseA = await EnterpriseTestData.EnterpriseAsync(services, "甲科技有限公司");
        EnterpriseB = await EnterpriseTestData.EnterpriseAsync(services, "乙审计有限公司");
        int[] both = [Covered.Id, NotCovered.Id];
        for (var i = 0; i < passed.Count; i++)
            await EnterpriseTestData.ConsentAsync(services, EnterpriseA, passed[i].Id, $"E{i + 1:D3}", both);
        await EnterpriseTestData.ConsentAsync(services, EnterpriseA, partial.Id, "E006", both);
        await EnterpriseTestData.ConsentAsync(services, EnterpriseA, otherQualification.Id, "E007", [Covered.Id]);
        await EnterpriseTestData.ConsentAsync(services, EnterpriseA, financePass.Id, "F001", both);
        await EnterpriseTestData.ConsentAsync(services, EnterpriseA, financeFail.Id, "F002", both);
        var later = await EnterpriseTestData.ConsentAsync(services, EnterpriseA, revokedLater.Id, "E008", both);
        var now = Portal.Clock.GetUtcNow();
        await EnterpriseTestData.ConsentAsync(services, EnterpriseA, passed[0].Id, "X-REVOKED", both, revoked: true);
        await EnterpriseTestData.ConsentAsync(services, EnterpriseA, passed[1].Id, "X-CLOSED", both, closed: true);
        await EnterpriseTestData.ConsentAsync(services, EnterpriseA, passed[2].Id, "X-EXPIRED", both, expiresAt: now.AddMinutes(-1));
        await EnterpriseTestData.ConsentAsync(services, EnterpriseB, b1.Id, "X-OTHER", both);
        await EnterpriseTestData.ConsentAsync(services, EnterpriseB, b2.Id, "B002", both);

        RosterFileA = [.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(
            "employee_id,department,performance,years_of_service\n" +
            "E001,研发中心,81,1\nE002,研发中心,77,1\nE003,研发中心,90,1.5\nE004,研发中心,85,0.5\nE005,研发中心,70,1\n" +
            "e006,研发中心,66,1\nE007,研发中心,75,3\nF001,财务部,80,12\nF002,财务部,60,15\nE008,研发中心,88,2\n" +
            "X-REVOKED,研发中心,80,1\nX-CLOSED,研发中心,80,1\nX-EXPIRED,研发中心,80,1\nX-OTHER,研发中心,80,1\nX-NONE,研发中心,80,1\n")];
        FirstUpload = await services.GetRequiredService<UploadRoster>()
            .HandleAsync(new UploadRosterRequest(EnterpriseA, "figures-test", RosterFileA, null));
        await EnterpriseTestData.RevokeAsync(services, later);

        await services.GetRequiredService<UploadRoster>().HandleAsync(new UploadRosterRequest(EnterpriseB, "figures-test",
            Encoding.UTF8.GetBytes($"employee_id,department\nX-OTHER,{BDepartment}\nB002,{BDepartment}\n"), null));

        Keys[MemberA] = (await EnterpriseTestData.MemberAsync(services, EnterpriseA, MemberA, Password))!;
        Keys[MemberB] = (await EnterpriseTestData.MemberAsync(services, EnterpriseB, MemberB, Password))!;
        Keys[MemberWithout] = (await EnterpriseTestData.MemberAsync(services, null, MemberWithout, Password))!;
    }

    public async Task DisposeAsync() => await Portal.DisposeAsync();
}
