using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using ScorePortal.Account;
using ScorePortal.Data;
using ScorePortal.Localization;
using ScorePortal.Model;
using ScorePortal.Operations;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;

namespace ScorePortal.Features.Batches;

/// <summary>
/// <c>approve</c>, <c>reject</c>, <c>publish</c>, <c>retract</c> and <c>batches</c> for exam-center scripts: the same
/// use cases as the admin pages, acting as the admin named by <c>--user</c> (an email; the account must be an Admin
/// with an enrolled authenticator, proved by its current code in <c>--code</c>), so the two-person rule holds on the
/// command line too; the audit entries also name the operating-system user who ran the command. Exit code 0: done;
/// 1: refused or invalid arguments.
/// </summary>
public static class BatchCommands
{
    public static readonly PortalCommand Approve = new("approve",
        "Approve a validated result batch as a second admin: --batch ID --user EMAIL --code TOTP [--fingerprint HEX]", ApproveAsync);

    public static readonly PortalCommand Reject = new("reject",
        "Reject a validated result batch: --batch ID --user EMAIL --code TOTP --reason \"...\"", RejectAsync);

    public static readonly PortalCommand Publish = new("publish",
        "Publish an approved batch now (an announced release time still ahead moves to now): --batch ID --user EMAIL --code TOTP", PublishAsync);

    public static readonly PortalCommand Retract = new("retract",
        "Retract a published batch; earlier versions become current again: --batch ID --user EMAIL --code TOTP --reason \"...\"", RetractAsync);

    public static readonly PortalCommand List = new("batches",
        "List result batches (id, session, version, status, rows, fingerprint, importer, approver): [--session 2025H2]", ListAsync);

    public static IEnumerable<PortalCommand> All => [Approve, Reject, Publish, Retract, List];

    private static Task<int> ApproveAsync(IServiceProvider services, CommandArguments args, TextWriter output) =>
        RunAsync(services, args, output, reasonRequired: false, (user, batchId) =>
            services.GetRequiredService<ApproveBatch>().HandleAsync(new ApproveBatchRequest(batchId, user.Id, args.Get("fingerprint"))));

    private static Task<int> RejectAsync(IServiceProvider services, CommandArguments args, TextWriter output) =>
        RunAsync(services, args, output, reasonRequired: true, (user, batchId) =>
            services.GetRequiredService<RejectBatch>().HandleAsync(new RejectBatchRequest(batchId, user.Id, args.Get("reason"))));

    private static Task<int> PublishAsync(IServiceProvider services, CommandArguments args, TextWriter output) =>
        RunAsync(services, args, output, reasonRequired: false, (user, batchId) =>
            services.GetRequiredService<PublishBatch>().HandleAsync(new PublishBatchRequest(batchId, user.Id, PublishMode.Now)));

    private static Task<int> RetractAsync(IServiceProvider services, CommandArguments args, TextWriter output) =>
        RunAsync(services, args, output, reasonRequired: true, (user, batchId) =>
            services.GetRequiredService<RetractBatch>().HandleAsync(new RetractBatchRequest(batchId, user.Id, args.Get("reason"))));

    private static async Task<int> RunAsync(IServiceProvider services, CommandArguments args, TextWriter output, bool reasonRequired,
        Func<ApplicationUser, int, Task<BatchActionResult>> action)
    {
        var L = services.GetRequiredService<IStringLocalizer<SharedResource>>();
        if (!int.TryParse(args.Get("batch"), NumberStyles.None, CultureInfo.InvariantCulture, out var batchId))
        {
            output.WriteLine("--batch <id> is required (see `batches` for the ids).");
            return 1;
        }
        if (reasonRequired && string.IsNullOrWhiteSpace(args.Get("reason")))
        {
            output.WriteLine(L[BatchErrors.ReasonRequired] + " (--reason \"...\")");
            return 1;
        }
        var (user, problem) = await AuthorizeAdminAsync(services, args.Get("user"), args.Get("code"));
        if (user is null)
        {
            output.WriteLine(problem);
            return 1;
        }

        var result = await action(user, batchId);
        if (!result.Succeeded)
        {
            output.WriteLine(L[result.ErrorKey!]);
            output.WriteLine(Describe(result));
            return 1;
        }

        output.WriteLine(result.Status switch
        {
            ResultBatchStatus.Approved => L["Batches.Done.Approved"],
            ResultBatchStatus.Rejected => L["Batches.Done.Rejected"],
            ResultBatchStatus.Published => L["Batches.Done.Published", result.Scores, result.Outcomes.Issued, result.Outcomes.Revoked],
            _ => L["Batches.Done.Retracted", result.Scores, result.Outcomes.Issued, result.Outcomes.Revoked],
        });
        if (result.ReleaseMovedFrom is { } from && result.ReleaseAt is { } to)
            output.WriteLine(L["Batches.Done.ReleaseMoved", PortalFormat.DateTime(from), PortalFormat.DateTime(to)]);
        output.WriteLine(Describe(result));
        return 0;
    }

