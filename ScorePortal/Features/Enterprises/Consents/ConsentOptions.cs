namespace ScorePortal.Features.Enterprises.Consents;

/// <summary>Limits of the consent pages (<c>Enterprises:Consents</c>).</summary>
public sealed class ConsentOptions
{
    public const string Section = "Enterprises:Consents";

    /// <summary>
    /// Grant attempts (verified and well-formed, granted or refused) one account may make per hour (0 = no limit): a
    /// refusal says that an employee id is taken at an enterprise, so trying ids must stay slow.
    /// </summary>
    public int GrantsPerAccountPerHour { get; set; } = 10;
}
