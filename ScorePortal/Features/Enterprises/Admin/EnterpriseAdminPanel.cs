using Microsoft.AspNetCore.Components;
using MudBlazor;
using ScorePortal.Components.Forms;

namespace ScorePortal.Features.Enterprises.Admin;

/// <summary>
/// What the enterprise admin pages and their panels share besides <see cref="AdminPanel"/>: confirmations before
/// destructive actions.
/// </summary>
public abstract class EnterpriseAdminPanel : AdminPanel
{
    [Inject] protected IDialogService Dialogs { get; set; } = default!;

    protected async Task<bool> ConfirmAsync(string title, string message, string yes) =>
        await Dialogs.ShowMessageBoxAsync(title, message, yesText: yes, cancelText: L["Admin.Cancel"]) == true;
}
