using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using Microsoft.EntityFrameworkCore;

namespace ScorePortal.Security;

/// <summary>Marks a sensitive property: stored as AES-256-GCM ciphertext bound to its column and row (see <see cref="FieldProtector"/>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class EncryptedAttribute : Attribute
{
    /// <summary>
    /// The column has no length limit (nvarchar(max) / TEXT) instead of <see cref="FieldEncryption.CiphertextMaxLength"/>:
    /// for documents such as an outbox message's mail body, which can be far longer than a name or an ID number.
    /// </summary>
    public bool Unbounded { get; set; }
}

/// <summary>
/// An entity with [Encrypted] properties. Its <see cref="RowKey"/>, a GUID given when the object is made (before the
/// insert, unlike an identity key), is part of every encrypted value's associated data.
/// </summary>
public abstract class RowBound
{
    /// <summary>This row's identity in the associated data of its encrypted values.</summary>
    public Guid RowKey { get; set; } = Guid.NewGuid();

    /// <summary>
    /// The plain values as last opened or sealed, with the RowKey they were bound to (a field, so EF does not map it):
    /// <see cref="FieldEncryptionInterceptor"/> seals again only what changed, and refuses to seal values of an object
    /// that never came from the database.
    /// </summary>
    internal SealedValues? Sealed;
}

/// <summary>What a <see cref="RowBound"/> entity's encrypted properties held when they were last opened or sealed.</summary>
internal sealed record SealedValues(Guid Row, object?[] Values);

/// <summary>
/// How [Encrypted] properties are mapped. A value converter sees one value, never its row, so it cannot bind a value
/// to the row; instead the plain CLR property is not mapped, a shadow property ("Name" + <see cref="StoredSuffix"/>)
/// holds the ciphertext in the column of the property's own name, and <see cref="FieldEncryptionInterceptor"/> opens it
/// when an entity is materialized and seals it when the entity is saved. LINQ may project an encrypted property (EF
/// materializes the entity and reads it) but cannot filter or sort by one; reads that bypass entities select the
/// stored column and the RowKey and open them with <see cref="OpenString"/> / <see cref="OpenDecimal"/>.
/// </summary>
public static class FieldEncryption
{
    public const int CiphertextMaxLength = 1024;

    /// <summary>The shadow property holding an encrypted property's ciphertext: <c>EF.Property&lt;string&gt;(c, nameof(Candidate.Name) + StoredSuffix)</c>.</summary>
    public const string StoredSuffix = "Sealed";

    private static readonly ConcurrentDictionary<Type, SealedColumn[]> Columns = new();

    /// <summary>Maps every [Encrypted] property of the model to its ciphertext column.</summary>
    public static void ApplyFieldEncryption(this ModelBuilder builder)
    {
        var nullability = new NullabilityInfoContext();
        foreach (var entity in builder.Model.GetEntityTypes().ToList())
        {
            var columns = ColumnsOf(entity.ClrType);
            if (columns.Length == 0) continue;
            if (!typeof(RowBound).IsAssignableFrom(entity.ClrType))
                throw new InvalidOperationException($"{entity.ClrType.Name} has [Encrypted] properties and must derive from {nameof(RowBound)}.");
            var typeBuilder = builder.Entity(entity.ClrType);
            foreach (var column in columns)
            {
                typeBuilder.Ignore(column.Property.Name);
                var required = column.Property.PropertyType.IsValueType
                    ? Nullable.GetUnderlyingType(column.Property.PropertyType) is null
                    : nullability.Create(column.Property).WriteState == NullabilityState.NotNull;
                var stored = typeBuilder.Property<string>(column.StoredName)
                    .HasColumnName(column.Property.Name)
                    .IsUnicode(false)
                    .IsRequired(required);
                if (!column.Unbounded) stored.HasMaxLength(CiphertextMaxLength);
            }
        }
    }

    /// <summary>What an [Encrypted] column's values are bound to, with the row: "Candidate.Name".</summary>
    public static string Binding(Type entity, string property) => entity.Name + "." + property;

