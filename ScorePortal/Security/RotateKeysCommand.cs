using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Operations;

namespace ScorePortal.Security;

/// <summary>
/// <c>rotate-keys</c>: re-encrypts every sensitive value with the current key, bound to its column and row, batch by
/// batch. Reads never stop: until a row is rewritten, its old key (still in the ring) decrypts it. Values written
/// before row binding are read whatever Security:AcceptUnboundFieldValues says, and rewritten bound to their row. Production adds the new key to
/// Security:EncryptionKeys, makes it Security:CurrentEncryptionKeyId, restarts, then runs this; afterwards the old key
/// can be removed. In Development, <c>--generate</c> first makes the next key file and switches to it.
/// </summary>
public static class RotateKeysCommand
{
    public static readonly PortalCommand Command = new("rotate-keys",
        "Re-encrypt all sensitive columns with the current key (--generate: make a new development key first)", RunAsync);

    private const int BatchSize = 1000;

    private static async Task<int> RunAsync(IServiceProvider services, CommandArguments args, TextWriter output)
    {
        var protector = services.GetRequiredService<FieldProtector>();
        if (args.Get("generate") == "true")
        {
            var env = services.GetRequiredService<IHostEnvironment>();
            var options = services.GetRequiredService<IOptions<KeyOptions>>().Value;
            if (!env.IsDevelopmentOrTesting() || options.EncryptionKeys.Count > 0)
            {
                output.WriteLine("--generate makes development key files only; in production, configure Security:EncryptionKeys.");
                return 2;
            }
            var directory = Path.Combine(env.ContentRootPath, options.KeyDirectory);
            var next = "k" + (protector.KeyIds.Select(id => int.TryParse(id.TrimStart('k'), out var n) ? n : 0).DefaultIfEmpty().Max() + 1);
            SecurityExtensions.LoadOrCreateDevelopmentKey(directory, SecurityExtensions.FieldKeyFilePrefix + next + ".key");
            protector = new FieldProtector(SecurityExtensions.DevelopmentFieldKeys(directory), next);
            output.WriteLine($"Generated key {next}.");
        }

        output.WriteLine($"Re-encrypting with key {protector.CurrentKeyId} …");
        var factory = services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>();
        var total = 0;
        using (FieldEncryption.AcceptUnboundInThisFlow())
        {
            await using var model = await factory.CreateDbContextAsync();
            foreach (var type in EncryptedEntityTypes(model.Model))
                total += await ReencryptAsync(type, factory, protector, output);
        }
        foreach (var step in services.GetServices<IKeyRotationStep>())
        {
            await using var db = await factory.CreateDbContextAsync();
            var rows = await step.RotateAsync(db, protector, CancellationToken.None);
            output.WriteLine($"  {step.Name}: {rows}");
            total += rows;
        }
        // A high-value event: its entry is covered by a signed checkpoint at once (AuditActions.SealedAtOnce).
        await services.GetRequiredService<Platform.Audit.AuditLog>().WriteDurableAsync(new Platform.Audit.AuditRecord(
            Platform.Audit.AuditActions.KeyRotation, TargetType: "key", TargetId: protector.CurrentKeyId,
            Data: new Dictionary<string, string?> { ["rows"] = total.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
        output.WriteLine($"Done: {total} rows now use key {protector.CurrentKeyId}.");
        return 0;
    }

    /// <summary>
    /// Development only: a demo database written before values were bound to their row (an App_Data file from an
    /// older checkout) is rewritten on start, as <c>rotate-keys</c> would, instead of refusing its values. Production
    /// never does this by itself: there the operator runs <c>rotate-keys</c> (docs/deploy.md).
    /// </summary>
    public static Task BindOldDevelopmentValuesAsync(this WebApplication app) => BindOldDevelopmentValuesAsync(app.Services);

    internal static async Task<bool> BindOldDevelopmentValuesAsync(IServiceProvider services)
    {
        if (!services.GetRequiredService<IHostEnvironment>().IsDevelopment()) return false;
        var factory = services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            const string rowBound = "%:v3:%";
            if (!await db.Candidates.AnyAsync(c => !EF.Functions.Like(EF.Property<string>(c, nameof(Candidate.Name) + FieldEncryption.StoredSuffix), rowBound))
                && !await db.SubjectScores.AnyAsync(s => EF.Property<string?>(s, nameof(SubjectScore.Score) + FieldEncryption.StoredSuffix) != null
                    && !EF.Functions.Like(EF.Property<string?>(s, nameof(SubjectScore.Score) + FieldEncryption.StoredSuffix), rowBound)))
                return false;
        }
        services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RotateKeysCommand))
            .LogWarning("The development database holds values from before row binding: rewriting them as rotate-keys does.");
        await Command.RunAsync(services, new([]), TextWriter.Null);
        return true;
    }

