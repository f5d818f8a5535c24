namespace ScorePortal.Features.Enterprises;

/// <summary>
/// The fields an enterprise receives for a consenting employee, by their names in the API's answer. The consent page
/// lists exactly these before the candidate agrees, the consent stores them, and the access log names them per call.
/// </summary>
public static class ConsentFields
{
    public const string NameMasked = "name_masked";
    public const string Session = "session";
    public const string Level = "level";
    public const string Score = "score";
    public const string Pass = "pass";
    public const string CertNo = "cert_no";
    public const string Subjects = "subjects";
    public const string History = "history";

    public static readonly IReadOnlyList<string> All = [Score, Pass, CertNo, NameMasked, Session, Level, Subjects, History];

    /// <summary>As stored in <see cref="Consent.Fields"/> and <see cref="ApiAccess.Fields"/>.</summary>
    public static string Text(IEnumerable<string> fields) => string.Join(',', fields);

    public static readonly string AllText = Text(All);
}