    /// <summary>The [Encrypted] properties of an entity type (none for most).</summary>
    internal static SealedColumn[] ColumnsOf(Type type) => Columns.GetOrAdd(type, static t =>
    [
        .. t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<EncryptedAttribute>() is not null)
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => new SealedColumn(p, Binding(t, p.Name), p.GetCustomAttribute<EncryptedAttribute>()!.Unbounded)),
    ]);

    /// <summary>An [Encrypted] string column's stored value, opened (for the reads that bypass entities).</summary>
    internal static string OpenString(FieldProtector protector, string stored, string binding, Guid row)
    {
        WorkMeter.Decryptions.Add(1);
        return protector.Unprotect(stored, binding, row);
    }

    /// <summary>An [Encrypted] decimal column's stored value, opened (for the reads that bypass entities).</summary>
    internal static decimal OpenDecimal(FieldProtector protector, string stored, string binding, Guid row) =>
        decimal.Parse(OpenString(protector, stored, binding, row), CultureInfo.InvariantCulture);

    /// <summary>A decimal as an [Encrypted] column stores it before sealing.</summary>
    internal static string Text(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static readonly AsyncLocal<bool> AcceptUnboundHere = new();

    /// <summary>
    /// Within the returned scope (this async flow only), values written before row binding open whatever
    /// Security:AcceptUnboundFieldValues says: <c>rotate-keys</c> reads them to rewrite them.
    /// </summary>
    internal static IDisposable AcceptUnboundInThisFlow()
    {
        var before = AcceptUnboundHere.Value;
        AcceptUnboundHere.Value = true;
        return new Restore(before);
    }

    internal static FieldProtector ForThisFlow(FieldProtector protector) => AcceptUnboundHere.Value ? protector.AcceptingUnbound() : protector;

    private sealed class Restore(bool before) : IDisposable
    {
        public void Dispose() => AcceptUnboundHere.Value = before;
    }
}

/// <summary>One [Encrypted] property: its CLR property, its shadow (ciphertext) property and its binding.</summary>
internal sealed class SealedColumn(PropertyInfo property, string binding, bool unbounded)
{
    public PropertyInfo Property { get; } = property;

    public string StoredName { get; } = property.Name + FieldEncryption.StoredSuffix;

    public string Binding { get; } = binding;

    public bool Unbounded { get; } = unbounded;

    private bool IsDecimal { get; } = (Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType) switch
    {
        var t when t == typeof(decimal) => true,
        var t when t == typeof(string) => false,
        var t => throw new InvalidOperationException($"[Encrypted] is not supported on {property.DeclaringType?.Name}.{property.Name} ({t.Name})."),
    };

    // Compiled once: the interceptor reads and writes these for every entity it opens or seals.
    private readonly Func<object, object?> _get = Getter(property);
    private readonly Action<object, object?> _set = Setter(property);

    public object? Get(object entity) => _get(entity);

    /// <summary>Whether a value is what a new object holds: null, "" or 0.</summary>
    public bool IsEmpty(object? value) => value is null or "" || (value is decimal d && d == 0);

    public string? Seal(FieldProtector protector, object? value, Guid row) => value switch
    {
        null => null,
        decimal d => protector.Protect(FieldEncryption.Text(d), Binding, row),
        string s => protector.Protect(s, Binding, row),
        _ => throw new InvalidOperationException($"{Binding} holds a {value.GetType().Name}."),
    };

    public object? Open(FieldProtector protector, string? stored, Guid row) =>
        stored is null ? null
        : IsDecimal ? FieldEncryption.OpenDecimal(protector, stored, Binding, row)
        : FieldEncryption.OpenString(protector, stored, Binding, row);

    public void Set(object entity, object? value) => _set(entity, value);

    private static Func<object, object?> Getter(PropertyInfo property)
    {
        var entity = System.Linq.Expressions.Expression.Parameter(typeof(object));
        var read = System.Linq.Expressions.Expression.Property(System.Linq.Expressions.Expression.Convert(entity, property.DeclaringType!), property);
        return System.Linq.Expressions.Expression.Lambda<Func<object, object?>>(
            System.Linq.Expressions.Expression.Convert(read, typeof(object)), entity).Compile();
    }

    private static Action<object, object?> Setter(PropertyInfo property)
    {
        var entity = System.Linq.Expressions.Expression.Parameter(typeof(object));
        var value = System.Linq.Expressions.Expression.Parameter(typeof(object));
        var write = System.Linq.Expressions.Expression.Assign(
            System.Linq.Expressions.Expression.Property(System.Linq.Expressions.Expression.Convert(entity, property.DeclaringType!), property),
            System.Linq.Expressions.Expression.Convert(value, property.PropertyType));
        return System.Linq.Expressions.Expression.Lambda<Action<object, object?>>(write, entity, value).Compile();
    }
}
