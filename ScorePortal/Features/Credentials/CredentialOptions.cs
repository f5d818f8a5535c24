namespace ScorePortal.Features.Credentials;

/// <summary>Settings of the verifiable credentials (section <c>Credentials</c>, docs/credentials.md).</summary>
public sealed class CredentialOptions
{
    public const string Section = "Credentials";

    /// <summary>
    /// How long a signed status list is served from the cache (seconds, 1-3600): a revocation or supersession shows in
    /// the lists within this time (a change made on this instance shows at once). Also the lists' <c>ttl</c>.
    /// </summary>
    public int StatusListCacheSeconds { get; set; } = 60;

    /// <summary>The issuer's name in every credential (the Open Badges issuer profile).</summary>
    public string IssuerName { get; set; } = "计算机技术与软件专业技术资格考试成绩门户";
}
