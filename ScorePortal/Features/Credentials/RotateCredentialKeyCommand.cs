using ScorePortal.Operations;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Features.Credentials;

/// <summary>
/// <c>rotate-credential-key</c>: a new ES256 key signs credentials and status lists from now on; the keys it replaces
/// stay in the DID document while a credential they signed is still valid (docs/credentials.md, "Keys").
/// </summary>
public static class RotateCredentialKeyCommand
{
    public static readonly PortalCommand Command = new("rotate-credential-key",
        "Make a new credential-signing key (ES256); earlier keys stay listed in /.well-known/did.json while credentials they signed are valid", RunAsync);

    private static async Task<int> RunAsync(IServiceProvider services, CommandArguments args, TextWriter output)
    {
        var (key, retired) = await services.GetRequiredService<CredentialKeys>().RotateAsync();
        await services.GetRequiredService<AuditLog>().WriteDurableAsync(new AuditRecord(AuditActions.CredentialKeyRotate,
            TargetType: "credential-key", TargetId: key.Fragment,
            Data: new Dictionary<string, string?> { ["retired"] = retired.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
        output.WriteLine($"Credentials are signed with {key.Fragment} from now on; {retired} earlier key(s) retired.");
        return 0;
    }
}
