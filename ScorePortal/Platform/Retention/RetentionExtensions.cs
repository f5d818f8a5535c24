namespace ScorePortal.Platform.Retention;

public static class RetentionExtensions
{
    /// <summary>The retention job (<see cref="RetentionJob"/>), its settings, and the rules the platform itself owns.</summary>
    public static WebApplicationBuilder AddRetention(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section)
            .Validate(o => o.Problem() is null, "Retention settings are invalid: every period at least one hour, BatchSize 1 to 10000, Interval zero (off) or positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<RetentionJob>();
        builder.Services.AddHostedService<RetentionService>();
        builder.Services.AddRetentionRule<OutboxPayloadRetention>();
        return builder;
    }

    /// <summary>Adds one kind of data to the retention job (a singleton: it opens its own database contexts).</summary>
    public static IServiceCollection AddRetentionRule<T>(this IServiceCollection services) where T : class, IRetentionRule =>
        services.AddSingleton<IRetentionRule, T>();
}
