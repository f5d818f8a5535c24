using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace ScorePortal.Security;

/// <summary>
/// Opens and seals [Encrypted] properties (<see cref="FieldEncryption"/>) with the entity's row in view: on
/// materialization each stored value is opened with its column and the row's RowKey, and before a save every added
/// entity, and every tracked one whose plain value (or RowKey) changed since it was opened, is sealed into its
/// ciphertext column (<see cref="RowBound.Sealed"/> remembers what was opened). A value copied from another row
/// therefore fails to open, with a <see cref="FieldIntegrityException"/>, wherever the entity is read.
/// </summary>
public sealed class FieldEncryptionInterceptor : IMaterializationInterceptor, ISaveChangesInterceptor
{
    /// <summary>
    /// The one instance: EF keys its internal service providers on materialization interceptors, so every context of
    /// every host in the process shares it. Each context's own host provides the key ring (<see cref="ProtectorOf"/>).
    /// </summary>
    public static readonly FieldEncryptionInterceptor Instance = new();

    private FieldEncryptionInterceptor()
    {
    }

    private static readonly ConditionalWeakTable<DbContext, FieldProtector> Protectors = [];

    /// <summary>The key ring of the host that made the context (pooled contexts keep theirs).</summary>
    internal static FieldProtector ProtectorOf(DbContext context) => Protectors.GetValue(context, static c =>
        ApplicationServices(c)?.GetService(typeof(FieldProtector)) as FieldProtector
        ?? throw new InvalidOperationException("Field encryption needs the portal's FieldProtector: create contexts through the portal's DbContext factory."));

    public object InitializedInstance(MaterializationInterceptionData materializationData, object entity)
    {
        if (entity is not RowBound bound) return entity;
        var columns = FieldEncryption.ColumnsOf(entity.GetType());
        var current = FieldEncryption.ForThisFlow(ProtectorOf(materializationData.Context));
        var values = new object?[columns.Length];
        try
        {
            for (var i = 0; i < columns.Length; i++)
            {
                values[i] = columns[i].Open(current, materializationData.GetPropertyValue<string?>(columns[i].StoredName), bound.RowKey);
                columns[i].Set(entity, values[i]);
            }
        }
        catch (FieldIntegrityException failure)
        {
            // Whoever reads it (a page, a Blazor circuit, the outbox worker, a command), admins hear of it.
            if (ApplicationServices(materializationData.Context)?.GetService(typeof(IIntegrityAlarm)) is IIntegrityAlarm alarm)
                _ = alarm.RaiseAsync(failure, "a read of " + entity.GetType().Name);
            throw;
        }
        bound.Sealed = new SealedValues(bound.RowKey, values);
        return entity;
    }

    private static IServiceProvider? ApplicationServices(DbContext context) =>
        context.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider;

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Seal(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        Seal(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private static void Seal(DbContext? context)
    {
        if (context is null) return;
        FieldProtector? protector = null;
        foreach (var entry in context.ChangeTracker.Entries<RowBound>())
        {
            if (entry.State is EntityState.Deleted or EntityState.Detached) continue;
            Seal(entry, protector ??= ProtectorOf(context));
        }
    }

    private static void Seal(EntityEntry<RowBound> entry, FieldProtector protector)
    {
        var entity = entry.Entity;
        var columns = FieldEncryption.ColumnsOf(entity.GetType());
        object?[]? known = null;
        if (entry.State != EntityState.Added)
        {
            if (entity.Sealed is not { } sealedBefore)
            {
                // Attached, not loaded: its RowKey is only as good as whoever made the object. Leave its ciphertexts
                // alone when it carries no encrypted value (a stub that changes other columns); refuse to seal one.
                if (columns.All(c => c.IsEmpty(c.Get(entity)))) return;
                throw new InvalidOperationException($"{entity.GetType().Name} carries encrypted values but was not loaded from the database: "
                    + "load it before changing them, so that they are sealed with its own row's key.");
            }
            if (sealedBefore.Row == entity.RowKey) known = sealedBefore.Values;
        }
        object?[]? values = null;
        for (var i = 0; i < columns.Length; i++)
        {
            var value = columns[i].Get(entity);
            if (known is not null && Equals(known[i], value)) continue;
            values ??= known is null ? new object?[columns.Length] : (object?[])known.Clone();
            values[i] = value;
            entry.Property(columns[i].StoredName).CurrentValue = columns[i].Seal(protector, value, entity.RowKey);
        }
        if (values is not null) entity.Sealed = new SealedValues(entity.RowKey, values);
    }
}
