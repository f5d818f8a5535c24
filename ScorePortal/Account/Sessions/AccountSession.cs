using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScorePortal.Data;
using ScorePortal.Model;

namespace ScorePortal.Account.Sessions;

/// <summary>
/// One sign-in of an account: a browser holding the portal's sign-in cookie. The cookie carries a random session id
/// (claim <see cref="AccountSessions.ClaimType"/>); the row is keyed by a hash of it, so the table alone opens no
/// session. A cookie whose row is gone is no longer a session (<see cref="AccountSessions.ValidateAsync"/>): signing a
/// session out, "sign out everywhere else" and a password reset delete rows. What the owner sees of it is coarse on
/// purpose: the browser and system in plain words, the client address with its host part masked, when it was last seen.
/// </summary>
public sealed class AccountSession
{
    /// <summary>SHA-256 (hex, 64) of the session id in the cookie.</summary>
    public string Id { get; set; } = "";

    public string UserId { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Updated at most every <see cref="AccountSessions.TouchInterval"/> while the session is used.</summary>
    public DateTimeOffset LastSeenAt { get; set; }

    /// <summary>The browser's family (Chrome, Firefox, Edge, Safari, WeChat, …) or "other".</summary>
    public string Browser { get; set; } = "";

    /// <summary>The operating system's family (Windows, macOS, Android, iOS, Linux, …) or "other".</summary>
    public string System { get; set; } = "";

    /// <summary>Whether the browser said it runs on a phone or tablet.</summary>
    public bool Mobile { get; set; }

    /// <summary>The client address with its host part masked (198.51.100.0/24, 2001:db8:1:2::/64): never the full address.</summary>
    public string? Network { get; set; }
}

internal sealed class AccountSessionConfiguration : IEntityTypeConfiguration<AccountSession>
{
    public void Configure(EntityTypeBuilder<AccountSession> builder)
    {
        builder.ToTable("AccountSessions");
        builder.Property(s => s.Id).HasMaxLength(64).IsUnicode(false);
        builder.Property(s => s.UserId).HasMaxLength(450);
        builder.Property(s => s.Browser).HasMaxLength(32).IsUnicode(false);
        builder.Property(s => s.System).HasMaxLength(32).IsUnicode(false);
        builder.Property(s => s.Network).HasMaxLength(64).IsUnicode(false);
        builder.Property(s => s.CreatedAt).HasConversion(UnixTime.Milliseconds);
        builder.Property(s => s.LastSeenAt).HasConversion(UnixTime.Milliseconds);
        builder.HasOne<ApplicationUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(s => s.UserId);
        builder.HasIndex(s => s.LastSeenAt);
    }
}
