namespace DeepPassport.Engine.IO;

/// <summary>The element types this reader understands, with their safetensors spelling and size.</summary>
internal enum SafeTensorsDType { F32, F64, F16, BF16, I64, I32 }

internal static class SafeTensorsDTypes
{
    public static bool TryParse(string text, out SafeTensorsDType dtype)
    {
        // Exact, case-sensitive names as the format defines them; Enum.TryParse would also accept "f32" or "1".
        switch (text)
        {
            case "F32": dtype = SafeTensorsDType.F32; return true;
            case "F64": dtype = SafeTensorsDType.F64; return true;
            case "F16": dtype = SafeTensorsDType.F16; return true;
            case "BF16": dtype = SafeTensorsDType.BF16; return true;
            case "I64": dtype = SafeTensorsDType.I64; return true;
            case "I32": dtype = SafeTensorsDType.I32; return true;
            default: dtype = default; return false;
        }
    }

    public static int ElementSize(SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.F64 or SafeTensorsDType.I64 => 8,
        SafeTensorsDType.F32 or SafeTensorsDType.I32 => 4,
        _ => 2,
    };

    public static bool IsInteger(SafeTensorsDType dtype) => dtype is SafeTensorsDType.I64 or SafeTensorsDType.I32;
}
