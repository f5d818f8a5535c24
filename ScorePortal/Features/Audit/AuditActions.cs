namespace ScorePortal.Features.Audit;

/// <summary>The names of audited actions, in one place so the admin audit view and tests agree on them.</summary>
public static class AuditActions
{
    public const string SignIn = "account.signin";
    public const string SignInSecondFactor = "account.signin.2fa";
    public const string SignInRecoveryCode = "account.signin.recovery";
    public const string SignOut = "account.signout";
    public const string Register = "account.register";
    public const string EnrollAuthenticator = "account.mfa.enroll";
    public const string ConfirmAuthenticator = "account.mfa.confirm";
    public const string ScoreLookup = "score.lookup";
}
