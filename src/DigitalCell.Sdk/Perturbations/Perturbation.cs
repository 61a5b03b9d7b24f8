using System.Globalization;
using System.Text.RegularExpressions;

namespace DigitalCell.Sdk.Perturbations;

/// <summary>
/// What was done to a group of cells: the targeted gene(s) and how (knockout, CRISPRi, CRISPRa), or a compound with
/// its dose and time, or nothing (control). Parsed from the dataset's labels with <see cref="Parse"/>.
/// </summary>
/// <remarks>
/// Two perturbations are equal when they do the same thing: same mode, same set of targets (order of a combination
/// does not matter, so <c>A+B</c> equals <c>B+A</c>, and GEARS' <c>A+ctrl</c> equals <c>A</c>), same dose and time.
/// The original <see cref="Label"/> is kept for writing results back in the dataset's own vocabulary.
/// </remarks>
public sealed partial record Perturbation
{
    private static readonly string[] GearsControlTokens = ["ctrl", "control"];

    /// <summary>Creates a perturbation; prefer <see cref="Parse"/> or the named factories.</summary>
    /// <param name="label">The label as written in the dataset.</param>
    /// <param name="targets">Targeted genes (symbols) or the compound name; empty for controls.</param>
    /// <param name="mode">The intervention.</param>
    /// <param name="dose">Dose, for compounds.</param>
    /// <param name="doseUnit">Unit of <paramref name="dose"/>, e.g. <c>uM</c>.</param>
    /// <param name="time">Time after treatment.</param>
    /// <param name="timeUnit">Unit of <paramref name="time"/>, e.g. <c>h</c>.</param>
    public Perturbation(string label, IReadOnlyList<string> targets, PerturbationMode mode,
        double? dose = null, string? doseUnit = null, double? time = null, string? timeUnit = null)
    {
        ArgumentNullException.ThrowIfNull(label);
        ArgumentNullException.ThrowIfNull(targets);
        if (mode == PerturbationMode.Control && targets.Count > 0)
            throw new DigitalCellException($"Perturbation '{label}': a control has no targets, got {string.Join(", ", targets)}.");
        if (mode != PerturbationMode.Control && targets.Count == 0)
            throw new DigitalCellException($"Perturbation '{label}': a {mode} perturbation needs at least one target.");
        Label = label;
        Targets = targets.ToArray();
        Mode = mode;
        Dose = dose;
        DoseUnit = doseUnit;
        Time = time;
        TimeUnit = timeUnit;
    }

    /// <summary>The label as written in the dataset (e.g. <c>IFNGR1</c>, <c>KLF1+MAP2K6</c>, <c>non-targeting</c>).</summary>
    public string Label { get; }

    /// <summary>Targeted genes in label order, or the compound name; empty for controls.</summary>
    public IReadOnlyList<string> Targets { get; }

    /// <summary>The intervention.</summary>
    public PerturbationMode Mode { get; }

    /// <summary>Dose (compounds), or null.</summary>
    public double? Dose { get; }

    /// <summary>Unit of <see cref="Dose"/>, or null.</summary>
    public string? DoseUnit { get; }

    /// <summary>Time after treatment, or null.</summary>
    public double? Time { get; }

    /// <summary>Unit of <see cref="Time"/>, or null.</summary>
    public string? TimeUnit { get; }

    /// <summary>True for unperturbed reference cells.</summary>
    public bool IsControl => Mode == PerturbationMode.Control;

    /// <summary>True when more than one gene is targeted at once (a double or higher-order perturbation).</summary>
    public bool IsCombination => Targets.Count > 1;

    /// <summary>An unperturbed control with the given label.</summary>
    public static Perturbation Control(string label = "control") => new(label, Array.Empty<string>(), PerturbationMode.Control);

    /// <summary>A genetic perturbation of one or more genes; the label joins the genes with <c>+</c>.</summary>
    public static Perturbation Genes(PerturbationMode mode, params string[] genes) => new(string.Join("+", genes), genes, mode);

    /// <summary>A compound at a dose for a time.</summary>
    public static Perturbation Compound(string name, double? dose = null, string? doseUnit = null, double? time = null, string? timeUnit = null) =>
        new(name, new[] { name }, PerturbationMode.Compound, dose, doseUnit, time, timeUnit);

