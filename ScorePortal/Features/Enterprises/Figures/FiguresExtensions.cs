using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;

namespace ScorePortal.Features.Enterprises.Figures;

public static class FiguresExtensions
{
    /// <summary>Department figures: roster upload, the figures (suppressed below five people), the talent model.</summary>
    public static WebApplicationBuilder AddEnterpriseFigures(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<FiguresOptions>().BindConfiguration(FiguresOptions.Section)
            .Validate(o => o.MaxRosterBytes is > 0 and <= 64L * 1024 * 1024, "Enterprises:Figures:MaxRosterBytes must be between 1 byte and 64 MB.")
            .Validate(o => o.MaxRosterRows is > 0 and <= 1_000_000, "Enterprises:Figures:MaxRosterRows must be between 1 and 1,000,000.")
            .ValidateOnStart();
        builder.Services.AddSingleton<UploadRoster>();
        builder.Services.AddSingleton<DepartmentFigures>();
        return builder;
    }

    /// <summary>The roster template and the CSV export, for enterprise accounts only, each of its own enterprise.</summary>
    public static WebApplication MapEnterpriseFigures(this WebApplication app)
    {
        var group = app.MapGroup("/enterprise/figures").RequireAuthorization(Policies.EnterpriseArea);
        group.MapGet("/roster-template.csv", () =>
            TypedResults.File([.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(RosterFile.TemplateCsv())],
                "text/csv; charset=utf-8", "roster-template.csv"));
        group.MapGet("/export.csv", ExportAsync);
        return app;
    }

    private static async Task<Results<FileContentHttpResult, NotFound>> ExportAsync(ClaimsPrincipal user, HttpContext http,
        IDbContextFactory<ScorePortalDbContext> dbFactory, DepartmentFigures figures, IStringLocalizer<SharedResource> t, AuditLog audit,
        TimeProvider time, CancellationToken ct)
    {
        int? enterpriseId;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            enterpriseId = await EnterpriseMembership.EnterpriseOfAsync(db, user, ct);
        // An enterprise account not (or no longer) attached to an enterprise has nothing to export.
        if (enterpriseId is not { } id) return TypedResults.NotFound();

        var view = await figures.LoadAsync(id, ct);
        var bytes = FiguresCsv.Write(view, t);
        await audit.WriteAsync(new AuditRecord(AuditActions.EnterpriseFiguresExport, user.FindFirstValue(ClaimTypes.NameIdentifier),
            Roles.Enterprise, nameof(Enterprise), id.ToString(CultureInfo.InvariantCulture), http.Connection.RemoteIpAddress?.ToString(),
            new Dictionary<string, string?> { ["people"] = view.People.ToString(CultureInfo.InvariantCulture) }), ct);
        var date = Localization.PortalFormat.ToChinaTime(time.GetUtcNow()).ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        return TypedResults.File(bytes, "text/csv; charset=utf-8", $"department-figures-{date}.csv");
    }
}