    private static string Describe(BatchActionResult result) =>
        MachineLine(result.BatchId, result.Status, result.Fingerprint, result.ErrorKey);

    /// <summary>
    /// The last line of every batch command (import included), for scripts: <c>batch=… status=… fingerprint=…</c>,
    /// with <c>error=…</c> (a resource key) when refused; <c>-</c> stands for "none".
    /// </summary>
    internal static string MachineLine(int? batchId, ResultBatchStatus? status, string? fingerprint, string? error) =>
        string.Create(CultureInfo.InvariantCulture,
            $"batch={(batchId is { } id ? id.ToString(CultureInfo.InvariantCulture) : "-")} status={status?.ToString() ?? "-"} fingerprint={fingerprint ?? "-"}{(error is { } e ? " error=" + e : "")}");

    /// <summary>
    /// The admin a status-changing command acts as: the account named by <c>--user</c> must be an Admin with an enrolled
    /// authenticator, and <c>--code</c> must be its current code (a used time step is refused, wrong codes count towards
    /// the account's lockout like at sign-in). Knowing an admin's email is not enough to act in their name.
    /// </summary>
    internal static async Task<(ApplicationUser? User, string Problem)> AuthorizeAdminAsync(IServiceProvider services, string? email, string? code)
    {
        var L = services.GetRequiredService<IStringLocalizer<SharedResource>>();
        if (string.IsNullOrWhiteSpace(email)) return (null, "--user <admin email> is required: the action is recorded under that account.");
        var users = services.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByEmailAsync(email.Trim());
        if (user is null) return (null, $"No account with the email {email.Trim()}.");
        if (!await users.IsInRoleAsync(user, Roles.Admin)) return (null, $"{email.Trim()} is not an administrator.");
        if (!await users.GetTwoFactorEnabledAsync(user)) return (null, L["Batches.Cli.NoAuthenticator", email.Trim()]);
        if (string.IsNullOrWhiteSpace(code)) return (null, L["Batches.Cli.CodeRequired"]);

        var audit = services.GetRequiredService<AuditLog>();
        string result;
        if (await users.IsLockedOutAsync(user)) result = "locked-out";
        else if (await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, OtpNetAuthenticatorTokenProvider.Normalize(code)))
            result = "success";
        else
        {
            await users.AccessFailedAsync(user);
            result = "wrong-or-reused-code";
        }
        await audit.WriteDurableAsync(new AuditRecord(AuditActions.CommandSecondFactor, ActorUserId: user.Id, ActorRole: Roles.Admin,
            TargetType: "user", TargetId: user.Id, Data: new Dictionary<string, string?> { ["result"] = result }));
        return result switch
        {
            "success" => (user, ""),
            "locked-out" => (null, L["Batches.Cli.LockedOut"]),
            _ => (null, L["Batches.Cli.WrongCode"]),
        };
    }

    private static async Task<int> ListAsync(IServiceProvider services, CommandArguments args, TextWriter output)
    {
        var L = services.GetRequiredService<IStringLocalizer<SharedResource>>();
        var sessionCode = args.Get("session");
        await using var db = await services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        if (sessionCode is not null && !await db.ExamSessions.AnyAsync(s => s.Code == sessionCode))
        {
            output.WriteLine($"No exam session {sessionCode}.");
            return 1;
        }
        var batches = await db.ResultBatches.AsNoTracking()
            .Where(b => sessionCode == null || b.ExamSession.Code == sessionCode)
            .OrderBy(b => b.ExamSession.Year).ThenBy(b => b.ExamSession.Half).ThenBy(b => b.Version)
            .Select(b => new { b.Id, b.ExamSession.Code, b.Version, b.Status, b.RowCount, b.Fingerprint, b.ImportedByUserId, b.ApprovedByUserId })
            .ToListAsync();
        var userIds = batches.SelectMany(b => new[] { b.ImportedByUserId, b.ApprovedByUserId }).OfType<string>().Distinct().ToList();
        var emails = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email);

        if (batches.Count == 0)
        {
            output.WriteLine(L["Batches.List.Empty"]);
            return 0;
        }
        output.WriteLine($"{"id",6}  {"session",-8} {"ver",3}  {"status",-9} {"rows",9}  {"fingerprint",-64}  {"importer",-30} approver");
        foreach (var b in batches)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{b.Id,6}  {b.Code,-8} {b.Version,3}  {b.Status,-9} {b.RowCount,9}  {b.Fingerprint,-64}  {Who(b.ImportedByUserId),-30} {Who(b.ApprovedByUserId)}"));
        }
        return 0;

        string Who(string? id) => id is null ? "-" : emails.GetValueOrDefault(id) ?? id;
    }
}
