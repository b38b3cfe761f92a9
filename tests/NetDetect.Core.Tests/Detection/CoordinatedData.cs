using NetDetect.Core.Data;
using NetDetect.Core.Detection;
using NetDetect.Core.Features;
using NetDetect.Core.Tests.TestSupport;

namespace NetDetect.Core.Tests.Detection;

/// <summary>
/// A small labelled dataset with known truth: organic accounts posting and reposting at random, a "news burst" of
/// organic accounts reposting one viral post within minutes, and two operations whose members repost the same
/// targets within seconds in office hours. Small enough for unit tests, structured enough to be learnable.
/// </summary>
public static class CoordinatedData
{
    public const int OperationSize = 15;

    public static Dataset Build(int seed, int organic = 500, int days = 14)
    {
        var rng = new Random(seed);
        var b = new DatasetBuilder();
        long start = Time.FromDateTime(new DateTime(2024, 3, 4, 0, 0, 0, DateTimeKind.Utc)); // a Monday
        const long minute = Time.MicrosPerMinute;
        int post = 0;
        string Pid() => $"s{seed}p{post++}";
        var originals = new List<(string Id, string Author)>();
        for (int i = 0; i < organic; i++)
        {
            string id = $"s{seed}org{i}";
            b.TryAddAccount(new AccountRecord
            {
                AccountId = id, ScreenName = "user" + rng.Next(100000), Label = "organic",
                CreatedAt = start - rng.NextInt64(30, 3000) * 1440 * minute, FollowerCount = rng.Next(0, 5000), FollowingCount = rng.Next(0, 2000),
            });
        }
        for (int i = 0; i < organic; i++)
        {
            string id = $"s{seed}org{i}";
            int n = 3 + (int)(rng.NextDouble() * rng.NextDouble() * 60);
            for (int k = 0; k < n; k++)
            {
                // evenings and weekends are busier for people
                long day = rng.Next(days);
                int hour = rng.NextDouble() < 0.6 ? 17 + rng.Next(7) : rng.Next(24);
                long t = start + (day * 1440 + hour * 60 + rng.Next(60)) * minute + rng.Next(60) * Time.MicrosPerSecond;
                string pid = Pid();
                if (originals.Count > 20 && rng.NextDouble() < 0.4)
                {
                    // repost something popular-ish (Zipf-like over the originals so far)
                    var target = originals[(int)(originals.Count * Math.Pow(rng.NextDouble(), 3))];
                    b.TryAddPost(new PostRecord { PostId = pid, AccountId = id, CreatedAt = t, RepostOfPostId = target.Id, RepostOfAccountId = target.Author, Client = "Twitter for Android" });
                }
                else
                {
                    var tags = rng.NextDouble() < 0.5 ? new[] { "topic" + (int)(200 * Math.Pow(rng.NextDouble(), 2)) } : [];
                    b.TryAddPost(new PostRecord { PostId = pid, AccountId = id, CreatedAt = t, Text = $"organic words {rng.Next(1_000_000)}", Hashtags = tags, Client = rng.NextDouble() < 0.5 ? "Twitter for iPhone" : "Twitter Web App" });
                    originals.Add((pid, id));
                }
            }
        }
        // hard negative: a news burst, 60 organic accounts repost one viral post within ten minutes, once
        string viral = Pid();
        b.TryAddPost(new PostRecord { PostId = viral, AccountId = $"s{seed}org0", CreatedAt = start + 3 * 1440 * minute, Text = "breaking news" });
        for (int i = 1; i <= 60; i++)
            b.TryAddPost(new PostRecord { PostId = Pid(), AccountId = $"s{seed}org{i}", CreatedAt = start + 3 * 1440 * minute + rng.Next(600) * Time.MicrosPerSecond, RepostOfPostId = viral, RepostOfAccountId = $"s{seed}org0" });
        for (int op = 0; op < 2; op++)
        {
            string label = $"op{op}";
            var members = new string[OperationSize];
            long created = start - rng.Next(60, 400) * 1440 * minute;
            for (int m = 0; m < OperationSize; m++)
            {
                members[m] = $"s{seed}{label}m{m}";
                b.TryAddAccount(new AccountRecord
                {
                    AccountId = members[m], ScreenName = $"patriot{rng.Next(10000000, 99999999)}", Label = label,
                    CreatedAt = created + rng.Next(3600) * Time.MicrosPerSecond, FollowerCount = rng.Next(0, 50), FollowingCount = rng.Next(100, 900),
                });
            }
            int events = 40 + rng.Next(20);
            for (int e = 0; e < events; e++)
            {
                // office hours in UTC+3, weekdays
                long day = rng.Next(days);
                if ((day % 7) >= 5) day -= 2;
                long t0 = start + (day * 1440 + (6 + rng.Next(9)) * 60 + rng.Next(60)) * minute;
                string target = Pid();
                string leader = members[rng.Next(OperationSize)];
                b.TryAddPost(new PostRecord { PostId = target, AccountId = leader, CreatedAt = t0, Text = $"campaign message {op} {e}", Hashtags = [$"op{op}tag{e % 5}"], Client = "Hootsuite" });
                foreach (var m in members)
                {
                    if (m == leader || rng.NextDouble() < 0.3) continue;
                    b.TryAddPost(new PostRecord { PostId = Pid(), AccountId = m, CreatedAt = t0 + rng.Next(5, 150) * Time.MicrosPerSecond, RepostOfPostId = target, RepostOfAccountId = leader, Client = "Hootsuite" });
                }
            }
            // some organic-looking filler
            foreach (var m in members)
                for (int k = 0; k < 5; k++)
                    b.TryAddPost(new PostRecord { PostId = Pid(), AccountId = m, CreatedAt = start + rng.NextInt64(days * 1440L) * minute, Text = $"filler {rng.Next(1_000_000)}", Client = "Hootsuite" });
        }
        return b.Build();
    }

    /// <summary>A model trained on two generated datasets (seeds 1 and 2), small and quick.</summary>
    public static CoordinationModel TrainModel(int threads = 1)
    {
        var network = new DetectionNetworkOptions { Threads = threads };
        var sets = new[] { 1, 2 }.Select(s => Labels.TrainingSet(Build(s), network, "gen" + s)).ToList();
        return CoordinationModel.Train(sets, network, new TrainingOptions { Iterations = 60, Threads = threads, MinExamplesPerLeaf = 5 });
    }
}

/// <summary>One trained model shared by the detection tests (training is the slow part).</summary>
public sealed class TrainedModelFixture : IDisposable
{
    private readonly TempDir _dir = new();

    public TrainedModelFixture()
    {
        Model = CoordinatedData.TrainModel();
        ModelPath = _dir.Sub("model.zip");
        Model.SaveAsync(ModelPath).GetAwaiter().GetResult();
    }

    public CoordinationModel Model { get; }
    public string ModelPath { get; }

    public void Dispose() => _dir.Dispose();
}
