namespace ScorePortal.Security;

/// <summary>
/// Where a value that does not open for its row is reported (<see cref="FieldIntegrityException"/>): the alerts
/// feature implements it and tells admins. Readers that meet the failure (the encryption interceptor, the exception
/// handler) raise it through this interface and go on throwing; raising never throws and names no value.
/// </summary>
public interface IIntegrityAlarm
{
    /// <param name="where">What was being read when it failed, e.g. "GET /lookup" or "a read of Candidate".</param>
    Task RaiseAsync(FieldIntegrityException failure, string where);
}
