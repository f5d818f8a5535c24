using ScorePortal.Operations;
using ScorePortal.Security;

namespace ScorePortal.Platform.Audit;

public static class AuditLogExtensions
{
    /// <summary>The append-only, hash-chained audit log every feature writes to, its writer and its signed checkpoints.</summary>
    public static WebApplicationBuilder AddAuditLog(this WebApplicationBuilder builder)
    {
        var development = builder.Environment.IsDevelopmentOrTesting();
        var contentRoot = builder.Environment.ContentRootPath;
        builder.Services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section)
            .Validate(o => development || !string.IsNullOrWhiteSpace(o.SigningKeyPem),
                "Audit:SigningKeyPem (an ECDSA P-256 private key, PEM) must be configured outside Development.")
            .Validate(o => o.IntentGrace >= TimeSpan.FromSeconds(1) && o.IntentGrace <= TimeSpan.FromHours(1),
                "Audit:IntentGrace must be between one second and one hour.")
            .Validate(o => o.Archive.After >= TimeSpan.FromDays(1) && o.Archive.Interval >= TimeSpan.Zero && o.Archive.MaxEntriesPerFile > 0
                           && !string.IsNullOrWhiteSpace(o.Archive.Directory),
                "Audit:Archive needs After of at least one day, an Interval of zero (off) or more, MaxEntriesPerFile above zero and a Directory.")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<AuditOptions>>().Value;
            var keys = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<KeyOptions>>().Value;
            return new AuditSigner(options.SigningKeyPem is { Length: > 0 } pem ? pem : SecurityExtensions.LoadOrCreateDevelopmentSecret(
                Path.Combine(contentRoot, keys.KeyDirectory), "audit-signing.pem", AuditSigner.NewPrivateKeyPem));
        });
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddSingleton(sp => new AuditCheckpointFile(Path.Combine(contentRoot,
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<AuditOptions>>().Value.CheckpointDirectory)));
        builder.Services.AddSingleton<AuditCheckpoints>();
        builder.Services.AddSingleton(sp => new AuditArchiveStore(Path.Combine(contentRoot,
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<AuditOptions>>().Value.Archive.Directory)));
        builder.Services.AddSingleton<AuditArchiver>();
        builder.Services.AddHostedService<AuditArchiveService>();
        builder.Services.AddHostedService<AuditWriter>();
        // Entries promised inside a change's transaction whose process stopped before writing them (AuditIntent).
        builder.Services.AddSingleton<Outbox.IOutboxHandler, AuditIntentHandler>();
        // One instance, also resolvable by type (tests read its progress).
        builder.Services.AddSingleton<AuditCheckpointService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AuditCheckpointService>());
        return builder;
    }
}

public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>ECDSA P-256 private key (PEM) that signs checkpoints; Development makes its own.</summary>
    public string? SigningKeyPem { get; set; }

    /// <summary>
    /// How often a checkpoint is signed. Verification fails when the newest one is older than twice this: a stopped
    /// signer would otherwise hide a truncated tail.
    /// </summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Where checkpoints are appended outside the database (relative to the content root). Point it at storage the
    /// database's administrators cannot rewrite — another volume, an append-only or WORM mount — and ship copies off
    /// the host; <c>verify-audit --checkpoints FILE</c> checks the log against any copy.
    /// </summary>
    public string CheckpointDirectory { get; set; } = "App_Data/audit-checkpoints";

    /// <summary>
    /// How long an entry promised inside a change's transaction (<see cref="AuditIntent"/>) waits for the process that
    /// made the change before the outbox worker appends it in its place: longer than a healthy writer's lag.
    /// </summary>
    public TimeSpan IntentGrace { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Archiving of old entries to signed, compressed files (Audit:Archive:*).</summary>
    public AuditArchiveOptions Archive { get; set; } = new();
}
