using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using ScorePortal.Data;

namespace ScorePortal.Account.Sessions;

/// <summary>What the owner sees of one of their sessions (<see cref="AccountSessions.ListAsync"/>).</summary>
public sealed record SessionView(string Id, string Browser, string System, bool Mobile, string? Network, DateTimeOffset CreatedAt,
    DateTimeOffset LastSeenAt, bool Current, bool SameNetwork);

/// <summary>
/// The server-side record of every sign-in (<see cref="AccountSession"/>): started when the sign-in cookie is issued,
/// checked when it is read (a cookie whose row is gone signs nobody in), touched at most every
/// <see cref="TouchInterval"/>, ended by its owner, by a password reset, and deleted once no cookie can still carry it.
/// A check is remembered for <see cref="CheckInterval"/> on this instance (ending a session here forgets it at once),
/// so a session ended on another instance stops within that minute; circuits check without the memory.
/// </summary>
public sealed class AccountSessions(IDbContextFactory<ScorePortalDbContext> dbFactory, TimeProvider time, IMemoryCache cache, ILogger<AccountSessions> logger)
{
    /// <summary>The claim of the sign-in cookie that names its session.</summary>
    public const string ClaimType = "ScorePortal.Session";

    /// <summary>How often a session's last-seen time is written while it is used.</summary>
    public static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(5);

    /// <summary>How long one instance trusts a check of a session before it reads the row again.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a row is kept after it was last seen: the cookie's sliding lifetime (a cookie not renewed for that
    /// long has expired) plus the touch interval the last-seen time may lag behind.
    /// </summary>
    public static readonly TimeSpan Retention = AccountExtensions.CookieLifetime + TouchInterval;

    /// <summary>Records a new session of <paramref name="userId"/> from <paramref name="request"/>'s browser; returns the id for the cookie.</summary>
    public async Task<string> StartAsync(string userId, HttpContext request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var sessionId = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var device = DeviceDescription.Parse(request.Request.Headers.UserAgent.ToString());
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.AccountSessions.Add(new AccountSession
        {
            Id = RowId(sessionId),
            UserId = userId,
            CreatedAt = now,
            LastSeenAt = now,
            Browser = device.Browser,
            System = device.System,
            Mobile = device.Mobile,
            Network = Network(request.Connection.RemoteIpAddress),
        });
        // The account's sessions that no cookie can carry any more go now; the hourly sweep finds the rest.
        await db.AccountSessions.Where(s => s.UserId == userId && s.LastSeenAt < now - Retention).ExecuteDeleteAsync(ct);
        await db.SaveChangesAsync(ct);
        cache.Set(CacheKey(RowId(sessionId)), now, CheckInterval);
        return sessionId;
    }

    /// <summary>
    /// Whether <paramref name="sessionId"/> is still a session of <paramref name="userId"/>; touches its last-seen time
    /// when it is due. <paramref name="remembered"/>: a check of the last minute on this instance may answer.
    /// </summary>
    public async ValueTask<bool> ValidateAsync(string userId, string sessionId, bool remembered = true, CancellationToken ct = default)
    {
        var id = RowId(sessionId);
        // The memory's own expiry runs on the machine's clock; the portal's decides (tests move it).
        if (remembered && cache.TryGetValue<DateTimeOffset>(CacheKey(id), out var checkedAt) && time.GetUtcNow() - checkedAt < CheckInterval)
            return true;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.AccountSessions.AsNoTracking().Where(s => s.Id == id && s.UserId == userId)
            .Select(s => new { s.LastSeenAt }).FirstOrDefaultAsync(ct);
        if (row is null)
        {
            cache.Remove(CacheKey(id));
            return false;
        }
        var now = time.GetUtcNow();
        if (now - row.LastSeenAt >= Retention) return false;
        if (now - row.LastSeenAt >= TouchInterval)
            await db.AccountSessions.Where(s => s.Id == id).ExecuteUpdateAsync(u => u.SetProperty(s => s.LastSeenAt, now), ct);
        cache.Set(CacheKey(id), now, CheckInterval);
        return true;
    }

    /// <summary>The sessions of <paramref name="userId"/>, the most recently seen first; <paramref name="current"/> marks this browser's.</summary>
    public async Task<IReadOnlyList<SessionView>> ListAsync(string userId, ClaimsPrincipal current, IPAddress? currentAddress, CancellationToken ct = default)
    {
        var currentId = current.FindFirstValue(ClaimType) is { } sid ? RowId(sid) : null;
        var here = Network(currentAddress);
        var since = time.GetUtcNow() - Retention;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.AccountSessions.AsNoTracking().Where(s => s.UserId == userId && s.LastSeenAt >= since)
            .OrderByDescending(s => s.LastSeenAt).Take(100).ToListAsync(ct);
        return [.. rows.Select(s => new SessionView(s.Id, s.Browser, s.System, s.Mobile, s.Network, s.CreatedAt, s.LastSeenAt,
            s.Id == currentId, here is not null && s.Network == here))];
    }

    /// <summary>Ends one session of <paramref name="userId"/> (<paramref name="rowId"/> as listed); false when it is not theirs or gone.</summary>
    public async Task<bool> EndAsync(string userId, string rowId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ended = await db.AccountSessions.Where(s => s.Id == rowId && s.UserId == userId).ExecuteDeleteAsync(ct);
        cache.Remove(CacheKey(rowId));
        return ended > 0;
    }

    /// <summary>Ends every session of <paramref name="userId"/> but <paramref name="keep"/>'s (the caller's own); returns how many ended.</summary>
    public async Task<int> EndOthersAsync(string userId, ClaimsPrincipal? keep, CancellationToken ct = default)
    {
        var keepId = keep?.FindFirstValue(ClaimType) is { } sid ? RowId(sid) : null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ids = await db.AccountSessions.Where(s => s.UserId == userId && s.Id != keepId).Select(s => s.Id).ToListAsync(ct);
        var ended = await db.AccountSessions.Where(s => s.UserId == userId && s.Id != keepId).ExecuteDeleteAsync(ct);
        foreach (var id in ids) cache.Remove(CacheKey(id));
        return ended;
    }

    /// <summary>Deletes the rows no cookie can carry any more; returns how many.</summary>
    public async Task<int> DeleteExpiredAsync(CancellationToken ct = default)
    {
        var before = time.GetUtcNow() - Retention;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var deleted = await db.AccountSessions.Where(s => s.LastSeenAt < before).ExecuteDeleteAsync(ct);
        if (deleted > 0) logger.LogInformation("Deleted {Count} expired account sessions", deleted);
        return deleted;
    }

    /// <summary>
    /// The client's network as the owner sees it: an IPv4 address without its last byte (198.51.100.0/24), an IPv6
    /// address by its /64. Never the full address: the page shows where a session is, roughly, not who is there.
    /// </summary>
    public static string? Network(IPAddress? address)
    {
        if (address is null) return null;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var bytes = address.GetAddressBytes();
            return $"{bytes[0]}.{bytes[1]}.{bytes[2]}.0/24";
        }
        return ScorePortal.Operations.ClientAddress.LimitKey(address);
    }

    /// <summary>The row of a session id: a hash, so the table holds nothing a cookie could be made from.</summary>
    public static string RowId(string sessionId) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sessionId)));

    private static string CacheKey(string rowId) => "account-session:" + rowId;
}
