namespace DeepPassport.Bench;

/// <summary>Decoding throughput of the COCO passport photos (filled in when the JPEG decoder lands).</summary>
public static class DecodeBench
{
    public static void Run(string dataRoot, int rounds) { _ = dataRoot; _ = rounds; }
}
