namespace ScorePortal.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class LocalhostBrowserCollection : ICollectionFixture<LocalhostPlaywrightFixture>
{
    public const string Name = "Browser on localhost";
}

/// <summary>
/// The browser fixture with the portal reached as <c>http://localhost:port</c>, not <c>127.0.0.1</c>: WebAuthn refuses an
/// IP address as the relying-party id, and a page on plain http is a secure context (which WebAuthn needs) only on
/// localhost. Passkeys are bound to <c>Passkeys:ServerDomain</c> = localhost (set here, as in appsettings.Development.json).
/// </summary>
public sealed class LocalhostPlaywrightFixture() : PlaywrightFixture(new Dictionary<string, string?> { ["Passkeys:ServerDomain"] = "localhost" })
{
    protected override string? HostName => "localhost";
}
