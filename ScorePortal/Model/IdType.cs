namespace ScorePortal.Model;

/// <summary>The kind of identity document a candidate registered with.</summary>
public enum IdType
{
    /// <summary>Mainland resident identity card (GB 11643-1999, 18 characters).</summary>
    ResidentId = 1,

    /// <summary>Passport (overseas candidates; looked up with the registered email).</summary>
    Passport = 2,

    /// <summary>Residence permit for Hong Kong, Macao and Taiwan residents (18 characters, GB 11643 layout).</summary>
    HkMacaoTaiwanPermit = 3,
}
