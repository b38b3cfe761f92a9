using NetDetect.Core.Network;

namespace NetDetect.Core.Tests.Network;

public class EvidenceItemsTests
{
    private static SharedObjectEvidence Item(int k) => new(k, 10 * k, 10 * k + 1, k * 1_000L);

    [Fact]
    public void Segments_read_as_one_sequence_and_empty_ones_are_skipped()
    {
        var segments = new[] { new[] { Item(0), Item(1) }, [], new[] { Item(2) }, [], [], new[] { Item(3), Item(4), Item(5) } };
        var items = new EvidenceItems(segments);
        Assert.Equal(6, items.Count);
        for (int k = 0; k < 6; k++) Assert.Equal(Item(k), items[k]);
        Assert.Equal(Enumerable.Range(0, 6).Select(Item), items);
        Assert.Equal(Enumerable.Range(0, 6).Select(Item), items.ToArray());
        Assert.Equal([Item(3), Item(4), Item(5)], items.Slice(3, 3).ToArray());
        Assert.Equal([Item(2)], items.Slice(2, 1).ToArray());
        Assert.True(items.Slice(6, 0).IsEmpty);
        Assert.True(items.Slice(2, 0).IsEmpty);
        // a run across two partitions' segments is no edge's items: refused, not read from one array past its end
        Assert.Throws<ArgumentOutOfRangeException>(() => items.Slice(1, 2).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => items[6]);
        Assert.Throws<ArgumentOutOfRangeException>(() => items.Slice(7, 0).ToArray());
    }

    [Fact]
    public void Items_without_a_delta_of_their_own_read_it_from_the_posts_times()
    {
        // posts 0..9 at 100 s steps, post 5 at 42 s; items (object, post A, post B)
        var postTime = Enumerable.Range(0, 10).Select(p => p * 100_000_000L).ToArray();
        postTime[5] = 42_000_000;
        var segments = new[] { new StoredEvidence[] { new(1, 2, 3), new(2, 5, 1) }, [], new StoredEvidence[] { new(3, 9, 0) } };
        var items = new EvidenceItems(segments, null, postTime);
        Assert.Equal(3, items.Count);
        Assert.Equal(new SharedObjectEvidence(1, 2, 3, 100_000_000), items[0]);
        // Δ is |t(A) − t(B)| whichever post is earlier
        Assert.Equal(new SharedObjectEvidence(2, 5, 1, 58_000_000), items[1]);
        Assert.Equal(new SharedObjectEvidence(3, 9, 0, 900_000_000), items[2]);
        Assert.Equal(items.ToArray(), items);
        var slice = items.Slice(0, 2);
        Assert.Equal(2, slice.Length);
        Assert.Equal(2, slice.ObjectAt(1));
        Assert.Equal([items[0], items[1]], slice.ToArray());
        Assert.True(slice.SequenceEqual(new EvidenceItems([items[0], items[1]]).Slice(0, 2)));
        Assert.False(slice.SequenceEqual(items.Slice(2, 1)));
        // either the items' Δ or the posts' times, never both or neither
        Assert.Throws<ArgumentException>(() => new EvidenceItems(segments, null, null));
        Assert.Throws<ArgumentException>(() => new EvidenceItems(segments, [new long[2], [], new long[1]], postTime));
        Assert.Throws<ArgumentException>(() => new EvidenceItems(segments, [new long[2], [], new long[2]], null));
    }

    [Fact]
    public void One_array_converts_and_no_segments_is_empty()
    {
        EvidenceItems one = new[] { Item(7), Item(8) };
        Assert.Equal(2, one.Count);
        Assert.Equal(Item(8), one[1]);
        var none = new EvidenceItems(Array.Empty<SharedObjectEvidence[]>());
        Assert.Empty(none);
        Assert.True(none.Slice(0, 0).IsEmpty);
    }
}
