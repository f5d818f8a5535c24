using System.Collections.Concurrent;

namespace ScorePortal.Account.Admin;

/// <summary>
/// The interactive circuits open on this instance, by account. When an admin disables an account, resets its
/// authenticator or changes its roles, its circuits here check their sign-in at once instead of at their next periodic
/// check (<see cref="RevalidatingIdentityAuthenticationStateProvider"/>, every minute): the open admin page of a
/// disabled admin stops working in the moment. Circuits on other instances still stop within the minute.
/// </summary>
public sealed class OpenCircuits
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<object, Func<Task>>> _byUser = new(StringComparer.Ordinal);

    /// <summary>Registers <paramref name="recheck"/> for <paramref name="userId"/> until the returned handle is disposed.</summary>
    public IDisposable Register(string userId, Func<Task> recheck)
    {
        var handle = new Registration(this, userId);
        _byUser.GetOrAdd(userId, _ => new ConcurrentDictionary<object, Func<Task>>())[handle] = recheck;
        return handle;
    }

    /// <summary>Has every circuit of <paramref name="userId"/> on this instance check its sign-in now.</summary>
    public async Task RecheckAsync(string userId)
    {
        if (!_byUser.TryGetValue(userId, out var circuits)) return;
        foreach (var recheck in circuits.Values) await recheck();
    }

    internal int Count(string userId) => _byUser.TryGetValue(userId, out var circuits) ? circuits.Count : 0;

    private sealed class Registration(OpenCircuits owner, string userId) : IDisposable
    {
        public void Dispose()
        {
            if (owner._byUser.TryGetValue(userId, out var circuits) && circuits.TryRemove(this, out _) && circuits.IsEmpty)
                owner._byUser.TryRemove(new KeyValuePair<string, ConcurrentDictionary<object, Func<Task>>>(userId, circuits));
        }
    }
}
