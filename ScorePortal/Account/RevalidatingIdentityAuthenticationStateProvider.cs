using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using ScorePortal.Account.Admin;
using ScorePortal.Model;
using ScorePortal.Security;

namespace ScorePortal.Account;

/// <summary>
/// Interactive circuits outlive the request that started them, and their clicks renew no cookie. Every few minutes
/// the circuit's sign-in is checked again, with the same rules as a request: the account still exists and is not
/// locked, its session was not ended, its security stamp is unchanged (a password change, a reset authenticator, a change of roles rotate it),
/// the roles the circuit acts with are still the account's, and a staff, expert or admin circuit has not been idle
/// for <see cref="AccountExtensions.StaffIdleTimeout"/> (no click, key or navigation in it). A circuit that fails
/// loses its sign-in: its pages show the sign-in prompt instead of the area.
/// </summary>
internal sealed class RevalidatingIdentityAuthenticationStateProvider : RevalidatingServerAuthenticationStateProvider
{
    private readonly IServiceScopeFactory _scopeFactory;
    private readonly IOptions<IdentityOptions> _options;
    private readonly CircuitActivity _activity;
    private readonly TimeProvider _time;
    private readonly OpenCircuits _circuits;
    private IDisposable? _registration;

    public RevalidatingIdentityAuthenticationStateProvider(ILoggerFactory loggerFactory, IServiceScopeFactory scopeFactory,
        IOptions<IdentityOptions> options, CircuitActivity activity, TimeProvider time, OpenCircuits circuits)
        : base(loggerFactory)
    {
        _scopeFactory = scopeFactory;
        _options = options;
        _activity = activity;
        _time = time;
        _circuits = circuits;
        // An admin's change to this account (Account/Admin) has the circuit check at once (OpenCircuits).
        AuthenticationStateChanged += Register;
    }

    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    private void Register(Task<AuthenticationState> state)
    {
        _registration?.Dispose();
        _registration = null;
        if (state.IsCompletedSuccessfully && state.Result.User.FindFirstValue(_options.Value.ClaimsIdentity.UserIdClaimType) is { } userId)
            _registration = _circuits.Register(userId, RecheckAsync);
    }

    private async Task RecheckAsync()
    {
        var state = await GetAuthenticationStateAsync();
        if (state.User.Identity?.IsAuthenticated == true && !await IsStillValidAsync(state.User))
            SetAuthenticationState(Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity()))));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            AuthenticationStateChanged -= Register;
            _registration?.Dispose();
        }
        base.Dispose(disposing);
    }

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken cancellationToken) =>
        IsStillValidAsync(state.User);

    /// <summary>The check itself, for the circuit's principal <paramref name="principal"/>.</summary>
    internal async Task<bool> IsStillValidAsync(ClaimsPrincipal principal)
    {
        var privileged = Roles.Privileged.Any(principal.IsInRole);
        if (privileged && _time.GetUtcNow() - _activity.LastActivity >= AccountExtensions.StaffIdleTimeout) return false;

        await using var scope = _scopeFactory.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.GetUserAsync(principal);
        if (user is null) return false;
        if (await users.IsLockedOutAsync(user)) return false;
        // A session its owner ended (another device, a password reset) ends in its open circuits too.
        if (principal.FindFirstValue(Sessions.AccountSessions.ClaimType) is not { } sessionId
            || !await scope.ServiceProvider.GetRequiredService<Sessions.AccountSessions>().ValidateAsync(user.Id, sessionId, remembered: false))
            return false;
        var principalStamp = principal.FindFirstValue(_options.Value.ClaimsIdentity.SecurityStampClaimType);
        if (principalStamp != await users.GetSecurityStampAsync(user)) return false;

        var roleClaim = _options.Value.ClaimsIdentity.RoleClaimType;
        var claimed = principal.FindAll(roleClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        return claimed.SetEquals(await users.GetRolesAsync(user));
    }
}

/// <summary>
/// When the user last did something in this circuit (an event, a navigation, a JavaScript call back): the idle clock
/// of an interactive staff or admin area, where no request renews the sign-in cookie. One per circuit.
/// </summary>
internal sealed class CircuitActivity : CircuitHandler
{
    private readonly TimeProvider _time;
    private long _lastTicks;

    public CircuitActivity(TimeProvider time)
    {
        _time = time;
        RecordActivity();
    }

    public DateTimeOffset LastActivity => new(Interlocked.Read(ref _lastTicks), TimeSpan.Zero);

    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        context =>
        {
            RecordActivity();
            return next(context);
        };

    /// <summary>Something happened in the circuit: its idle clock starts again.</summary>
    internal void RecordActivity() => Interlocked.Exchange(ref _lastTicks, _time.GetUtcNow().UtcTicks);
}