    /// <summary>
    /// Reads a label: a control label of the schema (or GEARS' <c>ctrl</c>) is a control; otherwise the label is split on
    /// <see cref="PerturbationSchema.CombinationDelimiter"/>, control tokens are dropped (GEARS writes singles as
    /// <c>A+ctrl</c>), and each remaining part is a target with the schema's <see cref="PerturbationSchema.DefaultMode"/>.
    /// For compounds, trailing <c>_10uM</c>/<c>_24h</c> style tokens become dose and time unless given explicitly.
    /// </summary>
    /// <param name="label">The label from the perturbation column.</param>
    /// <param name="schema">The dataset's perturbation schema.</param>
    /// <param name="dose">Dose from <see cref="PerturbationSchema.DoseColumn"/>, if the dataset has one.</param>
    /// <param name="time">Time from <see cref="PerturbationSchema.TimeColumn"/>, if the dataset has one.</param>
    /// <exception cref="DigitalCellException">The label is empty or has an empty part (e.g. <c>A++B</c>).</exception>
    public static Perturbation Parse(string label, PerturbationSchema schema, double? dose = null, double? time = null)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (string.IsNullOrWhiteSpace(label))
            throw new DigitalCellException($"Column '{schema.PerturbationColumn}': empty perturbation label.");
        string trimmed = label.Trim();
        if (schema.IsControlLabel(trimmed) || IsGearsControl(trimmed)) return Control(label);

        string[] parts = trimmed.Split(schema.CombinationDelimiter);
        if (parts.Any(p => p.Trim().Length == 0))
            throw new DigitalCellException($"Column '{schema.PerturbationColumn}': perturbation label '{label}' has an empty part around '{schema.CombinationDelimiter}'.");
        var targets = parts.Select(p => p.Trim()).Where(p => !schema.IsControlLabel(p) && !IsGearsControl(p)).ToArray();
        if (targets.Length == 0) return Control(label);

        if (schema.DefaultMode != PerturbationMode.Compound)
            return new Perturbation(label, targets, schema.DefaultMode, dose, null, time, null);

        // Compounds: "drug_10uM_24h" style labels carry dose and time; explicit column values win.
        var (name, parsedDose, doseUnit, parsedTime, timeUnit) = SplitCompound(string.Join(schema.CombinationDelimiter, targets));
        return new Perturbation(label, new[] { name }, PerturbationMode.Compound, dose ?? parsedDose, doseUnit, time ?? parsedTime, timeUnit);
    }

    /// <summary>
    /// The canonical form of what was done: targets sorted ordinally and joined with <c>+</c>, then dose and time;
    /// <c>control</c> for controls. Equal perturbations have equal keys.
    /// </summary>
    public string Key
    {
        get
        {
            if (IsControl) return "control";
            string key = string.Join("+", Targets.Order(StringComparer.Ordinal));
            if (Dose is double d) key += "@" + d.ToString("R", CultureInfo.InvariantCulture) + DoseUnit;
            if (Time is double t) key += "/" + t.ToString("R", CultureInfo.InvariantCulture) + TimeUnit;
            return key;
        }
    }

    /// <summary>Same mode and same <see cref="Key"/>.</summary>
    public bool Equals(Perturbation? other) => other is not null && Mode == other.Mode && Key == other.Key;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Mode, Key);

    /// <inheritdoc/>
    public override string ToString() => IsControl ? $"{Label} (control)" : $"{Label} ({Mode})";

    private static bool IsGearsControl(string token) => GearsControlTokens.Contains(token, StringComparer.OrdinalIgnoreCase);

    private static (string Name, double? Dose, string? DoseUnit, double? Time, string? TimeUnit) SplitCompound(string text)
    {
        string name = text;
        double? dose = null, time = null;
        string? doseUnit = null, timeUnit = null;
        // Peel recognised tokens off the end so that compound names containing '_' survive.
        while (true)
        {
            int cut = name.LastIndexOfAny(['_', ' ', '|']);
            if (cut <= 0) break;
            string token = name[(cut + 1)..];
            var m = QuantityPattern().Match(token);
            if (!m.Success) break;
            double value = double.Parse(m.Groups["v"].Value, CultureInfo.InvariantCulture);
            string unit = m.Groups["u"].Value;
            if (TimeUnits.Contains(unit, StringComparer.OrdinalIgnoreCase) && time is null) { time = value; timeUnit = unit; }
            else if (!TimeUnits.Contains(unit, StringComparer.OrdinalIgnoreCase) && dose is null) { dose = value; doseUnit = unit; }
            else break;
            name = name[..cut];
        }
        return (name, dose, doseUnit, time, timeUnit);
    }

    private static readonly string[] TimeUnits = ["h", "hr", "hrs", "d", "min"];

    [GeneratedRegex(@"^(?<v>\d+(\.\d+)?([eE][-+]?\d+)?)(?<u>nM|uM|µM|mM|M|ng/ml|ug/ml|mg/ml|h|hr|hrs|d|min)$", RegexOptions.IgnoreCase)]
    private static partial Regex QuantityPattern();
}
