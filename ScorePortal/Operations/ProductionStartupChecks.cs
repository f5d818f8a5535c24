using Microsoft.Extensions.Options;
using ScorePortal.Platform.Limits;
using ScorePortal.Platform.Notices.Sms;

namespace ScorePortal.Operations;

/// <summary>
/// Production refuses to start, with every reason at once (and with every other setting's problem: <see cref="StartupRefusal"/>), when a setting is missing that would otherwise break the
/// first request or quietly weaken it (the keys are checked by their own options, see <c>AddSecurityKeys</c>):
/// <list type="bullet">
/// <item>No HTTPS at all: neither an <c>https://</c> endpoint of its own (<c>urls</c>, <c>Kestrel:Endpoints</c>) nor a
/// trusted TLS-terminating proxy (<c>ForwardedHeaders:KnownProxies</c>/<c>KnownNetworks</c>). Secure cookies and
/// antiforgery would answer 500 on every page.</item>
/// <item>No public address (<c>Portal:PublicBaseUrl</c>, https): QR codes and links in emails would be built from the
/// request's Host header, which a client chooses.</item>
/// <item>No <c>Passkeys:ServerDomain</c> (a host name, the public address's host or a parent of it): passkeys are bound to it.</item>
/// <item>No <c>Reviews:FilesDirectory</c>: review materials would be stored inside the release folder and lost at the
/// next upgrade.</item>
/// <item>No <c>Audit:CheckpointDirectory</c>: the signed audit checkpoints kept outside the database would land beside
/// the binaries (read-only under the systemd unit) instead of on storage the database's administrators cannot
/// rewrite.</item>
/// <item>No writable, absolute <c>Audit:Archive:Directory</c>: archived audit entries exist nowhere else.</item>
/// <item><c>Enterprises:Webhooks:AllowLoopbackHttpForTests</c> set: webhook notices could reach the server's own loopback
/// services over plain HTTP.</item>
/// <item><c>Redis:Configuration</c> reaching a Redis over the network without a password and TLS (docs/scale.md): the shared
/// limits store holds every block, lock and spent captcha token of every instance.</item>
/// <item><c>Sms:Adapter=Folder</c>: the development SMS adapter writes messages holding ID numbers and scores to a folder
/// (docs/sms.md); Production starts with SMS off unless <c>Sms:Adapter=Http</c> names a gateway.</item>
/// <item><c>Sms:Adapter=Http</c> without an https:// <c>Sms:Http:Url</c> (http only to loopback), a <c>Sms:Http:Token</c> or a
/// <c>Sms:CallbackSecret</c>.</item>
/// </list>
/// </summary>
public static class ProductionStartupChecks
{
    public static WebApplicationBuilder AddProductionStartupChecks(this WebApplicationBuilder builder, string[] args)
    {
        // These settings are what serving needs. A command (or an unknown verb, answered with the list of commands)
        // is an operator at the server's shell: it is refused by what it needs itself, not by a missing https URL.
        if (!builder.Environment.IsProduction() || (args.Length > 0 && !PortalCommands.IsOption(args[0]))) return builder;
        // Reported with every options validation failure at once (StartupRefusal), before anything touches the database;
        // a host started otherwise (the test host) refuses at its start.
        var problems = Problems(builder.Configuration).ToList();
        builder.Services.AddSingleton<IValidateOptions<ProductionSettings>>(new ProductionSettingsValidation(problems));
        builder.Services.AddOptions<ProductionSettings>().ValidateOnStart();
        return builder;
    }

    /// <summary>The settings serving needs in Production, checked as one options type so they are reported with the others.</summary>
    internal sealed class ProductionSettings;

