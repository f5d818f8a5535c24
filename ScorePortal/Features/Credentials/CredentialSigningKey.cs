using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScorePortal.Security;

namespace ScorePortal.Features.Credentials;

/// <summary>
/// One ES256 (P-256) key the portal signs verifiable credentials and status lists with. The newest key that is not
/// retired signs; a retired key stays in the DID document while a credential it signed is still valid
/// (<see cref="CredentialKeys.ListedAsync"/>). The private key is kept in the database, sealed like every
/// <c>[Encrypted]</c> column, so a deployment needs no key file for it.
/// </summary>
public sealed class CredentialSigningKey : RowBound
{
    public int Id { get; set; }

    /// <summary>The public key as a JWK (kty, crv, x, y): what the DID document lists.</summary>
    public string PublicJwk { get; set; } = "";

    /// <summary>The private key, PKCS#8 in base64.</summary>
    [Encrypted]
    public string PrivateKey { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When a newer key took over signing; null while this key signs.</summary>
    public DateTimeOffset? RetiredAt { get; set; }

    /// <summary>The fragment of its verification method in the DID document: <c>did:web:host#key-3</c>.</summary>
    public string Fragment => "key-" + Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

internal sealed class CredentialSigningKeyConfiguration : IEntityTypeConfiguration<CredentialSigningKey>
{
    public void Configure(EntityTypeBuilder<CredentialSigningKey> builder)
    {
        builder.Ignore(k => k.Fragment);
        builder.Property(k => k.PublicJwk).HasMaxLength(512).IsUnicode(false);
        builder.HasIndex(k => k.RetiredAt);
    }
}
