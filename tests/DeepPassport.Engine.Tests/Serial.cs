using Xunit;

namespace DeepPassport.Engine.Tests;

/// <summary>
/// Tests that measure the calling thread's allocations run alone: while another test holds the kernels' worker team,
/// a parallel loop falls back to Parallel.For, which allocates on the calling thread.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Serial
{
    public const string Name = "serial";
}
