namespace NetDetect.Core.Simulation;

/// <summary>Every knob of the campaign simulator, with its default (documented in <c>docs/simulator.md</c>).</summary>
public sealed record SimulationOptions
{
    /// <summary>Accounts in the dataset, all kinds together.</summary>
    public int Accounts { get; init; } = 10_000;

    /// <summary>Approximate total posts; the organic background scales its activity to reach it.</summary>
    public long Posts { get; init; } = 300_000;

    /// <summary>Length of the simulated period in days.</summary>
    public int Days { get; init; } = 30;

    /// <summary>Number of state-backed operations.</summary>
    public int Operations { get; init; } = 2;

    public ulong Seed { get; init; } = 1;

    /// <summary>First day of the period (UTC midnight). 2019-09-01 puts the Mid-Autumn holiday (13 September) inside a 30-day run.</summary>
    public DateOnly Start { get; init; } = new(2019, 9, 1);

    /// <summary>
    /// How careful the operations are: <c>easy</c> (sloppy: dense, fast, office hours), <c>medium</c>, <c>hard</c> (careful: sparse,
    /// jittered, mixed with organic-looking filler), or <c>mixed</c> (operations spread evenly from easy to hard).
    /// </summary>
    public string Difficulty { get; init; } = "mixed";

    /// <summary>Share of all accounts that belong to an operation (split between the operations).</summary>
    public double OperationShare { get; init; } = 0.02;

    /// <summary>Whether to add the hard negatives (news bursts, activists, fans, schedule bots, an organisation).</summary>
    public bool HardNegatives { get; init; } = true;

    /// <summary>Worker threads for generation; the output does not depend on it.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Target rows per Parquet row group (row groups end on partition boundaries, so sizes vary a little).</summary>
    public int RowGroupSize { get; init; } = 500_000;

    /// <summary>Care levels (0 = sloppy, 1 = careful) for each operation, from <see cref="Difficulty"/>.</summary>
    public double[] CareLevels()
    {
        var care = new double[Operations];
        for (int i = 0; i < Operations; i++)
        {
            care[i] = Difficulty switch
            {
                "easy" => 0.1,
                "medium" => 0.5,
                "hard" => 0.9,
                "mixed" => Operations == 1 ? 0.5 : 0.1 + 0.8 * i / (Operations - 1),
                _ => throw new ArgumentException($"difficulty must be easy, medium, hard or mixed, not '{Difficulty}'"),
            };
        }
        return care;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first knob out of range.</summary>
    public void Validate()
    {
        if (Accounts < 100) throw new ArgumentException("accounts must be at least 100");
        if (Posts < Accounts) throw new ArgumentException("posts must be at least the number of accounts");
        if (Days < 1 || Days > 366) throw new ArgumentException("days must be between 1 and 366");
        if (Operations < 0 || Operations > 20) throw new ArgumentException("operations must be between 0 and 20");
        if (OperationShare < 0 || OperationShare > 0.3) throw new ArgumentException("operation share must be between 0 and 0.3");
        if (Operations > 0 && Accounts * OperationShare < 3 * Operations) throw new ArgumentException("too few accounts for that many operations: raise accounts or operation share");
        if (Threads < 1) throw new ArgumentException("threads must be at least 1");
        if (RowGroupSize < 1000) throw new ArgumentException("row group size must be at least 1000");
        _ = CareLevels();
    }
}
