namespace NetDetect.Core.Network;

/// <summary>
/// Drops the shares of crowd objects: objects shared more than a cap within one sliding window (detection's
/// <see cref="Features.DetectionNetworkOptions.MaxWindowCrowd"/>, <c>netdetect network --max-window-crowd</c>).
/// Other objects' shares, ids and idf are untouched.
/// </summary>
public static class CrowdFilter
{
    /// <summary>The objects whose busiest window (shares with t in [t_x, t_x + window], any account) holds more than <paramref name="maxCrowd"/> shares.</summary>
    public static bool[] CrowdObjects(ShareTable shares, long windowMicros, int maxCrowd)
    {
        var crowd = new bool[shares.ObjectCount];
        if (maxCrowd <= 0) return crowd;
        // only an object with more shares than the cap can exceed it: count, then look at those few in time order
        var count = new int[shares.ObjectCount];
        foreach (int o in shares.Object) count[o]++;
        var offset = new int[shares.ObjectCount + 1];
        int candidates = 0;
        for (int o = 0; o < count.Length; o++)
        {
            offset[o + 1] = offset[o] + (count[o] > maxCrowd ? count[o] : 0);
            if (count[o] > maxCrowd) candidates++;
        }
        if (candidates == 0) return crowd;
        var times = new long[offset[^1]];
        var fill = offset[..^1];
        var obj = shares.Object;
        var time = shares.Time;
        for (int i = 0; i < obj.Length; i++)
            if (count[obj[i]] > maxCrowd) times[fill[obj[i]]++] = time[i];
        for (int o = 0; o < count.Length; o++)
        {
            if (count[o] <= maxCrowd) continue;
            var run = times.AsSpan(offset[o], count[o]);
            run.Sort();
            // two pointers: shares in [run[lo], run[hi]] with run[hi] - run[lo] <= window
            int lo = 0;
            for (int hi = 0; hi < run.Length; hi++)
            {
                while (run[hi] - run[lo] > windowMicros) lo++;
                if (hi - lo + 1 > maxCrowd) { crowd[o] = true; break; }
            }
        }
        return crowd;
    }

    /// <summary><paramref name="shares"/> without the shares of crowd objects (the same table when there are none).</summary>
    public static ShareTable Apply(ShareTable shares, long windowMicros, int maxCrowd, out int dropped)
    {
        var crowd = CrowdObjects(shares, windowMicros, maxCrowd);
        dropped = 0;
        foreach (bool c in crowd) if (c) dropped++;
        int keep = 0;
        foreach (int o in shares.Object) if (!crowd[o]) keep++;
        if (keep == shares.Count) return shares;
        var obj = new int[keep];
        var acc = new int[keep];
        var time = new long[keep];
        var post = new int[keep];
        int k = 0;
        for (int i = 0; i < shares.Count; i++)
        {
            if (crowd[shares.Object[i]]) continue;
            obj[k] = shares.Object[i];
            acc[k] = shares.Account[i];
            time[k] = shares.Time[i];
            post[k] = shares.Post[i];
            k++;
        }
        return new ShareTable
        {
            Modality = shares.Modality, Object = obj, Account = acc, Time = time, Post = post,
            ObjectCount = shares.ObjectCount, AccountCount = shares.AccountCount, PostAccount = shares.PostAccount,
            PostContent = shares.PostContent, PostTime = shares.PostTime, Participation = shares.Participation, TimeResolutionMicros = shares.TimeResolutionMicros,
            ObjectName = shares.ObjectName, AccountName = shares.AccountName, PostName = shares.PostName,
        };
    }
}
