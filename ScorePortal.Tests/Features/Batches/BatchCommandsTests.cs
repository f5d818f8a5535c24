using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Model;
using ScorePortal.Operations;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Batches.BatchTestData;

namespace ScorePortal.Tests.Features.Batches;

/// <summary>The command-line verbs exam centers script, run through the same delegates as <c>dotnet run -- approve …</c>.</summary>
public sealed class BatchCommandsTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private const string Admin = "admin@scoreportal.demo";
    private const string Admin2 = "admin2@scoreportal.demo";

    private readonly BatchTestData _data = new(portal);

    /// <summary>Runs a command as a script would; an admin named by --user gets its current authenticator code added.</summary>
    private async Task<(int ExitCode, string Output)> RunAsync(string name, params string[] args)
    {
        var user = Array.IndexOf(args, "--user") is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        if (user is Admin or Admin2 && !args.Contains("--code")) args = [.. args, "--code", await Authenticators.NextCodeAsync(portal, user)];
        return await RunAsIsAsync(name, args);
    }

    private async Task<(int ExitCode, string Output)> RunAsIsAsync(string name, params string[] args)
    {
        var command = portal.Services.GetServices<PortalCommand>().Single(c => c.Name == name);
        await using var scope = portal.Services.CreateAsyncScope();
        using var output = new StringWriter();
        var exitCode = await command.RunAsync(scope.ServiceProvider, new CommandArguments(args), output);
        return (exitCode, output.ToString());
    }

    private async Task<(ResultBatch Batch, ExamSession Session)> StagedByAsync(string importerEmail)
    {
        var session = await _data.SessionAsync(NewYear(), ExamHalf.H2, portal.Clock.GetUtcNow().AddDays(5));
        var m01 = await _data.QualificationAsync("M01");
        var candidate = await _data.CandidateAsync();
        var registration = await _data.RegisterAsync(candidate, session, m01);
        var batch = await _data.StageAsync(session, await _data.UserIdAsync(importerEmail),
            Result(registration, m01, "JC", "55"), Result(registration, m01, "YY", "49"));
        return (batch, session);
    }

    [Fact]
    public async Task Command_line_enforces_the_two_person_rule_by_email_from_approval_to_publication()
    {
        using var english = new CultureScope("en-US");
        var (batch, session) = await StagedByAsync(Admin);
        var id = batch.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var self = await RunAsync("approve", "--batch", id, "--user", Admin);
        var wrongPrint = await RunAsync("approve", "--batch", id, "--user", Admin2, "--fingerprint", new string('a', 64));
        var approved = await RunAsync("approve", "--batch", id, "--user", Admin2, "--fingerprint", batch.Fingerprint);
        var publishBySelf = await RunAsync("publish", "--batch", id, "--user", Admin);
        var published = await RunAsync("publish", "--batch", id, "--user", Admin2);

        Assert.Equal(1, self.ExitCode);
        Assert.Contains("another administrator must approve", self.Output);
        Assert.Equal(1, wrongPrint.ExitCode);
        Assert.Contains("fingerprint does not match", wrongPrint.Output);
        Assert.Equal(0, approved.ExitCode);
        Assert.Contains($"batch={id} status=Approved fingerprint={batch.Fingerprint}", approved.Output);
        Assert.Equal(1, publishBySelf.ExitCode);
        Assert.Equal(0, published.ExitCode);
        Assert.Contains("The batch was published: 2 scores are live, 1 certificates issued, 0 revoked.", published.Output);
        Assert.Contains("The release time was brought forward", published.Output);
        var stored = await _data.BatchAsync(batch.Id);
        Assert.Equal(ResultBatchStatus.Published, stored.Status);
        Assert.Equal(await _data.UserIdAsync(Admin2), stored.ApprovedByUserId);
        Assert.Equal(await _data.UserIdAsync(Admin2), stored.PublishedByUserId);
        Assert.NotNull((await _data.ReloadAsync(session)).PublishedAt);
    }

    [Fact]
    public async Task Only_administrators_act_and_arguments_are_checked()
    {
        using var english = new CultureScope("en-US");
        var (batch, _) = await StagedByAsync(Admin);
        var id = batch.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var staff = await RunAsync("approve", "--batch", id, "--user", "staff.beijing@scoreportal.demo");
        var unknown = await RunAsync("approve", "--batch", id, "--user", "nobody@example.com");
        var noBatch = await RunAsync("approve", "--user", Admin2);
        var missing = await RunAsync("approve", "--batch", "999999", "--user", Admin2);
        var noReason = await RunAsync("reject", "--batch", id, "--user", Admin2);
        var rejected = await RunAsync("reject", "--batch", id, "--user", Admin2, "--reason", "Wrong session in the file");

        Assert.Equal((1, 1, 1, 1, 1, 0), (staff.ExitCode, unknown.ExitCode, noBatch.ExitCode, missing.ExitCode, noReason.ExitCode, rejected.ExitCode));
        Assert.Contains("is not an administrator", staff.Output);
        Assert.Contains("No account", unknown.Output);
        Assert.Contains("--batch", noBatch.Output);
        Assert.Contains("Result batch not found.", missing.Output);
        Assert.Contains("Give a reason", noReason.Output);
        Assert.Equal(ResultBatchStatus.Rejected, (await _data.BatchAsync(batch.Id)).Status);
    }

    [Fact]
    public async Task Batches_lists_a_session_with_fingerprints_and_the_emails_of_importer_and_approver()
    {
        using var english = new CultureScope("en-US");
        var (batch, session) = await StagedByAsync(Admin);
        await RunAsync("approve", "--batch", batch.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--user", Admin2);

        var listed = await RunAsync("batches", "--session", session.Code);
        var unknown = await RunAsync("batches", "--session", "1999H1");

        Assert.Equal(0, listed.ExitCode);
        var line = Assert.Single(listed.Output.Split('\n'), l => l.Contains(batch.Fingerprint));
        Assert.Contains(session.Code, line);
        Assert.Contains("Approved", line);
        Assert.Contains(Admin, line);
        Assert.Contains(Admin2, line);
        Assert.Equal(1, unknown.ExitCode);
    }

    [Fact]
    public async Task Every_command_speaks_the_language_of_lang_and_leaves_the_culture_as_it_was()
    {
        using var english = new CultureScope("en-US");

        var chinese = await RunAsync("reject", "--batch", "1", "--user", Admin2, "--lang", "zh-CN");
        var ambient = await RunAsync("reject", "--batch", "1", "--user", Admin2);

        Assert.StartsWith("请填写原因。", chinese.Output);
        Assert.StartsWith("Give a reason.", ambient.Output);
        Assert.Equal("en-US", System.Globalization.CultureInfo.CurrentUICulture.Name);
    }

    [Fact]
    public async Task Status_changing_commands_need_the_named_admins_current_authenticator_code()
    {
        using var english = new CultureScope("en-US");
        var (batch, _) = await StagedByAsync(Admin);
        var id = batch.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        const string unenrolled = "admin.without.authenticator@example.org";
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<ScorePortal.Model.ApplicationUser>>();
            var admin = new ScorePortal.Model.ApplicationUser { UserName = unenrolled, Email = unenrolled, EmailConfirmed = true };
            Assert.True((await users.CreateAsync(admin, portal.DemoPassword)).Succeeded);
            await users.AddToRoleAsync(admin, ScorePortal.Security.Roles.Admin);
        }
        var secret = await Authenticators.EnrollAsync(portal, Admin2);
        portal.Clock.Advance(TimeSpan.FromSeconds(30));
        var code = Authenticators.CodeAt(secret, portal.Clock.GetUtcNow());

        var withoutAuthenticator = await RunAsIsAsync("approve", "--batch", id, "--user", unenrolled, "--code", "123456");
        var withoutCode = await RunAsIsAsync("approve", "--batch", id, "--user", Admin2);
        var wrongCode = await RunAsIsAsync("approve", "--batch", id, "--user", Admin2, "--code", code == "000000" ? "111111" : "000000");
        var stillValidated = (await _data.BatchAsync(batch.Id)).Status;
        var approved = await RunAsIsAsync("approve", "--batch", id, "--user", Admin2, "--code", code);
        var replayed = await RunAsIsAsync("publish", "--batch", id, "--user", Admin2, "--code", code);

        Assert.Equal(1, withoutAuthenticator.ExitCode);
        Assert.Contains("has no authenticator enrolled", withoutAuthenticator.Output);
        Assert.Equal(1, withoutCode.ExitCode);
        Assert.Contains("--code", withoutCode.Output);
        Assert.Equal(1, wrongCode.ExitCode);
        Assert.Contains("wrong or was already used", wrongCode.Output);
        Assert.Equal(ResultBatchStatus.Validated, stillValidated);
        Assert.Equal(0, approved.ExitCode);
        Assert.Equal(1, replayed.ExitCode);
        Assert.Contains("wrong or was already used", replayed.Output);
        Assert.Equal(ResultBatchStatus.Approved, (await _data.BatchAsync(batch.Id)).Status);
    }

    [Fact]
    public async Task The_audit_entry_of_a_command_names_the_operating_system_user_who_ran_it()
    {
        var (batch, _) = await StagedByAsync(Admin);
        var id = batch.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(0, (await RunAsync("approve", "--batch", id, "--user", Admin2)).ExitCode);

        await using var db = _data.Db();
        var entry = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(
            db.AuditEntries.Where(e => e.Action == ScorePortal.Platform.Audit.AuditActions.BatchApprove && e.TargetId == id));
        using var data = System.Text.Json.JsonDocument.Parse(entry.DataJson);
        Assert.Equal(Environment.UserName, data.RootElement.GetProperty("osUser").GetString());
        Assert.Equal("cli", data.RootElement.GetProperty("channel").GetString());
        Assert.Equal("approve", data.RootElement.GetProperty("command").GetString());
        Assert.Equal(await _data.UserIdAsync(Admin2), entry.ActorUserId);
    }

    [Fact]
    public async Task Benchmark_scripts_get_a_demo_admins_secret_from_demo_authenticator_and_nobody_elses()
    {
        var printed = await RunAsIsAsync("demo-authenticator", "--user", Admin);
        var notDemo = await RunAsIsAsync("demo-authenticator", "--user", "someone.else@example.org");

        Assert.Equal(0, printed.ExitCode);
        Assert.Equal(await Authenticators.EnrollAsync(portal, Admin), printed.Output.Trim());
        Assert.Equal(2, notDemo.ExitCode);
    }

    private sealed class CultureScope : IDisposable
    {
        private readonly System.Globalization.CultureInfo _previous = System.Globalization.CultureInfo.CurrentUICulture;

        public CultureScope(string name) => System.Globalization.CultureInfo.CurrentUICulture = new System.Globalization.CultureInfo(name);

        public void Dispose() => System.Globalization.CultureInfo.CurrentUICulture = _previous;
    }
}
