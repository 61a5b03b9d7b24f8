using System.Collections;

namespace DigitalCell.Sdk.Data;

/// <summary>
/// A yes/no per cell, made by comparing an obs column with a value (<c>data.Obs["cell_type"] == "k562"</c>) and
/// combined with <c>&amp;</c>, <c>|</c> and <c>!</c>; <c>data[mask]</c> keeps the cells where it is true.
/// </summary>
public sealed class CellMask : IReadOnlyList<bool>
{
    private readonly bool[] _values;

    /// <summary>Wraps <paramref name="values"/> (not copied).</summary>
    public CellMask(bool[] values) => _values = values ?? throw new ArgumentNullException(nameof(values));

    /// <summary>Number of cells the mask covers.</summary>
    public int Count => _values.Length;

    /// <summary>Number of cells where the mask is true.</summary>
    public int Selected => _values.Count(v => v);

    /// <summary>Whether cell <paramref name="index"/> is selected.</summary>
    public bool this[int index] => _values[index];

    /// <summary>Cells selected by both masks.</summary>
    public static CellMask operator &(CellMask a, CellMask b) => Combine(a, b, (x, y) => x && y);

    /// <summary>Cells selected by either mask.</summary>
    public static CellMask operator |(CellMask a, CellMask b) => Combine(a, b, (x, y) => x || y);

    /// <summary>Cells not selected by the mask.</summary>
    public static CellMask operator !(CellMask a) => new(a._values.Select(v => !v).ToArray());

    /// <summary>Same as <c>&amp;</c> (for languages without operators).</summary>
    public CellMask And(CellMask other) => this & other;

    /// <summary>Same as <c>|</c> (for languages without operators).</summary>
    public CellMask Or(CellMask other) => this | other;

    /// <summary>Same as <c>!</c> (for languages without operators).</summary>
    public CellMask Not() => !this;

    /// <inheritdoc />
    public IEnumerator<bool> GetEnumerator() => ((IEnumerable<bool>)_values).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>E.g. <c>CellMask 120 of 5,961 cells</c>.</summary>
    public override string ToString() => $"CellMask {Selected:N0} of {Count:N0} cells";

    private static CellMask Combine(CellMask a, CellMask b, Func<bool, bool, bool> op)
    {
        if (a.Count != b.Count) throw new DigitalCellException($"Cannot combine cell masks of {a.Count} and {b.Count} cells.");
        var result = new bool[a.Count];
        for (int i = 0; i < result.Length; i++) result[i] = op(a._values[i], b._values[i]);
        return new CellMask(result);
    }
}
