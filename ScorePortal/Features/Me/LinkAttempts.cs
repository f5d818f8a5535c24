using Microsoft.Extensions.Options;
using ScorePortal.Operations;
using ScorePortal.Platform.Limits;

namespace ScorePortal.Features.Me;

public sealed class LinkLimitsOptions
{
    public const string Section = "Me:LinkLimits";

    /// <summary>Wrong link attempts (ID, name and ticket that match no record) one account may make per hour (0 = no limit).</summary>
    public int WrongPerAccountPerHour { get; set; } = 5;

    /// <summary>Wrong link attempts from one address per hour, whatever the account (0 = no limit).</summary>
    public int WrongPerAddressPerHour { get; set; } = 20;
}

/// <summary>
/// Counts wrong attempts to link a record, per account and per address, in the limits store like the lookup's limits
/// (a sliding hour each): linking proves the same facts a lookup does, so guessing must cost as much. Only wrong
/// attempts spend the budget.
/// </summary>
public sealed class LinkAttempts(IOptions<LinkLimitsOptions> options, ILimitsStore store)
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private readonly LinkLimitsOptions _options = options.Value;

    public async ValueTask<bool> IsExhaustedAsync(string userId, string? address) =>
        (_options.WrongPerAccountPerHour > 0 && await store.HitsAsync(AccountKey(userId), Hour) >= _options.WrongPerAccountPerHour)
        || (address is not null && _options.WrongPerAddressPerHour > 0
            && await store.HitsAsync(AddressKey(address), Hour) >= _options.WrongPerAddressPerHour);

    public async ValueTask RecordWrongAsync(string userId, string? address)
    {
        if (_options.WrongPerAccountPerHour > 0) await store.HitAsync(AccountKey(userId), Hour, _options.WrongPerAccountPerHour);
        if (address is not null && _options.WrongPerAddressPerHour > 0)
            await store.HitAsync(AddressKey(address), Hour, _options.WrongPerAddressPerHour);
    }

    // The account's id (a GUID, no personal data) and the address's limit key, as before.
    private static string AccountKey(string userId) => "link:account:" + userId;

    private static string AddressKey(string address) => "link:addr:" + ClientAddress.LimitKey(address);
}
