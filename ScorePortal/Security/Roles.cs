


namespace ScorePortal.Security;

public static class Roles
{
    public const string Candidate = nameof(Candidate);
    public const string Staff = nameof(Staff);
    public const string Expert = nameof(Expert);
    public const string Admin = nameof(Admin);

    /// <summary>A person acting for one enterprise (<c>Features/Enterprises/EnterpriseMember</c>).</summary>
    public const string Enterprise = nameof(Enterprise);

    public static readonly string[] All = [Candidate, Staff, Expert, Admin, Enterprise];

    /// <summary>Roles whose areas open only after a TOTP authenticator is enrolled and used at sign-in.</summary>
    public static readonly string[] Privileged = [Staff, Expert, Admin, Enterprise];
}
