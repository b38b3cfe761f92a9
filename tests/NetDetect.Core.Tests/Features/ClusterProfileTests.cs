using NetDetect.Core.Features;
using NetDetect.Core.Tests.Detection;

namespace NetDetect.Core.Tests.Features;

public class ClusterProfileTests
{
    [Fact]
    public void Profiles_of_several_clusters_in_one_pass_equal_each_cluster_alone()
    {
        var dataset = CoordinatedData.Build(seed: 12, organic: 120, days: 10);
        var rng = new Random(5);
        var order = Enumerable.Range(0, dataset.Accounts.Count).OrderBy(_ => rng.Next()).ToArray();
        int[][] clusters = [order[..7], order[7..40], order[40..41], order[41..90]];
        var together = ClusterProfile.ComputeAll(dataset, clusters);
        for (int c = 0; c < clusters.Length; c++)
        {
            var alone = ClusterProfile.ComputeAll(dataset, [clusters[c]])[0];
            Assert.Equal(alone.Members, together[c].Members);
            Assert.Equal(alone.Posts, together[c].Posts);
            Assert.Equal(alone.HourOfWeekUtc, together[c].HourOfWeekUtc);
            Assert.Equal(alone.FirstDay, together[c].FirstDay);
            Assert.Equal(alone.PostsPerDay, together[c].PostsPerDay);
            Assert.Equal(alone.BestUtcOffsetHours, together[c].BestUtcOffsetHours);
            Assert.Equal(alone.OfficeShare, together[c].OfficeShare);
            // and the counts are right: every post of the members is counted once
            long posts = 0;
            var member = new HashSet<int>(clusters[c]);
            for (int j = 0; j < dataset.Posts.Count; j++) if (member.Contains(dataset.Posts.Account[j])) posts++;
            Assert.Equal(posts, together[c].Posts);
            Assert.Equal(posts, together[c].PostsPerDay.Sum());
            Assert.Equal(posts, together[c].HourOfWeekUtc.Sum());
        }
        Assert.Throws<ArgumentException>(() => ClusterProfile.ComputeAll(dataset, [order[..5], order[3..8]]));
    }
}
