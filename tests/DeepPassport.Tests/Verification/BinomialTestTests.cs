using DeepPassport.Verification;

namespace DeepPassport.Tests.Verification;

public class BinomialTestTests
{
    [Theory]
    [InlineData(10, 10, 1.0 / 1024)]
    [InlineData(10, 8, 56.0 / 1024)]          // C(10,8)+C(10,9)+C(10,10) = 45+10+1
    [InlineData(4, 0, 1.0)]
    [InlineData(1, 1, 0.5)]
    [InlineData(20, 10, 616_666.0 / 1_048_576)] // P(X >= 10), X ~ Bin(20, 1/2)
    public void UpperTailMatchesExactSums(int n, int k, double expected) =>
        Assert.Equal(expected, BinomialTest.UpperTail(n, k), 1e-12);

    [Fact]
    public void ThousandsOfBitsStayFiniteInLogSpace()
    {
        // All 2560 bits of ResNet-18's layer4 matching: 2^-2560, far below double's range.
        Assert.Equal(-2560 * Math.Log10(2), BinomialTest.Log10UpperTail(2560, 2560), 1e-6);
        Assert.InRange(BinomialTest.Log10UpperTail(2560, 1280), -0.31, -0.29);   // about one half
    }
}
