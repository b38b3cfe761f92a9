using BenchmarkDotNet.Attributes;
using NetDetect.Core.Data;

namespace NetDetect.Benchmarks;

/// <summary>
/// Parquet ingest into the <see cref="Dataset"/> on a generated 200,000-post file (plain and dictionary
/// encoded), single-threaded and with one job per core. The 10-million-post figure comes from
/// <c>dotnet run -c Release --project tests/NetDetect.Benchmarks -- ingest --posts 10000000</c>.
/// </summary>
[MemoryDiagnoser]
public class IngestBenchmarks
{
    private string _dir = "";

    [Params(false, true)]
    public bool Dictionary { get; set; }

    [Params(1, 0)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var options = new IngestDataOptions(Posts: 200_000, Accounts: 20_000, Seed: 7, RowGroupSize: 50_000, Dictionary: Dictionary);
        _dir = IngestData.EnsureAsync(options, Path.Combine(Path.GetTempPath(), "netdetect-bench")).GetAwaiter().GetResult();
    }

    [Benchmark(OperationsPerInvoke = 200_000)]
    public Task<Dataset> ReadPosts() =>
        ParquetDatasetReader.ReadAsync(_dir, new DatasetReadOptions { MaxDegreeOfParallelism = Threads });
}
