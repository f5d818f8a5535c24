using System.Globalization;
using ScorePortal.Model;

namespace ScorePortal.Features.Enterprises.Figures;

/// <summary>How a published count reads.</summary>
public enum FigureState
{
    Shown,

    /// <summary>Fewer than <see cref="Figure.MinimumPeople"/> people: shown as "&lt;5".</summary>
    Small,

    /// <summary>Five or more, hidden so that a "&lt;5" cell cannot be worked out by subtraction from it.</summary>
    Hidden,
}

/// <summary>
/// A count of people as the page and the export show it. The number itself is kept only when it may be shown: a figure
/// of a small group cannot leak through a forgotten format call.
/// </summary>
public readonly record struct Figure
{
    /// <summary>The smallest group whose count is shown.</summary>
    public const int MinimumPeople = 5;

    public const string SmallText = "<5";
    public const string HiddenText = "—";

    private Figure(int? value, FigureState state)
    {
        Value = value;
        State = state;
    }

    /// <summary>The count when <see cref="State"/> is <see cref="FigureState.Shown"/>; null otherwise.</summary>
    public int? Value { get; }

    public FigureState State { get; }

    public static Figure Of(int people) => people < MinimumPeople ? Small : new Figure(people, FigureState.Shown);

    public static readonly Figure Small = new(null, FigureState.Small);

    public static readonly Figure Hidden = new(null, FigureState.Hidden);

    public string Text(IFormatProvider? format = null) => State switch
    {
        FigureState.Shown => Value!.Value.ToString("N0", format ?? CultureInfo.CurrentCulture),
        FigureState.Small => SmallText,
        _ => HiddenText,
    };

    /// <summary>As the CSV export writes it: digits without grouping, "&lt;5", or "—".</summary>
    public string CsvText() => State == FigureState.Shown ? Value!.Value.ToString(CultureInfo.InvariantCulture) : Text();

    public override string ToString() => Text(CultureInfo.InvariantCulture);
}

/// <summary>
/// A share of people (passed over sat). A rate is derived from its two counts and is suppressed whenever either is:
/// over fewer than five people, or with fewer than five passing, it would give the small count away.
/// </summary>
public readonly record struct RateFigure
{
    private RateFigure(double? value) => Value = value;

    /// <summary>Between 0 and 1 when shown; null when suppressed.</summary>
    public double? Value { get; }

    public static RateFigure Of(int passed, int people) =>
        people < Figure.MinimumPeople || passed < Figure.MinimumPeople ? default : new RateFigure((double)passed / people);

    public string Text(IFormatProvider? format = null) =>
        Value is { } v ? v.ToString("P1", format ?? CultureInfo.CurrentCulture) : Figure.SmallText;

    public string CsvText() => Value is { } v ? v.ToString("0.0000", CultureInfo.InvariantCulture) : Figure.SmallText;
}

/// <summary>An exam sitting by year and half, whether or not the session exists in the catalog yet.</summary>
public readonly record struct Sitting(int Year, ExamHalf Half) : IComparable<Sitting>
{
    public Sitting Next() => Half == ExamHalf.H1 ? new Sitting(Year, ExamHalf.H2) : new Sitting(Year + 1, ExamHalf.H1);

    /// <summary>The code of its session ("2026H2").</summary>
    public string Code => ExamSession.CodeFor(Year, Half);

    public int CompareTo(Sitting other) => Year != other.Year ? Year.CompareTo(other.Year) : Half.CompareTo(other.Half);

    public static bool operator <(Sitting left, Sitting right) => left.CompareTo(right) < 0;
    public static bool operator >(Sitting left, Sitting right) => left.CompareTo(right) > 0;
    public static bool operator <=(Sitting left, Sitting right) => left.CompareTo(right) <= 0;
    public static bool operator >=(Sitting left, Sitting right) => left.CompareTo(right) >= 0;
}
