using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using ScorePortal.Operations;
using ScorePortal.Security;

namespace ScorePortal.Features.Batches;

public static class BatchesExtensions
{
    /// <summary>Result batches: import, approval, publication (scheduled and now), retraction, who passed, and their commands.</summary>
    public static WebApplicationBuilder AddBatches(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<BatchOptions>().BindConfiguration(BatchOptions.Section)
            .Validate(o => o.PublishInterval >= TimeSpan.FromSeconds(1), "Batches:PublishInterval must be at least one second.")
            .Validate(o => o.MaxUploadBytes > 0, "Batches:MaxUploadBytes must be positive.")
            .ValidateOnStart();

        builder.Services.AddSingleton<ImportFiles>();
        builder.Services.AddSingleton<ImportBatch>();
        builder.Services.AddPortalCommand(ImportCommand.Command);

        builder.Services.AddScoped<ApproveBatch>();
        builder.Services.AddScoped<RejectBatch>();
        builder.Services.AddScoped<PublishBatch>();
        builder.Services.AddScoped<RetractBatch>();

        // One instance, also resolvable by type (tests read its progress).
        builder.Services.AddSingleton<BatchPublisher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<BatchPublisher>());

        foreach (var command in BatchCommands.All) builder.Services.AddPortalCommand(command);
        return builder;
    }

    /// <summary>The import template and the validation reports, for admins only.</summary>
    public static WebApplication MapBatches(this WebApplication app)
    {
        var group = app.MapGroup("/admin/batches").RequireAuthorization(Policies.AdminArea);
        group.MapGet("/template.csv", () =>
            TypedResults.File([.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(BatchFile.TemplateCsv())],
                "text/csv; charset=utf-8", "results-template.csv"));
        group.MapGet("/reports/{id}.csv", Results<PhysicalFileHttpResult, NotFound> (string id, ImportFiles files) =>
            files.ReportPath(id) is { } path
                ? TypedResults.PhysicalFile(path, "text/csv; charset=utf-8", "validation-report.csv")
                : TypedResults.NotFound());
        return app;
    }
}
