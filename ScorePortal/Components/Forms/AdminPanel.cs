using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace ScorePortal.Components.Forms;

/// <summary>
/// What every admin area's interactive panels share: the acting admin, the address the admin reached the portal by,
/// refusals shown next to their fields, and a busy flag that keeps a double click from acting twice. Areas derive their
/// own panel from it (<c>AccountAdminPanel</c>, <c>EnterpriseAdminPanel</c>).
/// </summary>
public abstract class AdminPanel : ComponentBase
{
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    [Inject] protected IStringLocalizer<SharedResource> L { get; set; } = default!;

    [Inject] protected ISnackbar Snackbar { get; set; } = default!;

    [Inject] protected NavigationManager Navigation { get; set; } = default!;

    protected bool Busy { get; set; }

    /// <summary>The signed-in admin (the area's policy let only admins with a second factor in).</summary>
    protected async Task<string> AdminIdAsync() =>
        (await AuthState).User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value
        ?? throw new InvalidOperationException("The admin area runs for a signed-in admin only.");

    /// <summary>The portal's address as the admin reached it: the base of links in invitation emails (unless configured).</summary>
    protected Uri RequestBase => new(Navigation.BaseUri);

    protected static bool Has(IReadOnlyList<EditError> errors, string field) => errors.Any(e => e.Field == field);

    /// <summary>The localized refusals of <paramref name="field"/>, one text; null when there is none.</summary>
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
