using BenchmarkDotNet.Running;
using NetDetect.Benchmarks;

// as the netdetect command line does (NETDETECT_HUGEPAGES=0 turns it off, to compare)
NetDetect.Core.Data.HugePages.AdviseManagedHeap();
// First argument picks a hand-timed end-to-end mode; anything else goes to BenchmarkDotNet.
return args.FirstOrDefault() switch
{
    "ingest" => await IngestMeasurement.RunAsync(args[1..]),
    IngestMeasurement.ChildVerb => await IngestMeasurement.MeasureChildAsync(args[1..]),
    "kernels" => await NetDetect.Benchmarks.Kernels.KernelsBench.RunAsync(args[1..]),
    "communities" => NetDetect.Benchmarks.Communities.CommunitiesBench.Run(args[1..]),
    "network" => NetDetect.Benchmarks.Network.NetworkBench.Run(args[1..]),
    "load" => await NetDetect.Benchmarks.Load.LoadGenerator.RunAsync(args[1..]),
    "scoring" => await NetDetect.Benchmarks.Detection.ScoringBench.RunAsync(args[1..]),
    _ => RunBenchmarkDotNet(args),
};

static int RunBenchmarkDotNet(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(IngestMeasurement).Assembly).Run(args);
    return 0;
}
