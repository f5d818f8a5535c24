using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;
using MudBlazor;
using ScorePortal.Components.Forms;

namespace ScorePortal.Features.Catalog;

/// <summary>
/// What the catalog page and its panels share: the acting admin, field errors shown next to their fields, the
/// stale-edit check and confirmations. Each panel owns its form; the page owns the lists.
/// </summary>
public abstract class CatalogPanel : ComponentBase
{
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    [Inject] protected IStringLocalizer<SharedResource> L { get; set; } = default!;

    [Inject] protected IDialogService Dialogs { get; set; } = default!;

    [Inject] protected ISnackbar Snackbar { get; set; } = default!;

    /// <summary>A save is running: its button stays disabled so a double click saves once.</summary>
    protected bool Busy { get; set; }

    protected async Task<string?> UserIdAsync() =>
        (await AuthState).User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value;

    /// <summary>Someone else saved the record since the form was opened.</summary>
    protected static bool IsStale(EditResult result) => result.Keys.Contains(EditVersion.Stale);

    protected async Task<bool> ConfirmAsync(string title, string message, string yes) =>
        await Dialogs.ShowMessageBoxAsync(title, message, yesText: yes, cancelText: L["Admin.Cancel"]) == true;

    protected static bool Has(IReadOnlyList<EditError> errors, string field) => errors.Any(e => e.Field == field);

    protected string? Msg(IReadOnlyList<EditError> errors, string field)
    {
        var messages = errors.Where(e => e.Field == field).Select(e => L[e.Key, e.Args].Value).ToList();
        return messages.Count == 0 ? null : string.Join(" ", messages);
    }
}
