using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using ScorePortal.Account;
using ScorePortal.Operations;

namespace ScorePortal.Features.Batches;

public static class BatchImportExtensions
{
    public static WebApplicationBuilder AddBatchImport(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<BatchOptions>().BindConfiguration(BatchOptions.Section)
            .Validate(o => o.MaxUploadBytes > 0 && o.PublishPollInterval > TimeSpan.Zero, "Batches:MaxUploadBytes and PublishPollInterval must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ImportFiles>();
        builder.Services.AddSingleton<ImportBatchHandler>();
        builder.Services.AddPortalCommand(ImportCommand.Command);
        return builder;
    }

    /// <summary>The import template and the validation reports, for admins only.</summary>
    public static WebApplication MapBatchImport(this WebApplication app)
    {
        var group = app.MapGroup("/admin/batches").RequireAuthorization(Policies.AdminArea);
        group.MapGet("/template.csv", () =>
            TypedResults.File(Encoding.UTF8.Preamble.ToArray().Concat(Encoding.UTF8.GetBytes(BatchFile.TemplateCsv())).ToArray(),
                "text/csv; charset=utf-8", "results-template.csv"));
        group.MapGet("/reports/{id}.csv", Results<PhysicalFileHttpResult, NotFound> (string id, ImportFiles files) =>
            files.ReportPath(id) is { } path
                ? TypedResults.PhysicalFile(path, "text/csv; charset=utf-8", "validation-report.csv")
                : TypedResults.NotFound());
        return app;
    }
}
