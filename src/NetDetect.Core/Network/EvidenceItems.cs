using System.Collections;
using System.Runtime.InteropServices;

namespace NetDetect.Core.Network;

/// <summary>An evidence item as a layer stores it: the object and the example pair's two posts (12 bytes). Its Δ is
/// either read from the posts' times or kept beside it (see <see cref="EvidenceItems"/>).</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct StoredEvidence(int Object, int PostA, int PostB);

/// <summary>
/// A layer's evidence items: one sequence indexed 0..<see cref="Count"/>−1, held as the arrays its partitions were
/// reduced into rather than joined into one. Joining them was a copy into fresh memory of the layer's largest column
/// (1.4 GB for the retweets of 10M posts), which on the virtual machines we measure on costs seconds of page
/// clearing per layer. An edge's items always lie in one segment, so <see cref="Slice"/> is one run of one array.
/// </summary>
/// <remarks>
/// Items are stored as (object, post A, post B). When the layer's shares are the dataset's posts at their own times
/// (<see cref="ShareTable.PostTime"/>, every layer detection builds), an item's Δ is |t(post A) − t(post B)| and is read
/// from those times instead of being stored: 12 bytes an item instead of 20, 0.8 GB less for the 99M items of the
/// layers of 10M posts. Otherwise each segment keeps its items' Δ in a parallel array.
/// </remarks>
public sealed class EvidenceItems : IReadOnlyList<SharedObjectEvidence>
{
    private readonly StoredEvidence[][] _segments;
    // per segment, its items' Δ (µs); null when Δ is read from _postTime
    private readonly long[][]? _delta;
    private readonly long[]? _postTime;
    // segment s holds items [_start[s], _start[s + 1]); no segment is empty, so the starts strictly increase
    private readonly int[] _start;

    /// <summary>One array of items.</summary>
    public EvidenceItems(SharedObjectEvidence[] items) : this([items]) { }

    /// <summary>The items of <paramref name="segments"/> one after another (copied into the stored form).</summary>
    public EvidenceItems(IReadOnlyList<SharedObjectEvidence[]> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        var kept = new List<StoredEvidence[]>(segments.Count);
        var delta = new List<long[]>(segments.Count);
        foreach (var s in segments)
        {
            if (s is null || s.Length == 0) continue;
            var stored = new StoredEvidence[s.Length];
            var d = new long[s.Length];
            for (int i = 0; i < s.Length; i++)
            {
                stored[i] = new StoredEvidence(s[i].Object, s[i].PostA, s[i].PostB);
                d[i] = s[i].DeltaMicros;
            }
            kept.Add(stored);
            delta.Add(d);
        }
        _segments = [.. kept];
        _delta = [.. delta];
        _start = Starts(_segments);
    }

    /// <summary>Stored segments (kept, not copied); each with its Δ array (<paramref name="delta"/>), or all with Δ read from
    /// <paramref name="postTime"/> (post → µs) when <paramref name="delta"/> is null.</summary>
    internal EvidenceItems(IReadOnlyList<StoredEvidence[]> segments, IReadOnlyList<long[]>? delta, long[]? postTime)
    {
        if ((delta is null) == (postTime is null)) throw new ArgumentException("either the items' Δ or the posts' times");
        if (delta is not null && delta.Count != segments.Count) throw new ArgumentException("one Δ array per segment", nameof(delta));
        var kept = new List<StoredEvidence[]>(segments.Count);
        var keptDelta = new List<long[]>(segments.Count);
        for (int s = 0; s < segments.Count; s++)
        {
            if (segments[s] is null || segments[s].Length == 0) continue;
            if (delta is not null && delta[s].Length != segments[s].Length) throw new ArgumentException($"segment {s}: {delta[s].Length} Δ for {segments[s].Length} items", nameof(delta));
            kept.Add(segments[s]);
            if (delta is not null) keptDelta.Add(delta[s]);
        }
        _segments = [.. kept];
        _delta = delta is null ? null : [.. keptDelta];
        _postTime = postTime;
        _start = Starts(_segments);
    }

    private static int[] Starts(StoredEvidence[][] segments)
    {
        var start = new int[segments.Length + 1];
        for (int s = 0; s < segments.Length; s++) start[s + 1] = checked(start[s] + segments[s].Length);
        return start;
    }

    public static implicit operator EvidenceItems(SharedObjectEvidence[] items) => new(items);

    public int Count => _start[^1];

    public SharedObjectEvidence this[int index]
    {
        get
        {
            int s = Segment(index);
            return Read(s, index - _start[s]);
        }
    }

    /// <summary>Items [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>), which must lie in one segment (one edge's items do).</summary>
    public EvidenceSpan Slice(int start, int length)
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
        return Span(s, local, length);
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
        for (int s = 0; s < _segments.Length; s++)
        {
            for (int i = 0; i < _segments[s].Length; i++) all[_start[s] + i] = Read(s, i);
        }
        return all;
    }

    // item i of segment s as a value: its Δ from the posts' times or the segment's Δ array
    private SharedObjectEvidence Read(int s, int i) => Span(s, i, 1)[0];

    private EvidenceSpan Span(int s, int local, int length) =>
        new(new ReadOnlySpan<StoredEvidence>(_segments[s], local, length), _delta is null ? default : new ReadOnlySpan<long>(_delta[s], local, length), _postTime);

    public IEnumerator<SharedObjectEvidence> GetEnumerator()
    {
        for (int k = 0; k < Count; k++) yield return this[k];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>One edge's evidence items (or any run of one segment), read as <see cref="SharedObjectEvidence"/> values.</summary>
public readonly ref struct EvidenceSpan
{
    private readonly ReadOnlySpan<StoredEvidence> _items;
    private readonly ReadOnlySpan<long> _delta;
    private readonly long[]? _postTime;

    internal EvidenceSpan(ReadOnlySpan<StoredEvidence> items, ReadOnlySpan<long> delta, long[]? postTime)
    {
        _items = items;
        _delta = delta;
        _postTime = postTime;
    }

    public int Length => _items.Length;

    public bool IsEmpty => _items.IsEmpty;

    public SharedObjectEvidence this[int index]
    {
        get
        {
            var item = _items[index];
            return new SharedObjectEvidence(item.Object, item.PostA, item.PostB,
                _postTime is null ? _delta[index] : Math.Abs(_postTime[item.PostA] - _postTime[item.PostB]));
        }
    }

    /// <summary>The object of item <paramref name="index"/> alone (no Δ looked up).</summary>
    public int ObjectAt(int index) => _items[index].Object;

    public SharedObjectEvidence[] ToArray()
    {
        var all = new SharedObjectEvidence[Length];
        for (int i = 0; i < all.Length; i++) all[i] = this[i];
        return all;
    }

    /// <summary>Whether both hold the same items in the same order.</summary>
    public bool SequenceEqual(EvidenceSpan other)
    {
        if (Length != other.Length) return false;
        for (int i = 0; i < Length; i++) if (this[i] != other[i]) return false;
        return true;
    }

    public Enumerator GetEnumerator() => new(this);

    public ref struct Enumerator
    {
        private readonly EvidenceSpan _span;
        private int _index;

        internal Enumerator(EvidenceSpan span)
        {
            _span = span;
            _index = -1;
        }

        public bool MoveNext() => ++_index < _span.Length;

        public readonly SharedObjectEvidence Current => _span[_index];
    }
}
