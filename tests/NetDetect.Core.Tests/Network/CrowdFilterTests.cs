using NetDetect.Core.Network;

namespace NetDetect.Core.Tests.Network;

public class CrowdFilterTests
{
    private const long Second = 1_000_000;

    // object 0: 5 shares within 10 s (a crowd of 5); object 1: 5 shares 100 s apart (never more than 1 per window);
    // object 2: 3 shares at exactly the window's ends (inclusive: a crowd of 3)
    private static ShareTable Table()
    {
        var obj = new List<int>(); var acc = new List<int>(); var time = new List<long>();
        for (int i = 0; i < 5; i++) { obj.Add(0); acc.Add(i); time.Add(1000 * Second + i * 2 * Second); }
        for (int i = 0; i < 5; i++) { obj.Add(1); acc.Add(i); time.Add(2000 * Second + i * 100 * Second); }
        for (int i = 0; i < 3; i++) { obj.Add(2); acc.Add(i); time.Add(9000 * Second + i * 30 * Second); }
        var post = Enumerable.Range(0, obj.Count).ToArray();
        return ShareTable.FromColumns(Modality.Hashtag, obj.ToArray(), acc.ToArray(), time.ToArray(), post, 3, 5, acc.ToArray());
    }

    [Fact]
    public void Objects_over_the_cap_within_one_window_are_crowds()
    {
        var t = Table();
        Assert.Equal([true, false, false], CrowdFilter.CrowdObjects(t, 60 * Second, 4));
        Assert.Equal([false, false, false], CrowdFilter.CrowdObjects(t, 60 * Second, 5));
        // the window is inclusive: object 2's three shares span exactly 60 s
        Assert.Equal([true, false, true], CrowdFilter.CrowdObjects(t, 60 * Second, 2));
        Assert.Equal([true, false, false], CrowdFilter.CrowdObjects(t, 59 * Second, 2));
        // a window wide enough for object 1's spread makes it a crowd too; cap 0 means no cap
        Assert.Equal([true, true, true], CrowdFilter.CrowdObjects(t, 400 * Second, 2));
        Assert.Equal([false, false, false], CrowdFilter.CrowdObjects(t, 400 * Second, 0));
    }

    [Fact]
    public void Apply_drops_only_the_crowd_objects_shares_and_keeps_ids()
    {
        var t = Table();
        var kept = CrowdFilter.Apply(t, 60 * Second, 4, out int dropped);
        Assert.Equal(1, dropped);
        Assert.Equal(8, kept.Count);
        Assert.DoesNotContain(0, kept.Object);
        Assert.Equal(t.Object[5..], kept.Object);
        Assert.Equal(t.Time[5..], kept.Time);
        Assert.Equal(t.Post[5..], kept.Post);
        Assert.Equal(t.ObjectCount, kept.ObjectCount);
        Assert.Same(t, CrowdFilter.Apply(t, 60 * Second, 5, out int none));
        Assert.Equal(0, none);
    }

    [Fact]
    public void The_cap_removes_a_crowd_from_the_network_and_leaves_the_other_edges_identical()
    {
        var t = Table();
        var options = new CoShareOptions { WindowMicros = 60 * Second, MinParticipation = 1 };
        var all = CoShareBuilder.Build(t, options);
        var capped = CoShareBuilder.Build(CrowdFilter.Apply(t, 60 * Second, 4, out _), options);
        // object 0 paired all 5 accounts; only object 2's pairs (accounts 0-1, 0-2, 1-2) remain
        Assert.Equal(10, all.EdgeCount);
        Assert.Equal([0, 0, 1], capped.AccountA);
        Assert.Equal([1, 2, 2], capped.AccountB);
        Assert.All(capped.Pairs, p => Assert.Equal(1, p));
    }
}
