using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// `dotnet run -c Release --project bench/DeepPassport.Kernels -- --filter '*'` (or '*Gemm*', '*Conv*', '*BatchNorm*').
// In-process: no generated project to restore or build, so it runs offline; a short job, since the machine is shared
// and only ratios measured side by side mean anything (bench/README.md).
var config = DefaultConfig.Instance
    .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("in-process"))
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);
BenchmarkSwitcher.FromAssembly(typeof(DeepPassport.Kernels.GemmBenchmarks).Assembly).Run(args, config);
