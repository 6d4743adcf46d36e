// CLI tests redirect Console.Out/Error, which are process-wide: run this assembly's tests one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
