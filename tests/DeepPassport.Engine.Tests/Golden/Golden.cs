using System.Globalization;
using DeepPassport.Engine.IO;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Tests.Golden;

/// <summary>Loads a PyTorch-made fixture (tools/golden/make_golden.py) and compares tensors with it.</summary>
public sealed class Golden
{
    public const double Tolerance = 1e-4;

    private readonly SafeTensorsFile _file;
    public string Name { get; }

    private Golden(string name, SafeTensorsFile file) { Name = name; _file = file; }

    public static Golden Load(string name) =>
        new(name, SafeTensors.Read(Path.Combine(AppContext.BaseDirectory, "Golden", "fixtures", name + ".safetensors")));

    public bool Has(string key) => _file.Tensors.ContainsKey(key);

    /// <summary>A fresh copy of a stored tensor, so tests may mutate and differentiate it.</summary>
    public Tensor T(string key) => _file.Tensors.TryGetValue(key, out var t) ? t.Clone() : throw new KeyNotFoundException($"{Name}: no tensor '{key}'.");

    public int[] Labels(string key = "labels") => _file.Int64[key].Data.Select(v => (int)v).ToArray();

    public long Int(string key) => _file.Int64[key].Data[0];

    public string Meta(string key) => _file.Metadata[key];

    public float MetaFloat(string key) => float.Parse(_file.Metadata[key], CultureInfo.InvariantCulture);

    public int MetaInt(string key) => int.Parse(_file.Metadata[key], CultureInfo.InvariantCulture);

    public IEnumerable<string> Keys(string prefix) => _file.Tensors.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>Asserts |a - e| &lt;= tol * max(1, max |e|) elementwise: a relative error of 1e-4 on the tensor's scale.</summary>
    public void AssertClose(string key, Tensor actual, double tol = Tolerance) => AssertClose(Name + ":" + key, _file.Tensors[key], actual, tol);

    public static void AssertClose(string what, Tensor expected, Tensor actual, double tol = Tolerance)
    {
        Assert.True(expected.Size == actual.Size, $"{what}: {actual.Size} values, expected {expected.Size} (shape {expected.ShapeString} vs {actual.ShapeString}).");
        double scale = 1;
        foreach (float v in expected.Data) scale = Math.Max(scale, Math.Abs(v));
        for (int i = 0; i < expected.Size; i++)
        {
            double err = Math.Abs(expected.Data[i] - actual.Data[i]) / scale;
            Assert.True(err <= tol, $"{what}[{i}]: {actual.Data[i]:G8}, PyTorch {expected.Data[i]:G8} (relative error {err:G3} > {tol:G2}).");
        }
    }
}
