using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Tests.Nn;

public class StateDictTests
{
    [Fact]
    public void StateDictHasParametersThenBuffersPerModuleWithCounterAsInt64()
    {
        var net = new TinyNet();
        var sd = net.StateDict();
        Assert.Equal(TinyNet.StateNames, sd.Keys);
        Assert.True(sd["features.1.num_batches_tracked"].IsInt64);
        Assert.Empty(sd["features.1.num_batches_tracked"].Shape);
        Assert.Equal([4, 3, 3, 3], sd["features.0.weight"].Shape);
    }

    [Fact]
    public void StateDictIsACopy()
    {
        var net = new TinyNet();
        var sd = net.StateDict();
        net.Classifier.Weight.Value.Data[0] = 123f;
        Assert.NotEqual(123f, sd.GetTensor("classifier.weight").Data[0]);
    }

    [Fact]
    public void RoundTripRestoresEveryValueIncludingCounters()
    {
        var source = new TinyNet(seed: 1);
        ((BatchNorm2d)source.Features[1]).NumBatchesTracked.Value = 42;
        source.Features[1].NamedBuffers().First().Buffer.Data[2] = 0.5f;
        var target = new TinyNet(seed: 2);
        Assert.NotEqual(source.Classifier.Weight.Value.Data, target.Classifier.Weight.Value.Data);

        var report = target.LoadStateDict(source.StateDict());

        Assert.True(report.IsExactMatch);
        var a = source.StateDict();
        var b = target.StateDict();
        foreach (var (name, value) in a)
        {
            if (value.IsInt64) Assert.Equal(value.Int64, b.GetInt64(name));
            else Assert.Equal(value.Tensor!.Data, b.GetTensor(name).Data);
        }
        Assert.Equal(42, ((BatchNorm2d)target.Features[1]).NumBatchesTracked.Value);
    }

    [Fact]
    public void LoadingKeepsParameterObjectsAndStorage()
    {
        var net = new TinyNet(seed: 1);
        var storage = net.Classifier.Weight.Value.Data;
        net.LoadStateDict(new TinyNet(seed: 2).StateDict());
        Assert.Same(storage, net.Classifier.Weight.Value.Data);
    }

    [Fact]
    public void NonStrictLoadReportsMissingAndUnexpectedNames()
    {
        var net = new TinyNet(seed: 1);
        var sd = new TinyNet(seed: 2).StateDict();
        sd.Remove("classifier.bias");
        sd.Remove("features.1.num_batches_tracked");
        sd.Add("extra.weight", Tensor.Zeros(2));
        var before = net.Classifier.Bias!.Value.ToArray();

        var report = net.LoadStateDict(sd, strict: false);

        Assert.Equal(["features.1.num_batches_tracked", "classifier.bias"], report.MissingKeys);
        Assert.Equal(["extra.weight"], report.UnexpectedKeys);
        Assert.False(report.IsExactMatch);
        Assert.Equal(before, net.Classifier.Bias.Value.Data);
        Assert.Equal(sd.GetTensor("classifier.weight").Data, net.Classifier.Weight.Value.Data);
    }

    [Fact]
    public void StrictLoadThrowsNamingMissingAndUnexpectedAndLoadsNothing()
    {
        var net = new TinyNet(seed: 1);
        var before = net.Classifier.Weight.Value.ToArray();
        var sd = new TinyNet(seed: 2).StateDict();
        sd.Remove("classifier.bias");
        sd.Add("extra.weight", Tensor.Zeros(2));

        var ex = Assert.Throws<StateDictException>(() => net.LoadStateDict(sd));

        Assert.Contains("classifier.bias", ex.Message);
        Assert.Contains("extra.weight", ex.Message);
        Assert.Equal(before, net.Classifier.Weight.Value.Data);
    }

    [Fact]
    public void ShapeMismatchThrowsNamingTheEntryAndBothShapes()
    {
        var net = new TinyNet();
        var sd = net.StateDict();
        sd["classifier.weight"] = Tensor.Zeros(3, 64);

        var ex = Assert.Throws<StateDictException>(() => net.LoadStateDict(sd, strict: false));

        Assert.Contains("classifier.weight", ex.Message);
        Assert.Contains("[2, 64]", ex.Message);
        Assert.Contains("[3, 64]", ex.Message);
    }

    [Fact]
    public void TypeMismatchBetweenCounterAndTensorThrows()
    {
        var net = new TinyNet();
        var sd = net.StateDict();
        sd["features.1.num_batches_tracked"] = Tensor.Zeros(1);
        var ex = Assert.Throws<StateDictException>(() => net.LoadStateDict(sd));
        Assert.Contains("num_batches_tracked", ex.Message);

        sd = net.StateDict();
        sd["features.0.bias"] = 3L;
        ex = Assert.Throws<StateDictException>(() => net.LoadStateDict(sd));
        Assert.Contains("features.0.bias", ex.Message);
    }

    [Fact]
    public void StateDictRejectsDuplicateNamesAndTypedGettersCheckKind()
    {
        var sd = new StateDict { { "a", Tensor.Zeros(1) }, { "n", 5L } };
        Assert.Throws<ArgumentException>(() => sd.Add("a", 1L));
        Assert.Equal(5, sd.GetInt64("n"));
        Assert.Throws<InvalidOperationException>(() => sd.GetTensor("n"));
        Assert.Throws<InvalidOperationException>(() => sd.GetInt64("a"));
        Assert.Throws<KeyNotFoundException>(() => sd["zzz"]);
    }
}
