namespace ScorePortal.Account.Admin;

/// <summary>The refusals of the account use cases: resource keys, so pages, tests and the command line agree.</summary>
public static class AccountAdminErrors
{
    public const string NotAnAdmin = "AccountsAdmin.Error.NotAnAdmin";
    public const string NoAuthenticator = "AccountsAdmin.Error.NoAuthenticator";
    public const string CodeRequired = "AccountsAdmin.Error.CodeRequired";
    public const string WrongCode = "AccountsAdmin.Error.WrongCode";
    public const string LockedOut = "AccountsAdmin.Error.LockedOut";
    public const string NotFound = "AccountsAdmin.Error.NotFound";
    public const string RoleRequired = "AccountsAdmin.Error.RoleRequired";
    public const string ProvinceRequired = "AccountsAdmin.Error.ProvinceRequired";
    public const string UnknownProvince = "AccountsAdmin.Error.UnknownProvince";
    public const string LastAdmin = "AccountsAdmin.Error.LastAdmin";
    public const string OwnAdminRole = "AccountsAdmin.Error.OwnAdminRole";
    public const string OwnAccount = "AccountsAdmin.Error.OwnAccount";
    public const string GrantPending = "AccountsAdmin.Error.GrantPending";
    public const string GrantNotPending = "AccountsAdmin.Error.GrantNotPending";
    public const string OwnGrant = "AccountsAdmin.Error.OwnGrant";
    public const string NoAuthenticatorToReset = "AccountsAdmin.Error.NoAuthenticatorToReset";
    public const string AlreadyInState = "AccountsAdmin.Error.AlreadyInState";
    public const string NotManaged = "AccountsAdmin.Error.NotManaged";

    /// <summary>A refusal as the audit log names it: the key's last part in kebab case ("wrong-code").</summary>
    public static string AuditResult(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var name = key[(key.LastIndexOf('.') + 1)..];
        return string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : "") + char.ToLowerInvariant(c) : c.ToString()));
    }
}