    private sealed class ProductionSettingsValidation(IReadOnlyList<string> problems) : IValidateOptions<ProductionSettings>
    {
        public ValidateOptionsResult Validate(string? name, ProductionSettings options) =>
            problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    internal static IEnumerable<string> Problems(IConfiguration configuration)
    {
        if (!HasHttpsEndpoint(configuration) && !HasTrustedProxy(configuration))
            yield return "No HTTPS: configure an https:// endpoint (urls or Kestrel:Endpoints) or, behind a reverse proxy that " +
                "terminates TLS, the proxy's address in ForwardedHeaders:KnownProxies (or its network in ForwardedHeaders:KnownNetworks). " +
                "Sign-in cookies and antiforgery need HTTPS; without it every form would fail.";
        if (!Uri.TryCreate(configuration["Portal:PublicBaseUrl"], UriKind.Absolute, out var publicBase) || publicBase.Scheme != Uri.UriSchemeHttps)
            yield return "Portal:PublicBaseUrl must be the portal's public https:// address (e.g. https://scores.example.org): " +
                "QR codes on score reports and links in emails use it, never the request's Host header.";
        if (PasskeyDomainProblem(configuration["Passkeys:ServerDomain"], publicBase) is { } passkeys) yield return passkeys;
        if (string.IsNullOrWhiteSpace(configuration["Reviews:FilesDirectory"]))
            yield return "Reviews:FilesDirectory must name a writable directory outside the release folder (e.g. " +
                "/var/lib/scoreportal/review-files): candidates' review materials are kept there, encrypted, and must survive upgrades.";
        if (bool.TryParse(configuration["Enterprises:Webhooks:AllowLoopbackHttpForTests"], out var loopback) && loopback)
            yield return "Enterprises:Webhooks:AllowLoopbackHttpForTests lets webhook notices go over plain HTTP to loopback, for the " +
                "test host's own listener only: remove it (notices go over HTTPS to public addresses only).";
        if (string.IsNullOrWhiteSpace(configuration["Audit:CheckpointDirectory"]))
            yield return "Audit:CheckpointDirectory must name a writable directory outside the database's reach (another volume, " +
                "an append-only mount): every signed audit checkpoint is appended there, and verify-audit checks the database against it.";
        if (ArchiveDirectoryProblem(configuration["Audit:Archive:Directory"]) is { } archive) yield return archive;
        if (configuration.ReadWhileBuilding<RedisLimitsOptions>(RedisLimitsOptions.Section) is { Enabled: true } redis && !redis.IsSafeForProduction())
            yield return "Redis:Configuration reaches Redis over the network without a password and TLS: add password=… and ssl=true " +
                "(or use a loopback endpoint). Whoever reaches the shared limits store could lift every block and un-spend captcha tokens.";
        if (string.Equals(configuration[$"{SmsOptions.Section}:{nameof(SmsOptions.Adapter)}"]?.Trim(), nameof(SmsAdapter.Folder), StringComparison.OrdinalIgnoreCase))
            yield return "Sms:Adapter=Folder is the development SMS adapter (messages with ID numbers and scores written to a folder, read at " +
                "/dev/sms): remove it. Production starts with SMS off (Sms:Adapter=Off), or sends through a gateway with Sms:Adapter=Http (docs/sms.md).";
        foreach (var problem in SmsGatewayProblems(configuration)) yield return problem;
    }

