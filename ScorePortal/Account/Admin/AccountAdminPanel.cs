using System.Globalization;
using MudBlazor;
using ScorePortal.Components.Forms;
using ScorePortal.Localization;
using ScorePortal.Security;

namespace ScorePortal.Account.Admin;

/// <summary>
/// What the account pages share besides <see cref="AdminPanel"/>: the change waiting for its authenticator code
/// (<see cref="AdminCodeConfirm"/>: every change is confirmed with a fresh code) and this page's refusals.
/// </summary>
public abstract class AccountAdminPanel : AdminPanel
{
    /// <summary>The change shown with the code field, waiting for the admin's code.</summary>
    protected PendingChange? Pending { get; set; }

    /// <summary>Why the code was refused (wrong, used, locked), shown under the code field.</summary>
    protected string? CodeError { get; set; }

    protected IReadOnlyList<EditError> Errors { get; set; } = [];

    /// <summary>A change described for the admin, run with the code they type (<paramref name="Run"/>), then <paramref name="Done"/>.</summary>
    protected sealed record PendingChange(string Title, string Text, string ConfirmLabel, Color Color,
        Func<AccountActor, Task<AccountAdminResult>> Run, Func<AccountAdminResult, Task> Done);

    /// <summary>The page's language, for the emails the change sends.</summary>
    protected static string Culture => CultureInfo.CurrentUICulture.IsEnglish() ? LocalizationExtensions.EnglishCulture : LocalizationExtensions.DefaultCulture;

    protected string RoleName(string role) => L["AccountsAdmin.Role." + role];

    protected void Ask(PendingChange change)
    {
        Pending = change;
        CodeError = null;
        Errors = [];
    }

    protected void CancelPending()
    {
        Pending = null;
        CodeError = null;
    }

    /// <summary>Runs the pending change with <paramref name="code"/>: a refused code keeps the prompt open, anything else closes it.</summary>
    protected Task ConfirmAsync(string? code) => RunAsync(async () =>
    {
        if (Pending is not { } change) return;
        var result = await change.Run(AccountActor.Admin(await AdminIdAsync(), code));
        if (!result.Succeeded && result.Errors.All(e => e.Field == "Code"))
        {
            CodeError = L[result.ErrorKey!];
            return;
        }
        Pending = null;
        CodeError = null;
        Errors = result.Errors;
        if (result.Succeeded) await change.Done(result);
    });

    protected bool Has(string field) => Has(Errors, field);

    protected string? Msg(string field) => Msg(Errors, field);

    /// <summary>An account's state as the list and the page show it.</summary>
    protected static string StatusKey(bool disabled, bool accepted, bool enrolled, IEnumerable<string> roles) =>
        disabled ? "AccountsAdmin.Status.Disabled"
        : !accepted ? "AccountsAdmin.Status.Invited"
        : !enrolled && roles.Any(r => Roles.Privileged.Contains(r)) ? "AccountsAdmin.Status.NoAuthenticator"
        : "AccountsAdmin.Status.Active";
}
