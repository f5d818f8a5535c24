namespace ScorePortal.Features.Privacy;

/// <summary>Copies of a person's data: the candidate's at <c>/me/data</c>, an admin's for a paper request at <c>/admin/privacy-requests</c>.</summary>
public static class DataCopyExtensions
{
    public static WebApplicationBuilder AddDataCopies(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DataCopyOptions>().BindConfiguration(DataCopyOptions.Section)
            .Validate(o => o.LinkLifetime > TimeSpan.Zero && o.KeepFor >= o.LinkLifetime,
                "Privacy:DataCopy:LinkLifetime must be positive and Privacy:DataCopy:KeepFor at least as long.")
            .Validate(o => o.RequestInterval >= TimeSpan.Zero && o.PollInterval >= TimeSpan.FromSeconds(1),
                "Privacy:DataCopy:RequestInterval must not be negative and PollInterval at least one second.")
            .ValidateOnStart();
        builder.Services.AddSingleton<DataCopySignal>();
        builder.Services.AddSingleton<DataCopyCollector>();
        builder.Services.AddSingleton<DataCopyPdf>();
        builder.Services.AddSingleton<DataCopyVault>();
        builder.Services.AddSingleton<DataCopyPreparer>();
        builder.Services.AddSingleton<DataCopyFiles>();
        builder.Services.AddSingleton<RequestDataCopy>();
        builder.Services.AddScoped<PrivacyRequestFind>();
        builder.Services.AddSingleton<PrivacyRequestExport>();
        builder.Services.AddHostedService<DataCopyWorker>();
        return builder;
    }

    public static IEndpointRouteBuilder MapDataCopies(this IEndpointRouteBuilder app) => app.MapDataCopyFiles();
}
