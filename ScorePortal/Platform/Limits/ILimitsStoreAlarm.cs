namespace ScorePortal.Platform.Limits;

/// <summary>
/// Where the shared limits store reports that it lost Redis and went on in this instance's memory, and that it got it
/// back (<see cref="RedisLimitsStore"/>): the alerts feature implements it and tells admins. Raising never throws and
/// names no key (keys hold hashed subjects, but an alert needs none of them).
/// </summary>
public interface ILimitsStoreAlarm
{
    /// <param name="instance">This instance's name (machine and process), so admins see which instances counted alone.</param>
    /// <param name="reason">The client's error, without keys or values.</param>
    Task SharedStoreLostAsync(string instance, string reason);

    /// <param name="outage">How long this instance counted alone.</param>
    Task SharedStoreRestoredAsync(string instance, TimeSpan outage);
}
