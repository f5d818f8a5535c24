namespace ScorePortal.Features.ServiceStatus;

public static class ServiceStatusExtensions
{
    public static WebApplicationBuilder AddServiceStatus(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ServiceStatusOptions>().BindConfiguration(ServiceStatusOptions.Section)
            .Validate(o => o.CacheFor >= TimeSpan.Zero && o.CacheFor <= TimeSpan.FromMinutes(1) && o.LookupTargetMilliseconds > 0 && o.SessionsShown > 0,
                "ServiceStatus:CacheFor must be between 0 and 1 minute, LookupTargetMilliseconds and SessionsShown positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<LookupLatencyToday>();
        builder.Services.AddSingleton<GetServiceStatus>();
        return builder;
    }

    public static WebApplication MapServiceStatus(this WebApplication app)
    {
        // Listening from the start, so the day's p95 counts lookups answered before anyone opened the page.
        app.Services.GetRequiredService<LookupLatencyToday>();
        app.MapServiceStatusPage();
        return app;
    }
}
