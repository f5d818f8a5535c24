namespace ScorePortal.Security;

/// <summary>
/// The authorization policies of the areas, by name: pages and endpoints of every feature require them, the account
/// feature defines what each demands (role, second factor; Account/AccountExtensions.cs).
/// </summary>
public static class Policies
{
    public const string AdminArea = nameof(AdminArea);
    public const string StaffArea = nameof(StaffArea);
    public const string ExpertArea = nameof(ExpertArea);
    public const string EnterpriseArea = nameof(EnterpriseArea);
}
