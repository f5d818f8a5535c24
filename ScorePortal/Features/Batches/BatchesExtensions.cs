using ScorePortal.Operations;

namespace ScorePortal.Features.Batches;

public static class BatchesExtensions
{
    /// <summary>Result batches: approval, publication (scheduled and now), retraction, who passed, and their commands.</summary>
    public static WebApplicationBuilder AddBatches(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<BatchOptions>().BindConfiguration(BatchOptions.Section)
            .Validate(o => o.PublishInterval >= TimeSpan.FromSeconds(1), "Batches:PublishInterval must be at least one second.")
            .ValidateOnStart();

        builder.Services.AddScoped<Outcomes>();
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
}
