using System.Collections;

namespace NetDetect.Core.Network;

/// <summary>
/// A layer's evidence items: one sequence indexed 0..<see cref="Count"/>−1, held as the arrays its partitions were
/// reduced into rather than joined into one. Joining them was a copy into fresh memory of the layer's largest column
/// (1.4 GB for the retweets of 10M posts), which on the virtual machines we measure on costs seconds of page
/// clearing per layer. An edge's items always lie in one segment, so <see cref="Slice"/> is one span.
/// </summary>
public sealed class EvidenceItems : IReadOnlyList<SharedObjectEvidence>
{
    private readonly SharedObjectEvidence[][] _segments;
    // segment s holds items [_start[s], _start[s + 1]); no segment is empty, so the starts strictly increase
    private readonly int[] _start;

    /// <summary>One array of items.</summary>
    public EvidenceItems(SharedObjectEvidence[] items) : this([items]) { }

    /// <summary>The items of <paramref name="segments"/> one after another (each array kept, not copied).</summary>
    public EvidenceItems(IReadOnlyList<SharedObjectEvidence[]> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        var kept = new List<SharedObjectEvidence[]>(segments.Count);
        var start = new List<int> { 0 };
        foreach (var s in segments)
        {
            if (s is null || s.Length == 0) continue;
            kept.Add(s);
            start.Add(checked(start[^1] + s.Length));
        }
        _segments = [.. kept];
        _start = [.. start];
    }

    public static implicit operator EvidenceItems(SharedObjectEvidence[] items) => new(items);

    public int Count => _start[^1];

    public SharedObjectEvidence this[int index]
    {
        get
        {
            int s = Segment(index);
            return _segments[s][index - _start[s]];
        }
    }

    /// <summary>Items [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>), which must lie in one segment (one edge's items do).</summary>
    public ReadOnlySpan<SharedObjectEvidence> Slice(int start, int length)
    {
        if (length == 0)
        {
            if ((uint)start > (uint)Count) throw new ArgumentOutOfRangeException(nameof(start));
            return default;
        }
        int s = Segment(start);
        int local = start - _start[s];
        if ((uint)length > (uint)(_segments[s].Length - local))
            throw new ArgumentOutOfRangeException(nameof(length), $"items {start}..{start + length} do not lie in one segment");
        return new ReadOnlySpan<SharedObjectEvidence>(_segments[s], local, length);
    }

    // the last segment starting at or before index
    private int Segment(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"{Count} items");
        int lo = 0, hi = _segments.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) >> 1;
            if (_start[mid] <= index) lo = mid; else hi = mid - 1;
        }
        return lo;
    }

    public SharedObjectEvidence[] ToArray()
    {
        var all = new SharedObjectEvidence[Count];
        for (int s = 0; s < _segments.Length; s++) _segments[s].CopyTo(all, _start[s]);
        return all;
    }

    public IEnumerator<SharedObjectEvidence> GetEnumerator()
    {
        foreach (var s in _segments)
            foreach (var item in s) yield return item;
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
