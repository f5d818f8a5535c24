namespace ScorePortal.Model;

/// <summary>The one order sessions are listed in, everywhere: newest first.</summary>
public static class SessionOrder
{
    /// <summary>A later year first; within a year the second sitting (H2) before the first (H1).</summary>
    public static IOrderedQueryable<ExamSession> NewestFirst(this IQueryable<ExamSession> sessions) =>
        sessions.OrderByDescending(s => s.Year).ThenByDescending(s => s.Half);
}
