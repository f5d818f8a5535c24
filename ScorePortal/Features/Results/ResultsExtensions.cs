using ScorePortal.Platform.Outbox;

namespace ScorePortal.Features.Results;

public static class ResultsExtensions
{
    /// <summary>
    /// The results read model every feature reads through: session and catalog snapshots (HybridCache), a candidate's
    /// result rows and sheet, the record linked to an account, the pass decisions behind certificates, and the events
    /// that tell the rest of the portal the results changed (<see cref="ResultEvents"/>).
    /// </summary>
    public static WebApplicationBuilder AddResults(this WebApplicationBuilder builder)
    {
        builder.Services.AddHybridCache();
        builder.Services.AddSingleton<SessionCatalog>();
        builder.Services.AddSingleton<ResultCatalog>();
        builder.Services.AddSingleton<ResultQuery>();
        builder.Services.AddSingleton<MyRecord>();
        builder.Services.AddScoped<Outcomes>();
        builder.Services.AddSingleton<ResultEvents>();
        builder.Services.AddSingleton<IOutboxHandler, ResultChangedOutboxHandler>();
        return builder;
    }
}
