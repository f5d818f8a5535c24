using System.Globalization;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ScorePortal.Security;

/// <summary>Marks a sensitive property: stored as AES-256-GCM ciphertext (see <see cref="FieldProtector"/>).</summary>
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
/// EF value converters for [Encrypted] properties. EF builds (and caches) its model once per process, while keys
/// come from configuration at start; the converters therefore reach the protector through this one holder, set by
/// <see cref="UseFieldEncryption"/> before the first query. Every host in a process must use the same key ring.
/// </summary>
public static class FieldEncryption
{
    private static FieldProtector? _protector;

    public const int CiphertextMaxLength = 1024;

    internal static FieldProtector Protector =>
        _protector ?? throw new InvalidOperationException("Field encryption is not configured: call app.UseFieldEncryption() at start.");

    public static WebApplication UseFieldEncryption(this WebApplication app)
    {
        Use(app.Services.GetRequiredService<FieldProtector>());
        return app;
    }

    internal static void Use(FieldProtector protector) => _protector = protector;

    /// <summary>Applies the converters to every [Encrypted] property of the model.</summary>
    public static void ApplyFieldEncryption(this ModelBuilder builder)
    {
        foreach (var entity in builder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                if (property.PropertyInfo?.GetCustomAttribute<EncryptedAttribute>() is not { } encrypted) continue;
                var type = Nullable.GetUnderlyingType(property.ClrType) ?? property.ClrType;
                // Each column gets its own converters, bound to "Entity.Property" (see FieldProtector).
                var binding = Binding(entity.ClrType, property.Name);
                if (type == typeof(string)) property.SetValueConverter(new ValueConverter<string, string>(
                    v => Protector.Protect(v, binding), v => DecryptString(v, binding)));
                else if (type == typeof(decimal)) property.SetValueConverter(new ValueConverter<decimal, string>(
                    v => Protector.Protect(v.ToString(CultureInfo.InvariantCulture), binding), v => DecryptDecimal(v, binding)));
                else throw new InvalidOperationException($"[Encrypted] is not supported on {entity.DisplayName()}.{property.Name} ({type.Name}).");
                property.SetMaxLength(encrypted.Unbounded ? null : CiphertextMaxLength);
                property.SetPrecision(null);
                property.SetScale(null);
                property.SetIsUnicode(false);
            }
        }
    }

    /// <summary>What an [Encrypted] column's values are bound to: "Candidate.Name".</summary>
    public static string Binding(Type entity, string property) => entity.Name + "." + property;

    /// <summary>An [Encrypted] string column's stored value, decrypted (for the few reads that bypass EF).</summary>
    internal static string DecryptString(string stored, string binding)
    {
        WorkMeter.Decryptions.Add(1);
        return Protector.Unprotect(stored, binding);
    }

    /// <summary>An [Encrypted] decimal column's stored value, decrypted (for the few reads that bypass EF).</summary>
    internal static decimal DecryptDecimal(string stored, string binding) =>
        decimal.Parse(DecryptString(stored, binding), CultureInfo.InvariantCulture);
}
