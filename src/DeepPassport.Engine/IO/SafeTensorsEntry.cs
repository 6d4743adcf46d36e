namespace DeepPassport.Engine.IO;

/// <summary>One tensor's header entry: its byte range is [Begin, End) of the data section.</summary>
internal sealed record SafeTensorsEntry(string Name, SafeTensorsDType DType, int[] Shape, long Count, long Begin, long End);
