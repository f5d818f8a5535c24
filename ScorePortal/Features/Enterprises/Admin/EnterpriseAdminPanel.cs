using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Localization;
using MudBlazor;
using ScorePortal.Components.Forms;

namespace ScorePortal.Features.Enterprises.Admin;

/// <summary>
/// What the enterprise admin pages and their panels share: the acting admin, messages shown next to their fields,
/// confirmations before destructive actions, and a busy flag that keeps a double click from acting twice.
/// </summary>
public abstract class EnterpriseAdminPanel : ComponentBase
{
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    [Inject] protected IStringLocalizer<SharedResource> L { get; set; } = default!;

    [Inject] protected IDialogService Dialogs { get; set; } = default!;

    [Inject] protected ISnackbar Snackbar { get; set; } = default!;

    [Inject] protected NavigationManager Navigation { get; set; } = default!;

    protected bool Busy { get; set; }

    /// <summary>The signed-in admin (the area's policy let only admins with a second factor in).</summary>
    protected async Task<string> AdminIdAsync() =>
        (await AuthState).User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value
        ?? throw new InvalidOperationException("The admin area runs for a signed-in admin only.");

    /// <summary>The portal's address as the admin reached it: the base of links in invitation emails (unless configured).</summary>
    protected Uri RequestBase => new(Navigation.BaseUri);

    protected async Task<bool> ConfirmAsync(string title, string message, string yes) =>
        await Dialogs.ShowMessageBoxAsync(title, message, yesText: yes, cancelText: L["Admin.Cancel"]) == true;

    protected static bool Has(IReadOnlyList<EditError> errors, string field) => errors.Any(e => e.Field == field);

    protected string? Msg(IReadOnlyList<EditError> errors, string field)
    {
        var messages = errors.Where(e => e.Field == field).Select(e => L[e.Key, e.Args].Value).ToList();
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
}