    /// <summary>
    /// Every entity with [Encrypted] properties, read from the EF model: a new encrypted entity is rotated without
    /// this command naming it. Ordered by name, so the output reads the same on every run.
    /// </summary>
    internal static IReadOnlyList<Microsoft.EntityFrameworkCore.Metadata.IEntityType> EncryptedEntityTypes(Microsoft.EntityFrameworkCore.Metadata.IModel model) =>
        [.. model.GetEntityTypes()
            .Where(t => typeof(RowBound).IsAssignableFrom(t.ClrType) && FieldEncryption.ColumnsOf(t.ClrType).Length > 0)
            .OrderBy(t => t.ClrType.Name, StringComparer.Ordinal)];

    private static Task<int> ReencryptAsync(Microsoft.EntityFrameworkCore.Metadata.IEntityType type, IDbContextFactory<ScorePortalDbContext> factory,
        FieldProtector protector, TextWriter output)
    {
        // Batches walk the single-column primary key (int or long) upwards.
        if (type.FindPrimaryKey()?.Properties is not [{ PropertyInfo: { } id }])
            throw new InvalidOperationException($"{type.ClrType.Name} needs a single-column primary key to be rotated.");
        var parameter = System.Linq.Expressions.Expression.Parameter(type.ClrType, "e");
        var key = System.Linq.Expressions.Expression.Lambda(
            System.Linq.Expressions.Expression.Convert(System.Linq.Expressions.Expression.Property(parameter, id), typeof(long)), parameter);
        var method = typeof(RotateKeysCommand).GetMethod(nameof(ReencryptTypedAsync), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(type.ClrType);
        return (Task<int>)method.Invoke(null, [factory, protector, key, output])!;
    }

    private static async Task<int> ReencryptTypedAsync<T>(IDbContextFactory<ScorePortalDbContext> factory, FieldProtector protector,
        System.Linq.Expressions.Expression<Func<T, long>> key, TextWriter output) where T : RowBound
    {
        var compiledKey = key.Compile();
        long after = long.MinValue;
        var rows = 0;
        while (true)
        {
            // One short transaction per batch, keyed on the primary key: concurrent readers are never blocked for long.
            await using var db = await factory.CreateDbContextAsync();
            var parameter = key.Parameters[0];
            var greater = System.Linq.Expressions.Expression.Lambda<Func<T, bool>>(
                System.Linq.Expressions.Expression.GreaterThan(key.Body, System.Linq.Expressions.Expression.Constant(after)), parameter);
            var batch = await db.Set<T>().Where(greater).OrderBy(key).Take(BatchSize).ToListAsync();
            if (batch.Count == 0) break;
            // Opened on loading (by FieldEncryptionInterceptor, old forms included), sealed here under the current key:
            // the plain values did not change, so the interceptor leaves these ciphertexts as they are.
            var columns = FieldEncryption.ColumnsOf(typeof(T));
            foreach (var entity in batch)
            {
                var entry = db.Entry(entity);
                foreach (var column in columns)
                    entry.Property(column.StoredName).CurrentValue = column.Seal(protector, column.Get(entity), entity.RowKey);
            }
            await db.SaveChangesAsync();
            rows += batch.Count;
            after = compiledKey(batch[^1]);
        }
        output.WriteLine($"  {typeof(T).Name}: {rows}");
        return rows;
    }
}
