using System.Collections;

namespace NetDetect.Core.Network;

/// <summary>
/// A layer's column of non-negative counts (pairs, objects, matched posts), stored in 16 bits where every value of the
/// layer fits, else in 32. Read through the indexer either way. The row aggregation writes the narrow form when no edge
/// has more than 65,535 pairs (objects and matched posts never exceed pairs): at 10M posts the four count columns of
/// the layers take 0.4 GB less.
/// </summary>
public sealed class CountColumn : IReadOnlyList<int>
{
    private readonly int[]? _wide;
    private readonly ushort[]? _narrow;

    public CountColumn(int[] values) => _wide = values;

    public CountColumn(ushort[] values) => _narrow = values;

    public static implicit operator CountColumn(int[] values) => new(values);

    public int Length => _wide?.Length ?? _narrow!.Length;

    int IReadOnlyCollection<int>.Count => Length;

    /// <summary>Whether the values are held in 16 bits.</summary>
    public bool IsNarrow => _narrow is not null;

    public int this[int i]
    {
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        get => _wide is not null ? _wide[i] : _narrow![i];
    }

    /// <summary>The values as 32-bit integers (a copy when narrow).</summary>
    public int[] ToArray()
    {
        if (_wide is not null) return _wide;
        var values = new int[_narrow!.Length];
        for (int i = 0; i < values.Length; i++) values[i] = _narrow[i];
        return values;
    }

    public IEnumerator<int> GetEnumerator()
    {
        for (int i = 0, n = Length; i < n; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
