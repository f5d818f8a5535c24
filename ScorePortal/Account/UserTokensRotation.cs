using ScorePortal.Data;
using ScorePortal.Security;

namespace ScorePortal.Account;

/// <summary>
/// <c>rotate-keys</c>: authenticator keys sealed again under the current key; any still in plain text (or recovery
/// codes not yet hashed), from before the store protected them, are protected now.
/// </summary>
internal sealed class UserTokensRotation(KeyDerivation keys) : IKeyRotationStep
{
    public string Name => "User tokens";

    public Task<int> RotateAsync(ScorePortalDbContext db, FieldProtector protector, CancellationToken ct) =>
        PortalUserStore.ProtectStoredTokensAsync(db, protector, keys, ct);
}