    /// <summary>
    /// <c>Sms:Adapter=Http</c> in Production: an https:// gateway (plain http only to a relay on loopback: replies hold ID
    /// numbers and scores), its bearer token, and the callback secret the inbound side needs.
    /// </summary>
    internal static IEnumerable<string> SmsGatewayProblems(IConfiguration configuration)
    {
        if (!string.Equals(configuration[$"{SmsOptions.Section}:{nameof(SmsOptions.Adapter)}"]?.Trim(), nameof(SmsAdapter.Http), StringComparison.OrdinalIgnoreCase))
            yield break;
        var url = configuration["Sms:Http:Url"];
        if (!Uri.TryCreate(url, UriKind.Absolute, out var gateway)
            || !(gateway.Scheme == Uri.UriSchemeHttps || (gateway.Scheme == Uri.UriSchemeHttp && gateway.IsLoopback)))
            yield return "Sms:Adapter=Http needs Sms:Http:Url, the gateway's https:// address (plain http only to a relay on loopback): " +
                "each reply carries an ID number's scores.";
        if (configuration["Sms:Http:Token"] is not { Length: >= SmsHttpOptions.MinTokenLength })
            yield return $"Sms:Adapter=Http needs Sms:Http:Token, the gateway's bearer token (at least {SmsHttpOptions.MinTokenLength} characters; " +
                "set it in the environment or the key file, not in a settings file).";
        if (configuration["Sms:CallbackSecret"] is not { Length: >= SmsOptions.MinSecretLength })
            yield return $"Sms:Adapter=Http needs Sms:CallbackSecret (at least {SmsOptions.MinSecretLength} characters): the gateway signs " +
                "every inbound message with it (docs/sms.md).";
    }

    /// <summary>
    /// Passkeys are bound to one relying-party id for good: it is set, a host name (a browser refuses an IP address), and
    /// the public address's host or a parent domain of it, or no browser would create or use a passkey.
    /// </summary>
    internal static string? PasskeyDomainProblem(string? domain, Uri? publicBase)
    {
        const string What = "Passkeys:ServerDomain must be the portal's host name (e.g. scores.example.org, no scheme or port, " +
            "never an IP address): every passkey is bound to it for good, and the request's Host header is chosen by the client.";
        if (string.IsNullOrWhiteSpace(domain)) return What;
        if (Uri.CheckHostName(domain) != UriHostNameType.Dns || System.Net.IPAddress.TryParse(domain, out _)) return What;
        if (publicBase is not null && !publicBase.Host.Equals(domain, StringComparison.OrdinalIgnoreCase)
            && !publicBase.Host.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase))
            return $"Passkeys:ServerDomain ({domain}) must be Portal:PublicBaseUrl's host ({publicBase.Host}) or a parent domain " +
                "of it: browsers create and use passkeys only for the site's own domain.";
        return null;
    }

    /// <summary>
    /// Audit archives hold the only copy of the entries they took out of the database: an absolute directory that exists
    /// (or can be made) and takes a file, on storage every instance shares (its lock file is the archiving lease).
    /// </summary>
    internal static string? ArchiveDirectoryProblem(string? directory)
    {
        const string Why = "old audit entries are moved there (signed, compressed) and deleted from the database, and every instance " +
            "must see the same directory; see docs/deploy.md.";
        if (string.IsNullOrWhiteSpace(directory) || !Path.IsPathRooted(directory))
            return "Audit:Archive:Directory must name an absolute, writable directory outside the release folder (e.g. " +
                "/var/lib/scoreportal/audit-archive): " + Why;
        try
        {
            Directory.CreateDirectory(directory);
            using var probe = new FileStream(Path.Combine(directory, $".write-test-{Guid.NewGuid():N}"), FileMode.CreateNew,
                FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            probe.WriteByte(0);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"Audit:Archive:Directory ({directory}) cannot be written by the portal ({e.GetType().Name}): " + Why;
        }
    }

    private static bool HasHttpsEndpoint(IConfiguration configuration) =>
        (configuration["urls"] ?? "").Split(';').Any(u => u.Trim().StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        || !string.IsNullOrWhiteSpace(configuration["https_ports"])
        || configuration.GetSection("Kestrel:Endpoints").GetChildren()
            .Any(e => (e["Url"] ?? "").StartsWith("https://", StringComparison.OrdinalIgnoreCase));

    private static bool HasTrustedProxy(IConfiguration configuration) =>
        new[] { "ForwardedHeaders:KnownProxies", "ForwardedHeaders:KnownNetworks" }
            .Any(section => configuration.GetSection(section).GetChildren().Any(c => !string.IsNullOrWhiteSpace(c.Value)));
}
