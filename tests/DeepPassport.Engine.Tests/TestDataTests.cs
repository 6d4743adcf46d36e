using Xunit.Sdk;

namespace DeepPassport.Engine.Tests;

public class TestDataTests
{
    [Fact]
    public void Unset_OutsideCi_Skips() => Assert.Null(TestData.Resolve(null, null));

    [Fact]
    public void Unset_InCi_Fails() => Assert.Throws<FailException>(() => TestData.Resolve(null, "true"));

    [Fact]
    public void Set_ToMissingFolder_Fails() =>
        Assert.Throws<FailException>(() => TestData.Resolve(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N")), null));

    [Fact]
    public void Set_ToFolder_ReturnsIt()
    {
        string dir = Path.GetTempPath();
        Assert.Equal(dir, TestData.Resolve(dir, "true"));
    }
}
