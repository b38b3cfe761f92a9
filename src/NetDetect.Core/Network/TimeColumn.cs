namespace NetDetect.Core.Network;

/// <summary>
/// A layer's column of times, or of sums of time differences, in microseconds. Stored in 32 bits where every value
/// fits: as a count of a quantum (the coarsest of 1 min, 1 s, 1 ms, 1 µs dividing every share time of the layer) from
/// a base, which is exact; else as 64-bit values. Read through the indexer either way. The row aggregation writes the
/// narrow form: at 10M posts the layers' first, last and Δ-sum columns take 0.6 GB less.
/// </summary>
public sealed class TimeColumn
{
    private readonly long[]? _wide;
    private readonly uint[]? _narrow;
    private readonly long _base;
    private readonly long _quantum;

    public TimeColumn(long[] values)
    {
        _wide = values;
        _quantum = 1;
    }

    /// <param name="units">value = <paramref name="base"/> + units · <paramref name="quantum"/></param>
    public TimeColumn(uint[] units, long @base, long quantum)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quantum, 1);
        _narrow = units;
        _base = @base;
        _quantum = quantum;
    }

    public static implicit operator TimeColumn(long[] values) => new(values);

    public int Length => _wide?.Length ?? _narrow!.Length;

    /// <summary>Whether the values are held in 32 bits.</summary>
    public bool IsNarrow => _narrow is not null;

    public long this[int i]
    {
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        get => _wide is not null ? _wide[i] : _base + _narrow![i] * _quantum;
    }

    /// <summary>The values as 64-bit microseconds (a copy when narrow).</summary>
    public long[] ToArray()
    {
        if (_wide is not null) return _wide;
        var values = new long[_narrow!.Length];
        for (int i = 0; i < values.Length; i++) values[i] = _base + _narrow[i] * _quantum;
        return values;
    }

    /// <summary>value / quantum for a quantum of <see cref="Data.DatasetBuilder.ObservedResolution"/> (1 min, 1 s, 1 ms, 1 µs: a
    /// constant divisor each, no hardware division per value).</summary>
    internal static long Units(long value, long quantum) => quantum switch
    {
        Data.Time.MicrosPerMinute => value / Data.Time.MicrosPerMinute,
        Data.Time.MicrosPerSecond => value / Data.Time.MicrosPerSecond,
        Data.Time.MicrosPerMilli => value / Data.Time.MicrosPerMilli,
        _ => value,
    };
}
