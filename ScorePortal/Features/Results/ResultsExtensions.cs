namespace ScorePortal.Features.Results;

public static class ResultsExtensions
{
    /// <summary>
    /// The results read model every feature reads through: session and catalog snapshots (HybridCache), a candidate's
    /// result rows and sheet, the record linked to an account, and the pass decisions behind certificates.
    /// </summary>
    public static WebApplicationBuilder AddResults(this WebApplicationBuilder builder)
    {
        builder.Services.AddHybridCache();
        builder.Services.AddSingleton<SessionCatalog>();
        builder.Services.AddSingleton<ResultCatalog>();
        builder.Services.AddSingleton<ResultQuery>();
        builder.Services.AddSingleton<MyRecord>();
        builder.Services.AddScoped<Outcomes>();
        return builder;
    }
}
