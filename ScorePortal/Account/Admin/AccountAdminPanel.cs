using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Localization;
using MudBlazor;
using ScorePortal.Components.Forms;
using ScorePortal.Localization;
using ScorePortal.Security;

namespace ScorePortal.Account.Admin;

/// <summary>
/// What the account pages share: the acting admin, the change waiting for its authenticator code
/// (<see cref="AdminCodeConfirm"/>: every change is confirmed with a fresh code), refusals shown next to their fields,
/// and a busy flag that keeps a double click from acting twice.
/// </summary>
public abstract class AccountAdminPanel : ComponentBase
{
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    [Inject] protected IStringLocalizer<SharedResource> L { get; set; } = default!;

    [Inject] protected ISnackbar Snackbar { get; set; } = default!;

    [Inject] protected NavigationManager Navigation { get; set; } = default!;

    protected bool Busy { get; set; }

    /// <summary>The change shown with the code field, waiting for the admin's code.</summary>
    protected PendingChange? Pending { get; set; }

    /// <summary>Why the code was refused (wrong, used, locked), shown under the code field.</summary>
    protected string? CodeError { get; set; }

    protected IReadOnlyList<EditError> Errors { get; set; } = [];

    /// <summary>A change described for the admin, run with the code they type (<paramref name="Run"/>), then <paramref name="Done"/>.</summary>
    protected sealed record PendingChange(string Title, string Text, string ConfirmLabel, Color Color,
        Func<AccountActor, Task<AccountAdminResult>> Run, Func<AccountAdminResult, Task> Done);

    /// <summary>The signed-in admin (the area's policy let only admins with a second factor in).</summary>
    protected async Task<string> AdminIdAsync() =>
        (await AuthState).User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value
        ?? throw new InvalidOperationException("The admin area runs for a signed-in admin only.");

    /// <summary>The portal's address as the admin reached it: the base of links in invitation emails (unless configured).</summary>
    protected Uri RequestBase => new(Navigation.BaseUri);

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

    protected bool Has(string field) => Errors.Any(e => e.Field == field);

    protected string? Msg(string field)
    {
        var messages = Errors.Where(e => e.Field == field).Select(e => L[e.Key, e.Args].Value).ToList();
        return messages.Count == 0 ? null : string.Join(" ", messages);
    }

    /// <summary>Runs <paramref name="action"/> with the busy flag set (buttons disabled meanwhile).</summary>
    protected async Task RunAsync(Func<Task> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (Busy) return;
        Busy = true;
        try
        {
            await action();
        }
        finally
        {
            Busy = false;
        }
    }

    /// <summary>An account's state as the list and the page show it.</summary>
    protected static string StatusKey(bool disabled, bool accepted, bool enrolled, IEnumerable<string> roles) =>
        disabled ? "AccountsAdmin.Status.Disabled"
        : !accepted ? "AccountsAdmin.Status.Invited"
        : !enrolled && roles.Any(r => Roles.Privileged.Contains(r)) ? "AccountsAdmin.Status.NoAuthenticator"
        : "AccountsAdmin.Status.Active";
}
