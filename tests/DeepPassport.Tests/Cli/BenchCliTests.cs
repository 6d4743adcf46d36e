using System.Text.Json;

namespace DeepPassport.Tests.Cli;

/// <summary>`deeppassport bench` prints the JSON that bench/reference/compare.py reads; speed itself is never asserted.</summary>
public class BenchCliTests
{
    [Fact]
    public void JsonHasTheKeysCompareReads()
    {
        // Tiny batches and GEMM: this checks the output's shape, not the machine's speed.
        var r = CliHarness.Run("bench", "--models", "alexnet", "--rounds", "1", "--steps", "1",
            "--batch-size", "4", "--infer-batch-size", "4", "--gemm-size", "32", "--threads", "1", "--json");
        Assert.True(r.ExitCode == 0, r.Error);
        using var doc = JsonDocument.Parse(r.Out);
        var root = doc.RootElement;
        Assert.Equal(["models", "gemm_gflops", "gemm_gflops_1thread", "fma_peak_gflops", "fma_peak_gflops_1thread", "peak_working_set_bytes", "threads", "gemm_kernel"],
            root.EnumerateObject().Select(p => p.Name).ToArray());
        var model = Assert.Single(root.GetProperty("models").EnumerateArray());
        Assert.Equal(["model", "train_images_per_s", "infer_images_per_s", "alloc_bytes_per_step", "train_step_ms_median", "train_peak_working_set_bytes", "infer_peak_working_set_bytes"],
            model.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("alexnet", model.GetProperty("model").GetString());
        foreach (var key in new[] { "train_images_per_s", "infer_images_per_s", "train_step_ms_median" })
            Assert.True(model.GetProperty(key).GetDouble() > 0, key);
        Assert.True(model.GetProperty("alloc_bytes_per_step").GetInt64() > 0);
        Assert.True(root.GetProperty("gemm_gflops").GetDouble() > 0);
        Assert.True(root.GetProperty("gemm_gflops_1thread").GetDouble() > 0);
        Assert.True(root.GetProperty("fma_peak_gflops").GetDouble() > 0);
        Assert.True(root.GetProperty("fma_peak_gflops_1thread").GetDouble() > 0);
        Assert.True(root.GetProperty("peak_working_set_bytes").GetInt64() > 0);
        // Training's and inference's own peaks (reset before each on Linux). Not compared with the whole run's: Linux
        // records the peak lazily (VmHWM is the larger of a mark updated only at some events and the current set), so a
        // later reading can come out a few pages lower than an earlier one (seen: 61 kB).
        if (OperatingSystem.IsLinux())
        {
            Assert.True(model.GetProperty("train_peak_working_set_bytes").GetInt64() > 0);
            Assert.True(model.GetProperty("infer_peak_working_set_bytes").GetInt64() > 0);
        }
        Assert.Equal(1, root.GetProperty("threads").GetInt32());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("gemm_kernel").GetString()));
    }

    [Theory]
    [InlineData("--models", "vgg")]
    [InlineData("--models", "alexnet,alexnet")]
    [InlineData("--models", "")]
    [InlineData("--rounds", "0")]
    [InlineData("--steps", "many")]
    public void BadOptionsAreUsageErrors(string option, string value)
    {
        var r = CliHarness.Run("bench", option, value, "--json");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(option, r.Error);
        Assert.Equal("", r.Out);
    }
}
