using BenchmarkDotNet.Running;
using NetDetect.Benchmarks;

// Dispatch on the first argument: named end-to-end measurements, anything else goes to BenchmarkDotNet.
return args.FirstOrDefault() switch
{
    "ingest" => await IngestMeasurement.RunAsync(args[1..]),
    IngestMeasurement.ChildVerb => await IngestMeasurement.MeasureChildAsync(args[1..]),
    _ => RunBenchmarkDotNet(args),
};

static int RunBenchmarkDotNet(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(IngestMeasurement).Assembly).Run(args);
    return 0;
}
