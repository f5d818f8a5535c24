using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Account.Admin;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;

namespace ScorePortal.Features.Privacy;

/// <param name="Code">The acting admin's current authenticator code, asked for this one publication.</param>
public sealed record PublishDataSecurityReportRequest(int Year, string AdminUserId, string? Code);

/// <summary>Null <see cref="Error"/> when published; else a resource key (a code refusal is one of <see cref="AccountAdminErrors"/>).</summary>
public sealed record PublishDataSecurityReportResult(string? Error, DataSecurityFigures? Figures)
{
    public bool Succeeded => Error is null;
}

/// <summary>
/// Publishes the report of a year: the acting admin's fresh authenticator code (as for every admin change), then the
/// figures counted anew and stored (<see cref="DataSecurityReport"/>: frozen from now on), then the audit entry with
/// the year only. Publishing a year again replaces its figures.
/// </summary>
public sealed class PublishDataSecurityReport(IServiceScopeFactory scopes, DataSecurityReportFigures counter, AuditLog audit, TimeProvider time)
{
    public const string YearOutOfRange = "DataSecurity.Error.Year";

    /// <summary>The first year a report may be made for.</summary>
    public const int FirstYear = 2020;

    public async Task<PublishDataSecurityReportResult> HandleAsync(PublishDataSecurityReportRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var year = request.Year.ToString(CultureInfo.InvariantCulture);
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var db = scope.ServiceProvider.GetRequiredService<ScorePortalDbContext>();
        if (await ActingAdmin.CheckAsync(users, audit, AccountActor.Admin(request.AdminUserId, request.Code), AuditActions.DataSecurityReportPublish, null) is { } denied)
            return new(denied, null);
        if (request.Year < FirstYear || request.Year > counter.CurrentYear)
        {
            await WriteAuditAsync(request.AdminUserId, year, "year-out-of-range");
            return new(YearOutOfRange, null);
        }

        var figures = await counter.CountAsync(request.Year, ct);
        var report = await db.Set<DataSecurityReport>().FirstOrDefaultAsync(r => r.Year == request.Year, ct);
        if (report is null) db.Set<DataSecurityReport>().Add(report = new DataSecurityReport { Year = request.Year });
        report.PublishedAt = time.GetUtcNow();
        report.PublishedByUserId = request.AdminUserId;
        report.FiguresJson = DataSecurityReport.Serialize(figures);
        await db.SaveChangesAsync(ct);
        await WriteAuditAsync(request.AdminUserId, year, "success");
        return new(null, figures);
    }

    private Task WriteAuditAsync(string adminUserId, string year, string result) =>
        audit.WriteDurableAsync(new AuditRecord(AuditActions.DataSecurityReportPublish, ActorUserId: adminUserId, ActorRole: Roles.Admin,
            TargetType: "data-security-report", TargetId: year, Data: new Dictionary<string, string?> { ["year"] = year, ["result"] = result }),
            CancellationToken.None);
}
