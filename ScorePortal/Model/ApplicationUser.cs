using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ScorePortal.Model;

public sealed class ApplicationUser : IdentityUser
{
    [PersonalData]
    public string? DisplayName { get; set; }

    /// <summary>Province code (GB/T 2260, two digits) that a Staff account is bound to.</summary>
    public string? ProvinceCode { get; set; }

    /// <summary>The last TOTP time step accepted for this user; a step is never accepted twice.</summary>
    public long LastTotpTimeStep { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// The password was given out by an admin (<c>create-account</c>): it must be changed before anything else
    /// (the account feature's password-change gate). Self-registered candidates and the demo accounts chose or know theirs.
    /// </summary>
    public bool MustChangePassword { get; set; }

    /// <summary>
    /// The version of the privacy notice the holder accepted (at registration, or when a new version was put to them at
    /// sign-in); null when none was recorded (an account made by an admin or an invitation).
    /// </summary>
    public int? PrivacyNoticeVersion { get; set; }

    public DateTimeOffset? PrivacyNoticeAcceptedAt { get; set; }

    /// <summary>
    /// The holder closed the account: the row is pseudonymized and locked for good, kept only so that the records the
    /// exam rules and the law keep (scores, reports, audit) still name an account id. Never reopened.
    /// </summary>
    public DateTimeOffset? ClosedAt { get; set; }
}

internal sealed class ApplicationUserConfiguration : IEntityTypeConfiguration<ApplicationUser>
{
    public void Configure(EntityTypeBuilder<ApplicationUser> builder)
    {
        builder.Property(u => u.DisplayName).HasMaxLength(100);
        builder.Property(u => u.ProvinceCode).HasMaxLength(2).IsUnicode(false);
        builder.HasIndex(u => u.ProvinceCode);
    }
}
