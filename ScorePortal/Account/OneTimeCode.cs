using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Model;

namespace ScorePortal.Account;

/// <summary>
/// A 6-digit code sent by email to prove control of an address (the second verification before a download, the
/// confirmation of a record link). Stored only as a salted hash; 5 minutes, one use, 5 tries.
/// </summary>
public sealed class OneTimeCode
{
    public const int Digits = 6;
    public const int MaxAttempts = 5;
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    public long Id { get; set; }

    public string UserId { get; set; } = "";

    /// <summary>What the code proves, e.g. "step-up" or "link:42" (the record it links).</summary>
    public string Purpose { get; set; } = "";

    public byte[] Salt { get; set; } = [];
    public byte[] CodeHash { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset? UsedAt { get; set; }

    public static string NewCode() => RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    public static byte[] Hash(byte[] salt, string code) =>
        SHA256.HashData([.. salt, .. Encoding.ASCII.GetBytes(code)]);

    public bool Matches(string code) =>
        code.Length == Digits && code.All(char.IsAsciiDigit) && CryptographicOperations.FixedTimeEquals(Hash(Salt, code), CodeHash);
}

internal sealed class OneTimeCodeConfiguration : IEntityTypeConfiguration<OneTimeCode>
{
    public void Configure(EntityTypeBuilder<OneTimeCode> builder)
    {
        builder.Property(c => c.UserId).HasMaxLength(450);
        builder.Property(c => c.Purpose).HasMaxLength(64).IsUnicode(false);
        builder.Property(c => c.Salt).HasMaxLength(16);
        builder.Property(c => c.CodeHash).HasMaxLength(32);
        builder.HasIndex(c => new { c.UserId, c.Purpose });
        builder.HasOne<ApplicationUser>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
